import path from 'node:path';
import { error, warning, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import { resolvePointer, type LoadedData } from '../data/load.js';
import { nearest } from '../diagnostics/suggest.js';

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
}

const FIGURE_KEYS = ['type', 'title', 'unit', 'source', 'labels', 'series', 'stacked', 'dataLabels'];
const SERIES_KEYS = ['name', 'values', 'type', 'axis', 'unit'];
const STACKABLE: readonly ChartType[] = ['bar', 'hbar', 'area', 'combo'];

/** A scalar from the data as text; anything else (a list, a mapping) as empty. */
function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `file:line:col` of the <figure> element in the template, relative to the working folder. */
export function templateLocation(place: Place | undefined): string {
  if (!place) return '';
  const file = path.isAbsolute(place.file)
    ? path.relative(process.cwd(), place.file) || place.file
    : place.file;
  return place.start ? `${file}:${place.start.line}:${place.start.column}` : file;
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
  const diagnostics: Diagnostic[] = [];
  const figureAt = templateLocation(place);
  const suffix = figureAt ? ` (figure at ${figureAt})` : '';
  const at = (p: string): Place => {
    for (let q = p; ; q = q.slice(0, q.lastIndexOf('/'))) {
      const pos = data.positions.get(q);
      if (pos) return { file: data.file, start: pos.value };
      if (!q) break;
    }
    return place ?? { file: data.file };
  };
  const problem = (code: string, message: string, p: string, hint?: string) =>
    diagnostics.push(error(code, message + suffix, { place: at(p), pointer: p, ...(hint ? { hint } : {}) }));
  const notice = (code: string, message: string, p: string, hint?: string) =>
    diagnostics.push(
      warning(code, message + suffix, { place: at(p), pointer: p, ...(hint ? { hint } : {}) }),
    );

  const raw = pointer.startsWith('/') || pointer === '' ? resolvePointer(data.value, pointer) : undefined;
  if (!isRecord(raw)) {
    diagnostics.push(
      error(
        'chart:data-missing',
        raw === undefined
          ? `no figure data at ${pointer || '/'}${suffix}`
          : `the data at ${pointer || '/'} is not a figure (a mapping with type, labels and series)${suffix}`,
        {
          place: place ?? { file: data.file },
          pointer,
          hint: 'give <figure data="{{ptr this}}"/> inside {{#each figures}}, or a JSON pointer to a figure object',
        },
      ),
    );
    return { diagnostics };
  }
  const o = raw;
  for (const k of Object.keys(o))
    if (!FIGURE_KEYS.includes(k)) {
      const close = nearest(k, FIGURE_KEYS);
      notice(
        'chart:unknown-key',
        `unknown figure key "${k}" is ignored`,
        `${pointer}/${k}`,
        close ? `did you mean "${close}"?` : `figure keys: ${FIGURE_KEYS.join(', ')}`,
      );
    }

  const type = o.type;
  const known = typeof type === 'string' && (CHART_TYPES as readonly string[]).includes(type);
  if (!known) {
    const close = typeof type === 'string' ? nearest(type, CHART_TYPES) : undefined;
    problem(
      'chart:unknown-type',
      type === undefined ? 'a figure needs a chart type' : `unknown chart type ${JSON.stringify(type)}`,
      `${pointer}/type`,
      `${close ? `did you mean "${close}"? ` : ''}use one of ${CHART_TYPES.join(', ')}`,
    );
  }
  const chartType = known ? (type as ChartType) : undefined;

  const labels: string[] = [];
  if (!Array.isArray(o.labels) || o.labels.length === 0)
    problem(
      'chart:labels',
      o.labels === undefined ? 'a figure needs labels' : 'a figure needs a non-empty list of labels',
      `${pointer}/labels`,
      'labels: [一季度, 二季度, 三季度] — one per value',
    );
  else
    o.labels.forEach((l: unknown, i) => {
      if (typeof l === 'string' || (typeof l === 'number' && Number.isFinite(l))) labels.push(String(l));
      else
        problem(
          'chart:labels',
          `label ${JSON.stringify(l) ?? String(l)} is not text`,
          `${pointer}/labels/${i}`,
          'labels are short texts or numbers (years)',
        );
    });

  let stacked = false;
  if (o.stacked !== undefined) {
    if (typeof o.stacked !== 'boolean')
      problem('chart:option', '`stacked` must be true or false', `${pointer}/stacked`);
    else if (o.stacked && chartType && !STACKABLE.includes(chartType))
      notice(
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
      problem(
        'chart:option',
        '`dataLabels` must be true or false',
        `${pointer}/dataLabels`,
        'leave it out for "where they fit"',
      );
    else dataLabels = o.dataLabels;
  }
  for (const k of ['title', 'unit', 'source'] as const)
    if (o[k] !== undefined && typeof o[k] !== 'string' && typeof o[k] !== 'number')
      problem('chart:option', `\`${k}\` must be text`, `${pointer}/${k}`);
  if (typeof o.title !== 'string' || !o.title.trim())
    notice('chart:title', 'a figure without a title gets a caption with the number only', `${pointer}/title`);

  const series: SeriesSpec[] = [];
  const round = chartType === 'pie' || chartType === 'doughnut';
  if (!Array.isArray(o.series) || o.series.length === 0)
    problem(
      'chart:series',
      o.series === undefined ? 'a figure needs series' : 'a figure needs at least one series',
      `${pointer}/series`,
      'series: [{ name: …, values: [1.7, 3.0] }]',
    );
  else {
    if (round && chartType === 'pie' && o.series.length > 1)
      problem(
        'chart:series',
        `a pie chart shows one series, got ${o.series.length}`,
        `${pointer}/series`,
        'use a doughnut for rings, or bars to compare several series',
      );
    o.series.forEach((s: unknown, i) => {
      const sp = `${pointer}/series/${i}`;
      if (!isRecord(s)) {
        problem('chart:series', 'a series is a mapping with name and values', sp);
        return;
      }
      for (const k of Object.keys(s))
        if (!SERIES_KEYS.includes(k)) {
          const close = nearest(k, SERIES_KEYS);
          notice(
            'chart:unknown-key',
            `unknown series key "${k}" is ignored`,
            `${sp}/${k}`,
            close ? `did you mean "${close}"?` : `series keys: ${SERIES_KEYS.join(', ')}`,
          );
        }
      const values: number[] = [];
      if (!Array.isArray(s.values))
        problem(
          'chart:series',
          s.values === undefined ? 'a series needs values' : "a series' values must be a list of numbers",
          `${sp}/values`,
          'values: [1.7, 3.0, 2.6] — one number per label',
        );
      else {
        s.values.forEach((v: unknown, j) => {
          const vp = `${sp}/values/${j}`;
          if (typeof v !== 'number' || !Number.isFinite(v))
            problem(
              'chart:not-a-number',
              `value ${typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v))} is not a number`,
              vp,
              typeof v === 'number'
                ? 'charts need finite numbers (no .nan or .inf)'
                : 'write plain numbers: 3.0, not "3.0%" (the unit goes in `unit`)',
            );
          else {
            if (round && v < 0)
              problem(
                'chart:negative',
                `a ${chartType} chart cannot show the negative value ${v}`,
                vp,
                'slices are shares of a whole; use bars for values below zero',
              );
            values.push(v);
          }
        });
        if (labels.length > 0 && s.values.length !== labels.length)
          problem(
            'chart:length-mismatch',
            `series has ${s.values.length} values for ${labels.length} labels`,
            `${sp}/values`,
            'give one value per label',
          );
      }
      let stype: SeriesSpec['type'] = chartType === 'line' || chartType === 'area' ? 'line' : 'bar';
      if (s.type !== undefined) {
        if (!(SERIES_TYPES as readonly unknown[]).includes(s.type))
          problem(
            'chart:series-type',
            `unknown series type ${JSON.stringify(s.type)}`,
            `${sp}/type`,
            'a combo series is drawn as bar or line',
          );
        else if (chartType === 'combo') stype = s.type as SeriesSpec['type'];
        else if (chartType && s.type !== stype)
          notice(
            'chart:option',
            `only a combo chart mixes bars and lines; series type "${s.type as string}" is ignored`,
            `${sp}/type`,
            'use type: combo for a bar+line chart',
          );
      }
      let axis: SeriesSpec['axis'] = 'left';
      if (s.axis !== undefined) {
        if (!(AXES as readonly unknown[]).includes(s.axis))
          problem('chart:axis', `unknown axis ${JSON.stringify(s.axis)}`, `${sp}/axis`, 'use left or right');
        else if (chartType === 'combo') axis = s.axis as SeriesSpec['axis'];
        else if (chartType && s.axis === 'right')
          notice(
            'chart:option',
            'only a combo chart has a second value axis; `axis: right` is ignored',
            `${sp}/axis`,
            'use type: combo with a bar and a line series',
          );
      }
      if (s.unit !== undefined && typeof s.unit !== 'string')
        problem('chart:option', '`unit` must be text', `${sp}/unit`);
      if (s.name !== undefined && typeof s.name !== 'string' && typeof s.name !== 'number')
        problem('chart:series', 'a series name must be text', `${sp}/name`);
      else if (!text(s.name).trim() && (o.series as unknown[]).length > 1 && !round)
        problem(
          'chart:series',
          'with several series each needs a name for the legend',
          `${sp}/name`,
          'name: 衡阳市',
        );
      series.push({ name: text(s.name), values, type: stype, axis, unit: text(s.unit) });
    });
  }

  if (round && series.length && series.every((s) => s.values.length && s.values.every((v) => v === 0)))
    problem('chart:empty', `every value of this ${chartType} chart is zero`, `${pointer}/series`);
  if (chartType === 'combo' && series.length) {
    const lines = series.filter((s) => s.type === 'line').length;
    if (lines === 0 || lines === series.length)
      problem(
        'chart:combo',
        lines === 0 ? 'a combo chart needs a line series' : 'a combo chart needs a bar series',
        `${pointer}/series`,
        'give each series type: bar or type: line (and axis: right for a second value axis)',
      );
  }
  if (round && labels.length > 8)
    notice(
      'chart:crowded',
      `${labels.length} slices are hard to tell apart in print`,
      `${pointer}/labels`,
      'keep pies to six slices or fewer; group the rest as 其他, or use bars',
    );

  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
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
    },
    diagnostics,
  };
}
