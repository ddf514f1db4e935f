import { unshapedGlyph } from './pdfmake/glyphs.js';
import type { PdfKitDoc, PdfKitFont } from './pdfmake/internals.js';
import type { FaceRef, SetLine } from '../typeset/model.js';

const num = (v: number) => {
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
};

/** PDF text string as UTF-16BE hex with a byte-order mark (any Unicode text, no escaping needed). */
function pdfTextString(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `<${hex}>`;
}

/** Glyphs and positions for a run: an unshaped ideograph straight from cmap and hmtx, else pdfkit's encode. */
function encode(
  font: PdfKitFont,
  text: string,
  features: readonly string[],
): ReturnType<PdfKitFont['encode']> {
  const g = unshapedGlyph(font, text, features);
  if (g) {
    const gid = font.subset.includeGlyph(g.id);
    font.widths[gid] ??= g.advanceWidth * font.scale;
    font.unicode[gid] ??= g.codePoints;
    const advance = g.advanceWidth * font.scale;
    return [
      [gid.toString(16).padStart(4, '0')],
      [{ xAdvance: advance, xOffset: 0, yOffset: 0, advanceWidth: advance }],
    ];
  }
  return font.encode(text, features.length ? features : undefined);
}

/**
 * One TJ operand: glyph hex strings, with numbers for GPOS placement, for advances unlike the glyph's width, and
 * for letter-spacing (`spacing` thousandths of an em after every glyph but the last).
 */
function tjOperand(glyphs: string[], positions: ReturnType<PdfKitFont['encode']>[1], spacing = 0): string {
  const parts: string[] = [];
  let run = '';
  glyphs.forEach((g, i) => {
    const pos = positions[i]!;
    if (spacing && i > 0) {
      if (run) parts.push(`<${run}>`);
      run = '';
      parts.push(num(-spacing));
    }
    // halt moves an opening mark left: an xOffset before the glyph.
    if (pos.xOffset) {
      if (run) parts.push(`<${run}>`);
      run = '';
      parts.push(num(-pos.xOffset));
    }
    run += g;
    const after = pos.xAdvance - pos.advanceWidth - pos.xOffset;
    if (Math.abs(after) > 1e-6) {
      parts.push(`<${run}>`, num(-after));
      run = '';
    }
  });
  if (run) parts.push(`<${run}>`);
  return `[${parts.join(' ')}]`;
}

/**
 * Draws a set line as one text object: each run at its x (`Tm`, then one TJ), inside a marked-content span whose
 * ActualText is the line's source text, so that copy and paste and text extraction give back exactly what was
 * written whatever the positioning did. `baseline` is measured from the page's top.
 */
export function drawText(
  doc: PdfKitDoc,
  fontFor: (face: FaceRef) => PdfKitFont,
  line: SetLine,
  x: number,
  baseline: number,
): void {
  doc.save();
  doc.transform(1, 0, 0, -1, 0, doc.page.height);
  const actual = line.actual;
  if (actual !== undefined) doc.addContent(`/Span <</ActualText ${pdfTextString(actual)}>> BDC`);
  const y = doc.page.height - baseline;
  let inText = false;
  let current = '';
  let color: string | undefined;
  for (const run of line.runs) {
    if (run.text === '') continue;
    const font = fontFor(run.face);
    if (run.color !== color) {
      // Colour is graphics state, set outside a text object.
      if (inText) doc.addContent('ET');
      doc.fillColor(run.color);
      inText = false;
      current = '';
      color = run.color;
    }
    if (!inText) {
      doc.addContent('BT');
      inText = true;
    }
    if (doc.page.fonts[font.id] == null) doc.page.fonts[font.id] = font.ref();
    const tf = `/${font.id} ${num(run.size)} Tf`;
    if (tf !== current) {
      doc.addContent(tf);
      current = tf;
    }
    const [glyphs, positions] = encode(font, run.text, run.features);
    doc.addContent(`1 0 0 1 ${num(x + run.x)} ${num(y + (run.rise ?? 0))} Tm`);
    // Letter-spacing: the line engine counted it after every character but the last; spread over the glyphs.
    const chars = Array.from(run.text).length;
    const spacing =
      run.tracking && glyphs.length > 1
        ? (run.tracking * (chars - 1) * 1000) / run.size / (glyphs.length - 1)
        : 0;
    doc.addContent(`${tjOperand(glyphs, positions, spacing)} TJ`);
  }
  if (inText) doc.addContent('ET');
  if (actual !== undefined) doc.addContent('EMC');
  doc.restore();
}
