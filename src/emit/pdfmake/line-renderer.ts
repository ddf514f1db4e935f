import { unshapedGlyph } from './glyphs.js';
import type { PdfKitDoc, PdfKitFont, PdfLine, Renderer } from './internals.js';

/** A bookmark as the line builder leaves it on a line (pdfmake's `_outline`). */
interface Outline {
  id?: string;
  parentId?: string;
  text: string;
  expanded: boolean;
}

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

/** Glyphs and positions for a token: an unshaped ideograph straight from cmap and hmtx, else pdfkit's encode. */
function encode(
  font: PdfKitFont,
  text: string,
  features: readonly string[] | null,
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
  return font.encode(text, features ?? undefined);
}

/**
 * Whether `renderCjkLine` can draw a line: one the engine built, with nothing it does not draw (links,
 * decorations, backgrounds, sub- and superscripts, page references); any other line goes to pdfmake's renderLine.
 */
export function canRenderDirectly(line: PdfLine): boolean {
  return (
    line._cjk === true &&
    !line._pageNodeRef &&
    !line.id &&
    line.inlines.every(
      (i) =>
        !i.link &&
        !i.linkToPage &&
        !i.linkToDestination &&
        !i.decoration &&
        !i.background &&
        !i.sup &&
        !i.sub &&
        !i._pageNodeRef,
    )
  );
}

/** One TJ operand: glyph hex strings, with numbers for GPOS placement and for advances unlike the glyph's width. */
function tjOperand(glyphs: string[], positions: ReturnType<PdfKitFont['encode']>[1]): string {
  const parts: string[] = [];
  let run = '';
  glyphs.forEach((g, i) => {
    const pos = positions[i]!;
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
 * Draws a line as one text object: each token at its computed x (`Tm`, then one TJ), inside a marked-content span
 * whose ActualText is the line's source text. The span sits inside the same graphics state as the glyphs, so
 * extractors (poppler's pdftotext) place the ActualText where the glyphs are.
 */
function drawLine(doc: PdfKitDoc, line: PdfLine, x: number, y: number): void {
  const lineHeight = line.getHeight();
  const descent = lineHeight - line.getAscenderHeight();
  doc.save();
  doc.transform(1, 0, 0, -1, 0, doc.page.height);
  const actual = line._cjkActual;
  if (actual !== undefined) doc.addContent(`/Span <</ActualText ${pdfTextString(actual)}>> BDC`);
  let inText = false;
  let current = '';
  let color: unknown;
  let opacity: number | undefined;
  for (const inline of line.inlines) {
    if (inline.text === '') continue;
    const font = inline.font as unknown as PdfKitFont;
    const size = inline.fontSize;
    // pdfmake's Renderer: a run's top is shifted so that all runs share the line's baseline.
    const shiftToBaseline = lineHeight - (font.ascender / 1000) * size - descent;
    const top = y + shiftToBaseline;
    const baseline = doc.page.height - top - (font.ascender / 1000) * size;
    const c = doc.resolveColor(inline.color, 'black');
    const o = typeof inline.opacity === 'number' ? inline.opacity : 1;
    if (c !== color || o !== opacity) {
      // Colour and opacity are graphics state, set outside a text object.
      if (inText) doc.addContent('ET');
      doc.fillColor(c);
      doc.opacity(o);
      inText = false;
      current = '';
      color = c;
      opacity = o;
    }
    if (!inText) {
      doc.addContent('BT');
      inText = true;
    }
    if (doc.page.fonts[font.id] == null) doc.page.fonts[font.id] = font.ref();
    const tf = `/${font.id} ${num(size)} Tf`;
    if (tf !== current) {
      doc.addContent(tf);
      current = tf;
    }
    const [glyphs, positions] = encode(font, inline.text, inline.fontFeatures);
    doc.addContent(`1 0 0 1 ${num(x + inline.x)} ${num(baseline)} Tm`);
    doc.addContent(`${tjOperand(glyphs, positions)} TJ`);
  }
  if (inText) doc.addContent('ET');
  if (actual !== undefined) doc.addContent('EMC');
  doc.restore();
}

/**
 * Renders a line of the engine in place of pdfmake's Renderer.renderLine (check `canRenderDirectly` first): its
 * bookmark, as pdfmake's own renderLine adds it, then the line itself.
 */
export function renderCjkLine(renderer: Renderer, line: PdfLine, x: number, y: number): void {
  const o = line._outline as Outline | undefined;
  if (o) {
    // The bookmark goes under its parent when it names one.
    const parent = (o.parentId && renderer.outlineMap[o.parentId]) || renderer.pdfDocument.outline;
    const item = parent.addItem(o.text, { expanded: o.expanded });
    if (o.id) renderer.outlineMap[o.id] = item;
  }
  drawLine(renderer.pdfDocument, line, x, y);
}
