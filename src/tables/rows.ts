import path from 'node:path';
import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import { escapePointerToken, type TablePlace } from '../data/load.js';
import type { FieldSet } from '../schema/lookup.js';
import { cellText, dateText, isEmpty, type Cell, type Grid } from './grid.js';
import type { TableRef } from './refs.js';

/**
 * Header and rows: a table's grid of cells becomes objects keyed by its header, each value typed as the schema
 * asks and placed at its cell.
 */

/** A place with the header of its column, when it has one. */
const at = (place: Place, header?: string): Place => (header === undefined ? place : { ...place, header });

/** The header row of a table and the field name of each of its columns (undefined: none, or a repeated one). */
interface Header {
  row: Grid['rows'][number];
  names: (string | undefined)[];
  /** The index of the header row in the grid: the rows after it are the data. */
  index: number;
}

/**
 * The rows of a table as objects keyed by its header, every value placed at its cell in `places` (by JSON
 * pointer), or the diagnostics that keep the table from being used.
 */
export function toRows(
  grid: Grid,
  ref: TableRef,
  schema: FieldSet | undefined,
  places: Map<string, TablePlace>,
): { rows: Record<string, unknown>[]; diagnostics: Diagnostic[] } {
  // Bytes that are not in the file's encoding: say where the first is, before anything reads the garbled text.
  const garbled = encodingProblem(grid, ref);
  if (garbled) return { rows: [], diagnostics: [garbled] };
  const header = readHeader(grid, ref, schema);
  if (Array.isArray(header)) return { rows: [], diagnostics: header };

  const diagnostics: Diagnostic[] = [];
  const rows: Record<string, unknown>[] = [];
  for (const row of grid.rows.slice(header.index + 1)) {
    if (row.cells.every(isEmpty)) continue;
    const pointer = `${ref.pointer}/${rows.length}`;
    rows.push(rowObject(row, pointer, header, schema, places, diagnostics));
  }
  return { rows, diagnostics };
}

/** The first cell whose bytes are not in the file's encoding, as a diagnostic; undefined when all decoded. */
function encodingProblem(grid: Grid, ref: TableRef): Diagnostic | undefined {
  if (!grid.lossy) return undefined;
  const bad = grid.rows
    .flatMap((r) => r.cells)
    .filter((c) => typeof c.value === 'string' && c.value.includes('\ufffd'));
  if (!bad.length) return undefined;
  // The header of the first bad cell's column, when the header itself reads well.
  const headerRow = grid.rows.find((r) => r.cells.some((c) => !isEmpty(c)));
  const row = grid.rows.find((r) => r.cells.includes(bad[0]!));
  const head =
    row && headerRow && row !== headerRow ? headerRow.cells[row.cells.indexOf(bad[0]!)] : undefined;
  const header = head && !isEmpty(head) && !cellText(head).includes('\ufffd') ? cellText(head) : undefined;
  const detected = ref.encoding === undefined;
  return error(
    'data:table-encoding',
    `bytes that are not ${grid.lossy} in ${path.basename(grid.file)}${bad.length > 1 ? ` (this cell and ${bad.length - 1} more)` : ''}`,
    {
      place: at(bad[0]!.place, header),
      pointer: ref.pointer,
      hint: detected
        ? 'the file is neither UTF-8 nor GB18030/GBK: save it as UTF-8, or name its encoding ({ $csv: …, encoding: big5 })'
        : grid.lossy === 'UTF-8'
          ? 'the file is not UTF-8: leave out encoding: to detect GB18030/GBK, or name the right one'
          : `the file is not ${grid.lossy}: name the right encoding, or leave out encoding: to detect UTF-8 and GB18030`,
    },
  );
}

/**
 * The header: the first row that is not empty. Its names must be distinct and, when the schema names the fields,
 * be fields of it (did-you-mean), and name every field the schema requires.
 */
function readHeader(grid: Grid, ref: TableRef, schema: FieldSet | undefined): Header | Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const first = grid.rows.findIndex((r) => r.cells.some((c) => !isEmpty(c)));
  if (first < 0)
    return [
      error('data:table-header', `table ${path.basename(grid.file)} is empty: it has no header row`, {
        place: grid.rows[0]?.place ?? { file: grid.file },
        pointer: ref.pointer,
        hint: 'the first row of a table names its columns with the field names, then one row per item',
      }),
    ];
  const headerRow = grid.rows[first]!;
  const headers: (string | undefined)[] = [];
  const seen = new Map<string, Cell>();
  const known = schema ? [...schema.fields.keys()] : [];
  const suggested = new Set<string>();
  headerRow.cells.forEach((cell) => {
    const h = cellText(cell).normalize('NFC');
    if (h === '') {
      headers.push(undefined);
      return;
    }
    const twice = seen.get(h);
    if (twice) {
      diagnostics.push(
        error('data:table-header', `column "${h}" appears twice in the header`, {
          place: cell.place,
          pointer: ref.pointer,
          hint: 'each column needs its own field name',
          related: [{ place: twice.place, message: 'first here' }],
        }),
      );
      headers.push(undefined);
      return;
    }
    seen.set(h, cell);
    headers.push(h);
    if (!schema || schema.fields.has(h)) return;
    const close = nearest(
      h,
      known.filter((k) => !headerRow.cells.some((c) => cellText(c) === k)),
    );
    if (close) suggested.add(close);
    if (close || schema.closed)
      diagnostics.push(
        error('data:table-header', `unknown column "${h}": the schema has no such field`, {
          place: cell.place,
          pointer: ref.pointer,
          hint: close
            ? `did you mean "${close}"?`
            : `the header must name fields of the schema: ${known.join(', ')}`,
        }),
      );
  });
  if (schema)
    for (const field of schema.required)
      if (!seen.has(field) && !suggested.has(field))
        diagnostics.push(
          error('data:table-header', `no column "${field}", a field every row needs`, {
            place: headerRow.place,
            pointer: ref.pointer,
            hint: `add a column headed "${field}"`,
          }),
        );
  return diagnostics.length ? diagnostics : { row: headerRow, names: headers, index: first };
}

