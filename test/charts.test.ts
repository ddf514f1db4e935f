import os from 'node:os';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCanvas, Image } from 'canvas';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDataText, type LoadedData } from '../src/data/load.js';
import type { DocumentTree, Figure } from '../src/document/types.js';
import { loadFontSet, type FontSet } from '../src/fonts/fonts.js';
import { DEFAULT_THEME, parseTheme, type Theme } from '../src/theme/theme.js';
import { computeGeometry, type Geometry } from '../src/page/geometry.js';
import { buildReport } from '../src/pipeline/pipeline.js';
import { chartConfig } from '../src/charts/config.js';
import { roughMeasure, wrapLabel } from '../src/charts/labels.js';
import { seriesColors } from '../src/charts/palette.js';
import { axisFormatter, formatChartNumber } from '../src/charts/format.js';
import { lightness, minLightnessGap } from '../src/theme/color.js';
import { readChartSpec, type ChartSpec } from '../src/charts/spec.js';
import { canvasFamily, chartFamily } from '../src/charts/family.js';
import { renderChart } from '../src/charts/render.js';
import {
  cacheDirFor,
  chartCacheKey,
  clearChartMemoryCache,
  renderSources,
  themeFingerprint,
} from '../src/charts/cache.js';
import { renderFigures } from '../src/charts/figures.js';
import { tempTree } from './support/tmp.js';
import { inkMismatch, paintRecorded, pixelsOf } from './support/paint.js';
import { isDrawing } from '../src/charts/drawing.js';
import { RecordingContext } from '../src/charts/context.js';
import { replay } from '../src/emit/replay.js';
import { createRequire } from 'node:module';

const PDFDocument = createRequire(import.meta.url)('pdfkit') as new () => object;

const root = path.resolve(import.meta.dirname, '..');
const pack = path.join(root, 'templates/annual-briefing');
const sample = path.join(root, 'data/hengyang-2020.yaml');
const sampleText = readFileSync(sample, 'utf8');
const hbs = path.join(root, 'templates/annual-briefing/partials/section.hbs');
const place = { file: hbs, start: { line: 8, column: 3 } };

let fonts: FontSet;
let geo: Geometry;
beforeAll(() => {
  fonts = loadFontSet(path.join(root, 'fonts/fonts.yaml')).fonts!;
  geo = computeGeometry(DEFAULT_THEME)!;
});

function load(yaml: string, file = path.join(root, 'data/test.yaml')): LoadedData {
  const r = parseDataText(file, new TextEncoder().encode(yaml));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.data;
}

/** A figure in YAML at /fig, from a mapping of its keys (values given as YAML flow text). */
function figure(keys: Record<string, string>): LoadedData {
  return load(
    'fig:\n' +
      Object.entries(keys)
        .map(([k, v]) => `  ${k}: ${v}\n`)
        .join(''),
  );
}

const bar = {
  type: 'bar',
  title: '增速对比',
  labels: '[甲, 乙, 丙]',
  series: '[{ name: 数量, values: [1.7, 3.0, 2.6] }]',
};
function check(keys: Record<string, string>) {
  return readChartSpec(figure(keys), '/fig', place);
}

function spec(partial: Partial<ChartSpec>): ChartSpec {
  return {
    type: 'bar',
    title: 't',
    unit: '',
    source: '',
    labels: ['甲', '乙', '丙'],
    series: [{ name: 'a', values: [1, 2, 3], type: 'bar', axis: 'left', unit: '' }],
    stacked: false,
    dataLabels: 'auto',
    ...partial,
  };
}

function tree(pointers: string[]): { tree: DocumentTree; figures: Figure[] } {
  const figures: Figure[] = pointers.map((p) => ({ type: 'figure', data: p, place }));
  return { tree: { lang: 'zh-CN', meta: {}, children: [{ type: 'columns', children: figures }] }, figures };
}

