import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchSubsetter } from '../src/emit/subset.js';

const root = path.resolve(import.meta.dirname, '..');
const fontkit = createRequire(path.join(root, 'node_modules/pdfkit/package.json'))('fontkit') as {
  create(b: Buffer): {
    glyphForCodePoint(cp: number): { id: number };
    getGlyph(id: number): object;
    createSubset(): { includeGlyph(g: number): number; encode(): Uint8Array };
  };
};

describe("the TrueType subsetter's shortcut for simple glyphs", () => {
  it('gives the same bytes as fontkit without decoding a simple glyph', () => {
    const font = fontkit.create(
      readFileSync(
        path.join(root, 'node_modules/@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
      ),
    );
    const subset = () => {
      const s = font.createSubset();
      for (const ch of '全市生产总值（GDP）增长3.8%，“十四五”开局。')
        s.includeGlyph(font.glyphForCodePoint(ch.codePointAt(0)!).id);
      return s;
    };
    const glyphProto = Object.getPrototypeOf(font.getGlyph(font.glyphForCodePoint(0x5168).id)) as {
      _decode: (...a: unknown[]) => unknown;
    };
    const decode = glyphProto._decode;
    let decoded = 0;
    glyphProto._decode = function (...a: unknown[]) {
      decoded++;
      return decode.apply(this, a);
    };
    try {
      const s = subset();
      const fontkits = Buffer.from(s.encode());
      expect(decoded).toBeGreaterThan(20);
      const t = subset();
      patchSubsetter(t);
      decoded = 0;
      expect(Buffer.from(t.encode()).equals(fontkits)).toBe(true);
      expect(decoded).toBe(0);
    } finally {
      glyphProto._decode = decode;
    }
  });
});
