/** A cell as the grid places it: its first row and column, and how many of each it spans. */
export interface GridCell {
  row: number;
  col: number;
  rowspan: number;
  colspan: number;
  /** Its index in its row as written (past the row's cells: an empty cell where a row without spans is short). */
  index: number;
}

/** A span that does not fit: which cell (row, index in the row as written) and what is wrong. */
export interface GridProblem {
  row: number;
  index: number;
  message: string;
}

/**
 * Places a table's cells on its grid as HTML does: each row's cells go, in order, into the first columns that no
 * cell from a row above (a `rowspan`) still covers, each taking `colspan` columns and `rowspan` rows. The table
 * has `columns` columns (its `widths`), else as many as its first row covers. A table with no span at all keeps
 * rows of any length (as many columns as its longest row, short rows padded with empty cells). With spans, a
 * cell that runs past the last column or row, or over a cell a `rowspan` above already covers, is a problem; it
 * is placed cut to what is free.
 */
export function placeCells(
  rows: readonly (readonly { rowspan?: number; colspan?: number }[])[],
  columns?: number,
): { cells: GridCell[]; columns: number; problems: GridProblem[] } {
  const spanned = rows.some((r) => r.some((c) => (c.rowspan ?? 1) > 1 || (c.colspan ?? 1) > 1));
  const problems: GridProblem[] = [];
  const cells: GridCell[] = [];
  if (!spanned) {
    const cols = columns ?? Math.max(1, ...rows.map((r) => r.length));
    // Every position a cell, an empty one where the row is short (`index` past the row's cells).
    rows.forEach((_, row) => {
      for (let index = 0; index < cols; index++)
        cells.push({ row, col: index, rowspan: 1, colspan: 1, index });
    });
    return { cells, columns: cols, problems };
  }
  const width =
    columns ??
    Math.max(
      1,
      (rows[0] ?? []).reduce((a, c) => a + (c.colspan ?? 1), 0),
    );
  // taken[row][col]: the cell that covers it.
  const taken: (GridCell | undefined)[][] = rows.map(() => Array.from({ length: width }, () => undefined));
  rows.forEach((r, row) => {
    let col = 0;
    r.forEach((c, index) => {
      while (col < width && taken[row]![col]) col++;
      const want = { rowspan: c.rowspan ?? 1, colspan: c.colspan ?? 1 };
      if (col >= width) {
        problems.push({
          row,
          index,
          message: `the cell starts past the table's last column (the table has ${width} column${width > 1 ? 's' : ''})`,
        });
        return;
      }
      let colspan = want.colspan;
      if (col + colspan > width) {
        problems.push({
          row,
          index,
          message: `colspan="${want.colspan}" runs past the table's last column (it starts in column ${col + 1} of ${width})`,
        });
        colspan = width - col;
      }
      const over = Array.from({ length: colspan }, (_, k) => taken[row]![col + k]).find((x) => x);
      if (over) {
        problems.push({
          row,
          index,
          message: `colspan="${want.colspan}" runs over the cell of row ${over.row + 1} that spans down into this row (its rowspan="${over.rowspan}")`,
        });
        colspan = Array.from({ length: colspan }, (_, k) => taken[row]![col + k]).findIndex((x) => x);
      }
      let rowspan = want.rowspan;
      if (row + rowspan > rows.length) {
        problems.push({
          row,
          index,
          message: `rowspan="${want.rowspan}" runs past the table's last row (it starts in row ${row + 1} of ${rows.length})`,
        });
        rowspan = rows.length - row;
      }
      const cell: GridCell = { row, col, rowspan, colspan, index };
      cells.push(cell);
      for (let y = row; y < row + rowspan; y++)
        for (let x = col; x < col + colspan; x++) taken[y]![x] ??= cell;
      col += colspan;
    });
  });
  return { cells, columns: width, problems };
}

/**
 * The table's rows in groups that a page or column break may not divide: a cell spanning rows holds them
 * together. Each group is [first row, row after the last].
 */
export function rowGroups(cells: readonly GridCell[], rows: number): [number, number][] {
  const joined = Array.from({ length: rows }, () => false);
  for (const c of cells) for (let r = c.row; r < c.row + c.rowspan - 1; r++) joined[r] = true;
  const groups: [number, number][] = [];
  let from = 0;
  joined.forEach((j, r) => {
    if (!j) {
      groups.push([from, r + 1]);
      from = r + 1;
    }
  });
  return groups;
}
