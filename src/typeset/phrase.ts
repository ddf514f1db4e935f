import { classify, noBreakAfter, noBreakBefore, WESTERN_PART, WESTERN_START } from '../cjk/classes.js';
import type { FontSet } from '../fonts/fonts.js';
import type { SetLine } from './model.js';
import {
  prepareText,
  prepareTextOnce,
  punctuationLangOf,
  setLines,
  type PreparedText,
  type SetOptions,
  type StyledText,
} from './text.js';
import { BREAKING_SPACE } from '../cjk/tokens.js';

/**
 * Display text — a head, a caption, a deck, a pull quote — broken where a reader pauses. Body text may break
 * between any two Chinese characters and fills its measure; display text of two to four lines is read phrase by
 * phrase, and a layout desk breaks it after a clause's mark (，、；：。！？ and the closing quotes after it), at a
 * space, before an opening or after a closing bracket or quote, and between Chinese and a Latin word or number
 * only when it must — never inside a word: 措施③：/ 落实“六稳”“六保”, not 措施③：落实“六 / 稳”“六保”;
 * 图1 前三季度 / GDP增速对比, not 图1 前三季度GDP增 / 速对比.
 *
 * The engine's lines are kept when each of their breaks is already such a pause. Otherwise the text is set in
 * the same number of lines, each part on a line of its own, broken at its pauses and, where a phrase is longer
 * than the measure, where the engine broke it: the fewest breaks inside a phrase, then the fewest between Chinese
 * and Latin, then the most even lines (the least sum of squared widths) — and that set replaces the engine's only
 * when it breaks inside fewer phrases or between Chinese and Latin fewer times. Never more lines than the
 * engine's, so nothing below moves.
 */
export function phraseLines(fonts: FontSet, runs: readonly StyledText[], opts: SetOptions): SetLine[] {
  const text = prepareText(fonts, runs, opts.check);
  const whole = setLines(text, opts);
  if (whole.length < 2 || whole.length > MAX_LINES) return whole;
  let kept = phrased.get(text);
  if (!kept) phrased.set(text, (kept = new Map<string, SetLine[]>()));
  const key = `${opts.width}|${opts.align ?? ''}|${opts.indent ?? 0}|${opts.justify ?? false}`;
  if (!kept.has(key)) kept.set(key, rephrase(fonts, runs, opts, whole));
  return kept.get(key)!;
}

/** What phraseLines found for a kept text and measure: the text is kept across builds, and so is this. */
const phrased = new WeakMap<PreparedText, Map<string, SetLine[]>>();

function rephrase(
  fonts: FontSet,
  runs: readonly StyledText[],
  opts: SetOptions,
  whole: SetLine[],
): SetLine[] {
  const text = runs.map((r) => r.text).join('');
  if (text.length > MAX_CHARS || text.includes('\n')) return whole;
  // Right-aligned lines all reach the measure: nothing to balance (and nothing sets display text so).
  if (opts.indent || opts.justify || opts.align === 'right') return whole;
  // A word the engine hyphenated (a soft hyphen's too) or cut where it is longer than the measure: its pieces set
  // apart would lose the hyphen, so such text keeps the engine's lines.
  if (whole.some((l) => l.runs.at(-1)?.text === '-')) return whole;
  const pauses = pausesIn(text);
  // A note's reference mark stays with the text it follows.
  let offset = 0;
  for (const r of runs) {
    if (r.rise !== undefined) pauses.delete(offset);
    offset += r.text.length;
  }
  const breaks = breaksOf(whole, text);
  if (!breaks || breaks.every((b) => pauses.get(b) === 'pause')) return whole;
  if (breaks.some((b) => WESTERN_PART.test(text[b - 1]!) && WESTERN_PART.test(text[b]!))) return whole;
  // The engine's own breaks are cuts too, the last resort: a phrase too long for the measure is broken where the
  // engine broke it, and the rest of the text still at its pauses.
  const tier = (at: number) => (pauses.get(at) === 'pause' ? 0 : pauses.get(at) === 'weak' ? 1 : 2);
  const cuts = [...new Set([...pauses.keys(), ...breaks])].sort((a, b) => a - b);
  if (cuts.length > MAX_CUTS) return whole;

  // Each part from cut i to cut j (0 = the start, cuts.length + 1 = the end) that sets on one line, set apart from
  // the kept texts (trial settings must not crowd out a document's paragraphs) in the whole text's punctuation
  // style; a part stops growing at the first that does not fit.
  const at = [0, ...cuts, text.length];
  const end = at.length - 1;
  const lang = punctuationLangOf(runs);
  const line = new Map<number, SetLine>();
  for (let i = 0; i < end; i++)
    for (let j = i + 1; j <= end; j++) {
      if (!enough(text.slice(at[i], at[j]))) continue;
      const set = setLines(prepareTextOnce(fonts, slice(runs, at[i]!, at[j]!), lang, opts.check), opts);
      if (set.length !== 1) break;
      line.set(i * 1024 + j, set[0]!);
    }
  // best[k][j]: the cheapest way to set the text up to cut j in k lines.
  type Way = { inside: number; weak: number; squares: number; from: number };
  const n = whole.length;
  const best: (Way | undefined)[][] = Array.from({ length: n + 1 }, () => []);
  best[0]![0] = { inside: 0, weak: 0, squares: 0, from: -1 };
  for (let k = 1; k <= n; k++)
    for (let j = 1; j <= end; j++)
      for (let i = 0; i < j; i++) {
        const before = best[k - 1]![i];
        const set = line.get(i * 1024 + j);
        if (!before || !set) continue;
        const t = j < end ? tier(at[j]!) : 0;
        const way = {
          inside: before.inside + (t === 2 ? 1 : 0),
          weak: before.weak + (t === 1 ? 1 : 0),
          squares: before.squares + set.width * set.width,
          from: i,
        };
        if (better(way, best[k]![j])) best[k]![j] = way;
      }
  // Only a set that breaks inside fewer phrases, or between Chinese and Latin fewer times, replaces the engine's.
  const found = best[n]![end];
  const engine = {
    inside: breaks.filter((b) => tier(b) === 2).length,
    weak: breaks.filter((b) => tier(b) === 1).length,
  };
  if (
    !found ||
    !(found.inside < engine.inside || (found.inside === engine.inside && found.weak < engine.weak))
  )
    return whole;
  const lines: SetLine[] = [];
  for (let k = n, j = end; k > 0; k--) {
    const way = best[k]![j]!;
    lines.unshift(line.get(way.from * 1024 + j)!);
    j = way.from;
  }
  return lines;
}

