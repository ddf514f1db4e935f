import type { Content, ContentText } from 'pdfmake/interfaces.js';
import { FALLBACK_METRICS, faceOf, lineBox, type FontSet } from '../fonts/fonts.js';
import { resolveColor, type TextStyle } from '../theme/theme.js';
import type { Ctx } from './context.js';

/** pdfmake's `lineHeight` factor that makes one line of `fontSize` in `family` exactly `linePitch` points tall. */
export function lineHeightFor(
  fonts: FontSet,
  family: string,
  bold: boolean,
  fontSize: number,
  linePitch: number,
): number {
  const box = lineBox(faceOf(fonts, family, bold) ?? FALLBACK_METRICS.serif);
  return linePitch / (fontSize * box);
}

/** A text style as pdfmake keys; with `linePitch`, a line height that makes each line exactly that tall. */
export function styled(style: TextStyle, ctx: Ctx, linePitch?: number): Partial<ContentText> {
  return {
    font: style.font,
    fontSize: style.size,
    bold: style.bold,
    color: resolveColor(ctx.theme, style.color),
    ...(style.tracking ? { characterSpacing: style.tracking * style.size } : {}),
    ...(linePitch
      ? { lineHeight: lineHeightFor(ctx.fonts, style.font, style.bold, style.size, linePitch) }
      : {}),
  };
}

/**
 * Puts a text element of another size on the body's baseline grid (clreq T3): each line one pitch tall,
 * `gapLines` of space above, and the difference between its ascender and the body's moved from above the
 * element to below it, so its baselines and everything after it stay on the grid.
 */
export function onGrid(style: TextStyle, ctx: Ctx, gapLines: number): Partial<ContentText> {
  const asc = (family: string, bold: boolean, size: number) =>
    (faceOf(ctx.fonts, family, bold) ?? FALLBACK_METRICS.serif).ascender * size;
  const body = ctx.theme.body;
  const delta = asc(style.font, style.bold, style.size) - asc(body.font, false, body.size);
  return {
    ...styled(style, ctx, ctx.geo.pitch),
    margin: [0, gapLines * ctx.geo.pitch - delta, 0, delta],
  };
}

/** Baseline offset of a body line from its top: pdfmake puts the baseline at the font's ascender. */
export function bodyAscent(ctx: Ctx): number {
  return (
    (faceOf(ctx.fonts, ctx.theme.body.font, false) ?? FALLBACK_METRICS.serif).ascender * ctx.theme.body.size
  );
}

/** A horizontal rule across `width`, `lineWidth` thick. */
export function rule(
  width: number,
  lineWidth: number,
  color: string,
  margin: [number, number, number, number] = [0, 0, 0, 0],
): Content {
  return {
    canvas: [
      { type: 'line', x1: 0, y1: lineWidth / 2, x2: width, y2: lineWidth / 2, lineWidth, lineColor: color },
    ],
    margin,
  };
}
