import { paginate } from '../paginate/paginate.js';
import type { FlowLayout, MakeupProblem } from '../paginate/types.js';
import { layoutWarning, type Ctx } from './context.js';
import { addOut, type Out } from './lines.js';
import type { Box, PageOut } from './model.js';
import type { FlowRegion, Region } from './regions.js';
import { drawNotes } from './footnote.js';

/**
 * Makes up the pages: spanning blocks stacked from the top of the type area, each flow laid out in its columns
 * by the page builder from the next line of the grid, a forced break to a new page. Then checks that everything
 * drawn lies inside its column or the type area and over nothing else (a `layout:overflow` warning otherwise).
 */
export function assemble(regions: readonly Region[], ctx: Ctx): PageOut[] {
  const geo = ctx.geo;
  const p = geo.pitch;
  const [left, top] = geo.margins;
  const height = geo.slots * p;
  const pages: PageOut[] = [{ items: [], boxes: [] }];
  const pageAt = (i: number) => {
    while (pages.length <= i) {
      ctx.limits?.checkPages(pages.length + 1);
      pages.push({ items: [], boxes: [] });
    }
    return pages[i]!;
  };
  let page = 0;
  let y = 0; // points below the type area's top
  // Where a heading a table of contents lists lands: its page, and a destination its entry links to.
  const landed = (node: object | undefined, pg: number, x: number, at: number) => {
    if (!node || !ctx.toc?.dests.has(node)) return;
    ctx.toc.landed.set(node, pg);
    pageAt(pg).items.push({ kind: 'anchor', name: ctx.toc.dests.get(node)!, x, y: at });
  };
  regions.forEach((r, i) => {
    if (r.kind === 'break') {
      // Every break starts a page, as written: two in a row leave a blank page between them.
      [page, y] = [page + 1, 0];
      pageAt(page);
      return;
    }
    if (r.kind === 'span') {
      if (y > 0 && y + r.height > height) [page, y] = [page + 1, 0];
      if (r.height > height)
        layoutWarning(ctx, 'layout:too-tall', 'this block is taller than a page', r.place, 'shorten it');
      landed(r.node, page, left, top + y);
      addOut(pageAt(page), r.draw(left, top + y));
      y += r.height + r.spaceAfter;
      return;
    }
    let slot = Math.ceil(y / p - 1e-6);
    if (slot > geo.slots - 3) [page, slot] = [page + 1, 0];
    const layout = layFlow(r, ctx, page, slot);
    // Text first, in reading order, then the figures: content order is what text extraction and copy and paste
    // follow, so a paragraph interrupted by a figure at a column top still reads as one.
    const figures: [number, Out][] = [];
    for (const pl of layout.placements) {
      if (pl.what.kind === 'units' && pl.what.from === 0) {
        const x = left + Math.max(0, pl.column) * (r.columnWidth + r.gutter);
        landed(r.blocks[pl.what.item]!.node, pl.page, x, top + pl.slot * p);
      }
      if (pl.what.kind === 'float') figures.push([pl.page, drawPlacement(r, layout, pl, ctx)]);
      else addOut(pageAt(pl.page), drawPlacement(r, layout, pl, ctx));
    }
    for (const [pg, out] of figures) addOut(pageAt(pg), out);
    report(r, layout.problems, ctx);
    page = layout.endPage;
    y = layout.endSlot * p + (i < regions.length - 1 ? p : 0);
    // A flow that ends with <pagebreak/> (a contents page, say): what follows begins on the next page.
    if (r.blocks.at(-1)?.item.pageBreak && i < regions.length - 1) [page, y] = [page + 1, 0];
    pageAt(page);
  });
  verify(pages, ctx);
  return pages;
}

function layFlow(r: FlowRegion, ctx: Ctx, page: number, slot: number): FlowLayout {
  return paginate(
    { items: r.blocks.map((b) => b.item), floats: r.floats.map((f) => f.float) },
    { columns: r.columns, slots: ctx.geo.slots, startPage: page, startSlot: slot, balance: true },
    { check: (pg) => ctx.limits?.checkPages(pg + 1) },
  );
}

