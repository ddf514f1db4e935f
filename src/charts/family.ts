import type { FontFamily, FontSet } from '../fonts/fonts.js';
import type { Theme } from '../theme/theme.js';
import type { DrawCall } from './drawing.js';
import type { Measure } from './labels.js';
import type { ChartSpec } from './spec.js';

// What the chart cache, the figure stage and the typesetter need of a chart without the chart stack: the types of
// a rendered chart and the helpers that need no canvas. `render.ts` (Chart.js) is loaded only to draw one, and
// canvas only for a PNG chart.

/**
 * Output formats of a chart: vector (the default; the theme calls it `svg`, as charts were once drawn through SVG)
 * or a PNG at the theme's dpi.
 */
export type ChartFormat = 'svg' | 'png';

/**
 * A rendered chart, sized in points, and the spec whose caption parts the typesetter sets as text. A vector
 * chart is a `drawing` (pdfkit calls in a `box` of its own points, scaled into the figure's) and `texts`; a PNG
 * chart is `png`, with `svg`, an SVG that only places the PNG.
 */
export interface RenderedChart extends ChartImage {
  pointer: string;
  spec: ChartSpec;
  width: number;
  height: number;
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

/** What renderChart makes: the drawing and its words, or the PNG and an SVG wrapper that places it. */
export interface ChartImage {
  format: ChartFormat;
  /** Vector: the drawing, in chart coordinates (points from the top left of `box`). */
  drawing?: readonly DrawCall[];
  /** Vector: the size the drawing was made at, in points. */
  box?: readonly [width: number, height: number];
  /** Vector: the chart's words, set as PDF text over the drawing. */
  texts?: ChartText[];
  png?: Buffer;
  svg?: string;
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

/** An SVG that only places a PNG at a size in points (pdfmake's SVG support embeds it as an image). */
export function pngAsSvg(png: Buffer, width: number, height: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `width="${width}pt" height="${height}pt" viewBox="0 0 ${width} ${height}">` +
    `<image width="${width}" height="${height}" preserveAspectRatio="none" ` +
    `xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`
  );
}
