import type { Place } from '../diagnostics/diagnostic.js';
import type { RenderedChart } from '../charts/family.js';
import type { Geometry } from '../page/geometry.js';
import type { LoadedImage } from '../images/load.js';

/** A face of the document: a family of the font configuration, regular or bold. */
export interface FaceRef {
  family: string;
  bold: boolean;
}

/** A piece of a set line drawn at one place: a Han character or mark, a Western word, a run of chart text. */
export interface SetRun {
  text: string;
  /** From the line's start, in points. */
  x: number;
  face: FaceRef;
  size: number;
  /** `#rrggbb`. */
  color: string;
  /** OpenType features to shape it with (`halt`, `fwid`), besides the defaults. */
  features: readonly string[];
  /** Extra space after each glyph but the last, in points (letter-spacing, a justified line's last resort). */
  tracking?: number;
  /** Raised this many points above the baseline (a note's reference mark). */
  rise?: number;
}

/** The target of a `<link>`: one object per link element, so that its pieces on several lines are one link. */
export interface LinkTarget {
  href: string;
  /** The link's text, for the annotation's /Contents (what a screen reader says for it). */
  text: string;
  /** The colour of a hairline under it (theme `link.underline`), or none. */
  underline?: string;
}

/** The part of a set line that a link covers, from the line's start, in points. */
export interface LinkSpan {
  target: LinkTarget;
  x: number;
  width: number;
}

/** A line of text as set: its runs, its width, and the source text copy and paste must give back. */
export interface SetLine {
  runs: SetRun[];
  width: number;
  /** The line's source text when positioning opened gaps in it (written as the PDF's ActualText). */
  actual?: string;
  /** The parts of the line that are links (`<link href>`): the emitter puts a link annotation over each. */
  links?: LinkSpan[];
}

/** The standard structure types (ISO 32000-1, 14.8.4) an element of the tagged PDF may have. */
export type StructRole =
  | 'Sect'
  | 'H1'
  | 'H2'
  | 'P'
  | 'BlockQuote'
  | 'Figure'
  | 'Caption'
  | 'Table'
  | 'TR'
  | 'TH'
  | 'TD'
  | 'L'
  | 'LI'
  | 'LBody'
  | 'TOC'
  | 'TOCI'
  | 'Link'
  | 'Note'
  | 'Lbl'
  | 'Div';

/**
 * An element of the document's logical structure (the tagged PDF's structure tree), made once per markup element
 * (typeset/structure.ts): every piece drawn of it carries the same tag, so a paragraph set over columns and pages
 * is one element. `seq` is its place in the article's reading order (the markup's order, whatever the columns
 * do); `parent` is the element it stands in (none: the document).
 */
export interface StructTag {
  seq: number;
  role: StructRole;
  parent?: StructTag;
  /** A figure's alternative text. */
  alt?: string;
  /** Its language, where it differs from the document's. */
  lang?: string;
  /** A header cell's scope. */
  scope?: 'Column' | 'Row';
  /** Its ID (a Note's, which PDF/UA requires). */
  id?: string;
  /** A table cell's spans, where more than one row or column. */
  rowSpan?: number;
  colSpan?: number;
}

/**
 * Something drawn on a page. Coordinates are points from the page's top left; `baseline` is a text's baseline.
 * `furniture` marks the running head, its rule and the folio (not part of the article's text). `tag` is the
 * structure element a text or chart belongs to; whatever has none (rules, furniture, a repeated table header) is
 * drawn as an artifact.
 */
export type Drawn =
  | { kind: 'text'; x: number; baseline: number; line: SetLine; furniture?: boolean; tag?: StructTag }
  | {
      kind: 'rule';
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      width: number;
      color: string;
      furniture?: boolean;
    }
  | {
      /** A box's background and border (`<box>`, a table cell's fill): fill first, then the border inside it. */
      kind: 'rect';
      x: number;
      y: number;
      width: number;
      height: number;
      fill?: string;
      stroke?: string;
      /** Border width; the border is drawn inside the rectangle. */
      lineWidth: number;
      furniture?: boolean;
    }
  | {
      kind: 'chart';
      x: number;
      y: number;
      width: number;
      height: number;
      chart: RenderedChart;
      tag?: StructTag;
    }
  | {
      kind: 'image';
      x: number;
      y: number;
      width: number;
      height: number;
      image: LoadedImage;
      tag?: StructTag;
    }
  | { kind: 'bookmark'; title: string; level: number; y: number }
  /** A named destination (a heading a table of contents links to): the view's top left at x, y. */
  | { kind: 'anchor'; name: string; x: number; y: number }
  /** A link annotation to a named destination over a box, with its text for assistive technology. */
  | {
      kind: 'link';
      x: number;
      y: number;
      width: number;
      height: number;
      dest: string;
      contents: string;
      tag?: StructTag;
    };

/** A drawn thing's box, for the check that nothing leaves its place (with the template place that made it). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The column it belongs to (left edge and width), or the type area for what spans the columns. */
  frame: { x: number; width: number };
  place?: Place;
  what: string;
}

/** One page: what is drawn on it, in reading order. */
export interface PageOut {
  items: Drawn[];
  boxes: Box[];
}

/** Running head and folio, drawn on every page by the emitter. */
export interface Furniture {
  runningLeft: string;
  runningRight: string;
  running: { font: string; bold: boolean; size: number; color: string; rule: string };
  folio: { font: string; bold: boolean; size: number; color: string; format: string; first: boolean };
}

/** Document metadata, from `<briefing>` attributes. */
export interface DocumentMeta {
  title: string;
  author?: string;
  subject?: string;
  keywords?: string;
  creationDate: Date;
  running?: string;
}

/** The typeset document: every page with everything on it placed, ready to be drawn. */
export interface Composition {
  lang: string;
  meta: DocumentMeta;
  geometry: Geometry;
  pages: PageOut[];
  furniture: Furniture;
  /** The families the document sets text in (the emitter embeds those). */
  families: ReadonlySet<string>;
  /**
   * Every structure element, in reading order (the tags the drawn items carry point into it); none: everything
   * drawn is an artifact.
   */
  structure?: readonly StructTag[];
}
