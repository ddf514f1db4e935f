import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildReport } from '../src/pipeline/pipeline.js';
import { pdftotext, structNodes, structText } from './support/pdf.js';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');

/** Per page (1-based), the lines pdftotext -raw gives (what copy and paste give). */
async function pageLines(pdf: Buffer): Promise<string[][]> {
  const text = await pdftotext(pdf, '-raw');
  return text.split('\f').map((p) => p.split('\n').map((l) => l.trim()));
}

/** The entries of a printed table of contents: its text, and the page number after its leader dots. */
function entriesOf(pages: string[][]): { text: string; page: number; on: number }[] {
  return pages.flatMap((lines, i) =>
    lines.flatMap((l) => {
      const m = /^(.+?)\u2026+(\d+)$/.exec(l);
      return m ? [{ text: m[1]!, page: Number(m[2]), on: i + 1 }] : [];
    }),
  );
}

/** The page (1-based) on which a line reads exactly `text` (a heading), outside the table of contents. */
function pageOf(pages: string[][], text: string): number[] {
  return pages.flatMap((lines, i) => (lines.includes(text) ? [i + 1] : []));
}

/** Each link annotation of the PDF: the page it is on, and the page its named destination is on. */
async function links(pdf: Buffer): Promise<{ on: number; to: number; contents: string }[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  const out: { on: number; to: number; contents: string }[] = [];
  for (let i = 1; i <= doc.numPages; i++)
    for (const a of (await (await doc.getPage(i)).getAnnotations()) as {
      subtype: string;
      dest: string;
      contentsObj: { str: string };
    }[]) {
      if (a.subtype !== 'Link') continue;
      const dest = (await doc.getDestination(a.dest))!;
      out.push({
        on: i,
        to: (await doc.getPageIndex(dest[0] as { num: number; gen: number })) + 1,
        contents: a.contentsObj.str,
      });
    }
  await doc.destroy();
  return out;
}

/** A pack whose document is a table of contents and `n` sections of `paras` paragraphs in two columns. */
function pack(
  n: number,
  paras: number,
  tocAt: 'front' | 'body' | 'page' = 'front',
): { dir: string; data: string } {
  const toc = `<toc title="目\u3000录" headline="yes"/>${tocAt === 'page' ? '<pagebreak/>' : ''}`;
  const dir = tempTree({
    'pack/template.hbs': `<briefing date="2024-05-06"><headline>{{title}}</headline>${tocAt !== 'body' ? toc : ''}
<body columns="2">${tocAt === 'body' ? toc : ''}{{#each sections}}<section><heading>第{{inc @index}}节\u3000{{this.title}}</heading>
{{#each this.paras}}<p>{{this}}</p>{{/each}}</section>{{/each}}</body></briefing>`,
    'data.yaml': stringify({
      title: '目录试验',
      sections: Array.from({ length: n }, (_, i) => ({
        title: ['经营概况', '重点项目', '市场拓展与客户服务'][i % 3],
        paras: Array.from({ length: paras }, (_, k) =>
          `第${i + 1}节的第${k + 1}段：营业收入同比增长3.5%，新签合同额增长12.4%，重点项目按期推进，各部门协同配合，经营质量稳步提升。`.repeat(
            1 + ((i + k) % 3),
          ),
        ),
      })),
    }),
  });
  return { dir: path.join(dir, 'pack'), data: path.join(dir, 'data.yaml') };
}

async function build(templateDir: string, dataFile: string) {
  const r = await buildReport({ templateDir, dataFile, write: false, cacheDir: false });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r;
}

describe('<toc/>: a printed table of contents', () => {
  it('prints the page each heading lands on, links each entry to it, and tags it as a TOC', async () => {
    const { dir, data } = pack(9, 4);
    const r = await build(dir, data);
    const pages = await pageLines(r.pdf!);
    const entries = entriesOf(pages);
    expect(entries.map((e) => e.text)).toEqual([
      '目录试验',
      ...Array.from(
        { length: 9 },
        (_, i) => `第${i + 1}节\u3000${['经营概况', '重点项目', '市场拓展与客户服务'][i % 3]}`,
      ),
    ]);
    expect(new Set(entries.map((e) => e.page)).size).toBeGreaterThan(2);
    // The headline is on the first page (and is the running head of the others); each heading where it says.
    expect(entries[0]!.page).toBe(1);
    for (const e of entries.slice(1)) expect(pageOf(pages, e.text), e.text).toEqual([e.page]);
    // Each entry is a link to its heading's page, named by its text and number.
    const ls = await links(r.pdf!);
    expect(ls.map((l) => l.to)).toEqual(entries.map((e) => e.page));
    expect(ls.map((l) => l.contents)).toEqual(entries.map((e) => `${e.text} ${e.page}`));
    // A TOC of TOCI elements, each a Link holding the entry's text.
    const tree = structNodes(await structText(r.pdf!));
    expect(tree.filter((n) => n.role === 'TOCI')).toHaveLength(entries.length);
    expect(tree.filter((n) => n.role === 'Link')).toHaveLength(entries.length);
    expect(r.diagnostics.filter((d) => d.code.startsWith('layout:'))).toEqual([]);
  });

  it('a table of contents longer than a page moves the headings, and the numbers follow them', async () => {
    const { dir, data } = pack(70, 1, 'body');
    const r = await build(dir, data);
    const pages = await pageLines(r.pdf!);
    const entries = entriesOf(pages);
    expect(entries).toHaveLength(71);
    // The contents run over more than one page of two columns, and the first heading comes after them.
    expect(new Set(entries.map((e) => e.on)).size).toBeGreaterThan(1);
    const first = entries.find((e) => e.text.startsWith('第1节'))!;
    expect(first.page).toBeGreaterThan(1);
    for (const e of entries.slice(1)) expect(pageOf(pages, e.text), e.text).toEqual([e.page]);
    expect((await links(r.pdf!)).map((l) => l.to)).toEqual(entries.map((e) => e.page));
    expect(r.diagnostics.filter((d) => d.code === 'layout:toc-pages')).toEqual([]);
  });

  it('a page break after it gives it a page of its own, and the numbers follow', async () => {
    const { dir, data } = pack(6, 3, 'page');
    const r = await build(dir, data);
    const pages = await pageLines(r.pdf!);
    const entries = entriesOf(pages);
    expect(entries.map((e) => e.on)).toEqual(entries.map(() => 1));
    expect(entries[1]!.page).toBe(2);
    for (const e of entries.slice(1)) expect(pageOf(pages, e.text), e.text).toEqual([e.page]);
  });

  it('the monthly report prints one when its data asks (contents: true)', async () => {
    const sample = parse(readFileSync(path.join(root, 'data/monthly-sample.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const dir = tempTree({ 'x.csv': readFileSync(path.join(root, 'data/monthly-sample-departments.csv')) });
    const dataFile = path.join(dir, 'monthly.yaml');
    writeFileSync(dataFile, stringify({ ...sample, departments: { $csv: 'x.csv' }, contents: true }));
    const r = await build(path.join(root, 'templates/monthly-report'), dataFile);
    const pages = await pageLines(r.pdf!);
    const entries = entriesOf(pages);
    expect(pages[0]).toContain('本期目录');
    expect(entries.length).toBe((sample.sections as unknown[]).length + 1);
    for (const e of entries) expect(pageOf(pages, e.text), e.text).toEqual([e.page]);
  });
});
