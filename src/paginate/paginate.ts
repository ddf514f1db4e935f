import { COST, fillColumn, gapCost } from './column.js';
import { entriesOf, naturalOffsets, type ColumnFill, type Entry, type Pos } from './fill.js';
import { emergency } from './emergency.js';
import { keptLayout } from './kept.js';
import type { Flow, FlowItem, FlowLayout, Frame, MakeupProblem, Placement } from './types.js';

/** How widely the page builder searches, and a callback that stops a runaway flow (page and time limits). */
export interface PaginateOptions {
  /** States kept per column: more finds better pages in hard cases, at a cost in time. */
  beam?: number;
  /** Called once per column with the page it is on; throws to stop. */
  check?: (page: number) => void;
}

/** Page-wide figures set at a page's top: how much of it they take, and what they oblige the page to reach. */
interface Top {
  reserve: number;
  mustReach: number;
  nf: number;
  cost: number;
  entries: Entry[];
  tooTall: number[];
}

interface State {
  pos: Pos;
  nextFloat: number;
  /** The flow's column (0-based, counting every column of every page) this state fills next. */
  column: number;
  /** Slots at the top of the current page taken by figures that span the columns. */
  reserve: number;
  /** The item the text must reach before this page ends (figures on it refer to text still to come). */
  mustReach: number;
  cost: number;
  parent?: State;
  /** The column that led here: its index, its fill, and any page-wide figures set at its page's top. */
  filled?: { column: number; fill: ColumnFill; pageTop: Entry[] };
}

const key = (s: State) =>
  `${s.pos.item}:${s.pos.unit}:${s.pos.unit > 0 ? s.pos.variant : 0}:${s.nextFloat}:${s.reserve}:${s.mustReach}`;

/**
 * Lays a flow out in columns over pages, choosing every column break for the whole flow rather than one column
 * at a time: a beam search over the columns, each state a place in the text and the figures still to set, each
 * step one column filled in every way the rules allow (src/paginate/column.ts). The cheapest way through wins:
 * no widows or orphans, heads with their first two lines, columns full to the foot (a line short at most, where
 * a paragraph a line longer cannot fill it), figures near their text. Where the frame asks for it, the flow's
 * last page is balanced: every way of reaching a page from which the rest fits on one page is tried with the
 * rest set in columns of equal height, and weighed against the others. A flow laid out before in this process
 * (the same model, frame and search) is taken as it was laid out (kept.ts).
 */
export function paginate(flow: Flow, frame: Frame, options: PaginateOptions = {}): FlowLayout {
  return keptLayout([flow, frame, options.beam ?? null], options.check, () =>
    searchWidening(flow, frame, options),
  );
}

function searchWidening(flow: Flow, frame: Frame, options: PaginateOptions): FlowLayout {
  // Most flows come out clean with a narrow search; one that does not is searched again, wider.
  let layout = search(flow, frame, options, options.beam ?? 24);
  if (options.beam === undefined)
    for (const beam of [96, 256]) {
      if (layout.problems.length === 0) break;
      const wider = search(flow, frame, options, beam);
      if (wider.problems.length < layout.problems.length || wider.cost < layout.cost) layout = wider;
    }
  return layout;
}

function search(flow: Flow, frame: Frame, options: PaginateOptions, beam: number): FlowLayout {
  const start: State = {
    pos: { item: 0, variant: 0, unit: 0 },
    nextFloat: 0,
    column: 0,
    reserve: 0,
    mustReach: -1,
    cost: 0,
  };
  const s = new Search(flow, frame, options, beam);
  // Figures set above the text they refer to oblige the page to reach that text; if every way the beam kept
  // broke such a promise, search again with figures only after their text (always possible, by forced columns).
  let last = s.find(start, false, Infinity);
  if (!last) {
    s.speculate = false;
    last = s.find(start, false, Infinity);
  }
  if (!last) throw new Error('the page builder found no layout');
  return layoutOf(path(last), frame, flow.items);
}

