import { FALLBACK_METRICS, faceOf, lineBox, type FontSet } from '../fonts/fonts.js';

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
