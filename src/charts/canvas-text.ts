import type { FontFamily } from '../fonts/fonts.js';

// How a canvas measures and places text, for the recording context (context.ts): from the chart font's own
// advances, ascender and descender, as node-canvas (Pango) measured and placed them for these faces.

type Face = FontFamily['regular'];

/** Text metrics as node-canvas gives them, from the face's hhea ascender and descender. */
export interface TextMetricsLike {
  width: number;
  alphabeticBaseline: number;
  fontBoundingBoxAscent: number;
  fontBoundingBoxDescent: number;
  actualBoundingBoxLeft: number;
  actualBoundingBoxRight: number;
  actualBoundingBoxAscent: number;
  actualBoundingBoxDescent: number;
}

/** The face, size and weight a canvas font (`bold 12px "family"`) asks for, in the chart's family. */
export function fontOf(font: string, family: FontFamily): { face: Face; size: number; bold: boolean } {
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 10);
  const bold = /\bbold\b|\b[6-9]00\b/.test(font);
  return { face: bold ? family.bold : family.regular, size, bold };
}

/** How far below the anchor the baseline is, for a textBaseline (as node-canvas and Pango place it). */
export function baselineShift(textBaseline: string, size: number, face: Face): number {
  switch (textBaseline) {
    case 'top':
    case 'hanging':
    case 'ideographic':
      return face.ascender * size;
    case 'middle':
      return ((face.ascender + face.descender) / 2) * size;
    case 'bottom':
      return face.descender * size;
    default:
      return 0;
  }
}

/** What measureText gives for a text of this face and size, its baseline `shift` below the anchor. */
export function textMetrics(text: string, face: Face, size: number, shift: number): TextMetricsLike {
  const width = face.advance(text) * size;
  return {
    width,
    alphabeticBaseline: -shift,
    fontBoundingBoxAscent: face.ascender * size - shift,
    fontBoundingBoxDescent: shift - face.descender * size,
    actualBoundingBoxLeft: 0,
    actualBoundingBoxRight: width,
    actualBoundingBoxAscent: face.ascender * size - shift,
    actualBoundingBoxDescent: shift - face.descender * size,
  };
}