describe('figure data: every problem a diagnostic with the data path and the template line', () => {
  it('accepts good data and keeps what it says', () => {
    const r = check({ ...bar, stacked: 'true', unit: "'%'" });
    expect(r.diagnostics).toEqual([]);
    expect(r.spec).toMatchObject({ type: 'bar', stacked: true, unit: '%', labels: ['甲', '乙', '丙'] });
    expect(r.spec!.series[0]).toEqual({
      name: '数量',
      values: [1.7, 3, 2.6],
      type: 'bar',
      axis: 'left',
      unit: '',
    });
  });

  const cases: [string, Record<string, string>, string, string, number][] = [
    ['an unknown chart type', { ...bar, type: 'column' }, 'chart:unknown-type', '/fig/type', 2],
    [
      'a missing chart type',
      { title: 'x', labels: '[a]', series: '[{values: [1]}]' },
      'chart:unknown-type',
      '/fig/type',
      2, // no type key: the figure mapping itself
    ],
    [
      'series of different lengths',
      { ...bar, series: '[{ name: a, values: [1, 2, 3] }, { name: b, values: [1, 2] }]' },
      'chart:length-mismatch',
      '/fig/series/1/values',
      5,
    ],
    [
      'a string value',
      { ...bar, series: '[{ name: a, values: [1, "3.0%", 2] }]' },
      'chart:not-a-number',
      '/fig/series/0/values/1',
      5,
    ],
    [
      'NaN',
      { ...bar, series: '[{ name: a, values: [1, .nan, 2] }]' },
      'chart:not-a-number',
      '/fig/series/0/values/1',
      5,
    ],
    [
      'Infinity',
      { ...bar, series: '[{ name: a, values: [1, 2, -.inf] }]' },
      'chart:not-a-number',
      '/fig/series/0/values/2',
      5,
    ],
    [
      'null',
      { ...bar, series: '[{ name: a, values: [1, ~, 2] }]' },
      'chart:not-a-number',
      '/fig/series/0/values/1',
      5,
    ],
    [
      'a pie with a negative value',
      { ...bar, type: 'pie', series: '[{ name: a, values: [5, -1, 2] }]' },
      'chart:negative',
      '/fig/series/0/values/1',
      5,
    ],
    [
      'a pie of zeros',
      { ...bar, type: 'pie', series: '[{ name: a, values: [0, 0, 0] }]' },
      'chart:empty',
      '/fig/series',
      5,
    ],
    [
      'a pie with two series',
      { ...bar, type: 'pie', series: '[{ name: a, values: [1, 2, 3] }, { name: b, values: [1, 2, 3] }]' },
      'chart:series',
      '/fig/series',
      5,
    ],
    [
      'a combo without a line series',
      {
        ...bar,
        type: 'combo',
        series: '[{ name: a, values: [1, 2, 3] }, { name: b, type: bar, values: [1, 2, 3] }]',
      },
      'chart:combo',
      '/fig/series',
      5,
    ],
    [
      'a combo without a bar series',
      { ...bar, type: 'combo', series: '[{ name: a, type: line, values: [1, 2, 3] }]' },
      'chart:combo',
      '/fig/series',
      5,
    ],
    [
      'an unknown series type',
      { ...bar, type: 'combo', series: '[{ name: a, type: pie, values: [1, 2, 3] }]' },
      'chart:series-type',
      '/fig/series/0/type',
      5,
    ],
    [
      'an unknown axis',
      { ...bar, series: '[{ name: a, axis: top, values: [1, 2, 3] }]' },
      'chart:axis',
      '/fig/series/0/axis',
      5,
    ],
    ['empty labels', { ...bar, labels: '[]' }, 'chart:labels', '/fig/labels', 4],
    ['labels that are not text', { ...bar, labels: '[a, {b: 1}, c]' }, 'chart:labels', '/fig/labels/1', 4],
    ['no series', { ...bar, series: '[]' }, 'chart:series', '/fig/series', 5],
    ['a series that is not a mapping', { ...bar, series: '[3]' }, 'chart:series', '/fig/series/0', 5],
    [
      'values that are not a list',
      { ...bar, series: '[{ name: a, values: 3 }]' },
      'chart:series',
      '/fig/series/0/values',
      5,
    ],
    [
      'unnamed series in a legend',
      { ...bar, series: '[{ values: [1, 2, 3] }, { name: b, values: [1, 2, 3] }]' },
      'chart:series',
      '/fig/series/0/name',
      5,
    ],
    ['stacked that is not a boolean', { ...bar, stacked: 'yes please' }, 'chart:option', '/fig/stacked', 6],
  ];
  for (const [what, keys, code, pointer, line] of cases)
    it(`reports ${what} as ${code} at ${pointer}`, () => {
      const r = check(keys);
      expect(r.spec).toBeUndefined();
      const d = r.diagnostics.find((x) => x.severity === 'error');
      expect(d).toMatchObject({ code, pointer, place: { file: path.join(root, 'data/test.yaml') } });
      expect(d!.place!.start!.line).toBe(line);
      expect(d!.message).toContain('figure at templates/annual-briefing/partials/section.hbs:8:3');
    });

  it('reports a data path that does not exist, at the template line', () => {
    const r = readChartSpec(figure(bar), '/figs/0', place);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'chart:data-missing', pointer: '/figs/0', place }),
    ]);
    expect(readChartSpec(figure(bar), '/fig/title', place).diagnostics[0]!.code).toBe('chart:data-missing');
    expect(readChartSpec(figure(bar), 'fig', place).diagnostics[0]!.code).toBe('chart:data-missing');
  });

  it('suggests the chart type that was meant', () => {
    expect(check({ ...bar, type: 'hbars' }).diagnostics[0]!.hint).toContain('did you mean "hbar"?');
  });

  it('reports every problem of a figure at once', () => {
    const r = check({ type: 'donut', labels: '[a, b]', series: '[{ name: x, values: [1, "2", 3] }]' });
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual([
      'chart:length-mismatch',
      'chart:not-a-number',
      'chart:title',
      'chart:unknown-type',
    ]);
  });

  it('warns about what it ignores, and goes on', () => {
    const r = check({
      ...bar,
      type: 'line',
      stacked: 'true',
      colour: 'red',
      series: '[{ name: a, axis: right, values: [1, 2, 3] }]',
    });
    expect(r.spec).toBeDefined();
    expect(r.spec!.stacked).toBe(false);
    expect(r.spec!.series[0]!.axis).toBe('left');
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.pointer])).toEqual([
      ['warning', 'chart:unknown-key', '/fig/colour'],
      ['warning', 'chart:option', '/fig/stacked'],
      ['warning', 'chart:option', '/fig/series/0/axis'],
    ]);
  });

  it('never throws, whatever the data holds', () => {
    const junk = ['~', '3', '"x"', '[]', '{}', '[1, [2]]', '{a: {b: c}}', '.nan', 'true', '[~]', '[{}]'];
    for (const key of ['type', 'labels', 'series', 'stacked', 'dataLabels', 'title', 'unit'])
      for (const j of junk) {
        const keys = { ...bar, type: 'combo', [key]: j };
        expect(() => check(keys), `${key}: ${j}`).not.toThrow();
      }
    for (const j of junk)
      expect(() =>
        check({ ...bar, series: `[{ name: a, type: ${j}, axis: ${j}, unit: ${j}, values: ${j} }]` }),
      ).not.toThrow();
  });
});

