import type { Chart, ChartMeta, ChartType, Plugin } from 'chart.js';
import { barGeometry, position } from './elements.js';
import { placeValueLabels, type Box, type LabelKind, type LabelOptions } from './label-placement.js';

/** Area fills and bar outlines, per dataset (null: none). */
export interface ShapeOptions {
  areas: readonly (string | null)[];
  stacked: boolean;
  outlines: readonly (string | null)[];
}

// Chart.js hands each plugin the options under its id in `options.plugins`: these are ours.
declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- declaration merging repeats Chart.js's parameter
  interface PluginOptionsByType<TType extends ChartType> {
    /** Options of the plugin drawing areas and outlines without clip paths (set by chartConfig). */
    briefingShapes: ShapeOptions;
    /** Options of the value-label plugin (set by chartConfig). */
    briefingLabels: LabelOptions;
  }
}

/** Calls `draw` for each shown dataset that has something to draw (an area fill, an outline colour). */
function eachShown(
  chart: Chart,
  per: readonly (string | null)[],
  draw: (value: string, meta: ChartMeta) => void,
): void {
  chart.data.datasets.forEach((_, i) => {
    const value = per[i];
    const meta = chart.getDatasetMeta(i);
    if (value && !meta.hidden) draw(value, meta);
  });
}

/**
 * Fills areas down to zero, or onto the area below when stacked: the filler plugin would clip them to the
 * chart area.
 */
function drawAreas(chart: Chart, cfg: ShapeOptions): void {
  const { ctx, chartArea } = chart;
  let below: { x: number; y: number }[] | undefined;
  eachShown(chart, cfg.areas, (fill, meta) => {
    const top = meta.data.map(position);
    const scale = chart.scales[meta.yAxisID ?? 'y']!;
    const zero = Math.min(chartArea.bottom, Math.max(chartArea.top, scale.getPixelForValue(0)));
    const bottom =
      cfg.stacked && below ? [...below].reverse() : [...top].reverse().map((p) => ({ x: p.x, y: zero }));
    ctx.save();
    ctx.beginPath();
    [...top, ...bottom].forEach((p, k) => (k ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
    ctx.closePath();
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.restore();
    below = top;
  });
}

/** Outlines pale bars half a point inside their edge: Chart.js draws a bar border by clipping. */
function drawOutlines(chart: Chart, cfg: ShapeOptions): void {
  const { ctx } = chart;
  const horizontal = chart.options.indexAxis === 'y';
  ctx.save();
  ctx.lineWidth = 0.5;
  eachShown(chart, cfg.outlines, (color, meta) => {
    ctx.strokeStyle = color;
    for (const el of meta.data) {
      const p = barGeometry(el);
      const [l, t, w, h] = horizontal
        ? [Math.min(p.x, p.base), p.y - p.height / 2, Math.abs(p.x - p.base), p.height]
        : [p.x - p.width / 2, Math.min(p.y, p.base), p.width, Math.abs(p.base - p.y)];
      if (w > 0.5 && h > 0.5) ctx.strokeRect(l + 0.25, t + 0.25, w - 0.5, h - 0.5);
    }
  });
  ctx.restore();
}

/**
 * Shapes Chart.js would draw with clip paths, drawn without: area fills (the filler plugin clips to the chart
 * area) and outlines of pale bars (a bar border is drawn by clipping). A clip path in the SVG becomes a soft
 * mask in the PDF, which is transparency that PDF/X-1a print workflows refuse.
 */
export const printShapes: Plugin<ChartType, ShapeOptions> = {
  id: 'briefingShapes',
  beforeDatasetsDraw(chart, _args, cfg) {
    if (cfg.areas.some(Boolean)) drawAreas(chart, cfg);
  },
  afterDatasetsDraw(chart, _args, cfg) {
    if (cfg.outlines.some(Boolean)) drawOutlines(chart, cfg);
  },
};

/** What the value-label plugin placed: each label's kind and box, and the marks it kept off (for tests). */
export type LabelRecord = { labels: { kind: LabelKind; text: string; box: Box }[]; marks: Box[] };
let recorder: ((r: LabelRecord) => void) | undefined;
/** Sets (or clears) a function that is told, for each chart drawn, where its value labels went. */
export function recordLabels(fn: ((r: LabelRecord) => void) | undefined): void {
  recorder = fn;
}

/**
 * Value labels: over bars (or beside horizontal ones), inside stacked segments and slices where they fit,
 * over line points on a white ground. Labels never overlap: points win over bars, bars over segments; in
 * `auto`, the bars of a chart are labelled all or none (a few labels would read as the only values). They are
 * placed by `placeValueLabels` (`label-placement.ts`) and drawn here.
 */
export const valueLabels: Plugin<ChartType, LabelOptions> = {
  id: 'briefingLabels',
  afterDatasetsDraw(chart, _args, cfg) {
    if (cfg.mode === false) return;
    const { ctx } = chart;
    ctx.save();
    ctx.font = cfg.font;
    const { accepted, marks } = placeValueLabels(chart, ctx, cfg);
    recorder?.({ labels: accepted.map((t) => ({ kind: t.kind, text: t.text, box: t.box })), marks });
    for (const t of accepted) {
      if (t.ground) {
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(t.box.l, t.box.t, t.box.r - t.box.l, t.box.b - t.box.t);
      }
      ctx.fillStyle = t.color;
      ctx.textAlign = t.align;
      ctx.textBaseline = t.baseline;
      ctx.fillText(t.text, t.x, t.y);
    }
    ctx.restore();
  },
};
