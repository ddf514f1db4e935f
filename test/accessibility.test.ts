import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { buildReport } from '../src/pipeline/pipeline.js';
import { chartAlt } from '../src/charts/alt.js';
import type { ChartSpec } from '../src/charts/spec.js';
import { parsePdfStandards } from '../src/build/standards.js';
import { pdftotext, poppler, structNodes, structString, structText, type StructNode } from './support/pdf.js';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');
const annual = path.join(root, 'templates/annual-briefing');
const monthly = path.join(root, 'templates/monthly-report');
const sampleFile = path.join(root, 'data/hengyang-2020.yaml');
const monthlyFile = path.join(root, 'data/monthly-sample.yaml');

interface Sample {
  lead: string[];
  sections: { title: string; paragraphs: string[]; figures?: unknown[] }[];
}
const sample = parse(readFileSync(sampleFile, 'utf8')) as Sample;

async function build(templateDir: string, dataFile: string, pdfStandard?: string): Promise<Buffer> {
  const r = await buildReport({
    templateDir,
    dataFile,
    write: false,
    cacheDir: false,
    ...(pdfStandard ? { pdfStandard } : {}),
  });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.pdf!;
}

const ofRole = (tree: StructNode, role: string) => structNodes(tree).filter((n) => n.role === role);

/** Per page, pdf.js's structure tree and its marked content: which MCIDs exist, and text outside any. */
async function readTagged(bytes: Buffer) {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
  const pages = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const tree = (await page.getStructTree()) as unknown as PdfjsNode;
    const content = await page.getTextContent({ includeMarkedContent: true });
    const ids = new Set<string>();
    const unmarked: string[] = [];
    const stack: (string | null)[] = [];
    for (const item of content.items) {
      if ('type' in item && item.type === 'beginMarkedContentProps') {
        const m = item as unknown as { id: string | null; tag: string };
        if (m.id) ids.add(m.id);
        // What a sequence is: an element's (its MCID) or an artifact; a Span inside either adds nothing.
        stack.push(stack.length ? stack.at(-1)! : m.id ? 'mcid' : m.tag);
      } else if ('type' in item && item.type === 'beginMarkedContent') stack.push(stack.at(-1) ?? null);
      else if ('type' in item && item.type === 'endMarkedContent') stack.pop();
      else if ('str' in item && item.str.trim() && !(stack[0] === 'mcid' || stack[0] === 'Artifact'))
        unmarked.push(item.str);
    }
    pages.push({ tree, ids, unmarked });
  }
  await doc.destroy();
  return pages;
}

interface PdfjsNode {
  role?: string;
  alt?: string;
  lang?: string;
  type?: string;
  id?: string;
  children?: PdfjsNode[];
}
const pdfjsNodes = (n: PdfjsNode): PdfjsNode[] => [n, ...(n.children ?? []).flatMap(pdfjsNodes)];

