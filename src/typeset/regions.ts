import type { Block, TextBlock } from '../document/types.js';
import { columnWidthOf } from '../page/geometry.js';
import { headingBlock, paragraphBlock, pullquoteBlock, setPullquote, type ColumnBlock } from './blocks.js';
import type { Ctx } from './context.js';
import { figureFloat, type ColumnFloat } from './figure.js';
import { imageBlock } from './image.js';
import { kickerSpan, kpiSpan, leadSpan, mastheadSpan, textSpan, type SpanBlock } from './masthead.js';
import { tableBlock } from './table.js';
import { tocBlocks } from './toc.js';
import { solid } from './blocks.js';
import { boxBlock } from './box.js';

/** Column text and its figures, set in `columns` columns of `columnWidth` points, `gutter` apart. */
export interface FlowRegion {
  kind: 'flow';
  columns: number;
  columnWidth: number;
  gutter: number;
  blocks: ColumnBlock[];
  floats: ColumnFloat[];
}

/**
 * The document as the page assembler takes it, top to bottom: blocks across the type area (the masthead's
 * parts, a pull quote that spans the columns), flows of column text, and forced page breaks.
 */
export type Region = SpanRegion | FlowRegion | { kind: 'break' };

/** A block across the type area; `node` is the markup node a table of contents points at (the headline). */
type SpanRegion = { kind: 'span'; node?: object } & SpanBlock;

/** The front page's parts, set across the type area above the columns. */
const FRONT = new Set(['kicker', 'headline', 'deck', 'dateline', 'lead', 'byline', 'kpis']);

/**
 * Sorts the document's blocks into regions: front-page parts as spanning blocks, each `<body>` (columns) as a
 * flow, column content written outside any `<body>` as a flow of one column across the type area.
 */
export function regionsOf(blocks: readonly Block[], ctx: Ctx): Region[] {
  const out: Region[] = [];
  let loose: Block[] = [];
  const flush = () => {
    if (loose.length) out.push(...flowsOf(loose, 1, ctx, ctx.geo.textWidth, 0));
    loose = [];
  };
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.type === 'columns') {
      flush();
      const count = b.count ?? ctx.geo.columns;
      out.push(
        ...flowsOf(
          b.children,
          count,
          ctx,
          columnWidthOf(ctx.geo, ctx.theme.body.gutter, count),
          ctx.geo.gutter,
        ),
      );
    } else if (b.type === 'pagebreak' && loose.length === 0) out.push({ kind: 'break' });
    else if (FRONT.has(b.type)) {
      flush();
      if (b.type === 'headline') {
        // The masthead: the headline word with the deck and dateline that follow it.
        const beside: TextBlock[] = [];
        while (blocks[i + 1] && (blocks[i + 1]!.type === 'deck' || blocks[i + 1]!.type === 'dateline'))
          beside.push(blocks[++i] as TextBlock);
        out.push({ kind: 'span', ...mastheadSpan(b, beside, ctx), node: b });
      } else out.push({ kind: 'span', ...frontSpan(b, ctx) });
    } else loose.push(b);
  }
  flush();
  return fitFront(out, ctx);
}

/**
 * The front page's parts above the first column text leave room for at least three lines of it on the page: if
 * they do not, the headline is set smaller (down to the theme's minimum), then the lead (down to the body size),
 * until they do, so the body begins on the first page rather than leaving a hole below the masthead.
 */
function fitFront(regions: Region[], ctx: Ctx): Region[] {
  const firstFlow = regions.findIndex((r) => r.kind !== 'span');
  if (firstFlow < 0) return regions;
  const front = regions.slice(0, firstFlow) as SpanRegion[];
  const height = () => front.reduce((a, r) => a + r.height + r.spaceAfter, 0);
  const budget = (ctx.geo.slots - 3) * ctx.geo.pitch;
  for (let k = 0; k < 40 && height() > budget; k++) {
    const i = front.findIndex((r) => r.smaller);
    if (i < 0) break;
    const smaller = front[i]!.smaller!();
    if (smaller) front[i] = { kind: 'span', ...smaller, ...(front[i]!.node ? { node: front[i]!.node } : {}) };
    else delete front[i]!.smaller;
  }
  return [...front, ...regions.slice(firstFlow)];
}

function frontSpan(b: Block, ctx: Ctx): SpanBlock {
  const t = ctx.theme;
  switch (b.type) {
    case 'kicker':
      return kickerSpan(b, ctx);
    case 'lead':
      return leadSpan(b, ctx);
    case 'kpis':
      return kpiSpan(b, ctx);
    case 'byline':
      return textSpan(b, t.byline, ctx, 10);
    case 'deck':
      return textSpan(b, t.deck, ctx, 6);
    default:
      return textSpan(b as TextBlock, t.dateline, ctx, 6);
  }
}

