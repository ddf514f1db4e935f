import { constants, readdirSync, statSync } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { parse as parseCsv, CsvError, type Info } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import type { Code } from '../diagnostics/codes.js';
import { nearest } from '../diagnostics/suggest.js';
import { rowFieldsAt, type FieldSet } from '../schema/lookup.js';
import {
  checkText,
  escapePointerToken,
  parseDataText,
  placeIn,
  type LoadedData,
  type TablePlace,
} from './load.js';

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

/** Limits on what a table may cost to read. */
export const TABLE_LIMITS = {
  /** Largest table file (CSV or XLSX), in bytes. */
  fileBytes: 16 * 1024 * 1024,
  /** Largest total size of an XLSX workbook's parts once unpacked, in bytes (a zip bomb is refused unread). */
  unpackedBytes: 64 * 1024 * 1024,
  /** Most rows in one table, the header included. */
  rows: 50_000,
};

/** The options each kind of table reference takes besides its path. */
const OPTIONS = { csv: ['encoding', 'delimiter'], xlsx: ['sheet', 'range'] } as const;

/** A table reference, checked: where it stands in the data and what it asks for. */
interface TableRef {
  pointer: string;
  kind: 'csv' | 'xlsx';
  path: string;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  range?: string;
}

/** A cell as read from the file, before the schema decides what it is. */
interface Cell {
  value: string | number | boolean | Date | undefined;
  /** Decimals of a percent number format (XLSX): the cell shows value × 100 with a % sign. */
  percent?: number;
  /** An XLSX error value (#DIV/0!) or a formula without a saved result. */
  problem?: string;
  place: Place;
}

interface Grid {
  file: string;
  rows: { cells: Cell[]; place: Place }[];
  /** The file was decoded with replacement characters (U+FFFD) for bytes not in its encoding. */
  lossy?: string;
}

export interface TableResult {
  /** The data with every table reference replaced by its rows (absent when there were errors). */
  data?: LoadedData;
  diagnostics: Diagnostic[];
  /** The table files read (real paths), for whoever watches the inputs. */
  files: string[];
}

