import type { Chart, ChartConfiguration, Plugin } from 'chart.js';
import { resolveColor, type Theme } from '../theme/theme.js';
import { axisFormatter, decimalsOf, formatChartNumber } from './format.js';
import type { ChartSpec, SeriesSpec } from './spec.js';
import { lightness, needsOutline, textOn, tint } from '../theme/color.js';

/** Width of a text in points at a size; bold or not. */
export type Measure = (text: string, size: number, bold: boolean) => number;

/** A rough measure for when no font is at hand: CJK one em, Latin and digits a little over half. */
export const roughMeasure: Measure = (text, size) =>
  [...text].reduce((w, ch) => w + (/[\u2e80-\uffff]/.test(ch) ? 1 : 0.56), 0) * size;

/** What the chart is drawn with, besides the spec and theme. */
export interface ConfigOptions {
  /** The canvas font family the chart font is registered under. */
  family: string;
  width: number;
  height: number;
  measure?: Measure;
}

type LabelKind = 'bar' | 'hbar' | 'segment' | 'point' | 'slice' | 'none';

/** The options of the value-label plugin, precomputed from the spec (Chart.js passes them through). */
interface LabelOptions {
  mode: boolean | 'auto';
  kinds: LabelKind[];
  texts: string[][];
  fills: string[][];
  /** Totals over stacked bars, one per label (empty when not stacked). */
  totals: string[];
  font: string;
  size: number;
  color: string;
}