/** One beam search over a flow's columns: the states, the steps between them, and the last page's balancing. */
class Search {
  private readonly offsets: number[];
  private readonly n: number;
  private readonly balance: boolean;
  /** Whether figures may stand above the text they refer to (on the same page). */
  speculate = true;

  constructor(
    private readonly flow: Flow,
    private readonly frame: Frame,
    private readonly options: PaginateOptions,
    private readonly beam: number,
  ) {
    this.offsets = naturalOffsets(flow);
    this.n = frame.columns;
    this.balance = frame.balance && this.n > 1;
  }

  private topSlot(column: number): number {
    return column < this.n ? this.frame.startSlot : 0;
  }
  private capOf(column: number): number {
    return this.frame.slots - this.topSlot(column);
  }
  private done(s: State): boolean {
    return s.pos.item >= this.flow.items.length && s.nextFloat >= this.flow.floats.length;
  }
  private textAt(pos: Pos): number {
    const it = this.flow.items[pos.item];
    if (!it || pos.unit === 0) return this.offsets[pos.item]!;
    return (
      this.offsets[pos.item]! +
      it.spaceBefore +
      it.variants[pos.variant]!.slice(0, pos.unit).reduce((a, b) => a + b, 0)
    );
  }
  private remaining(s: State): number {
    return (
      this.offsets.at(-1)! -
      this.textAt(s.pos) +
      this.flow.floats.slice(s.nextFloat).reduce((a, f) => a + f.height + f.space, 0)
    );
  }

  /** One column filled from `s` in every allowed way; `height` caps the column (balancing). */
  private step(s: State, c: number, strict: boolean, height = Infinity): State[] {
    const { flow, offsets, n } = this;
    // Text this page can still take: figures referred to within it may stand above their text on the page.
    const room = (this.capOf(c) - (c % n === 0 ? 0 : s.reserve)) * (n - (c % n));
    const here = this.textAt(s.pos);
    let ahead = s.pos.item;
    while (this.speculate && ahead < flow.items.length && offsets[ahead + 1]! - here <= room) ahead++;
    const tops: Top[] = [
      {
        reserve: c % n === 0 ? 0 : s.reserve,
        mustReach: c % n === 0 ? -1 : s.mustReach,
        nf: s.nextFloat,
        cost: 0,
        entries: [],
        tooTall: [],
      },
    ];
    if (c % n === 0) {
      // A new page: figures that span the columns, referred to before it or on it, go to its top — as many as
      // fit, or fewer (a figure set early can leave the page's text no good break).
      for (let nf = s.nextFloat; nf < flow.floats.length; nf++) {
        const f = flow.floats[nf]!;
        const prev = tops.at(-1)!;
        if (f.span !== 'page' || f.anchor > ahead) break;
        // Only a page with its whole height takes a figure too tall for it (and reports it).
        if (
          prev.reserve + f.height + f.space > this.capOf(c) &&
          !(prev.reserve === 0 && this.topSlot(c) === 0)
        )
          break;
        tops.push({
          reserve: prev.reserve + f.height + f.space,
          mustReach: f.anchor > s.pos.item ? Math.max(prev.mustReach, f.anchor) : prev.mustReach,
          nf: nf + 1,
          cost: prev.cost + COST.floatAway + COST.floatPerSlot * Math.abs(here - offsets[f.anchor]!),
          entries: [
            ...prev.entries,
            { slot: prev.reserve, height: f.height, what: { kind: 'float', float: nf } },
          ],
          tooTall: f.height > this.capOf(c) ? [...prev.tooTall, nf] : prev.tooTall,
        });
      }
      // Figures referred to before this page are not left waiting by choice.
      const owed = tops.findLastIndex((t) =>
        flow.floats.slice(s.nextFloat, t.nf).every((f) => f.anchor <= s.pos.item),
      );
      tops.splice(0, Math.max(0, Math.min(owed, tops.length - 1)));
    }
    return tops.flatMap((top) => this.fillsFrom(s, c, strict, height, top, ahead));
  }

