// Costs, and filling a column to its foot with the paragraphs wholly inside it: each may be set a line
// longer or shorter (its variants), at a cost; the cheapest choice that closes the gap wins.

import type { Entry } from './fill.js';
import type { FlowItem } from './types.js';

/** The costs the page builder weighs. Foot gaps of 2 or more lines are the worst fault, then widows forced. */
export const COST = {
  gap1: 60,
  gapMany: 4000,
  floatAway: 30,
  floatPerSlot: 4,
  floatAtFoot: 6,
  forcedBreak: 50_000,
} as const;

/** The cost of a column that ends `gap` slots short of its foot. */
export function gapCost(gap: number): number {
  if (gap <= 0) return 0;
  if (gap === 1) return COST.gap1;
  return COST.gapMany * gap * gap;
}

/** A way to set a paragraph wholly inside a column a line longer or shorter: its item, slots, cost, variant. */
interface Pick {
  item: number;
  d: number;
  cost: number;
  k: number;
}

/** The variants of the paragraphs wholly inside the column so far, longer and shorter, cheapest per slot first. */
export class Contained {
  readonly longer: Pick[] = [];
  readonly shorter: Pick[] = [];
  shrinkable = 0;

  add(item: number, options: [d: number, cost: number, k: number][]): void {
    let most = 0;
    for (const [d, cost, k] of options) {
      if (d === 0) continue;
      const list = d > 0 ? this.longer : this.shorter;
      const p = { item, d, cost, k };
      const at = list.findIndex((q) => q.cost / Math.abs(q.d) > cost / Math.abs(d));
      list.splice(at < 0 ? list.length : at, 0, p);
      if (d < 0) most = Math.max(most, -d);
    }
    this.shrinkable += most;
  }
}

/**
 * Fills a column's gap (or makes room when it is overfull) with the variants of paragraphs wholly inside it,
 * at the least cost; undefined when the column cannot be made to fit. `free`: a short column costs nothing
 * (before a forced break, at the end of the flow).
 */
export function adjust(
  contained: Contained,
  gap: number,
  free: boolean,
): { delta: number; cost: number; choices: [number, number][] } | undefined {
  if (gap >= 0 && (free || gap === 0)) return NO_CHANGE;
  // One option per paragraph; few paragraphs per column, so a greedy pick by cost per slot is enough.
  const want = gap > 0 ? 1 : -1;
  const picks = want > 0 ? contained.longer : contained.shorter;
  let best: { delta: number; cost: number; choices: [number, number][] } | undefined =
    gap >= 0 ? { delta: 0, cost: gapCost(gap), choices: [] } : undefined;
  if (picks.length === 0) return best;
  let delta = 0;
  let cost = 0;
  const choices: [number, number][] = [];
  for (const p of picks) {
    if (choices.some(([item]) => item === p.item)) continue;
    if (want > 0 && delta + p.d > gap) continue;
    delta += p.d;
    cost += p.cost;
    choices.push([p.item, p.k]);
    const left = gap - delta;
    if (left < 0) continue;
    const total = cost + gapCost(left);
    if (!best || total < best.cost) best = { delta, cost: total, choices: [...choices] };
    if (left === 0) break;
  }
  return best;
}

const NO_CHANGE = { delta: 0, cost: 0, choices: [] as [number, number][] };

/** The column's entries with paragraphs set in their chosen variants: lengths change, later entries move. */
export function applyVariants(
  items: readonly FlowItem[],
  entries: Entry[],
  choices: readonly [number, number][],
): Entry[] {
  if (choices.length === 0) return entries;
  const chosen = new Map(choices);
  let shift = 0;
  return entries.map((e) => {
    const moved = { ...e, slot: e.slot + shift };
    const v = e.what.kind === 'units' ? chosen.get(e.what.item) : undefined;
    if (v === undefined || e.what.kind !== 'units') return moved;
    const units = items[e.what.item]!.variants[v]!;
    const height = sum(units);
    shift += height - e.height;
    return { ...moved, height, what: { ...e.what, to: units.length } };
  });
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
