import { cmapGlyph, type RecordableFont } from '../../fonts/face-record.js';
import { UNSHAPED } from '../../fonts/shared.js';
import type { FontkitGlyph, PdfKitFont } from './internals.js';

/**
 * The glyph of a token that needs no shaping — a single ideograph, kana or hangul syllable with no OpenType
 * features, whose glyph is the cmap's and whose advance is the hmtx one — else undefined: the token goes through
 * fontkit's layout (GSUB/GPOS), which is most of what a cold build spends on text. Measuring and drawing both ask
 * here, so a token is measured exactly as it is drawn.
 */
export function unshapedGlyph(
  font: PdfKitFont,
  text: string,
  features: readonly string[] | null | undefined,
): FontkitGlyph | undefined {
  if (features && features.length > 0) return undefined;
  const cp = text.codePointAt(0);
  // A standard PDF font (no fontkit font behind it) always takes the shaped path.
  if (cp === undefined || !UNSHAPED.test(text) || !font.font?.hasGlyphForCodePoint) return undefined;
  return cmapGlyph(font.font as RecordableFont, cp);
}
