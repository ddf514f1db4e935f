import { execFile } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { describe, expect, it, vi } from 'vitest';
import { type LoadedData } from '../src/data/load.js';
import { loadDataFile } from '../src/data/load-file.js';
import { TABLE_LIMITS } from '../src/tables/read.js';
import { tableFilesOf } from '../src/tables/refs.js';
import { resolveTables } from '../src/tables/resolve.js';
import { parseNumber } from '../src/tables/rows.js';
import { formatDiagnostic, diagnosticToJson } from '../src/diagnostics/format.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { rowFieldsAt } from '../src/schema/lookup.js';
import { compileSchema, validateData } from '../src/schema/validate.js';
import { InputHasher } from '../src/batch/state.js';
import { DEFAULT_FONTS_CONFIG } from '../src/build/paths.js';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');
const monthlySchema = JSON.parse(
  readFileSync(path.join(root, 'templates/monthly-report/schema.json'), 'utf8'),
) as object;

/** A schema for tables of departments at /d: a name (text), numbers, and a code that is text. */
const schema = {
  type: 'object',
  properties: {
    d: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'actual'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          code: { type: 'string' },
          actual: { $ref: '#/definitions/amount' },
          rate: { type: ['number', 'null'] },
          staff: { type: 'integer' },
        },
      },
    },
  },
  definitions: { amount: { type: 'number', minimum: 0 } },
};

const HEADER = 'name,code,actual,rate,staff\n';

/** Resolves the tables of a data file written into a folder with the given files. */
async function tables(
  files: Record<string, string | Uint8Array>,
  data = 'd: { $csv: t.csv }\n',
  options: { schema?: object | null; roots?: string[] } = {},
) {
  const dir = tempTree({ 'data.yaml': data, ...files });
  const loaded = await loadDataFile(path.join(dir, 'data.yaml'));
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  const r = await resolveTables(loaded.data, {
    ...(options.schema === null ? {} : { schema: options.schema ?? schema }),
    ...(options.roots ? { roots: options.roots } : {}),
  });
  return { ...r, dir, rows: (r.data?.value as { d?: unknown } | undefined)?.d };
}

