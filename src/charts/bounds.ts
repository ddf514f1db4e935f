import type { FigureReport } from './report.js';
import type { ChartType, SeriesSpec } from './spec.js';

/**
 * What a chart can draw: values whose sums stay exact and finite (Chart.js loops for ever on a pie of 5e307),
 * labels that fit beside each other, and no more marks than a page can show apart.
 */
export const MAX_CHART_VALUE = 1e15;
export const MAX_LABEL_CHARS = 40;
export const MAX_LABELS = 500;
export const MAX_SERIES = 24;

/** Checks of the figure as a whole: a pie of zeros, a combo without bars or lines, too many slices. */
export function checkWhole(
  r: FigureReport,
  pointer: string,
  f: { chartType: ChartType | undefined; round: boolean; labels: readonly string[] },
  series: SeriesSpec[],
): void {
  const { chartType, round, labels } = f;
  if (round && series.length && series.every((s) => s.values.length && s.values.every((v) => v === 0)))
    r.problem('chart:empty', `every value of this ${chartType} chart is zero`, `${pointer}/series`);
  if (chartType === 'combo' && series.length) {
    const lines = series.filter((s) => s.type === 'line').length;
    if (lines === 0 || lines === series.length)
      r.problem(
        'chart:combo',
        lines === 0 ? 'a combo chart needs a line series' : 'a combo chart needs a bar series',
        `${pointer}/series`,
        'give each series type: bar or type: line (and axis: right for a second value axis)',
      );
  }
  if (labels.length > MAX_LABELS || series.length > MAX_SERIES)
    r.problem(
      'chart:crowded',
      labels.length > MAX_LABELS
        ? `${labels.length} labels cannot be drawn legibly in one chart (at most ${MAX_LABELS})`
        : `${series.length} series cannot be drawn legibly in one chart (at most ${MAX_SERIES})`,
      `${pointer}/${labels.length > MAX_LABELS ? 'labels' : 'series'}`,
      'summarise the data (by month, by group) or split it into several figures',
    );
  else if (round && labels.length > 8)
    r.notice(
      'chart:crowded',
      `${labels.length} slices are hard to tell apart in print`,
      `${pointer}/labels`,
      'keep pies to six slices or fewer; group the rest as 其他, or use bars',
    );
}
