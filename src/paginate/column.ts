import type { Flow, FlowItem, MakeupProblem, Placed } from './types.js';

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
  entries: Entry[];
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

/** Prefix sums of the flow's natural heights: reading-order distances between an anchor and a placement. */
export function naturalOffsets(flow: Flow): number[] {
  const out = [0];
  for (const it of flow.items) out.push(out.at(-1)! + it.spaceBefore + sum(it.variants[0]!) + it.spaceAfter);
  return out;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Whether a column may end before unit `u` of item `i` (u = 0: between items i−1 and i). */
function legalBreak(items: readonly FlowItem[], i: number, variant: number, u: number): boolean {
  const prev = items[i - 1];
  if (u === 0) return !prev || prev.keepWithNext === 0 || prev.pageBreak === true;
  const it = items[i]!;
  const n = it.variants[variant]!.length;
  if (!it.breakable || u < it.minBefore || n - u < it.minAfter) return false;
  return !prev || u >= prev.keepWithNext;
}

interface Walk {
  flow: Flow;
  offsets: readonly number[];
  /** Slots available in this column. */
  cap: number;
  /** This column has a whole page's slots (a figure taller than that is set anyway, and reported). */
  full: boolean;
  /** The flow's last page is being balanced: a short last column costs as much as any other. */
  strict: boolean;
  /**
   * Figures referred to up to this item (not yet reached) may be set at this column's top: the text that refers
   * to them is expected on this page, and the caller drops the layout if it does not come.
   */
  ahead?: number;
}

/** A way to set a paragraph wholly inside a column a line longer or shorter: its item, slots, cost, variant. */
interface Pick {
  item: number;
  d: number;
  cost: number;
  k: number;
}

/** The variants of the paragraphs wholly inside the column so far, longer and shorter, cheapest per slot first. */
class Contained {
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
 * Fills one column from `start`: the figures waiting for a column top, then text unit by unit (figures placed
 * where the text refers to them when they fit), and at every place where the column may end, a candidate: with
 * or without waiting figures at its foot, with paragraphs wholly inside the column set a line longer or shorter
 * to fill it. Returns every candidate; the caller keeps the best few.
 */
export function fillColumn(w: Walk, start: Pos, firstFloat: number): ColumnFill[] {
  // Every figure that fits where it may go is set there first; then the same column with fewer of them set at its
  // top or where they are referenced (the others wait for a later column), since a figure set early can leave a
  // column a few lines too short for what follows.
  const out: ColumnFill[] = [];
  const first = fillWith(w, start, firstFloat, { top: Infinity, inline: Infinity });
  for (let top = first.top; top >= 0; top--) {
    const most = top === first.top ? first : fillWith(w, start, firstFloat, { top, inline: Infinity });
    out.push(...most.fills);
    for (let inline = most.inline - 1; inline >= 0; inline--)
      out.push(...fillWith(w, start, firstFloat, { top, inline }).fills);
  }
  // Columns two or more lines short are worth keeping only where nothing better exists: a few of them.
  // A column whose figures stand above text it has not reached counts as good only if a later column of the page
  // reaches it, which the page builder decides: keep the poor ones too unless a column is good for sure.
  const good = out.filter((f) => f.cost < COST.gapMany);
  const sure = good.some((f) => f.mustReach < 0 || f.end.item >= f.mustReach);
  const poor = out.filter((f) => f.cost >= COST.gapMany).sort((a, b) => a.cost - b.cost);
  return [...good, ...poor.slice(0, sure ? 2 : 6)];
}

/** How many waiting figures a column may take at its top, and how many where the text refers to them. */
interface Policy {
  top: number;
  inline: number;
}

function fillWith(
  w: Walk,
  start: Pos,
  firstFloat: number,
  policy: Policy,
): { fills: ColumnFill[]; top: number; inline: number } {
  const { flow, cap } = w;
  const { items, floats } = flow;
  const entries: Entry[] = [];
  let h = 0;
  let lastSpace = 0;
  let nf = firstFloat;
  let floatCost = 0;
  const problems: ColumnFill['problems'] = [];
  // A figure may stand at a column top before the text that refers to it if that text comes on the same page.
  const reached = (anchor: number, pos: Pos) => anchor <= pos.item || anchor <= (w.ahead ?? -1);
  let mustReach = -1;
  let topCount = 0;
  let inlineCount = 0;
  // A figure referred to before this column began waits for a column top: it never lands in the middle or at the
  // foot of a later column, further from its text than the top is.
  const before = (anchor: number) => anchor < start.item || (anchor === start.item && start.unit > 0);
  const textAt = (pos: Pos) =>
    w.offsets[pos.item]! +
    (pos.unit > 0
      ? items[pos.item]!.spaceBefore + sum(items[pos.item]!.variants[pos.variant]!.slice(0, pos.unit))
      : 0);

  // Figures waiting from earlier columns go to this column's top, in order, as many as fit.
  while (nf < floats.length && topCount < policy.top) {
    const f = floats[nf]!;
    if (f.span !== 'column' || !reached(f.anchor, start)) break;
    const gap = h > 0 ? Math.max(lastSpace, f.space) : 0;
    if (h + gap + f.height > cap && !(h === 0 && w.full)) break;
    if (f.height > cap) problems.push({ code: 'layout:too-tall', float: nf });
    entries.push({ slot: h + gap, height: f.height, what: { kind: 'float', float: nf } });
    floatCost += COST.floatAway + COST.floatPerSlot * Math.abs(textAt(start) - w.offsets[f.anchor]!);
    if (f.anchor > start.item) mustReach = Math.max(mustReach, f.anchor);
    h += gap + f.height;
    lastSpace = f.space;
    nf++;
    topCount++;
  }

  const out: ColumnFill[] = [];
  const contained = new Contained();
  const variants: [number, number][] = [];
  let pos: Pos = { ...start };
  let begunHere = -1; // the item that began in this column and is still open

  const candidate = (end: Pos, pageBreak: boolean, splitVariants: number[]) => {
    // Figures anchored in this column that did not fit where they were referenced: at the foot, if they fit.
    const footOptions: { entries: Entry[]; height: number; nf: number; cost: number }[] = [
      { entries: [], height: h, nf, cost: 0 },
    ];
    let fh = h;
    let fnf = nf;
    let fcost = 0;
    const feet: Entry[] = [];
    while (fnf < floats.length && !pageBreak) {
      const f = floats[fnf]!;
      if (f.span !== 'column' || f.anchor > end.item || before(f.anchor)) break;
      const gap = fh > 0 ? Math.max(lastSpace, f.space) : 0;
      if (fh + gap + f.height > cap) break;
      feet.push({ slot: fh + gap, height: f.height, what: { kind: 'float', float: fnf } });
      fcost +=
        COST.floatAway +
        COST.floatAtFoot +
        COST.floatPerSlot * Math.max(0, textAt(end) - w.offsets[f.anchor]!);
      fh += gap + f.height;
      fnf++;
      footOptions.push({ entries: [...feet], height: fh, nf: fnf, cost: fcost });
    }
    for (const foot of footOptions) {
      // Before a forced break, or at the end of the flow (unless its last page is being balanced), a short
      // column is what is meant.
      const finished = end.item >= items.length && foot.nf >= floats.length;
      for (const v of splitVariants) {
        const adjusted = adjust(contained, cap - foot.height, pageBreak || (finished && !w.strict));
        if (!adjusted) continue;
        out.push({
          entries: applyVariants(items, [...entries, ...foot.entries], adjusted.choices),
          variants: [
            ...variants,
            ...(end.unit > 0 && begunHere === end.item ? [[end.item, v] as [number, number]] : []),
            ...adjusted.choices,
          ],
          end: end.unit > 0 ? { ...end, variant: begunHere === end.item ? v : end.variant } : end,
          nextFloat: foot.nf,
          height: foot.height + adjusted.delta,
          cost:
            floatCost +
            foot.cost +
            adjusted.cost +
            (end.unit > 0 && begunHere === end.item ? items[end.item]!.variantCost[v]! : 0),
          pageBreak,
          mustReach,
          problems: [...problems],
        });
      }
    }
  };

  for (;;) {
    // Figures referenced just before this point: set here if they fit, else they wait. Never between a head
    // and the lines it keeps with.
    if (pos.unit === 0 && !(items[pos.item - 1]?.keepWithNext ?? 0))
      while (nf < floats.length && inlineCount < policy.inline) {
        const f = floats[nf]!;
        if (f.span !== 'column' || f.anchor > pos.item || before(f.anchor)) break;
        const gap = h > 0 ? Math.max(lastSpace, f.space) : 0;
        if (h + gap + f.height > cap) break;
        entries.push({ slot: h + gap, height: f.height, what: { kind: 'float', float: nf } });
        h += gap + f.height;
        lastSpace = f.space;
        nf++;
        inlineCount++;
      }
    if (pos.item >= items.length) {
      candidate(pos, false, [pos.variant]);
      break;
    }
    const it = items[pos.item]!;
    if (it.pageBreak) {
      candidate(pos, true, [0]);
      break;
    }
    const progressed = h > 0 || entries.length > 0 || pos.item !== start.item || pos.unit !== start.unit;
    if (pos.unit === 0 && progressed && legalBreak(items, pos.item, 0, 0)) candidate(pos, false, [0]);
    const variant = pos.unit === 0 ? 0 : pos.variant;
    const units = it.variants[variant]!;
    if (pos.unit === 0) {
      begunHere = pos.item;
      h += h > 0 ? Math.max(lastSpace, it.spaceBefore) : 0;
    } else {
      // An item continued from the previous column, below the figures set at this column's top.
      if (h > 0) h += lastSpace;
      if (it.repeatHeader > 0) {
        entries.push({ slot: h, height: it.repeatHeader, what: { kind: 'header', item: pos.item } });
        h += it.repeatHeader;
      }
    }
    let u = pos.unit;
    const from = u;
    const slot = h;
    let stop = false;
    for (; u < units.length; u++) {
      if (u > from) {
        // A break before unit u of this item: in which of its variants is it allowed here?
        const vs =
          begunHere === pos.item && from === 0
            ? it.variants
                .map((_, k) => k)
                .filter((k) => samePrefix(it, k, u) && legalBreak(items, pos.item, k, u))
            : legalBreak(items, pos.item, variant, u)
              ? [variant]
              : [];
        if (vs.length) {
          entries.push({ slot, height: h - slot, what: { kind: 'units', item: pos.item, from, to: u } });
          candidate({ item: pos.item, variant, unit: u }, false, vs);
          entries.pop();
        }
      }
      if (h + units[u]! > cap + contained.shrinkable && (h > 0 || u > from)) {
        stop = true;
        break;
      }
      h += units[u]!;
    }
    if (u > from)
      entries.push({ slot, height: h - slot, what: { kind: 'units', item: pos.item, from, to: u } });
    if (stop) break;
    // The item is set whole in this column: a paragraph that began here may still be set a line longer or shorter.
    if (begunHere === pos.item && from === 0 && it.variants.length > 1)
      contained.add(
        pos.item,
        it.variants.slice(1).map((vu, k) => [sum(vu) - sum(units), it.variantCost[k + 1]!, k + 1]),
      );
    lastSpace = it.spaceAfter;
    pos = { item: pos.item + 1, variant: 0, unit: 0 };
  }
  return { fills: out, top: topCount, inline: inlineCount };
}

/** Whether variant k of an item has the same unit heights as variant 0 before unit u (lines of a paragraph). */
function samePrefix(it: FlowItem, k: number, u: number): boolean {
  if (k === 0) return true;
  const a = it.variants[0]!;
  const b = it.variants[k]!;
  if (b.length <= u) return false;
  for (let j = 0; j < u; j++) if (a[j] !== b[j]) return false;
  return true;
}

/**
 * Fills a column's gap (or makes room when it is overfull) with the variants of paragraphs wholly inside it,
 * at the least cost; undefined when the column cannot be made to fit. `free`: a short column costs nothing
 * (before a forced break, at the end of the flow).
 */
function adjust(
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
function applyVariants(
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
