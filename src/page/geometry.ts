import type { Figure } from '../document/types.js';
import type { Theme } from '../theme/theme.js';

import { PAGE_SIZES } from '../theme/pages.js';

/** Page geometry worked out from the theme: a type area of whole characters (clreq 版心), centred. */
export interface Geometry {
  pageWidth: number;
  pageHeight: number;
  margins: [left: number, top: number, right: number, bottom: number];
  /** Body size (pt), line pitch (pt), column count, characters per column, column width and gutter (pt). */
  size: number;
  pitch: number;
  columns: number;
  columnChars: number;
  columnWidth: number;
  gutter: number;
  textWidth: number;
  /** Body lines in a full column: the type area's height is a whole number of lines (clreq 版心). */
  slots: number;
}

/** Resolves a page size name or [width, height] in points. */
export function pageSize(size: Theme['page']['size']): [number, number] | undefined {
  if (Array.isArray(size)) return size;
  return PAGE_SIZES[size.toUpperCase()];
}

/**
 * Column width = N × body size and gutter = whole characters (clreq T1); the left and right margins take what
 * is left over, so the type area is centred and never narrower than the theme's margins allow.
 */
export function computeGeometry(theme: Theme, columnsOverride?: number): Geometry | undefined {
  const ps = pageSize(theme.page.size);
  if (!ps) return undefined;
  const [pageWidth, pageHeight] = ps;
  const { size, pitch, gutter } = theme.body;
  const columns = columnsOverride ?? theme.body.columns;
  const m = theme.page.margins;
  const available = (pageWidth - m.left - m.right) / size;
  const columnChars = Math.floor((available - gutter * (columns - 1)) / columns);
  if (columnChars < 4) return undefined;
  const textWidth = (columnChars * columns + gutter * (columns - 1)) * size;
  const slack = pageWidth - m.left - m.right - textWidth;
  const slots = Math.floor((pageHeight - m.top - m.bottom) / (pitch * size) + 1e-9);
  if (slots < 8) return undefined;
  return {
    pageWidth,
    pageHeight,
    margins: [m.left + slack / 2, m.top, m.right + slack / 2, m.bottom],
    size,
    pitch: pitch * size,
    columns,
    columnChars,
    columnWidth: columnChars * size,
    gutter: gutter * size,
    textWidth,
    slots,
  };
}

/** Width of one column of a `<body>` with `count` columns (the theme's count when undefined), whole characters. */
export function columnWidthOf(geo: Geometry, gutterChars: number, count?: number): number {
  if (count === undefined || count === geo.columns) return geo.columnWidth;
  return Math.floor((geo.textWidth / geo.size - gutterChars * (count - 1)) / count) * geo.size;
}

/** A figure's size in points: the width of the measure it stands in and a height of whole body lines. */
export interface FigureSlot {
  width: number;
  height: number;
  /** Set across the columns at a page's top, not in a column. */
  spansPage: boolean;
}

/**
 * The one computation of a figure's size, read by the chart stage (to draw the chart at that size) and by typeset
 * (to place it): across the type area when `columns` is undefined, when the figure says `span="page"`, or when
 * the columns are narrower than the theme's `chart.minColumn` characters (a chart too narrow to read spans the
 * page instead); else one column of a `<columns>` block of `columns` columns. `figure.lines` (default the theme's
 * `chart.heightLines`) lines of the body pitch tall, never more than a column holds with its caption.
 */
export function figureSlot(
  figure: Figure,
  columns: number | undefined,
  theme: Theme,
  geo: Geometry,
): FigureSlot {
  const column = columns === undefined ? geo.textWidth : columnWidthOf(geo, theme.body.gutter, columns);
  const spansPage =
    columns !== undefined &&
    columns > 1 &&
    (figure.span === 'page' || column / geo.size < theme.chart.minColumn);
  return {
    width: columns === undefined || spansPage ? geo.textWidth : column,
    height: Math.max(3, Math.min(figure.lines ?? theme.chart.heightLines, geo.slots - 4)) * geo.pitch,
    spansPage,
  };
}