/** Draws one placement of the page builder at its column and slot. */
function drawPlacement(
  r: FlowRegion,
  layout: FlowLayout,
  pl: FlowLayout['placements'][number],
  ctx: Ctx,
): Out {
  const [left, top] = ctx.geo.margins;
  const x = pl.column < 0 ? left : left + pl.column * (r.columnWidth + r.gutter);
  const width = pl.column < 0 ? ctx.geo.textWidth : r.columnWidth;
  const y = top + pl.slot * ctx.geo.pitch;
  const w = pl.what;
  if (w.kind === 'float') return r.floats[w.float]!.draw(x, y, width);
  if (w.kind === 'notes')
    return drawNotes(
      w.refs.map(({ item, unit, note }) => ({
        height: r.blocks[item]!.item.notes![unit]![note]!,
        draw: (nx: number, ny: number) => r.blocks[item]!.drawNote!(unit, note, nx, ny, width),
      })),
      x,
      y,
      width,
      ctx,
    );
  const block = r.blocks[w.item]!;
  if (w.kind === 'header') return block.drawHeader?.(x, y, width) ?? { items: [], boxes: [] };
  return block.draw(layout.variants[w.item] ?? 0, w.from, w.to, x, y, width);
}

const MESSAGES: Record<MakeupProblem['code'], [string, string]> = {
  'layout:widow': ['a paragraph leaves its last line alone at the top of a column', 'shorten or lengthen it'],
  'layout:orphan': [
    'a paragraph leaves its first line alone at the foot of a column',
    'shorten or lengthen it',
  ],
  'layout:keep': [
    'no column break here obeys the rules (heads with their text, no widows or orphans)',
    'shorten the text around it',
  ],
  'layout:too-tall': ['this is taller than a column', 'make it shorter (a figure: fewer lines)'],
  'layout:foot-gap': [
    'a column ends two or more lines short of its foot',
    'more or less text before it lets the columns fill',
  ],
  'layout:balance': [
    'the last page\u2019s columns could not be balanced within a line',
    'more or less text on the last page helps',
  ],
};

/** The page builder's unavoidable faults as warnings, at the place of the block concerned. */
function report(r: FlowRegion, problems: readonly MakeupProblem[], ctx: Ctx): void {
  const seen = new Set<string>();
  for (const pr of problems) {
    const [message, hint] = MESSAGES[pr.code];
    const place =
      pr.item !== undefined
        ? r.blocks[pr.item]?.place
        : pr.float !== undefined
          ? r.floats[pr.float]?.place
          : undefined;
    const key = `${pr.code}|${pr.page}|${pr.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    layoutWarning(
      ctx,
      pr.code,
      `${message} (page ${pr.page + 1}${pr.column >= 0 ? `, column ${pr.column + 1}` : ''})`,
      place,
      hint,
    );
  }
}

/**
 * The layout desk's check, inside the build: every text line and chart lies within its frame (its column, or
 * the type area) and the type area's height, and no two overlap. A fault is a `layout:overflow` warning with the
 * place of what overflows (`--strict` makes it an error, so nothing runs off the page unnoticed).
 */
function verify(pages: readonly PageOut[], ctx: Ctx): void {
  const [, top] = ctx.geo.margins;
  const bottom = top + ctx.geo.slots * ctx.geo.pitch;
  const tolerance = 0.5;
  const reported = new Set<string>();
  const fault = (b: Box, page: number, what: string) => {
    const key = `${b.what}|${page}|${what}`;
    if (reported.has(key)) return;
    reported.add(key);
    layoutWarning(
      ctx,
      'layout:overflow',
      `${b.what} ${what} (page ${page + 1})`,
      b.place,
      'shorten it, or give it more room in the theme',
    );
  };
  pages.forEach((pg, i) => {
    const boxes = [...pg.boxes].sort((a, b) => a.y - b.y);
    for (const b of boxes) {
      if (b.x < b.frame.x - tolerance || b.x + b.width > b.frame.x + b.frame.width + tolerance)
        fault(b, i, 'runs out of its column');
      if (b.y < top - tolerance || b.y + b.height > bottom + tolerance)
        fault(b, i, 'runs out of the type area');
    }
    for (let a = 0; a < boxes.length; a++)
      for (let c = a + 1; c < boxes.length && boxes[c]!.y < boxes[a]!.y + boxes[a]!.height - tolerance; c++) {
        const A = boxes[a]!;
        const C = boxes[c]!;
        const ox = Math.min(A.x + A.width, C.x + C.width) - Math.max(A.x, C.x);
        if (ox > tolerance) fault(C, i, `prints over ${A.what}`);
      }
  });
}
