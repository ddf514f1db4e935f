import { isCompressible, noBreakAfter, noBreakBefore } from './classes.js';
import type { Token } from './tokens.js';

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
}

/** How many steps of a loop go between two calls of a `check` callback. */
export const CHECK_EVERY = 4096;

/** A token placed on a line: its x from the line start, the features to draw it with and its drawn advance. */
export interface PlacedToken {
  index: number;
  /** Where the glyph is drawn. */
  x: number;
  /** Where the token's cell starts (x less any centring offset): cells abut, plus glue and justification. */
  cell: number;
  features: readonly string[];
  advance: number;
}

/** One line of a paragraph: token range [start, end), placed tokens (edge spaces dropped), its width. */
export interface LaidLine {
  start: number;
  end: number;
  tokens: PlacedToken[];
  /** Extent of the line: x of the end of its last token. */
  width: number;
  last: boolean;
}

/** Prepared paragraph: per-token features, widths and the glue between tokens, ready for any line width. */
export interface Prepared {
  tokens: readonly Token[];
  measurer: Measurer;
  hardBreaks: ReadonlySet<number>;
  features: string[][];
  width: number[];
  /** Width of the token when it ends a line (stop and closing marks take ½ em there, clreq / GB/T 15834). */
  endWidth: number[];
  /** Where the glyph is drawn inside its cell (a proportional interpunct is centred in a ½ em cell). */
  offset: number[];
  /** Blank half a mark may still give up when a line is too long (squeeze before stretch, clreq J2). */
  blank: number[];
  /** Which side the blank is on: opening marks have it on the left. */
  blankLeft: boolean[];
  /** Glue before token j (j ≥ 1): natural width, shrink, whether a break may happen there. */
  glue: number[];
  glueShrink: number[];
  /** Whether justification may widen the gap before token j (not inside a compressed pair of marks). */
  stretchable: boolean[];
  breakable: boolean[];
  /** A line must end before token j (a hard line break, `<br/>`). */
  forced: boolean[];
  /** The last forced break at or before token j (0 if none): no line runs across it. */
  lastForced: Int32Array;
  em: number[];
}

// Tuning: stretch per gap at ratio 1, in em; the cost of an orphan (孤字) and of a line.
const STRETCH_EM = 0.2;
const ORPHAN_PENALTY = 5000;
export const LINE_PENALTY = 10;
const TOLERANCE = 3000;

const isMark = (c: string) => c === 'open' || c === 'close' || c === 'stop';
const isCjkBox = (c: string) => c === 'han';

/**
 * Works out everything about a paragraph that does not depend on where lines break: fullwidth dashes (`fwid`),
 * centred ½ em interpuncts (`fwid` + `halt`), compression of adjacent marks to 1.5 em (`halt` on the mark
 * whose blank faces the other, clreq 3.1.6), ¼ em between Han and Western text (clreq 3.4), break rules.
 */
