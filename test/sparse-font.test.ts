import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FontDamaged } from '../src/fonts/sfnt.js';
import { readOutlines, readWithoutOutlines } from '../src/fonts/sparse.js';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');
const serif = path.join(
  root,
  'node_modules/@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf',
);
const require = createRequire(path.join(root, 'node_modules/pdfkit/package.json'));
const fontkit = require('fontkit') as {
  create(b: Buffer): {
    glyphForCodePoint(cp: number): { id: number };
    createSubset(): { glyphs: number[]; includeGlyph(g: number): number; encode(): Uint8Array };
  };
};

/** The table directory of a font file: tag → place. */
function tables(b: Buffer): Map<string, { offset: number; length: number }> {
  const out = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < b.readUInt16BE(4); i++)
    out.set(b.toString('latin1', 12 + 16 * i, 16 + 16 * i), {
      offset: b.readUInt32BE(20 + 16 * i),
      length: b.readUInt32BE(24 + 16 * i),
    });
  return out;
}

/**
 * A TrueType file made here, of the tables the reader looks at: glyph 1 and 2 simple (10 and 14 bytes of
 * outline), glyph 3 a composite of 1 and 2 (the second with a 2×2 transform), glyph 4 simple and unused.
 */
function madeFont(): Buffer {
  const simple = (n: number, fill: number) => {
    const g = Buffer.alloc(n, fill);
    g.writeInt16BE(1, 0);
    return g;
  };
  const composite = Buffer.alloc(10 + 8 + 16);
  composite.writeInt16BE(-1, 0);
  composite.writeUInt16BE(0x0020 | 0x0001, 10); // MORE_COMPONENTS, word arguments
  composite.writeUInt16BE(1, 12);
  composite.writeUInt16BE(0x0080, 18); // a 2×2 transform, byte arguments: the last component
  composite.writeUInt16BE(2, 20);
  const glyphs = [Buffer.alloc(0), simple(10, 0x11), simple(14, 0x22), composite, simple(12, 0x44)];
  const glyf = Buffer.concat(glyphs);
  const loca = Buffer.alloc(4 * (glyphs.length + 1));
  let at = 0;
  glyphs.forEach((g, i) => {
    loca.writeUInt32BE(at, 4 * i);
    at += g.length;
  });
  loca.writeUInt32BE(at, 4 * glyphs.length);
  const head = Buffer.alloc(54);
  head.writeInt16BE(1, 50); // long loca offsets
  const maxp = Buffer.alloc(6);
  maxp.writeUInt16BE(glyphs.length, 4);
  const parts: [string, Buffer][] = [
    ['GPOS', Buffer.alloc(8, 7)],
    ['glyf', glyf],
    ['head', head],
    ['loca', loca],
    ['maxp', maxp],
    ['vmtx', Buffer.alloc(8, 9)],
  ];
  const header = Buffer.alloc(12 + 16 * parts.length);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(parts.length, 4);
  let offset = header.length;
  parts.forEach(([tag, data], i) => {
    header.write(tag, 12 + 16 * i, 'latin1');
    header.writeUInt32BE(offset, 20 + 16 * i);
    header.writeUInt32BE(data.length, 24 + 16 * i);
    offset += data.length;
  });
  return Buffer.concat([header, ...parts.map(([, d]) => d)]);
}

describe('a TrueType face read without its outlines', () => {
  it('has every table but glyf, and the outlines of the glyphs asked for, composites with their parts', () => {
    const file = path.join(tempTree({}), 'made.ttf');
    const whole = madeFont();
    writeFileSync(file, whole);
    const sparse = readWithoutOutlines(file)!;
    expect(sparse.length).toBe(whole.length);
    const glyf = tables(whole).get('glyf')!;
    const outside = (b: Buffer) =>
      Buffer.concat([b.subarray(0, glyf.offset), b.subarray(glyf.offset + glyf.length)]);
    expect(outside(sparse).equals(outside(whole))).toBe(true);
    expect(sparse.subarray(glyf.offset, glyf.offset + glyf.length).every((x) => x === 0)).toBe(true);
    readOutlines(sparse, [3]);
    const outline = (b: Buffer, g: number) => {
      const loca = tables(whole).get('loca')!.offset;
      return b.subarray(
        glyf.offset + b.readUInt32BE(loca + 4 * g),
        glyf.offset + b.readUInt32BE(loca + 4 * g + 4),
      );
    };
    for (const g of [1, 2, 3]) expect(outline(sparse, g).equals(outline(whole, g))).toBe(true);
    expect(outline(sparse, 4).every((x) => x === 0)).toBe(true);
  });

  it('gives a subset byte for byte the same as the whole file does (Noto Serif SC)', () => {
    const sparse = readWithoutOutlines(serif)!;
    expect(sparse).toBeDefined();
    const whole = readFileSync(serif);
    const ids = [...'二〇二〇年，全市生产总值GDP增长3.8%。“十四五”'].map(
      (ch) => fontkit.create(whole).glyphForCodePoint(ch.codePointAt(0)!).id,
    );
    // As the embedder does: the subset's glyphs (.notdef among them) are read just before it is encoded.
    const subset = (b: Buffer) => {
      const s = fontkit.create(b).createSubset();
      for (const id of ids) s.includeGlyph(id);
      readOutlines(b, s.glyphs);
      return Buffer.from(s.encode());
    };
    expect(subset(sparse).equals(subset(whole))).toBe(true);
  });

  it('reads other faces whole, and says when the file changed under it', () => {
    const dir = tempTree({});
    const noVmtx = madeFont();
    noVmtx.write('vmtX', 12 + 16 * 5, 'latin1');
    writeFileSync(path.join(dir, 'a.ttf'), noVmtx);
    expect(readWithoutOutlines(path.join(dir, 'a.ttf'))).toBeUndefined();
    const file = path.join(dir, 'b.ttf');
    writeFileSync(file, madeFont());
    const sparse = readWithoutOutlines(file)!;
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(() => readOutlines(sparse, [1])).toThrow(FontDamaged);
    expect(() => readOutlines(sparse, [1])).toThrow(/changed/);
  });
});
