/**
 * The page builder's model. Heights are in slots: whole lines of the body pitch, so that everything placed keeps
 * every body baseline on the page's grid (clreq: headings, figures and tables take whole lines).
 */

/** One element of a flow of column text, in reading order: a paragraph, a head, a table, a pull quote. */
export interface FlowItem {
  /**
   * The heights of the item's units (lines, table rows) in each way it can be set; variant 0 is the preferred
   * one. A paragraph has a variant one line longer or shorter where the line breaker found one good enough.
   */
  variants: readonly (readonly number[])[];
  /** What each variant costs (0 for the preferred one). */
  variantCost: readonly number[];
  /** Whether the item may be split between columns (between its units). */
  breakable: boolean;
  /** Units that must stay before a break inside the item (2 for paragraphs: no orphan at a column foot). */
  minBefore: number;
  /** Units that must follow a break inside the item (2 for paragraphs: no widow at a column top). */
  minAfter: number;
  /** Units of the next item that must stand in the same column as this item's end (a head keeps 2 lines). */
  keepWithNext: number;
  /** Space above the item, in slots, dropped at the top of a column. */
  spaceBefore: number;
  /** Space below the item, in slots, dropped at the foot of a column. */
  spaceAfter: number;
  /** Slots repeated at the top of every further column the item runs into (a table's header row). */
  repeatHeader: number;
  /** A forced page break: the flow goes on at the top of the next page. */
  pageBreak?: boolean;
  /**
   * Footnotes referred to in each unit (of variant 0: an item with notes has no other), their heights in slots:
   * each is set at the foot of the column its unit lands in, below a slot for the rule over the notes.
   */
  notes?: readonly (readonly number[])[];
}

/** A footnote: the item and unit that refer to it, and which of that unit's notes it is. */
export interface NoteRef {
  item: number;
  unit: number;
  note: number;
}

/** Slots the notes of a column take: their lines and one for the rule above them (none without notes). */
export const noteArea = (slots: number): number => (slots > 0 ? slots + 1 : 0);

/** A figure that floats: anchored where the text refers to it, placed where it fits nearest to that. */
export interface FlowFloat {
  /** The index of the item before which the figure is anchored (`items.length`: after the last item). */
  anchor: number;
  /** Height in slots, its spacing excluded. */
  height: number;
  /** Within a column, or across all the columns of a page (at the page's top). */
  span: 'column' | 'page';
  /** Slots of space between the figure and text above or below it (dropped at a column's top and foot). */
  space: number;
}

/** A flow: column text and the figures anchored in it. */
export interface Flow {
  items: readonly FlowItem[];
  floats: readonly FlowFloat[];
}

/** Where a flow is set: its columns and where on which page it begins. */
export interface Frame {
  columns: number;
  /** Slots in a full column. */
  slots: number;
  /** The page the flow begins on and the slot it begins at (below a masthead or an earlier block). */
  startPage: number;
  startSlot: number;
  /** Balance the columns of the flow's last page (at the end of a document, and before spanning content). */
  balance: boolean;
}

/** Something placed: a run of an item's units, a repeated table header, or a figure. */
export type Placed =
  | { kind: 'units'; item: number; from: number; to: number }
  | { kind: 'header'; item: number }
  | { kind: 'float'; float: number }
  | { kind: 'notes'; refs: readonly NoteRef[] };

/** A placement: on which page, in which column (-1: across the columns), from which slot, how tall. */
export interface Placement {
  page: number;
  column: number;
  slot: number;
  height: number;
  what: Placed;
}

/** Something the page builder had to accept against the rules, for a warning with the item's place. */
export interface MakeupProblem {
  code:
    | 'layout:widow'
    | 'layout:orphan'
    | 'layout:foot-gap'
    | 'layout:too-tall'
    | 'layout:keep'
    | 'layout:balance';
  item?: number;
  float?: number;
  page: number;
  column: number;
}

/** The flow laid out: placements in reading order, the variant chosen for each item, and where it ended. */
export interface FlowLayout {
  placements: Placement[];
  variants: number[];
  /** The page on which the flow ends, and the first slot below its tallest column there. */
  endPage: number;
  endSlot: number;
  cost: number;
  problems: MakeupProblem[];
}
