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
  /** Extra space after each glyph inside the token (letter-spacing, the last resort of a line with no gaps). */
  tracking?: number;
  /** The line ends after this token at a hyphenation point: a hyphen is drawn after it. */
  hyphen?: boolean;
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

// Tuning: stretch per gap at ratio 1, in em; the cost of an orphan (孤字) and of a line.
const STRETCH_EM = 0.2;
/** A word space is widened first, until the gap is this wide (em); Chinese letter-spacing then, to HAN_CAP_EM. */
const SPACE_GAP_EM = 0.5;
const HAN_CAP_EM = 0.25;
/** A word space may shrink by this share of its width (clreq J2's squeeze, for Western text). */
const SPACE_SHRINK = 1 / 3;
/** Letter-spacing, for a line with no gap to widen: its stretch per glyph boundary at ratio 1, and base badness. */
const TRACK_EM = 0.04;
/** Prose words may be letter-spaced by this much (em per glyph boundary) once their spaces are at ½ em. */
const PROSE_TRACK_EM = 0.03;
const TRACK_BADNESS = 1500;
/**
 * TeX's badness, 100·r³, up to TeX's inf_bad (10000, r ≈ 4.6), then growing only linearly: a very loose line
 * still costs more the looser it is, but one of them weighs no more than some tens of loose ones, so the breaker
 * does not wreck a whole paragraph to spare one line it cannot set well anyway.
 */
