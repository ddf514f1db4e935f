import { placeCells, rowGroups, type GridCell } from '../document/grid.js';
import type { Table } from '../document/types.js';
import { resolveColor } from '../theme/theme.js';
import type { ColumnBlock } from './blocks.js';
import { attrColor } from './box.js';
import type { Ctx } from './context.js';
import { addOut, emptyOut, gridLines, type Out } from './lines.js';
import type { SetLine, StructTag } from './model.js';
import { tagOut } from './structure.js';
import { inlineRuns } from './runs.js';
import { prepareText, setLines } from './text.js';

/** The space between two table columns, in points: half on each side of the rule-free gap. */
const GAP = 16;

/** A cell placed on the grid and set: its lines, its fill and its structure element. */
interface SetCell extends GridCell {
  lines: SetLine[];
  fill?: string;
  tag: StructTag;
}

/** A table set: its columns, its cells, its rows' heights in body lines, and its header rows. */
interface TableLayout {
  b: Table;
  width: number;
  cols: number;
  widths: number[];
  lefts: number[];
  cells: SetCell[];
  heights: number[];
  /** Each row's top, in body lines from the table's top. */
  tops: number[];
  headerRows: number;
}

/**
 * A table: each row as tall as its tallest cell in whole body lines (a cell spanning rows makes the last of them
 * taller if it needs), so the grid holds below it; rules under the header and between rows (not through a cell
 * that spans them); cell fills behind the text; the header rows repeated at the top of every column the table
 * runs on into. It breaks only between rows, never right after the header nor inside a cell's rows.
 */
export function tableBlock(b: Table, ctx: Ctx, width: number): ColumnBlock {
  ctx.families.add(ctx.theme.caption.font);
  const spanned = b.rows.some((r) => r.some((c) => c.rowspan || c.colspan));
  const grid = placeCells(b.rows, spanned ? b.widths?.length : undefined);
  const cols = grid.columns;
  const weights = b.widths && b.widths.length === cols ? b.widths : Array.from({ length: cols }, () => 1);
  const total = weights.reduce((a, w) => a + w, 0);
  const widths = weights.map((w) => (w / total) * (width - GAP * (cols - 1)));
  const lefts = widths.map((_, i) => widths.slice(0, i).reduce((a, w) => a + w + GAP, 0));
  const groups = rowGroups(grid.cells, b.rows.length);
  // The header: the first row, with the rows a cell of it spans (a two-row header under a spanning cell).
  const headerRows = b.header && groups.length > 1 ? groups[0]![1] : 0;
  const cells = setCells(
    b,
    grid.cells,
    ctx,
    headerRows,
    (c) => lefts[c.col + c.colspan - 1]! + widths[c.col + c.colspan - 1]! - lefts[c.col]!,
  );
  // Rows as tall as their one-row cells, then the last row of a spanning cell taller where it needs.
  const heights = b.rows.map(() => 1);
  for (const c of cells) if (c.rowspan === 1) heights[c.row] = Math.max(heights[c.row]!, c.lines.length);
  for (const c of cells.filter((x) => x.rowspan > 1)) {
    const have = heights.slice(c.row, c.row + c.rowspan).reduce((a, h) => a + h, 0);
    if (c.lines.length > have) heights[c.row + c.rowspan - 1]! += c.lines.length - have;
  }
  const tops = heights.map((_, i) => heights.slice(0, i).reduce((a, h) => a + h, 0));
  const L: TableLayout = { b, width, cols, widths, lefts, cells, heights, tops, headerRows };
  const unitHeights = groups.map(([a, z]) => heights.slice(a, z).reduce((x, h) => x + h, 0));
  const headerUnits = headerRows ? 1 : 0;
  // `tagged` false: the header repeated at a column top, an artifact of the make-up.
  const draw = (uFrom: number, uTo: number, x: number, y: number, w: number, tagged = true): Out =>
    uTo > uFrom ? drawRows(L, ctx, groups[uFrom]![0], groups[uTo - 1]![1], x, y, w, tagged) : emptyOut();
  return {
    item: {
      variants: [unitHeights],
      variantCost: [0],
      breakable: true,
      // After the header at least one row; at a column top at least one row.
      minBefore: headerUnits + 1,
      minAfter: 1,
      keepWithNext: 0,
      spaceBefore: 1,
      spaceAfter: 1,
      repeatHeader: headerUnits ? unitHeights[0]! : 0,
    },
    ...(b.place ? { place: b.place } : {}),
    draw: (_v, uFrom, uTo, x, y, w) => draw(uFrom, uTo, x, y, w),
    ...(headerUnits ? { drawHeader: (x: number, y: number, w: number) => draw(0, 1, x, y, w, false) } : {}),
  };
}

