import { applyVariants } from './adjust.js';
import type { Flow, FlowItem, MakeupProblem, Placed } from './types.js';

// What a column fill is, and where a column may end: the vocabulary of the column walk (column.ts) and the page
// builder (paginate.ts).

/** Where a flow stands: the next unit of the next item (`unit` 0: the item has not begun) and its variant. */
export interface Pos {
  item: number;
  variant: number;
  unit: number;
}

/** One thing in a column, its slot counted from the column's top. */
export interface Entry {
  slot: number;
  height: number;
  what: Placed;
}

/** How one column was filled, and what it cost. */
export interface ColumnFill {
  entries: FillEntries;
  /** The variant chosen for each item that began in this column. */
  variants: [item: number, variant: number][];
  end: Pos;
  nextFloat: number;
  /** Slots used, from the column's top to the foot of its last entry. */
  height: number;
  cost: number;
  /** The column ends before a forced page break. */
  pageBreak: boolean;
  /** The item the text must reach on this page: a figure set at a column top refers to text before it. */
  mustReach: number;
  problems: Omit<MakeupProblem, 'page' | 'column'>[];
}

/**
 * What a column holds, as it was found: the first `count` entries of `base` (its walk's list, which only grows),
 * then `tail` (the units of the item still open) and the figures at its `foot`, with the paragraphs of `choices`
 * set in those variants; then its footnotes. Most columns found are weighed and dropped: the entries are made
 * only for the columns a layout keeps (entriesOf).
 */
export interface FillEntries {
  base: readonly Entry[];
  count: number;
  tail?: Entry;
  foot: readonly Entry[];
  choices: readonly [number, number][];
  notes?: Entry;
}

/** A column's entries, top to bottom (see FillEntries). */
export function entriesOf(items: readonly FlowItem[], e: FillEntries): Entry[] {
  const set = e.base.slice(0, e.count);
  if (e.tail) set.push(e.tail);
  set.push(...e.foot);
  const entries = applyVariants(items, set, e.choices);
  return e.notes ? [...entries, e.notes] : entries;
}

/** Prefix sums of the flow's natural heights: reading-order distances between an anchor and a placement. */
export function naturalOffsets(flow: Flow): number[] {
  const out = [0];
  for (const it of flow.items) out.push(out.at(-1)! + it.spaceBefore + sum(it.variants[0]!) + it.spaceAfter);
  return out;
}

/** The sum of some heights. */
export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Whether a column may end before unit `u` of item `i` (u = 0: between items i−1 and i). */
export function legalBreak(items: readonly FlowItem[], i: number, variant: number, u: number): boolean {
  const prev = items[i - 1];
  if (u === 0) return !prev || prev.keepWithNext === 0 || prev.pageBreak === true;
  const it = items[i]!;
  const n = it.variants[variant]!.length;
  if (!it.breakable || u < it.minBefore || n - u < it.minAfter) return false;
  return !prev || u >= prev.keepWithNext;
}

/** Whether variant k of an item has the same unit heights as variant 0 before unit u (lines of a paragraph). */
export function samePrefix(it: FlowItem, k: number, u: number): boolean {
  if (k === 0) return true;
  const a = it.variants[0]!;
  const b = it.variants[k]!;
  if (b.length <= u) return false;
  for (let j = 0; j < u; j++) if (a[j] !== b[j]) return false;
  return true;
}