const INF_BAD = 10000;
const R_INF = Math.cbrt(INF_BAD / 100);
const cubic = (r: number) => (r <= R_INF ? 100 * r ** 3 : Math.min(INF_BAD + 3000 * (r - R_INF), 1e6));
/** A hyphen before the last line, and hyphens ending two lines in a row, cost this much more (TeX's penalties). */
const LAST_HYPHEN_PENALTY = 100;
const DOUBLE_HYPHEN_PENALTY = 60;
const ORPHAN_PENALTY = 5000;
export const LINE_PENALTY = 10;
const TOLERANCE = 3000;

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
  const halfAtEnd = tokens.map((t, i) => (t.cls === 'stop' || t.cls === 'close') && !halved[i]);
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
  const glue = new Array<number>(n).fill(0);
  const glueShrink = new Array<number>(n).fill(0);
  const breakable = new Array<boolean>(n).fill(false);
  const stretchable = new Array<boolean>(n).fill(false);
  const stretchKind = new Uint8Array(n);
  const stretchCap = new Array<number>(n).fill(0);
  const stretch = new Array<number>(n).fill(0);
  const penalty = new Array<number>(n).fill(0);
  const inner = tokens.map((t) => (t.cls === 'latin' ? Math.max(0, [...t.text].length - 1) : 0));
  const prose = tokens.map((t) => t.cls === 'latin' && !t.url && /^[\p{L}\p{M}'’]+[,.;:!?]?$/u.test(t.text));
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
    stretchKind,
    stretchCap,
    stretch,
    inner,
    prose,
    penalty,
    hyphen,
    halfAtEnd,
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
  /** Stretchability for the line breaker (points at ratio 1), and glyph boundaries letter-spacing could widen. */
  stretch: number;
  track: number;
}

/** Natural width, shrink and stretch of the line of tokens [a, b), spaces at both edges dropped. */
function metrics(p: Prepared, a: number, b: number): LineMetrics | undefined {
  let first = a;
  while (first < b && p.tokens[first]!.cls === 'space') first++;
  let lastTok = b - 1;
  while (lastTok >= first && p.tokens[lastTok]!.cls === 'space') lastTok--;
  if (lastTok < first) return undefined;
  let natural = 0;
  let shrink = 0;
  let stretch = 0;
  let track = 0;
  for (let k = first; k <= lastTok; k++) {
    natural += k === lastTok ? p.endWidth[k]! : p.width[k]!;
    track += p.inner[k]!;
    if (p.prose[k]) stretch += p.inner[k]! * PROSE_TRACK_EM * p.em[k]!;
    if (k > first) {
      natural += p.glue[k]!;
      shrink += p.glueShrink[k]!;
      stretch += p.stretch[k]!;
      track++;
    }
    // A mark's blank can be squeezed, except the left blank of a line's first opening mark (it would
    // push ink into the margin) and the line-end mark, which already gave up its blank.
    if (k !== lastTok && !(k === first && p.blankLeft[k])) shrink += p.blank[k]!;
  }
  return { first, lastTok, natural, shrink, stretch, track };
}

/**
 * The badness of a line (TeX's 100·r³) that must stretch by `slack` with the given stretchability; a line with
 * no gap to widen is letter-spaced, at a high price (it is the last resort), and one with no glyph boundary
 * either cannot be justified.
 */
function stretchBadness(slack: number, stretch: number, track: number, em: number): number {
  if (slack <= 0) return 0;
  if (stretch > 0) return cubic(slack / stretch);
  if (track > 0) return TRACK_BADNESS + cubic(slack / (track * TRACK_EM * em));
  return 1e6;
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
  // What breaking here costs: the break's own penalty (a hyphenation, a URL), and a hyphen before the last line.
  const endsHyphen = b < n && !p.forced[b] && p.hyphen[lastTok] === true && lastTok === b - 1;
  const breakPenalty = b < n && !p.forced[b] ? p.penalty[b]! : 0;
  // Grow the line leftwards from its last token, keeping its metrics up to date.
  let first = -1;
  let natural = 0;
  let shrink = 0;
  let stretch = 0;
  let track = 0;
  for (let a = b - 1; a >= minA; a--) {
    if (a <= lastTok && !isSpace(a)) {
      if (p.prose[a]) stretch += p.inner[a]! * PROSE_TRACK_EM * p.em[a]!;
      if (first === -1) {
        natural = p.endWidth[a]!;
        track = p.inner[a]!;
      } else {
        natural += p.width[a]!;
        track += p.inner[a]!;
        // Spaces between the new first token and the old one are inside the line now: they count.
        for (let k = a + 1; k < first; k++) natural += p.width[k]!;
        for (let j = a + 1; j <= first; j++) {
          natural += p.glue[j]!;
          shrink += p.glueShrink[j]!;
          stretch += p.stretch[j]!;
        }
        track++;
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
    let badness: number;
    let overfull = false;
    if (natural <= target)
      badness = isLast || !opts.justify ? 0 : stretchBadness(target - natural, stretch, track, p.em[first]!);
    else {
      const ratio = shrink > 0 ? (target - natural) / shrink : -Infinity;
      overfull = ratio < -1 - 1e-9;
      badness = overfull ? 1e7 : cubic(Math.abs(ratio));
    }
    if (!emergency && (badness > tolerance || overfull)) continue;
    let penalty = breakPenalty;
    if (emergency && b < n && !p.breakable[b]) penalty += 10000;
    if (b === n && a > from && !p.forced[a] && contentUnits(p, a, b) <= 1) penalty += ORPHAN_PENALTY;
    if (a > from && p.hyphen[a - 1] && !p.forced[a] && p.tokens[a - 1]!.cls !== 'space') {
      if (b === n) penalty += LAST_HYPHEN_PENALTY;
      if (endsHyphen) penalty += DOUBLE_HYPHEN_PENALTY;
    }
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
  // Three passes, as TeX makes them: lines within the tolerance; then any line that is not overfull and breaks
  // where breaking is allowed (a loose line is better than a forbidden break); then anything (the emergency).
  for (const [emergency, tolerance] of [
    [false, TOLERANCE],
    [false, Infinity],
    [true, TOLERANCE],
  ] as const) {
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
        tolerance,
        (a) => best[a] !== undefined,
        (a, badness, penalty) => {
          const demerits = best[a]!.demerits + (LINE_PENALTY + badness) ** 2 + penalty ** 2;
          if (!bestHere || demerits < bestHere.demerits) bestHere = { demerits, prev: a };
        },
      );
      if (bestHere) best[b] = bestHere;
    }
    if (best[n]) {
      if (process.env.DEBUG_KP) console.log('pass', emergency, tolerance);
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
  const extra = slack > 0 && opts.justify && !last ? justification(p, m, slack) : undefined;
  const squeeze = slack < 0 && m.shrink > 0 ? Math.min(1, -slack / m.shrink) : 0;
  let x = a === 0 ? opts.indent : 0;
  const tokens: PlacedToken[] = [];
  for (let k = m.first; k <= m.lastTok; k++) {
    if (k > m.first) {
      x += p.glue[k]! - squeeze * p.glueShrink[k]!;
      if (extra) {
        x += extra.gap[p.stretchKind[k]!]! + extra.track;
        if (p.stretchKind[k] === 0 && p.prose[k - 1] && p.prose[k]) x += extra.prose;
      }
    }
    const canSqueeze = k !== m.lastTok && !(k === m.first && p.blankLeft[k]);
    const give = canSqueeze ? squeeze * p.blank[k]! : 0;
    const isEnd = k === m.lastTok;
    const hyphen = isEnd && b < p.tokens.length && !p.forced[b] && p.hyphen[k] === true;
    const advance = isEnd && (p.halfAtEnd[k] || hyphen) ? p.endWidth[k]! : p.width[k]!;
    const features = isEnd && p.halfAtEnd[k] ? [...p.features[k]!, 'halt'] : p.features[k]!;
    // An opening mark gives up the blank on its left: draw it further left.
    const drawX = p.blankLeft[k] ? x - give : x;
    const placed: PlacedToken = { index: k, x: drawX + p.offset[k]!, cell: drawX, features, advance };
    const tracking = extra ? extra.track + (p.prose[k] ? extra.prose : 0) : 0;
    const inner = tracking * p.inner[k]!;
    if (inner > 0) placed.tracking = tracking;
    if (hyphen) placed.hyphen = true;
    tokens.push(placed);
    x = drawX + advance + inner - (p.blankLeft[k] ? 0 : give);
  }
  return { start: a, end: b, tokens, width: x, last };
}

/**
 * How a justified line's slack is shared: word spaces are widened first, to a ½ em gap; then the gaps between
 * Chinese characters (and between Han and Western text), evenly, to ¼ em; then prose words are letter-spaced, to
 * 0.03 em; what is left goes to the word spaces, else to the Chinese gaps, else to the prose words; a line with
 * none of them is letter-spaced evenly (`track` after every glyph: URLs, numbers). Returns the extra of each kind
 * of gap (index = stretchKind), the prose letter-spacing and the overall one.
 */
function justification(
  p: Prepared,
  m: LineMetrics,
  slack: number,
): { gap: number[]; prose: number; track: number } {
  let spaces = 0;
  let spaceCap = 0;
  let han = 0;
  let hanCap = Infinity;
  let prose = 0;
  let proseEm = Infinity;
  let track = 0;
  for (let k = m.first; k <= m.lastTok; k++) {
    track += p.inner[k]!;
    if (p.prose[k]) {
      prose += p.inner[k]!;
      if (p.inner[k]! > 0) proseEm = Math.min(proseEm, p.em[k]!);
    }
    if (k === m.first) continue;
    track++;
    const kind = p.stretchKind[k]!;
    if (kind === 1) {
      spaces++;
      spaceCap = spaces === 1 ? p.stretchCap[k]! : Math.min(spaceCap, p.stretchCap[k]!);
    } else if (kind === 2) {
      han++;
      hanCap = Math.min(hanCap, p.stretchCap[k]!);
    } else if (p.prose[k - 1] && p.prose[k]) {
      prose++;
      proseEm = Math.min(proseEm, p.em[k]!);
    }
  }
  let left = slack;
  let space = 0;
  let chinese = 0;
  let letters = 0;
  if (spaces > 0) {
    space = Math.min(spaceCap, left / spaces);
    left -= space * spaces;
  }
  if (han > 0 && left > 1e-9) {
    chinese = Math.min(hanCap, left / han);
    left -= chinese * han;
  }
  if (prose > 0 && left > 1e-9) {
    letters = Math.min(PROSE_TRACK_EM * proseEm, left / prose);
    left -= letters * prose;
  }
  if (left > 1e-9) {
    if (spaces > 0) space += left / spaces;
    else if (han > 0) chinese += left / han;
    else if (prose > 0) letters += left / prose;
    else if (track > 0) return { gap: [0, 0, 0], prose: 0, track: left / track };
  }
  return { gap: [0, space, chinese], prose: letters, track: 0 };
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
