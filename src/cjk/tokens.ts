import { classify, WESTERN_END, WESTERN_PART, WESTERN_START, type CharClass } from './classes.js';

/** A run of text in one style (the style is an opaque index the caller maps to a font and size). */
export interface StyledRun {
  text: string;
  style: number;
}

/** One unit of Chinese line layout: a Han character or mark, a Western word or number, `——` or `……`. */
export interface Token {
  text: string;
  cls: CharClass;
  style: number;
  /** True when no line break may follow this token (a Western word split by a style change, say). */
  joinNext: boolean;
  /** A piece of a Western word too wide for the line, cut after the previous piece (a break may go there). */
  cut?: boolean;
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });
const COMPLEX =
  /\p{M}|\u200c|\u200d|[\ufe00-\ufe0f]|[\u1100-\u11ff]|[\u{1f1e6}-\u{1f1ff}]|[\u{1f3fb}-\u{1f3ff}]|[\u{e0020}-\u{e007f}]|\r/u;

/**
 * The grapheme clusters of a text (never a surrogate pair or a base and its marks apart). Text without combining
 * marks, joiners, variation selectors or Hangul jamo is one cluster per code point, which is much cheaper to
 * split than asking Intl.Segmenter (tens of microseconds a cluster).
 */
export function graphemes(text: string): string[] {
  return COMPLEX.test(text) ? Array.from(segmenter.segment(text), (s) => s.segment) : Array.from(text);
}

/**
 * Splits styled runs into tokens, by grapheme (never inside a surrogate pair such as 𠮷 U+20BB7):
 * each Han character or mark alone, each Western word or number whole, `——` and `……` whole.
 */
export function tokenize(runs: readonly StyledRun[]): Token[] {
  const tokens: Token[] = [];
  for (const run of runs) {
    const gs = graphemes(run.text);
    let i = 0;
    while (i < gs.length) {
      const g = gs[i]!;
      // A sign or currency symbol before a number belongs to it: +1.3, -5%, ¥20, $3.5.
      const signed = /^[+\-±$€£¥#@]$/u.test(g) && i + 1 < gs.length && /\p{Nd}/u.test(gs[i + 1]!);
      if (WESTERN_START.test(g) || signed) {
        // A Western word or number: letters, digits and the punctuation that lives inside them.
        let j = i + 1;
        while (j < gs.length && WESTERN_PART.test(gs[j]!)) j++;
        while (j > i + 1 && !WESTERN_END.test(gs[j - 1]!)) j--;
        tokens.push({ text: gs.slice(i, j).join(''), cls: 'latin', style: run.style, joinNext: false });
        i = j;
        continue;
      }
      if ((g === '—' || g === '…') && gs[i + 1] === g) {
        tokens.push({
          text: g + g,
          cls: g === '—' ? 'dash2' : 'ellipsis',
          style: run.style,
          joinNext: false,
        });
        i += 2;
        continue;
      }
      if (/^\s$/u.test(g) && g !== '\u3000') {
        // Runs of spaces become one token each; they stay in the text, so copy and paste keep them.
        let j = i + 1;
        while (j < gs.length && /^\s$/u.test(gs[j]!) && gs[j] !== '\u3000') j++;
        tokens.push({ text: gs.slice(i, j).join(''), cls: 'space', style: run.style, joinNext: false });
        i = j;
        continue;
      }
      tokens.push({ text: g, cls: classify(g), style: run.style, joinNext: false });
      i++;
    }
    // A Western word that continues into the next run (a style change mid-word) must not break there.
    const last = tokens.at(-1);
    if (last && last.cls === 'latin') last.joinNext = true;
  }
  const last = tokens.at(-1);
  if (last) last.joinNext = false;
  // joinNext only matters when the next token is Western too.
  for (let k = 0; k + 1 < tokens.length; k++)
    if (tokens[k]!.joinNext && tokens[k + 1]!.cls !== 'latin') tokens[k]!.joinNext = false;
  return tokens;
}
