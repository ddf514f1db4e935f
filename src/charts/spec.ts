import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import { resolvePointer, type LoadedData } from '../data/load.js';
import { nearest } from '../diagnostics/suggest.js';
import { FigureReport } from './report.js';
import { checkWhole, MAX_CHART_VALUE, MAX_LABEL_CHARS } from './bounds.js';

export { templateLocation } from './report.js';

/** The chart types a figure may ask for. */
export const CHART_TYPES = ['bar', 'hbar', 'line', 'area', 'pie', 'doughnut', 'combo'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

/** How a series of a combo chart is drawn, and on which value axis. */
export const SERIES_TYPES = ['bar', 'line'] as const;
export const AXES = ['left', 'right'] as const;

/** One series, checked: as many finite numbers as the figure has labels. */
export interface SeriesSpec {
  name: string;
  values: number[];
  /** `bar` or `line`; only a combo chart mixes them (the chart type decides otherwise). */
  type: (typeof SERIES_TYPES)[number];
  /** `right` puts a combo series on the second value axis. */
  axis: (typeof AXES)[number];
  /** The series' own unit (a combo's right axis); empty means the figure's unit. */
  unit: string;
}

/** A figure's data, as the data file gives it, checked (see docs/charts.md). */
export interface ChartSpec {
  type: ChartType;
  title: string;
  /** `%` goes on ticks and labels; any other unit goes into the caption: （单位：个）. */
  unit: string;
  source: string;
  labels: string[];
  series: SeriesSpec[];
  /** Bars (or areas) of several series stacked instead of grouped side by side. */
  stacked: boolean;
  /** Value labels on bars, points and slices: `auto` shows them where they fit. */
  dataLabels: boolean | 'auto';
  /** The alternative text a screen reader reads for the chart, instead of the one made from the data (alt.ts). */
  alt?: string;
}

const FIGURE_KEYS = ['type', 'title', 'unit', 'source', 'labels', 'series', 'stacked', 'dataLabels', 'alt'];
const SERIES_KEYS = ['name', 'values', 'type', 'axis', 'unit'];
const STACKABLE: readonly ChartType[] = ['bar', 'hbar', 'area', 'combo'];

/** A scalar from the data as text; anything else (a list, a mapping) as empty. */
function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** Whether a data value is one of a list of names. */
function oneOf<T extends string>(list: readonly T[], v: unknown): v is T {
  return (list as readonly unknown[]).includes(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The chart type, or undefined (reported) when it is missing or unknown. */
function readType(r: FigureReport, type: unknown, pointer: string): ChartType | undefined {
  if (oneOf(CHART_TYPES, type)) return type;
  const close = typeof type === 'string' ? nearest(type, CHART_TYPES) : undefined;
  r.problem(
    'chart:unknown-type',
    type === undefined ? 'a figure needs a chart type' : `unknown chart type ${JSON.stringify(type)}`,
    `${pointer}/type`,
    `${close ? `did you mean "${close}"? ` : ''}use one of ${CHART_TYPES.join(', ')}`,
  );
  return undefined;
}

/** The category labels: texts, or numbers (years) as texts. */
function readLabels(r: FigureReport, labels: unknown, pointer: string): string[] {
  const out: string[] = [];
  if (!Array.isArray(labels) || labels.length === 0)
    r.problem(
      'chart:labels',
      labels === undefined ? 'a figure needs labels' : 'a figure needs a non-empty list of labels',
      `${pointer}/labels`,
      'labels: [一季度, 二季度, 三季度] — one per value',
    );
  else
    labels.forEach((l: unknown, i) => {
      if (typeof l === 'string' || (typeof l === 'number' && Number.isFinite(l))) {
        const chars = [...String(l)].length;
        if (chars > MAX_LABEL_CHARS)
          r.problem(
            'chart:labels',
            `label of ${chars} characters is too long to set in a chart`,
            `${pointer}/labels/${i}`,
            `a category label must fit beside its neighbours (at most ${MAX_LABEL_CHARS} characters); put the detail in the text or a note`,
          );
        else out.push(String(l));
      } else
        r.problem(
          'chart:labels',
          `label ${JSON.stringify(l) ?? String(l)} is not text`,
          `${pointer}/labels/${i}`,
          'labels are short texts or numbers (years)',
        );
    });
  return out;
}

/** `stacked` and `dataLabels`, and the types of `title`, `unit` and `source`. */
function readOptions(
  r: FigureReport,
  o: Record<string, unknown>,
  pointer: string,
  chartType: ChartType | undefined,
): Pick<ChartSpec, 'stacked' | 'dataLabels'> {
  let stacked = false;
  if (o.stacked !== undefined) {
    if (typeof o.stacked !== 'boolean')
      r.problem('chart:option', '`stacked` must be true or false', `${pointer}/stacked`);
    else if (o.stacked && chartType && !STACKABLE.includes(chartType))
      r.notice(
        'chart:option',
        `a ${chartType} chart cannot be stacked; \`stacked\` is ignored`,
        `${pointer}/stacked`,
        `stack bar, hbar, area or combo charts`,
      );
    else stacked = o.stacked;
  }
  let dataLabels: boolean | 'auto' = 'auto';
  if (o.dataLabels !== undefined) {
    if (typeof o.dataLabels !== 'boolean')
      r.problem(
        'chart:option',
        '`dataLabels` must be true or false',
        `${pointer}/dataLabels`,
        'leave it out for "where they fit"',
      );
    else dataLabels = o.dataLabels;
  }
  if (o.alt !== undefined && (typeof o.alt !== 'string' || !o.alt.trim()))
    r.problem(
      'chart:option',
      '`alt` must be a text',
      `${pointer}/alt`,
      'the words a screen reader reads for the chart; leave it out to have them made from the data',
    );
  for (const k of ['title', 'unit', 'source'] as const)
    if (o[k] !== undefined && typeof o[k] !== 'string' && typeof o[k] !== 'number')
      r.problem('chart:option', `\`${k}\` must be text`, `${pointer}/${k}`);
  if (typeof o.title !== 'string' || !o.title.trim())
    r.notice(
      'chart:title',
      'a figure without a title gets a caption with the number only',
      `${pointer}/title`,
    );
  return { stacked, dataLabels };
}

/** What checking a series needs to know of its figure. */
interface FigureContext {
  chartType: ChartType | undefined;
  round: boolean;
  labels: readonly string[];
  /** How many series the figure has (several need names). */
  count: number;
}

/** A series' values: finite numbers within the drawable range, none negative in a pie, one per label. */
function readValues(r: FigureReport, values: unknown, sp: string, f: FigureContext): number[] {
  const out: number[] = [];
  if (!Array.isArray(values)) {
    r.problem(
      'chart:series',
      values === undefined ? 'a series needs values' : "a series' values must be a list of numbers",
      `${sp}/values`,
      'values: [1.7, 3.0, 2.6] — one number per label',
    );
    return out;
  }
  values.forEach((v: unknown, j) => {
    const vp = `${sp}/values/${j}`;
    if (typeof v !== 'number' || !Number.isFinite(v))
      r.problem(
        'chart:not-a-number',
        `value ${typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v))} is not a number`,
        vp,
        typeof v === 'number'
          ? 'charts need finite numbers (no .nan or .inf)'
          : 'write plain numbers: 3.0, not "3.0%" (the unit goes in `unit`)',
      );
    else if (Math.abs(v) > MAX_CHART_VALUE)
      r.problem(
        'chart:value-range',
        `value ${v} is too large to draw (a chart takes values up to ±1e15)`,
        vp,
        'give amounts in larger units (万, 亿) and say so in `unit`, or check the data for a mistake',
      );
    else {
      if (f.round && v < 0)
        r.problem(
          'chart:negative',
          `a ${f.chartType} chart cannot show the negative value ${v}`,
          vp,
          'slices are shares of a whole; use bars for values below zero',
        );
      out.push(v);
    }
  });
  if (f.labels.length > 0 && values.length !== f.labels.length)
    r.problem(
      'chart:length-mismatch',
      `series has ${values.length} values for ${f.labels.length} labels`,
      `${sp}/values`,
      'give one value per label',
    );
  return out;
}

/** A series' `type` and `axis`: only a combo mixes bars and lines or has a right axis. */
function readDrawing(
  r: FigureReport,
  s: Record<string, unknown>,
  sp: string,
  chartType: ChartType | undefined,
): Pick<SeriesSpec, 'type' | 'axis'> {
  let type: SeriesSpec['type'] = chartType === 'line' || chartType === 'area' ? 'line' : 'bar';
  if (s.type !== undefined) {
    if (!oneOf(SERIES_TYPES, s.type))
      r.problem(
        'chart:series-type',
        `unknown series type ${JSON.stringify(s.type)}`,
        `${sp}/type`,
        'a combo series is drawn as bar or line',
      );
    else if (chartType === 'combo') type = s.type;
    else if (chartType && s.type !== type)
      r.notice(
        'chart:option',
        `only a combo chart mixes bars and lines; series type "${s.type}" is ignored`,
        `${sp}/type`,
        'use type: combo for a bar+line chart',
      );
  }
  let axis: SeriesSpec['axis'] = 'left';
  if (s.axis !== undefined) {
    if (!oneOf(AXES, s.axis))
      r.problem('chart:axis', `unknown axis ${JSON.stringify(s.axis)}`, `${sp}/axis`, 'use left or right');
    else if (chartType === 'combo') axis = s.axis;
    else if (chartType && s.axis === 'right')
      r.notice(
        'chart:option',
        'only a combo chart has a second value axis; `axis: right` is ignored',
        `${sp}/axis`,
        'use type: combo with a bar and a line series',
      );
  }
  return { type, axis };
}

/** One series, or undefined (reported) when it is not a mapping. */
function readOneSeries(r: FigureReport, s: unknown, sp: string, f: FigureContext): SeriesSpec | undefined {
  if (!isRecord(s)) {
    r.problem('chart:series', 'a series is a mapping with name and values', sp);
    return undefined;
  }
  r.unknownKeys(s, SERIES_KEYS, sp, 'series');
  const values = readValues(r, s.values, sp, f);
  const { type, axis } = readDrawing(r, s, sp, f.chartType);
  if (s.unit !== undefined && typeof s.unit !== 'string')
    r.problem('chart:option', '`unit` must be text', `${sp}/unit`);
  if (s.name !== undefined && typeof s.name !== 'string' && typeof s.name !== 'number')
    r.problem('chart:series', 'a series name must be text', `${sp}/name`);
  else if (!text(s.name).trim() && f.count > 1 && !f.round)
    r.problem(
      'chart:series',
      'with several series each needs a name for the legend',
      `${sp}/name`,
      'name: 衡阳市',
    );
  return { name: text(s.name), values, type, axis, unit: text(s.unit) };
}

/** The series of a figure: at least one, one for a pie. */
function readSeries(
  r: FigureReport,
  series: unknown,
  pointer: string,
  f: Omit<FigureContext, 'count'>,
): SeriesSpec[] {
  const out: SeriesSpec[] = [];
  if (!Array.isArray(series) || series.length === 0) {
    r.problem(
      'chart:series',
      series === undefined ? 'a figure needs series' : 'a figure needs at least one series',
      `${pointer}/series`,
      'series: [{ name: …, values: [1.7, 3.0] }]',
    );
    return out;
  }
  if (f.chartType === 'pie' && series.length > 1)
    r.problem(
      'chart:series',
      `a pie chart shows one series, got ${series.length}`,
      `${pointer}/series`,
      'use a doughnut for rings, or bars to compare several series',
    );
  series.forEach((s: unknown, i) => {
    const one = readOneSeries(r, s, `${pointer}/series/${i}`, { ...f, count: series.length });
    if (one) out.push(one);
  });
  return out;
}

/**
 * Checks a figure's data. Every problem is a diagnostic placed at the offending value in the data file, with
 * its JSON pointer, and names the template line of the <figure> that asked for it. Never throws.
 */
export function readChartSpec(
  data: LoadedData,
  pointer: string,
  place: Place | undefined,
): { spec?: ChartSpec; diagnostics: Diagnostic[] } {
  const r = new FigureReport(data, place);
  const raw = pointer.startsWith('/') || pointer === '' ? resolvePointer(data.value, pointer) : undefined;
  if (!isRecord(raw)) {
    r.diagnostics.push(
      error(
        'chart:data-missing',
        raw === undefined
          ? `no figure data at ${pointer || '/'}${r.suffix}`
          : `the data at ${pointer || '/'} is not a figure (a mapping with type, labels and series)${r.suffix}`,
        {
          place: place ?? { file: data.file },
          pointer,
          hint: 'give <figure data="{{ptr this}}"/> inside {{#each figures}}, or a JSON pointer to a figure object',
        },
      ),
    );
    return { diagnostics: r.diagnostics };
  }
  const o = raw;
  r.unknownKeys(o, FIGURE_KEYS, pointer, 'figure');
  const chartType = readType(r, o.type, pointer);
  const labels = readLabels(r, o.labels, pointer);
  const { stacked, dataLabels } = readOptions(r, o, pointer, chartType);
  const figure = { chartType, round: chartType === 'pie' || chartType === 'doughnut', labels };
  const series = readSeries(r, o.series, pointer, figure);
  checkWhole(r, pointer, figure, series);
  if (r.failed) return { diagnostics: r.diagnostics };
  return {
    spec: {
      type: chartType!,
      title: text(o.title),
      unit: text(o.unit),
      source: text(o.source),
      labels,
      series,
      stacked,
      dataLabels,
      ...(typeof o.alt === 'string' && o.alt.trim() ? { alt: o.alt.trim() } : {}),
    },
    diagnostics: r.diagnostics,
  };
}
