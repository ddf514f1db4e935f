import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDFMAKE_VERSION } from '../src/emit/pdfmake/install.js';
import { noBreakAfter, noBreakBefore, classify } from '../src/cjk/classes.js';
import { readGlyphs, type Glyph } from './support/pdf.js';
import { linesOf } from './support/line-measure.js';
import { sweepPdf } from './support/sweep.js';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');

describe('pdfmake', () => {
  it('is pinned to the exact version the emitter was written against', () => {
    // If this fails after an upgrade, read src/emit/pdfmake/internals.ts against the new PDFDocument.provideFont and
    // js/3rd-party/svg-to-pdfkit.js, then update PDFMAKE_VERSION and the pin in package.json.
    const installedVersion = (require('pdfmake/package.json') as { version: string }).version;
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(installedVersion).toBe(PDFMAKE_VERSION);
    expect(pkg.dependencies.pdfmake).toBe(PDFMAKE_VERSION);
  });
});

// The same paragraphs at body widths from 8 to 20 characters, one paragraph per page, checked on the PDF.
const SIZE = 10.5;
const sample = readFileSync(path.join(root, 'data/hengyang-2020.yaml'), 'utf8');
const paragraphs = [
  '比尔·盖茨来到北京～上海。2020年1—11月，约2—3年。他说：“好。”我们做A／B测试。见《红楼梦》第三回（注：略）。他说——不是这样的。等等……好的。“投资促进周”“援企服务月”活动开展了。',
  ...[...sample.matchAll(/^ {6}- (.{60,})$/gm)].slice(0, 3).map((m) => m[1]!),
];
const WIDTHS = Array.from({ length: 13 }, (_, i) => 8 + i);
const LEFT = 40;

const isHan = (c: string) => /\p{Script=Han}/u.test(c);
const isWestern = (c: string) => /[A-Za-z0-9]/.test(c);

describe('Chinese typesetting on the PDF, width sweep 8–20 em', () => {
  let pages: Glyph[][];
  beforeAll(async () => {
    pages = await readGlyphs(
      await sweepPdf({
        paragraphs,
        widths: WIDTHS,
        size: SIZE,
        left: LEFT,
        page: [400, 1200],
        title: 'sweep',
      }),
    );
  }, 60_000);

  it('sets every paragraph at every width, text intact', () => {
    expect(pages).toHaveLength(WIDTHS.length * paragraphs.length);
    pages.forEach((page, n) => {
      const text = linesOf(page)
        .map((l) => l.text)
        .join('');
      expect(text).toBe(paragraphs[n % paragraphs.length]!);
    });
  });

  it('keeps prohibited marks off line starts and ends (clreq, GB/T 15834)', () => {
    for (const page of pages)
      for (const [i, l] of linesOf(page).entries()) {
        const first = [...l.text][0]!;
        const last = [...l.text].at(-1)!;
        if (i > 0) expect(noBreakBefore(classify(first)), l.text).toBe(false);
        expect(noBreakAfter(classify(last)), l.text).toBe(false);
      }
  });

  it('justifies flush at both edges, half-width line-end marks, no orphans, nothing past the margin', () => {
    pages.forEach((page, n) => {
      const w = WIDTHS[Math.floor(n / paragraphs.length)]! * SIZE;
      const ls = linesOf(page);
      ls.forEach((l, i) => {
        const indent = i === 0 ? 2 * SIZE : 0;
        expect(l.left, l.text).toBeCloseTo(LEFT + indent, 1);
        expect(l.right, l.text).toBeLessThanOrEqual(LEFT + w + 0.05);
        if (i < ls.length - 1) {
          expect(l.right, `not flush: ${l.text}`).toBeCloseTo(LEFT + w, 1);
          const lastGlyph = l.glyphs.at(-1)!;
          if ('。，、：；！？”’）》」』】'.includes(lastGlyph.ch))
            expect(lastGlyph.advance, l.text).toBeCloseTo(SIZE / 2, 1);
        }
      });
      if (ls.length > 1)
        expect([...ls.at(-1)!.text].filter((c) => isHan(c) || isWestern(c)).length).toBeGreaterThan(1);
    });
  });

  it('puts about ¼ em between Han and Western text, never less than ⅛ em, and even gaps elsewhere', () => {
    const gaps: number[] = [];
    for (const page of pages)
      for (const l of linesOf(page))
        l.glyphs.slice(1).forEach((b, k) => {
          const a = l.glyphs[k]!;
          if ((isHan(a.ch) && isWestern(b.ch)) || (isWestern(a.ch) && isHan(b.ch)))
            gaps.push((b.x - (a.x + a.advance)) / SIZE);
        });
    expect(gaps.length).toBeGreaterThan(100);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0.125 - 0.01);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.4);
  });
});
