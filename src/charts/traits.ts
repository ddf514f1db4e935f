import type { ChartSpec, SeriesSpec } from './spec.js';

/** What a spec implies for drawing, worked out once for the axes, datasets, labels and legend. */
export interface ChartTraits {
  /** A pie or a doughnut: slices, no axes. */
  round: boolean;
  horizontal: boolean;
  /** More than one series, stacked. */
  stacked: boolean;
  /** More than one bar series, stacked: a combo stacks its bars only, each line stays on its own. */
  stackedBars: boolean;
  /** A combo with a second value axis at the right. */
  right: boolean;
  leftSeries: SeriesSpec[];
  rightSeries: SeriesSpec[];
  /** The unit of the left (or only) value axis and of the right one. */
  leftUnit: string;
  rightUnit: string;
}

/** A series' unit: its own, or the figure's. */
export function unitOf(spec: ChartSpec, s: SeriesSpec): string {
  return s.unit || spec.unit;
}

/** The traits of a checked spec (which has at least one series). */
export function traitsOf(spec: ChartSpec): ChartTraits {
  const stacked = spec.stacked && spec.series.length > 1;
  const leftSeries = spec.series.filter((s) => s.axis === 'left');
  return {
    round: spec.type === 'pie' || spec.type === 'doughnut',
    horizontal: spec.type === 'hbar',
    stacked,
    stackedBars: stacked && spec.series.filter((s) => s.type === 'bar').length > 1,
    right: spec.type === 'combo' && spec.series.some((s) => s.axis === 'right'),
    leftSeries,
    rightSeries: spec.series.filter((s) => s.axis === 'right'),
    leftUnit: unitOf(spec, leftSeries[0] ?? spec.series[0]!),
    rightUnit: unitOf(spec, spec.series.find((s) => s.axis === 'right') ?? spec.series[0]!),
  };
}
