/**
 * The line breaker: optimal fit over a prepared paragraph (`prepare.ts`), in three passes as TeX makes them —
 * lines within the tolerance, then any line that is not overfull, then forbidden breaks (the emergency); each
 * chosen line is then placed and justified (`justify.ts`).
 */
import { placeLine, type LaidLine } from './justify.js';
import { CHECK_EVERY, PROSE_TRACK_EM, type ParagraphOptions, type Prepared } from './prepare.js';

// Tuning: the cost of a letter-spaced line, of an orphan (孤字) and of a line.
/** Letter-spacing, for a line with no gap to widen: its stretch per glyph boundary at ratio 1, and base badness. */
const TRACK_EM = 0.04;
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
      const breaks: number[] = [];
      for (let b = n; b > from; b = best[b]!.prev) breaks.push(b);
      return breaks.reverse();
    }
  }
  // Unreachable: the emergency pass accepts any break and any single token, however wide.
  throw new Error('CJK line breaking found no layout');
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
