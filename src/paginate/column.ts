import { adjust, Contained, COST } from './adjust.js';
import {
  legalBreak,
  samePrefix,
  sum,
  type ColumnFill,
  type Entry,
  type FillEntries,
  type Pos,
} from './fill.js';
import { noteArea, type Flow, type FlowItem, type NoteRef } from './types.js';

export { COST, gapCost } from './adjust.js';

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
  const good: ColumnFill[] = [];
  const poor: ColumnFill[] = [];
  const take = (walk: ColumnWalk) => {
    good.push(...walk.out);
    poor.push(...walk.poor);
    return walk;
  };
  const first = take(fillWith(w, start, firstFloat, { top: Infinity, inline: Infinity }));
  for (let top = first.topCount; top >= 0; top--) {
    const most =
      top === first.topCount ? first : take(fillWith(w, start, firstFloat, { top, inline: Infinity }));
    for (let inline = most.inlineCount - 1; inline >= 0; inline--)
      take(fillWith(w, start, firstFloat, { top, inline }));
  }
  // Columns two or more lines short are worth keeping only where nothing better exists: a few of them.
  // A column whose figures stand above text it has not reached counts as good only if a later column of the page
  // reaches it, which the page builder decides: keep the poor ones too unless a column is good for sure.
  const sure = good.some((f) => f.mustReach < 0 || f.end.item >= f.mustReach);
  poor.sort((a, b) => a.cost - b.cost);
  return [...good, ...poor.slice(0, sure ? 2 : POOR_KEPT)];
}

/**
 * Poor columns (two or more lines short) a column fill keeps at most: each walk keeps its cheapest this many (the
 * earliest found among equals), so the fill's cheapest few are among them. Three in four candidates of the sample
 * are poor; they are not built at all when a walk has this many cheaper ones.
 */
const POOR_KEPT = 6;

/** How many waiting figures a column may take at its top, and how many where the text refers to them. */
interface Policy {
  top: number;
  inline: number;
}

function fillWith(w: Walk, start: Pos, firstFloat: number, policy: Policy): ColumnWalk {
  const walk = new ColumnWalk(w, start, firstFloat, policy);
  walk.setTopFloats();
  walk.setText();
  return walk;
}

/** One way of filling a column, walked unit by unit: what is set so far, and the candidates found on the way. */
class ColumnWalk {
  /** The good candidates found, in order; the cheapest poor ones (at most POOR_KEPT), in order. */
  readonly out: ColumnFill[] = [];
  readonly poor: ColumnFill[] = [];
  readonly entries: Entry[] = [];
  /** Slots used so far, and the space the last thing set wants after it. */
  h = 0;
  lastSpace = 0;
  nf: number;
  floatCost = 0;
  readonly problems: ColumnFill['problems'] = [];
  mustReach = -1;
  topCount = 0;
  inlineCount = 0;
  readonly contained = new Contained();
  /** The problems of the walk's top figures, once text is being set (they no longer change): its candidates share it. */
  private problemsSeen: ColumnFill['problems'] | undefined;
  /** The item that began in this column and is still open. */
  begunHere = -1;
  /** The footnotes of the units set so far, and their lines: they take the column's foot. */
  readonly noteRefs: NoteRef[] = [];
  noteSlots = 0;

  constructor(
    private readonly w: Walk,
    private readonly start: Pos,
    firstFloat: number,
    private readonly policy: Policy,
  ) {
    this.nf = firstFloat;
  }

  /** A figure may stand at a column top before the text that refers to it if that text comes on the same page. */
  private reached(anchor: number, pos: Pos): boolean {
    return anchor <= pos.item || anchor <= (this.w.ahead ?? -1);
  }

  /**
   * A figure referred to before this column began waits for a column top: it never lands in the middle or at the
   * foot of a later column, further from its text than the top is.
   */
  private before(anchor: number): boolean {
    return anchor < this.start.item || (anchor === this.start.item && this.start.unit > 0);
  }

  private textAt(pos: Pos): number {
    const items = this.w.flow.items;
    return (
      this.w.offsets[pos.item]! +
      (pos.unit > 0
        ? items[pos.item]!.spaceBefore + sum(items[pos.item]!.variants[pos.variant]!.slice(0, pos.unit))
        : 0)
    );
  }

  /** Figures waiting from earlier columns go to this column's top, in order, as many as fit. */
  setTopFloats(): void {
    const { floats } = this.w.flow;
    while (this.nf < floats.length && this.topCount < this.policy.top) {
      const f = floats[this.nf]!;
      if (f.span !== 'column' || !this.reached(f.anchor, this.start)) break;
      const gap = this.h > 0 ? Math.max(this.lastSpace, f.space) : 0;
      if (this.h + gap + f.height > this.w.cap && !(this.h === 0 && this.w.full)) break;
      if (f.height > this.w.cap) this.problems.push({ code: 'layout:too-tall', float: this.nf });
      this.entries.push({ slot: this.h + gap, height: f.height, what: { kind: 'float', float: this.nf } });
      this.floatCost +=
        COST.floatAway + COST.floatPerSlot * Math.abs(this.textAt(this.start) - this.w.offsets[f.anchor]!);
      if (f.anchor > this.start.item) this.mustReach = Math.max(this.mustReach, f.anchor);
      this.h += gap + f.height;
      this.lastSpace = f.space;
      this.nf++;
      this.topCount++;
    }
  }