  /** The columns that can follow `s` in column c below the page-wide figures of `top`. */
  private fillsFrom(s: State, c: number, strict: boolean, height: number, top: Top, ahead: number): State[] {
    const { flow, offsets } = this;
    const cap = Math.min(this.capOf(c) - top.reserve, height);
    const full = top.reserve === 0 && this.topSlot(c) === 0 && cap === this.frame.slots;
    const fills = fillColumn({ flow, offsets, cap, full, strict, ahead }, s.pos, top.nf);
    const states = this.statesOf(s, c, top, fills);
    // A column with no figures set above its page's text always has a way on, whatever the rules: a forced
    // column (reported), never a dead end.
    if (states.length === 0 && (fills.length === 0 || top.entries.length === 0))
      return this.statesOf(s, c, top, [emergency(flow, s.pos, top.nf, cap, full)]);
    return states;
  }

  /** The states after column c filled from `s` in each of these ways; none where a promise is broken. */
  private statesOf(s: State, c: number, top: Top, fills: ColumnFill[]): State[] {
    const n = this.n;
    return fills.flatMap((fill) => {
      const reach = Math.max(top.mustReach, fill.mustReach);
      const nextPage = fill.pageBreak || (c + 1) % n === 0;
      // The page ends here: the text its figures refer to must have come.
      if (nextPage && reach >= 0 && fill.end.item < reach && fill.end.item < this.flow.items.length)
        return [];
      if (top.tooTall.length)
        fill = {
          ...fill,
          problems: [
            ...fill.problems,
            ...top.tooTall.map((float) => ({ code: 'layout:too-tall' as const, float })),
          ],
        };
      const pageBreak = fill.pageBreak;
      const end = pageBreak ? { item: fill.end.item + 1, variant: 0, unit: 0 } : fill.end;
      return {
        pos: end,
        nextFloat: fill.nextFloat,
        column: pageBreak ? (Math.floor(c / n) + 1) * n : c + 1,
        reserve: top.reserve,
        mustReach: nextPage ? -1 : reach,
        cost: s.cost + top.cost + fill.cost,
        parent: s,
        filled: { column: c, fill, pageTop: top.entries },
      };
    });
  }

  /** How unequal the columns of the page a finished state ends on are: a short column costs as a foot gap. */
  private imbalance(last: State): number {
    const n = this.n;
    if (!this.balance) return 0;
    const page = Math.floor(last.filled!.column / n);
    const heights = new Array<number>(n).fill(0);
    for (let s: State | undefined = last; s?.filled && Math.floor(s.filled.column / n) === page; s = s.parent)
      heights[s.filled.column % n] = s.filled.fill.height;
    const top = Math.max(...heights);
    return heights.reduce((a, h) => a + gapCost(top - h), 0);
  }

  /** The rest of the flow from a page's start, set in columns of equal height on that page; or undefined. */
  private balanced(s: State): State | undefined {
    const c = s.column;
    const lowest = Math.max(1, Math.ceil(this.remaining(s) / this.n) - 1);
    for (let h = lowest; h <= this.capOf(c); h++) {
      const found = this.find(s, true, c + this.n - 1, h);
      if (found && found.cost - s.cost < COST.gapMany) return found;
    }
    return undefined;
  }

