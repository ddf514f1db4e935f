import { classify, noBreakAfter, noBreakBefore, type CharClass } from './classes.js';
import { urlRanges, westernBreaks } from './western.js';

/** A run of text in one style (the style is an opaque index the caller maps to a font and size). */
export interface StyledRun {
  text: string;
  style: number;
  /** Language of the run (BCP 47): picks the hyphenation patterns of its Latin words (English if none). */
  lang?: string;
  /**
   * A note's reference mark (①): one token that never begins a line (it stays with the text it follows) and
   * takes no Han–Latin space at its sides, set as a closing mark of Western text is.
   */
  mark?: boolean;
}

/** One unit of line layout: a Han character or mark, a piece of Western text between break opportunities. */
export interface Token {
  /** The text drawn. */
  text: string;
  cls: CharClass;
  style: number;
  /** True when no line break may follow this token (a Western word split by a style change, say). */
  joinNext: boolean;
  /** A piece of a Western word too wide for the line, cut after the previous piece (a break may go there). */
  cut?: boolean;
  /** What copy and paste give back, where it differs from `text` (invisible format characters, U+202F). */
  source?: string;
  /** Whether a line may begin at this token (tokenize decides; tokens made otherwise go by their classes). */
  breakBefore?: boolean;
  /** What a line break before this token costs (a hyphenation, a break inside a URL). */
  penalty?: number;
  /** A line that ends after this token ends with a drawn hyphen (a hyphenation point of a word). */
  hyphen?: boolean;
  /** A piece of a URL or an e-mail address (never letter-spaced, never hyphenated). */
  url?: boolean;
}

// Made on first need: making one costs ~9 ms of a cold build, and most text never needs it.
let segmenter: Intl.Segmenter | undefined;
const COMPLEX =
  /\p{M}|\u200c|\u200d|[\ufe00-\ufe0f]|[\u1100-\u11ff]|[\u{1f1e6}-\u{1f1ff}]|[\u{1f3fb}-\u{1f3ff}]|[\u{e0020}-\u{e007f}]|\r/u;

/**
 * The grapheme clusters of a text (never a surrogate pair or a base and its marks apart). Text without combining
 * marks, joiners, variation selectors or Hangul jamo is one cluster per code point, which is much cheaper to
 * split than asking Intl.Segmenter (tens of microseconds a cluster).
 */
export function graphemes(text: string): string[] {
  return COMPLEX.test(text)
    ? Array.from(
        (segmenter ??= new Intl.Segmenter('zh', { granularity: 'grapheme' })).segment(text),
        (s) => s.segment,
      )
    : Array.from(text);
}

/** Marks and symbols set by the Chinese rules (clreq), whatever text they stand in. */
const CJK_MARKS = new Set([...'“‘（《〈「『【〖〔［｛”’）》〉」』】〗〕］｝。．，、：；！？·・‧～〜／—…　']);
const CJK_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;
const LATIN_LETTER = /[\p{L}\p{Nd}]/u;

/**
 * Whether a grapheme is set by the Chinese rules (a Han character, kana, a CJK mark, a full-width form) rather
 * than as Western text (letters, digits and the punctuation, spaces and symbols of other scripts), which breaks
 * by UAX #14. `’` between two letters is an apostrophe (it's), Western.
 */
function isCjk(g: string, prev: string | undefined, next: string | undefined): boolean {
  if ((g === '’' || g === '‘') && prev && next && LATIN_LETTER.test(prev) && LATIN_LETTER.test(next))
    return false;
  if (CJK_MARKS.has(g)) return true;
  const cp = g.codePointAt(0)!;
  if (CJK_SCRIPT.test(g)) return true;
  return (
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xffef) ||
    cp >= 0x20000
  );
}

/** Spaces a line may break at (not the no-break spaces U+00A0, U+2007, U+202F, nor the ideographic space). */
export const BREAKING_SPACE = /^[\t\n\v\f\r \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f]+$/u;
/** Characters that are never drawn (they only say where a line may or may not break); U+202F is drawn as U+00A0. */
const INVISIBLE = /[\u00ad\u200b\u2060\ufeff]/gu;

