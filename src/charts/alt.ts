import { decimalsOf } from '../format/numbers.js';
import { formatChartNumber } from './format.js';
import type { ChartSpec } from './spec.js';
import { unitOf } from './traits.js';

/**
 * A chart's alternative text, for a screen reader (the tagged PDF's Figure /Alt): its number and title, then every
 * value in words, each after its label, in the data's precision and unit, as the chart's labels print them:
 * "图1 前三季度GDP增速对比：衡阳·上半年 1.7%，衡阳·前三季度 3.0%，湖南全省·前三季度 2.6%". Several series are
 * read one after another, each after its name. An `alt` in the figure's data replaces all of it. `figure` is the
 * word before the number: 图, or 圖 in Traditional Chinese.
 */
export function chartAlt(spec: ChartSpec, number: number, figure = '图'): string {
  if (spec.alt) return spec.alt;
  const value = (v: number, d: number, unit: string) =>
    formatChartNumber(v, d, unit) + (unit && unit !== '%' ? unit : '');
  const series = spec.series.map((s) => {
    const d = decimalsOf(s.values);
    const unit = unitOf(spec, s);
    const values = spec.labels.map((label, j) =>
      s.values[j] === undefined ? label : `${label} ${value(s.values[j], d, unit)}`,
    );
    return values.join('，');
  });
  // One series is the title's own values; several are told apart by their names (as the legend does).
  const body =
    spec.series.length === 1
      ? series[0]!
      : spec.series.map((s, i) => (s.name ? `${s.name}：${series[i]}` : series[i])).join('；');
  const title = spec.title.trim();
  return `${figure}${number}${title ? ` ${title}` : ''}：${body}`;
}
