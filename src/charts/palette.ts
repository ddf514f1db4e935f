import { lightness, needsOutline, parseHex, shade, tint } from '../theme/color.js';
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

/** How far apart two colours look: their lightness difference (greyscale) first, then their RGB distance. */
function distance(a: string, b: string): number {
  const x = parseHex(a) ?? [0, 0, 0];
  const y = parseHex(b) ?? [0, 0, 0];
  const rgb = Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]) / 4.4; // 0–100, like L*
  return Math.abs(lightness(a) - lightness(b)) + 0.35 * rgb;
}

/**
 * `n` different colours: the palette in order, then (for more series or slices than it has) tints and shades of
 * its colours, each new one the candidate farthest from every colour already taken (in greyscale first), so no
 * two series or slices of a chart share a colour. `keep` filters the candidates (lines take darker ones).
 */
export function distinctColors(
  palette: readonly string[],
  n: number,
  keep: (c: string) => boolean = () => true,
  exclude: readonly string[] = [],
): string[] {
  const taken = new Set(exclude.map((c) => c.toLowerCase()));
  const out = palette.filter((c) => keep(c) && !taken.has(c.toLowerCase())).slice(0, n);
  if (out.length >= n) return out;
  const seen = new Set([...taken, ...out.map((c) => c.toLowerCase())]);
  const candidates: string[] = [];
  for (const share of [0.55, 0.3, 0.75, 0.15])
    for (const c of palette)
      for (const x of [tint(c, share), shade(c, share + 0.2)]) {
        const k = x.toLowerCase();
        if (!seen.has(k) && keep(x) && lightness(x) < 93) {
          seen.add(k);
          candidates.push(x);
        }
      }
  while (out.length < n && candidates.length) {
    let best = 0;
    let bestD = -1;
    candidates.forEach((c, k) => {
      const d = Math.min(...[...out, ...exclude].map((o) => distance(c, o)));
      if (d > bestD) [best, bestD] = [k, d];
    });
    out.push(candidates.splice(best, 1)[0]!);
  }
  // A palette of one or two colours has too few tints for twelve series: grey steps make up the rest.
  for (let g = 0; out.length < n; g++) out.push(shade('#ffffff', 0.12 + ((g * 0.37) % 0.8)));
  return out;
}

/**
 * The colours of each series (or, for pies, each slice), every one different: bars take the palette in order,
 * lines the darker colours the bars do not use; past the palette, tints and shades of it (distinctColors).
 */
export function seriesColors(spec: ChartSpec, palette: readonly string[]): string[] {
  if (spec.type === 'pie' || spec.type === 'doughnut') return distinctColors(palette, spec.labels.length);
  const barCount = spec.series.filter((s) => s.type !== 'line').length;
  const lineCount = spec.series.length - barCount;
  const bars = distinctColors(palette, barCount);
  const dark = (c: string) => lightness(c) <= 70;
  const lines = distinctColors(palette, lineCount, dark, bars);
  let b = 0;
  let l = 0;
  return spec.series.map((s) => (s.type === 'line' ? lines[l++]! : bars[b++]!));
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