describe('Chinese number formats', () => {
  it('writes thousands separators, 万 and 亿, and keeps the precision of the data', () => {
    expect(formatChartNumber(7410)).toBe('7,410');
    expect(formatChartNumber(375000)).toBe('37.5万');
    expect(formatChartNumber(59592000000)).toBe('595.92亿');
    // No separators before 万 or 亿 (as in text: src/format/numbers.ts), separators for plain numbers.
    expect(formatChartNumber(934764000000)).toBe('9347.64亿');
    expect(formatChartNumber(12345678, 0)).toBe('1234.57万');
    expect(formatChartNumber(3, 1, '%')).toBe('3.0%');
    expect(formatChartNumber(-1.25, 2, '%')).toBe('\u22121.25%');
    expect(formatChartNumber(-0.001, 1)).toBe('0.0');
    expect(formatChartNumber(12345.678, 2)).toBe('1.23万');
  });

  it('puts every tick of an axis on one scale with the same decimals', () => {
    const f = axisFormatter(1.5e8);
    const ticks = [0, 5e7, 1e8, 1.5e8];
    expect(ticks.map((t) => f(t, ticks))).toEqual(['0', '0.5亿', '1.0亿', '1.5亿']);
    const pct = axisFormatter(40, '%');
    expect([0, 10, 20].map((t) => pct(t, [0, 10, 20]))).toEqual(['0%', '10%', '20%']);
    expect(axisFormatter(2e4)(15000, [0, 5000, 10000, 15000])).toBe('1.5万');
    expect(axisFormatter(5000)(2000)).toBe('2,000');
    expect(axisFormatter(1.5e12)(1e12, [0, 5e11, 1e12])).toBe('10000亿');
  });

  it('wraps long category labels between characters, never before closing punctuation or inside numbers', () => {
    expect(wrapLabel('衡阳·上半年', 100, 8, roughMeasure)).toBe('衡阳·上半年');
    const lines = wrapLabel('“一带一路”贸易国家（个）', 60, 8, roughMeasure) as string[];
    expect(lines.join('')).toBe('“一带一路”贸易国家（个）');
    for (const l of lines) expect(l).not.toMatch(/^[）”、]/);
    expect(
      (wrapLabel('2020年第12345号', 30, 8, roughMeasure) as string[]).some((l) => l.includes('12345')),
    ).toBe(true);
  });

  it("wraps labels by the line engine's rules: —— and …… whole, brackets kept with their text, words whole", () => {
    const wrap = (l: string, max: number) => wrapLabel(l, max, 8, roughMeasure) as string[];
    expect(wrap('【重点】项目——进度', 30)).toEqual(['【重点】', '项目——', '进度']);
    expect(wrap('增长……持续', 20)).toEqual(['增长……', '持续']);
    expect(wrap('《政府工作报告》目标', 60)).toEqual(['《政府工作报告》', '目标']);
    // A split after a separator, but not after the slash inside a word.
    expect(wrap('A/B test 3.5%', 12)).toEqual(['A/B', 'test', '3.5%']);
    expect(wrap('温度30°C以上天数', 20)).toEqual(['温度', '30°C', '以上', '天数']);
  });
});

