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
 * The parts of a TJ operand: glyph hex strings, with numbers for GPOS placement, for advances unlike the glyph's width, and
 * for letter-spacing (`spacing` thousandths of an em after every glyph but the last).
 */
function tjOperand(glyphs: string[], positions: ReturnType<PdfKitFont['encode']>[1], spacing = 0): string[] {
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
  return parts;
}

/** Width of a run's TJ operand in thousandths of an em: the glyphs' advances plus the letter-spacing. */
function tjWidth(positions: ReturnType<PdfKitFont['encode']>[1], spacing: number): number {
  let w = 0;
  for (const p of positions) w += p.xAdvance;
  return w + spacing * Math.max(0, positions.length - 1);
}

/**
 * Draws a set line as one text object, inside a marked-content span whose ActualText is the line's source text,
 * so that copy and paste and text extraction give back exactly what was written whatever the positioning did.
 * Runs in the same font, size and colour share one TJ: the first is placed with `Tm`, each later one by a
 * displacement from where the previous run's glyphs left the pen (a justified line of ideographs is one TJ, not a
 * `Tm` per character). `baseline` is measured from the page's top.
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
  // The line's operators go to the content stream together (pdfkit makes a buffer of each piece it is given),
  // except where pdfkit writes its own (a colour).
  const ops: string[] = [];
  const drain = () => {
    if (ops.length) doc.addContent(ops.join('\n'));
    ops.length = 0;
  };
  const actual = line.actual;
  if (actual !== undefined) ops.push(`/Span <</ActualText ${pdfTextString(actual)}>> BDC`);
  const y = doc.page.height - baseline;
  let inText = false;
  let current = '';
  let color: string | undefined;
  // The TJ being built: its operand parts, and where its glyphs leave the pen (points, page x).
  let tj: string[] = [];
  let pen = 0;
  let lastRise = 0;
  const flush = () => {
    if (tj.length) ops.push(`[${tj.join(' ')}] TJ`);
    tj = [];
  };
  for (const run of line.runs) {
    if (run.text === '') continue;
    const font = fontFor(run.face);
    if (run.color !== color) {
      // Colour is graphics state, set outside a text object.
      flush();
      if (inText) ops.push('ET');
      drain();
      doc.fillColor(run.color);
      inText = false;
      current = '';
      color = run.color;
    }
    if (!inText) {
      ops.push('BT');
      inText = true;
    }
    if (doc.page.fonts[font.id] == null) doc.page.fonts[font.id] = font.ref();
    const tf = `/${font.id} ${num(run.size)} Tf`;
    const at = x + run.x;
    if (tf !== current) {
      flush();
      ops.push(tf);
      current = tf;
    }
    const rise = run.rise ?? 0;
    // A raised run (a note's mark) is placed anew, and so is the run after it.
    if (tj.length && rise !== lastRise) flush();
    if (tj.length) {
      const gap = ((at - pen) * 1000) / run.size;
      if (Math.abs(gap) > 1e-3) tj.push(num(-gap));
    } else {
      ops.push(`1 0 0 1 ${num(at)} ${num(y + rise)} Tm`);
    }
    lastRise = rise;
    const [glyphs, positions] = encode(font, run.text, run.features);
    // Letter-spacing: the line engine counted it after every character but the last; spread over the glyphs.
    const chars = Array.from(run.text).length;
    const spacing =
      run.tracking && glyphs.length > 1
        ? (run.tracking * (chars - 1) * 1000) / run.size / (glyphs.length - 1)
        : 0;
    tj.push(...tjOperand(glyphs, positions, spacing));
    pen = at + (tjWidth(positions, spacing) * run.size) / 1000;
  }
  flush();
  if (inText) ops.push('ET');
  if (actual !== undefined) ops.push('EMC');
  drain();
  doc.restore();
}
