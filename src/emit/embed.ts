import { deflateSync } from 'node:zlib';
import { readOutlines } from '../fonts/sparse.js';
import { patchSubsetter } from './subset.js';
import type { PdfKitFont } from './pdfmake/internals.js';

/**
 * A CID font's widths the compact way (ISO 32000-1, 9.7.4.3): the most common width as `DW`, and in `W` only the
 * glyphs that differ from it, consecutive ones in one `c [w1 w2 …]` group. pdfkit writes every glyph's width in one
 * array; in a Chinese text face nearly every glyph is one em wide, so most of that array says nothing.
 */
export function compactWidths(widths: readonly (number | undefined)[]): {
  DW: number;
  W: (number | number[])[];
} {
  const count = new Map<number, number>();
  for (const w of widths) if (w !== undefined) count.set(round(w), (count.get(round(w)) ?? 0) + 1);
  let dw = 1000;
  let best = 0;
  for (const [w, n] of count) if (n > best || (n === best && w === 1000)) [dw, best] = [w, n];
  const W: (number | number[])[] = [];
  let group: number[] | undefined;
  widths.forEach((w, cid) => {
    const r = w === undefined ? undefined : round(w);
    if (r === undefined || r === dw) {
      group = undefined;
      return;
    }
    if (!group) W.push(cid, (group = []));
    group.push(r);
  });
  return { DW: dw, W };
}

const round = (w: number) => Math.round(w * 1000) / 1000;

const patched = new WeakSet<object>();

/**
 * Shaped runs (fontkit's layout, scaled by pdfkit) by face, features and text, for every document of the process:
 * pdfkit keeps them per document and not at all for runs with features (a mark with halt), so each build shaped
 * the same punctuation and Latin words again. pdfkit only reads a run it is given.
 */
const shaped = new WeakMap<object, Map<string, unknown>>();
const SHAPED_PER_FACE = 20_000;

/** Compressed font files by face and glyph list: a rebuild that uses the same glyphs makes none of it again. */
const subsets = new WeakMap<object, Map<string, Buffer>>();
/** Per face; a preview or worker session edits one document, so a few glyph sets are all that repeat. */
const SUBSETS_PER_FACE = 8;

/**
 * Makes pdfkit's fonts (this font's class) shape through the process's cache of shaped runs, and embed the
 * compact way: the descendant font dictionary gets `DW` and a
 * compact `W` in place of pdfkit's full array (same widths, fewer bytes), and the subset's file, encoded and
 * compressed, is kept by face and glyph list for the next document of the process that uses the same glyphs
 * (the same bytes, without decoding and deflating the glyphs again).
 */
export function patchEmbeddedFont(font: PdfKitFont): void {
  const proto = Object.getPrototypeOf(font) as {
    embed: (this: EmbedFont) => unknown;
    layoutRun: (this: EmbedFont, text: string, features?: unknown) => unknown;
  };
  if (patched.has(proto)) return;
  patched.add(proto);
  const layoutRun = proto.layoutRun;
  proto.layoutRun = function (this: EmbedFont, text: string, features?: unknown) {
    let kept = shaped.get(this.font);
    if (!kept) shaped.set(this.font, (kept = new Map<string, unknown>()));
    const key = features ? `${JSON.stringify(features)}|${text}` : text;
    let run = kept.get(key);
    if (run === undefined) {
      if (kept.size >= SHAPED_PER_FACE) kept.clear();
      kept.set(key, (run = layoutRun.call(this, text, features)));
    }
    return run;
  };
  const embed = proto.embed;
  proto.embed = function (this: EmbedFont) {
    const doc = this.document;
    const ref = doc.ref;
    let first = true;
    doc.ref = (data?: Record<string, unknown>) => {
      if (data && Array.isArray(data.W) && data.W[0] === 0 && data.W[1] === this.widths)
        Object.assign(data, compactWidths(this.widths));
      const made = ref.call(doc, data);
      // pdfkit's embed makes the font file's stream first, and ends it with the subset's bytes.
      if (first && data === undefined) storedSubset(this, made as StreamRef);
      first = false;
      return made;
    };
    try {
      // A face read without its outlines (fonts/sparse.ts) gets those of the glyphs the subset has.
      const { buffer } = (this.font as { stream?: { buffer?: unknown } }).stream ?? {};
      if (Buffer.isBuffer(buffer)) readOutlines(buffer, this.subset.glyphs);
      patchSubsetter(this.subset);
      return embed.call(this);
    } finally {
      doc.ref = ref;
    }
  };
}

/** The font file's stream ends with the kept compressed bytes of this face and glyph list, or keeps them. */
function storedSubset(font: EmbedFont, file: StreamRef): void {
  const face = font.font;
  const key = font.subset.glyphs.join(',');
  let kept = subsets.get(face);
  if (!kept) subsets.set(face, (kept = new Map<string, Buffer>()));
  const hit = kept.get(key);
  if (hit) {
    // The stream is given the kept bytes, already deflated.
    font.subset.encode = () => hit;
    file.compress = false;
    // In the order pdfkit's write() puts them, so that the dictionary's bytes are the same either way.
    file.data.Length = 0;
    file.data.Filter = 'FlateDecode';
    return;
  }
  // Deflated here rather than in pdfkit's finalize (the same zlib call), so that the result can be kept.
  const finalize = file.finalize.bind(file);
  file.finalize = () => {
    if (file.compress && file.buffer.length) {
      const deflated = deflateSync(Buffer.concat(file.buffer));
      kept.set(key, deflated);
      if (kept.size > SUBSETS_PER_FACE) kept.delete(kept.keys().next().value!);
      file.buffer = [deflated];
      file.compress = false;
      file.data.Filter = 'FlateDecode';
    }
    finalize();
  };
}

interface StreamRef {
  data: Record<string, unknown>;
  compress: boolean;
  buffer: Buffer[];
  finalize(): void;
}

interface EmbedFont {
  widths: number[];
  font: object;
  subset: { glyphs: number[]; encode(): Buffer };
  document: { ref: (data?: Record<string, unknown>) => unknown };
}
