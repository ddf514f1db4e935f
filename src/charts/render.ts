import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import type { Chart, ChartConfiguration, Plugin } from 'chart.js';
import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import { resolvePointer, type LoadedData } from '../data/load.js';
import type { FontSet } from '../fonts/fonts.js';
import { resolveColor, type Theme } from '../theme/theme.js';
import { formatNumber, chineseUnits } from '../template/helpers.js';

/** The chart types a figure may ask for. */
export const CHART_TYPES = ['bar', 'hbar', 'line', 'pie', 'doughnut'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

/** A figure's data, as the data file gives it (see docs/templates.md). */
export interface ChartSpec {
  type: ChartType;
  title: string;
  unit: string;
  source: string;
  labels: string[];
  series: { name: string; values: number[] }[];
}

/** A rendered chart: vector SVG sized in points, and the caption parts the typesetter sets as text. */
export interface RenderedChart {
  pointer: string;
  spec: ChartSpec;
  svg: string;
  width: number;
  height: number;
}

/** A scalar from the data as text; anything else (a list, a mapping) as empty. */
function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** Checks a figure's data; each problem names the data path and the template line of the <figure>. */
export function readChartSpec(
  data: LoadedData,
  pointer: string,
  place: Place | undefined,
): { spec?: ChartSpec; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = (p: string) => {
    const pos = data.positions.get(p);
    return pos ? { file: data.file, start: pos.value } : (place ?? { file: data.file });
  };
  const raw = resolvePointer(data.value, pointer);
  const hintPlace = place?.start
    ? ` (figure at ${place.file}:${place.start.line}:${place.start.column})`
    : '';
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    diagnostics.push(
      error('chart:data-missing', `no figure data at ${pointer || '/'}${hintPlace}`, {
        place: place ?? { file: data.file },
        pointer,
        hint: 'give <figure data="{{ptr this}}"/> inside {{#each figures}}, or a JSON pointer to a figure object',
      }),
    );
    return { diagnostics };
  }
  const o = raw as Record<string, unknown>;
  const type = o.type;
  if (typeof type !== 'string' || !(CHART_TYPES as readonly string[]).includes(type))
    diagnostics.push(
      error('chart:unknown-type', `unknown chart type ${JSON.stringify(type)}`, {
        place: at(`${pointer}/type`),
        pointer: `${pointer}/type`,
        hint: `use one of ${CHART_TYPES.join(', ')}`,
      }),
    );
  const labels = Array.isArray(o.labels) ? o.labels.map(String) : [];
  if (!Array.isArray(o.labels) || labels.length === 0)
    diagnostics.push(
      error('chart:labels', 'a figure needs a non-empty list of labels', {
        place: at(pointer),
        pointer: `${pointer}/labels`,
      }),
    );
  const series: ChartSpec['series'] = [];
  if (!Array.isArray(o.series) || o.series.length === 0)
    diagnostics.push(
      error('chart:series', 'a figure needs at least one series', {
        place: at(pointer),
        pointer: `${pointer}/series`,
      }),
    );
  else
    o.series.forEach((s: unknown, i) => {
      const sp = `${pointer}/series/${i}`;
      const so = (s ?? {}) as Record<string, unknown>;
      const values = Array.isArray(so.values) ? so.values : [];
      values.forEach((v: unknown, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v))
          diagnostics.push(
            error('chart:not-a-number', `value ${JSON.stringify(v)} is not a number`, {
              place: at(`${sp}/values/${j}`),
              pointer: `${sp}/values/${j}`,
              hint: 'write plain numbers: 3.0, not "3.0%" (the unit goes in `unit`)',
            }),
          );
      });
      if (values.length !== labels.length)
        diagnostics.push(
          error('chart:length-mismatch', `series has ${values.length} values for ${labels.length} labels`, {
            place: at(`${sp}/values`),
            pointer: `${sp}/values`,
            hint: 'give one value per label',
          }),
        );
      series.push({ name: text(so.name), values: values as number[] });
    });
  if (diagnostics.length) return { diagnostics };
  return {
    spec: {
      type: type as ChartType,
      title: text(o.title),
      unit: text(o.unit),
      source: text(o.source),
      labels,
      series,
    },
    diagnostics,
  };
}

const FAMILY = 'Briefing Chart';
const renderers = new Map<string, ChartJSNodeCanvas>();

function renderer(width: number, height: number, fonts: FontSet, theme: Theme): ChartJSNodeCanvas {
  const fam = fonts.families.get(theme.chart.font) ?? fonts.families.values().next().value!;
  const key = `${width}x${height}:${fam.regular.file}:${fam.bold.file}`;
  let r = renderers.get(key);
  if (!r) {
    r = new ChartJSNodeCanvas({
      width,
      height,
      type: 'svg',
      chartCallback: (ChartJS) => {
        ChartJS.defaults.font.family = FAMILY;
        ChartJS.defaults.animation = false;
        ChartJS.defaults.responsive = false;
        ChartJS.defaults.devicePixelRatio = 1;
      },
    });
    // Only the configured files, never system fonts: the family name is ours and unique.
    r.registerFont(fam.regular.file, { family: FAMILY });
    r.registerFont(fam.bold.file, { family: FAMILY, weight: 'bold' });
    renderers.set(key, r);
  }
  return r;
}

