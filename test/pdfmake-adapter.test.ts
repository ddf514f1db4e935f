import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DocumentTree } from '../src/document/types.js';
import { emitPdf } from '../src/emit/pdf.js';
import { compactWidths } from '../src/emit/embed.js';
import { deflateCounts, deflated } from '../src/emit/deflated.js';
import { drawnLineCounts, forgetDrawnLines } from '../src/emit/draw-text.js';
import { installPdfmake } from '../src/emit/pdfmake/install.js';
import { loadFontSet } from '../src/fonts/fonts.js';
import { installFontSharing, sharedFont } from '../src/fonts/shared.js';
import { BuildLimits } from '../src/build/limits.js';
import { DEFAULT_FONTS_CONFIG } from '../src/build/paths.js';
import { DEFAULT_THEME } from '../src/theme/theme.js';
import { typeset, type Composition } from '../src/typeset/context.js';
import type { SetLine } from '../src/typeset/model.js';

const require = createRequire(import.meta.url);

const TEXT = '排版引擎把每一行设成一个文本对象：2020年GDP增长3.0%，“引号”不在行首，标点不在行尾。'.repeat(3);

/** One paragraph typeset in the default theme with Briefing's own fonts. */
function document(text = TEXT): {
  doc: Composition;
  fonts: NonNullable<ReturnType<typeof loadFontSet>['fonts']>;
} {
  const { fonts } = loadFontSet(DEFAULT_FONTS_CONFIG);
  const tree: DocumentTree = {
    lang: 'zh-CN',
    meta: {},
    children: [{ type: 'paragraph', indent: true, children: [{ type: 'text', value: text }] }],
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

/** The inflated content streams of a PDF, and every font's widths from its DW and W (by the font's BaseFont). */
function contents(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  return [...raw.matchAll(/<<\n\/Length (\d+)\n\/Filter \/FlateDecode\n>>\nstream\n/g)].map((m) => {
    const start = m.index + m[0].length;
    return inflateSync(pdf.subarray(start, start + Number(m[1]))).toString('latin1');
  });
}

/** Glyph widths of each font resource of the first page (`/F1` …), from its CID font's `DW` and `W` groups. */
function widthsOf(pdf: Buffer): (font: string, gid: number) => number {
  const raw = pdf.toString('latin1');
  const object = (n: string) => new RegExp(`\\n${n} 0 obj\\n([\\s\\S]*?)\\nendobj`).exec(raw)![1]!;
  const fonts = new Map<string, { dw: number; w: Map<number, number> }>();
  const resources = /\/Font <<\n([^>]*)>>/.exec(raw)![1]!;
  for (const [, name, type0] of resources.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    const cid = object(/\/DescendantFonts \[(\d+) 0 R\]/.exec(object(type0!))![1]!);
    const w = new Map<number, number>();
    for (const g of (/\/W \[(.*)\]\n/.exec(cid)?.[1] ?? '').matchAll(/(\d+) \[([^\]]*)\]/g))
      g[2]!.split(' ').forEach((v, i) => w.set(Number(g[1]) + i, Number(v)));
    fonts.set(name!, { dw: Number(/\/DW ([\d.]+)/.exec(cid)?.[1] ?? 1000), w });
  }
  return (font, gid) => fonts.get(font)!.w.get(gid) ?? fonts.get(font)!.dw;
}

/** Where each glyph of the page's text objects starts (x in points), by simulating Tf, Tm and TJ. */
function glyphStarts(
  content: string,
  width: (font: string, gid: number) => number,
): number[] & { tms: number } {
  const starts: number[] = [];
  let font = '';
  let size = 0;
  let x = 0;
  let tms = 0;
  for (const op of content.matchAll(/\/(F\d+) ([\d.]+) Tf|1 0 0 1 ([-\d.]+) [-\d.]+ Tm|\[([^\]]*)\] TJ/g)) {
    if (op[1]) [font, size] = [op[1], Number(op[2])];
    else if (op[3]) {
      x = Number(op[3]);
      tms++;
    } else
      for (const part of op[4]!.matchAll(/<([0-9a-f]+)>|(-?[\d.]+)/g)) {
        if (part[2]) x -= (Number(part[2]) * size) / 1000;
        else
          for (const gid of part[1]!.match(/.{4}/g)!) {
            starts.push(x);
            x += (width(font, parseInt(gid, 16)) * size) / 1000;
          }
      }
  }
  return Object.assign(starts, { tms });
}

