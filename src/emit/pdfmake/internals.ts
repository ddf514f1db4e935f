/**
 * The shapes of what Briefing uses of pdfmake 0.3.11 and the pdfkit document it makes: pdfmake creates the
 * document (metadata, fonts, the first page) and Briefing draws everything on it through pdfkit's own API. Not
 * all of this is pdfmake's public API (`provideFont`, the bundled svg-to-pdfkit), so `PDFMAKE_VERSION`
 * (install.ts) pins the version these were read from.
 */
import type * as PdfmakeModule from 'pdfmake';

/** pdfmake's Node singleton (`require('pdfmake')`), with the virtual file system fonts are handed over in. */
export type Pdfmake = typeof PdfmakeModule & {
  virtualfs: { existsSync(name: string): boolean; writeFileSync(name: string, content: Buffer): void };
};

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
  /** The run shaped (what `encode` includes in the subset), from pdfkit's cache of shaped runs. */
  layout(text: string, features?: readonly string[]): { glyphs: FontkitGlyph[] };
}

/** A pdfkit outline item (bookmark). */
export interface OutlineItem {
  addItem(title: string, options?: { expanded: boolean }): OutlineItem;
}

/** A pdfkit indirect object (PDFReference). */
export interface PdfRef {
  data: Record<string, unknown>;
  write(chunk: Buffer | string): void;
  end(): void;
}

/** A marked-content sequence that belongs to a structure element (pdfkit's PDFStructureContent). */
export type PdfStructContent = { readonly refs: unknown[] };

/** A structure element of the tagged PDF (pdfkit's PDFStructureElement). */
export interface PdfStructElement {
  /** Its dictionary, written when the tree is (attributes may be added to `data` until then). */
  dictionary: PdfRef;
  add(child: PdfStructElement | PdfStructContent): this;
  end(): void;
}

/** What pdfkit's `struct` takes besides the type (its PDFStructureElement's options). */
export interface PdfStructOptions {
  alt?: string;
  lang?: string;
  title?: string;
  scope?: 'Column' | 'Row';
}

/** The pdfkit document as pdfmake makes it (its PDFDocument subclass), as much of it as the emitter draws with. */
export interface PdfKitDoc extends NodeJS.ReadableStream {
  page: { width: number; height: number; fonts: Record<string, unknown>; dictionary: PdfRef };
  /** A named destination on the current page (`XYZ`: its left and top, from the page's top left). */
  addNamedDestination(name: string, fit: 'XYZ', x: number, y: number, zoom: null): void;
  /** A link annotation on the current page to a named destination (`Contents`: a `String` object, as pdfkit writes
   * text strings; a plain string is written as a name); `structParent` gets its OBJR. */
  goTo(
    x: number,
    y: number,
    w: number,
    h: number,
    name: string,
    options: { Contents?: object; structParent?: PdfStructElement },
  ): this;
  outline: OutlineItem;
  /** pdfmake's: the pdfkit font of a family of the font dictionary, regular or bold. */
  provideFont(family: string, bold: boolean, italics: boolean): PdfKitFont;
  addPage(options: {
    size: [number, number];
    margins: { top: number; left: number; right: number; bottom: number };
  }): unknown;
  addContent(s: string): unknown;
  save(): this;
  restore(): this;
  transform(a: number, b: number, c: number, d: number, e: number, f: number): this;
  fillColor(color: string): this;
  strokeColor(color: string): this;
  lineWidth(w: number): this;
  lineCap(c: 'butt' | 'round' | 'square'): this;
  moveTo(x: number, y: number): this;
  lineTo(x: number, y: number): this;
  stroke(color?: string): this;
  rect(x: number, y: number, w: number, h: number): this;
  fill(color?: string): this;
  image(src: Buffer | PdfKitImage, x: number, y: number, options: { width: number; height: number }): this;
  /** An image read from its bytes (PNG or JPEG), not yet embedded. */
  openImage(src: Buffer): PdfKitImage;
  /** A URI link annotation over the box (top-left origin); `structParent` makes it an OBJR of that element. */
  link(
    x: number,
    y: number,
    w: number,
    h: number,
    url: string,
    // eslint-disable-next-line @typescript-eslint/no-wrapper-object-types
    options?: { Contents?: String; structParent?: PdfStructElement },
  ): this;
  end(): void;
  /** Tagged PDF (pdfkit's markings mixin): marked content, structure elements, the structure tree's root. */
  markContent(
    tag: string,
    options?: { type?: 'Pagination' | 'Layout' | 'Page'; attached?: ('Top' | 'Bottom' | 'Left' | 'Right')[] },
  ): this;
  markStructureContent(tag: string, options?: { lang?: string }): PdfStructContent;
  endMarkedContent(): this;
  struct(type: string, options?: PdfStructOptions): PdfStructElement;
  addStructure(element: PdfStructElement): this;
  /** Metadata (pdfkit's metadata mixin): XML added to the XMP packet, and its writer of the Info values. */
  appendXML(xml: string, newline?: boolean): void;
  info: Record<string, unknown>;
  _addInfo: (this: PdfKitDoc) => void;
  ref(data: Record<string, unknown>): PdfRef;
  _root: PdfRef;
}

/** svg-to-pdfkit as pdfmake bundles it (js/3rd-party/svg-to-pdfkit.js). */
export type SvgToPdfkit = (
  doc: PdfKitDoc,
  svg: string,
  x: number,
  y: number,
  options: {
    width: number;
    height: number;
    assumePt: boolean;
    useCSS: boolean;
    /** Maps an <image>'s href to what pdfkit opens (a path or a data: URI); '' opens nothing. */
    imageCallback?: (link: string) => string;
  },
) => void;

/** pdfkit's image: a PNG's `finalize` writes it once its pixels are decoded (a JPEG has none: written at once). */
export interface PdfKitImage {
  width: number;
  height: number;
  finalize?: (this: PdfKitImage) => void;
}