/** The one diagnostic of a result, formatted with paths relative to its folder. */
function only(r: { diagnostics: Diagnostic[]; dir: string }): { d: Diagnostic; text: string } {
  expect(r.diagnostics.map((d) => formatDiagnostic(d, r.dir))).toHaveLength(1);
  return { d: r.diagnostics[0]!, text: formatDiagnostic(r.diagnostics[0]!, r.dir) };
}

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('CSV tables', () => {
  it('replaces { $csv } by rows keyed by the header: numbers where the schema asks, text where it asks, empty cells absent', async () => {
    const r = await tables({
      't.csv': `${HEADER}门店零售部,007,"1,186.4",103.2%,12\n\n线上业务部,,５６３.８,,\n, , , ,\n政企客户部,12,"(1,234)",-2.5 %,"3,000"\n`,
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.rows).toEqual([
      { name: '门店零售部', code: '007', actual: 1186.4, rate: 103.2, staff: 12 },
      { name: '线上业务部', actual: 563.8 },
      { name: '政企客户部', code: '12', actual: -1234, rate: -2.5, staff: 3000 },
    ]);
    expect(r.files).toEqual([path.join(r.dir, 't.csv')]);
  });

  it('without a schema keeps text as text and reads plain numbers as numbers', async () => {
    const r = await tables({ 't.csv': 'a,b,c\nx,12.5,"1,234"\n' }, undefined, { schema: null });
    expect(r.rows).toEqual([{ a: 'x', b: 12.5, c: '1,234' }]);
  });

  it('keeps a header "__proto__" a field, never an object’s prototype', async () => {
    const r = await tables({ 't.csv': '__proto__,b\nx,1\n' }, undefined, { schema: null });
    const row = (r.rows as Record<string, unknown>[])[0]!;
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.keys(row)).toEqual(['__proto__', 'b']);
  });

  it('reads UTF-8 with and without a byte-order mark, GBK/GB18030 detected or declared, and UTF-16 with a BOM', async () => {
    const text = `${HEADER}门店零售部,1,"1,186.4",8.7%,3\n`;
    const want = [{ name: '门店零售部', code: '1', actual: 1186.4, rate: 8.7, staff: 3 }];
    const cases: [string, Uint8Array][] = [
      ['d: { $csv: t.csv }', Buffer.from(text)],
      ['d: { $csv: t.csv }', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
      ['d: { $csv: t.csv }', iconv.encode(text, 'gbk')],
      ['d: { $csv: t.csv, encoding: gbk }', iconv.encode(text, 'gbk')],
      ['d: { $csv: t.csv, encoding: GB18030 }', iconv.encode(text.replace('门店', '𠮷店'), 'gb18030')],
      ['d: { $csv: t.csv }', iconv.encode(text, 'utf-16le', { addBOM: true })],
      ['d: { $csv: t.csv, delimiter: ";" }', Buffer.from(text.replace(/,(?=[^"]*(?:"[^"]*"[^"]*)*$)/g, ';'))],
    ];
    for (const [data, bytes] of cases) {
      const r = await tables({ 't.csv': bytes }, data + '\n');
      expect(r.diagnostics, data).toEqual([]);
      expect(r.rows, data).toEqual(data.includes('GB18030') ? [{ ...want[0], name: '𠮷店零售部' }] : want);
    }
  });

  it('places encoding problems at the cell: declared UTF-8 that is not, and bytes neither UTF-8 nor GB18030', async () => {
    const gbk = iconv.encode(`${HEADER}甲,1,2,3,4\n乙,1,2,3,4\n`, 'gbk');
    const declared = only(await tables({ 't.csv': gbk }, 'd: { $csv: t.csv, encoding: utf-8 }\n'));
    expect(declared.d.code).toBe('data:table-encoding');
    expect(declared.text).toMatch(
      /^t\.csv:2:1: error\[data:table-encoding\]: bytes that are not UTF-8 in t\.csv \(this cell and 1 more\) \(column "name"/,
    );
    expect(declared.text).toContain('leave out encoding: to detect GB18030/GBK');
    // 0x80 alone and 0xFF are not GB18030.
    const broken = Buffer.concat([
      Buffer.from(`${HEADER}ok,1,2,3,4\nx,1,`),
      Buffer.from([0xff, 0x80]),
      Buffer.from(',3,4\n'),
    ]);
    const detected = only(await tables({ 't.csv': broken }));
    expect(detected.text).toMatch(/^t\.csv:3:3: error\[data:table-encoding\]: bytes that are not GB18030/);
    expect(detected.d.place?.header).toBe('actual');
  });

  it('places bad numbers, schema errors and empty required cells at line:field, with the header', async () => {
    const csv = `${HEADER}门店,1,"1,186.4",5%,3\n线上,2,"12,34",5%,3\n政企,3,-5,5%,3\n后勤,4,,5%,3.5\n`;
    const r = await tables({ 't.csv': csv });
    const bad = only(r);
    expect(bad.text).toMatch(
      /^t\.csv:3:3: error\[data:table-number\]: expected a number, got "12,34" \(column "actual", at \/d\/1\/actual\)/,
    );
    expect(diagnosticToJson(bad.d, r.dir)).toMatchObject({
      file: 't.csv',
      line: 3,
      column: 3,
      header: 'actual',
    });

    const fixed = await tables({ 't.csv': csv.replace('"12,34"', '"1,234"') });
    expect(fixed.diagnostics).toEqual([]);
    const compiled = compileSchema('schema.json', schema).schema!;
    const errors = validateData(compiled, fixed.data!).map((d) => formatDiagnostic(d, fixed.dir));
    expect(errors).toEqual([
      expect.stringMatching(
        /^t\.csv:4:3: error\[data:constraint\]: must be >= 0, got number -5 \(column "actual", at \/d\/2\/actual\)/,
      ),
      expect.stringMatching(
        /^t\.csv:5:3: error\[data:missing-field\]: missing required field "actual" \(column "actual", at \/d\/3\)\n {2}hint: fill in the "actual" cell/,
      ),
      expect.stringMatching(
        /^t\.csv:5:5: error\[data:type-mismatch\]: expected integer, got number 3\.5 \(column "staff", at \/d\/3\/staff\)/,
      ),
    ]);
  });

  it('places a quoted field spanning lines at the line its record starts on', async () => {
    const r = await tables({ 't.csv': `${HEADER}"门店\n零售部",1,1,1,1\n线上,2,x,1,1\n` });
    expect(only(r).text).toMatch(/^t\.csv:4:3: /);
  });

  it('reports header mistakes with a did-you-mean: misspelt, unknown, twice, missing, a value without a header', async () => {
    const misspelt = only(await tables({ 't.csv': 'name,acutal\n甲,1\n' }));
    expect(misspelt.text).toMatch(/^t\.csv:1:2: error\[data:table-header\]: unknown column "acutal"/);
    expect(misspelt.text).toContain('hint: did you mean "actual"?');

    const unknown = only(await tables({ 't.csv': 'name,actual,colour\n甲,1,红\n' }));
    expect(unknown.text).toMatch(
      /^t\.csv:1:3: .*unknown column "colour"[\s\S]*the header must name fields of the schema: name, code, actual, rate, staff/,
    );

    const twice = await tables({ 't.csv': 'name,actual,name\n甲,1,乙\n' });
    expect(only(twice).text).toMatch(
      /^t\.csv:1:3: .*column "name" appears twice[\s\S]*note: t\.csv:1:1: first here/,
    );

    const missing = only(await tables({ 't.csv': 'name,rate\n甲,1\n' }));
    expect(missing.text).toMatch(
      /^t\.csv:1:1: error\[data:table-header\]: no column "actual", a field every row needs/,
    );

    const headless = only(await tables({ 't.csv': 'name,actual,\n甲,1,\n乙,2,x\n' }));
    expect(headless.text).toMatch(
      /^t\.csv:3:3: error\[data:table-header\]: a value in a column without a header/,
    );

    const empty = only(await tables({ 't.csv': '\n\n' }));
    expect(empty.d.code).toBe('data:table-header');
  });

  it('reports a CSV syntax error at its line', async () => {
    const r = only(await tables({ 't.csv': `${HEADER}甲,1,2,3,4\n"乙,1,2,3,4\n` }));
    expect(r.text).toMatch(/^t\.csv:3:\d+: error\[data:table-syntax\]: a quoted field is never closed/);
    expect(r.text).toContain('note: data.yaml:1:4: the table is read here');
  });

  it('places a control character read from a table at its cell', async () => {
    const r = only(await tables({ 't.csv': `${HEADER}甲\u0007,1,2,3,4\n` }));
    expect(r.text).toMatch(/^t\.csv:2:1: error\[data:control-character\]/);
  });
});

describe('table references', () => {
  it('reports wrong references in the data file, with a did-you-mean', async () => {
    const cases: [string, RegExp][] = [
      [
        'd: { $csv: t.csv, encodin: gbk }\n',
        /^data\.yaml:1:19: error\[data:table-reference\]: unknown option "encodin"[\s\S]*did you mean "encoding"\?/,
      ],
      [
        'd: { $csv: t.csv, encoding: gbkk }\n',
        /^data\.yaml:1:29: error\[data:table-reference\]: unknown encoding "gbkk"[\s\S]*did you mean "gbk"\?/,
      ],
      [
        'd: { $csv: t.csv, $xlsx: t.xlsx }\n',
        /^data\.yaml:1:19: error\[data:table-reference\]: a table reference with both/,
      ],
      ['d: { $csv: t.xlsx }\n', /is an Excel workbook, not a CSV file[\s\S]*\$xlsx/],
      ['d: { $xlsx: t.csv }\n', /is a text table, not an Excel workbook/],
      ['d: { $csv: 3 }\n', /\$csv needs the table file's path/],
      ['d: { $xlsx: t.xlsx, range: A1-B3 }\n', /range "A1-B3" is not a cell range/],
    ];
    for (const [data, want] of cases) {
      const r = await tables({ 't.csv': 'name,actual\n甲,1\n' }, data);
      expect(only(r).text, data).toMatch(want);
    }
  });

  it('reports a missing table at the reference, with a did-you-mean among the files there', async () => {
    const r = only(
      await tables({ 'departments.csv': 'name,actual\n甲,1\n' }, 'd: { $csv: departmnets.csv }\n'),
    );
    expect(r.text).toMatch(
      /^data\.yaml:1:12: error\[data:table-unreadable\]: table file not found: departmnets\.csv/,
    );
    expect(r.text).toContain('did you mean "departments.csv"?');
  });

  it('keeps tables inside the data file’s folder: no .., no absolute path, no link out, not outside a worker’s roots', async () => {
    const outside = tempTree({ 'secret.csv': 'name,actual\n秘,1\n' });
    const up = only(await tables({}, 'd: { $csv: ../secret.csv }\n'));
    expect(up.text).toMatch(/error\[data:table-outside\]: table path "\.\.\/secret\.csv" leads outside/);
    const abs = only(await tables({}, `d: { $csv: ${path.join(outside, 'secret.csv')} }\n`));
    expect(abs.text).toMatch(/error\[data:table-outside\]: .* is not relative to the data file/);

    const dir = tempTree({ 'data.yaml': 'd: { $csv: t.csv }\n' });
    symlinkSync(path.join(outside, 'secret.csv'), path.join(dir, 't.csv'));
    const loaded = (await loadDataFile(path.join(dir, 'data.yaml'))) as { ok: true; data: LoadedData };
    const link = await resolveTables(loaded.data, { schema });
    expect(formatDiagnostic(link.diagnostics[0]!, dir)).toMatch(
      /error\[data:table-outside\]: .*leads outside the data file's folder \(through a symbolic link\)/,
    );
    // A link that stays inside the folder is fine.
    const inside = await tables({ 'real.csv': 'name,actual\n甲,1\n' }, 'd: { $csv: t.csv }\n');
    symlinkSync(path.join(inside.dir, 'real.csv'), path.join(inside.dir, 'link.csv'));
    writeFileSync(path.join(inside.dir, 'data.yaml'), 'd: { $csv: link.csv }\n');
    const again = (await loadDataFile(path.join(inside.dir, 'data.yaml'))) as { ok: true; data: LoadedData };
    expect((await resolveTables(again.data, { schema })).diagnostics).toEqual([]);

    const roots = await tables({ 't.csv': 'name,actual\n甲,1\n' }, undefined, { roots: [outside] });
    expect(only(roots).text).toMatch(/is outside the folders this worker reads/);
  });

  it('refuses a FIFO, a folder and a file over the size limit, unread', async () => {
    const dir = tempTree({ 'data.yaml': 'd: { $csv: pipe.csv }\n', 'folder.csv/x': '' });
    execFileSync('mkfifo', [path.join(dir, 'pipe.csv')]);
    const loaded = (await loadDataFile(path.join(dir, 'data.yaml'))) as { ok: true; data: LoadedData };
    const fifo = await resolveTables(loaded.data, { schema });
    expect(formatDiagnostic(fifo.diagnostics[0]!, dir)).toMatch(
      /error\[data:table-unreadable\]: table pipe\.csv is not a regular file \(a named pipe\)/,
    );

    const folder = only(await tables({ 'folder.csv/x': '' }, 'd: { $csv: folder.csv }\n'));
    expect(folder.text).toMatch(/is not a regular file \(a folder\)/);

    const limit = TABLE_LIMITS.fileBytes;
    TABLE_LIMITS.fileBytes = 1000;
    try {
      const big = only(await tables({ 't.csv': `name,actual\n${'甲,1\n'.repeat(300)}` }));
      expect(big.text).toMatch(
        /error\[data:table-too-large\]: table file t\.csv is 0\.00 MB, over the 0\.00 MB limit/,
      );
    } finally {
      TABLE_LIMITS.fileBytes = limit;
    }
  });

  it('refuses more rows than the limit', async () => {
    const limit = TABLE_LIMITS.rows;
    TABLE_LIMITS.rows = 10;
    try {
      const r = only(await tables({ 't.csv': `name,actual\n${'甲,1\n'.repeat(20)}` }));
      expect(r.d.code).toBe('data:table-too-large');
    } finally {
      TABLE_LIMITS.rows = limit;
    }
  });

  it('names the tables a data file refers to, for the input hash', () => {
    const dir = tempTree({});
    const file = path.join(dir, 'data.yaml');
    expect(
      tableFilesOf(
        file,
        Buffer.from('a: { $csv: a.csv }\nb: [{ $xlsx: sub/b.xlsx, sheet: x }, { $csv: a.csv }]\n'),
      ),
    ).toEqual([path.join(dir, 'a.csv'), path.join(dir, 'sub/b.xlsx')]);
    expect(tableFilesOf(file, Buffer.from('a: 1\n'))).toEqual([]);
  });

  it('changes the input hash when a table changes, and only then', () => {
    const dir = tempTree({
      'pack/template.hbs': '<briefing/>',
      'data.yaml': 'd: { $csv: t.csv }\n',
      't.csv': 'name,actual\n甲,1\n',
    });
    const hasher = new InputHasher(DEFAULT_FONTS_CONFIG);
    const hash = () => hasher.hash(path.join(dir, 'pack'), path.join(dir, 'data.yaml'));
    const first = hash();
    expect(hash()).toBe(first);
    writeFileSync(path.join(dir, 't.csv'), 'name,actual\n甲,2\n');
    expect(hash()).not.toBe(first);
  });
});

describe('XLSX tables', () => {
  const sheet = (wb: ExcelJS.Workbook) => {
    const ws = wb.addWorksheet('三月');
    ws.addRow(['各部门情况']);
    ws.addRow(['name', 'code', 'actual', 'rate', 'staff']);
    ws.addRow(['门店零售部', 7, 1186.4, 1.032, 12]);
    ws.addRow([
      '线上业务部',
      '008',
      { formula: 'C3/2', result: 593.2 },
      null,
      { richText: [{ text: '1' }, { text: '5' }] },
    ]);
    ws.addRow([new Date(Date.UTC(2025, 2, 1)), null, 2, 0.5, 1]);
    ws.getCell('D3').numFmt = '0.0%';
    ws.getCell('D5').numFmt = '0%';
    wb.addWorksheet('四月').addRow(['name']);
  };

  it('reads a sheet and range: formula results, rich text, dates as text, percent-formatted cells as shown', async () => {
    const r = await tables(
      { 'b.xlsx': await workbook(sheet) },
      'd: { $xlsx: b.xlsx, sheet: 三月, range: A2:E5 }\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.rows).toEqual([
      { name: '门店零售部', code: '7', actual: 1186.4, rate: 103.2, staff: 12 },
      { name: '线上业务部', code: '008', actual: 593.2, staff: 15 },
      { name: '2025-03-01', actual: 2, rate: 50, staff: 1 },
    ]);
    const placeOf: LoadedData['placeOf'] = (p, o) => r.data!.placeOf(p, o);
    expect(placeOf('/d/0/rate')).toMatchObject({
      cell: '三月!D3',
      header: 'rate',
      start: { line: 3, column: 4 },
    });
    expect(placeOf('/d/0/rate', { key: true })).toMatchObject({ cell: '三月!D2' });
    expect(
      formatDiagnostic(
        { severity: 'error', code: 'data:constraint', message: 'm', place: placeOf('/d/2/actual') },
        r.dir,
      ),
    ).toBe('b.xlsx!三月!C5: error[data:constraint]: m (column "actual")');
  });

  it('reads the same workbook bytes once per process, and reading a range past the data adds nothing to it', async () => {
    const bytes = await workbook((wb) =>
      wb.addWorksheet('s').addRows([
        ['name', 'actual'],
        ['甲', 3],
      ]),
    );
    const loads = vi.spyOn(ExcelJS.Workbook.prototype, 'xlsx', 'get');
    try {
      // A range far past the data (its cells would be created by getCell), then the same file without a range:
      // the whole sheet is still the two rows written.
      const wide = await tables({ 'b.xlsx': bytes }, 'd: { $xlsx: b.xlsx, range: A1:F40 }\n', {
        schema: null,
      });
      expect(wide.diagnostics).toEqual([]);
      expect(wide.rows).toEqual([{ name: '甲', actual: 3 }]);
      const kept = loads.mock.contexts[0] as ExcelJS.Workbook;
      expect([kept.getWorksheet('s')!.rowCount, kept.getWorksheet('s')!.columnCount]).toEqual([2, 2]);
      const whole = await tables({ 'c.xlsx': bytes }, 'd: { $xlsx: c.xlsx }\n', { schema: null });
      expect(whole.rows).toEqual([{ name: '甲', actual: 3 }]);
      expect(whole.data!.placeOf('/d/0/actual')).toMatchObject({ cell: 's!B2' });
      expect(loads).toHaveBeenCalledTimes(1);
    } finally {
      loads.mockRestore();
    }
  });

  it('without a range, takes the first sheet and its first non-empty row as the header', async () => {
    const r = await tables(
      {
        'b.xlsx': await workbook((wb) =>
          wb.addWorksheet('Data Sheet').addRows([[], ['name', 'actual'], ['甲', 3]]),
        ),
      },
      'd: { $xlsx: b.xlsx }\n',
    );
    expect(r.rows).toEqual([{ name: '甲', actual: 3 }]);
    expect(r.data!.placeOf('/d/0/actual').cell).toBe("'Data Sheet'!B3");
  });

  it('places schema errors, bad numbers, error values and formulas without results at their cells', async () => {
    const book = await workbook((wb) => {
      const ws = wb.addWorksheet('三月');
      ws.addRow(['name', 'actual', 'staff']);
      ws.addRow(['甲', 'abc', 1]);
      ws.addRow(['乙', { formula: 'B2*2' }, { error: '#DIV/0!' }]);
    });
    const r = await tables({ 'b.xlsx': book }, 'd: { $xlsx: b.xlsx, sheet: 三月 }\n');
    expect(r.diagnostics.map((d) => formatDiagnostic(d, r.dir).split('\n')[0])).toEqual([
      'b.xlsx!三月!B2: error[data:table-number]: expected a number, got "abc" (column "actual", at /d/0/actual)',
      'b.xlsx!三月!B3: error[data:table-cell]: the cell holds a formula without a saved result (column "actual", at /d/1/actual)',
      'b.xlsx!三月!C3: error[data:table-cell]: the cell holds the error value #DIV/0! (column "staff", at /d/1/staff)',
    ]);
    const ok = await tables(
      {
        'b.xlsx': await workbook((wb) =>
          wb.addWorksheet('三月').addRows([
            ['name', 'actual'],
            ['甲', -1],
          ]),
        ),
      },
      'd: { $xlsx: b.xlsx, sheet: 三月 }\n',
    );
    const errors = validateData(compileSchema('s.json', schema).schema!, ok.data!);
    expect(formatDiagnostic(errors[0]!, ok.dir)).toMatch(
      /^b\.xlsx!三月!B2: error\[data:constraint\]: must be >= 0/,
    );
  });

  it('reports an unknown sheet with a did-you-mean and the sheets there are', async () => {
    const r = only(await tables({ 'b.xlsx': await workbook(sheet) }, 'd: { $xlsx: b.xlsx, sheet: 三日 }\n'));
    expect(r.text).toMatch(/^data\.yaml:1:28: error\[data:table-sheet\]: b\.xlsx has no sheet "三日"/);
    expect(r.text).toContain('hint: did you mean "三月"?');
    expect(r.text).toContain('hint: its sheets: "三月", "四月"');
  });

  it('refuses what is not an XLSX workbook: text, an old .xls, a zip bomb, a part that lies about its size', async () => {
    const notZip = only(await tables({ 'b.xlsx': 'name,actual\n' }, 'd: { $xlsx: b.xlsx }\n'));
    expect(notZip.text).toMatch(
      /error\[data:table-syntax\]: cannot read b\.xlsx as an XLSX workbook: it is not a zip archive/,
    );
    const xls = only(
      await tables(
        { 'b.xlsx': Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]) },
        'd: { $xlsx: b.xlsx }\n',
      ),
    );
    expect(xls.text).toMatch(/Excel 97–2003 \(\.xls\)/);

    const zeros = new JSZip();
    zeros.file('xl/worksheets/sheet1.xml', Buffer.alloc(4 * 1024 * 1024), { createFolders: false });
    const bomb = await zeros.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const limit = TABLE_LIMITS.unpackedBytes;
    TABLE_LIMITS.unpackedBytes = 1024 * 1024;
    try {
      const big = only(await tables({ 'b.xlsx': bomb }, 'd: { $xlsx: b.xlsx }\n'));
      expect(big.text).toMatch(/it unpacks to more than 1\.0 MB/);
    } finally {
      TABLE_LIMITS.unpackedBytes = limit;
    }
    // The same archive, its part declaring 100 bytes: unpacking stops there.
    const liar = Buffer.from(bomb);
    const cd = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    liar.writeUInt32LE(100, cd + 24);
    const lie = only(await tables({ 'b.xlsx': liar }, 'd: { $xlsx: b.xlsx }\n'));
    expect(lie.text).toMatch(/does not unpack to the size it declares/);
  });
});

describe('numbers as people write them in tables', () => {
  it('reads separators, percent signs, full-width digits and accounting negatives, and nothing else', () => {
    const good: [string, number][] = [
      ['1,234.5', 1234.5],
      ['1,234,567', 1234567],
      ['８.７%', 8.7],
      ['１，２３４．５', 1234.5],
      ['−3.5', -3.5],
      ['(1,234)', -1234],
      ['+2', 2],
      ['.5', 0.5],
      ['1.5e3', 1500],
      [' 42 ', 42],
    ];
    for (const [text, n] of good) expect(parseNumber(text), text).toBe(n);
    for (const text of ['12,34', '1,2345', 'abc', '', '-', '—', '1.2.3', '3万', '¥12', 'NaN', 'Infinity'])
      expect(parseNumber(text), text).toBeUndefined();
  });
});

describe('the schema at a table', () => {
  it('finds the fields of the rows and their types through $ref', () => {
    const f = rowFieldsAt(monthlySchema, '/departments')!;
    expect([...f.fields.keys()]).toEqual(['name', 'actual', 'target', 'lastYear', 'rate', 'yoy']);
    expect([...f.fields.get('rate')!]).toEqual(['number']);
    expect([...f.fields.get('name')!]).toEqual(['string']);
    expect(f.closed).toBe(true);
    expect([...f.required]).toContain('yoy');
    expect(rowFieldsAt(monthlySchema, '/summary')).toBeUndefined();
  });
});

describe('the monthly data', () => {
  it('reads the sample’s CSV and data/monthly’s XLSX and GBK CSV tables, consistent with their totals', async () => {
    const files = [
      'data/monthly-sample.yaml',
      ...Array.from(
        { length: 12 },
        (_, i) => `data/monthly/zhuhui/2025-${String(i + 1).padStart(2, '0')}.yaml`,
      ),
      ...Array.from(
        { length: 12 },
        (_, i) => `data/monthly/yanfeng/2025-${String(i + 1).padStart(2, '0')}.yaml`,
      ),
    ];
    const compiled = compileSchema('schema.json', monthlySchema).schema!;
    const kinds = new Set<string>();
    for (const f of files) {
      const loaded = (await loadDataFile(path.join(root, f))) as { ok: true; data: LoadedData };
      const r = await resolveTables(loaded.data, { schema: monthlySchema });
      expect(r.diagnostics, f).toEqual([]);
      expect(validateData(compiled, r.data!), f).toEqual([]);
      for (const t of r.files) kinds.add(path.extname(t));
      const v = r.data!.value as {
        departments: { actual: number; target: number; rate: number }[];
        total: { actual: number };
      };
      const sum = v.departments.reduce((s, d) => s + d.actual, 0);
      expect(Math.abs(sum - v.total.actual), f).toBeLessThan(0.05 * v.departments.length);
      for (const d of v.departments) expect(d.rate, f).toBe(Math.round((d.actual / d.target) * 1000) / 10);
    }
    expect([...kinds].sort()).toEqual(['.csv', '.xlsx']);
  });

  it('scripts/gen-monthly.mjs writes the same bytes again (the workbook and the CSV files included)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      path.join(root, 'scripts/gen-monthly.mjs'),
      '--check',
    ]);
    expect(stdout).toMatch(/ 0 differ/);
  });
});