describe('text and fonts in the PDF', () => {
  it('puts every run where the engine set it, one TJ per line of ideographs, widths as DW and W', async () => {
    const { doc, fonts } = document();
    const pdf = await emitPdf(doc, fonts, new BuildLimits());
    const page = contents(pdf).find((c) => c.includes(' TJ'))!;
    const starts = glyphStarts(page, widthsOf(pdf));
    const lines = doc.pages[0]!.items.filter((d) => d.kind === 'text');
    const runs = lines.flatMap((d) => d.line.runs.filter((r) => r.text).map((r) => d.x + r.x));
    expect(runs.length).toBeGreaterThan(lines.length * 10);
    for (const at of runs) expect(Math.min(...starts.map((s) => Math.abs(s - at)))).toBeLessThan(0.01);
    // A Tm for each line (and each change of font or colour in it), not one for each character.
    expect(starts.tms).toBeLessThan(lines.length * 4);
    expect(starts.tms).toBeGreaterThanOrEqual(lines.length);
  });

  it('writes widths compactly and exactly: the most common as DW, the others in groups', () => {
    const widths = [1000, 555, 555, 1000, 1000, 224, undefined, 1000, 923];
    const { DW, W } = compactWidths(widths);
    expect(DW).toBe(1000);
    expect(W).toEqual([1, [555, 555], 5, [224], 8, [923]]);
    const back = (gid: number) => {
      for (let i = 0; i < W.length; i += 2) {
        const ws = W[i + 1] as number[];
        const first = W[i] as number;
        if (gid >= first && gid < first + ws.length) return ws[gid - first];
      }
      return DW;
    };
    widths.forEach((w, gid) => w !== undefined && expect(back(gid)).toBe(w));
    expect(compactWidths([500, 500, 1000]).DW).toBe(500);
  });
});

