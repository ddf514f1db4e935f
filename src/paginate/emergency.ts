import { COST, gapCost } from './adjust.js';
import type { ColumnFill, Pos } from './fill.js';
import { noteArea, type Flow } from './types.js';

/** When no column break obeys the rules: set what fits (at least one unit), and say which rule gave way. */
export function emergency(flow: Flow, start: Pos, nf: number, cap: number, full: boolean): ColumnFill {
  const empty: ColumnFill = {
    entries: { base: [], count: 0, foot: [], choices: [] },
    variants: [],
    end: start,
    nextFloat: nf,
    height: 0,
    cost: gapCost(cap) + COST.forcedBreak,
    pageBreak: false,
    mustReach: -1,
    problems: [{ code: 'layout:foot-gap' }],
  };
  // A column with less than a page's room stays empty: the next may have room enough.
  if (!full) return empty;
  const it = flow.items[start.item];
  if (!it) return empty;
  const units = it.variants[start.unit > 0 ? start.variant : 0]!;
  let h = 0;
  let u = start.unit;
  while (u < units.length && (h === 0 || h + units[u]! <= cap)) h += units[u++]!;
  const end = u >= units.length ? { item: start.item + 1, variant: 0, unit: 0 } : { ...start, unit: u };
  // The footnotes of what is set come too, even where they do not fit (the overflow check reports it).
  const refs =
    it.notes
      ?.slice(start.unit, u)
      .flatMap((ns, k) => ns.map((_, note) => ({ item: start.item, unit: start.unit + k, note }))) ?? [];
  const notes = noteArea(refs.reduce((a, r) => a + it.notes![r.unit]![r.note]!, 0));
  return {
    ...empty,
    entries: {
      base: [{ slot: 0, height: h, what: { kind: 'units', item: start.item, from: start.unit, to: u } }],
      count: 1,
      foot: [],
      choices: [],
      ...(notes ? { notes: { slot: h, height: notes, what: { kind: 'notes' as const, refs } } } : {}),
    },
    end,
    height: h + notes,
    cost: COST.forcedBreak,
    problems: [{ code: h > cap ? 'layout:too-tall' : 'layout:keep', item: start.item }],
  };
}
