import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFontSet, type FontSet } from '../src/fonts/fonts.js';
import { DEFAULT_THEME } from '../src/theme/theme.js';
import { chartConfig } from '../src/charts/config.js';
import { seriesColors } from '../src/charts/palette.js';
import { recordLabels, type LabelRecord } from '../src/charts/plugins.js';
import { renderChart } from '../src/charts/render.js';
import type { ChartSpec, ChartType } from '../src/charts/spec.js';
import { wrapLabel, roughMeasure } from '../src/charts/labels.js';
import { lightness } from '../src/theme/color.js';

// Crowded charts: every type with 2 to 12 series (or slices), values of every size, some negative where the
// type allows. No colour may repeat within a chart, and no value label may cover another or a mark.
const root = path.resolve(import.meta.dirname, '..');
let fonts: FontSet;
const records: LabelRecord[] = [];
beforeAll(() => {
  fonts = loadFontSet(path.join(root, 'fonts/fonts.yaml')).fonts!;
  recordLabels((r) => records.push(r));
});
afterAll(() => recordLabels(undefined));

/** Deterministic values: a spread of sizes (and a negative or two where asked). */
const values = (n: number, seed: number, negative: boolean) =>
  Array.from({ length: n }, (_, j) => {
    const v = ((seed * 37 + j * 53) % 97) + (j % 3) * 7 + 0.5;
    return negative && (seed + j) % 5 === 0 ? -Math.round(v / 3) : Math.round(v * 10) / 10;
  });

const seriesType = (type: ChartType, i: number): 'line' | 'bar' =>
  type === 'line' || type === 'area' || (type === 'combo' && i % 2 === 1) ? 'line' : 'bar';

function make(type: ChartType, count: number, stacked: boolean): ChartSpec {
  const round = type === 'pie' || type === 'doughnut';
  const labels = round
    ? Array.from({ length: count }, (_, j) => `第${j + 1}类项目`)
    : ['一季度', '二季度', '三季度', '四季度'];
  const series = round
    ? [
        {
          name: '占比',
          values: values(count, 1, false),
          type: 'bar' as const,
          axis: 'left' as const,
          unit: '',
        },
      ]
    : Array.from({ length: count }, (_, i) => ({
        name: `系列${i + 1}`,
        values: values(labels.length, i + 2, !stacked && type !== 'area'),
        type: seriesType(type, i),
        axis: 'left' as const,
        unit: '',
      }));
  return { type, title: 't', unit: '', source: '', labels, series, stacked, dataLabels: 'auto' };
}

const overlap = (a: LabelRecord['marks'][number], b: LabelRecord['marks'][number]) =>
  a.l < b.r - 0.01 && b.l < a.r - 0.01 && a.t < b.b - 0.01 && b.t < a.b - 0.01;

const cases: [ChartType, boolean][] = [
  ['bar', false],
  ['bar', true],
  ['hbar', false],
  ['hbar', true],
  ['line', false],
  ['area', true],
  ['combo', false],
  ['pie', false],
  ['doughnut', false],
];

describe('crowded charts', () => {
  for (const [type, stacked] of cases)
    it(`${type}${stacked ? ' stacked' : ''}: distinct fills and no label over a label or a mark, 2–12`, () => {
      for (let n = 2; n <= 12; n++) {
        const s = make(type, n, stacked);
        const fills = seriesColors(s, DEFAULT_THEME.chart.colors);
        expect(new Set(fills.map((c) => c.toLowerCase())).size, `${type} ${n}: ${fills.join(' ')}`).toBe(
          fills.length,
        );
        // The configuration draws them: each dataset (or slice) its own colour.
        const cfg = chartConfig(s, DEFAULT_THEME, { family: 'x', width: 240, height: 160 });
        const drawn =
          type === 'pie' || type === 'doughnut'
            ? (cfg.data.datasets[0]!.backgroundColor as string[])
            : cfg.data.datasets.map((d) => d.backgroundColor as string);
        expect(new Set(drawn).size).toBe(drawn.length);
        records.length = 0;
        renderChart(s, 240, 160, fonts, DEFAULT_THEME, { format: 'svg', dpi: 300 });
        expect(records.length).toBe(1);
        const { labels, marks } = records[0]!;
        labels.forEach((a, i) => {
          labels.forEach((b, k) => {
            if (k > i) expect(overlap(a.box, b.box), `${type} ${n}: ${a.text} / ${b.text}`).toBe(false);
          });
          if (a.kind !== 'segment' && a.kind !== 'slice')
            for (const m of marks) expect(overlap(a.box, m), `${type} ${n}: ${a.text} on a mark`).toBe(false);
        });
      }
    });

  it('lines keep darker colours, all different, beside the bars of a combo', () => {
    const s = make('combo', 12, false);
    const fills = seriesColors(s, DEFAULT_THEME.chart.colors);
    s.series.forEach((x, i) => {
      if (x.type === 'line') expect(lightness(fills[i]!)).toBeLessThanOrEqual(70);
    });
  });

  it('shows a stacked bar chart’s totals, horizontal too', () => {
    for (const type of ['bar', 'hbar'] as const) {
      records.length = 0;
      const s = make(type, 3, true);
      renderChart(s, 240, 160, fonts, DEFAULT_THEME, { format: 'svg', dpi: 300 });
      expect(records[0]!.labels.filter((l) => l.kind === 'total').length, type).toBe(4);
    }
  });

  it('puts a pie slice’s value in the legend, and draws it in the slice only where it fits', () => {
    const s = make('pie', 9, false);
    const cfg = chartConfig(s, DEFAULT_THEME, { family: 'x', width: 240, height: 160 });
    expect(cfg.data.labels![0]).toMatch(/^第1类项目 \d/u);
  });

  it('wraps category labels the clreq way: never inside a number with its unit or a range', () => {
    expect(wrapLabel('1—2月', 14, 8, roughMeasure)).toBe('1—2月');
    const w = wrapLabel('2020年1—2月累计增速', 40, 8, roughMeasure);
    expect(Array.isArray(w) ? w.join('/') : w).not.toMatch(/1—\/|—\/2|2\/月/u);
  });
});
