import { parse as parseCsv, CsvError, type Info } from 'csv-parse/sync';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedData } from '../data/load.js';
import type { Cell, Grid } from './grid.js';
import { decode, TABLE_LIMITS, tooManyRows } from './read.js';
import type { TableRef } from './refs.js';

const CSV_MESSAGES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  INVALID_OPENING_QUOTE: 'a quote inside a field that does not start with one',
  CSV_INVALID_CLOSING_QUOTE: 'text after the closing quote of a field',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text after the closing quote of a field',
};

/** A CSV file's rows of cells, each placed at its line and column, or the diagnostic for a syntax error. */
export function readCsv(bytes: Buffer, file: string, ref: TableRef, data: LoadedData): Grid | Diagnostic[] {
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
