import { noBreakAfter, noBreakBefore } from '../cjk/classes.js';
import { tokenize } from '../cjk/tokens.js';
import { decimalsOf } from '../format/numbers.js';
import { formatChartNumber } from './format.js';
import type { LabelKind, LabelOptions } from './label-placement.js';
import type { ChartSpec } from './spec.js';
import { unitOf, type ChartTraits } from './traits.js';

/** Width of a text in points at a size; bold or not. */
export type Measure = (text: string, size: number, bold: boolean) => number;

/** A rough measure for when no font is at hand: CJK one em, Latin and digits a little over half. */
export const roughMeasure: Measure = (text, size) =>
  [...text].reduce((w, ch) => w + (/[\u2e80-\uffff]/.test(ch) ? 1 : 0.56), 0) * size;

/** Separators after which a label reads best split in two: · ・ 、 / or a space. */
const SEPARATOR = /^(?:[·・、/]|\s+)$/u;

/**
 * Breaks a category label into lines no wider than `max`, by the line engine's rules (src/cjk): between
 * characters of Chinese text and at spaces, never inside a number or a Western word, never with closing
 * punctuation or a stop at a line start nor an opening bracket or quote at a line end (clreq).
 */
export function wrapLabel(label: string, max: number, size: number, measure: Measure): string | string[] {
  const width = (t: string) => measure(t.trim(), size, false);
  if (width(label) <= max) return label;
  const tokens = tokenize([{ text: label, style: 0 }]);
  // The line engine's breaks (clreq: no break before a closing mark, stop or Western closing mark, none after an
  // opening one), and in a label never between a number and its unit or inside a range: 1—2月, 3.5万, 10%.
  const digitEnd = (k: number) => /\p{Nd}[%‰]?$/u.test(tokens[k]!.text);
  const breakable = (k: number) =>
    k > 0 &&
    tokens[k]!.breakBefore !== false &&
    !noBreakBefore(tokens[k]!.cls) &&
    !noBreakAfter(tokens[k - 1]!.cls) &&
    !(digitEnd(k - 1) && tokens[k]!.cls === 'han') &&
    !(tokens[k - 1]!.cls === 'dash' && /^\p{Nd}/u.test(tokens[k]!.text)) &&
    !(tokens[k]!.cls === 'dash' && k > 0 && digitEnd(k - 1));
  // Two lines split after a separator read best, when both halves fit.
  let best: [string, string] | undefined;
  let at = 0;
  tokens.forEach((tok, k) => {
    if (k > 0 && SEPARATOR.test(tokens[k - 1]!.text) && breakable(k)) {
      const [a, b] = [label.slice(0, at).trim(), label.slice(at).trim()];
      if (a && b && width(a) <= max && width(b) <= max)
        if (!best || Math.max(width(a), width(b)) < Math.max(width(best[0]), width(best[1]))) best = [a, b];
    }
    at += tok.text.length;
  });
  if (best) return best;
  const lines: string[] = [];
  let line = '';
  tokens.forEach(({ text: t }, k) => {
    const next = line + t;
    if (line && width(next) > max && breakable(k)) {
      lines.push(line.trim());
      line = t.trimStart();
    } else line = next;
  });
  if (line.trim()) lines.push(line.trim());
  return lines.length > 1 ? lines : label;
}

/** Which value label each series gets: `auto` labels a single line's points only on a short axis. */
function labelKinds(spec: ChartSpec, t: ChartTraits): LabelKind[] {
  const mode = spec.dataLabels;
  return spec.series.map((s) => {
    if (mode === false) return 'none';
    if (t.round) return 'slice';
    if (s.type === 'bar') return t.stackedBars ? 'segment' : t.horizontal ? 'hbar' : 'bar';
    const lineCount = spec.series.filter((x) => x.type === 'line').length;
    const show =
      mode === true || (lineCount === 1 && spec.labels.length <= 12 && !(t.stacked && spec.type === 'area'));
    return show ? 'point' : 'none';
  });
}

/**
 * Totals of stacked bars, one per label, set beyond the end of each stack; none unless every part is positive
 * (a total beside a stack that reaches below zero misleads).
 */
function stackTotals(spec: ChartSpec, t: ChartTraits): string[] {
  const parts = spec.series.filter((s) => s.type === 'bar');
  if (!(t.stackedBars && spec.dataLabels !== false && parts.every((s) => s.values.every((v) => v >= 0))))
    return [];
  return spec.labels.map((_, j) =>
    formatChartNumber(
      parts.reduce((sum, s) => sum + s.values[j]!, 0),
      Math.max(...parts.map((s) => decimalsOf(s.values))),
      unitOf(spec, parts[0]!),
    ),
  );
}

/** What the value-label plugin draws, worked out from the spec: kinds, texts (at the data's precision), fills. */
export function valueLabelOptions(
  spec: ChartSpec,
  t: ChartTraits,
  colors: readonly string[],
  style: { font: string; size: number; color: string },
): LabelOptions {
  const texts = spec.series.map((s) => {
    const d = decimalsOf(s.values);
    return s.values.map((v) => formatChartNumber(v, d, unitOf(spec, s)));
  });
  return {
    mode: spec.dataLabels,
    kinds: labelKinds(spec, t),
    texts,
    fills: spec.series.map((_, i) => (t.round ? colors : spec.labels.map(() => colors[i]!))),
    totals: stackTotals(spec, t),
    ...style,
  };
}

/** Room at the right of horizontal bars for their value labels (or totals): the widest one and a gap. */
export function hbarLabelRoom(o: LabelOptions, t: ChartTraits, measure: Measure): number {
  if (o.mode === false) return 6;
  return Math.max(0, ...(t.stacked ? o.totals : o.texts.flat()).map((s) => measure(s, o.size, true))) + 8;
}