/**
 * Sets each cell's text across its columns, bold in the header rows and `<th>`, and makes its element: Table, a
 * TR per row, a TH (scope Column in the header rows, else Row) or TD per cell with its RowSpan and ColSpan, so
 * that a reader counts rows and columns right.
 */
function setCells(
  b: Table,
  grid: readonly GridCell[],
  ctx: Ctx,
  headerRows: number,
  spanWidth: (c: GridCell) => number,
): SetCell[] {
  const table = ctx.structure.of(b, 'Table', ctx.parent);
  return grid.map((g) => {
    const cell = b.rows[g.row]![g.index] ?? { children: [], header: false };
    const header = g.row < headerRows || cell.header;
    const style = { ...ctx.theme.caption, bold: header, color: 'text' };
    const lines = setLines(
      prepareText(ctx.fonts, inlineRuns(cell.children, style, ctx, cell.place ?? b.place), ctx.check),
      { width: spanWidth(g), align: cell.align ?? 'left', check: ctx.check },
    );
    const tr = ctx.structure.of(b, 'TR', table, `${g.row}`);
    const tag = ctx.structure.of(b, header ? 'TH' : 'TD', tr, `${g.row}/${g.col}`);
    if (header) tag.scope = g.row < headerRows ? 'Column' : 'Row';
    if (g.rowspan > 1) tag.rowSpan = g.rowspan;
    if (g.colspan > 1) tag.colSpan = g.colspan;
    const fill = cell.fill
      ? attrColor(ctx, cell.fill, 'fill', cell.header ? 'th' : 'td', cell.place)
      : undefined;
    return { ...g, lines, tag, ...(fill ? { fill } : {}) };
  });
}

/** Draws rows [r0, r1) of a table, the first at `y`: the cells' fills, their text, the rules under the rows. */
function drawRows(
  L: TableLayout,
  ctx: Ctx,
  r0: number,
  r1: number,
  x: number,
  y: number,
  frameWidth: number,
  tagged: boolean,
): Out {
  const out = emptyOut();
  const p = ctx.geo.pitch;
  const top = (r: number) => y + (L.tops[r]! - L.tops[r0]!) * p;
  // Where a column's share of a rule or a fill starts and ends: the gaps between columns are halved.
  const left = (col: number) => (col === 0 ? x : x + L.lefts[col]! - GAP / 2);
  const right = (col: number) =>
    col === L.cols - 1 ? x + L.width : x + L.lefts[col]! + L.widths[col]! + GAP / 2;
  const cells = L.cells.filter((c) => c.row >= r0 && c.row < r1);
  for (const c of cells)
    if (c.fill)
      out.items.push({
        kind: 'rect',
        x: left(c.col),
        y: top(c.row),
        width: right(c.col + c.colspan - 1) - left(c.col),
        height: L.heights.slice(c.row, c.row + c.rowspan).reduce((a, h) => a + h, 0) * p,
        fill: c.fill,
        lineWidth: 0,
      });
  for (const c of cells) {
    const frame = { x, width: frameWidth };
    const lines = gridLines(c.lines, x + L.lefts[c.col]!, top(c.row), ctx, frame, L.b.place, 'a table cell');
    addOut(out, tagOut(lines, tagged ? c.tag : undefined));
  }
  // A firm rule under the header, hairlines between the other rows, each broken where a cell spans across it.
  const rule = resolveColor(ctx.theme, 'rule');
  const text = resolveColor(ctx.theme, 'text');
  for (let r = r0; r < r1; r++) {
    if (r === L.b.rows.length - 1 && r >= L.headerRows) continue;
    const firm = r === L.headerRows - 1;
    const y1 = top(r) + L.heights[r]! * p;
    if (r < L.headerRows - 1) {
      // Inside a header of several rows, a hairline under each head that ends here, apart from its neighbours
      // (本月 over its three columns, 上年同月 over its two).
      for (const c of cells.filter((x) => x.row + x.rowspan - 1 === r)) {
        const end = c.col + c.colspan - 1;
        const x1 = left(c.col) + (c.col === 0 ? 0 : GAP / 4);
        const x2 = right(end) - (end === L.cols - 1 ? 0 : GAP / 4);
        out.items.push({ kind: 'rule', x1, y1, x2, y2: y1, width: 0.5, color: rule });
      }
      continue;
    }
    const across = (col: number) =>
      L.cells.some((c) => c.col <= col && col < c.col + c.colspan && c.row <= r && r < c.row + c.rowspan - 1);
    for (let col = 0; col < L.cols;) {
      if (across(col)) {
        col++;
        continue;
      }
      let end = col;
      while (end + 1 < L.cols && !across(end + 1)) end++;
      const color = firm ? text : rule;
      out.items.push({
        kind: 'rule',
        x1: left(col),
        y1,
        x2: right(end),
        y2: y1,
        width: firm ? 1 : 0.5,
        color,
      });
      col = end + 1;
    }
  }
  return out;
}