/**
 * One data row as an object keyed by the header, its values converted as the schema asks; places every value
 * (and the row) in `places`, and adds what is wrong with a cell to `diagnostics`.
 */
function rowObject(
  row: Grid['rows'][number],
  pointer: string,
  columns: Header,
  schema: FieldSet | undefined,
  places: Map<string, TablePlace>,
  diagnostics: Diagnostic[],
): Record<string, unknown> {
  const headerRow = columns.row;
  const headers = columns.names;
  places.set(pointer, { value: row.place });
  const obj: Record<string, unknown> = {};
  row.cells.forEach((cell, i) => {
    const header = headers[i];
    if (header === undefined) {
      if (!isEmpty(cell))
        diagnostics.push(
          error('data:table-header', 'a value in a column without a header', {
            place: cell.place,
            pointer,
            hint: 'give the column a header (a field name), or delete the value',
          }),
        );
      return;
    }
    const cellPointer = `${pointer}/${escapePointerToken(header)}`;
    places.set(cellPointer, { value: at(cell.place, header), key: at(headerRow.cells[i]!.place, header) });
    if (cell.problem !== undefined) {
      diagnostics.push(
        error('data:table-cell', `the cell holds ${cell.problem}`, {
          place: at(cell.place, header),
          pointer: cellPointer,
          hint: cell.problem.startsWith('a formula')
            ? 'open the workbook in Excel, WPS or LibreOffice and save it, so that formulas have their results'
            : 'correct the formula or the value in the workbook',
        }),
      );
      return;
    }
    if (isEmpty(cell)) return;
    const types = schema?.fields.get(header) ?? new Set<string>();
    const v = convert(cell, types);
    if (v === undefined) {
      diagnostics.push(
        error('data:table-number', `expected a number, got ${JSON.stringify(cellText(cell))}`, {
          place: at(cell.place, header),
          pointer: cellPointer,
          hint: 'a number may have thousands separators (1,234.5), a percent sign (8.7% is read as 8.7) and full-width digits; leave the cell empty for no value',
        }),
      );
      return;
    }
    // An own property whatever the header says (a header "__proto__" stays a field, never a prototype).
    Object.defineProperty(obj, header, { value: v, enumerable: true, writable: true, configurable: true });
  });
  // Columns without a cell in a short row are empty: their places are the row's line, at their column.
  for (let i = row.cells.length; i < headers.length; i++) {
    const header = headers[i];
    if (header !== undefined && row.place.cell === undefined)
      places.set(`${pointer}/${escapePointerToken(header)}`, {
        value: { file: row.place.file, start: { line: row.place.start!.line, column: i + 1 }, header },
      });
  }
  return obj;
}

/** Reads a number as a person writes one in a table; undefined when it is not one. */
export function parseNumber(text: string): number | undefined {
  let s = text
    .normalize('NFKC')
    .trim()
    .replace(/\u2212/g, '-');
  let sign = 1;
  // Accounting style: (1,234.5) is negative.
  if (/^\(.*\)$/.test(s)) {
    sign = -1;
    s = s.slice(1, -1).trim();
  }
  if (s.endsWith('%')) s = s.slice(0, -1).trim();
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  else if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined;
  const n = Number(s) * sign;
  return Number.isFinite(n) ? n : undefined;
}

/** 1.032 shown as 103.2%: the number × 100, without the float's noise. */
const percentOf = (v: number) => Number((v * 100).toPrecision(15));

/**
 * A cell as the schema wants it: a number where it asks for a number (and not text), text where it asks for
 * text, else a number when the cell is one (or reads as a plain one) and text otherwise. Undefined: the schema
 * wants a number and the cell does not hold one.
 */
function convert(cell: Cell, types: ReadonlySet<string>): unknown {
  const wantsNumber = types.has('number') || types.has('integer');
  const wantsText = types.has('string');
  let v = cell.value;
  if (v instanceof Date) v = dateText(v);
  if (typeof v === 'number') {
    const shown = cell.percent !== undefined ? percentOf(v) : v;
    if (wantsText && !wantsNumber)
      return cell.percent !== undefined ? `${shown.toFixed(cell.percent)}%` : String(v);
    return shown;
  }
  if (typeof v === 'boolean') return v;
  const text = (v ?? '').trim();
  if (wantsNumber && !wantsText) return parseNumber(text);
  if (types.has('boolean') && !wantsText && /^(true|false)$/i.test(text))
    return text.toLowerCase() === 'true';
  if (!wantsText || wantsNumber) {
    if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(text)) return Number(text);
  }
  return text;
}
