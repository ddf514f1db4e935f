import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FontDamaged } from './sfnt.js';

/**
 * A TrueType face read without its outlines. A CJK face is 10–15 MB, of which the `glyf` table (the outlines) is
 * over 95 %; a document uses a few hundred of its 30,000 glyphs. So the file is read as a buffer of its full size
 * (zero-filled, which costs no memory until written) with every table but `glyf` in place — cmap, metrics and
 * OpenType layout, all that shaping and measuring read — and the outlines of a glyph are read into their place when
 * the glyph is about to be embedded (`readOutlines`), with the glyphs a composite glyph is made of.
 *
 * Only for faces whose every other use leaves the outlines alone: fontkit computes a glyph's vertical metrics from
 * its outline when there is no `vmtx` table, and positions combining marks from outlines when there is no `GPOS`;
 * other faces are read whole.
 */
interface Outlines {
  file: string;
  size: number;
  mtimeMs: number;
  glyf: { offset: number; length: number };
  loca: { offset: number; long: boolean };
  glyphs: number;
  read: Uint8Array;
}

const outlines = new WeakMap<Buffer, Outlines>();
/** Outlines fewer bytes apart than this are read in one call (723 glyphs of a face: 3.5 ms one by one, 3.0 ms). */
const GAP = 4096;

/** The face with every table but its outlines, or undefined when the face is not one to read this way. */
export function readWithoutOutlines(file: string): Buffer | undefined {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    const at = (length: number, position: number) => {
      const b = Buffer.alloc(length);
      if (readSync(fd, b, 0, length, position) !== length)
        throw new Error('the file is shorter than its tables');
      return b;
    };
    const header = at(12, 0);
    if (header.readUInt32BE(0) !== 0x00010000 && header.readUInt32BE(0) !== 0x74727565 /* true */) return;
    const count = header.readUInt16BE(4);
    const dir = at(16 * count, 12);
    const tables = new Map<string, { offset: number; length: number }>();
    for (let i = 0; i < count; i++)
      tables.set(dir.toString('latin1', 16 * i, 16 * i + 4), {
        offset: dir.readUInt32BE(16 * i + 8),
        length: dir.readUInt32BE(16 * i + 12),
      });
    const [glyf, loca, head, maxp] = ['glyf', 'loca', 'head', 'maxp'].map((t) => tables.get(t));
    if (!glyf || !loca || !head || !maxp || !tables.has('vmtx') || !tables.has('GPOS')) return;
    if ([...tables.values()].some((t) => t.offset + t.length > st.size)) return;
    const buffer = Buffer.alloc(st.size);
    header.copy(buffer, 0);
    dir.copy(buffer, 12);
    for (const [tag, t] of tables)
      if (tag !== 'glyf' && t.length > 0 && readSync(fd, buffer, t.offset, t.length, t.offset) !== t.length)
        throw new Error(`the "${tag.trim()}" table is cut short`);
    const glyphs = buffer.readUInt16BE(maxp.offset + 4);
    outlines.set(buffer, {
      file,
      size: st.size,
      mtimeMs: st.mtimeMs,
      glyf,
      loca: { offset: loca.offset, long: buffer.readInt16BE(head.offset + 50) === 1 },
      glyphs,
      read: new Uint8Array(glyphs),
    });
    return buffer;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the outlines of these glyphs, and of the glyphs composite ones among them are made of, into a buffer that
 * `readWithoutOutlines` made (any other buffer has them all already). A file changed since, or damaged where the
 * outlines are, throws FontDamaged.
 */
export function readOutlines(buffer: Buffer, ids: Iterable<number>): void {
  const o = outlines.get(buffer);
  if (!o) return;
  const loca = (g: number) =>
    o.loca.long ? buffer.readUInt32BE(o.loca.offset + 4 * g) : 2 * buffer.readUInt16BE(o.loca.offset + 2 * g);
  let fd: number | undefined;
  try {
    for (let wanted = new Set(ids); wanted.size;) {
      // The outlines not read yet, in file order: [start, end, glyph].
      const spans: [number, number, number][] = [];
      for (const id of wanted) {
        if (id < 0 || id >= o.glyphs || o.read[id]) continue;
        const [start, end] = [loca(id), loca(id + 1)];
        if (end < start || end > o.glyf.length) throw new Error(`glyph ${id} lies outside the "glyf" table`);
        if (end > start) spans.push([start, end, id]);
        else o.read[id] = 1;
      }
      if (!spans.length) break;
      spans.sort((a, b) => a[0] - b[0]);
      if (fd === undefined) {
        fd = openSync(o.file, 'r');
        const st = fstatSync(fd);
        if (st.size !== o.size || st.mtimeMs !== o.mtimeMs)
          throw new Error('the file changed while it was in use');
      }
      // Outlines close together are read in one call, with the file's bytes between them.
      for (let i = 0; i < spans.length;) {
        let j = i;
        let to = spans[i]![1];
        while (j + 1 < spans.length && spans[j + 1]![0] - to <= GAP) to = Math.max(to, spans[++j]![1]);
        const at = o.glyf.offset + spans[i]![0];
        if (readSync(fd, buffer, at, o.glyf.offset + to - at, at) !== o.glyf.offset + to - at)
          throw new Error('the "glyf" table is cut short');
        i = j + 1;
      }
      // The glyphs composite ones are made of, next.
      wanted = new Set();
      for (const [start, end, id] of spans) {
        o.read[id] = 1;
        const at = o.glyf.offset + start;
        if (buffer.readInt16BE(at) < 0)
          for (const c of components(buffer, at + 10, o.glyf.offset + end)) wanted.add(c);
      }
    }
  } catch (e) {
    throw new FontDamaged(o.file, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The glyphs a composite glyph's description (from `at`, after its header) refers to. */
function components(buffer: Buffer, at: number, end: number): number[] {
  const out: number[] = [];
  for (let more = true; more && at + 4 <= end;) {
    const flags = buffer.readUInt16BE(at);
    out.push(buffer.readUInt16BE(at + 2));
    at += 4 + (flags & 0x0001 ? 4 : 2); // ARG_1_AND_2_ARE_WORDS
    at += flags & 0x0008 ? 2 : flags & 0x0040 ? 4 : flags & 0x0080 ? 8 : 0; // a scale, x and y scales, or a 2×2
    more = (flags & 0x0020) !== 0; // MORE_COMPONENTS
  }
  return out;
}
