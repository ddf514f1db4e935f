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
 * Makes pdfkit embed this font's (and its class's) widths compactly: while the font embeds itself, the descendant
 * font dictionary it makes gets `DW` and a compact `W` in place of pdfkit's full array. Same widths, fewer bytes.
 */
export function embedCompactWidths(font: PdfKitFont): void {
  const proto = Object.getPrototypeOf(font) as { embed: (this: EmbedFont) => unknown };
  if (patched.has(proto)) return;
  patched.add(proto);
  const embed = proto.embed;
  proto.embed = function (this: EmbedFont) {
    const doc = this.document;
    const ref = doc.ref;
    doc.ref = (data?: Record<string, unknown>) => {
      if (data && Array.isArray(data.W) && data.W[0] === 0 && data.W[1] === this.widths)
        Object.assign(data, compactWidths(this.widths));
      return ref.call(doc, data);
    };
    try {
      return embed.call(this);
    } finally {
      doc.ref = ref;
    }
  };
}

interface EmbedFont {
  widths: number[];
  document: { ref: (data?: Record<string, unknown>) => unknown };
}
