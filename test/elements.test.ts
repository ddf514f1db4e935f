import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../src/pipeline/pipeline.js';
import { readPdf } from './support/pdf.js';
import { tempTree } from './support/tmp.js';

// Builds with the elements of issue 17's designer's kit: <link>, <box>, spanning table cells.

const root = path.resolve(import.meta.dirname, '..');
const monthly = path.join(root, 'templates/monthly-report');
const dataFile = path.join(root, 'data/monthly-sample.yaml');

/** The monthly report pack with `body` at the start of its body, and `theme` appended to its theme. */
export function monthlyWith(body: string, theme = ''): string {
  const pack = path.join(tempTree({}), 'pack');
  cpSync(monthly, pack, { recursive: true });
  const template = readFileSync(path.join(pack, 'template.hbs'), 'utf8');
  writeFileSync(
    path.join(pack, 'template.hbs'),
    template.replace('<body columns="1">', `<body columns="1">${body}`),
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