describe('print styling', () => {
  it('has a default palette whose colours stay apart printed in greyscale', () => {
    const colors = DEFAULT_THEME.chart.colors;
    expect(colors.length).toBeGreaterThanOrEqual(6);
    // CIE L*: the first three (most charts) at least 20 apart, any two at least 10, none lost on white paper.
    expect(minLightnessGap(colors.slice(0, 3))).toBeGreaterThanOrEqual(20);
    expect(minLightnessGap(colors)).toBeGreaterThanOrEqual(10);
    for (const c of colors) expect(lightness(c)).toBeLessThan(92);
    // The check can fail: the palette this replaced had red and dark grey 6 apart.
    expect(minLightnessGap(['#b5121b', '#4d4d4d', '#e08a8f', '#9a9a9a'])).toBeLessThan(10);
  });

  it('gives lines the darker colours, and combo lines colours the bars do not use', () => {
    const palette = DEFAULT_THEME.chart.colors;
    const combo = spec({
      type: 'combo',
      series: [
        { name: 'a', values: [1, 2, 3], type: 'bar', axis: 'left', unit: '' },
        { name: 'b', values: [1, 2, 3], type: 'line', axis: 'right', unit: '%' },
      ],
    });
    const [barColor, lineColor] = seriesColors(combo, palette);
    expect(barColor).not.toBe(lineColor);
    expect(lightness(lineColor!)).toBeLessThanOrEqual(70);
    expect(Math.abs(lightness(barColor!) - lightness(lineColor!))).toBeGreaterThanOrEqual(20);
  });

  it('warns when a theme picks chart colours that look alike in greyscale, and checks format and dpi', () => {
    const t = (yaml: string) => parseTheme('theme.yaml', new TextEncoder().encode(yaml));
    expect(t("chart: { colors: ['#b5121b', '#4d4d4d'] }").diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'theme:chart-greyscale',
        pointer: '/chart/colors',
      }),
    ]);
    expect(t('chart: { format: png, dpi: 600 }').diagnostics).toEqual([]);
    expect(t('chart: { format: jpeg }').diagnostics[0]).toMatchObject({
      code: 'theme:out-of-range',
      pointer: '/chart/format',
    });
    expect(t('chart: { dpi: 30 }').diagnostics[0]).toMatchObject({
      code: 'theme:out-of-range',
      pointer: '/chart/dpi',
    });
    expect(t('chart: { format: png, dpi: 150 }').diagnostics[0]).toMatchObject({ code: 'theme:chart-dpi' });
  });

  it('sets sizes in points, thin gridlines and a second axis for a combo', () => {
    const c = chartConfig(
      spec({
        type: 'combo',
        stacked: true,
        series: [
          { name: 'a', values: [1, 2, 3], type: 'bar', axis: 'left', unit: '' },
          { name: 'b', values: [1, 2, 3], type: 'bar', axis: 'left', unit: '' },
          { name: 'c', values: [10, 20, 30], type: 'line', axis: 'right', unit: '%' },
        ],
      }),
      DEFAULT_THEME,
      { family: 'F', width: 240, height: 160 },
    );
    type Axis = {
      position?: string;
      stacked: boolean;
      grid: { lineWidth: (c: { tick: { value: number } }) => number };
      ticks: { callback: (v: number, i: number, ticks: { value: number }[]) => string };
    };
    const o = c.options as unknown as { font: { size: number }; scales: { y: Axis; y1: Axis } };
    expect(o.font.size).toBe(DEFAULT_THEME.chart.size);
    expect(o.scales.y.grid.lineWidth({ tick: { value: 5 } })).toBeLessThanOrEqual(0.5);
    expect(o.scales.y1).toMatchObject({ position: 'right', grid: { drawOnChartArea: false } });
    expect(o.scales.y.stacked).toBe(true);
    expect(o.scales.y1.stacked).toBe(false);
    const ds = c.data.datasets as unknown as Record<string, unknown>[];
    expect(ds.map((d) => [d.type, d.yAxisID])).toEqual([
      ['bar', 'y'],
      ['bar', 'y'],
      ['line', 'y1'],
    ]);
    expect(ds[2]!.label).toBe('c（右轴）');
    expect(o.scales.y1.ticks.callback(20, 0, [{ value: 0 }, { value: 20 }])).toBe('20%');
  });

  it('fills areas opaquely (no transparency in print), stacked areas one on the other', () => {
    const twoAreas = (stacked: boolean) =>
      spec({
        type: 'area',
        stacked,
        series: [
          { name: 'a', values: [1, 2, 3], type: 'line', axis: 'left', unit: '' },
          { name: 'b', values: [1, 2, 3], type: 'line', axis: 'left', unit: '' },
        ],
      });
    const areas = (stacked: boolean) =>
      chartConfig(twoAreas(stacked), DEFAULT_THEME, { family: 'F', width: 240, height: 160 });
    type Shapes = { briefingShapes: { areas: string[]; stacked: boolean } };
    const flat = (areas(false).options.plugins as unknown as Shapes).briefingShapes;
    const stacked = (areas(true).options.plugins as unknown as Shapes).briefingShapes;
    for (const c of [...flat.areas, ...stacked.areas]) expect(c).toMatch(/^#[0-9a-f]{6}$/);
    // Side by side, light tints so the lines over them read; stacked, the palette itself.
    for (const c of flat.areas) expect(lightness(c)).toBeGreaterThan(75);
    expect(stacked.areas).toEqual(seriesColors(twoAreas(true), DEFAULT_THEME.chart.colors));
    expect(stacked.stacked).toBe(true);
    expect((areas(true).options as { scales: { y: { stacked: boolean } } }).scales.y.stacked).toBe(true);
  });
});