export function prepare(
  tokens: readonly Token[],
  m: Measurer,
  hardBreaks: ReadonlySet<number> = new Set(),
  check?: () => void,
): Prepared {
  const n = tokens.length;
  const em = tokens.map((t) => m.em(t.style));
  const features: string[][] = tokens.map((t) =>
    t.cls === 'dash' || t.cls === 'dash2' ? ['fwid'] : t.cls === 'middle' ? ['fwid', 'halt'] : [],
  );
  const halved = new Array<boolean>(n).fill(false);
  for (let i = 0; i + 1 < n; i++) {
    const a = tokens[i]!.cls;
    const b = tokens[i + 1]!.cls;
    if (!isMark(a) || !isMark(b)) continue;
    // The blank of a closing or stop mark is on its right; of an opening mark, on its left.
    if ((a === 'close' || a === 'stop') && !halved[i]) halved[i] = true;
    else if (b === 'open') halved[i + 1] = true;
  }
  for (let i = 0; i < n; i++) if (halved[i]) features[i]!.push('halt');
  const width = tokens.map((t, i) => {
    if (check && i % CHECK_EVERY === 0) check();
    return m.width(t.text, t.style, features[i]!);
  });
  const offset = new Array<number>(n).fill(0);
  tokens.forEach((t, i) => {
    // GB/T 15834: the interpunct takes ½ em, centred. Fonts with a full-width form do this with fwid + halt;
    // where the glyph is proportional (Noto Serif SC's U+00B7), centre it in a ½ em cell by position.
    if (t.cls === 'middle' && Math.abs(width[i]! - 0.5 * em[i]!) > 0.01 * em[i]!) {
      offset[i] = (0.5 * em[i]! - width[i]!) / 2;
      width[i] = 0.5 * em[i]!;
    }
  });
  const endWidth = tokens.map((t, i) =>
    (t.cls === 'stop' || t.cls === 'close') && !halved[i] ? m.width(t.text, t.style, ['halt']) : width[i]!,
  );
  const blank = tokens.map((t, i) =>
    isCompressible(t.cls) && !halved[i] ? Math.max(0, width[i]! - m.width(t.text, t.style, ['halt'])) : 0,
  );
  const blankLeft = tokens.map((t) => t.cls === 'open');
  const glue = new Array<number>(n).fill(0);
  const glueShrink = new Array<number>(n).fill(0);
  const breakable = new Array<boolean>(n).fill(false);
  const stretchable = new Array<boolean>(n).fill(false);
  for (let j = 1; j < n; j++) {
    const a = tokens[j - 1]!;
    const b = tokens[j]!;
    // clreq: adjacent marks stay compressed (1.5 em); justification widens the other gaps instead.
    stretchable[j] = !(isMark(a.cls) && isMark(b.cls));
    if ((isCjkBox(a.cls) && b.cls === 'latin') || (a.cls === 'latin' && isCjkBox(b.cls))) {
      // clreq: about ¼ em between Han and Western letters or digits, shrinkable to ⅛ em.
      const e = isCjkBox(a.cls) ? em[j - 1]! : em[j]!;
      glue[j] = 0.25 * e;
      glueShrink[j] = 0.125 * e;
    }
    breakable[j] =
      !noBreakBefore(b.cls) &&
      !noBreakAfter(a.cls) &&
      !a.joinNext &&
      b.cls !== 'space' &&
      (!(a.cls === 'latin' && b.cls === 'latin') || b.cut === true);
  }
  const forced = tokens.map((_, j) => hardBreaks.has(j));
  for (const j of hardBreaks) if (j > 0 && j < n) breakable[j] = true;
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
    glue,
    glueShrink,
    stretchable,
    breakable,
    forced,
    lastForced,
    em,
  };
}

interface LineMetrics {
  first: number;
  lastTok: number;
  natural: number;
  shrink: number;
  gaps: number;
}

/** Natural width, shrink and number of gaps of the line of tokens [a, b), spaces at both edges dropped. */
function metrics(p: Prepared, a: number, b: number): LineMetrics | undefined {
  let first = a;
  while (first < b && p.tokens[first]!.cls === 'space') first++;
  let lastTok = b - 1;
  while (lastTok >= first && p.tokens[lastTok]!.cls === 'space') lastTok--;
  if (lastTok < first) return undefined;
  let natural = 0;
  let shrink = 0;
  let gaps = 0;
  for (let k = first; k <= lastTok; k++) {
    natural += k === lastTok ? p.endWidth[k]! : p.width[k]!;
    if (k > first) {
      natural += p.glue[k]!;
      shrink += p.glueShrink[k]!;
      if (p.stretchable[k]) gaps++;
    }
    // A mark's blank can be squeezed, except the left blank of a line's first opening mark (it would
    // push ink into the margin) and the line-end mark, which already gave up its blank.
    if (k !== lastTok && !(k === first && p.blankLeft[k])) shrink += p.blank[k]!;
  }
  return { first, lastTok, natural, shrink, gaps };
}

