import type ExcelJS from 'exceljs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checkText, indexPointers, placeIn, type LoadedData, type TablePlace } from '../data/load.js';
import { rowFieldsAt } from '../schema/lookup.js';
import { readCsv } from './csv.js';
import { readTableFile } from './read.js';
import { checkReference, findTableReferences, isTableRef } from './refs.js';
import { toRows } from './rows.js';
import { readSheet } from './xlsx.js';

/**
 * Tables inside the data: a value `{ $csv: departments.csv }` or `{ $xlsx: book.xlsx, sheet: 三月, range: A1:F9 }`
 * in a YAML or JSON data file stands for the rows of that table, objects keyed by its header row. Tables are read
 * after the data file is parsed and before the schema check, so that the schema checks their rows like any other
 * data, and every value read from a table is placed at its cell (`departments.csv:5:3`, `book.xlsx!三月!C5`): a
 * diagnostic about it points into the table without knowing it came from one.
 *
 * A cell becomes a number where the schema asks for a number (thousands separators, a percent sign and full-width
 * digits understood: `"1,234.5"`, `"８.７%"` → 8.7), text where it asks for text, and is left out when empty.
 * Table files are confined to the data file's folder (and a queue worker's folders), must be regular files, and
 * are read only up to a size limit.
 */

/** What resolving a data file's tables gives: the new data, or why not, and the files read. */
export interface TableResult {
  /** The data with every table reference replaced by its rows (absent when there were errors). */
  data?: LoadedData;
  diagnostics: Diagnostic[];
  /** The table files read (real paths), for whoever watches the inputs. */
  files: string[];
}

/** What resolving tables needs besides the data: the schema, and the folders a queue worker may read. */
export interface TableOptions {
  /** The pack's JSON Schema: which fields a table's rows have, and which are numbers. */
  schema?: unknown;
  /** Folders (real paths) the tables must also be inside: a queue worker's read roots. */
  roots?: readonly string[];
}

/**
 * Replaces every table reference in the data by the table's rows. Returns the new data, whose `placeOf` places
 * each value read from a table at its cell, or the diagnostics (data errors) when a table cannot be used.
 */
export async function resolveTables(data: LoadedData, options: TableOptions = {}): Promise<TableResult> {
  const found = findTableReferences(data.value);
  if (found.length === 0) return { data, diagnostics: [], files: [] };
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const cells = new Map<string, TablePlace>();
  const workbooks = new Map<string, Promise<ExcelJS.Workbook | Diagnostic>>();
  const replacements: { pointer: string; rows: Record<string, unknown>[] }[] = [];
  for (const { pointer, ref } of found) {
    const checked = checkReference(pointer, ref, data);
    if (!isTableRef(checked)) {
      diagnostics.push(...checked);
      continue;
    }
    const read = await readTableFile(checked, data, options.roots);
    if (!('bytes' in read)) {
      diagnostics.push(read);
      continue;
    }
    if (!files.includes(read.file)) files.push(read.file);
    const grid =
      checked.kind === 'csv'
        ? readCsv(read.bytes, read.file, checked, data)
        : await readSheet(read.bytes, read.file, checked, data, workbooks);
    if (!('rows' in grid)) {
      diagnostics.push(...grid);
      continue;
    }
    const table = toRows(grid, checked, rowFieldsAt(options.schema, pointer), cells);
    if (table.diagnostics.length) diagnostics.push(...table.diagnostics);
    else replacements.push({ pointer, rows: table.rows });
  }
  if (diagnostics.length) return { diagnostics, files };

  let value = data.value;
  for (const { pointer, rows } of replacements) {
    if (pointer === '') value = rows;
    else {
      const cut = pointer.lastIndexOf('/');
      const parent = resolveIn(value, pointer.slice(0, cut)) as Record<string, unknown>;
      parent[
        pointer
          .slice(cut + 1)
          .replace(/~1/g, '/')
          .replace(/~0/g, '~')
      ] = rows;
    }
  }
  const placeOf = placeIn(data.file, data.positions, cells);
  for (const { pointer } of replacements)
    diagnostics.push(...checkText(resolveIn(value, pointer), pointer, placeOf));
  if (diagnostics.length) return { diagnostics, files };
  const pointers = new WeakMap<object, string>();
  indexPointers(value, '', pointers);
  return {
    data: { file: data.file, value, positions: data.positions, pointers, placeOf },
    diagnostics,
    files,
  };
}

/** The value at a JSON pointer. */
function resolveIn(value: unknown, pointer: string): unknown {
  let cur = value;
  if (pointer === '') return cur;
  for (const raw of pointer.slice(1).split('/'))
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}
