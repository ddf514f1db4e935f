import type { Place } from '../diagnostics/diagnostic.js';
import type { RenderedChart } from '../charts/render.js';
import type { Geometry } from '../page/geometry.js';

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
}

/** A line of text as set: its runs, its width, and the source text copy and paste must give back. */
export interface SetLine {
  runs: SetRun[];
  width: number;
  /** The line's source text when positioning opened gaps in it (written as the PDF's ActualText). */
  actual?: string;
}

/**
 * Something drawn on a page. Coordinates are points from the page's top left; `baseline` is a text's baseline.
 * `furniture` marks the running head, its rule and the folio (not part of the article's text).
 */
export type Drawn =
  | { kind: 'text'; x: number; baseline: number; line: SetLine; furniture?: boolean }
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
  | { kind: 'chart'; x: number; y: number; width: number; height: number; chart: RenderedChart }
  | { kind: 'bookmark'; title: string; level: number; y: number };

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
  folio: { font: string; bold: boolean; size: number; color: string };
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
}
