import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../src/pipeline/pipeline.js';
import { loadFontSet } from '../src/fonts/fonts.js';
import { poppler, readPdf } from './support/pdf.js';
import { tempTree } from './support/tmp.js';

// Builds with the elements of issue 17's designer's kit: <link>, <box>, spanning table cells.

const root = path.resolve(import.meta.dirname, '..');
const monthly = path.join(root, 'templates/monthly-report');
const dataFile = path.join(root, 'data/monthly-sample.yaml');

/** The monthly report pack with `body` at the start of its body, and `theme` appended to its theme. */
export function monthlyWith(body: string, theme = '', columns = 1): string {
  const pack = path.join(tempTree({}), 'pack');
  cpSync(monthly, pack, { recursive: true });
  const template = readFileSync(path.join(pack, 'template.hbs'), 'utf8');
  writeFileSync(
    path.join(pack, 'template.hbs'),
    template.replace('<body columns="1">', `<body columns="${columns}">${body}`),
  );
  if (theme)
    writeFileSync(path.join(pack, 'theme.yaml'), readFileSync(path.join(pack, 'theme.yaml'), 'utf8') + theme);
  return pack;
}

type Node = { role?: string; children?: Node[]; type?: string };

/** The roles of the structure tree's elements, depth first ("P>Link" for a Link in a P). */
async function roles(pdf: Buffer, page = 1): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  const tree = (await (await doc.getPage(page)).getStructTree()) as Node;
  const out: string[] = [];
  const walk = (n: Node, up: string) => {
    const here = n.role ? (up ? `${up}>${n.role}` : n.role) : up;
    if (n.role) out.push(here);
    for (const c of n.children ?? []) walk(c, n.role ?? up);
  };
  walk(tree, '');
  return out;
}

describe('<link href>', () => {
  it('puts a URI link annotation over its text, tagged as a Link, the text unchanged', async () => {
    const pack = monthlyWith(
      '<p>年报全文见<link href="https://example.com/年报?y=2025">集团官网的年报专栏</link>，' +
        '意见请寄<link href="mailto:office@example.com">办公室</link>。</p>',
    );
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const pdf = r.pdf!;
    const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
    const annots = (await (await doc.getPage(1)).getAnnotations()) as {
      subtype: string;
      url?: string;
      unsafeUrl?: string;
      rect: number[];
    }[];
    const links = annots.filter((a) => a.subtype === 'Link');
    expect(links.map((a) => a.unsafeUrl).slice(0, 2)).toEqual([
      'https://example.com/%E5%B9%B4%E6%8A%A5?y=2025',
      'mailto:office@example.com',
    ]);
    // Each over its text: a box about one line high and as wide as its characters (9 and 3 at 10.5 pt).
    const [w1, w2] = links.slice(0, 2).map((a) => a.rect[2]! - a.rect[0]!);
    expect(w1).toBeCloseTo(9 * 10.5, 0);
    expect(w2).toBeCloseTo(3 * 10.5, 0);
    for (const a of links) expect(a.rect[3]! - a.rect[1]!).toBeCloseTo(10.5, 1);
    // The text reads as written.
    const text = (await readPdf(pdf)).pages[0]!.map((t) => t.str).join('');
    expect(text).toContain('年报全文见集团官网的年报专栏，意见请寄办公室。');
    // Two Link elements inside the paragraph, each holding its annotation.
    expect((await roles(pdf)).filter((x) => x.endsWith('Link'))).toEqual(['P>Link', 'P>Link']);
    // Each annotation's OBJR names the page it is on (page 1 of several), not the last page.
    const raw = pdf.toString('latin1');
    const firstPage = /(\d+) 0 obj\s*<<\s*\/Type \/Page\b/.exec(raw)![1];
    const objrPages = [...raw.matchAll(/\/Type \/OBJR\s*\/Obj \d+ 0 R\s*\/Pg (\d+) 0 R/g)].map((m) => m[1]);
    expect(doc.numPages).toBeGreaterThan(1);
    expect(objrPages.slice(0, 2)).toEqual([firstPage, firstPage]);
    expect(objrPages.slice(2)).not.toContain(firstPage);
  });
});

describe('the theme of links', () => {
  it('checks link.color like every colour, at its place', async () => {
    const { parseTheme } = await import('../src/theme/theme.js');
    const bytes = new TextEncoder().encode('link:\n  color: bleu\n  underline: yes\n');
    const r = parseTheme('theme.yaml', bytes);
    expect(r.diagnostics.map((d) => [d.code, d.place?.start?.line])).toEqual([
      ['theme:type-mismatch', 3],
      ['theme:color', 2],
    ]);
  });
});

