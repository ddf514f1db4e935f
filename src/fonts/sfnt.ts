import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/**
 * A font file's header is a TrueType or OpenType one, whose table directory lies inside the file and names the
 * tables a font needs, with a `head` table that says it is one: a file that is no font, or one cut short or
 * overwritten, is refused when the font configuration loads, before the font itself is parsed (on first use).
 */
export function checkSfnt(file: string, size: number): void {
  const fd = openSync(file, 'r');
  const read = (length: number, at: number) => {
    const b = Buffer.alloc(length);
    return readSync(fd, b, 0, length, at) === length ? b : undefined;
  };
  try {
    const head = read(12, 0);
    const tag = head?.readUInt32BE(0);
    const count = head?.readUInt16BE(4) ?? 0;
    const sfnt = tag === 0x00010000 || tag === 0x4f54544f /* OTTO */ || tag === 0x74727565; /* true */
    if (!sfnt || count === 0 || size < 12 + 16 * count)
      throw new Error('not a TrueType or OpenType font file');
    const dir = read(16 * count, 12)!;
    const tables = new Map<string, { offset: number; length: number }>();
    for (let i = 0; i < count; i++) {
      const name = dir.toString('latin1', 16 * i, 16 * i + 4);
      const offset = dir.readUInt32BE(16 * i + 8);
      const length = dir.readUInt32BE(16 * i + 12);
      if (offset + length > size)
        throw new Error(
          `damaged font file: its "${name.trim()}" table runs past the end of the file (cut short?)`,
        );
      tables.set(name, { offset, length });
    }
    const outlines = tables.has('glyf') ? ['glyf', 'loca'] : tables.has('CFF2') ? ['CFF2'] : ['CFF '];
    const missing = ['head', 'cmap', 'hhea', 'hmtx', 'maxp', ...outlines].filter((t) => !tables.has(t));
    if (missing.length)
      throw new Error(`damaged font file: no ${missing.map((t) => `"${t.trim()}"`).join(', ')} table`);
    // The head table's magic number (0x5F0F3CF5), 12 bytes in.
    const h = tables.get('head')!;
    if (h.length < 16 || read(4, h.offset + 12)?.readUInt32BE(0) !== 0x5f0f3cf5)
      throw new Error('damaged font file: its "head" table is not a font header');
  } finally {
    closeSync(fd);
  }
}

/** A font file that failed while it was read (parsed on first use), with the reader's complaint. */
export class FontDamaged extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`damaged font file ${path.basename(file)}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}
