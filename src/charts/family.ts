import type { FontFamily, FontSet } from '../fonts/fonts.js';
import type { Theme } from '../theme/theme.js';
import type { Measure } from './labels.js';
import type { ChartSpec } from './spec.js';

// What the chart cache, the figure stage and the typesetter need of a chart without the chart stack: the types of
// a rendered chart and the helpers that need no canvas. `render.ts` (Chart.js, canvas) is loaded only to draw one.

/** Output formats of a chart: vector SVG (the default) or a PNG at the theme's dpi. */
export type ChartFormat = 'svg' | 'png';

/**
 * A rendered chart, sized in points, and the spec whose caption parts the typesetter sets as text.
 * `svg` is always there: the chart itself, or (for `png`) an SVG that only places the PNG, so a typesetter
 * that knows only `svg` still embeds it. `png`, when set, is the raster chart to embed as an image instead.
 */
export interface RenderedChart {
  pointer: string;
  spec: ChartSpec;
  svg: string;
  width: number;
  height: number;
  format: ChartFormat;
  png?: Buffer;
  /** The chart's words, set as PDF text over the drawing (SVG charts only). */
  texts?: ChartText[];
}

/** A piece of chart text, in chart coordinates (points from the top left): set as real text in the PDF. */
export interface ChartText {
  text: string;
  /** The anchor Chart.js drew at, and the baseline. */
  x: number;
  y: number;
  size: number;
  bold: boolean;
  color: string;
  align: 'left' | 'center' | 'right';
}

/** What renderChart makes: the SVG, or the PNG and an SVG wrapper that places it. */
export interface ChartImage {
  format: ChartFormat;
  svg: string;
  png?: Buffer;
  texts?: ChartText[];
}

/** Rendering options: the output format and, for PNG, the resolution in dots per inch. */
export interface RenderSettings {
  format: ChartFormat;
  dpi: number;
}

/** The canvas family name a font family is registered under: ours and unique, so no system font answers. */
export function canvasFamily(fam: FontFamily): string {
  return fam.canvasName ?? `Briefing ${fam.name}`;
}

/** The theme's chart family, or the first configured family. */
export function chartFamily(fonts: FontSet, theme: Theme): FontFamily {
  return fonts.families.get(theme.chart.font) ?? fonts.families.values().next().value!;
}

/** Text widths from the chart font's own metrics, so label room and wrapping match what is drawn. */
export function fontMeasure(fam: FontFamily): Measure {
  return (text, size, bold) => (bold ? fam.bold : fam.regular).advance(text) * size;
}

/** Cairo numbers its SVG ids per surface; renumber them so equal charts give equal bytes. */
export function normalizeSvgIds(svg: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.has(m[1]!)) ids.set(m[1]!, `c${ids.size + 1}`);
  return svg
    .replace(/\sid="([^"]+)"/g, (_m, id: string) => ` id="${ids.get(id)!}"`)
    .replace(/url\(#([^)]+)\)/g, (m, id: string) => (ids.has(id) ? `url(#${ids.get(id)!})` : m))
    .replace(/href="#([^"]+)"/g, (m, id: string) => (ids.has(id) ? `href="#${ids.get(id)!}"` : m));
}

/** An SVG that only places a PNG at a size in points (pdfmake's SVG support embeds it as an image). */
export function pngAsSvg(png: Buffer, width: number, height: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `width="${width}pt" height="${height}pt" viewBox="0 0 ${width} ${height}">` +
    `<image width="${width}" height="${height}" preserveAspectRatio="none" ` +
    `xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`
  );
}