describe('the sample briefing, tagged', () => {
  let pdf: Buffer;
  let tree: StructNode;
  beforeAll(async () => {
    pdf = await build(annual, sampleFile);
    tree = await structText(pdf);
  });

  it('is tagged, titled in the title bar, in Chinese, and not encrypted (pdfinfo, the catalog)', async () => {
    const info = await poppler('pdfinfo', pdf);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Encrypted:\s+no$/m);
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/DisplayDocTitle true/);
    expect(text).toMatch(/\/Lang \(zh-CN\)/);
    expect(text).toMatch(/\/MarkInfo/);
    expect(text).not.toMatch(/\/Encrypt\b/);
  });

  it('has one H1, an H2 per section, a Figure per chart and one Document', () => {
    expect(tree.children.map((n) => n.role)).toEqual(['Document']);
    expect(ofRole(tree, 'H1').map(structString)).toEqual(['转正']);
    expect(ofRole(tree, 'H2')).toHaveLength(sample.sections.length);
    expect(ofRole(tree, 'H2').map(structString)).toEqual(
      sample.sections.map((s, i) => `措施${'①②③④⑤⑥⑦⑧⑨'[i]}：${s.title}`),
    );
    const figures = sample.sections.flatMap((s) => s.figures ?? []);
    expect(ofRole(tree, 'Figure')).toHaveLength(figures.length);
    expect(figures.length).toBe(7);
    for (const f of ofRole(tree, 'Figure')) expect(f.children.map((c) => c.role)).toEqual(['Caption']);
    expect(ofRole(tree, 'BlockQuote')).toHaveLength(1);
  });

  it('gives back every paragraph verbatim as one P, in the article\u2019s order (pdfinfo -struct-text)', () => {
    const expected = [...sample.lead, ...sample.sections.flatMap((s) => s.paragraphs)];
    const ps = ofRole(tree, 'P').map(structString);
    expect(ps.filter((t) => expected.includes(t))).toEqual(expected);
    // Heads and paragraphs interleave as written: each section's head just before its first paragraph.
    const order = structNodes(tree)
      .filter((n) => n.role === 'H2' || n.role === 'P')
      .map(structString);
    sample.sections.forEach((s, i) =>
      expect(order[order.indexOf(s.paragraphs[0]!) - 1]).toBe(`措施${'①②③④⑤⑥⑦⑧⑨'[i]}：${s.title}`),
    );
  });

  it('leaves the running heads and folios out of the structure (artifacts)', () => {
    const all = structString(tree);
    expect(all).not.toContain('第 1 页');
    expect(all).not.toMatch(/共 \d+ 页/);
    // The running head is the headline and deck again: once each (as H1 and the deck), never a third time.
    expect(all.split('2021年1月11日').length - 1).toBe(1);
  });

  it('keeps a paragraph set over two pages one P', async () => {
    const pages = await Promise.all(
      [1, 2, 3, 4].map(async (n) =>
        (await pdftotext(pdf, '-raw', '-f', `${n}`, '-l', `${n}`)).replace(/\n/g, ''),
      ),
    );
    const paragraphs = [...sample.lead, ...sample.sections.flatMap((s) => s.paragraphs)];
    const split = paragraphs.filter((p) => !pages.some((t) => t.includes(p)));
    expect(split.length).toBeGreaterThan(0);
    const ps = ofRole(tree, 'P').map(structString);
    for (const p of split) expect(ps).toContain(p);
  });

  it('gives every Figure its words as /Alt, and marks every text (pdf.js getStructTree)', async () => {
    const pages = await readTagged(pdf);
    const figures = pages.flatMap((p) => pdfjsNodes(p.tree).filter((n) => n.role === 'Figure'));
    expect(figures).toHaveLength(7);
    for (const f of figures) expect(f.alt).toMatch(/^图\d+ .+：.+ \d/);
    expect(figures[0]!.alt).toBe(
      '图1 前三季度GDP增速对比：衡阳·上半年 1.7%，衡阳·前三季度 3.0%，湖南全省·前三季度 2.6%',
    );
    expect(figures.map((f) => /^图(\d+)/.exec(f.alt!)![1])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    for (const p of pages) {
      // Every piece of content the tree points at is on its page, and no text is outside marked content.
      for (const n of pdfjsNodes(p.tree)) if (n.type === 'content') expect(p.ids.has(n.id!)).toBe(true);
      expect(p.unmarked).toEqual([]);
    }
  });

  it('declares PDF/UA-1 and PDF/A-2u in its XMP, with an sRGB output intent', async () => {
    const xmp = await poppler('pdfinfo', pdf, '-meta');
    expect(xmp).toMatch(/<pdfuaid:part>1<\/pdfuaid:part>/);
    expect(xmp).toMatch(/<pdfaid:part>2<\/pdfaid:part>/);
    expect(xmp).toMatch(/<pdfaid:conformance>U<\/pdfaid:conformance>/);
    // PDF/A-2 predefines no pdfuaid: the XMP describes it in an extension schema.
    expect(xmp).toMatch(/<pdfaSchema:prefix>pdfuaid<\/pdfaSchema:prefix>/);
    expect(xmp).toMatch(/<dc:title>[\s\S]*转正——2020衡阳年度热词[\s\S]*<\/dc:title>/);
    expect(xmp).toMatch(/<xmp:ModifyDate>2021-01-11T00:00:00Z<\/xmp:ModifyDate>/);
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/OutputIntents \[\d+ 0 R\]/);
    expect(text).toMatch(/\/S \/GTS_PDFA1/);
    expect(text).toMatch(/\/OutputConditionIdentifier \(sRGB IEC61966-2\.1\)/);
    expect(text).toMatch(/^%PDF-1\.7/);
  });

  it('embeds every font with a ToUnicode map (pdffonts)', async () => {
    const rows = (await poppler('pdffonts', pdf)).trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/\byes\s+yes\s+yes\s+\d+\s+0$/);
  });
});

