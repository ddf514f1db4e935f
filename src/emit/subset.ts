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

interface Metric {
  advance: number;
  bearing: number;
}

interface TtfFont {
  _variationProcessor?: unknown;
  directory?: { tables: Record<string, { offset: number; length: number } | undefined> };
  stream?: { buffer: Uint8Array };
  hhea?: { numberOfMetrics: number };
  loca: { offsets: number[] };
  hmtx: {
    metrics: { length: number; get(i: number): Metric | undefined };
    bearings: { get(i: number): number | undefined };
  };
  _getTableStream(tag: string): GlyfStream | null;
}

interface TtfSubset {
  font: TtfFont;
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
    this.glyf.push(bytes);
    this.loca.offsets.push(this.offset);
    this.hmtx.metrics.push(horizontalMetric(font, gid));
    this.offset += bytes.length;
    return this.glyf.length - 1;
  };
}

/**
 * The glyph's advance and left side bearing from `hmtx` (read from the file's bytes when fontkit has them), as
 * fontkit's glyph metrics give them for a face without variations — which also decode the glyph's header for its
 * vertical metrics, unused here.
 */
function horizontalMetric(font: TtfFont, gid: number): Metric {
  const hmtx = font.directory?.tables.hmtx;
  const bytes = font.stream?.buffer;
  const n = font.hhea?.numberOfMetrics;
  if (hmtx && bytes && n && hmtx.offset + hmtx.length <= bytes.length) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + hmtx.offset, hmtx.length);
    const at = 4 * Math.min(gid, n - 1);
    const bearingAt = gid < n ? at + 2 : 4 * n + 2 * (gid - n);
    if (at + 4 <= hmtx.length && bearingAt + 2 <= hmtx.length)
      return { advance: view.getUint16(at), bearing: view.getInt16(bearingAt) };
  }
  const { metrics, bearings } = font.hmtx;
  if (gid < metrics.length) {
    const m = metrics.get(gid)!;
    return { advance: m.advance, bearing: m.bearing };
  }
  return {
    advance: metrics.get(metrics.length - 1)?.advance ?? 0,
    bearing: bearings.get(gid - metrics.length) ?? 0,
  };
}
