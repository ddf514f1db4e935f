import type { Place } from '../diagnostics/diagnostic.js';

/** Inline content of a text block. */
export type Inline =
  | { type: 'text'; value: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'emphasis'; children: Inline[] }
  /** `<link href>`: its text in the theme's link colour, a link annotation over it in the PDF. */
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'break' }
  /** A note: its mark (①) where it stands, its text at the foot of the column that mark lands in. */
  | { type: 'footnote'; children: Inline[]; place?: Place };

interface Located {
  /** Where the element was written in the template (file:line:col), for diagnostics. */
  place?: Place;
  /** The element's language (`lang`, BCP 47), where it differs from the document's. */
  lang?: string;
}

/** Single-line furniture and display text on the front page. */
export interface TextBlock extends Located {
  type: 'kicker' | 'headline' | 'deck' | 'dateline' | 'byline' | 'heading' | 'pullquote';
  children: Inline[];
}

export interface Paragraph extends Located {
  type: 'paragraph';
  children: Inline[];
  /** First-line indent (2em by default); `indent="no"` turns it off. */
  indent: boolean;
  /** Its language (BCP 47, `lang="zh-Hant"`) where it differs from the document's or its section's. */
  lang?: string;
}

export interface Lead extends Located {
  type: 'lead';
  children: Paragraph[];
}

export interface Kpi extends Located {
  value: string;
  label: string;
}

export interface Kpis extends Located {
  type: 'kpis';
  items: Kpi[];
}

/** A run of content set in snaking columns (the theme decides how many unless `columns` says). */
export interface Columns extends Located {
  type: 'columns';
  count?: number;
  children: Block[];
}

export interface Section extends Located {
  type: 'section';
  children: Block[];
  /** The language of its content (BCP 47, `lang="zh-Hant"`) where it differs from the document's. */
  lang?: string;
}

/** A chart fed from the data: `data` is the JSON pointer of the figure's spec in the data file. */
export interface Figure extends Located {
  type: 'figure';
  data: string;
  /** Height of the chart in body lines (the theme's chart.heightLines by default). */
  lines?: number;
  /** `page`: set across the columns at the top of a page (wide charts), instead of in a column. */
  span?: 'page';
}

/** A table cell: its content, whether it is a header cell (`<th>`), its alignment, spans and fill. */
export interface TableCell {
  children: Inline[];
  header: boolean;
  align?: 'left' | 'center' | 'right';
  /** Rows and columns it spans (`rowspan`, `colspan`; 1 when absent). */
  rowspan?: number;
  colspan?: number;
  /** Its background (`fill`): `#rrggbb`, `#rgb` or a palette name, resolved when the table is set. */
  fill?: string;
  place?: Place;
}

export interface Table extends Located {
  type: 'table';
  header: boolean;
  /** Relative column widths (`widths="3,2,2"`); equal when absent. */
  widths?: number[];
  rows: TableCell[][];
}

/** A length of an `<image>` attribute: millimetres, points or ems of the body size. */
export interface Length {
  value: number;
  unit: 'mm' | 'pt' | 'em';
}

/** A PNG, JPEG or SVG file of the template pack, set in the flow (or above the columns) with its alt text. */
export interface ImageBlock extends Located {
  type: 'image';
  /** The file's path, relative to the pack folder. */
  src: string;
  /** What the image shows, for the tagged PDF's Figure (/Alt). */
  alt: string;
  /** Its width: a length, or `column` (the column's measure); from the height or the file when absent. */
  width?: Length | 'column';
  height?: Length;
}

/**
 * `<box>`: blocks in a frame (a border, a background, padding), set as one piece on the body grid. Its own
 * attributes, where given, override the theme's `box` style; colours are still unresolved (palette names).
 */
export interface BoxBlock extends Located {
  type: 'box';
  children: Block[];
  /** Border width in points (0: none). */
  border?: number;
  borderColor?: string;
  /** Fill colour, or `none`. */
  background?: string;
  /** Space between the border and the content, in points. */
  padding?: number;
}

export interface PageBreak extends Located {
  type: 'pagebreak';
}

/**
 * A printed table of contents: the document's `<heading>`s (and the headline where `headline` says so), each with
 * the page it lands on, right-aligned after a dotted leader; each entry links to its heading.
 */
export interface Toc extends Located {
  type: 'toc';
  /** A title set above the entries (`目录`), in the heading style; none when absent. */
  title?: string;
  /** The headline is the first entry (the headings then indented 1 em). */
  headline: boolean;
}

export type Block =
  | TextBlock
  | Paragraph
  | Lead
  | Kpis
  | Columns
  | Section
  | Figure
  | ImageBlock
  | Table
  | BoxBlock
  | PageBreak
  | Toc;

/** The parsed document: the tree that the template's markup describes. */
export interface DocumentTree {
  lang: string;
  /** Document metadata and furniture from `<briefing>`: title, author, subject, keywords, date, running. */
  meta: Partial<Record<'title' | 'author' | 'subject' | 'keywords' | 'date' | 'running', string>>;
  children: Block[];
}

/** The plain text of inline content (what a reader would copy), without its footnotes. */
export function plainText(inlines: readonly Inline[]): string {
  return inlines
    .map((i) =>
      i.type === 'text'
        ? i.value
        : i.type === 'break'
          ? '\n'
          : i.type === 'footnote'
            ? ''
            : plainText(i.children),
    )
    .join('');
}
