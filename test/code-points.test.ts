import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FONTS_CONFIG } from '../src/build/paths.js';
import { loadFontSet } from '../src/fonts/fonts.js';
import { keepCodePoints, sharedFont } from '../src/fonts/shared.js';
import { SANS_BOLD } from './support/cjk.js';
import { pdftotext } from './support/pdf.js';
import { buildMonthlyReport } from './support/monthly.js';

// A glyph's characters (what copy and paste and the ToUnicode map give back) must not depend on who first asked
// fontkit for the glyph in a process that builds many documents. fontkit's subsetter asks for glyphs with no
// characters; a batch's worker once embedded "1" that way first (its runs shaped from the face's record), and its
// later reports' chart labels copied as "0月" for "10月".

type Glyph = { id: number; codePoints: number[] };
type Font = {
  getGlyph(id: number, codePoints?: number[]): Glyph;
  glyphForCodePoint(cp: number): Glyph;
  layout(text: string): { glyphs: Glyph[] };
  _glyphs: Record<number, Glyph | undefined>;
};
const fontkit = createRequire(import.meta.url)('fontkit') as { create(buffer: Buffer): unknown };

describe('a glyph first made without its characters', () => {
  it('takes them from the next run that shapes it (fontkit alone keeps none)', () => {
    const buffer = readFileSync(SANS_BOLD);
    const one = (fontkit.create(buffer) as Font).glyphForCodePoint(0x31).id;
    for (const kept of [false, true]) {
      const font = fontkit.create(buffer) as Font;
      if (kept) keepCodePoints(font);
      font.getGlyph(one); // as fontkit's subsetter asks for the glyphs it embeds
      expect(font.layout('10月').glyphs.map((g) => g.codePoints)).toEqual([
        kept ? [0x31] : [],
        [0x30],
        [0x6708],
      ]);
    }
  });

  it('gives the next document its characters: a chart label copies as written', async () => {
    const fonts = loadFontSet(DEFAULT_FONTS_CONFIG).fonts!;
    // The digits of every face the monthly report sets, made anew as the subsetter makes them.
    for (const family of fonts.families.values())
      for (const face of [family.regular, family.bold]) {
        const font = sharedFont(face.file) as unknown as Font;
        for (const cp of [0x30, 0x31, 0x32]) {
          const id = font.glyphForCodePoint(cp).id;
          delete font._glyphs[id];
          font.getGlyph(id);
        }
      }
    const text = await pdftotext(await buildMonthlyReport(), '-layout');
    expect(text).toMatch(/9月\s+10月\s+11月\s+12月/);
  });
});
