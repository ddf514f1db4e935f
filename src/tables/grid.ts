import type { Place } from '../diagnostics/diagnostic.js';

/** A cell as read from the file, before the schema decides what it is. */
export interface Cell {
  value: string | number | boolean | Date | undefined;
  /** Decimals of a percent number format (XLSX): the cell shows value × 100 with a % sign. */
  percent?: number;
  /** An XLSX error value (#DIV/0!) or a formula without a saved result. */
  problem?: string;
  place: Place;
}

/** A table as read from its file: rows of cells, each placed in the file, before a header is looked for. */
export interface Grid {
  file: string;
  rows: { cells: Cell[]; place: Place }[];
  /** The file was decoded with replacement characters (U+FFFD) for bytes not in its encoding. */
  lossy?: string;
}

/** True for a missing cell, or one holding nothing but blanks (a cell with a problem is never empty). */
export const isEmpty = (c: Cell | undefined) =>
  !c ||
  (c.problem === undefined &&
    (c.value === undefined || (typeof c.value === 'string' && c.value.trim() === '')));

/** A cell's value as text, trimmed: dates as ISO dates. */
export const cellText = (c: Cell): string =>
  c.value instanceof Date ? dateText(c.value) : c.value === undefined ? '' : String(c.value).trim();

/** A date as ISO text: the day alone when it has no time of day. */
export function dateText(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}