  /** The slots above the column's footnotes. */
  private get room(): number {
    return this.w.cap - noteArea(this.noteSlots);
  }

  /** Figures referenced just before `pos`: set here if they fit, else they wait. */
  private setInlineFloats(pos: Pos): void {
    const { floats } = this.w.flow;
    while (this.nf < floats.length && this.inlineCount < this.policy.inline) {
      const f = floats[this.nf]!;
      if (f.span !== 'column' || f.anchor > pos.item || this.before(f.anchor)) break;
      const gap = this.h > 0 ? Math.max(this.lastSpace, f.space) : 0;
      if (this.h + gap + f.height > this.room) break;
      this.entries.push({ slot: this.h + gap, height: f.height, what: { kind: 'float', float: this.nf } });
      this.h += gap + f.height;
      this.lastSpace = f.space;
      this.nf++;
      this.inlineCount++;
    }
  }

  /** Ways to end the column at `end`: without, or with, the figures anchored in it that fit at its foot. */
  private footOptions(end: Pos, pageBreak: boolean) {
    const { floats } = this.w.flow;
    const options: { entries: Entry[]; height: number; nf: number; cost: number }[] = [
      { entries: [], height: this.h, nf: this.nf, cost: 0 },
    ];
    let fh = this.h;
    let fnf = this.nf;
    let fcost = 0;
    const feet: Entry[] = [];
    while (fnf < floats.length && !pageBreak) {
      const f = floats[fnf]!;
      if (f.span !== 'column' || f.anchor > end.item || this.before(f.anchor)) break;
      const gap = fh > 0 ? Math.max(this.lastSpace, f.space) : 0;
      if (fh + gap + f.height > this.room) break;
      feet.push({ slot: fh + gap, height: f.height, what: { kind: 'float', float: fnf } });
      fcost +=
        COST.floatAway +
        COST.floatAtFoot +
        COST.floatPerSlot * Math.max(0, this.textAt(end) - this.w.offsets[f.anchor]!);
      fh += gap + f.height;
      fnf++;
      options.push({ entries: [...feet], height: fh, nf: fnf, cost: fcost });
    }
    return options;
  }

  /**
   * The column ending at `end` (the item there set in one of `splitVariants`), in every way that fits. `tailSlot`:
   * where the units of the item still open begin (when the column ends inside it, at `end.unit`), from unit
   * `tailFrom`. Thousands of candidates are weighed in a document: each is made with as little as it needs.
   */
  private candidate(
    end: Pos,
    pageBreak: boolean,
    splitVariants: readonly number[],
    tailSlot = -1,
    tailFrom = 0,
  ): void {
    const { items, floats } = this.w.flow;
    const split = end.unit > 0 && this.begunHere === end.item;
    const notes = noteArea(this.noteSlots);
    for (const foot of this.footOptions(end, pageBreak)) {
      // Before a forced break, or at the end of the flow (unless its last page is being balanced), a short
      // column is what is meant.
      const finished = end.item >= items.length && foot.nf >= floats.length;
      // The paragraphs wholly inside the column fill its gap the same way whichever variant ends it.
      const adjusted = adjust(
        this.contained,
        this.room - foot.height,
        pageBreak || (finished && !this.w.strict),
      );
      if (!adjusted) continue;
      for (const v of splitVariants) {
        const cost =
          this.floatCost + foot.cost + adjusted.cost + (split ? items[end.item]!.variantCost[v]! : 0);
        const list = cost < COST.gapMany ? this.out : this.poor;
        if (list === this.poor && !this.roomForPoor(cost)) continue;
        const text = foot.height + adjusted.delta;
        const entries: FillEntries = {
          base: this.entries,
          count: this.entries.length,
          foot: foot.entries,
          choices: adjusted.choices,
        };
        if (tailSlot >= 0)
          entries.tail = {
            slot: tailSlot,
            height: this.h - tailSlot,
            what: { kind: 'units', item: end.item, from: tailFrom, to: end.unit },
          };
        // The footnotes of the column below its text (the page builder moves them to the foot of a full one).
        if (notes)
          entries.notes = { slot: text, height: notes, what: { kind: 'notes', refs: [...this.noteRefs] } };
        list.push({
          entries,
          // Read only from here on: a candidate may share its lists with others of the walk.
          variants: split ? [[end.item, v], ...adjusted.choices] : adjusted.choices,
          end: end.unit > 0 ? { ...end, variant: split ? v : end.variant } : end,
          nextFloat: foot.nf,
          height: text + notes,
          cost,
          pageBreak,
          mustReach: this.mustReach,
          problems: (this.problemsSeen ??= [...this.problems]),
        });
      }
    }
  }