const BAR_PERCENTAGE = 0.88;
const CATEGORY_PERCENTAGE = 0.72;
const DASHES = [[], [4, 2], [1.2, 1.6], [6, 2, 1.2, 2]];
const POINTS = ['circle', 'rect', 'triangle', 'rectRot'] as const;
/** Characters that may not start a line (clreq), and that may not end one. */
const NO_START = /^[）)」』”’、，。：；！？·%,.:;!?]/;
const NO_END = /[（(「『“‘]$/;

/**
 * Breaks a category label into lines no wider than `max`: between characters of Chinese text and at spaces,
 * never inside a number or a Latin word, never with closing punctuation at a line start.
 */
export function wrapLabel(label: string, max: number, size: number, measure: Measure): string | string[] {
  const width = (t: string) => measure(t.trim(), size, false);
  if (width(label) <= max) return label;
  // Two lines split after a separator (· 、 / or a space) read best, when both halves fit.
  let best: [string, string] | undefined;
  for (const m of label.matchAll(/[·・、/\s]/gu)) {
    const [a, b] = [label.slice(0, m.index + 1).trim(), label.slice(m.index + 1).trim()];
    if (a && b && width(a) <= max && width(b) <= max && !NO_START.test(b))
      if (!best || Math.max(width(a), width(b)) < Math.max(width(best[0]), width(best[1]))) best = [a, b];
  }
  if (best) return best;
  const tokens = label.match(/[A-Za-z0-9.,%+\-−]+|\s+|./gu) ?? [label];
  const lines: string[] = [];
  let line = '';
  for (const t of tokens) {
    const next = line + t;
    if (line && width(next) > max && !NO_START.test(t) && !NO_END.test(line)) {
      lines.push(line.trim());
      line = t.trimStart();
    } else line = next;
  }
  if (line.trim()) lines.push(line.trim());
  return lines.length > 1 ? lines : label;
}

/** The colours of each series (or, for pies, each slice): bars take the palette in order, lines the darker ones. */
export function seriesColors(spec: ChartSpec, palette: readonly string[]): string[] {
  const linePalette = palette.filter((c) => lightness(c) <= 70);
  const lines = linePalette.length ? linePalette : palette;
  if (spec.type === 'pie' || spec.type === 'doughnut')
    return spec.labels.map((_, j) => palette[j % palette.length]!);
  const used = new Set<string>();
  let bars = 0;
  const out = spec.series.map((s) => {
    if (s.type === 'line') return '';
    const c = palette[bars++ % palette.length]!;
    used.add(c);
    return c;
  });
  const free = lines.filter((c) => !used.has(c));
  const pool = free.length ? free : lines;
  let n = 0;
  return spec.series.map((s, i) => (s.type === 'line' ? pool[n++ % pool.length]! : out[i]!));
}

/** Sums of positive and of negative values per label (a stacked axis reaches these). */
function extent(series: readonly SeriesSpec[], stacked: boolean): number {
  if (!series.length) return 0;
  if (!stacked) return Math.max(0, ...series.flatMap((s) => s.values.map(Math.abs)));
  const n = Math.max(...series.map((s) => s.values.length));
  let max = 0;
  for (let j = 0; j < n; j++) {
    let pos = 0;
    let neg = 0;
    for (const s of series) {
      const v = s.values[j] ?? 0;
      if (v > 0) pos += v;
      else neg -= v;
    }
    max = Math.max(max, pos, neg);
  }
  return max;
}

/** Area fills and bar outlines, per dataset (null: none). */
interface ShapeOptions {
  areas: (string | null)[];
  stacked: boolean;
  outlines: (string | null)[];
}

/**
 * Shapes Chart.js would draw with clip paths, drawn without: area fills (the filler plugin clips to the chart
 * area) and outlines of pale bars (a bar border is drawn by clipping). A clip path in the SVG becomes a soft
 * mask in the PDF, which is transparency that PDF/X-1a print workflows refuse.
 */
const printShapes: Plugin = {
  id: 'briefingShapes',
  beforeDatasetsDraw(chart: Chart) {
    const cfg = (chart.options.plugins as { briefingShapes?: ShapeOptions }).briefingShapes;
    if (!cfg?.areas.some(Boolean)) return;
    const { ctx, chartArea } = chart;
    let below: { x: number; y: number }[] | undefined;
    chart.data.datasets.forEach((_, i) => {
      const fill = cfg.areas[i];
      const meta = chart.getDatasetMeta(i);
      if (!fill || meta.hidden) return;
      const top = meta.data.map((el) => el.getProps(['x', 'y'], true) as { x: number; y: number });
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
  },
  afterDatasetsDraw(chart: Chart) {
    const cfg = (chart.options.plugins as { briefingShapes?: ShapeOptions }).briefingShapes;
    if (!cfg?.outlines.some(Boolean)) return;
    const { ctx } = chart;
    const horizontal = chart.options.indexAxis === 'y';
    ctx.save();
    ctx.lineWidth = 0.5;
    chart.data.datasets.forEach((_, i) => {
      const color = cfg.outlines[i];
      const meta = chart.getDatasetMeta(i);
      if (!color || meta.hidden) return;
      ctx.strokeStyle = color;
      for (const el of meta.data) {
        const p = el.getProps(['x', 'y', 'base', 'width', 'height'], true) as Record<string, number>;
        const [l, t, w, h] = horizontal
          ? [Math.min(p.x!, p.base!), p.y! - p.height! / 2, Math.abs(p.x! - p.base!), p.height!]
          : [p.x! - p.width! / 2, Math.min(p.y!, p.base!), p.width!, Math.abs(p.base! - p.y!)];
        if (w > 0.5 && h > 0.5) ctx.strokeRect(l + 0.25, t + 0.25, w - 0.5, h - 0.5);
      }
    });
    ctx.restore();
  },
};

interface Box {
  l: number;
  t: number;
  r: number;
  b: number;
}

/** A value label placed but not yet drawn; lower `rank` wins where two would overlap. */
interface Tag {
  text: string;
  x: number;
  y: number;
  align: CanvasTextAlign;
  baseline: CanvasTextBaseline;
  color: string;
  box: Box;
  rank: number;
  kind: LabelKind;
  /** Drawn on a white ground (labels of points, which may sit over bars and lines). */
  ground: boolean;
  /** Too tight beside its bar: in `auto`, the bars go unlabelled. */
  cramped?: boolean;
}

const overlap = (a: Box, b: Box) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;

/**
 * Value labels: over bars (or beside horizontal ones), inside stacked segments and slices where they fit,
 * over line points on a white ground. Labels never overlap: points win over bars, bars over segments; in
 * `auto`, the bars of a chart are labelled all or none (a few labels would read as the only values).
 */
const valueLabels: Plugin = {
  id: 'briefingLabels',
  afterDatasetsDraw(chart: Chart) {
    const cfg = (chart.options.plugins as { briefingLabels?: LabelOptions }).briefingLabels;
    if (!cfg || cfg.mode === false) return;
    const { ctx } = chart;
    ctx.save();
    ctx.font = cfg.font;
    const h = cfg.size * 1.1;
    const tags: Tag[] = [];
    const place = (
      t: Omit<Tag, 'box' | 'rank' | 'ground' | 'color'> & { color?: string },
      rank: number,
    ): Tag => {
      const w = ctx.measureText(t.text).width;
      const l = t.align === 'center' ? t.x - w / 2 : t.align === 'right' ? t.x - w : t.x;
      const top = t.baseline === 'bottom' ? t.y - h : t.baseline === 'middle' ? t.y - h / 2 : t.y;
      const tag = {
        color: cfg.color,
        ...t,
        box: { l: l - 1, t: top, r: l + w + 1, b: top + h },
        rank,
        ground: t.kind === 'point',
      };
      tags.push(tag);
      return tag;
    };
    const horizontal = chart.options.indexAxis === 'y';
    let category = Infinity;
    const catScale = chart.scales[horizontal ? 'y' : 'x'];
    if (catScale && chart.data.labels?.length) category = catScale.width / chart.data.labels.length;

    chart.data.datasets.forEach((ds, i) => {
      const kind = cfg.kinds[i]!;
      const meta = chart.getDatasetMeta(i);
      if (kind === 'none' || meta.hidden) return;
      meta.data.forEach((el, j) => {
        const text = cfg.texts[i]![j]!;
        const v = ds.data[j] as number;
        const p = el.getProps(['x', 'y', 'base', 'width', 'height'], true) as Record<string, number>;
        const x = p.x!;
        const y = p.y!;
        if (kind === 'bar')
          place(
            { kind, text, x, y: v < 0 ? y + 2 : y - 2, align: 'center', baseline: v < 0 ? 'top' : 'bottom' },
            1,
          );
        else if (kind === 'hbar') {
          const tag = place(
            { kind, text, x: v < 0 ? x - 3 : x + 3, y, align: v < 0 ? 'right' : 'left', baseline: 'middle' },
            1,
          );
          // A label beside a bar much thinner than the text reads as belonging to the next bar too.
          if (p.height! < cfg.size * 0.85) tag.cramped = true;
        } else if (kind === 'segment') {
          const long = Math.abs(p.base! - (horizontal ? x : y));
          const across = horizontal ? p.height! : p.width!;
          const w = ctx.measureText(text).width;
          const [along, side] = horizontal ? [w + 4, cfg.size + 2] : [cfg.size + 2, w + 4];
          if (v === 0 || long < along || across < side) return;
          place(
            {
              kind,
              text,
              x: horizontal ? (x + p.base!) / 2 : x,
              y: horizontal ? y : (y + p.base!) / 2,
              align: 'center',
              baseline: 'middle',
              color: textOn(cfg.fills[i]![j]!, cfg.color),
            },
            2,
          );
        } else if (kind === 'point')
          place(
            { kind, text, x, y: v < 0 ? y + 5 : y - 5, align: 'center', baseline: v < 0 ? 'top' : 'bottom' },
            0,
          );
        else if (kind === 'slice') {
          const a = el.getProps(['startAngle', 'endAngle', 'innerRadius', 'outerRadius'], true) as Record<
            string,
            number
          >;
          const inner = a.innerRadius!;
          const outer = a.outerRadius!;
          const mid = inner > 0 ? (inner + outer) / 2 : outer * 0.62;
          const angle = (a.startAngle! + a.endAngle!) / 2;
          const arc = (a.endAngle! - a.startAngle!) * mid;
          const w = ctx.measureText(text).width;
          if (v === 0 || arc < Math.min(w, cfg.size * 1.2) + 4 || outer - inner < cfg.size + 2) return;
          place(
            {
              kind,
              text,
              x: x + Math.cos(angle) * mid,
              y: y + Math.sin(angle) * mid,
              align: 'center',
              baseline: 'middle',
              color: textOn(cfg.fills[i]![j]!, cfg.color),
            },
            2,
          );
        }
      });
    });

    // The total of each stack, beyond its end.
    if (cfg.totals.length) {
      const bars = chart.data.datasets
        .map((_, i) => i)
        .filter((i) => cfg.kinds[i] === 'segment' && !chart.getDatasetMeta(i).hidden);
      cfg.totals.forEach((text, j) => {
        const ends = bars.map((i) => {
          const p = chart.getDatasetMeta(i).data[j]!.getProps(['x', 'y'], true) as { x: number; y: number };
          return p;
        });
        if (!ends.length) return;
        if (horizontal) {
          const x = Math.max(...ends.map((p) => p.x));
          place({ kind: 'hbar', text, x: x + 3, y: ends[0]!.y, align: 'left', baseline: 'middle' }, 1);
        } else {
          const y = Math.min(...ends.map((p) => p.y));
          place({ kind: 'bar', text, x: ends[0]!.x, y: y - 2, align: 'center', baseline: 'bottom' }, 1);
        }
      });
    }

    // "auto": bar labels only if every one is narrower than its category and none overlaps another.
    const barTags = tags.filter((t) => t.kind === 'bar' || t.kind === 'hbar');
    const barsFit = barTags.every(
      (t, n) =>
        !t.cramped &&
        (t.kind === 'hbar' ? t.box.b - t.box.t <= category : t.box.r - t.box.l <= category) &&
        barTags.every((u, m) => m === n || !overlap(t.box, u.box)),
    );
    const accepted: Tag[] = [];
    for (const t of [...tags].sort((a, b) => a.rank - b.rank)) {
      if (cfg.mode === 'auto' && !barsFit && (t.kind === 'bar' || t.kind === 'hbar')) continue;
      if (accepted.some((u) => overlap(t.box, u.box))) continue;
      accepted.push(t);
    }
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

/** Builds the Chart.js configuration for a spec in the theme's print style. Deterministic: no clock, no random. */
export function chartConfig(spec: ChartSpec, theme: Theme, opts: ConfigOptions): ChartConfiguration {
  const measure = opts.measure ?? roughMeasure;
  const palette = theme.chart.colors.map((c) => resolveColor(theme, c));
  const text = resolveColor(theme, 'text');
  const grid = resolveColor(theme, theme.chart.grid);
  const size = theme.chart.size;
  const font = { family: opts.family, size };
  const round = spec.type === 'pie' || spec.type === 'doughnut';
  const horizontal = spec.type === 'hbar';
  const stacked = spec.stacked && spec.series.length > 1;
  const colors = seriesColors(spec, palette);
  const right = spec.type === 'combo' && spec.series.some((s) => s.axis === 'right');
  const unitOf = (s: SeriesSpec) => s.unit || spec.unit;
  const rightUnit = unitOf(spec.series.find((s) => s.axis === 'right') ?? spec.series[0]!);
  const leftSeries = spec.series.filter((s) => s.axis === 'left');
  const rightSeries = spec.series.filter((s) => s.axis === 'right');
  // A combo stacks its bars only; each line stays on its own.
  const stackedBars = stacked && spec.series.filter((s) => s.type === 'bar').length > 1;

  const mode = spec.dataLabels;
  const kinds: LabelKind[] = spec.series.map((s) => {
    if (mode === false) return 'none';
    if (round) return 'slice';
    if (s.type === 'bar') return stackedBars ? 'segment' : horizontal ? 'hbar' : 'bar';
    const lineCount = spec.series.filter((x) => x.type === 'line').length;
    const show =
      mode === true || (lineCount === 1 && spec.labels.length <= 12 && !(stacked && spec.type === 'area'));
    return show ? 'point' : 'none';
  });
  const texts = spec.series.map((s) => {
    const d = decimalsOf(s.values);
    return s.values.map((v) => formatChartNumber(v, d, unitOf(s)));
  });
  const fills = spec.series.map((_, i) => (round ? colors : spec.labels.map(() => colors[i]!)));
  // Stacks of bars get their total beyond the end (only when all parts are positive: else it misleads).
  const stackedParts = spec.series.filter((s) => s.type === 'bar');
  const totals =
    stackedBars && mode !== false && stackedParts.every((s) => s.values.every((v) => v >= 0))
      ? spec.labels.map((_, j) =>
          formatChartNumber(
            stackedParts.reduce((sum, s) => sum + s.values[j]!, 0),
            Math.max(...stackedParts.map((s) => decimalsOf(s.values))),
            unitOf(stackedParts[0]!),
          ),
        )
      : [];

  const datasets = spec.series.map((s, i) => {
    const color = colors[i]!;
    // No clipping to the chart area (the data stays inside it): a clip path reaches the PDF as a soft mask,
    // which is transparency that print workflows (PDF/X-1a) refuse.
    const base = { label: s.name, data: s.values, clip: false as const };
    if (round)
      return {
        ...base,
        backgroundColor: colors,
        borderColor: '#ffffff',
        borderWidth: 1,
      };
    const name = right ? `${s.name}（${s.axis === 'right' ? '右轴' : '左轴'}）` : s.name;
    if (s.type === 'line') {
      const area = spec.type === 'area';
      const n = spec.series.slice(0, i).filter((x) => x.type === 'line').length;
      return {
        ...base,
        label: name,
        type: 'line' as const,
        yAxisID: s.axis === 'right' ? 'y1' : 'y',
        borderColor: color,
        backgroundColor: color,
        borderWidth: area && stacked ? 0.75 : 1.5,
        borderDash: area && stacked ? [] : DASHES[n % DASHES.length],
        pointRadius: area && stacked ? 0 : 2.5,
        pointBorderWidth: 0,
        pointStyle: POINTS[n % POINTS.length],
        // Areas are filled by the briefingShapes plugin, without the filler's clip paths.
        fill: false,
        tension: 0,
        order: 0,
        // In a combo on a stacked axis, lines do not stack on the bars.
        ...(spec.type === 'combo' ? { stack: `line${i}` } : {}),
      };
    }
    return {
      ...base,
      label: name,
      type: 'bar' as const,
      yAxisID: s.axis === 'right' ? 'y1' : horizontal ? 'x' : 'y',
      backgroundColor: color,
      // Outlines of pale bars are drawn by the briefingShapes plugin (Chart.js clips to draw borders).
      borderColor: color,
      borderWidth: 0,
      maxBarThickness: 28,
      categoryPercentage: CATEGORY_PERCENTAGE,
      barPercentage: BAR_PERCENTAGE,
      pointStyle: 'rect',
      order: 1,
      ...(spec.type === 'combo' ? { stack: 'bars' } : {}),
    };
  });
  if (horizontal) for (const d of datasets) delete (d as { yAxisID?: string }).yAxisID;
  const outlineColor = tint(text, 0.55);
  const shapes: ShapeOptions = {
    areas: spec.series.map((s, i) =>
      spec.type === 'area' && s.type === 'line' ? (stacked ? colors[i]! : tint(colors[i]!, 0.22)) : null,
    ),
    stacked,
    outlines: spec.series.map((s, i) =>
      !round && s.type === 'bar' && needsOutline(colors[i]!) ? outlineColor : null,
    ),
  };

  const tickFormat = (maxAbs: number, unit: string) => {
    const f = axisFormatter(maxAbs, unit);
    return (v: number | string, _i: number, ticks: { value: number }[]) =>
      typeof v === 'number'
        ? f(
            v,
            ticks.map((t) => t.value),
          )
        : v;
  };
  const zeroLine = {
    color: (c: { tick?: { value: number } }) => (c.tick?.value === 0 ? text : grid),
    lineWidth: (c: { tick?: { value: number } }) => (c.tick?.value === 0 ? 0.75 : 0.4),
  };
  const valueAxis = (series: readonly SeriesSpec[], unit: string, position?: 'left' | 'right') => {
    const onlyLines = series.every((s) => s.type === 'line') && spec.type === 'line';
    return {
      ...(position ? { position } : {}),
      stacked: stacked && (spec.type !== 'combo' || series.some((s) => s.type === 'bar')),
      beginAtZero: !onlyLines,
      grid:
        position === 'right'
          ? { drawOnChartArea: false, drawTicks: false }
          : { ...zeroLine, drawTicks: false },
      border: { display: false },
      ticks: {
        color: text,
        font,
        padding: 4,
        maxTicksLimit: 6,
        callback: tickFormat(extent(series, stacked), unit),
      },
      grace: '14%',
    };
  };
  // The plot's width: the chart less its value axes' tick labels (the widest tick is about the largest value).
  const tickRoom = (series: readonly SeriesSpec[], unit: string) =>
    measure(axisFormatter(extent(series, stacked), unit)(extent(series, stacked) * 1.14 || 1), size, false) +
    8;
  const chartWidth = Math.max(
    60,
    opts.width -
      6 -
      tickRoom(right ? leftSeries : spec.series, unitOf(leftSeries[0] ?? spec.series[0]!)) -
      (right ? tickRoom(rightSeries, rightUnit) : 0),
  );
  const categoryAxis = {
    stacked: stackedBars || (stacked && spec.type !== 'combo'),
    grid: { display: false },
    border: { color: text, width: 0.75 },
    ticks: { color: text, font, autoSkip: false, maxRotation: 0, padding: 3 },
  };
  const wrapped = spec.labels.map((l) =>
    wrapLabel(l, horizontal ? opts.width * 0.36 : (chartWidth / spec.labels.length) * 0.96, size, measure),
  );
  const boldFont = `bold ${size}px "${opts.family}"`;
  // Room at the right of horizontal bars for their value labels.
  const hbarLabelRoom =
    horizontal && mode !== false
      ? Math.max(0, ...(stacked ? totals : texts.flat()).map((t) => measure(t, size, true))) + 8
      : 6;

  const scales = round
    ? {}
    : horizontal
      ? { x: valueAxis(spec.series, spec.unit), y: categoryAxis }
      : {
          x: categoryAxis,
          y: valueAxis(right ? leftSeries : spec.series, unitOf(leftSeries[0] ?? spec.series[0]!), 'left'),
          ...(right ? { y1: valueAxis(rightSeries, rightUnit, 'right') } : {}),
        };
  const legendShown = round || spec.series.length > 1;
  const mainType = round ? spec.type : spec.type === 'line' || spec.type === 'area' ? 'line' : 'bar';
  return {
    type: mainType,
    data: { labels: round ? spec.labels : wrapped, datasets },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      color: text,
      font,
      borderColor: text,
      layout: { padding: { top: 6, right: horizontal ? hbarLabelRoom : 4, bottom: 0, left: 2 } },
      ...(spec.type === 'doughnut' ? { cutout: '52%' } : {}),
      plugins: {
        legend: {
          display: legendShown,
          position: round ? 'right' : 'bottom',
          align: round ? 'center' : 'center',
          labels: {
            color: text,
            font,
            boxWidth: size,
            boxHeight: size * 0.8,
            padding: 8,
            ...(round
              ? {}
              : {
                  // A bar's key is a box, a line's a stroke with its dash, in the order of the data.
                  usePointStyle: true,
                  pointStyleWidth: size * 1.8,
                  generateLabels: () =>
                    datasets.map((d, i) => {
                      const asLine = spec.series[i]!.type === 'line' && !(spec.type === 'area' && stacked);
                      const fill = shapes.areas[i] ?? colors[i]!;
                      const outline = shapes.outlines[i];
                      return {
                        text: d.label,
                        datasetIndex: i,
                        fontColor: text,
                        pointStyle: asLine ? 'line' : 'rect',
                        fillStyle: fill,
                        strokeStyle: asLine ? colors[i]! : (outline ?? fill),
                        lineWidth: asLine ? 1.5 : outline ? 0.5 : 0,
                        lineDash: asLine ? ((d as { borderDash?: number[] }).borderDash ?? []) : [],
                      };
                    }),
                }),
          },
        },
        title: { display: false },
        tooltip: { enabled: false },
        filler: { propagate: false },
        briefingShapes: shapes,
        briefingLabels: {
          mode,
          kinds,
          texts,
          fills,
          totals,
          font: boldFont,
          size,
          color: text,
        } satisfies LabelOptions,
      },
      elements: { line: { borderCapStyle: 'butt', borderJoinStyle: 'miter' } },
      scales,
    } as ChartConfiguration['options'],
    plugins: [printShapes, valueLabels],
  } as ChartConfiguration;
}