/** A line of display text holds at least two characters besides its marks and spaces. */
function enough(part: string): boolean {
  let n = 0;
  for (const c of part) if (!/\s/.test(c) && !MARKS.has(classify(c))) n++;
  return n >= 2;
}
const MARKS = new Set(['stop', 'open', 'close', 'dash', 'dash2', 'ellipsis', 'middle', 'connector']);

/** Fewer breaks inside a phrase, then fewer between Chinese and Latin, then more even lines. */
function better(
  a: { inside: number; weak: number; squares: number },
  b: { inside: number; weak: number; squares: number } | undefined,
): boolean {
  if (!b) return true;
  if (a.inside !== b.inside) return a.inside < b.inside;
  if (a.weak !== b.weak) return a.weak < b.weak;
  return a.squares < b.squares - 1e-6;
}

/** Display text longer than this is set as the engine sets it (a paragraph, not a line of display). */
const MAX_CHARS = 120;
const MAX_LINES = 4;
const MAX_CUTS = 24;

/**
 * Where the text may break as a reader pauses: 'pause' after a clause's mark (with its closing quotes), after a
 * space, before an opening or after a closing bracket or quote; 'weak' between Chinese and a Latin word or
 * number. Keys are offsets in the text (a break before that character); never where the line rules forbid it.
 */
function pausesIn(text: string): Map<number, 'pause' | 'weak'> {
  const out = new Map<number, 'pause' | 'weak'>();
  const cls = (i: number) => classify(text[i]!);
  const letter = (c: string | undefined) =>
    c !== undefined && /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u.test(c);
  for (let i = 1; i < text.length; i++) {
    const next = String.fromCodePoint(text.codePointAt(i)!);
    // Not inside a character of two UTF-16 units, nor before a space or a mark that may not start a line.
    if (/[\udc00-\udfff]/.test(text[i]!) || /\s/.test(next) || noBreakBefore(cls(i))) continue;
    // The character before, and before the spaces there (a break after spaces is a break after what they follow).
    let p = i - 1;
    const spaces = BREAKING_SPACE.test(text[p]!);
    while (p > 0 && BREAKING_SPACE.test(text[p]!)) p--;
    if (/\s/.test(text[i - 1]!) && !spaces) continue; // a no-break space, or the ideographic space: no pause
    if (noBreakAfter(cls(p))) continue;
    const prev = /[\udc00-\udfff]/.test(text[p]!) && p > 0 ? text.slice(p - 1, p + 1) : text[p]!;
    let q = p;
    while (q > 0 && cls(q) === 'close') q--;
    // A quote between two letters is an apostrophe (China’s), part of the word.
    const apostrophe = (k: number) => letter(text[k - 1]) && letter(text[k + 1]);
    if (spaces || cls(q) === 'stop') out.set(i, 'pause');
    else if ((cls(i) === 'open' && !apostrophe(i)) || (cls(i - 1) === 'close' && !apostrophe(i - 1)))
      out.set(i, 'pause');
    // Between Chinese and a Latin word, either way; before a number, but not after one: a number keeps the
    // measure word or unit it counts (2025年, 3.5万元, 12个).
    else if (
      (WESTERN_START.test(next) && /\p{Script=Han}/u.test(prev)) ||
      (letter(prev) && /\p{Script=Han}/u.test(next))
    )
      out.set(i, 'weak');
  }
  return out;
}

/** The offsets in the text where the engine's lines break, or undefined when their text is not the text's. */
function breaksOf(lines: readonly SetLine[], text: string): number[] | undefined {
  const out: number[] = [];
  let at = 0;
  for (const line of lines.slice(0, -1)) {
    const t = line.actual ?? line.runs.map((r) => r.text).join('');
    if (text.slice(at, at + t.length) !== t) return undefined;
    at += t.length;
    out.push(at);
  }
  return out;
}

/** The runs' text from `from` to `to` (offsets in the runs' text joined), each part in its run's style. */
function slice(runs: readonly StyledText[], from: number, to: number): StyledText[] {
  const out: StyledText[] = [];
  let at = 0;
  for (const r of runs) {
    const [s, e] = [Math.max(from, at), Math.min(to, at + r.text.length)];
    if (s < e)
      out.push(s === at && e === at + r.text.length ? r : { ...r, text: r.text.slice(s - at, e - at) });
    at += r.text.length;
  }
  return out;
}