  /**
   * Whether a poor candidate of this cost is kept: there is room, or it is cheaper than the dearest kept (the
   * latest of equals), which goes.
   */
  private roomForPoor(cost: number): boolean {
    if (this.poor.length < POOR_KEPT) return true;
    let worst = 0;
    for (let i = 1; i < this.poor.length; i++) if (this.poor[i]!.cost >= this.poor[worst]!.cost) worst = i;
    if (cost >= this.poor[worst]!.cost) return false;
    this.poor.splice(worst, 1);
    return true;
  }

  /** The text from the start, item by item, with a candidate at every place the column may end. */
  setText(): void {
    const { items } = this.w.flow;
    let pos: Pos = { ...this.start };
    for (;;) {
      // Never between a head and the lines it keeps with.
      if (pos.unit === 0 && !(items[pos.item - 1]?.keepWithNext ?? 0)) this.setInlineFloats(pos);
      if (pos.item >= items.length) {
        this.candidate(pos, false, [pos.variant]);
        return;
      }
      const it = items[pos.item]!;
      if (it.pageBreak) {
        this.candidate(pos, true, [0]);
        return;
      }
      const progressed =
        this.h > 0 || this.entries.length > 0 || pos.item !== this.start.item || pos.unit !== this.start.unit;
      if (pos.unit === 0 && progressed && legalBreak(items, pos.item, 0, 0)) this.candidate(pos, false, [0]);
      if (!this.setUnits(pos, it)) return;
      // The item is set whole in this column: a paragraph that began here may still be set a line longer or
      // shorter.
      const units = it.variants[pos.unit === 0 ? 0 : pos.variant]!;
      if (this.begunHere === pos.item && pos.unit === 0 && it.variants.length > 1)
        this.contained.add(
          pos.item,
          it.variants.slice(1).map((vu, k) => [sum(vu) - sum(units), it.variantCost[k + 1]!, k + 1]),
        );
      this.lastSpace = it.spaceAfter;
      pos = { item: pos.item + 1, variant: 0, unit: 0 };
    }
  }

  /** The units of the item at `pos` that fit, with a candidate at each legal break; false when the column is full. */
  private setUnits(pos: Pos, it: FlowItem): boolean {
    const items = this.w.flow.items;
    const variant = pos.unit === 0 ? 0 : pos.variant;
    const units = it.variants[variant]!;
    if (pos.unit === 0) {
      this.begunHere = pos.item;
      this.h += this.h > 0 ? Math.max(this.lastSpace, it.spaceBefore) : 0;
    } else {
      // An item continued from the previous column, below the figures set at this column's top.
      if (this.h > 0) this.h += this.lastSpace;
      if (it.repeatHeader > 0) {
        this.entries.push({
          slot: this.h,
          height: it.repeatHeader,
          what: { kind: 'header', item: pos.item },
        });
        this.h += it.repeatHeader;
      }
    }
    const from = pos.unit;
    const slot = this.h;
    let u = from;
    let full = false;
    for (; u < units.length; u++) {
      if (u > from) {
        // A break before unit u of this item: in which of its variants is it allowed here?
        const vs = this.begunHere === pos.item && from === 0 ? breakVariants(items, pos.item, u) : undefined;
        if (vs ? vs.length > 0 : legalBreak(items, pos.item, variant, u))
          this.candidate({ item: pos.item, variant, unit: u }, false, vs ?? [variant], slot, from);
      }
      // A unit comes with the footnotes it refers to, or goes to the next column with them.
      const notes = variant === 0 ? (it.notes?.[u] ?? []) : [];
      const noteSlots = notes.reduce((a, b) => a + b, 0);
      if (
        this.h + units[u]! + noteArea(this.noteSlots + noteSlots) > this.w.cap + this.contained.shrinkable &&
        (this.h > 0 || u > from)
      ) {
        full = true;
        break;
      }
      this.h += units[u]!;
      this.noteSlots += noteSlots;
      notes.forEach((_, note) => this.noteRefs.push({ item: pos.item, unit: u, note }));
    }
    if (u > from)
      this.entries.push({
        slot,
        height: this.h - slot,
        what: { kind: 'units', item: pos.item, from, to: u },
      });
    return !full;
  }
}

/** The variants of item i (begun in this column) in which a break before unit u is allowed. */
function breakVariants(items: readonly FlowItem[], i: number, u: number): number[] {
  const it = items[i]!;
  const out: number[] = [];
  for (let k = 0; k < it.variants.length; k++)
    if (samePrefix(it, k, u) && legalBreak(items, i, k, u)) out.push(k);
  return out;
}
