import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { pdftotext } from './support/pdf.js';
import { tempTree } from './support/tmp.js';
import { briefingIn } from './support/cli.js';

// What a user does with tables: the monthly sample built from its CSV file gives the text (and bytes) it gave
// with the departments written into the YAML, and a wrong table stops the build with a located error.

const root = path.resolve(import.meta.dirname, '..');
const pack = path.join(root, 'templates/monthly-report');
const sample = path.join(root, 'data/monthly-sample.yaml');

const briefing = briefingIn;

/** The department table as the sample had it in its YAML, before the table moved to a CSV file. */
const INLINE = `departments:
  - { name: 门店零售部, actual: 1186.4, target: 1150.0, lastYear: 1102.7, rate: 103.2, yoy: 7.6 }
  - { name: 批发分销部, actual: 842.6, target: 880.0, lastYear: 861.3, rate: 95.8, yoy: -2.2 }
  - { name: 线上业务部, actual: 563.8, target: 520.0, lastYear: 447.5, rate: 108.4, yoy: 26.0 }
  - { name: 政企客户部, actual: 478.2, target: 450.0, lastYear: 402.9, rate: 106.3, yoy: 18.7 }
  - { name: 家装工程部, actual: 316.5, target: 340.0, lastYear: 298.4, rate: 93.1, yoy: 6.1 }
  - { name: 物流配送部, actual: 128.7, target: 125.0, lastYear: 119.6, rate: 103.0, yoy: 7.6 }
  - { name: 售后服务部, actual: 86.3, target: 80.0, lastYear: 81.2, rate: 107.9, yoy: 6.3 }
`;

const sampleText = readFileSync(sample, 'utf8');
const REF = /^departments: \{ \$csv: monthly-sample-departments\.csv \}\n/m;

describe('the monthly sample with its department table in a CSV file', () => {
  it('builds the same PDF as with the table written into the YAML', async () => {
    expect(sampleText).toMatch(REF);
    const dir = tempTree({ 'inline.yaml': sampleText.replace(REF, INLINE) });
    const fromCsv = await briefing(root, 'build', pack, '--data', sample, '--out', path.join(dir, 'csv.pdf'));
    expect(fromCsv.code, fromCsv.stderr).toBe(0);
    const inline = await briefing(dir, 'build', pack, '--data', 'inline.yaml', '--out', 'inline.pdf');
    expect(inline.code, inline.stderr).toBe(0);
    const [a, b] = [readFileSync(path.join(dir, 'csv.pdf')), readFileSync(path.join(dir, 'inline.pdf'))];
    const text = await pdftotext(a, '-layout');
    expect(text).toBe(await pdftotext(b, '-layout'));
    expect(text).toMatch(/门店零售部\s+1,186\.4\s+1,150\.0\s+103\.2%\s+1,102\.7\s+\+7\.6%/);
    expect(text).toMatch(/家装工程部\s+316\.5\s+340\.0\s+93\.1%/);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it('builds the same from a GBK export with thousands separators, and stops at a misspelt header with its place', async () => {
    const rows = INLINE.split('\n')
      .slice(1, -1)
      .map((l) =>
        /name: (\S+), actual: ([\d.]+), target: ([\d.]+), lastYear: ([\d.]+), rate: ([\d.]+), yoy: (-?[\d.]+)/.exec(
          l,
        )!,
      )
      .map(([, name, ...n]) => {
        const grouped = n
          .slice(0, 3)
          .map((x) => `"${Number(x).toLocaleString('en-US', { minimumFractionDigits: 1 })}"`);
        return [name, ...grouped, `${n[3]}%`, `${n[4]}%`].join(',');
      });
    const csv = (header: string) => iconv.encode(`${header}\r\n${rows.join('\r\n')}\r\n`, 'gbk');
    const dir = tempTree({
      'report.yaml': sampleText.replace(REF, 'departments: { $csv: departments.csv }\n'),
      'inline.yaml': sampleText.replace(REF, INLINE),
      'departments.csv': csv('name,actual,target,lastYear,rate,yoy'),
    });
    expect(readFileSync(path.join(dir, 'departments.csv')).includes(Buffer.from('门店'))).toBe(false);
    const ok = await briefing(dir, 'build', pack, '--data', 'report.yaml', '--out', 'report.pdf');
    expect(ok.code, ok.stderr).toBe(0);
    expect(await briefing(dir, 'build', pack, '--data', 'inline.yaml', '--out', 'inline.pdf')).toMatchObject({
      code: 0,
    });
    expect(await pdftotext(readFileSync(path.join(dir, 'report.pdf')), '-layout')).toBe(
      await pdftotext(readFileSync(path.join(dir, 'inline.pdf')), '-layout'),
    );

    writeFileSync(path.join(dir, 'departments.csv'), csv('name,actual,taget,lastYear,rate,yoy'));
    const bad = await briefing(dir, 'build', pack, '--data', 'report.yaml', '--out', 'bad.pdf');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'departments.csv:1:3: error[data:table-header]: unknown column "taget": the schema has no such field (at /departments)\n  hint: did you mean "target"?',
    );
    expect(existsSync(path.join(dir, 'bad.pdf'))).toBe(false);

    writeFileSync(
      path.join(dir, 'departments.csv'),
      csv('name,actual,target,lastYear,rate,yoy').toString('latin1').replace('"842.6"', '"84,26"'),
      'latin1',
    );
    const json = await briefing(
      dir,
      'build',
      pack,
      '--data',
      'report.yaml',
      '--out',
      'bad.pdf',
      '--format',
      'json',
    );
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { diagnostics: unknown[] }).diagnostics).toEqual([
      expect.objectContaining({
        code: 'data:table-number',
        file: 'departments.csv',
        line: 3,
        column: 2,
        header: 'actual',
        pointer: '/departments/1/actual',
      }),
    ]);
  });

  it('`briefing init` copies the sample’s table beside its data, and the new pack builds', async () => {
    const dir = tempTree({});
    expect((await briefing(dir, 'init', 'mine', '--from', 'monthly-report')).code).toBe(0);
    expect(readFileSync(path.join(dir, 'mine/monthly-sample-departments.csv'))).toEqual(
      readFileSync(path.join(root, 'data/monthly-sample-departments.csv')),
    );
    copyFileSync(path.join(dir, 'mine/sample-data.yaml'), path.join(dir, 'mine/copy.yaml'));
    const r = await briefing(dir, 'check', 'mine', '--data', 'mine/copy.yaml');
    expect(r.code, r.stderr).toBe(0);
  });
});