/** The class a Western piece of text shows at one of its edges to the Chinese rules next to it. */
function edgeClass(text: string, side: 'start' | 'end'): CharClass {
  const g = side === 'start' ? text[0]! : text.at(-1)!;
  if (side === 'start' && /[)\]},.;:!?%‰°\-–\u2010\u2011]/u.test(g)) return 'wclose';
  if (side === 'end' && /[([{"'/]/u.test(g)) return 'wopen';
  return 'latin';
}

/**
 * Splits styled runs into tokens, by grapheme (never inside a surrogate pair such as 𠮷 U+20BB7): each Han
 * character or mark alone, `——` and `……` whole, and Western text cut at its break opportunities (UAX #14 and
 * its tailoring, URL rules, hyphenation points; `src/cjk/western.ts`) and at spaces. Each token says whether a
 * line may begin at it, what that costs, and whether a break after it draws a hyphen.
 */
export function tokenize(runs: readonly StyledRun[]): Token[] {
  const gs: string[] = [];
  const style: number[] = [];
  const lang: (string | undefined)[] = [];
  const mark: boolean[] = [];
  for (const run of runs)
    for (const g of graphemes(run.text)) {
      gs.push(g);
      style.push(run.style);
      lang.push(run.lang);
      mark.push(run.mark === true);
    }
  const n = gs.length;
  const cjk = gs.map((g, i) => isCjk(g, gs[i - 1], gs[i + 1]));
  const tokens: Token[] = [];
  let i = 0;
  while (i < n) {
    const g = gs[i]!;
    if (mark[i]) {
      let e = i + 1;
      while (e < n && mark[e] && style[e] === style[i]) e++;
      tokens.push({ text: gs.slice(i, e).join(''), cls: 'wclose', style: style[i]!, joinNext: false });
      i = e;
      continue;
    }
    if (cjk[i]) {
      if ((g === '—' || g === '…') && gs[i + 1] === g && cjk[i + 1] && style[i + 1] === style[i]) {
        tokens.push({
          text: g + g,
          cls: g === '—' ? 'dash2' : 'ellipsis',
          style: style[i]!,
          joinNext: false,
        });
        i += 2;
      } else {
        tokens.push({ text: g, cls: classify(g), style: style[i]!, joinNext: false });
        i++;
      }
      continue;
    }
    let e = i;
    while (e < n && !cjk[e] && !mark[e]) e++;
    westernTokens(gs, style, lang, i, e, tokens);
    i = e;
  }
  // Breaks at the edges of Western text, and between Chinese characters and marks: clreq's classes.
  for (let k = 1; k < tokens.length; k++) {
    const a = tokens[k - 1]!;
    const b = tokens[k]!;
    if (b.breakBefore !== undefined) continue;
    const ac = a.cls === 'latin' ? edgeClass(a.text || (a.source ?? ' '), 'end') : a.cls;
    const bc = b.cls === 'latin' ? edgeClass(b.text || (b.source ?? ' '), 'start') : b.cls;
    b.breakBefore = b.cls !== 'space' && !noBreakBefore(bc) && !noBreakAfter(ac);
  }
  if (tokens[0]) tokens[0].breakBefore = false;
  for (let k = 0; k < tokens.length; k++) {
    const next = tokens[k + 1];
    // A chain of Western pieces with no break between them is one word (the last resort cuts it as one).
    tokens[k]!.joinNext = !!next && tokens[k]!.cls === 'latin' && next.cls === 'latin' && !next.breakBefore;
  }
  return tokens;
}

/** The tokens of the Western text gs[from, to): pieces between break opportunities, spaces apart. */
function westernTokens(
  gs: readonly string[],
  style: readonly number[],
  lang: readonly (string | undefined)[],
  from: number,
  to: number,
  out: Token[],
): void {
  const text = gs.slice(from, to).join('');
  // UTF-16 offset of each grapheme in the segment, and back.
  const offset: number[] = [];
  const index = new Int32Array(text.length + 1);
  let at = 0;
  for (let k = from; k < to; k++) {
    offset.push(at);
    for (let u = 0; u < gs[k]!.length; u++) index[at + u] = k;
    at += gs[k]!.length;
  }
  index[at] = to;
  const opps = westernBreaks(text, (o) => lang[index[o]!]);
  const urls = urlRanges(text);
  const isSpace = (k: number) => BREAKING_SPACE.test(gs[k]!);
  let start = from;
  const flush = (end: number) => {
    const source = gs.slice(start, end).join('');
    const drawn = source.replace(INVISIBLE, '').replace(/\u202f/gu, '\u00a0');
    const o = opps.get(offset[start - from]!);
    const t: Token = {
      text: drawn,
      cls: isSpace(start) ? 'space' : 'latin',
      style: style[start]!,
      joinNext: false,
    };
    if (drawn !== source) t.source = source;
    const s0 = offset[start - from]!;
    if (urls.some(([a, b]) => s0 >= a && s0 < b)) t.url = true;
    if (start > from) {
      t.breakBefore = t.cls !== 'space' && o !== undefined;
      if (o && o.penalty) t.penalty = o.penalty;
      if (o?.hyphen) out.at(-1)!.hyphen = true;
    }
    out.push(t);
    start = end;
  };
  for (let k = from + 1; k < to; k++) {
    const cut =
      isSpace(k) !== isSpace(k - 1) ||
      style[k] !== style[k - 1] ||
      (opps.has(offset[k - from]!) && !isSpace(k));
    if (cut) flush(k);
  }
  flush(to);
}
