/**
 * The preparation of a paragraph's items (boxes, glue and penalties in Knuth–Plass's terms): everything about it
 * that does not depend on where lines break — features, widths, the glue between tokens, how each gap may be
 * justified, and where a line may break. The line breaker (`breaker.ts`) and the justification (`justify.ts`)
 * read what is prepared here.
 */
import { isCompressible, noBreakAfter, noBreakBefore } from './classes.js';
import type { PunctuationStyle } from './lang.js';
import type { Token } from './tokens.js';

export type { PunctuationStyle } from './lang.js';

/** Measures text in a style with OpenType features; widths in points. */
export interface Measurer {
  width(text: string, style: number, features: readonly string[]): number;
  /** The em (font size in points) of a style. */
  em(style: number): number;
}

/** How to set a paragraph. */
export interface ParagraphOptions {
  /** Line width in points (a whole number of characters for body text). */
  width: number;
  /** First-line indent in points (clreq: 2em). */
  indent: number;
  /** Justify every line but the last (body text); otherwise lines keep natural spacing. */
  justify: boolean;
  /** Called now and then in long loops: a runaway paragraph can stop the build (by throwing) in time. */
  check?: () => void;
  /**
   * Where the stops' ink sits (`punctuationStyle(lang)`): `gb` (the default, mainland) or `centred` (Taiwan,
   * Hong Kong). Read by `prepare`, which works out the marks' widths.
   */
  punctuation?: PunctuationStyle;
}

/** How many steps of a loop go between two calls of a `check` callback. */
export const CHECK_EVERY = 4096;

/** Prepared paragraph: per-token features, widths and the glue between tokens, ready for any line width. */
export interface Prepared {
  tokens: readonly Token[];
  measurer: Measurer;
  hardBreaks: ReadonlySet<number>;
  features: string[][];
  width: number[];
  /**
   * Width of the token when it ends a line (stop and closing marks take ½ em there, clreq / GB/T 15834; a
   * centred stop keeps its full width, its ink being in the middle).
   */
  endWidth: number[];
  /** Where the glyph is drawn inside its cell (a proportional interpunct is centred in a ½ em cell). */
  offset: number[];
  /** Blank half a mark may still give up when a line is too long (squeeze before stretch, clreq J2). */
  blank: number[];
  /** Which side the blank is on: opening marks have it on the left. */
  blankLeft: boolean[];
  /** The blank is on both sides, half each (a centred stop): squeezing takes it from both. */
  blankCentred: boolean[];
  /** The punctuation style the paragraph was prepared in. */
  punctuation: PunctuationStyle;
  /** Glue before token j (j ≥ 1): natural width, shrink, whether a break may happen there. */
  glue: number[];
  glueShrink: number[];
  /** Whether justification may widen the gap before token j (not inside a compressed pair of marks). */
  stretchable: boolean[];
  /**
   * What gap j is, for justification: 1 after a word space (widened first, to ½ em), 2 between Chinese
   * characters or between Han and Western text (widened next, to ¼ em), 0 none (inside a word, a URL or a
   * number, between a word and its punctuation, after an opening bracket, inside a compressed pair of marks).
   */
  stretchKind: Uint8Array;
  /** How far gap j may be widened before the next kind is (points). */
  stretchCap: number[];
  /** How much gap j counts in a line's stretchability for the line breaker (points at ratio 1). */
  stretch: number[];
  /** Glyph boundaries inside token j that letter-spacing could widen (the last resort). */
  inner: number[];
  /** Token j is a piece of a prose word (letters only, not a URL or a number): it may be letter-spaced a little. */
  prose: boolean[];
  /** What a line break before token j costs (hyphenation, a URL's natural point). */
  penalty: number[];
  /** Token j ends a line with a drawn hyphen when the line breaks after it. */
  hyphen: boolean[];
  /** Token j is a mark set half width at a line end (its endWidth is the `halt` width). */
  halfAtEnd: boolean[];
  breakable: boolean[];
  /** A line must end before token j (a hard line break, `<br/>`). */
  forced: boolean[];
  /** The last forced break at or before token j (0 if none): no line runs across it. */
  lastForced: Int32Array;
  em: number[];
}

