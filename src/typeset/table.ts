import type { Table } from '../document/types.js';
import { resolveColor } from '../theme/theme.js';
import type { ColumnBlock } from './blocks.js';
import type { Ctx } from './context.js';
import { addOut, emptyOut, gridLines, type Out } from './lines.js';
import type { SetLine, StructTag } from './model.js';
import { tagOut } from './structure.js';
import { inlineRuns } from './runs.js';
import { prepareText, setLines } from './text.js';

/** The space between two table columns, in points: half on each side of the rule-free gap. */
const GAP = 16;

/**
 * A table: each row as tall as its tallest cell in whole body lines (so the grid holds below it), rules under
 * the header and between rows, the header row repeated at the top of every column the table runs on into. It
 * breaks only between rows, never right after the header.
 */
export function tableBlock(b: Table, ctx: Ctx, width: number): ColumnBlock {
  const t = ctx.theme;
  const s = t.caption;
  ctx.families.add(s.font);
  const cols = Math.max(1, ...b.rows.map((r) => r.length));
  const weights = b.widths && b.widths.length === cols ? b.widths : Array.from({ length: cols }, () => 1);
  const room = width - GAP * (cols - 1);
  const total = weights.reduce((a, w) => a + w, 0);
  const widths = weights.map((w) => (w / total) * room);
  const lefts = widths.map((_, i) => widths.slice(0, i).reduce((a, w) => a + w + GAP, 0));
  const rows: SetLine[][][] = b.rows.map((row, ri) =>
    Array.from({ length: cols }, (_, ci) => {
      const cell = row[ci];
      if (!cell) return [];
      const bold = cell.header || (b.header && ri === 0);
      const style = { ...s, bold, color: 'text' };
      return setLines(prepareText(ctx.fonts, inlineRuns(cell.children, style, ctx, b.place), ctx.check), {
        width: widths[ci]!,
        align: cell.align ?? 'left',
        check: ctx.check,
      });
    }),
  );
  const heights = rows.map((r) => Math.max(1, ...r.map((c) => c.length)));
  const headerRows = b.header && rows.length > 1 ? 1 : 0;
  // Table, a TR per row, a TH (a header row's cells and <th>: scope Column in the header row, else Row) or TD per
  // cell, every cell an element even when empty, so that a reader counts rows and columns right.
  const table = ctx.structure.of(b, 'Table', ctx.parent);
  const cellTags: StructTag[][] = b.rows.map((row, ri) => {
    const tr = ctx.structure.of(b, 'TR', table, `${ri}`);
    return Array.from({ length: cols }, (_, ci) => {
      const header = ri < headerRows || row[ci]?.header === true;
      const cell = ctx.structure.of(b, header ? 'TH' : 'TD', tr, `${ri}/${ci}`);
      if (header) cell.scope = ri < headerRows ? 'Column' : 'Row';
      return cell;
    });
  });
  const rule = resolveColor(t, 'rule');
  const text = resolveColor(t, 'text');
  const p = ctx.geo.pitch;

  // `tagged` false: the header row repeated at a column top, an artifact of the make-up.
  const drawRows = (
    from: number,
    to: number,
    x: number,
    y: number,
    frameWidth: number,
    tagged = true,
  ): Out => {
    const out = emptyOut();
    let top = y;
    for (let r = from; r < to; r++) {
      rows[r]!.forEach((lines, ci) =>
        addOut(
          out,
          tagOut(
            gridLines(lines, x + lefts[ci]!, top, ctx, { x, width: frameWidth }, b.place, 'a table cell'),
            tagged ? cellTags[r]![ci] : undefined,
          ),
        ),
      );
      top += heights[r]! * p;
      // A firm rule under the header, hairlines between the other rows.
      const last = r === rows.length - 1;
      if (!last || r < headerRows)
        out.items.push({
          kind: 'rule',
          x1: x,
          y1: top,
          x2: x + width,
          y2: top,
          width: r < headerRows ? 1 : 0.5,
          color: r < headerRows ? text : rule,
        });
    }
    return out;
  };
  return {
    item: {
      variants: [heights],
      variantCost: [0],
      breakable: true,
      // After the header at least one row; at a column top at least one row.
      minBefore: headerRows + 1,
      minAfter: 1,
      keepWithNext: 0,
      spaceBefore: 1,
      spaceAfter: 1,
      repeatHeader: headerRows ? heights[0]! : 0,
    },
    ...(b.place ? { place: b.place } : {}),
    draw: (_v, from, to, x, y, w) => drawRows(from, to, x, y, w),
    ...(headerRows
      ? { drawHeader: (x: number, y: number, w: number) => drawRows(0, 1, x, y, w, false) }
      : {}),
  };
}