/**
 * The column content of one `<body>` as flows: one flow, or several when a pull quote spans the columns
 * (theme `pullquote.span`), each flow's last page balanced before the quote across the type area.
 */
function flowsOf(
  blocks: readonly Block[],
  columns: number,
  ctx: Ctx,
  columnWidth: number,
  gutter: number,
): Region[] {
  const out: Region[] = [];
  let flow: FlowRegion = { kind: 'flow', columns, columnWidth, gutter, blocks: [], floats: [] };
  const visit = (list: readonly Block[]) => {
    for (const b of list) {
      switch (b.type) {
        case 'section': {
          // A Sect of the structure: its head, paragraphs and figures inside it.
          const outer = ctx.parent;
          const outerLang = ctx.lang;
          ctx.parent = ctx.structure.of(b, 'Sect', outer);
          // A section in another language: its text is set in that language's fonts and punctuation style.
          if (b.lang && b.lang !== ctx.lang) {
            ctx.parent.lang = b.lang;
            ctx.lang = b.lang;
          }
          visit(b.children);
          ctx.parent = outer;
          ctx.lang = outerLang;
          break;
        }
        case 'columns':
          // A body inside a body: its content joins this flow.
          visit(b.children);
          break;
        case 'paragraph':
          flow.blocks.push(paragraphBlock(b, ctx, columnWidth));
          break;
        case 'heading':
          flow.blocks.push(headingBlock(b, ctx, columnWidth));
          break;
        case 'pullquote':
          if (ctx.theme.pullquote.span && columns > 1) {
            out.push(flow);
            const quote = setPullquote(b, ctx, ctx.geo.textWidth);
            out.push({
              kind: 'span',
              height: quote.slots * ctx.geo.pitch,
              spaceAfter: ctx.geo.pitch,
              ...(b.place ? { place: b.place } : {}),
              draw: (x, y) => quote.draw(x, y, ctx.geo.textWidth),
            });
            flow = { kind: 'flow', columns, columnWidth, gutter, blocks: [], floats: [] };
          } else flow.blocks.push(pullquoteBlock(b, ctx, columnWidth));
          break;
        case 'figure': {
          const f = figureFloat(b, flow.blocks.length, ctx, columns);
          if (f) flow.floats.push(f);
          break;
        }
        case 'image':
          flow.blocks.push(imageBlock(b, ctx, columnWidth));
          break;
        case 'table':
          flow.blocks.push(tableBlock(b, ctx, columnWidth));
          break;
        case 'toc':
          flow.blocks.push(...tocBlocks(b, ctx, columnWidth));
          break;
        case 'box':
          flow.blocks.push(boxBlock(b, ctx, columnWidth, (inner, w) => inner.map((x) => boxed(x, ctx, w))));
          break;
        case 'pagebreak':
          flow.blocks.push({
            item: { ...solid([], 0, 0), variants: [[]], pageBreak: true },
            draw: () => ({ items: [], boxes: [] }),
          });
          break;
        case 'lead':
          for (const p of b.children) flow.blocks.push(paragraphBlock(p, ctx, columnWidth));
          break;
        case 'kpis':
          // A strip of figures spans the columns: the flow before it is balanced, the next begins below it.
          out.push(flow, { kind: 'span', ...kpiSpan(b, ctx) });
          flow = { kind: 'flow', columns, columnWidth, gutter, blocks: [], floats: [] };
          break;
        default:
          // Other front-page parts inside a body: display lines in the column, kept with what follows.
          flow.blocks.push(displayInColumn(b, ctx, columnWidth));
      }
    }
  };
  visit(blocks);
  out.push(flow);
  return out.filter((r) => r.kind !== 'flow' || r.blocks.length > 0 || r.floats.length > 0);
}

/** A block inside a `<box>` (its content model: heading, p, table, image, pullquote) set at the box's measure. */
function boxed(b: Block, ctx: Ctx, width: number): ColumnBlock {
  switch (b.type) {
    case 'paragraph':
      return paragraphBlock(b, ctx, width);
    case 'table':
      return tableBlock(b, ctx, width);
    case 'image':
      return imageBlock(b, ctx, width);
    case 'pullquote':
      return pullquoteBlock(b, ctx, width);
    default:
      return headingBlock(b as TextBlock, ctx, width);
  }
}

/** A kicker, deck, dateline or byline written inside a body: its lines on the grid, kept with what follows. */
function displayInColumn(b: TextBlock, ctx: Ctx, width: number): ColumnBlock {
  const tag = ctx.structure.of(b, b.type === 'headline' ? 'H1' : 'P', ctx.parent);
  const block = headingBlock({ ...b, type: 'heading' }, ctx, width, false, tag);
  // The node itself (not the copy set as a head): a table of contents finds a headline set in a column.
  return { ...block, node: b, item: { ...block.item, keepWithNext: 1 } };
}