// Tuning: stretch per gap at ratio 1, in em.
const STRETCH_EM = 0.2;
/** A word space is widened first, until the gap is this wide (em); Chinese letter-spacing then, to HAN_CAP_EM. */
const SPACE_GAP_EM = 0.5;
const HAN_CAP_EM = 0.25;
/** A word space may shrink by this share of its width (clreq J2's squeeze, for Western text). */
const SPACE_SHRINK = 1 / 3;
/** Prose words may be letter-spaced by this much (em per glyph boundary) once their spaces are at ½ em. */
export const PROSE_TRACK_EM = 0.03;

const isMark = (c: string) => c === 'open' || c === 'close' || c === 'stop';
const isCjkBox = (c: string) => c === 'han';
/** Classes set by the Chinese rules: a gap next to one is Chinese letter-spacing, not a Western word's inside. */
const isChinese = (c: string) =>
  c === 'han' ||
  c === 'open' ||
  c === 'close' ||
  c === 'stop' ||
  c === 'middle' ||
  c === 'dash2' ||
  c === 'ellipsis' ||
  c === 'connector';

/** The gaps before each token, as `prepare` works them out (see `Prepared`). */
type Gaps = Pick<
  Prepared,
  'glue' | 'glueShrink' | 'stretchable' | 'stretchKind' | 'stretchCap' | 'stretch' | 'penalty' | 'breakable'
>;

/**
 * Works out everything about a paragraph that does not depend on where lines break: fullwidth dashes (`fwid`),
 * centred ½ em interpuncts (`fwid` + `halt`), compression of adjacent marks to 1.5 em (`halt` on the mark
 * whose blank faces the other, clreq 3.1.6), ¼ em between Han and Western text (clreq 3.4), break rules.
 * In the `centred` punctuation style (Traditional Chinese) a stop has a ¼ em blank on each side: it keeps its
 * full width at a line end, and next to another mark it gives up only the quarter that faces it.
 */