  /** The beam search from `from` to the end of the flow, within columns up to `lastColumn`. */
  find(from: State, strict: boolean, lastColumn: number, height?: number): State | undefined {
    const n = this.n;
    const byColumn = new Map<number, Map<string, State>>();
    const push = (s: State) => {
      let m = byColumn.get(s.column);
      if (!m) byColumn.set(s.column, (m = new Map<string, State>()));
      const k = key(s);
      const old = m.get(k);
      if (!old || s.cost < old.cost) m.set(k, s);
    };
    push(from);
    let best: State | undefined;
    const offer = (s: State) => {
      if (!best || s.cost < best.cost) best = s;
    };
    for (let c = from.column; c <= lastColumn && byColumn.size > 0; c++) {
      const here = byColumn.get(c);
      byColumn.delete(c);
      if (!here) continue;
      this.options.check?.(this.frame.startPage + Math.floor(c / n));
      const states = [...here.values()].sort((a, b) => a.cost - b.cost).slice(0, this.beam);
      for (const [rank, s] of states.entries()) {
        if (best && s.cost >= best.cost) continue;
        // From a page's start, the rest may fit on this page: set it balanced, and weigh that too (for the
        // cheapest few ways of reaching the page: balancing is a search of its own).
        if (!strict && this.balance && c % n === 0 && rank < 24 && this.remaining(s) <= n * this.capOf(c)) {
          const b = this.balanced(s);
          if (b) offer(b);
        }
        for (const next of this.step(s, c, strict, height)) {
          if (this.done(next)) offer({ ...next, cost: next.cost + this.imbalance(next) });
          else if (next.column <= lastColumn) push(next);
        }
      }
    }
    return best;
  }
}

/** The states from the first filled column to `last`, in order. */
function path(last: State): State[] {
  const out: State[] = [];
  for (let s: State | undefined = last; s?.filled; s = s.parent) out.push(s);
  return out.reverse();
}

function layoutOf(states: State[], frame: Frame, items: readonly FlowItem[]): FlowLayout {
  const n = frame.columns;
  const placements: Placement[] = [];
  const variants = new Array<number>(items.length).fill(0);
  const problems: MakeupProblem[] = [];
  const tallest = new Map<number, number>();
  for (const s of states) {
    const { column, fill, pageTop } = s.filled!;
    const page = frame.startPage + Math.floor(column / n);
    const top = column < n ? frame.startSlot : 0;
    for (const e of pageTop)
      placements.push({ page, column: -1, slot: top + e.slot, height: e.height, what: e.what });
    for (const e of entriesOf(items, fill.entries))
      placements.push({
        page,
        column: column % n,
        slot: top + s.reserve + e.slot,
        height: e.height,
        what: e.what,
      });
    for (const [item, v] of fill.variants) variants[item] = v;
    for (const p of fill.problems) problems.push({ ...p, page, column: column % n });
    tallest.set(page, Math.max(tallest.get(page) ?? 0, top + s.reserve + fill.height));
  }
  const endPage = Math.max(frame.startPage, ...tallest.keys());
  // Footnotes stand at the foot of their column, except on the flow's last page, where they follow its text.
  for (const pl of placements)
    if (pl.what.kind === 'notes' && pl.page < endPage) pl.slot = frame.slots - pl.height;
  // What the rules could not give: a column two or more lines short of its foot (not before a forced break,
  // not on the last page), or a last page whose columns differ by more than a line.
  const heights = new Map<string, number>();
  for (const s of states) {
    const { column, fill } = s.filled!;
    const page = frame.startPage + Math.floor(column / n);
    const cap = frame.slots - (column < n ? frame.startSlot : 0) - s.reserve;
    heights.set(`${page}:${column % n}`, fill.height);
    if (page < endPage && !fill.pageBreak && cap - fill.height >= 2 && !fill.problems.length)
      problems.push({ code: 'layout:foot-gap', page, column: column % n });
  }
  if (frame.balance && n > 1) {
    const last = Array.from({ length: n }, (_, k) => heights.get(`${endPage}:${k}`) ?? 0);
    if (Math.max(...last) - Math.min(...last) > 1)
      problems.push({ code: 'layout:balance', page: endPage, column: -1 });
  }
  return {
    placements,
    variants,
    endPage,
    endSlot: tallest.get(endPage) ?? frame.startSlot,
    cost: states.at(-1)?.cost ?? 0,
    problems,
  };
}
