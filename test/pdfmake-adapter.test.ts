import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DocumentTree } from '../src/document/types.js';
import { emitPdf } from '../src/emit/pdf.js';
import { installPdfmake } from '../src/emit/pdfmake/install.js';
import { loadFontSet } from '../src/fonts/fonts.js';
import { installFontSharing, sharedFont } from '../src/fonts/shared.js';
import { BuildLimits } from '../src/build/limits.js';
import { DEFAULT_FONTS_CONFIG } from '../src/build/paths.js';
import { DEFAULT_THEME } from '../src/theme/theme.js';
import { typeset, type Composition } from '../src/typeset/context.js';

const require = createRequire(import.meta.url);

const TEXT = '排版引擎把每一行设成一个文本对象：2020年GDP增长3.0%，“引号”不在行首，标点不在行尾。'.repeat(3);

/** One paragraph typeset in the default theme with Briefing's own fonts. */
function document(): { doc: Composition; fonts: NonNullable<ReturnType<typeof loadFontSet>['fonts']> } {
  const { fonts } = loadFontSet(DEFAULT_FONTS_CONFIG);
  const tree: DocumentTree = {
    lang: 'zh-CN',
    meta: {},
    children: [{ type: 'paragraph', indent: true, children: [{ type: 'text', value: TEXT }] }],
  };
  const { doc } = typeset(tree, DEFAULT_THEME, fonts!, new Map(), { title: 't', creationDate: new Date(0) });
  return { doc: doc!, fonts: fonts! };
}

/** The fontkit module pdfkit requires, resolved the way pdfkit resolves it (pdfmake → pdfkit → fontkit). */
function pdfkitsFontkit(): { create: (...args: unknown[]) => unknown } {
  const pdfkit = createRequire(require.resolve('pdfmake')).resolve('pdfkit');
  return createRequire(pdfkit)('fontkit') as { create: (...args: unknown[]) => unknown };
}

/** The ActualText of every marked-content span in the PDF's compressed streams, in content order. */
function actualTexts(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  for (const m of raw.matchAll(/<<\n\/Length (\d+)\n\/Filter \/FlateDecode\n>>\nstream\n/g)) {
    const start = m.index + m[0].length;
    const content = inflateSync(pdf.subarray(start, start + Number(m[1]))).toString('latin1');
    for (const span of content.matchAll(/\/Span <<\/ActualText <FEFF([0-9A-F]*)>>> BDC/g))
      out.push(String.fromCharCode(...(span[1]!.match(/.{4}/g) ?? []).map((u) => parseInt(u, 16))));
  }
  return out;
}

describe('pdfmake in the emitter', () => {
  it('installs font sharing before pdfkit loads: two documents share one parsed face', async () => {
    installPdfmake();
    // installPdfmake ran first in this process, so pdfkit loaded after the shared fontkit was in place.
    expect(installFontSharing()).toBe(true);
    const { doc, fonts } = document();
    const fontkit = pdfkitsFontkit();
    const create = fontkit.create;
    const made: unknown[][] = [];
    try {
      for (let n = 0; n < 2; n++) {
        const mine: unknown[] = [];
        made.push(mine);
        fontkit.create = (...args: unknown[]) => {
          const font = create(...args);
          mine.push(font);
          return font;
        };
        await emitPdf(doc, fonts, new BuildLimits());
      }
    } finally {
      fontkit.create = create;
    }
    const [first, second] = made as [unknown[], unknown[]];
    // pdfkit asked for a font per face in each document, and got the very same parsed font both times: the one
    // fonts.ts measured with.
    expect(first.length).toBeGreaterThan(0);
    expect(second).toHaveLength(first.length);
    second.forEach((font, i) => expect(font).toBe(first[i]));
    expect(first).toContain(sharedFont(fonts.families.get(DEFAULT_THEME.body.font)!.regular.file));
  });

  it('sets text with the CJK engine: each line a span whose ActualText is its source text', async () => {
    const { doc, fonts } = document();
    const spans = actualTexts(await emitPdf(doc, fonts, new BuildLimits()));
    // The folio is set by the engine too; the paragraph's lines are the spans that are pieces of it.
    const lines = spans.filter((s) => TEXT.includes(s));
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join('')).toBe(TEXT);
    expect(spans).toContain('第 1 页 / 共 1 页');
  });
});
