import { LINE_PENALTY, linesEndingAt, onlySpaces, type Node } from './breaker.js';
import { CHECK_EVERY, type ParagraphOptions, type Prepared } from './prepare.js';

/** A way to set a paragraph in a given number of lines: its breaks and how much worse it is than the best. */
export interface BreakVariant {
  lines: number;
  breaks: number[];
  demerits: number;
}

/** Lines that stretch further than this ratio (0.3 em between characters) are not worth a line more or less. */
const VARIANT_TOLERANCE = 100 * 1.5 ** 3;

/**
 * The best breaks of a paragraph for each number of lines near the optimum (Knuth–Plass with looseness, as TeX
 * has it): the page builder sets a paragraph a line longer or shorter to fill a column or to keep two lines
 * together. Only layouts whose every line is spaced within 0.3 em are offered, and no emergency breaks.
 */
export function breakVariants(p: Prepared, opts: ParagraphOptions, maxLines = 40): BreakVariant[] {
  const n = p.tokens.length;
  if (n === 0 || onlySpaces(p, 0)) return [];
  // best[b]: line count → the cheapest way to end a line before token b with that many lines.
  const best = new Array<Map<number, Node> | undefined>(n + 1);
  best[0] = new Map([[0, { demerits: 0, prev: -1 }]]);
  for (let b = 1; b <= n; b++) {
    if (opts.check && b % CHECK_EVERY === 0) opts.check();
    if (b < n && !p.breakable[b]) continue;
    const here = new Map<number, Node>();
    linesEndingAt(
      p,
      0,
      b,
      opts,
      false,
      VARIANT_TOLERANCE,
      (a) => best[a] !== undefined,
      (a, badness, penalty) => {
        for (const [k, node] of best[a]!) {
          if (k + 1 > maxLines) continue;
          const demerits = node.demerits + (LINE_PENALTY + badness) ** 2 + penalty ** 2;
          const old = here.get(k + 1);
          if (!old || demerits < old.demerits) here.set(k + 1, { demerits, prev: a });
        }
      },
    );
    if (here.size) best[b] = here;
  }
  const out: BreakVariant[] = [];
  for (const [lines, node] of best[n] ?? []) {
    const breaks: number[] = [];
    let k = lines;
    for (let b = n, cur = node; b > 0;) {
      breaks.push(b);
      b = cur.prev;
      k--;
      if (b > 0) cur = best[b]!.get(k)!;
    }
    out.push({ lines, breaks: breaks.reverse(), demerits: node.demerits });
  }
  return out.sort((a, b) => a.lines - b.lines);
}
