import { lightness, needsOutline, tint } from '../theme/color.js';
import type { ShapeOptions } from './plugins.js';
import type { ChartSpec } from './spec.js';
import type { ChartTraits } from './traits.js';

/** Dash patterns of the lines of a chart in turn: solid, dashed, dotted, dash-dot (apart in black and white). */
const DASHES = [[], [4, 2], [1.2, 1.6], [6, 2, 1.2, 2]];
/** Point markers of the lines in turn: circle, square, triangle, diamond. */
const POINTS = ['circle', 'rect', 'triangle', 'rectRot'] as const;

/** How the `n`th line series of a chart is told apart from the others besides its colour. */
export interface LineStyle {
  dash: number[];
  point: (typeof POINTS)[number];
}

/** The dash and marker of series `i`, counted among the chart's line series. */
export function lineStyleOf(spec: ChartSpec, i: number): LineStyle {
  const n = spec.series.slice(0, i).filter((x) => x.type === 'line').length;
  return { dash: DASHES[n % DASHES.length]!, point: POINTS[n % POINTS.length]! };
}

/** The colours of each series (or, for pies, each slice): bars take the palette in order, lines the darker ones. */
export function seriesColors(spec: ChartSpec, palette: readonly string[]): string[] {
  const linePalette = palette.filter((c) => lightness(c) <= 70);
  const lines = linePalette.length ? linePalette : palette;
  if (spec.type === 'pie' || spec.type === 'doughnut')
    return spec.labels.map((_, j) => palette[j % palette.length]!);
  const used = new Set<string>();
  let bars = 0;
  const out = spec.series.map((s) => {
    if (s.type === 'line') return '';
    const c = palette[bars++ % palette.length]!;
    used.add(c);
    return c;
  });
  const free = lines.filter((c) => !used.has(c));
  const pool = free.length ? free : lines;
  let n = 0;
  return spec.series.map((s, i) => (s.type === 'line' ? pool[n++ % pool.length]! : out[i]!));
}

/**
 * Area fills and bar outlines, per series: side-by-side areas in a light tint of their colour (so the lines
 * over them read), stacked areas in the colour itself; pale bars outlined in a grey of the text colour.
 */
export function shapeOptions(
  spec: ChartSpec,
  t: ChartTraits,
  colors: readonly string[],
  text: string,
): ShapeOptions {
  const outlineColor = tint(text, 0.55);
  return {
    areas: spec.series.map((s, i) =>
      spec.type === 'area' && s.type === 'line' ? (t.stacked ? colors[i]! : tint(colors[i]!, 0.22)) : null,
    ),
    stacked: t.stacked,
    outlines: spec.series.map((s, i) =>
      !t.round && s.type === 'bar' && needsOutline(colors[i]!) ? outlineColor : null,
    ),
  };
}
