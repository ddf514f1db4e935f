import type { FontkitGlyph, PdfKitFont } from './internals.js';

/** Ideographs, kana and hangul syllables: one glyph each, no shaping in Noto CJK without features. */
const SIMPLE = /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{3134f}]$/u;

/**
 * The glyph of a token that needs no shaping — a single ideograph, kana or hangul syllable with no OpenType
 * features, whose glyph is the cmap's and whose advance is the hmtx one — else undefined: the token goes through
 * fontkit's layout (GSUB/GPOS), which is most of what a cold build spends on text. Measuring and drawing both ask
 * here, so a token is measured exactly as it is drawn.
 */
export function unshapedGlyph(
  font: PdfKitFont,
  text: string,
  features: readonly string[] | null,
): FontkitGlyph | undefined {
  if (features && features.length > 0) return undefined;
  const cp = text.codePointAt(0);
  // A standard PDF font (no fontkit font behind it) always takes the shaped path.
  if (cp === undefined || !SIMPLE.test(text) || !font.font?.hasGlyphForCodePoint?.(cp)) return undefined;
  return font.font.glyphForCodePoint(cp);
}