describe('tables and standards', () => {
  it('tags a table over two pages as one Table: a TR per row, TH with scope, the repeated header an artifact', async () => {
    const rows = Array.from(
      { length: 13 },
      (_, i) =>
        `  - { name: 测试${i}部, actual: 10${i}.5, target: 100.0, lastYear: 99.0, rate: 10${i}.5, yoy: 1.${i} }\n`,
    ).join('');
    const dir = tempTree({
      // The sample's departments come from a CSV table; this one lists its own 20 (the schema's most): two pages.
      'long.yaml': readFileSync(monthlyFile, 'utf8').replace(
        /^departments: .*$/m,
        `departments:\n${rows}${rows.split('\n').slice(0, 7).join('\n')}\n`,
      ),
    });
    const pdf = await build(monthly, path.join(dir, 'long.yaml'));
    const last = await pdftotext(pdf, '-raw', '-f', '4', '-l', '4');
    expect(last).toContain('部门 本月 上年同月\n完成 目标 完成率 完成 同比'); // the two-row header repeated on the table's second page
    const tree = await structText(pdf);
    const [table, ...more] = ofRole(tree, 'Table');
    expect(more).toEqual([]);
    expect(table!.children.map((r) => r.role)).toEqual(Array.from({ length: 23 }, () => 'TR'));
    // The header's first row: 部门 (two rows high), 本月 over three columns, 上年同月 over two; every other row six.
    expect(table!.children.map((r) => r.children.length)).toEqual([
      3,
      5,
      ...Array.from({ length: 21 }, () => 6),
    ]);
    const ths = ofRole(table!, 'TH');
    expect(ths.map(structString)).toEqual([
      '部门',
      '本月',
      '上年同月',
      '完成',
      '目标',
      '完成率',
      '完成',
      '同比',
    ]);
    for (const th of ths) expect(th.attributes).toContain('/Scope /Column');
    expect(ths[0]!.attributes).toContain('/RowSpan 2');
    expect(ths[1]!.attributes).toContain('/ColSpan 3');
    expect(structString(table!.children[22]!)).toMatch(/^合计/);
  });

  it('declares nothing with --pdf-standard none, and is still tagged', async () => {
    const pdf = await build(annual, sampleFile, 'none');
    const xmp = await poppler('pdfinfo', pdf, '-meta');
    expect(xmp).not.toMatch(/pdfaid|pdfuaid/);
    expect(pdf.toString('latin1')).not.toMatch(/\/OutputIntents/);
    expect(await poppler('pdfinfo', pdf)).toMatch(/^Tagged:\s+yes$/m);
  });

  it('refuses a standard it cannot declare, with a diagnostic', async () => {
    const r = await buildReport({
      templateDir: annual,
      dataFile: sampleFile,
      write: false,
      pdfStandard: 'a2a',
    });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain('build:pdf-standard');
    expect(parsePdfStandards('ua1,a2u')).toEqual({ ua1: true, pdfa: '2u' });
    expect(parsePdfStandards('A2B')).toEqual({ ua1: false, pdfa: '2b' });
    expect(parsePdfStandards('none')).toEqual({ ua1: false });
    expect(parsePdfStandards('a2u,a2b')).toMatch(/one PDF\/A level/);
    expect(parsePdfStandards('none,ua1')).toMatch(/cannot be combined/);
  });

  it('reads a theme\u2019s pdf.standard, and reports a wrong one at its place', async () => {
    const theme = readFileSync(path.join(annual, 'theme.yaml'), 'utf8');
    const files = (standard: string) => ({
      'pack/template.hbs': readFileSync(path.join(annual, 'template.hbs'), 'utf8'),
      'pack/partials/masthead.hbs': readFileSync(path.join(annual, 'partials/masthead.hbs'), 'utf8'),
      'pack/partials/section.hbs': readFileSync(path.join(annual, 'partials/section.hbs'), 'utf8'),
      'pack/theme.yaml': `${theme}\npdf:\n  standard: ${standard}\n`,
    });
    const ok = tempTree(files('ua1'));
    const pdf = await build(path.join(ok, 'pack'), sampleFile);
    const xmp = await poppler('pdfinfo', pdf, '-meta');
    expect(xmp).toMatch(/pdfuaid:part/);
    expect(xmp).not.toMatch(/pdfaid:part/);
    const bad = tempTree(files('pdfx'));
    const r = await buildReport({ templateDir: path.join(bad, 'pack'), dataFile: sampleFile, write: false });
    const d = r.diagnostics.find((x) => x.code === 'theme:out-of-range');
    expect(d?.message).toMatch(/unknown PDF standard "pdfx"/);
    expect(d?.place?.file).toMatch(/theme\.yaml$/);
  });
});