describe('rendering', () => {
  const all: ChartSpec[] = [
    spec({}),
    spec({ type: 'hbar' }),
    spec({ type: 'line' }),
    spec({ type: 'area' }),
    spec({ type: 'pie' }),
    spec({ type: 'doughnut' }),
    spec({
      stacked: true,
      series: [
        { name: 'a', values: [1, 2, 3], type: 'bar', axis: 'left', unit: '' },
        { name: 'b', values: [3, 2, 1], type: 'bar', axis: 'left', unit: '' },
      ],
    }),
    spec({
      type: 'combo',
      series: [
        { name: 'a', values: [18, 32.1, 20], type: 'bar', axis: 'left', unit: '' },
        { name: 'b', values: [45, 27.1, 30], type: 'line', axis: 'right', unit: '%' },
      ],
    }),
  ];

  it('draws every chart type as a vector drawing of opaque shapes and its words, the same every time', () => {
    for (const s of all) {
      const a = renderChart(s, 240, 160, fonts, DEFAULT_THEME, { format: 'svg', dpi: 300 });
      expect(a.format).toBe('svg');
      expect(a.box).toEqual([240, 160]);
      expect(isDrawing(a.drawing), s.type).toBe(true);
      expect(a.drawing!.filter((c) => c[0] === 'fill').length, s.type).toBeGreaterThan(2);
      // Nothing translucent: transparency reaches a PDF as soft masks, which print workflows refuse.
      const colours = a.drawing!.filter((c) => c[0] === 'fillColor' || c[0] === 'strokeColor');
      expect(colours.length).toBeGreaterThan(0);
      for (const c of colours) expect(c[1]![1], s.type).toBe(1);
      expect(a.texts!.length, s.type).toBeGreaterThan(0);
      // pdfkit takes every call (it throws on a number that is not finite: Chart.js's pie slices ask a canvas for
      // arcs of radius 0 at NaN angles, which a canvas ignores).
      const doc = new PDFDocument() as Record<string, unknown>;
      expect(() => replay(doc, a.drawing!), s.type).not.toThrow();
      // Rendering others in between does not change a chart's drawing.
      renderChart(all[0]!, 300, 100, fonts, DEFAULT_THEME, { format: 'svg', dpi: 300 });
      expect(renderChart(s, 240, 160, fonts, DEFAULT_THEME, { format: 'svg', dpi: 300 })).toEqual(a);
    }
  });

  it('registers no Chart.js plugin its charts do not use: each is called at every step of every chart', async () => {
    renderChart(all[0]!, 240, 160, fonts, DEFAULT_THEME, { format: 'svg', dpi: 300 });
    const { Chart } = await import('chart.js');
    const plugins = (Chart.registry.plugins as unknown as { items: Record<string, unknown> }).items;
    expect(Object.keys(plugins)).toEqual(['legend']);
  });

  it('draws what Chart.js draws on a canvas: its shapes, value axis numbers as outlines, words as text', () => {
    const family = canvasFamily(chartFamily(fonts, DEFAULT_THEME));
    const wrapped = spec({
      labels: ['第一季度销售额', '第二季度销售额', '第三季度销售额', '第四季度销售额', '全年合计'],
    });
    for (const s of [...all, wrapped]) {
      const png = renderChart(s, 240, 160, fonts, DEFAULT_THEME, { format: 'png', dpi: 72 }).png!;
      const vector = renderChart(s, 240, 160, fonts, DEFAULT_THEME, { format: 'svg', dpi: 300 });
      const canvas = pixelsOf(png);
      expect([canvas.width, canvas.height]).toEqual([240, 160]);
      // Measured: 0 to 1.5 % of the inked pixels differ (antialiasing); text 4 pt off its baseline makes 2–5 %.
      expect(inkMismatch(paintRecorded(vector, family), canvas.data), s.type).toBeLessThan(0.02);
    }
  });

  it('draws rotated words as the outlines a canvas draws', () => {
    const fam = chartFamily(fonts, DEFAULT_THEME);
    const family = canvasFamily(fam);
    // A PNG chart registers the chart font with canvas.
    renderChart(all[0]!, 100, 100, fonts, DEFAULT_THEME, { format: 'png', dpi: 72 });
    const draw = (ctx: CanvasRenderingContext2D) => {
      ctx.font = `bold 14px "${family}"`;
      ctx.fillStyle = '#aa0000';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.translate(80, 60);
      ctx.rotate(-Math.PI / 5);
      ctx.fillText('第3季度 12.5%', 0, 0);
      ctx.fillText('增速', 0, 30);
    };
    const recording = new RecordingContext(160, 120, fam);
    draw(recording as unknown as CanvasRenderingContext2D);
    expect(recording.texts).toEqual([]);
    const canvas = createCanvas(160, 120).getContext('2d');
    canvas.fillStyle = '#ffffff';
    canvas.fillRect(0, 0, 160, 120);
    draw(canvas as unknown as CanvasRenderingContext2D);
    const painted = paintRecorded(
      { format: 'svg', drawing: recording.calls, box: [160, 120], texts: [] },
      family,
    );
    const drawn = canvas.getImageData(0, 0, 160, 120).data;
    expect(inkMismatch(painted, drawn)).toBeLessThan(0.05);
    // …and not by chance: the same words unrotated are far from it.
    const upright = new RecordingContext(160, 120, fam);
    upright.font = `bold 14px "${family}"`;
    upright.fillStyle = '#aa0000';
    upright.textAlign = 'right';
    upright.fillText('第3季度 12.5%', 130, 60);
    const elsewhere = paintRecorded(
      { format: 'svg', drawing: upright.calls, box: [160, 120], texts: [] },
      family,
    );
    expect(inkMismatch(elsewhere, drawn)).toBeGreaterThan(0.5);
  });

  it('does what a canvas does with text too wide for maxWidth, non-finite numbers and colours it cannot read', () => {
    const fam = chartFamily(fonts, DEFAULT_THEME);
    const family = canvasFamily(fam);
    renderChart(all[0]!, 100, 100, fonts, DEFAULT_THEME, { format: 'png', dpi: 72 });
    const draw = (ctx: CanvasRenderingContext2D, maxWidth?: number) => {
      ctx.font = `14px "${family}"`;
      ctx.fillStyle = '#aa0000';
      ctx.fillStyle = 'not a colour';
      // A canvas ignores these: no line to NaN, no arc of a NaN angle, no shift by Infinity.
      ctx.beginPath();
      ctx.moveTo(10, 10);
      ctx.lineTo(Number.NaN, 50);
      ctx.arc(50, 50, 0, Number.NaN, 1);
      ctx.translate(Number.POSITIVE_INFINITY, 0);
      ctx.lineTo(150, 10);
      ctx.lineTo(150, 20);
      ctx.fill();
      ctx.fillText('第一季度销售额合计', 10, 80, maxWidth);
    };
    const canvasOf = (maxWidth?: number) => {
      const c = createCanvas(160, 120).getContext('2d');
      c.fillStyle = '#ffffff';
      c.fillRect(0, 0, 160, 120);
      draw(c as unknown as CanvasRenderingContext2D, maxWidth);
      return c.getImageData(0, 0, 160, 120).data;
    };
    const recorded = (maxWidth?: number) => {
      const r = new RecordingContext(160, 120, fam);
      draw(r as unknown as CanvasRenderingContext2D, maxWidth);
      return r;
    };
    const squeezed = recorded(60);
    // Squeezed into 60 pt, the words are outlines (PDF text has no horizontal scale here); unsqueezed, text.
    expect(squeezed.texts).toEqual([]);
    expect(recorded().texts.map((t) => t.text)).toEqual(['第一季度销售额合计']);
    expect(isDrawing(squeezed.finish())).toBe(true);
    expect(squeezed.calls.filter((c) => c[0] === 'fillColor').map((c) => c[1]![0])).toEqual(['#aa0000']);
    const painted = paintRecorded(
      { format: 'svg', drawing: squeezed.calls, box: [160, 120], texts: [] },
      family,
    );
    expect(inkMismatch(painted, canvasOf(60))).toBeLessThan(0.1);
    expect(inkMismatch(painted, canvasOf())).toBeGreaterThan(0.3);
  });

  it('draws a PNG at the asked resolution, and an SVG that places it', () => {
    const r = renderChart(all[0]!, 240, 160, fonts, DEFAULT_THEME, { format: 'png', dpi: 300 });
    expect(r.format).toBe('png');
    const png = r.png!;
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // IHDR: width and height in pixels = points × dpi / 72.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1000, 666]);
    // Colour type 2: RGB without alpha, so the PDF gets no soft mask.
    expect(png[25]).toBe(2);
    expect(r.svg).toContain('data:image/png;base64,');
    expect(r.svg).toContain('viewBox="0 0 240 160"');
    const again = renderChart(all[0]!, 240, 160, fonts, DEFAULT_THEME, { format: 'png', dpi: 300 });
    expect(Buffer.compare(again.png!, png)).toBe(0);
  });

  it('fills an area down to zero, and outlines pale bars, without clip paths', () => {
    const area = spec({
      type: 'area',
      series: [{ name: 'a', values: [5, 5, 5], type: 'line', axis: 'left', unit: '' }],
    });
    const png = renderChart(area, 240, 160, fonts, DEFAULT_THEME, { format: 'png', dpi: 72 }).png!;
    const img = new Image();
    img.src = png;
    const ctx = createCanvas(240, 160).getContext('2d');
    ctx.drawImage(img, 0, 0);
    // Halfway between the line (at 5 of a 0–6 axis) and the x axis, the area's tint; above the line, paper.
    const at = (x: number, y: number) => [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)];
    const tinted = at(150, 100);
    expect(tinted).not.toEqual([255, 255, 255]);
    expect(tinted[0]).toBeGreaterThan(tinted[1]!); // a tint of the red
    expect(at(150, 12)).toEqual([255, 255, 255]);
    const pale = DEFAULT_THEME.chart.colors.findIndex((c) => lightness(c) > 85);
    const bars = spec({
      series: DEFAULT_THEME.chart.colors.map((_, i) => ({
        name: `s${i}`,
        values: [1, 2, 3],
        type: 'bar' as const,
        axis: 'left' as const,
        unit: '',
      })),
    });
    const drawing = renderChart(bars, 240, 160, fonts, DEFAULT_THEME, { format: 'svg', dpi: 300 }).drawing!;
    expect(pale).toBeGreaterThan(0);
    // The pale bars' outlines: half-point strokes (Chart.js would draw a bar's border by clipping to the bar).
    const outline = drawing.findIndex((c) => c[0] === 'lineWidth' && c[1][0] === 0.5);
    expect(outline).toBeGreaterThan(0);
    expect(drawing.slice(outline).some((c) => c[0] === 'stroke')).toBe(true);
  });

  it('registers the chart fonts from the configured files for PNG charts: a bold that is bold, no tofu', () => {
    renderChart(all[0]!, 100, 100, fonts, DEFAULT_THEME, { format: 'png', dpi: 72 });
    const family = canvasFamily(chartFamily(fonts, DEFAULT_THEME));
    const ink = (font: string, text: string) => {
      const canvas = createCanvas(200, 60);
      const ctx = canvas.getContext('2d');
      ctx.font = font;
      ctx.fillText(text, 10, 45);
      const px = ctx.getImageData(0, 0, 200, 60).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) n += px[i]!;
      return { n, data: Buffer.from(px) };
    };
    const regular = ink(`40px "${family}"`, '衡阳');
    const bold = ink(`bold 40px "${family}"`, '衡阳');
    expect(bold.n / regular.n).toBeGreaterThan(1.25);
    // A character the font lacks draws as a box; 衡 and 阳 draw as themselves.
    const tofu = ink(`40px "${family}"`, '\u{10FFFD}\u{10FFFD}');
    expect(regular.data.equals(tofu.data)).toBe(false);
  });

  it('warns about chart text its font lacks (it would print as a box)', async () => {
    const data = figure({ ...bar, labels: '[甲, 𠮷, 丙]' });
    const { tree: t } = tree(['/fig']);
    const r = await renderFigures(t, data, DEFAULT_THEME, fonts, geo, {
      cacheDir: false,
      memoryCache: false,
    });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'chart:missing-glyph', pointer: '/fig/labels/1' }),
    ]);
    expect(r.charts.size).toBe(1);
  });
});