/** Counts the characters of a last line that are not punctuation: 1 means an orphan (孤字). */
function contentUnits(p: Prepared, a: number, b: number): number {
  let n = 0;
  for (let k = a; k < b; k++) {
    const c = p.tokens[k]!.cls;
    if (c === 'han') n += 1;
    else if (c === 'latin') n += p.tokens[k]!.text.length > 1 ? 2 : 1;
  }
  return n;
}

/** A breakpoint of the optimal-fit search: the demerits of the best way to reach it, and where its line began. */
export interface Node {
  demerits: number;
  prev: number;
}

/**
 * Every acceptable line of a paragraph that ends before token `b`: walks its possible starts leftwards from `b`
 * (O(1) per step), skipping starts nothing reaches, and calls `visit` with each start, the line's badness and its
 * penalty. In an emergency any break and any single over-wide token is accepted, at a price.
 */
export function linesEndingAt(
  p: Prepared,
  from: number,
  b: number,
  opts: ParagraphOptions,
  emergency: boolean,
  tolerance: number,
  reachable: (a: number) => boolean,
  visit: (a: number, badness: number, penalty: number) => void,
): void {
  const n = p.tokens.length;
  const isSpace = (k: number) => p.tokens[k]!.cls === 'space';
  // A line ending at a hard break or the paragraph end keeps natural spacing, like a last line.
  const isLast = b === n || p.forced[b]!;
  // No line runs across a hard break.
  const minA = Math.max(from, p.lastForced[b - 1]!);
  let lastTok = b - 1;
  while (lastTok >= from && isSpace(lastTok)) lastTok--;
  if (lastTok < from) return;
  // Grow the line leftwards from its last token, keeping its metrics up to date.
  let first = -1;
  let natural = 0;
  let shrink = 0;
  let gaps = 0;
  for (let a = b - 1; a >= minA; a--) {
    if (a <= lastTok && !isSpace(a)) {
      if (first === -1) natural = p.endWidth[a]!;
      else {
        natural += p.width[a]!;
        // Spaces between the new first token and the old one are inside the line now: they count.
        for (let k = a + 1; k < first; k++) natural += p.width[k]!;
        for (let j = a + 1; j <= first; j++) {
          natural += p.glue[j]!;
          shrink += p.glueShrink[j]!;
          if (p.stretchable[j]) gaps++;
        }
        // The old first token is no longer first: an opening mark there may now give up its blank.
        if (p.blankLeft[first] && first !== lastTok) shrink += p.blank[first]!;
        if (!p.blankLeft[a]) shrink += p.blank[a]!;
      }
      first = a;
    }
    if (first === -1) continue;
    const target = opts.width - (a === 0 ? opts.indent : 0);
    if (natural - shrink > target + 0.01 && !(emergency && first === lastTok)) break; // only grows from here
    // Checked after the width: walking on over unreachable starts would make a paragraph quadratic.
    if (!reachable(a)) continue;
    let ratio: number;
    if (natural <= target)
      ratio =
        isLast || !opts.justify
          ? 0
          : gaps > 0
            ? (target - natural) / (gaps * STRETCH_EM * p.em[first]!)
            : Infinity;
    else ratio = shrink > 0 ? (target - natural) / shrink : -Infinity;
    const overfull = ratio < -1 - 1e-9;
    let badness = Number.isFinite(ratio) ? Math.min(100 * Math.abs(ratio) ** 3, 1e6) : 1e6;
    if (overfull) badness = 1e7;
    if (!emergency && (badness > tolerance || overfull)) continue;
    let penalty = 0;
    if (emergency && b < n && !p.breakable[b]) penalty += 10000;
    if (b === n && a > from && !p.forced[a] && contentUnits(p, a, b) <= 1) penalty += ORPHAN_PENALTY;
    visit(a, badness, penalty);
  }
}

/** Whether a paragraph from `from` holds nothing but spaces (it is set as one empty line). */
export function onlySpaces(p: Prepared, from: number): boolean {
  for (let k = from; k < p.tokens.length; k++) if (p.tokens[k]!.cls !== 'space') return false;
  return true;
}