export interface TableOptions {
  /** The pack's JSON Schema: which fields a table's rows have, and which are numbers. */
  schema?: unknown;
  /** Folders (real paths) the tables must also be inside: a queue worker's read roots. */
  roots?: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const isReference = (v: unknown): v is Record<string, unknown> =>
  isObject(v) &&
  (Object.prototype.hasOwnProperty.call(v, '$csv') || Object.prototype.hasOwnProperty.call(v, '$xlsx'));

/** Every table reference in a data value, in document order, with its JSON pointer. */
export function findTableReferences(value: unknown): { pointer: string; ref: Record<string, unknown> }[] {
  const out: { pointer: string; ref: Record<string, unknown> }[] = [];
  const walk = (v: unknown, pointer: string) => {
    if (isReference(v)) out.push({ pointer, ref: v });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${pointer}/${i}`));
    else if (isObject(v))
      for (const [k, x] of Object.entries(v)) walk(x, `${pointer}/${escapePointerToken(k)}`);
  };
  walk(value, '');
  return out;
}

/**
 * The table files a data file refers to, as absolute paths (for the input hash of batch and queue jobs): cheap,
 * no table is read, and a data file that does not parse refers to none.
 */
export function tableFilesOf(dataFile: string, bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!text.includes('$csv') && !text.includes('$xlsx')) return [];
  const loaded = parseDataText(dataFile, bytes);
  if (!loaded.ok) return [];
  const dir = path.dirname(path.resolve(dataFile));
  const files: string[] = [];
  for (const { ref } of findTableReferences(loaded.data.value)) {
    const p = ref.$csv ?? ref.$xlsx;
    if (typeof p === 'string' && p !== '' && !p.includes('\0')) {
      const file = path.resolve(dir, p);
      if (!files.includes(file)) files.push(file);
    }
  }
  return files;
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

function resolveIn(value: unknown, pointer: string): unknown {
  let cur = value;
  if (pointer === '') return cur;
  for (const raw of pointer.slice(1).split('/'))
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

function indexPointers(value: unknown, pointer: string, out: WeakMap<object, string>): void {
  if (value === null || typeof value !== 'object') return;
  out.set(value, pointer);
  if (Array.isArray(value)) value.forEach((v, i) => indexPointers(v, `${pointer}/${i}`, out));
  else
    for (const [k, v] of Object.entries(value)) indexPointers(v, `${pointer}/${escapePointerToken(k)}`, out);
}

const isTableRef = (r: TableRef | Diagnostic[]): r is TableRef => !Array.isArray(r);

// ---------------------------------------------------------------------------------------------------------
// The reference

const EXAMPLE = {
  csv: '{ $csv: departments.csv } (optionally encoding: gbk, delimiter: ";")',
  xlsx: '{ $xlsx: book.xlsx, sheet: 三月 } (optionally range: A1:F9)',
};

function checkReference(
  pointer: string,
  ref: Record<string, unknown>,
  data: LoadedData,
): TableRef | Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (key: string, asKey = false) =>
    data.placeOf(`${pointer}/${escapePointerToken(key)}`, { key: asKey, nearest: true });
  const bad = (key: string, message: string, hint: string, asKey = false) =>
    out.push(error('data:table-reference', message, { place: at(key, asKey), pointer, hint }));
  if ('$csv' in ref && '$xlsx' in ref) {
    bad(
      '$xlsx',
      'a table reference with both $csv and $xlsx',
      'a reference names one table: keep one of them',
      true,
    );
    return out;
  }
  const kind = '$csv' in ref ? 'csv' : 'xlsx';
  const key = `$${kind}`;
  const file = ref[key];
  const allowed: readonly string[] = OPTIONS[kind];
  for (const k of Object.keys(ref)) {
    if (k === key || allowed.includes(k)) continue;
    const close = nearest(k, allowed);
    bad(
      k,
      `unknown option "${k}" of a ${key} table`,
      close ? `did you mean "${close}"?` : `a ${key} table takes ${allowed.join(' and ')}: ${EXAMPLE[kind]}`,
      true,
    );
  }
  if (typeof file !== 'string' || file.trim() === '') {
    bad(
      key,
      `${key} needs the table file's path`,
      `write ${EXAMPLE[kind]}, the path relative to the data file`,
    );
    return out;
  }
  const ext = path.extname(file).toLowerCase();
  if (kind === 'csv' && (ext === '.xlsx' || ext === '.xls' || ext === '.xlsm'))
    bad(
      key,
      `${file} is an Excel workbook, not a CSV file`,
      `write { $xlsx: ${file}, sheet: … } to read a workbook`,
    );
  if (kind === 'xlsx' && (ext === '.csv' || ext === '.tsv' || ext === '.txt'))
    bad(key, `${file} is a text table, not an Excel workbook`, `write { $csv: ${file} } to read a CSV file`);
  const text = (k: string): string | undefined => {
    const v = ref[k];
    if (v === undefined) return undefined;
    if (typeof v === 'string' && v !== '') return v;
    if (k === 'sheet' && typeof v === 'number') return String(v);
    bad(k, `${k} must be text, got ${JSON.stringify(v)}`, `write ${EXAMPLE[kind]}`);
    return undefined;
  };
  const result: TableRef = { pointer, kind, path: file };
  const encoding = text('encoding');
  if (encoding !== undefined) {
    const exists: boolean = iconv.encodingExists(encoding);
    if (!exists) {
      const close = nearest(encoding, KNOWN_ENCODINGS);
      bad(
        'encoding',
        `unknown encoding "${encoding}"`,
        close
          ? `did you mean "${close}"?`
          : `use one of ${KNOWN_ENCODINGS.join(', ')}, or leave it out to detect UTF-8 or GB18030`,
      );
    } else result.encoding = encoding;
  }
  const delimiter = text('delimiter');
  if (delimiter !== undefined) {
    if (delimiter === '\\t' || delimiter.toLowerCase() === 'tab') result.delimiter = '\t';
    else if ([...delimiter].length !== 1 || /["\r\n]/.test(delimiter))
      bad(
        'delimiter',
        `delimiter must be one character, got ${JSON.stringify(delimiter)}`,
        'use "," ";" "|" or tab',
      );
    else result.delimiter = delimiter;
  }
  const sheet = text('sheet');
  if (sheet !== undefined) result.sheet = sheet;
  const range = text('range');
  if (range !== undefined) {
    if (!parseRange(range))
      bad(
        'range',
        `range ${JSON.stringify(range)} is not a cell range`,
        'write a range as Excel does: A1:F9 (the header in its first row)',
      );
    else result.range = range;
  }
  return out.length ? out : result;
}

const KNOWN_ENCODINGS = [
  'utf-8',
  'gb18030',
  'gbk',
  'gb2312',
  'big5',
  'utf-16le',
  'utf-16be',
  'shift_jis',
  'latin1',
];

// ---------------------------------------------------------------------------------------------------------
// The file: inside the data's folder, a regular file, not too large

const within = (file: string, root: string) => file === root || file.startsWith(root + path.sep);

async function readTableFile(
  ref: TableRef,
  data: LoadedData,
  roots: readonly string[] | undefined,
): Promise<{ file: string; bytes: Buffer } | Diagnostic> {
  const key = `$${ref.kind}`;
  const place = data.placeOf(`${ref.pointer}/${escapePointerToken(key)}`, { nearest: true });
  const fail = (code: Code, message: string, hint: string) =>
    error(code, message, { place, pointer: ref.pointer, hint });
  const dataDir = path.dirname(path.resolve(data.file));
  const shown = JSON.stringify(ref.path);
  if (path.isAbsolute(ref.path) || ref.path.includes('\0'))
    return fail(
      'data:table-outside',
      `table path ${shown} is not relative to the data file`,
      `write the path relative to the data file's folder (${dataDir}), and keep the table in it`,
    );
  const abs = path.resolve(dataDir, ref.path);
  let real: string;
  let realDir: string;
  try {
    realDir = await realpath(dataDir);
    real = await realpath(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (!within(abs, dataDir))
        return fail(
          'data:table-outside',
          `table path ${shown} leads outside the data file's folder`,
          `keep tables in ${dataDir} or a folder under it`,
        );
      const close = nearestFile(abs);
      return fail(
        'data:table-unreadable',
        `table file not found: ${ref.path}`,
        close
          ? `did you mean "${close}"? (paths are relative to the data file)`
          : `table paths are relative to the data file's folder (${dataDir})`,
      );
    }
    return fail(
      'data:table-unreadable',
      `cannot read table file ${ref.path} (${code})`,
      'check the file and its permissions',
    );
  }
  if (!within(real, realDir))
    return fail(
      'data:table-outside',
      `table path ${shown} leads outside the data file's folder${real === path.normalize(abs) ? '' : ' (through a symbolic link)'}`,
      `keep tables in ${dataDir} or a folder under it (a link may point only inside it)`,
    );
  if (roots && !roots.some((r) => within(real, r)))
    return fail(
      'data:table-outside',
      `table path ${shown} is outside the folders this worker reads`,
      `this worker reads only under ${roots.join(', ')} (--root)`,
    );
  // Opened without blocking and checked through the open descriptor: a FIFO or a device is refused unread, even
  // one put there after the checks above.
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return fail(
      'data:table-unreadable',
      `cannot read table file ${ref.path} (${(e as NodeJS.ErrnoException).code})`,
      'check the file and its permissions',
    );
  }
  try {
    const st = await handle.stat();
    if (!st.isFile())
      return fail(
        'data:table-unreadable',
        `table ${ref.path} is not a regular file (${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe' : 'a device or socket'})`,
        'a table must be a CSV or XLSX file',
      );
    if (st.size > TABLE_LIMITS.fileBytes)
      return fail(
        'data:table-too-large',
        `table file ${ref.path} is ${mb(st.size)}, over the ${mb(TABLE_LIMITS.fileBytes)} limit`,
        'a report table needs far less: export only the rows and columns the report shows',
      );
    const bytes = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const { bytesRead } = await handle.read(bytes, got, st.size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { file: real, bytes: bytes.subarray(0, got) };
  } finally {
    await handle.close();
  }
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 2 : 1)} MB`;

/** A file in the same folder whose name is close to a missing one's (did-you-mean). */
function nearestFile(abs: string): string | undefined {
  try {
    const dir = path.dirname(abs);
    if (!statSync(dir).isDirectory()) return undefined;
    return nearest(path.basename(abs), readdirSync(dir));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// CSV

/**
 * The text of a CSV file: the declared encoding, or detected — a byte-order mark (UTF-8, UTF-16), UTF-8 when the
 * bytes are valid UTF-8, else GB18030 (a superset of GBK and GB2312, what Excel writes in Chinese locales).
 */
function decode(
  bytes: Buffer,
  declared: string | undefined,
): { text: string; encoding: string; lossy: boolean } {
  const utf8 = (b: Buffer) => {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(b), encoding: 'UTF-8', lossy: false };
    } catch {
      return { text: new TextDecoder('utf-8').decode(b), encoding: 'UTF-8', lossy: true };
    }
  };
  const other = (b: Buffer, enc: string, name: string) => {
    const text = iconv.decode(b, enc);
    return { text, encoding: name, lossy: text.includes('\ufffd') };
  };
  let out;
  if (declared !== undefined) {
    const canonical = declared.toLowerCase().replace(/[^a-z0-9]/g, '');
    out = canonical === 'utf8' ? utf8(bytes) : other(bytes, declared, declared.toUpperCase());
  } else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) out = utf8(bytes);
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) out = other(bytes, 'utf-16le', 'UTF-16LE');
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) out = other(bytes, 'utf-16be', 'UTF-16BE');
  else {
    out = utf8(bytes);
    if (out.lossy) out = other(bytes, 'gb18030', 'GB18030');
  }
  if (out.text.charCodeAt(0) === 0xfeff) out.text = out.text.slice(1);
  return out;
}

const CSV_MESSAGES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  INVALID_OPENING_QUOTE: 'a quote inside a field that does not start with one',
  CSV_INVALID_CLOSING_QUOTE: 'text after the closing quote of a field',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text after the closing quote of a field',
};

function readCsv(bytes: Buffer, file: string, ref: TableRef, data: LoadedData): Grid | Diagnostic[] {
  const { text, encoding, lossy } = decode(bytes, ref.encoding);
  let records: { record: string[]; info: Info; raw: string }[];
  try {
    records = parseCsv(text, {
      delimiter: ref.delimiter ?? ',',
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      to: TABLE_LIMITS.rows + 1,
    }) as unknown as { record: string[]; info: Info; raw: string }[];
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const info = e as CsvError & { lines?: number; index?: number };
    return [
      error('data:table-syntax', CSV_MESSAGES[e.code] ?? `invalid CSV: ${e.message}`, {
        place: {
          file,
          start: { line: info.lines ?? 1, column: typeof info.index === 'number' ? info.index + 1 : 1 },
        },
        pointer: ref.pointer,
        hint: 'a field that holds a comma, a quote or a line break must be in double quotes, with each quote inside it doubled ("")',
        related: [{ place: data.placeOf(ref.pointer), message: 'the table is read here' }],
      }),
    ];
  }
  if (records.length > TABLE_LIMITS.rows) return [tooManyRows(file, ref, data)];
  const rows = records.map(({ record, info, raw }) => {
    // info.lines is the line the record ends on; a quoted field may span lines.
    const body = raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
    const line = info.lines - (body.match(/\n/g)?.length ?? 0);
    return {
      place: { file, start: { line, column: 1 } },
      cells: record.map((value, i): Cell => ({ value, place: { file, start: { line, column: i + 1 } } })),
    };
  });
  return lossy ? { file, rows, lossy: encoding } : { file, rows };
}

function tooManyRows(file: string, ref: TableRef, data: LoadedData): Diagnostic {
  return error(
    'data:table-too-large',
    `table ${path.basename(file)} has more than ${TABLE_LIMITS.rows} rows`,
    {
      place: data.placeOf(ref.pointer, { nearest: true }),
      pointer: ref.pointer,
      hint: 'a report table needs far fewer: export only the rows the report shows (or give a range)',
    },
  );
}

// ---------------------------------------------------------------------------------------------------------
// XLSX

/** A1:F9 → 1-based rows and columns; a single cell A1 is a range of one. */
function parseRange(range: string): { top: number; left: number; bottom: number; right: number } | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$/.exec(range.trim());
  if (!m) return undefined;
  const col = (s: string) => [...s.toUpperCase()].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
  const [c1, r1, c2, r2] = [col(m[1]!), Number(m[2]), col(m[3] ?? m[1]!), Number(m[4] ?? m[2])];
  if (r1 < 1 || r2 < 1 || c1 > 16384 || c2 > 16384) return undefined;
  return { top: Math.min(r1, r2), left: Math.min(c1, c2), bottom: Math.max(r1, r2), right: Math.max(c1, c2) };
}

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

/**
 * Checks a workbook's zip structure before anything unpacks it: every part's declared size, their total against
 * the limit, and that each part really inflates to no more than it declares (zlib stops at the declared size).
 * A workbook is a few hundred kilobytes of XML; a zip bomb never reaches the XLSX reader.
 */
function checkZip(bytes: Buffer): string | undefined {
  const min = Math.max(0, bytes.length - 65557);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= min; i--)
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) return 'it is not a zip archive, as an XLSX workbook is';
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50)
      return 'its zip directory is damaged';
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    if (size === 0xffffffff || compressed === 0xffffffff)
      return 'it is a ZIP64 archive, far larger than a table';
    total += size;
    if (total > TABLE_LIMITS.unpackedBytes)
      return `it unpacks to more than ${mb(TABLE_LIMITS.unpackedBytes)} (the limit)`;
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50)
      return 'its zip entries are damaged';
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const body = bytes.subarray(start, start + compressed);
    if (method === 8) {
      try {
        inflateRawSync(body, { maxOutputLength: Math.max(size, 1) });
      } catch {
        return 'a part of it does not unpack to the size it declares';
      }
    } else if (method !== 0) return `it uses an unsupported zip compression (method ${method})`;
    at += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
}

async function loadWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook | string> {
  if (bytes.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))
    return 'it is an Excel 97–2003 (.xls) workbook';
  const zip = checkZip(bytes);
  if (zip) return zip;
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    return `the XLSX reader says: ${(e as Error).message.split('\n')[0]}`;
  }
  return workbook;
}

async function readSheet(
  bytes: Buffer,
  file: string,
  ref: TableRef,
  data: LoadedData,
  cache: Map<string, Promise<ExcelJS.Workbook | Diagnostic>>,
): Promise<Grid | Diagnostic[]> {
  let pending = cache.get(file);
  if (!pending) {
    pending = loadWorkbook(bytes).then((w) =>
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
  if (!(workbook instanceof ExcelJS.Workbook)) return [{ ...workbook, pointer: ref.pointer }];
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
        sheetCell(sheet.getCell(r, c), {
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
function sheetCell(cell: ExcelJS.Cell, place: Place): Cell {
  let v: unknown = cell.value;
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
  const fmt = cell.numFmt;
  if (typeof v === 'number' && typeof fmt === 'string' && /%/.test(fmt.replace(/"[^"]*"|\\./g, ''))) {
    const m = /\.([0#]+)%/.exec(fmt);
    out.percent = m ? m[1]!.length : 0;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Header and rows

const isEmpty = (c: Cell | undefined) =>
  !c ||
  (c.problem === undefined &&
    (c.value === undefined || (typeof c.value === 'string' && c.value.trim() === '')));

const cellText = (c: Cell): string =>
  c.value instanceof Date ? dateText(c.value) : c.value === undefined ? '' : String(c.value).trim();

function dateText(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

function toRows(
  grid: Grid,
  ref: TableRef,
  schema: FieldSet | undefined,
  places: Map<string, TablePlace>,
): { rows: Record<string, unknown>[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = (place: Place, header?: string): Place => (header === undefined ? place : { ...place, header });
  const name = path.basename(grid.file);

  // Bytes that are not in the file's encoding: say where the first is, before anything reads the garbled text.
  if (grid.lossy) {
    const bad = grid.rows
      .flatMap((r) => r.cells)
      .filter((c) => typeof c.value === 'string' && c.value.includes('\ufffd'));
    if (bad.length) {
      // The header of the first bad cell's column, when the header itself reads well.
      const headerRow = grid.rows.find((r) => r.cells.some((c) => !isEmpty(c)));
      const row = grid.rows.find((r) => r.cells.includes(bad[0]!));
      const head =
        row && headerRow && row !== headerRow ? headerRow.cells[row.cells.indexOf(bad[0]!)] : undefined;
      const header =
        head && !isEmpty(head) && !cellText(head).includes('\ufffd') ? cellText(head) : undefined;
      const detected = ref.encoding === undefined;
      return {
        rows: [],
        diagnostics: [
          error(
            'data:table-encoding',
            `bytes that are not ${grid.lossy} in ${name}${bad.length > 1 ? ` (this cell and ${bad.length - 1} more)` : ''}`,
            {
              place: at(bad[0]!.place, header),
              pointer: ref.pointer,
              hint: detected
                ? 'the file is neither UTF-8 nor GB18030/GBK: save it as UTF-8, or name its encoding ({ $csv: …, encoding: big5 })'
                : grid.lossy === 'UTF-8'
                  ? 'the file is not UTF-8: leave out encoding: to detect GB18030/GBK, or name the right one'
                  : `the file is not ${grid.lossy}: name the right encoding, or leave out encoding: to detect UTF-8 and GB18030`,
            },
          ),
        ],
      };
    }
  }

  const first = grid.rows.findIndex((r) => r.cells.some((c) => !isEmpty(c)));
  if (first < 0)
    return {
      rows: [],
      diagnostics: [
        error('data:table-header', `table ${name} is empty: it has no header row`, {
          place: grid.rows[0]?.place ?? { file: grid.file },
          pointer: ref.pointer,
          hint: 'the first row of a table names its columns with the field names, then one row per item',
        }),
      ],
    };
  const headerRow = grid.rows[first]!;
  const dataRows = grid.rows.slice(first + 1);
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
  if (diagnostics.length) return { rows: [], diagnostics };

  const rows: Record<string, unknown>[] = [];
  for (const row of dataRows) {
    if (row.cells.every(isEmpty)) continue;
    const index = rows.length;
    const pointer = `${ref.pointer}/${index}`;
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
    rows.push(obj);
  }
  return { rows, diagnostics };
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
