import type { ChartConfiguration, ChartDataset, ChartOptions, LegendItem } from 'chart.js';
import { resolveColor, type Theme } from '../theme/theme.js';
import { plotWidth, scalesOf } from './axes.js';
import { hbarLabelRoom, roughMeasure, valueLabelOptions, wrapLabel, type Measure } from './labels.js';
import { lineStyleOf, seriesColors, shapeOptions } from './palette.js';
import { printShapes, valueLabels, type ShapeOptions } from './plugins.js';
import type { ChartSpec } from './spec.js';
import { traitsOf, type ChartTraits } from './traits.js';

/** What the chart is drawn with, besides the spec and theme. */
export interface ConfigOptions {
  /** The canvas font family the chart font is registered under. */
  family: string;
  width: number;
  height: number;
  measure?: Measure;
}

/** The Chart.js types a print chart is drawn as: bars and lines (mixed in a combo), pies and doughnuts. */
export type PrintChartType = 'bar' | 'line' | 'pie' | 'doughnut';

/** A chart's Chart.js configuration, with its options always present. */
export type PrintChartConfig = ChartConfiguration<PrintChartType, number[], string | string[]> & {
  options: ChartOptions<PrintChartType>;
};

const BAR_PERCENTAGE = 0.88;
const CATEGORY_PERCENTAGE = 0.72;

/** One dataset per series: bars, lines (each with its dash and marker) or the slices of a pie. */
function datasetsOf(
  spec: ChartSpec,
  t: ChartTraits,
  colors: readonly string[],
): ChartDataset<PrintChartType, number[]>[] {
  return spec.series.map((s, i) => {
    const color = colors[i]!;
    // No clipping to the chart area (the data stays inside it): a clip path reaches the PDF as a soft mask,
    // which is transparency that print workflows (PDF/X-1a) refuse.
    const base = { label: s.name, data: s.values, clip: false as const };
    if (t.round)
      return {
        ...base,
        backgroundColor: [...colors],
        borderColor: '#ffffff',
        borderWidth: 1,
      };
    // With a right axis, the legend says which axis a series reads against.
    const named = {
      ...base,
      label: t.right ? `${s.name}（${s.axis === 'right' ? '右轴' : '左轴'}）` : s.name,
    };
    const axis = t.horizontal ? {} : { yAxisID: s.axis === 'right' ? 'y1' : 'y' };
    if (s.type === 'line') {
      const area = spec.type === 'area';
      const style = lineStyleOf(spec, i);
      return {
        ...named,
        type: 'line' as const,
        ...axis,
        borderColor: color,
        backgroundColor: color,
        borderWidth: area && t.stacked ? 0.75 : 1.5,
        borderDash: area && t.stacked ? [] : style.dash,
        pointRadius: area && t.stacked ? 0 : 2.5,
        pointBorderWidth: 0,
        pointStyle: style.point,
        // Areas are filled by the briefingShapes plugin, without the filler's clip paths.
        fill: false,
        tension: 0,
        order: 0,
        // In a combo on a stacked axis, lines do not stack on the bars.
        ...(spec.type === 'combo' ? { stack: `line${i}` } : {}),
      };
    }
    return {
      ...named,
      type: 'bar' as const,
      ...axis,
      backgroundColor: color,
      // Outlines of pale bars are drawn by the briefingShapes plugin (Chart.js clips to draw borders).
      borderColor: color,
      borderWidth: 0,
      maxBarThickness: 28,
      categoryPercentage: CATEGORY_PERCENTAGE,
      barPercentage: BAR_PERCENTAGE,
      pointStyle: 'rect' as const,
      order: 1,
      ...(spec.type === 'combo' ? { stack: 'bars' } : {}),
    };
  });
}

/** The legend's keys, in the order of the data: a bar's key is a box, a line's a stroke with its dash. */
function legendItems(
  spec: ChartSpec,
  t: ChartTraits,
  names: readonly string[],
  colors: readonly string[],
  shapes: ShapeOptions,
  text: string,
): LegendItem[] {
  return names.map((label, i) => {
    const asLine = spec.series[i]!.type === 'line' && !(spec.type === 'area' && t.stacked);
    const fill = shapes.areas[i] ?? colors[i]!;
    const outline = shapes.outlines[i];
    return {
      text: label,
      datasetIndex: i,
      fontColor: text,
      pointStyle: asLine ? 'line' : 'rect',
      fillStyle: fill,
      strokeStyle: asLine ? colors[i]! : (outline ?? fill),
      lineWidth: asLine ? 1.5 : outline ? 0.5 : 0,
      lineDash: asLine ? lineStyleOf(spec, i).dash : [],
    };
  });
}

/** Builds the Chart.js configuration for a spec in the theme's print style. Deterministic: no clock, no random. */
export function chartConfig(spec: ChartSpec, theme: Theme, opts: ConfigOptions): PrintChartConfig {
  const measure = opts.measure ?? roughMeasure;
  const palette = theme.chart.colors.map((c) => resolveColor(theme, c));
  const text = resolveColor(theme, 'text');
  const grid = resolveColor(theme, theme.chart.grid);
  const size = theme.chart.size;
  const font = { family: opts.family, size };
  const t = traitsOf(spec);
  const { round, horizontal } = t;
  const colors = seriesColors(spec, palette);
  const datasets = datasetsOf(spec, t, colors);
  const shapes = shapeOptions(spec, t, colors, text);
  const labels = valueLabelOptions(spec, t, colors, {
    font: `bold ${size}px "${opts.family}"`,
    size,
    color: text,
  });
  const chartWidth = plotWidth(spec, t, opts.width, size, measure);
  const wrapped = spec.labels.map((l) =>
    wrapLabel(l, horizontal ? opts.width * 0.36 : (chartWidth / spec.labels.length) * 0.96, size, measure),
  );
  const mainType: PrintChartType =
    spec.type === 'pie' || spec.type === 'doughnut'
      ? spec.type
      : spec.type === 'line' || spec.type === 'area'
        ? 'line'
        : 'bar';
  return {
    type: mainType,
    // A pie's legend names each slice with its value: a slice too small for its label still shows it there.
    data: {
      labels: round
        ? spec.labels.map((l, j) => (labels.mode === false ? l : `${l} ${labels.texts[0]?.[j] ?? ''}`.trim()))
        : wrapped,
      datasets,
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      color: text,
      font,
      borderColor: text,
      layout: {
        padding: { top: 6, right: horizontal ? hbarLabelRoom(labels, t, measure) : 4, bottom: 0, left: 2 },
      },
      ...(spec.type === 'doughnut' ? { cutout: '52%' } : {}),
      plugins: {
        legend: {
          display: round || spec.series.length > 1,
          position: round ? 'right' : 'bottom',
          align: 'center',
          labels: {
            color: text,
            font,
            boxWidth: size,
            boxHeight: size * 0.8,
            padding: 8,
            ...(round
              ? {}
              : {
                  usePointStyle: true,
                  pointStyleWidth: size * 1.8,
                  generateLabels: () =>
                    legendItems(
                      spec,
                      t,
                      datasets.map((d) => d.label ?? ''),
                      colors,
                      shapes,
                      text,
                    ),
                }),
          },
        },
        title: { display: false },
        tooltip: { enabled: false },
        filler: { propagate: false },
        briefingShapes: shapes,
        briefingLabels: labels,
      },
      elements: { line: { borderCapStyle: 'butt', borderJoinStyle: 'miter' } },
      scales: scalesOf(spec, t, { text, grid, font }),
    },
    plugins: [printShapes, valueLabels],
  };
}
