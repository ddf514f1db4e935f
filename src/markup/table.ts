import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { placeCells } from '../document/grid.js';
import type { TableCell } from '../document/types.js';
import type { AttrRule, Build, RawElement } from './elements.js';
import { ALIGN, COLOR, elementsIn, wholeNumber } from './values.js';

// The parts of the <table> rule: its cells' attributes and nodes, and the check of its spans.

/** A table cell's attributes: its alignment, the rows and columns it spans, its fill colour. */
export const CELL: Readonly<Record<string, AttrRule>> = {
  align: ALIGN,
  rowspan: { value: { valid: wholeNumber(1, 1000), expected: 'expected a whole number of rows from 1' } },
  colspan: { value: { valid: wholeNumber(1, 1000), expected: 'expected a whole number of columns from 1' } },
  fill: COLOR,
};

export function tableCell(cell: RawElement, b: Build): TableCell {
  const { align, rowspan, colspan, fill } = cell.attrs;
  return {
    children: b.inlines(cell),
    header: cell.name === 'th',
    ...(align === 'left' || align === 'center' || align === 'right' ? { align } : {}),
    ...(rowspan && Number(rowspan) > 1 ? { rowspan: Number(rowspan) } : {}),
    ...(colspan && Number(colspan) > 1 ? { colspan: Number(colspan) } : {}),
    ...(fill ? { fill: fill.trim() } : {}),
    ...(cell.place ? { place: cell.place } : {}),
  };
}

/** The rows of a `<table>` element as written: its `<tr>`s' cells. */
export const rowsOf = (el: RawElement): RawElement[][] => elementsIn(el).map((tr) => elementsIn(tr));

/** A table's spans that run past its edge or over each other, at the cell's place. */
export function checkSpans(el: RawElement): Diagnostic[] {
  const rows = rowsOf(el);
  const span = (v: string | undefined) => (v && wholeNumber(1, 1000)(v) ? Number(v) : 1);
  const widths = el.attrs.widths?.split(',').length;
  const { problems } = placeCells(
    rows.map((r) => r.map((c) => ({ rowspan: span(c.attrs.rowspan), colspan: span(c.attrs.colspan) }))),
    widths,
  );
  return problems.map((p) => {
    const cell = rows[p.row]![p.index]!;
    return error('markup:table-span', `<${cell.name}> in row ${p.row + 1}: ${p.message}`, {
      ...(cell.place ? { place: cell.place } : {}),
      hint: widths
        ? `the table has ${widths} columns (widths="${el.attrs.widths}"); make the spans of each row add up to them`
        : "the first row decides how many columns the table has; make the other rows' spans add up to it",
    });
  });
}