describe('renderFigures and its cache', () => {
  const two = load(
    'a:\n  type: bar\n  title: 甲\n  labels: [x, y]\n  series: [{ name: n, values: [1, 2] }]\n' +
      'b:\n  type: line\n  title: 乙\n  labels: [x, y]\n  series: [{ name: n, values: [3, 4] }]\n' +
      'bad:\n  type: bar\n  labels: [x, y]\n  series: [{ name: n, values: [1] }]\n',
  );

  it('renders the good figures and reports the bad ones', async () => {
    const { tree: t, figures } = tree(['/a', '/bad', '/b', '/missing']);
    const r = await renderFigures(t, two, DEFAULT_THEME, fonts, geo, { cacheDir: false, memoryCache: false });
    expect([...r.charts.keys()]).toEqual([figures[0], figures[2]]);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.pointer])).toEqual([
      ['chart:length-mismatch', '/bad/series/0/values'],
      ['chart:data-missing', '/missing'],
    ]);
    expect(r.stats).toMatchObject({ figures: 2, rendered: 2, cached: 0 });
    const chart = r.charts.get(figures[0]!)!;
    expect(chart.width).toBe(geo.columnWidth);
    expect(chart.height).toBe(DEFAULT_THEME.chart.heightLines * geo.pitch);
  });

  it('renders an unchanged chart once: again from memory in a process, from disk across runs', async () => {
    const dir = tempTree({});
    const { tree: t } = tree(['/a', '/b', '/a']);
    clearChartMemoryCache();
    const first = await renderFigures(t, two, DEFAULT_THEME, fonts, geo, { cacheDir: dir });
    // The same figure twice in one document is drawn once.
    expect(first.stats).toMatchObject({ figures: 3, rendered: 2, cached: 1, fromMemory: 1, fromDisk: 0 });
    const files = readdirSync(path.join(dir, 'charts'));
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const again = await renderFigures(t, two, DEFAULT_THEME, fonts, geo, { cacheDir: dir });
    expect(again.stats).toMatchObject({ rendered: 0, cached: 3, fromMemory: 3 });

    clearChartMemoryCache(); // a new process
    const later = await renderFigures(t, two, DEFAULT_THEME, fonts, geo, { cacheDir: dir });
    expect(later.stats).toMatchObject({ rendered: 0, cached: 3, fromDisk: 2, fromMemory: 1 });
    const drawn = (r: typeof first) => [...r.charts.values()].map((c) => [c.drawing, c.box, c.texts]);
    expect(drawn(later)).toEqual(drawn(first));
    expect(drawn(first)[0]![0]).not.toEqual(drawn(first)[1]![0]);

    // A changed value, size or theme draws that chart again, and only that one.
    const changed = load(
      'a:\n  type: bar\n  title: 甲\n  labels: [x, y]\n  series: [{ name: n, values: [1, 2.5] }]\n' +
        'b:\n  type: line\n  title: 乙\n  labels: [x, y]\n  series: [{ name: n, values: [3, 4] }]\n',
    );
    expect(
      (await renderFigures(t, changed, DEFAULT_THEME, fonts, geo, { cacheDir: dir })).stats,
    ).toMatchObject({
      rendered: 1,
      cached: 2,
    });
    const red: Theme = structuredClone(DEFAULT_THEME);
    red.chart.colors = ['#000000', '#888888'];
    expect((await renderFigures(t, two, red, fonts, geo, { cacheDir: dir })).stats).toMatchObject({
      rendered: 2,
    });
    expect(
      (await renderFigures(t, two, DEFAULT_THEME, fonts, geo, { cacheDir: dir, format: 'png' })).stats,
    ).toMatchObject({ rendered: 2 });
  });

  it('never takes a cache entry that does more than draw, or is not whole', async () => {
    const dir = tempTree({ 'secret.png': 'not for the PDF' });
    const { tree: t } = tree(['/a']);
    clearChartMemoryCache();
    const render = () =>
      renderFigures(t, two, DEFAULT_THEME, fonts, geo, { cacheDir: dir, memoryCache: false });
    const first = [...(await render()).charts.values()][0]!;
    const file = path.join(
      dir,
      'charts',
      readdirSync(path.join(dir, 'charts')).find((f) => f.endsWith('.json'))!,
    );
    const good = readFileSync(file, 'utf8');
    const kept = JSON.parse(good) as { drawing: unknown[]; box: number[]; texts: Record<string, unknown>[] };
    expect(kept.box).toEqual(first.box);
    const tampered = [
      // A pdfkit call that is not drawing: an image from a file, text in a font of its own.
      { ...kept, drawing: [...kept.drawing, ['image', [path.join(dir, 'secret.png'), 0, 0, {}]]] },
      { ...kept, drawing: [['font', ['/etc/passwd']], ...kept.drawing] },
      { ...kept, texts: [{ ...kept.texts[0], text: 5 }] },
      { ...kept, box: [0, 160] },
      { drawing: kept.drawing, texts: kept.texts },
      // Not whole: a write cut short.
      good.slice(0, 200),
    ];
    for (const bad of tampered) {
      writeFileSync(file, typeof bad === 'string' ? bad : JSON.stringify(bad));
      const again = await render();
      expect(again.stats).toMatchObject({ rendered: 1, fromDisk: 0 });
      expect([...again.charts.values()][0]).toEqual(first);
      // Drawn again, and kept again as it should be.
      expect(readFileSync(file, 'utf8')).toBe(good);
    }
    expect((await render()).stats).toMatchObject({ rendered: 0, fromDisk: 1 });
  });

  it("keeps the disk cache in the user's cache folder, or where BRIEFING_CACHE_DIR says", () => {
    const prev = process.env.BRIEFING_CACHE_DIR;
    const prevXdg = process.env.XDG_CACHE_HOME;
    try {
      delete process.env.BRIEFING_CACHE_DIR;
      delete process.env.XDG_CACHE_HOME;
      // Never beside the user's own files: the output folder does not matter.
      expect(cacheDirFor('out/hengyang-2020.pdf')).toBe(path.join(os.homedir(), '.cache', 'briefing'));
      expect(cacheDirFor('/srv/reports/2020/a.pdf')).toBe(path.join(os.homedir(), '.cache', 'briefing'));
      process.env.XDG_CACHE_HOME = '/var/cache/me';
      expect(cacheDirFor('a.pdf')).toBe('/var/cache/me/briefing');
      process.env.BRIEFING_CACHE_DIR = 'tmp/cache';
      expect(cacheDirFor('out/a.pdf')).toBe(path.join(process.cwd(), 'tmp/cache'));
      process.env.BRIEFING_CACHE_DIR = 'off';
      expect(cacheDirFor('out/a.pdf')).toBe(false);
    } finally {
      if (prev === undefined) delete process.env.BRIEFING_CACHE_DIR;
      else process.env.BRIEFING_CACHE_DIR = prev;
      if (prevXdg === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = prevXdg;
    }
  });

  it('keys a render on the code that draws it, in src/charts and the modules it uses elsewhere', () => {
    const files = renderSources().map((f) => path.relative(path.join(root, 'src'), f));
    for (const f of [
      'charts/config.ts',
      'charts/plugins.ts',
      'format/numbers.ts',
      'cjk/classes.ts',
      'theme/color.ts',
    ])
      expect(files).toContain(f);
    // A module charts only take types from decides no bytes.
    expect(files).not.toContain('fonts/fonts.ts');
  });

  it('keys a render on the font files: path, size and modification time', () => {
    const dir = tempTree({ 'r.ttf': 'regular', 'b.ttf': 'bold' });
    const face = (file: string) => ({ ...fonts.families.get('sans')!.regular, file });
    const fake: FontSet = {
      configFile: '',
      fallback: ['sans'],
      families: new Map([
        [
          'sans',
          { name: 'sans', regular: face(path.join(dir, 'r.ttf')), bold: face(path.join(dir, 'b.ttf')) },
        ],
      ]),
    };
    const before = themeFingerprint(DEFAULT_THEME, fake);
    const key = (fp: string) => chartCacheKey(spec({}), 240, 160, { format: 'svg', dpi: 300 }, fp);
    const t = statSync(path.join(dir, 'r.ttf')).mtime;
    utimesSync(path.join(dir, 'r.ttf'), t, new Date(t.getTime() + 5000));
    const after = themeFingerprint(DEFAULT_THEME, fake);
    expect(key(after)).not.toBe(key(before));
    expect(key(before)).toBe(key(before));
    expect(key(before)).toMatch(/^[0-9a-f]{64}$/);
    // dpi matters for PNG only.
    expect(chartCacheKey(spec({}), 240, 160, { format: 'svg', dpi: 600 }, before)).toBe(key(before));
  });
});

