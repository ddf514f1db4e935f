import { createRequire } from 'node:module';
import type { FontFamily, FontSet } from '../fonts/fonts.js';
import type { Theme } from '../theme/theme.js';
import { chartConfig } from './config.js';
import {
  canvasFamily,
  chartFamily,
  fontMeasure,
  pngAsSvg,
  type ChartImage,
  type RenderSettings,
} from './family.js';
import type { ChartSpec } from './spec.js';
import { renderVector } from './vector.js';

export { CHART_TYPES, readChartSpec, type ChartSpec, type ChartType, type SeriesSpec } from './spec.js';
export { formatChartNumber } from './format.js';
export { chartConfig } from './config.js';
export type { ChartFormat, ChartImage, ChartText, RenderedChart, RenderSettings } from './family.js';

type Canvas = typeof import('canvas');
type NodeCanvas = typeof import('chartjs-node-canvas');

const require = createRequire(import.meta.url);
/** canvas (native, with Cairo and Pango) and chartjs-node-canvas: loaded for the first PNG chart only. */
let canvasModules: { canvas: Canvas; nodeCanvas: NodeCanvas } | undefined;
const canvasStack = () =>
  (canvasModules ??= {
    canvas: require('canvas') as Canvas,
    nodeCanvas: require('chartjs-node-canvas') as NodeCanvas,
  });

const renderers = new Map<string, InstanceType<NodeCanvas['ChartJSNodeCanvas']>>();
const registered = new Set<string>();

function renderer(
  width: number,
  height: number,
  fam: FontFamily,
): InstanceType<NodeCanvas['ChartJSNodeCanvas']> {
  const family = canvasFamily(fam);
  const key = `${width}x${height}:${family}`;
  let r = renderers.get(key);
  if (!r) {
    r = new (canvasStack().nodeCanvas.ChartJSNodeCanvas)({
      width,
      height,
      backgroundColour: '#ffffff',
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
  const { Image, createCanvas } = canvasStack().canvas;
  const img = new Image();
  img.src = rgba;
  const canvas = createCanvas(img.width, img.height);
  canvas.getContext('2d', { pixelFormat: 'RGB24' }).drawImage(img, 0, 0);
  return canvas.toBuffer('image/png');
}

/**
 * Renders one chart at the given size in points (1 unit = 1 pt): a vector drawing by default (format `svg`), or
 * a PNG of width × dpi/72 pixels. Same inputs, same result.
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
    const png = opaque(renderer(w, h, fam).renderToBufferSync(config, 'image/png'));
    return { format: 'png', png, svg: pngAsSvg(png, w, h) };
  }
  return renderVector(config, w, h, fam, canvasFamily(fam));
}