/** Chinese number format for ticks and labels: thousands separators, 万/亿 past ten thousand. */
export function formatChartNumber(v: number, decimals?: number): string {
  if (Math.abs(v) >= 1e4) return chineseUnits(v, 2);
  return decimals === undefined ? formatNumber(Number(v.toFixed(2))) : formatNumber(v, decimals);
}

/** Decimals a series is written with (3.0 and 2.6 → 1), so labels keep the data's precision. */
function decimalsOf(values: readonly unknown[]): number {
  let d = 0;
  for (const v of values)
    if (typeof v === 'number' && Number.isFinite(v)) d = Math.max(d, (String(v).split('.')[1] ?? '').length);
  return Math.min(d, 2);
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

const valueLabels: Plugin = {
  id: 'briefingValueLabels',
  afterDatasetsDraw(chart: Chart) {
    const { ctx } = chart;
    const type = (chart.config as { type?: string }).type;
    if (type === 'pie' || type === 'doughnut') return;
    const horizontal = chart.options.indexAxis === 'y';
    ctx.save();
    ctx.font = `bold ${Number(chart.options.font?.size ?? 8)}px "${FAMILY}"`;
    ctx.fillStyle = typeof chart.options.color === 'string' ? chart.options.color : '#1a1a1a';
    chart.data.datasets.forEach((ds, i) => {
      const meta = chart.getDatasetMeta(i);
      const decimals = (chart.options.plugins as { briefingDecimals?: number[] }).briefingDecimals?.[i];
      if (meta.hidden) return;
      meta.data.forEach((el, j) => {
        const v = ds.data[j];
        if (typeof v !== 'number') return;
        const unit = (chart.options.plugins as { briefingUnit?: string }).briefingUnit ?? '';
        const text = formatChartNumber(v, decimals) + (unit === '%' ? '%' : '');
        const { x, y } = el.getProps(['x', 'y'], true) as { x: number; y: number };
        if (horizontal) {
          ctx.textAlign = 'left';
          ctx.textBaseline = 'middle';
          ctx.fillText(text, x + 3, y);
        } else {
          ctx.textAlign = 'center';
          ctx.textBaseline = 'bottom';
          ctx.fillText(text, x, y - 2);
        }
      });
    });
    ctx.restore();
  },
};

/** Builds the Chart.js configuration for a spec in the theme's print style. */
export function chartConfig(spec: ChartSpec, theme: Theme): ChartConfiguration {
  const colors = theme.chart.colors.map((c) => resolveColor(theme, c));
  const text = resolveColor(theme, 'text');
  const grid = resolveColor(theme, theme.chart.grid);
  const size = theme.chart.size;
  const round = spec.type === 'pie' || spec.type === 'doughnut';
  const horizontal = spec.type === 'hbar';
  const multi = spec.series.length > 1;
  const datasets = spec.series.map((s, i) => {
    const color = colors[i % colors.length]!;
    if (round)
      return {
        label: s.name,
        data: s.values,
        backgroundColor: s.values.map((_, j) => colors[j % colors.length]!),
        borderColor: '#ffffff',
        borderWidth: 1,
      };
    if (spec.type === 'line')
      return {
        label: s.name,
        data: s.values,
        borderColor: color,
        backgroundColor: color,
        borderWidth: 1.5,
        pointRadius: 2.5,
        pointStyle: ['circle', 'rect', 'triangle', 'rectRot'][i % 4],
      };
    return {
      label: s.name,
      data: s.values,
      backgroundColor: color,
      borderWidth: 0,
      maxBarThickness: 28,
      categoryPercentage: 0.7,
      barPercentage: 0.9,
    };
  });
  const pct = spec.unit === '%' ? '%' : '';
  const axisTicks = {
    color: text,
    font: { size },
    callback: (v: number | string) => (typeof v === 'number' ? formatChartNumber(v) + pct : v),
  };
  const valueAxis = {
    beginAtZero: true,
    grid: { color: grid, lineWidth: 0.5, drawTicks: false },
    border: { display: false },
    ticks: { ...axisTicks, padding: 4, maxTicksLimit: 6 },
    grace: '12%',
  };
  const categoryAxis = {
    grid: { display: false },
    border: { color: text, width: 0.75 },
    ticks: { color: text, font: { size }, autoSkip: false, maxRotation: 0 },
  };
  return {
    type: round ? spec.type : spec.type === 'line' ? 'line' : 'bar',
    data: { labels: spec.labels, datasets },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      color: text,
      font: { size },
      layout: { padding: { top: 4, right: horizontal ? 28 : 6, bottom: 2, left: 2 } },
      plugins: {
        legend: {
          display: multi || round,
          position: 'bottom',
          labels: { color: text, font: { size }, boxWidth: 8, boxHeight: 8 },
        },
        title: { display: false },
        tooltip: { enabled: false },
        briefingUnit: spec.unit,
        briefingDecimals: spec.series.map((s) => decimalsOf(s.values)),
      },
      scales: round ? {} : horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
    } as ChartConfiguration['options'],
    plugins: [valueLabels],
  } as ChartConfiguration;
}

/** Renders one chart to SVG at the given size in points (1 canvas unit = 1 pt). */
export function renderChart(
  spec: ChartSpec,
  width: number,
  height: number,
  fonts: FontSet,
  theme: Theme,
): string {
  const w = Math.round(width);
  const h = Math.round(height);
  const svg = renderer(w, h, fonts, theme)
    .renderToBufferSync(chartConfig(spec, theme), 'image/svg+xml')
    .toString('utf8');
  return normalizeSvgIds(svg);
}