export function prepare(
  tokens: readonly Token[],
  m: Measurer,
  hardBreaks: ReadonlySet<number> = new Set(),
  check?: () => void,
  opts: Pick<ParagraphOptions, 'punctuation'> = {},
): Prepared {
  const n = tokens.length;
  const em = tokens.map((t) => m.em(t.style));
  const punctuation = opts.punctuation ?? 'gb';
  const centred = tokens.map((t) => punctuation === 'centred' && t.cls === 'stop');
  // A centred stop's blank on each side: half of what `halt` takes away (nothing for a mark the font keeps
  // full width, such as Noto Sans TC's ？).
  const quarter = tokens.map((t, i) =>
    centred[i] ? Math.max(0, (m.width(t.text, t.style, []) - m.width(t.text, t.style, ['halt'])) / 2) : 0,
  );
  const { features, halved, trimLeft, trimRight } = markFeatures(tokens, centred, quarter);
  const { width, offset } = cellWidths(tokens, m, features, em, check);
  for (let i = 0; i < n; i++)
    if (trimLeft[i]! + trimRight[i]! > 0) {
      width[i] = width[i]! - trimLeft[i]! - trimRight[i]!;
      offset[i] = offset[i]! - trimLeft[i]!;
    }
  const halfAtEnd = tokens.map(
    (t, i) => ((t.cls === 'stop' && !centred[i]) || t.cls === 'close') && !halved[i],
  );
  const hyphen = tokens.map((t) => t.hyphen === true);
  const endWidth = tokens.map((t, i) =>
    halfAtEnd[i]
      ? m.width(t.text, t.style, ['halt'])
      : hyphen[i]
        ? width[i]! + m.width('-', t.style, [])
        : width[i]!,
  );
  const blank = tokens.map((t, i) =>
    isCompressible(t.cls) && !halved[i] ? Math.max(0, width[i]! - m.width(t.text, t.style, ['halt'])) : 0,
  );
  const blankLeft = tokens.map((t) => t.cls === 'open');
  const inner = tokens.map((t) => (t.cls === 'latin' ? Math.max(0, [...t.text].length - 1) : 0));
  const prose = tokens.map((t) => t.cls === 'latin' && !t.url && /^[\p{L}\p{M}'’]+[,.;:!?]?$/u.test(t.text));
  const gaps = gapsBetween(tokens, em, width, prose);
  const forced = tokens.map((_, j) => hardBreaks.has(j));
  for (const j of hardBreaks) if (j > 0 && j < n) gaps.breakable[j] = true;
  const lastForced = new Int32Array(n + 1);
  for (let j = 1; j <= n; j++) lastForced[j] = j < n && forced[j] ? j : lastForced[j - 1]!;
  return {
    tokens,
    measurer: m,
    hardBreaks,
    features,
    width,
    offset,
    endWidth,
    blank,
    blankLeft,
    blankCentred: centred,
    punctuation,
    glue: gaps.glue,
    glueShrink: gaps.glueShrink,
    stretchable: gaps.stretchable,
    stretchKind: gaps.stretchKind,
    stretchCap: gaps.stretchCap,
    stretch: gaps.stretch,
    inner,
    prose,
    penalty: gaps.penalty,
    hyphen,
    halfAtEnd,
    breakable: gaps.breakable,
    forced,
    lastForced,
    em,
  };
}

/**
 * The OpenType features of each token: `fwid` for dashes, `fwid` + `halt` for the interpunct, and `halt` on the
 * mark of two adjacent ones whose blank faces the other (`halved`: the pair takes 1.5 em, clreq 3.1.6). A
 * centred stop (`centred`) before a closing mark or another stop gives up the quarter em (`quarter`) on its
 * right instead, and a centred stop after one the quarter on its left (`trimLeft`, `trimRight`: points).
 */
function markFeatures(
  tokens: readonly Token[],
  centred: readonly boolean[],
  quarter: readonly number[],
): { features: string[][]; halved: boolean[]; trimLeft: number[]; trimRight: number[] } {
  const n = tokens.length;
  const trimLeft = new Array<number>(n).fill(0);
  const trimRight = new Array<number>(n).fill(0);
  const features: string[][] = tokens.map((t) =>
    t.cls === 'dash' || t.cls === 'dash2' ? ['fwid'] : t.cls === 'middle' ? ['fwid', 'halt'] : [],
  );
  const halved = new Array<boolean>(n).fill(false);
  for (let i = 0; i + 1 < n; i++) {
    const a = tokens[i]!.cls;
    const b = tokens[i + 1]!.cls;
    if (!isMark(a) || !isMark(b)) continue;
    // The blank of a closing or stop mark is on its right; of an opening mark, on its left; of a centred stop,
    // a quarter on each side.
    if ((a === 'close' || (a === 'stop' && !centred[i])) && !halved[i]) halved[i] = true;
    else if (b === 'open') halved[i + 1] = true;
    else if (centred[i] && trimRight[i] === 0) {
      trimRight[i] = quarter[i]!;
      if (centred[i + 1]) trimLeft[i + 1] = quarter[i + 1]!;
    }
  }
  for (let i = 0; i < n; i++) if (halved[i]) features[i]!.push('halt');
  return { features, halved, trimLeft, trimRight };
}

/** Each token's width with its features, and where its glyph is drawn inside its cell (`offset`). */
function cellWidths(
  tokens: readonly Token[],
  m: Measurer,
  features: readonly string[][],
  em: readonly number[],
  check: (() => void) | undefined,
): { width: number[]; offset: number[] } {
  const width = tokens.map((t, i) => {
    if (check && i % CHECK_EVERY === 0) check();
    return m.width(t.text, t.style, features[i]!);
  });
  const offset = new Array<number>(tokens.length).fill(0);
  tokens.forEach((t, i) => {
    // GB/T 15834: the interpunct takes ½ em, centred. Fonts with a full-width form do this with fwid + halt;
    // where the glyph is proportional (Noto Serif SC's U+00B7), centre it in a ½ em cell by position.
    if (t.cls === 'middle' && Math.abs(width[i]! - 0.5 * em[i]!) > 0.01 * em[i]!) {
      offset[i] = (0.5 * em[i]! - width[i]!) / 2;
      width[i] = 0.5 * em[i]!;
    }
  });
  return { width, offset };
}

/**
 * The gap before each token j ≥ 1: Han–Latin glue, what kind of gap it is for justification and how far it may
 * be widened, whether a line may break there and what that costs (hard breaks are added by `prepare`).
 */
function gapsBetween(
  tokens: readonly Token[],
  em: readonly number[],
  width: readonly number[],
  prose: readonly boolean[],
): Gaps {
  const n = tokens.length;
  const glue = new Array<number>(n).fill(0);
  const glueShrink = new Array<number>(n).fill(0);
  const breakable = new Array<boolean>(n).fill(false);
  const stretchable = new Array<boolean>(n).fill(false);
  const stretchKind = new Uint8Array(n);
  const stretchCap = new Array<number>(n).fill(0);
  const stretch = new Array<number>(n).fill(0);
  const penalty = new Array<number>(n).fill(0);
  for (let j = 1; j < n; j++) {
    const a = tokens[j - 1]!;
    const b = tokens[j]!;
    // (None beside a no-break space: "3.5 万" has its space already.)
    if (
      (isCjkBox(a.cls) && b.cls === 'latin' && !/^\s/u.test(b.text)) ||
      (a.cls === 'latin' && isCjkBox(b.cls) && !/\s$/u.test(a.text))
    ) {
      // clreq: about ¼ em between Han and Western letters or digits, shrinkable to ⅛ em.
      const e = isCjkBox(a.cls) ? em[j - 1]! : em[j]!;
      glue[j] = 0.25 * e;
      glueShrink[j] = 0.125 * e;
    }
    if (a.cls === 'space' && b.cls !== 'space') {
      // A word space: widened first (to a ½ em gap), and it may shrink a little.
      stretchKind[j] = 1;
      stretchCap[j] = Math.max(0.1 * em[j - 1]!, SPACE_GAP_EM * em[j - 1]! - width[j - 1]!);
      stretch[j] = stretchCap[j]!;
      glueShrink[j] = SPACE_SHRINK * width[j - 1]!;
    } else if (
      a.cls !== 'space' &&
      b.cls !== 'space' &&
      !(isMark(a.cls) && isMark(b.cls)) &&
      (isChinese(a.cls) || isChinese(b.cls))
    ) {
      // Between Chinese characters, or Chinese and Western text. clreq: adjacent marks stay compressed (1.5 em).
      const e = Math.min(em[j - 1]!, em[j]!);
      stretchKind[j] = 2;
      stretchCap[j] = HAN_CAP_EM * e;
      stretch[j] = STRETCH_EM * e;
    }
    stretchable[j] = stretchKind[j]! > 0;
    // Between two pieces of a hyphenated prose word: letter-spacing only.
    if (stretchKind[j] === 0 && prose[j - 1] && prose[j]) stretch[j] = PROSE_TRACK_EM * em[j]!;
    breakable[j] =
      b.breakBefore ??
      (!noBreakBefore(b.cls) &&
        !noBreakAfter(a.cls) &&
        !a.joinNext &&
        b.cls !== 'space' &&
        !(a.cls === 'latin' && b.cls === 'latin'));
    if (b.cut === true) breakable[j] = true;
    penalty[j] = b.penalty ?? 0;
  }
  return { glue, glueShrink, stretchable, stretchKind, stretchCap, stretch, penalty, breakable };
}