describe('<box>', () => {
  const para = '本月各项工作按计划推进，主要指标保持平稳增长，经营质量总体稳定。'.repeat(3);
  const sidebar =
    '<box background="#eef2f6" border="1pt" border-color="accent" padding="6pt"><heading>编者按</heading>' +
    `<p>${para}</p></box>`;

  it('frames its blocks, takes whole body lines, and keeps the columns beside it on the grid', async () => {
    const pack = monthlyWith(`${sidebar}<p>${para}</p><p>${para}</p>`, '', 2);
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const pdf = r.pdf!;
    const page = (await readPdf(pdf)).pages[0]!;
    // Every line of body text on page 1 (10.5 pt), in both columns, inside the box or not, sits on the grid.
    const pitch = 10.5 * 1.75;
    const body = page.filter((t) => Math.abs(t.size - 10.5) < 0.01 && t.str.trim() !== '');
    const y0 = body[0]!.y;
    for (const t of body) {
      const k = (y0 - t.y) / pitch;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(0.01);
    }
    // The box's text is set inside the frame: its lines start 1 pt + 6 pt right of the column's edge.
    const xs = new Set(body.map((t) => Math.round(t.x * 10) / 10));
    const left = Math.min(...xs);
    expect([...xs].some((x) => Math.abs(x - left - 7) < 0.05 || Math.abs(x - left - 7 - 21) < 0.05)).toBe(
      true,
    );
    // The frame: a filled rectangle in the background colour, and a stroked one in the accent colour.
    const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
    const ops = await (await doc.getPage(1)).getOperatorList();
    const { OPS } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const colours = ops.fnArray
      .map((f, i) =>
        f === OPS.setFillRGBColor || f === OPS.setStrokeRGBColor ? String(ops.argsArray[i]) : '',
      )
      .filter(Boolean);
    expect(colours).toContain('#eef2f6');
    expect(colours).toContain('#1f4e79');
    // In the tags, a Div holding the box's head and paragraph.
    expect((await roles(pdf)).filter((x) => x.startsWith('Div'))).toEqual(['Div>H2', 'Div>P']);
  });

  it('is one unbreakable piece: moved whole to the next page when it does not fit', async () => {
    const filler = `<p>${para.repeat(6)}</p>`.repeat(6);
    const pack = monthlyWith(`${filler}${sidebar}`);
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const pages = (await readPdf(r.pdf!)).pages.map((p) => p.map((t) => t.str).join(''));
    const at = pages.findIndex((p) => p.includes('编者按'));
    // The box's heading and its paragraph's last words are on one page.
    expect(pages[at]).toContain('经营质量总体稳定。');
    expect(pages[at]!.indexOf('编者按')).toBeLessThan(pages[at]!.lastIndexOf('经营质量总体稳定。'));
  });

  it('reports a colour the palette lacks at the box, with a did-you-mean', async () => {
    const pack = monthlyWith('<box background="stel"><p>文字</p></box>');
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.ok).toBe(false);
    const d = r.diagnostics.find((x) => x.code === 'markup:attribute-value')!;
    expect(d.message).toMatch(/palette has no colour "stel"/);
    expect(d.place?.start?.line).toBe(11);
    expect(d.hint).toMatch(/did you mean "steel"/);
  });

  it("checks the theme's box style", async () => {
    const { parseTheme } = await import('../src/theme/theme.js');
    const bytes = new TextEncoder().encode('box:\n  background: lightblue\n  padding: 3mm\n  border: 100\n');
    const r = parseTheme('theme.yaml', bytes);
    expect(r.theme.box.padding).toBeCloseTo((3 * 72) / 25.4);
    expect(r.diagnostics.map((d) => [d.code, d.place?.start?.line])).toEqual([
      ['theme:type-mismatch', 4],
      ['theme:color', 2],
    ]);
  });
});

