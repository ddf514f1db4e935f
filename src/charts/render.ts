import { createCanvas, Image } from 'canvas';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import type { FontFamily, FontSet } from '../fonts/fonts.js';
import type { Theme } from '../theme/theme.js';
import { chartConfig } from './config.js';
import {
  canvasFamily,
  chartFamily,
  fontMeasure,
  normalizeSvgIds,
  pngAsSvg,
  type ChartFormat,
  type ChartImage,
  type ChartText,
  type RenderSettings,
} from './family.js';
import type { ChartSpec } from './spec.js';

export { CHART_TYPES, readChartSpec, type ChartSpec, type ChartType, type SeriesSpec } from './spec.js';
export { formatChartNumber } from './format.js';
export { chartConfig } from './config.js';
export type { ChartFormat, ChartImage, ChartText, RenderedChart, RenderSettings } from './family.js';

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
