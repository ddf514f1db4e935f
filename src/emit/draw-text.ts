import { unshapedGlyph } from './pdfmake/glyphs.js';
import type { PdfKitDoc, PdfKitFont } from './pdfmake/internals.js';
import type { FaceRef, SetLine } from '../typeset/model.js';
import { keptLine } from '../typeset/text.js';

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

/**
 * Glyphs and positions for a run: an unshaped ideograph straight from cmap and hmtx, else pdfkit's encode. Each
 * glyph included in the font's subset is told to `included` (font glyph, subset glyph, width, characters).
 */
function encode(
  font: PdfKitFont,
  text: string,
  features: readonly string[],
  included?: (glyph: number, gid: number, width: number, codePoints: number[]) => void,
): ReturnType<PdfKitFont['encode']> {
  const g = unshapedGlyph(font, text, features);
  if (g) {
    const gid = font.subset.includeGlyph(g.id);
    const advance = g.advanceWidth * font.scale;
    font.widths[gid] ??= advance;
    font.unicode[gid] ??= g.codePoints;
    included?.(g.id, gid, advance, g.codePoints);
    return [
      [gid.toString(16).padStart(4, '0')],
      [{ xAdvance: advance, xOffset: 0, yOffset: 0, advanceWidth: advance }],
    ];
  }
  const feats = features.length ? features : undefined;
  const encoded = font.encode(text, feats);
  // The glyphs pdfkit's encode included, in its order (its shaped run is cached: this shapes nothing again).
  if (included) {
    const { glyphs } = font.layout(text, feats);
    glyphs.forEach((glyph, k) =>
      included(glyph.id, parseInt(encoded[0][k]!, 16), glyph.advanceWidth * font.scale, glyph.codePoints),
    );
  }
  return encoded;
}

/**
 * What drawing a line did to its document, to do it again for the same line (the same frozen object: typeset/text.ts
 * keeps a paragraph's lines across builds) at the same place in the next document of the process: the faces of its
 * runs and their fonts' ids, each glyph it included in a font's subset with the subset's number for it, and what
 * it wrote, in order — operator text, or a colour set through pdfkit. A document whose subsets number a glyph
 * otherwise (another text drawn before) draws the line anew.
 */
interface LineDrawn {
  x: number;
  baseline: number;
  pageHeight: number;
  /** How many times in a row the record could not be used (moved, or refused). */
  misses: number;
  /** The line's fonts, in the order it first used them. */
  fonts: { face: FaceRef; id: string; fontkit: unknown }[];
  glyphs: [font: number, glyph: number, gid: number, width: number, codePoints: number[]][];
  pieces: (string | { color: string })[];
}
let drawnLines = new WeakMap<SetLine, LineDrawn>();
/** Lines whose records could not be used twice in a row: not recorded again. */
const unsteady = new WeakSet<SetLine>();
const lineCounts = { drawn: 0, again: 0, refused: 0 };

/** Forgets how lines were drawn (the benchmark's builds "with caches emptied"). */
export function forgetDrawnLines(): void {
  drawnLines = new WeakMap();
}

/** Lines drawText set, drew again as recorded, and could not draw as recorded (tests). */
export function drawnLineCounts(): { drawn: number; again: number; refused: number } {
  return { ...lineCounts };
}

/**
 * Draws a recorded line again, or says it cannot: another font behind a face or another id, or a glyph the
 * subset numbers otherwise. What it included before finding out is what drawing the line includes first anyway,
 * in the same order, so the document is as if it had been drawn the long way.
 */
function drawAgain(doc: PdfKitDoc, fontFor: (face: FaceRef) => PdfKitFont, rec: LineDrawn): boolean {
  const fonts = rec.fonts.map((f) => fontFor(f.face));
  const refuse = () => (lineCounts.refused++, false);
  if (fonts.some((f, i) => f.id !== rec.fonts[i]!.id || f.font !== rec.fonts[i]!.fontkit)) return refuse();
  for (const [i, glyph, gid, width, codePoints] of rec.glyphs) {
    const font = fonts[i]!;
    if (font.subset.includeGlyph(glyph) !== gid) return refuse();
    font.widths[gid] ??= width;
    font.unicode[gid] ??= codePoints;
  }
  doc.save();
  doc.transform(1, 0, 0, -1, 0, doc.page.height);
  for (const f of fonts) if (doc.page.fonts[f.id] == null) doc.page.fonts[f.id] = f.ref();
  for (const piece of rec.pieces)
    if (typeof piece === 'string') doc.addContent(piece);
    else doc.fillColor(piece.color);
  doc.restore();
  rec.misses = 0;
  lineCounts.again++;
  return true;
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
  const kept = drawnLines.get(line);
  if (
    kept?.x === x &&
    kept.baseline === baseline &&
    kept.pageHeight === doc.page.height &&
    drawAgain(doc, fontFor, kept)
  )
    return;
  lineCounts.drawn++;
  // Recorded only for a line a build was given again from the paragraphs kept (a batch's lines are mostly new
  // each report, and recording costs), and no longer once its record could not be used twice (a heading every
  // report of a batch has, drawn where the subsets number its glyphs otherwise each time).
  const misses = kept ? kept.misses + 1 : 0;
  if (misses >= 2) {
    drawnLines.delete(line);
    unsteady.add(line);
  }
  const again = misses < 2 && keptLine(line) && !unsteady.has(line);
  const rec: LineDrawn | undefined = again
    ? { x, baseline, pageHeight: doc.page.height, misses, fonts: [], glyphs: [], pieces: [] }
    : undefined;
  doc.save();
  doc.transform(1, 0, 0, -1, 0, doc.page.height);
  // The line's operators go to the content stream together (pdfkit makes a buffer of each piece it is given),
  // except where pdfkit writes its own (a colour).
  const ops: string[] = [];
  const drain = () => {
    if (ops.length) {
      const text = ops.join('\n');
      doc.addContent(text);
      rec?.pieces.push(text);
    }
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
      rec?.pieces.push({ color: run.color });
      inText = false;
      current = '';
      color = run.color;
    }
    if (!inText) {
      ops.push('BT');
      inText = true;
    }
    if (doc.page.fonts[font.id] == null) doc.page.fonts[font.id] = font.ref();
    let fontIndex = rec ? rec.fonts.findIndex((f) => f.id === font.id) : -1;
    if (rec && fontIndex < 0)
      fontIndex = rec.fonts.push({ face: run.face, id: font.id, fontkit: font.font }) - 1;
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
    const record =
      rec &&
      ((glyph: number, gid: number, width: number, codePoints: number[]) =>
        rec.glyphs.push([fontIndex, glyph, gid, width, codePoints]));
    const [glyphs, positions] = encode(font, run.text, run.features, record);
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
  if (rec) drawnLines.set(line, rec);
}
