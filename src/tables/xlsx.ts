import { createHash } from 'node:crypto';
import path from 'node:path';
import type ExcelJS from 'exceljs';
// The workbook class alone, not the package's index, which also loads its streaming reader and writer (unzipper,
// archiver and their ~400 modules of polyfills): 85 instead of 195 ms to load, the same class.
import Workbook from 'exceljs/lib/doc/workbook.js';
import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import type { LoadedData } from '../data/load.js';
import type { Cell, Grid } from './grid.js';
import { checkZip, TABLE_LIMITS, tooManyRows } from './read.js';
import { isObject, parseRange, type TableRef } from './refs.js';

/** An Excel cell address: column letters and row number. */
function address(row: number, col: number): string {
  let letters = '';
  for (let c = col; c > 0; c = Math.floor((c - 1) / 26))
    letters = String.fromCharCode(65 + ((c - 1) % 26)) + letters;
  return `${letters}${row}`;
}

/** A sheet name as Excel writes it in a reference: quoted when it holds anything but letters, digits and _. */
function sheetRef(name: string): string {
  return /^[\p{L}\p{N}_]+$/u.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

/** A workbook from its bytes (its zip checked first), or why it cannot be read. */
async function loadWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook | string> {
  if (bytes.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))
    return 'it is an Excel 97–2003 (.xls) workbook';
  const zip = checkZip(bytes);
  if (zip) return zip;
  const workbook = new Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    return `the XLSX reader says: ${(e as Error).message.split('\n')[0]}`;
  }
  return workbook;
}

/**
 * Workbooks loaded in this process, by the SHA-256 of their bytes: a batch's reports read their sheets from the same
 * few workbooks (a unit's month each), and loading one costs ~25 ms. A loaded workbook takes about 60 times its
 * file's size in memory (a 364 KB file, 21 MB), so only files up to 256 KB are kept, 1 MB of files in all (about
 * 60 MB), the least recently used going first. Only read after loading: cells are looked up with findCell, which,
 * unlike getCell, adds none.
 */
const loaded = new Map<string, { bytes: number; workbook: Promise<ExcelJS.Workbook | string> }>();
const KEPT_FILE_BYTES = 256 * 1024;
const KEPT_TOTAL_BYTES = 1024 * 1024;

function keptWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook | string> {
  if (bytes.length > KEPT_FILE_BYTES) return loadWorkbook(bytes);
  const key = createHash('sha256').update(bytes).digest('hex');
  const entry = loaded.get(key) ?? { bytes: bytes.length, workbook: loadWorkbook(bytes) };
  loaded.delete(key);
  loaded.set(key, entry);
  let total = 0;
  for (const e of loaded.values()) total += e.bytes;
  for (const [k, e] of loaded) {
    if (total <= KEPT_TOTAL_BYTES) break;
    loaded.delete(k);
    total -= e.bytes;
  }
  return entry.workbook;
}

/**
 * A sheet's rows of cells in the reference's range (or all it holds), each placed at its cell address. A workbook
 * is loaded once per file however many of its sheets are read (`cache`), and once per process for the same bytes.
 */
export async function readSheet(
  bytes: Buffer,
  file: string,
  ref: TableRef,
  data: LoadedData,
  cache: Map<string, Promise<ExcelJS.Workbook | Diagnostic>>,
): Promise<Grid | Diagnostic[]> {
  let pending = cache.get(file);
  if (!pending) {
    pending = keptWorkbook(bytes).then((w) =>
      typeof w === 'string'
        ? error('data:table-syntax', `cannot read ${path.basename(file)} as an XLSX workbook: ${w}`, {
            place: { file },
            pointer: ref.pointer,
            hint: 'save it from Excel, WPS or LibreOffice as an Excel workbook (.xlsx)',
            related: [{ place: data.placeOf(ref.pointer), message: 'the table is read here' }],
          })
        : w,
    );
    cache.set(file, pending);
  }
  const workbook = await pending;
  if (!(workbook instanceof Workbook)) return [{ ...workbook, pointer: ref.pointer }];
  const names = workbook.worksheets.map((w) => w.name);
  const sheet = ref.sheet === undefined ? workbook.worksheets[0] : workbook.getWorksheet(ref.sheet);
  if (!sheet) {
    const close = ref.sheet === undefined ? undefined : nearest(ref.sheet, names);
    return [
      error(
        'data:table-sheet',
        ref.sheet === undefined
          ? `${path.basename(file)} has no sheet`
          : `${path.basename(file)} has no sheet "${ref.sheet}"`,
        {
          place: data.placeOf(`${ref.pointer}/sheet`, { nearest: true }),
          pointer: ref.pointer,
          hint: [
            ...(close ? [`did you mean "${close}"?`] : []),
            `its sheets: ${names.map((n) => JSON.stringify(n)).join(', ') || 'none'}`,
          ],
        },
      ),
    ];
  }
  const dims = sheet.dimensions as unknown as { top: number; left: number; bottom: number; right: number };
  const range = ref.range
    ? parseRange(ref.range)!
    : sheet.actualRowCount === 0
      ? { top: 1, left: 1, bottom: 0, right: 0 }
      : { top: dims.top, left: dims.left, bottom: dims.bottom, right: dims.right };
  if (range.bottom - range.top + 1 > TABLE_LIMITS.rows) return [tooManyRows(file, ref, data)];
  const rows: Grid['rows'] = [];
  for (let r = range.top; r <= range.bottom; r++) {
    const cells: Cell[] = [];
    for (let c = range.left; c <= range.right; c++)
      cells.push(
        sheetCell(sheet.findCell(r, c), {
          file,
          cell: `${sheetRef(sheet.name)}!${address(r, c)}`,
          start: { line: r, column: c },
        }),
      );
    rows.push({
      cells,
      place: {
        file,
        cell: `${sheetRef(sheet.name)}!${address(r, range.left)}`,
        start: { line: r, column: range.left },
      },
    });
  }
  return { file, rows };
}

/** A workbook cell's value: the result of a formula, the text of rich text or a link, a date, a number. */
function sheetCell(cell: ExcelJS.Cell | undefined, place: Place): Cell {
  let v: unknown = cell?.value;
  const out: Cell = { value: undefined, place };
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) {
      if (o.result === undefined || o.result === null) {
        out.problem = 'a formula without a saved result';
        return out;
      }
      v = o.result;
    }
  }
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    if ('error' in o) {
      out.problem = `the error value ${String(o.error)}`;
      return out;
    }
    if ('richText' in o && Array.isArray(o.richText))
      v = o.richText.map((t: { text?: string }) => t.text ?? '').join('');
    else if ('text' in o) {
      const t = o.text;
      v =
        isObject(t) && Array.isArray(t.richText)
          ? t.richText.map((x: { text?: string }) => x.text ?? '').join('')
          : String(t);
    } else v = undefined;
  }
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v instanceof Date)
    out.value = v;
  const fmt = cell?.numFmt;
  if (typeof v === 'number' && typeof fmt === 'string' && /%/.test(fmt.replace(/"[^"]*"|\\./g, ''))) {
    const m = /\.([0#]+)%/.exec(fmt);
    out.percent = m ? m[1]!.length : 0;
  }
  return out;
}