describe('table cells spanning rows and columns, and cell fills', () => {
  it('places spanning cells on the grid, fills them, and tags their RowSpan and ColSpan', async () => {
    const { placeCells } = await import('../src/document/grid.js');
    const g = placeCells([[{ rowspan: 2 }, { colspan: 2 }], [{}, {}], [{ colspan: 3 }]]);
    expect(g.columns).toBe(3);
    expect(g.problems).toEqual([]);
    expect(g.cells.map((c) => [c.row, c.col, c.rowspan, c.colspan])).toEqual([
      [0, 0, 2, 1],
      [0, 1, 1, 2],
      [1, 1, 1, 1],
      [1, 2, 1, 1],
      [2, 0, 1, 3],
    ]);
    // A table without spans keeps short rows, padded with empty cells.
    expect(placeCells([[{}, {}, {}], [{}]]).cells).toHaveLength(6);
  });

  it('sets the monthly pack’s two-row header and its filled 合计 row', async () => {
    const r = await buildReport({ templateDir: monthly, dataFile, write: false, cacheDir: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const pdf = r.pdf!;
    const { pages } = await readPdf(pdf);
    const at = pages.findIndex((p) => p.some((t) => t.str === '上年同月'));
    const items = pages[at]!;
    const find = (s: string) => items.find((t) => t.str === s)!;
    // 部门 spans two rows: it stands in the first header row; 本月 is centred over its three columns, whose
    // heads (完成, 目标, 完成率) are in the second row, one body line lower.
    const pitch = 10.5 * 1.75;
    expect(find('部门').y).toBeCloseTo(find('本月').y, 1);
    expect(find('本月').y - find('目标').y).toBeCloseTo(pitch, 1);
    const done = items.filter((t) => t.str === '完成');
    expect(done).toHaveLength(2);
    const centre = find('本月').x + find('本月').width / 2;
    expect(centre).toBeGreaterThan(done[0]!.x);
    expect(centre).toBeLessThan(find('完成率').x + find('完成率').width);
    // The tags: RowSpan 2 on 部门's TH, ColSpan 3 and 2 on 本月's and 上年同月's.
    const raw = pdf.toString('latin1');
    expect(raw.match(/\/RowSpan 2/g)).toHaveLength(1);
    expect(raw.match(/\/ColSpan 3/g)).toHaveLength(1);
    expect(raw.match(/\/ColSpan 2/g)).toHaveLength(1);
    // The 合计 row's fill, the theme's band colour, is drawn on the table's page.
    const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
    const ops = await (await doc.getPage(at + 1)).getOperatorList();
    const { OPS } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const fills = ops.fnArray.map((f, i) => (f === OPS.setFillRGBColor ? String(ops.argsArray[i]) : ''));
    expect(fills).toContain('#eef2f6');
  });

  it('reports a fill the palette lacks at the cell', async () => {
    const pack = monthlyWith('<table><tr><th>a</th></tr><tr><td fill="bnad">b</td></tr></table>');
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.ok).toBe(false);
    const d = r.diagnostics.find((x) => x.code === 'markup:attribute-value')!;
    expect(d.message).toBe('<td fill="bnad">: the theme\'s palette has no colour "bnad"');
    expect(d.place?.start?.line).toBe(11);
    expect(d.hint).toMatch(/did you mean "band"/);
  });
});

describe("a pack's own fonts", () => {
  const liberation = path.join(root, 'node_modules/pdfjs-dist/standard_fonts');
  /** The monthly pack with `files` added (fonts/…) and `theme` appended to its theme. */
  function packWith(files: Record<string, string | Buffer>, theme = ''): string {
    const pack = monthlyWith('', theme);
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(pack, rel)), { recursive: true });
      writeFileSync(path.join(pack, rel), content);
    }
    return pack;
  }
  const regular = () => readFileSync(path.join(liberation, 'LiberationSans-Regular.ttf'));
  const bold = () => readFileSync(path.join(liberation, 'LiberationSans-Bold.ttf'));

  it('sets text in the families its fonts/fonts.yaml declares, embedded in the PDF', async () => {
    const pack = packWith({
      'fonts/fonts.yaml':
        'families:\n  figures:\n    regular: LiberationSans-Regular.ttf\n    bold: LiberationSans-Bold.ttf\n',
      'fonts/LiberationSans-Regular.ttf': regular(),
      'fonts/LiberationSans-Bold.ttf': bold(),
    });
    const themeFile = path.join(pack, 'theme.yaml');
    const theme = readFileSync(themeFile, 'utf8');
    expect(theme).toContain('value: { font: sans,');
    writeFileSync(themeFile, theme.replace('value: { font: sans,', 'value: { font: figures,'));
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const fonts = await poppler('pdffonts', r.pdf!);
    expect(fonts).toMatch(/LiberationSans-Bold/);
    expect(fonts).not.toMatch(/LiberationSans-Regular/); // only what is used is embedded
    // The KPI figures are set in it; the Chinese around them still in Briefing's fonts.
    const page = (await readPdf(r.pdf!)).pages[0]!;
    expect(page.find((t) => t.str === '3,602.5')!.fontName).not.toBe(
      page.find((t) => t.str.includes('分公司'))!.fontName,
    );
  });

  it('reads a fonts.yaml again in the same process only when it or a face it names changed', () => {
    const dir = tempTree({
      'fonts.yaml': 'families:\n  figures: { regular: a.ttf }\n',
      'a.ttf': regular(),
      'b.ttf': bold(),
    });
    const config = path.join(dir, 'fonts.yaml');
    const reserved = { reserved: new Set(['serif']) };
    const first = loadFontSet(config, reserved);
    expect(first.diagnostics).toEqual([]);
    expect(loadFontSet(config, reserved).fonts).toBe(first.fonts);
    // Another caller's reserved names are another question.
    expect(loadFontSet(config, { reserved: new Set(['sans']) }).fonts).not.toBe(first.fonts);
    writeFileSync(config, 'families:\n  figures: { regular: a.ttf, bold: b.ttf }\n');
    const edited = loadFontSet(config, reserved);
    expect(edited.fonts).not.toBe(first.fonts);
    expect(edited.fonts!.families.get('figures')!.bold.file).toBe(path.join(dir, 'b.ttf'));
    // A face replaced under the same name is read anew; a problem is reported at every load, never kept.
    writeFileSync(path.join(dir, 'b.ttf'), regular());
    expect(loadFontSet(config, reserved).fonts).not.toBe(edited.fonts);
    rmSync(path.join(dir, 'b.ttf'));
    for (let i = 0; i < 2; i++)
      expect(loadFontSet(config, reserved).diagnostics.map((d) => d.code)).toEqual(['font:file-missing']);
    // A folder of faces moved out of the fonts folder and linked back (the same files, the same inodes) is outside.
    const nested = tempTree({
      'fonts/fonts.yaml': 'families:\n  figures: { regular: sub/a.ttf }\n',
      'fonts/sub/a.ttf': regular(),
    });
    const nestedConfig = path.join(nested, 'fonts/fonts.yaml');
    expect(loadFontSet(nestedConfig, reserved).diagnostics).toEqual([]);
    renameSync(path.join(nested, 'fonts/sub'), path.join(nested, 'sub'));
    symlinkSync(path.join(nested, 'sub'), path.join(nested, 'fonts/sub'));
    expect(loadFontSet(nestedConfig, reserved).diagnostics.map((d) => d.code)).toEqual(['font:outside']);
  });

  it('refuses fonts from outside its fonts/ folder, a family of Briefing\u2019s name and files that are no fonts', async () => {
    const outside = tempTree({ 'x.ttf': regular() });
    const pack = packWith({
      'fonts/fonts.yaml': [
        'families:',
        '  serif: { regular: LiberationSans-Regular.ttf }',
        '  a: { regular: npm:@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf }',
        `  b: { regular: ${path.join(outside, 'x.ttf')} }`,
        '  c: { regular: ../template.hbs }',
        '  d: { regular: notes.ttf }',
        '  e: { regular: missing.otf }',
        '',
      ].join('\n'),
      'fonts/LiberationSans-Regular.ttf': regular(),
      'fonts/notes.ttf': 'not a font at all, just some text',
    });
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.ok).toBe(false);
    const fontErrors = r.diagnostics.filter((d) => d.code.startsWith('font:'));
    expect(fontErrors.map((d) => [d.code, d.place?.start?.line])).toEqual([
      ['font:pack-family', 2],
      ['font:outside', 3],
      ['font:outside', 4],
      ['font:outside', 5],
      ['font:unreadable', 6],
      ['font:file-missing', 7],
    ]);
    for (const d of fontErrors) expect(d.place?.file).toBe(path.join(pack, 'fonts/fonts.yaml'));
  });

  it('refuses a fonts/ folder that is a link out of the pack', async () => {
    const outside = tempTree({ 'fonts.yaml': 'families:\n  x: { regular: a.ttf }\n', 'a.ttf': regular() });
    const pack = monthlyWith('');
    symlinkSync(outside, path.join(pack, 'fonts'));
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain('font:outside');
  });

  it('warns of font files no fonts.yaml declares', async () => {
    const pack = packWith({ 'fonts/Brand.otf': regular() });
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.code === 'font:pack-undeclared').map((d) => d.message)).toEqual([
      "the pack's fonts/ folder holds Brand.otf but no fonts.yaml",
    ]);
  });
});
