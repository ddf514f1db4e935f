import path from 'node:path';
import iconv from 'iconv-lite';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import { escapePointerToken, type LoadedData } from '../data/load.js';
import { parseDataKept } from '../data/load-file.js';
import { findTableReferences } from './find.js';

/**
 * Table references in the data (`{ $csv: … }`, `{ $xlsx: … }`): finding them, and checking what each asks for
 * before any file is opened.
 */

/** The options each kind of table reference takes besides its path. */
const OPTIONS = { csv: ['encoding', 'delimiter'], xlsx: ['sheet', 'range'] } as const;

/** A table reference, checked: where it stands in the data and what it asks for. */
export interface TableRef {
  pointer: string;
  kind: 'csv' | 'xlsx';
  path: string;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  range?: string;
}

export { findTableReferences, isObject } from './find.js';

/**
 * The table files a data file refers to, as absolute paths (for the input hash of batch and queue jobs): cheap,
 * no table is read, and a data file that does not parse refers to none. Its parse is kept for the build that reads
 * the same bytes next (data/load-file.ts).
 */
export function tableFilesOf(dataFile: string, bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!text.includes('$csv') && !text.includes('$xlsx')) return [];
  const loaded = parseDataKept(dataFile, bytes);
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

/** True when a reference's check gave a reference rather than its diagnostics. */
export const isTableRef = (r: TableRef | Diagnostic[]): r is TableRef => !Array.isArray(r);

const EXAMPLE = {
  csv: '{ $csv: departments.csv } (optionally encoding: gbk, delimiter: ";")',
  xlsx: '{ $xlsx: book.xlsx, sheet: 三月 } (optionally range: A1:F9)',
};

/** Checks a table reference's path and options: the reference, or a diagnostic for each mistake in it. */
export function checkReference(
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

/** A1:F9 → 1-based rows and columns; a single cell A1 is a range of one. */
export function parseRange(
  range: string,
): { top: number; left: number; bottom: number; right: number } | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$/.exec(range.trim());
  if (!m) return undefined;
  const col = (s: string) => [...s.toUpperCase()].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
  const [c1, r1, c2, r2] = [col(m[1]!), Number(m[2]), col(m[3] ?? m[1]!), Number(m[4] ?? m[2])];
  if (r1 < 1 || r2 < 1 || c1 > 16384 || c2 > 16384) return undefined;
  return { top: Math.min(r1, r2), left: Math.min(c1, c2), bottom: Math.max(r1, r2), right: Math.max(c1, c2) };
}