describe('figures in a build', () => {
  it('builds the sample with at least four figures, one of a new type, and no chart warnings', async () => {
    const r = await buildReport({ templateDir: pack, dataFile: sample, write: false });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.code.startsWith('chart:'))).toEqual([]);
    const types = [...sampleText.matchAll(/^ {6}- type: (\w+)/gm)].map((m) => m[1]);
    expect(types.length).toBeGreaterThanOrEqual(4);
    expect(types).toContain('combo');
    // Vector charts without transparency: no soft masks, no images.
    const raw = r.pdf!.toString('latin1');
    expect(raw).not.toContain('/SMask');
    expect(raw).not.toContain('/Subtype /Image');
  });

  it('gives the same bytes from a cold render and from the disk cache', async () => {
    const dir = tempTree({});
    const prev = process.env.BRIEFING_CACHE_DIR;
    process.env.BRIEFING_CACHE_DIR = dir;
    try {
      clearChartMemoryCache();
      const cold = await buildReport({ templateDir: pack, dataFile: sample, write: false });
      expect(readdirSync(path.join(dir, 'charts')).length).toBeGreaterThanOrEqual(4);
      clearChartMemoryCache();
      const warm = await buildReport({ templateDir: pack, dataFile: sample, write: false });
      expect(Buffer.compare(cold.pdf!, warm.pdf!)).toBe(0);
    } finally {
      if (prev === undefined) delete process.env.BRIEFING_CACHE_DIR;
      else process.env.BRIEFING_CACHE_DIR = prev;
    }
  });

  it('builds with PNG charts when the theme asks for them', async () => {
    const dir = tempTree({
      'pack/template.hbs': readFileSync(path.join(pack, 'template.hbs'), 'utf8'),
      'pack/partials/section.hbs': readFileSync(path.join(pack, 'partials/section.hbs'), 'utf8'),
      'pack/partials/masthead.hbs': readFileSync(path.join(pack, 'partials/masthead.hbs'), 'utf8'),
      'pack/schema.json': readFileSync(path.join(pack, 'schema.json'), 'utf8'),
      'pack/theme.yaml':
        readFileSync(path.join(pack, 'theme.yaml'), 'utf8') + 'chart: { format: png, dpi: 300 }\n',
    });
    const r = await buildReport({ templateDir: path.join(dir, 'pack'), dataFile: sample, write: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const raw = r.pdf!.toString('latin1');
    expect(raw.match(/\/Subtype \/Image/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    expect(raw).not.toContain('/SMask');
  });

  it('stops cleanly on bad figure data in a pack without a schema, naming data path and template line', async () => {
    const dir = tempTree({
      'pack/template.hbs':
        '<briefing lang="zh-CN">\n<body>\n{{#each figures}}\n  <figure data="{{ptr this}}"/>\n{{/each}}\n  <figure data="/nowhere"/>\n</body>\n</briefing>\n',
      'd.yaml':
        'figures:\n' +
        '  - { type: column, title: a, labels: [x], series: [{ name: n, values: [1] }] }\n' +
        '  - { type: bar, title: b, labels: [x, y], series: [{ name: n, values: [1, .inf] }] }\n' +
        '  - { type: pie, title: c, labels: [x, y], series: [{ name: n, values: [1, -2] }] }\n' +
        '  - { type: combo, title: d, labels: [x, y], series: [{ name: n, values: [1, 2] }] }\n' +
        '  - { type: bar, title: e, labels: [x, y], series: [{ name: n, values: [1, 2] }] }\n',
    });
    const r = await buildReport({
      templateDir: path.join(dir, 'pack'),
      dataFile: path.join(dir, 'd.yaml'),
      write: false,
    });
    expect(r.ok).toBe(false);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.pointer])).toEqual([
      ['chart:unknown-type', '/figures/0/type'],
      ['chart:not-a-number', '/figures/1/series/0/values/1'],
      ['chart:negative', '/figures/2/series/0/values/1'],
      ['chart:combo', '/figures/3/series'],
      ['chart:data-missing', '/nowhere'],
    ]);
    for (const d of errors.slice(0, 4)) {
      expect(d.place!.file).toBe(path.join(dir, 'd.yaml'));
      expect(d.message).toMatch(/figure at .*template\.hbs:4:3\)$/);
    }
    expect(errors[4]!.place).toMatchObject({ file: path.join(dir, 'pack/template.hbs'), start: { line: 6 } });
  });
});
