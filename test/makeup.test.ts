import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../src/pipeline/pipeline.js';
import { failures, measurePages } from './support/page-measure.js';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');
const sample = parse(readFileSync(path.join(root, 'data/hengyang-2020.yaml'), 'utf8')) as Sample;

interface Sample {
  headline: string;
  deck: string;
  sections: { title: string; paragraphs: string[]; figures?: unknown[] }[];
  pullQuote: { text: string; afterSection: number };
  [key: string]: unknown;
}

/** Ordinary variations of the annual briefing's data, as a new user makes them. */
const VARIATIONS: [string, (d: Sample) => void][] = [
  ['the sample as it is', () => {}],
  [
    'a pull quote of three lines',
    (d) =>
      (d.pullQuote.text = '同心协力，聚能向正；稳中求进，久久为功，奋力谱写新时代衡阳高质量发展的崭新篇章'),
  ],
  [
    'a deck of thirty characters',
    (d) => (d.deck = '2020 衡阳年度热词：在大战大考中稳住经济基本盘并实现由负转正的逆势上扬'),
  ],
  ['a headline of three characters', (d) => (d.headline = '稳转正')],
  ['a headline of five characters', (d) => (d.headline = '稳中求转正')],
  ['a headline of fourteen characters', (d) => (d.headline = '稳中求进逆势上扬由负转正再创佳绩')],
  ['three sections', (d) => ((d.sections = d.sections.slice(0, 3)), (d.pullQuote.afterSection = 2))],
  [
    'twelve sections',
    (d) => (d.sections = [...d.sections, ...d.sections.slice(0, 3).map((s) => ({ ...s, figures: [] }))]),
  ],
  [
    'figures that fall near a column foot',
    (d) => d.sections.forEach((s, i) => (s.paragraphs = s.paragraphs.slice(0, 1 + (i % 3)))),
  ],
];

/**
 * Page sizes and the column counts that make sense on them (four columns of A5 would be six characters wide):
 * every variation meets each page size, the column counts rotating through.
 */
const PAGES: [string, number[]][] = [
  ['A4', [1, 2, 3, 4]],
  ['A5', [1, 2]],
  ['A3', [2, 3, 4]],
];

/** Builds a variation of the sample in a copy of the pack with a changed theme; returns the PDF and diagnostics. */
async function build(change: (d: Sample) => void, size: string, columns: number) {
  const dir = tempTree({});
  cpSync(path.join(root, 'templates/annual-briefing'), path.join(dir, 'pack'), { recursive: true });
  const theme = readFileSync(path.join(dir, 'pack/theme.yaml'), 'utf8')
    .replace(/size: A4/, `size: ${size}`)
    .replace(/columns: 2/, `columns: ${columns}`);
  writeFileSync(path.join(dir, 'pack/theme.yaml'), theme);
  const data = structuredClone(sample);
  change(data);
  writeFileSync(path.join(dir, 'd.yaml'), stringify(data));
  const r = await buildReport({
    templateDir: path.join(dir, 'pack'),
    dataFile: path.join(dir, 'd.yaml'),
    write: false,
    cacheDir: path.join(dir, 'cache'),
  });
  return r;
}

describe('page make-up over a stress set: nothing overflows, columns full and balanced, no widows or orphans', () => {
  let n = 0;
  for (const [name, change] of VARIATIONS)
    for (const [size, counts] of PAGES) {
      const columns = counts[n++ % counts.length]!;
      it(`${name}, ${size}, ${columns} column${columns > 1 ? 's' : ''}`, async () => {
        const r = await build(change, size, columns);
        expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
        // MAKEUP_OUT=folder keeps every PDF of the set, to look at.
        if (process.env.MAKEUP_OUT)
          writeFileSync(
            path.join(process.env.MAKEUP_OUT, `${name} ${size} ${columns}.pdf`.replace(/ /g, '-')),
            r.pdf!,
          );
        const layout = r.diagnostics.filter((d) => d.code.startsWith('layout:'));
        expect(layout.filter((d) => d.code === 'layout:overflow')).toEqual([]);
        const m = await measurePages(r.pdf!);
        expect(failures(m.summary), JSON.stringify({ summary: m.summary, layout })).toEqual([]);
      });
    }
  it('the monthly report sample', async () => {
    const r = await buildReport({
      templateDir: path.join(root, 'templates/monthly-report'),
      dataFile: path.join(root, 'data/monthly-sample.yaml'),
      write: false,
    });
    expect(r.ok).toBe(true);
    expect(failures((await measurePages(r.pdf!)).summary)).toEqual([]);
  });
});

describe('page furniture', () => {
  it('sets the folio in the theme’s format, and none on a cover when the theme says so', async () => {
    const dir = tempTree({});
    cpSync(path.join(root, 'templates/annual-briefing'), path.join(dir, 'pack'), { recursive: true });
    const theme = readFileSync(path.join(dir, 'pack/theme.yaml'), 'utf8');
    writeFileSync(
      path.join(dir, 'pack/theme.yaml'),
      `${theme}\nfolio: { format: '- {page} -', first: false }\n`,
    );
    const r = await buildReport({
      templateDir: path.join(dir, 'pack'),
      dataFile: path.join(root, 'data/hengyang-2020.yaml'),
      write: false,
      cacheDir: path.join(dir, 'cache'),
    });
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    const pdf = path.join(dir, 'x.pdf');
    writeFileSync(pdf, r.pdf!);
    const page = (n: number) =>
      execFileSync('pdftotext', ['-f', String(n), '-l', String(n), '-layout', pdf, '-'], {
        encoding: 'utf8',
      });
    expect(page(1)).not.toMatch(/- 1 -|第 1 页/);
    expect(page(2)).toMatch(/^\s*- 2 -\s*$/m);
    expect(page(2)).not.toContain('第 2 页');

    writeFileSync(path.join(dir, 'pack/theme.yaml'), `${theme}\nfolio: { format: '{pg} / {pages}' }\n`);
    const bad = await buildReport({
      templateDir: path.join(dir, 'pack'),
      dataFile: path.join(root, 'data/hengyang-2020.yaml'),
      write: false,
    });
    expect(bad.diagnostics.map((d) => [d.code, d.pointer])).toEqual([
      ['theme:out-of-range', '/folio/format'],
    ]);
  });
});