/**
 * Optimal-fit line breaking over the whole paragraph (Knuth–Plass over clreq boxes, glue and penalties):
 * squeezing marks and Han–Latin gaps is preferred to stretching, prohibited breaks are never taken when any
 * other layout exists, and a last line of one character is heavily penalised. Returns the break positions.
 */
export function breakParagraph(p: Prepared, from: number, opts: ParagraphOptions): number[] {
  const n = p.tokens.length;
  if (from >= n) return [];
  if (onlySpaces(p, from)) return [n];
  for (const emergency of [false, true]) {
    const best = new Array<Node | undefined>(n + 1);
    best[from] = { demerits: 0, prev: -1 };
    for (let b = from + 1; b <= n; b++) {
      if (opts.check && b % CHECK_EVERY === 0) opts.check();
      if (b < n && !p.breakable[b] && !emergency) continue;
      let bestHere: Node | undefined;
      linesEndingAt(
        p,
        from,
        b,
        opts,
        emergency,
        TOLERANCE,
        (a) => best[a] !== undefined,
        (a, badness, penalty) => {
          const demerits = best[a]!.demerits + (LINE_PENALTY + badness) ** 2 + penalty ** 2;
          if (!bestHere || demerits < bestHere.demerits) bestHere = { demerits, prev: a };
        },
      );
      if (bestHere) best[b] = bestHere;
    }
    if (best[n]) {
      const breaks: number[] = [];
      for (let b = n; b > from; b = best[b]!.prev) breaks.push(b);
      return breaks.reverse();
    }
  }
  // Unreachable: the emergency pass accepts any break and any single token, however wide.
  throw new Error('CJK line breaking found no layout');
}

/**
 * Places the tokens of one line: even extra space in every gap when a justified line is short (clreq J3),
 * or the excess taken in equal proportion from the blank halves of marks and from Han–Latin gaps when it is
 * long (clreq J2). A stop or closing mark at the line end is set half width (`halt`, GB/T 15834).
 */
export function placeLine(
  p: Prepared,
  a: number,
  b: number,
  opts: ParagraphOptions,
  last: boolean,
): LaidLine {
  const m = metrics(p, a, b);
  if (!m) return { start: a, end: b, tokens: [], width: 0, last };
  const target = opts.width - (a === 0 ? opts.indent : 0);
  const slack = target - m.natural;
  const stretch = slack > 0 && opts.justify && !last && m.gaps > 0 ? slack / m.gaps : 0;
  const squeeze = slack < 0 && m.shrink > 0 ? Math.min(1, -slack / m.shrink) : 0;
  let x = a === 0 ? opts.indent : 0;
  const tokens: PlacedToken[] = [];
  for (let k = m.first; k <= m.lastTok; k++) {
    if (k > m.first) x += p.glue[k]! - squeeze * p.glueShrink[k]! + (p.stretchable[k] ? stretch : 0);
    const canSqueeze = k !== m.lastTok && !(k === m.first && p.blankLeft[k]);
    const give = canSqueeze ? squeeze * p.blank[k]! : 0;
    const isEnd = k === m.lastTok;
    const advance = isEnd ? p.endWidth[k]! : p.width[k]!;
    const features = isEnd && p.endWidth[k] !== p.width[k] ? [...p.features[k]!, 'halt'] : p.features[k]!;
    // An opening mark gives up the blank on its left: draw it further left.
    const drawX = p.blankLeft[k] ? x - give : x;
    tokens.push({ index: k, x: drawX + p.offset[k]!, cell: drawX, features, advance });
    x = drawX + advance - (p.blankLeft[k] ? 0 : give);
  }
  return { start: a, end: b, tokens, width: x, last };
}

/** Breaks a paragraph (from token `from`) and places every line. */
export function layoutParagraph(p: Prepared, from: number, opts: ParagraphOptions): LaidLine[] {
  const breaks = breakParagraph(p, from, opts);
  const lines: LaidLine[] = [];
  let a = from;
  breaks.forEach((b, i) => {
    lines.push(placeLine(p, a, b, opts, i === breaks.length - 1 || p.forced[b] === true));
    a = b;
  });
  return lines;
}
