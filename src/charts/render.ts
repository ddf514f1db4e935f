import { createCanvas, Image } from 'canvas';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import type { FontFamily, FontSet } from '../fonts/fonts.js';
import type { Theme } from '../theme/theme.js';
import { chartConfig } from './config.js';
import type { Measure } from './labels.js';
import type { ChartSpec } from './spec.js';

export { CHART_TYPES, readChartSpec, type ChartSpec, type ChartType, type SeriesSpec } from './spec.js';
export { formatChartNumber } from './format.js';
export { chartConfig } from './config.js';

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

interface Ctx2d {
  font: string;
  fillStyle: unknown;
  textAlign: string;
  textBaseline: string;
  getTransform(): { a: number; b: number; c: number; d: number; e: number; f: number };
  measureText(text: string): { alphabeticBaseline: number };
  fillText(this: Ctx2d, text: string, x: number, y: number, maxWidth?: number): void;
}

/**
 * Runs `draw` with canvas text taken out of the drawing: every upright fillText call is recorded instead of
 * drawn (but for a value axis's numbers, see below), so the PDF can set the words as text in the document's own subset font (searchable, crisp at any
 * zoom, and far smaller than Cairo's glyph outlines: the sample's SVGs shrink from ~60 KB to ~2 KB each).
 * Rotated or scaled text is still drawn. `draw` is synchronous, so the patch never leaks into other work.
 */
function withTextCaptured<T>(texts: ChartText[], draw: () => T): T {
  const proto = Object.getPrototypeOf(createCanvas(1, 1, 'svg').getContext('2d')) as Ctx2d;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- restored below, and always called with .call
  const fillText = proto.fillText;
  proto.fillText = function (this: Ctx2d, text: string, x: number, y: number, maxWidth?: number) {
    const m = this.getTransform();
    const upright =
      Math.abs(m.b) < 1e-9 && Math.abs(m.c) < 1e-9 && Math.abs(m.a - 1) < 1e-9 && Math.abs(m.d - 1) < 1e-9;
    const color = typeof this.fillStyle === 'string' ? this.fillStyle : undefined;
    // A right-aligned column of bare numbers (a value axis's ticks) stays drawn: as text, text extractors read
    // it as a column of body lines ("10", "0", …) and take one for a number broken across lines.
    const axisNumber = this.textAlign === 'right' && !/\p{Script=Han}/u.test(String(text));
    if (!upright || color === undefined || axisNumber || String(text).trim() === '') {
      fillText.call(this, text, x, y, maxWidth);
      return;
    }
    const size = Number(/(\d+(?:\.\d+)?)px/.exec(this.font)?.[1] ?? 8);
    const baseline = y - this.measureText(String(text)).alphabeticBaseline;
    const align =
      this.textAlign === 'center'
        ? 'center'
        : this.textAlign === 'right' || this.textAlign === 'end'
          ? 'right'
          : 'left';
    texts.push({
      text: String(text),
      x: x + m.e,
      y: baseline + m.f,
      size,
      bold: /\bbold\b|\b[6-9]00\b/.test(this.font),
      color,
      align,
    });
  };
  try {
    return draw();
  } finally {
    proto.fillText = fillText;
  }
}

const renderers = new Map<string, ChartJSNodeCanvas>();
const registered = new Set<string>();

/** The canvas family name a font family is registered under: ours and unique, so no system font answers. */
export function canvasFamily(fam: FontFamily): string {
  return fam.canvasName ?? `Briefing ${fam.name}`;
}

/** The theme's chart family, or the first configured family. */
export function chartFamily(fonts: FontSet, theme: Theme): FontFamily {
  return fonts.families.get(theme.chart.font) ?? fonts.families.values().next().value!;
}

function renderer(width: number, height: number, format: ChartFormat, fam: FontFamily): ChartJSNodeCanvas {
  const family = canvasFamily(fam);
  const key = `${format}:${width}x${height}:${family}`;
  let r = renderers.get(key);
  if (!r) {
    r = new ChartJSNodeCanvas({
      width,
      height,
      ...(format === 'svg' ? { type: 'svg' as const } : { backgroundColour: '#ffffff' }),
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.family = family;
        ChartJS.defaults.animation = false;
        ChartJS.defaults.responsive = false;
        ChartJS.defaults.devicePixelRatio = 1;
      },
    });
    // Only the configured TrueType files, registered once per process (canvas keeps them globally).
    for (const [file, weight] of [
      [fam.regular.file, 'normal'],
      [fam.bold.file, 'bold'],
    ] as const) {
      const id = `${file}\0${family}\0${weight}`;
      if (registered.has(id)) continue;
      r.registerFont(file, { family, weight });
      registered.add(id);
    }
    renderers.set(key, r);
  }
  return r;
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

/**
 * The PNG without its alpha channel (the chart is drawn on white): an RGB image goes into the PDF without a
 * soft mask, which is transparency that PDF/X-1a print workflows refuse.
 */
function opaque(rgba: Buffer): Buffer {
  const img = new Image();
  img.src = rgba;
  const canvas = createCanvas(img.width, img.height);
  canvas.getContext('2d', { pixelFormat: 'RGB24' }).drawImage(img, 0, 0);
  return canvas.toBuffer('image/png');
}

/** Text widths from the chart font's own metrics, so label room and wrapping match what is drawn. */
export function fontMeasure(fam: FontFamily): Measure {
  return (text, size, bold) => (bold ? fam.bold : fam.regular).advance(text) * size;
}

/** Rendering options: the output format and, for PNG, the resolution in dots per inch. */
export interface RenderSettings {
  format: ChartFormat;
  dpi: number;
}

/**
 * Renders one chart at the given size in points (1 canvas unit = 1 pt): SVG by default, or a PNG of
 * width × dpi/72 pixels. Same inputs, same bytes.
 */
export function renderChart(
  spec: ChartSpec,
  width: number,
  height: number,
  fonts: FontSet,
  theme: Theme,
  settings: RenderSettings = { format: theme.chart.format, dpi: theme.chart.dpi },
): ChartImage {
  const w = Math.round(width);
  const h = Math.round(height);
  const fam = chartFamily(fonts, theme);
  const config = chartConfig(spec, theme, {
    family: canvasFamily(fam),
    width: w,
    height: h,
    measure: fontMeasure(fam),
  });
  if (settings.format === 'png') {
    config.options.devicePixelRatio = settings.dpi / 72;
    const png = opaque(renderer(w, h, 'png', fam).renderToBufferSync(config, 'image/png'));
    return { format: 'png', png, svg: pngAsSvg(png, w, h) };
  }
  const texts: ChartText[] = [];
  const svg = withTextCaptured(texts, () =>
    renderer(w, h, 'svg', fam).renderToBufferSync(config, 'image/svg+xml').toString('utf8'),
  );
  return { format: 'svg', svg: normalizeSvgIds(svg), texts };
}
