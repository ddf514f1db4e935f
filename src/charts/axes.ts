import { axisFormatter } from './format.js';
import type { Measure } from './labels.js';
import type { ChartSpec, SeriesSpec } from './spec.js';
import type { ChartTraits } from './traits.js';

/** The colours and font the axes are drawn in. */
export interface AxisStyle {
  text: string;
  grid: string;
  font: { family: string; size: number };
}

/** The largest value an axis must reach: the largest magnitude, or when stacked the largest stack either side of zero. */
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

/** A tick callback that writes every tick of the axis on one scale (see axisFormatter). */
function tickFormat(maxAbs: number, unit: string) {
  const f = axisFormatter(maxAbs, unit);
  return (v: number | string, _i: number, ticks: { value: number }[]) =>
    typeof v === 'number'
      ? f(
          v,
          ticks.map((t) => t.value),
        )
      : v;
}

/** A value axis: thin gridlines with a stronger zero line, no border or tick marks, room above the data. */
function valueAxis(
  spec: ChartSpec,
  t: ChartTraits,
  style: AxisStyle,
  series: readonly SeriesSpec[],
  unit: string,
  position?: 'left' | 'right',
) {
  const { text, grid, font } = style;
  const zeroLine = {
    color: (c: { tick?: { value: number } }) => (c.tick?.value === 0 ? text : grid),
    lineWidth: (c: { tick?: { value: number } }) => (c.tick?.value === 0 ? 0.75 : 0.4),
  };
  const onlyLines = series.every((s) => s.type === 'line') && spec.type === 'line';
  return {
    ...(position ? { position } : {}),
    stacked: t.stacked && (spec.type !== 'combo' || series.some((s) => s.type === 'bar')),
    beginAtZero: !onlyLines,
    grid:
      position === 'right' ? { drawOnChartArea: false, drawTicks: false } : { ...zeroLine, drawTicks: false },
    border: { display: false },
    ticks: {
      color: text,
      font,
      padding: 4,
      maxTicksLimit: 6,
      callback: tickFormat(extent(series, t.stacked), unit),
    },
    grace: '14%',
  };
}

/** The scales of a chart: none for a pie; a category axis and one or two value axes otherwise. */
export function scalesOf(spec: ChartSpec, t: ChartTraits, style: AxisStyle) {
  const { text, font } = style;
  const categoryAxis = {
    stacked: t.stackedBars || (t.stacked && spec.type !== 'combo'),
    grid: { display: false },
    border: { color: text, width: 0.75 },
    ticks: { color: text, font, autoSkip: false, maxRotation: 0, padding: 3 },
  };
  if (t.round) return {};
  if (t.horizontal) return { x: valueAxis(spec, t, style, spec.series, spec.unit), y: categoryAxis };
  return {
    x: categoryAxis,
    y: valueAxis(spec, t, style, t.right ? t.leftSeries : spec.series, t.leftUnit, 'left'),
    ...(t.right ? { y1: valueAxis(spec, t, style, t.rightSeries, t.rightUnit, 'right') } : {}),
  };
}

/**
 * The plot's width: the chart less its value axes' tick labels (the widest tick is about the largest value
 * with the axis' grace added), for wrapping category labels before Chart.js lays the chart out.
 */
export function plotWidth(
  spec: ChartSpec,
  t: ChartTraits,
  width: number,
  size: number,
  measure: Measure,
): number {
  const tickRoom = (series: readonly SeriesSpec[], unit: string) =>
    measure(
      axisFormatter(extent(series, t.stacked), unit)(extent(series, t.stacked) * 1.14 || 1),
      size,
      false,
    ) + 8;
  return Math.max(
    60,
    width -
      6 -
      tickRoom(t.right ? t.leftSeries : spec.series, t.leftUnit) -
      (t.right ? tickRoom(t.rightSeries, t.rightUnit) : 0),
  );
}