describe('alt text of a chart', () => {
  const spec = (over: Partial<ChartSpec>): ChartSpec => ({
    type: 'bar',
    title: '前三季度GDP增速对比',
    unit: '%',
    source: '',
    labels: ['衡阳·上半年', '衡阳·前三季度', '湖南全省·前三季度'],
    series: [{ name: 'GDP同比增长', values: [1.7, 3.0, 2.6], type: 'bar', axis: 'left', unit: '' }],
    stacked: false,
    dataLabels: 'auto',
    ...over,
  });

  it('says the title and every value with its label and unit, at the data\u2019s precision', () => {
    expect(chartAlt(spec({}), 1)).toBe(
      '图1 前三季度GDP增速对比：衡阳·上半年 1.7%，衡阳·前三季度 3.0%，湖南全省·前三季度 2.6%',
    );
    expect(
      chartAlt(
        spec({
          title: '项目',
          unit: '个',
          labels: ['开工', '超前'],
          series: [
            { name: '省重点', values: [28, 23], type: 'bar', axis: 'left', unit: '' },
            { name: '省重大', values: [11, 5], type: 'bar', axis: 'left', unit: '' },
          ],
        }),
        2,
      ),
    ).toBe('图2 项目：省重点：开工 28个，超前 23个；省重大：开工 11个，超前 5个');
    expect(
      chartAlt(
        spec({
          unit: '元',
          labels: ['a'],
          series: [{ name: '', values: [59592000000], type: 'bar', axis: 'left', unit: '' }],
        }),
        3,
      ),
    ).toBe('图3 前三季度GDP增速对比：a 595.92亿元');
  });

  it('is the figure\u2019s own alt when the data gives one', async () => {
    expect(chartAlt(spec({ alt: '一张图' }), 4)).toBe('一张图');
    const text = readFileSync(sampleFile, 'utf8').replace(
      'title: 前三季度GDP增速对比',
      'title: 前三季度GDP增速对比\n        alt: 衡阳前三季度增速3.0%，高于全省',
    );
    const dir = tempTree({ 'alt.yaml': text });
    const pdf = await build(annual, path.join(dir, 'alt.yaml'));
    const pages = await readTagged(pdf);
    const alts = pages.flatMap((p) =>
      pdfjsNodes(p.tree)
        .filter((n) => n.role === 'Figure')
        .map((n) => n.alt),
    );
    expect(alts[0]).toBe('衡阳前三季度增速3.0%，高于全省');
    const bad = tempTree({ 'bad.yaml': text.replace('alt: 衡阳前三季度增速3.0%，高于全省', 'alt: 3') });
    const r = await buildReport({ templateDir: annual, dataFile: path.join(bad, 'bad.yaml'), write: false });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.some((d) => /alt/.test(d.pointer ?? ''))).toBe(true);
  });
});

describe('languages', () => {
  it('gives an element written with lang its /Lang, and the document its own', async () => {
    const dir = tempTree({
      'pack/template.hbs':
        '<briefing lang="zh-CN" date="2025-01-28"><headline>标题</headline><body columns="1"><section>' +
        '<heading>一</heading><p>中文的段落。</p><p lang="en">An English paragraph, read in English.</p>' +
        '</section></body></briefing>',
      'd.yaml': 'x: 1\n',
    });
    const pdf = await build(path.join(dir, 'pack'), path.join(dir, 'd.yaml'));
    const pages = await readTagged(pdf);
    const paragraphs = pdfjsNodes(pages[0]!.tree).filter((n) => n.role === 'P');
    expect(paragraphs.map((n) => n.lang ?? null)).toEqual([null, 'en']);
    expect(pdf.toString('latin1')).toMatch(/\/Lang \(zh-CN\)/);

    writeFileSync(
      path.join(dir, 'pack/template.hbs'),
      '<briefing date="2025-01-28"><body columns="1"><section><p lang="english!">x</p></section></body></briefing>',
    );
    const wrong = await buildReport({
      templateDir: path.join(dir, 'pack'),
      dataFile: path.join(dir, 'd.yaml'),
      write: false,
    });
    expect(wrong.diagnostics.map((d) => d.code)).toEqual(['markup:attribute-value']);
  });
});
