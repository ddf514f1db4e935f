/**
 * The shapes of pdfmake 0.3.11 and pdfkit internals the adapter relies on: nothing here is public API, so every
 * field is one the adapter reads or writes, and `PDFMAKE_VERSION` (install.ts) pins the version they were read from.
 */
import type * as PdfmakeModule from 'pdfmake';

/** pdfmake's Node singleton (`require('pdfmake')`), with the virtual file system fonts are handed over in. */
export type Pdfmake = typeof PdfmakeModule & {
  virtualfs: { existsSync(name: string): boolean; writeFileSync(name: string, content: Buffer): void };
};

/** A measured inline of a text node (pdfmake's TextInlines): one run of text in one font, size and style. */
export interface PdfInline {
  text: string;
  width: number;
  x: number;
  height: number;
  font: { widthOfString(text: string, size: number, features?: readonly string[]): number; ascender: number };
  fontSize: number;
  fontFeatures: readonly string[] | null;
  alignment?: string;
  leadingCut?: number;
  trailingCut?: number;
  leadingIndent?: number;
  lineEnd?: boolean;
  characterSpacing?: number;
  /** Set by the line builder on a line's first inline: the token the line starts at. */
  _cjkStart?: number;
  [key: string]: unknown;
}

/** pdfmake's `Line` (js/Line.js), with the keys the adapter adds. */
export interface PdfLine {
  maxWidth: number;
  inlines: PdfInline[];
  inlineWidths: number;
  leadingCut: number;
  trailingCut: number;
  lastLineInParagraph: boolean;
  _outline?: unknown;
  /** Set by the engine: the line is drawn by `renderCjkLine`. */
  _cjk?: boolean;
  /** The line's source text, written as the PDF's ActualText so that copy and paste give it back exactly. */
  _cjkActual?: string;
  _pageNodeRef?: unknown;
  id?: unknown;
  x?: number;
  getHeight(): number;
  getAscenderHeight(): number;
}

/** The `Line` constructor (js/Line.js). */
export type LineClass = new (maxWidth: number) => PdfLine;

/** A snapshot of the writer's position (DocumentContext.snapshots): where a column began. */
export interface Snapshot {
  y: number;
  overflowed?: boolean;
  snakingColumns?: boolean;
}

/** pdfmake's DocumentContext (js/DocumentContext.js): the writer's position on the current page. */
export interface DocumentContext {
  x: number;
  y: number;
  page: number;
  availableWidth: number;
  availableHeight: number;
  snapshots: Snapshot[];
  getSnakingSnapshot(): Snapshot | undefined;
}

/** `this` of LayoutBuilder.prototype.buildNextLine (js/LayoutBuilder.js). */
export interface LayoutBuilder {
  writer: { context(): DocumentContext };
}

/** A fontkit glyph, as much as the unshaped fast path needs. */
export interface FontkitGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}

/** A pdfkit embedded font (pdfkit's EmbeddedFont): the fontkit font, its subset and its PDF resource. */
export interface PdfKitFont {
  id: string;
  ascender: number;
  scale: number;
  font: { glyphForCodePoint(cp: number): FontkitGlyph; hasGlyphForCodePoint(cp: number): boolean };
  subset: { includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
  ref(): unknown;
  encode(
    text: string,
    features?: readonly string[],
  ): [string[], { xAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }[]];
}

/** The pdfkit document (pdfmake's PDFDocument subclass) as the line renderer writes to it. */
export interface PdfKitDoc {
  page: { height: number; fonts: Record<string, unknown> };
  addContent(s: string): unknown;
  save(): unknown;
  restore(): unknown;
  transform(a: number, b: number, c: number, d: number, e: number, f: number): unknown;
  fillColor(color: unknown): unknown;
  opacity(o: number): unknown;
  resolveColor(color: unknown, fallback: string): unknown;
}

/** A pdfkit outline item (bookmark). */
export interface OutlineItem {
  addItem(title: string, options: { expanded: boolean }): OutlineItem;
}

/** `this` of Renderer.prototype.renderLine (js/Renderer.js). */
export interface Renderer {
  pdfDocument: PdfKitDoc & { outline: OutlineItem };
  outlineMap: Record<string, OutlineItem>;
}

/** `this` of DocumentContext.prototype.addPage. */
export interface PagedContext {
  pages: unknown[];
}

/** A text node as pdfmake hands it to buildNextLine: its inlines still to set, and the keys a node may carry. */
export interface PdfTextNode {
  _inlines?: PdfInline[];
  outline?: boolean;
  outlineText?: string;
  outlineExpanded?: boolean;
  outlineParentId?: string;
  id?: string;
  text?: unknown;
}