describe('fonts kept between documents', () => {
  it('gives a document the same bytes when its subsets come from the previous build, and never another’s', async () => {
    const first = document();
    const a1 = await emitPdf(first.doc, first.fonts, new BuildLimits());
    const other = document('另一段文字，用的字不同：鸟语花香，风和日丽。');
    const b1 = await emitPdf(other.doc, other.fonts, new BuildLimits());
    const again = document();
    const a2 = await emitPdf(again.doc, again.fonts, new BuildLimits());
    const b2 = await emitPdf(other.doc, other.fonts, new BuildLimits());
    expect(a2.equals(a1)).toBe(true);
    expect(b2.equals(b1)).toBe(true);
    expect(actualTexts(b2).join('')).toContain('鸟语花香');
    // Each document's font file holds its own glyphs: the TrueType streams differ.
    const fontFiles = (pdf: Buffer) => contents(pdf).filter((c) => c.startsWith('true'));
    expect(fontFiles(a1).length).toBeGreaterThan(0);
    expect(fontFiles(b1)).not.toEqual(fontFiles(a1));
  });

  it('draws a line again as it drew it, and anew where the subsets number its glyphs otherwise', async () => {
    const text = '重绘：同一行在同一位置照原样写出，汉字和标点用同一个字体。'.repeat(5);
    const first = document(text);
    const a1 = await emitPdf(first.doc, first.fonts, new BuildLimits());
    // Drawn once more, by the same build: the paragraph's lines were not recorded (a batch's reports draw new
    // lines); only lines given again from an earlier build's (a page number other tests set too) may be.
    const texts = first.doc.pages.flatMap((p) => p.items).flatMap((d) => (d.kind === 'text' ? [d.line] : []));
    const body = texts.filter((l) => l.runs.every((r) => r.face.family === 'serif' && !r.face.bold));
    expect(body.length).toBeGreaterThan(2);
    const start = drawnLineCounts();
    expect((await emitPdf(first.doc, first.fonts, new BuildLimits())).equals(a1)).toBe(true);
    expect(drawnLineCounts().again - start.again).toBeLessThanOrEqual(texts.length - body.length);
    // Typeset again, the paragraph's lines come from the kept ones: recorded as the second build draws them, and
    // drawn as recorded by the third. The same bytes each time.
    const a2 = await emitPdf(document(text).doc, first.fonts, new BuildLimits());
    const before = drawnLineCounts();
    const { doc, fonts } = document(text);
    const a3 = await emitPdf(doc, fonts, new BuildLimits());
    const lines = doc.pages.flatMap((p) => p.items).filter((d) => d.kind === 'text').length;
    expect(drawnLineCounts().again - before.again).toBe(lines);
    expect(a2.equals(a1)).toBe(true);
    expect(a3.equals(a1)).toBe(true);
    // The paragraph's lines (regular serif) at the same places, drawn in the opposite order (everything else as
    // it was, so each face gets the same font id): their glyphs come into the subset in another order. The records are refused,
    // and the document is what fresh lines (no records) make.
    const reversed = (line: (l: SetLine) => SetLine): Composition => ({
      ...doc,
      pages: doc.pages.map((p) => {
        const body = (d: (typeof p.items)[number]) =>
          d.kind === 'text' && d.line.runs.every((r) => r.face.family === 'serif' && !r.face.bold);
        const lines = p.items.filter(body).reverse();
        return {
          ...p,
          items: p.items.map((d) => {
            if (!body(d)) return d;
            const moved = lines.shift() as Extract<typeof d, { kind: 'text' }>;
            return { ...moved, line: line(moved.line) };
          }),
        };
      }),
    });
    const refused = drawnLineCounts().refused;
    const b = await emitPdf(
      reversed((l) => l),
      fonts,
      new BuildLimits(),
    );
    expect(drawnLineCounts().refused).toBeGreaterThan(refused);
    const fresh = await emitPdf(
      reversed((l) => structuredClone(l)),
      fonts,
      new BuildLimits(),
    );
    expect(b.equals(fresh)).toBe(true);
    expect(b.equals(a1)).toBe(false);
    // Forgotten (the benchmark's "caches emptied"): drawn the long way again.
    forgetDrawnLines();
    const c = drawnLineCounts();
    expect((await emitPdf(document(text).doc, fonts, new BuildLimits())).equals(a1)).toBe(true);
    expect(drawnLineCounts().again).toBe(c.again);
  });

  it('deflates the streams of a document again only where their bytes changed', async () => {
    const first = document('流式压缩：同样的内容只压缩一次。'.repeat(40));
    const before = deflateCounts();
    const a1 = await emitPdf(first.doc, first.fonts, new BuildLimits());
    const made = deflateCounts();
    expect(made.deflated).toBeGreaterThan(before.deflated);
    const other = document('另一页的文字不同，它的内容流要重新压缩。'.repeat(40));
    const b1 = await emitPdf(other.doc, other.fonts, new BuildLimits());
    const afterOther = deflateCounts();
    expect(afterOther.deflated).toBeGreaterThan(made.deflated);
    const a2 = await emitPdf(
      document('流式压缩：同样的内容只压缩一次。'.repeat(40)).doc,
      first.fonts,
      new BuildLimits(),
    );
    const again = deflateCounts();
    // The same document again: every stream long enough to keep comes from before, none is deflated anew…
    expect(again.deflated).toBe(afterOther.deflated);
    expect(again.kept).toBeGreaterThan(afterOther.kept);
    // …and the bytes are those of the first build; the other document's streams hold its own text.
    expect(a2.equals(a1)).toBe(true);
    expect(actualTexts(b1).join('')).toContain('它的内容流要重新压缩');
    expect(actualTexts(a2).join('')).not.toContain('它的内容流');
  });

  it('keeps deflated streams in buffers of their own, so that its bound counts what it holds', () => {
    // zlib gives a short stream's bytes as a slice of a 16 KB chunk: kept as it is, 29 bytes would hold 16 KB.
    const bytes = Buffer.from('0 0 m 10 10 l S\n'.repeat(200));
    const out = deflated(bytes);
    expect(out.length).toBeLessThan(200);
    expect(out.buffer.byteLength).toBe(out.length);
    expect(inflateSync(out).equals(bytes)).toBe(true);
    expect(deflated(Buffer.from(bytes))).toBe(out);
  });
});
