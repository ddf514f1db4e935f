/**
 * fontkit's TrueType subsetter decodes every glyph it embeds — all its points — only to learn whether it is a
 * composite one, then copies the glyph's bytes unchanged. This reads that from the glyph's first two bytes
 * (its number of contours, negative for a composite) instead, and leaves composite glyphs and variable fonts
 * to fontkit. The same bytes come out; decoding the sample's ~1,100 glyphs cost ~15 ms of a cold build.
 */
interface GlyfStream {
  buffer: Uint8Array;
  pos: number;
  readBuffer(length: number): Uint8Array;
}

interface TtfSubset {
  font: {
    _variationProcessor?: unknown;
    loca: { offsets: number[] };
    _getTableStream(tag: string): GlyfStream | null;
    getGlyph(id: number): { advanceWidth: number; _getMetrics(): { leftBearing: number } };
  };
  glyf: Uint8Array[];
  loca: { offsets: number[] };
  hmtx: { metrics: { advance: number; bearing: number }[] };
  offset: number;
  _addGlyph(gid: number): number;
}

const patched = new WeakSet<object>();

/** Makes this subset's class (fontkit's TTFSubset; any other is left alone) add simple glyphs without decoding them. */
export function patchSubsetter(subset: object): void {
  const proto = Object.getPrototypeOf(subset) as Partial<TtfSubset> | null;
  if (!proto || patched.has(proto) || typeof proto._addGlyph !== 'function') return;
  patched.add(proto);
  const addGlyph = proto._addGlyph;
  proto._addGlyph = function (this: TtfSubset, gid: number): number {
    const font = this.font;
    const offsets = font.loca?.offsets;
    const stream = offsets && !font._variationProcessor ? font._getTableStream('glyf') : null;
    if (!stream || !Array.isArray(this.glyf)) return addGlyph.call(this, gid);
    const start = offsets[gid]!;
    const end = offsets[gid + 1]!;
    const at = stream.pos + start;
    // A composite glyph: fontkit renumbers its components.
    if (end > start && ((stream.buffer[at]! << 8) | stream.buffer[at + 1]!) & 0x8000)
      return addGlyph.call(this, gid);
    stream.pos = at;
    const bytes = stream.readBuffer(end - start);
    const glyph = font.getGlyph(gid);
    this.glyf.push(bytes);
    this.loca.offsets.push(this.offset);
    this.hmtx.metrics.push({ advance: glyph.advanceWidth, bearing: glyph._getMetrics().leftBearing });
    this.offset += bytes.length;
    return this.glyf.length - 1;
  };
}
