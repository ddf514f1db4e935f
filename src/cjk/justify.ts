/**
 * Justification by script and the placing of a line's tokens: once the breaker has chosen a line, its slack goes
 * to word spaces, then to the gaps between Chinese characters, then to letter-spacing of prose words (see
 * docs/typesetting.md, "Justification"), or its excess is squeezed out of the blank halves of marks and the
 * Han–Latin gaps.
 */
import { PROSE_TRACK_EM, type ParagraphOptions, type Prepared } from './prepare.js';

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
 * Places the tokens of one line: even extra space in every gap when a justified line is short (clreq J3),
 * or the excess taken in equal proportion from the blank halves of marks and from Han–Latin gaps when it is
 * long (clreq J2). A stop or closing mark at the line end is set half width (`halt`, GB/T 15834); a centred
 * stop (Traditional Chinese) keeps its full width there.
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
    // An opening mark gives up the blank on its left: draw it further left; a centred stop, half on each side.
    const drawX = p.blankLeft[k] ? x - give : p.blankCentred[k] ? x - give / 2 : x;
    const placed: PlacedToken = { index: k, x: drawX + p.offset[k]!, cell: drawX, features, advance };
    const tracking = extra ? extra.track + (p.prose[k] ? extra.prose : 0) : 0;
    const inner = tracking * p.inner[k]!;
    if (inner > 0) placed.tracking = tracking;
    if (hyphen) placed.hyphen = true;
    tokens.push(placed);
    x = drawX + advance + inner - (p.blankLeft[k] ? 0 : p.blankCentred[k] ? give / 2 : give);
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
