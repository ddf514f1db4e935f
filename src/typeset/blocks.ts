import type { Content, ContentText } from 'pdfmake/interfaces.js';
import { plainText, type Block, type TextBlock } from '../document/types.js';
import { resolveColor } from '../theme/theme.js';
import { columnWidthOf } from '../page/geometry.js';
import type { CjkNodeOptions, Ctx, Frame } from './context.js';
import { figure } from './figure.js';
import { masthead } from './masthead.js';
import { fontRuns, inlineRuns } from './runs.js';
import { bodyAscent, onGrid, rule, styled } from './style.js';

/** Lays out one kind of block in its frame. */
type Handler<K extends Block['type']> = (b: Block & { type: K }, ctx: Ctx, frame: Frame) => Content[];

const kicker: Handler<'kicker'> = (b, ctx, { width }) => {
  const t = ctx.theme;
  return [
    rule(width, 2.5, resolveColor(t, 'accent')),
    { text: inlineRuns(b.children, t.kicker, ctx, b.place), ...styled(t.kicker, ctx), margin: [0, 5, 0, 4] },
    rule(width, 0.5, resolveColor(t, 'rule'), [0, 0, 0, 6]),
  ];
};

/** A headline, deck or dateline outside the masthead (the masthead takes those that follow a headline). */
const display: Handler<'headline' | 'deck' | 'dateline'> = (b, ctx) => {
  const t = ctx.theme;
  const s = b.type === 'headline' ? t.headline : b.type === 'deck' ? t.deck : t.dateline;
  return [{ text: inlineRuns(b.children, s, ctx, b.place), ...styled(s, ctx), margin: [0, 0, 0, 6] }];
};

const lead: Handler<'lead'> = (b, ctx, { width }) => {
  // The lead is set across the type area at its own size, in a measure of whole characters (clreq T1).
  const s = ctx.theme.lead;
  const measure = Math.floor(width / s.size) * s.size;
  return [
    {
      columns: [
        {
          width: measure,
          stack: b.children.map((p) => ({
            text: inlineRuns(p.children, s, ctx, p.place),
            ...styled(s, ctx, s.size * 1.6),
            alignment: 'justify',
            ...(p.indent ? { leadingIndent: 2 * s.size } : {}),
          })),
        },
      ],
      margin: [0, 4, 0, 6],
    },
  ];
};

const byline: Handler<'byline'> = (b, ctx) => {
  const s = ctx.theme.byline;
  return [{ text: inlineRuns(b.children, s, ctx, b.place), ...styled(s, ctx), margin: [0, 0, 0, 10] }];
};

const kpis: Handler<'kpis'> = (b, ctx) => {
  const t = ctx.theme;
  const accent = resolveColor(t, 'accent');
  const cells = b.items.map((k) => ({
    stack: [
      { text: fontRuns(k.value, t.kpi.value, ctx, k.place), ...styled(t.kpi.value, ctx), lineHeight: 1 },
      { text: fontRuns(k.label, t.kpi.label, ctx, k.place), ...styled(t.kpi.label, ctx) },
    ],
    alignment: 'center' as const,
  }));
  const n = Math.max(cells.length, 1);
  return [
    {
      table: { widths: Array.from({ length: n }, () => '*'), body: [cells] },
      layout: {
        hLineWidth: (i: number) => (i === 0 ? 1.5 : 0.5),
        hLineColor: (i: number) => (i === 0 ? accent : resolveColor(t, 'rule')),
        vLineWidth: (i: number) => (i === 0 || i === n ? 0 : 0.5),
        vLineColor: () => resolveColor(t, 'muted'),
        paddingTop: () => 6,
        paddingBottom: () => 6,
      },
      margin: [0, 0, 0, ctx.geo.pitch],
    },
  ];
};

const columns: Handler<'columns'> = (b, ctx) => {
  const geo = ctx.geo;
  const count = b.count ?? geo.columns;
  const colWidth = columnWidthOf(geo, ctx.theme.body.gutter, b.count);
  const inner = blocks(b.children, ctx, { width: colWidth, columns: count });
  return [
    {
      columns: Array.from({ length: count }, (_, i) =>
        i === 0 ? { width: colWidth, stack: inner } : { width: colWidth, text: '' },
      ),
      columnGap: geo.gutter,
      snakingColumns: count > 1,
    },
  ];
};

const heading: Handler<'heading'> = (b, ctx) => {
  // A head takes whole lines of the body pitch (clreq T3): one line of space above, one line per line of text.
  // It sits on the body grid with a line of space above it, and never ends a column: it moves on unless its lines
  // and the first two lines of what follows fit (clreq; src/emit/pdfmake/line-builder.ts).
  const s = ctx.theme.heading;
  const pitch = ctx.geo.pitch;
  const node: ContentText & CjkNodeOptions = {
    text: inlineRuns(b.children, s, ctx, b.place, s.accent),
    ...styled(s, ctx, pitch),
    cjkGrid: { pitch, ascent: bodyAscent(ctx), before: 1 },
    cjkKeepWithNext: 2 * pitch,
    outline: true,
    outlineText: plainText(b.children),
  };
  return [node];
};

const paragraph: Handler<'paragraph'> = (b, ctx) => {
  const t = ctx.theme;
  const style = {
    ...t.lead,
    font: t.body.font,
    size: t.body.size,
    bold: false,
    color: t.body.color,
    tracking: 0,
  };
  return [
    {
      text: inlineRuns(b.children, style, ctx, b.place),
      alignment: 'justify',
      ...(b.indent ? { leadingIndent: t.body.indent * t.body.size } : {}),
    },
  ];
};

const pullquote: Handler<'pullquote'> = (b, ctx) => {
  // Rules and text fill whole body lines (clreq T3): the quote's baselines fall on the grid, two lines
  // of body per line of quote, and the block ends on the grid with at least a line of space around it.
  const s = ctx.theme.pullquote;
  const lw = 1.5;
  const p = ctx.geo.pitch;
  const grid = onGrid(s, ctx, 0);
  const delta = (grid.margin as number[])[3]!;
  let top = p - lw - delta;
  while (top < p * 0.5) top += p;
  const bottomUsed = top + 2 * lw;
  const bottom = Math.ceil(bottomUsed / p + 0.5) * p - bottomUsed;
  const cell: ContentText = {
    text: inlineRuns(b.children, s, ctx, b.place),
    ...styled(s, ctx, p * 2),
    alignment: 'center',
  };
  return [
    {
      table: { widths: ['*'], body: [[cell]] },
      layout: {
        hLineWidth: () => lw,
        hLineColor: () => resolveColor(ctx.theme, s.rule),
        vLineWidth: () => 0,
        paddingTop: () => 0,
        paddingBottom: () => 0,
        paddingLeft: () => 0,
        paddingRight: () => 0,
      },
      margin: [0, top, 0, bottom],
      unbreakable: true,
    },
  ];
};

const table: Handler<'table'> = (b, ctx, { width }) => {
  const s = ctx.theme.caption;
  const rows = b.rows.map((row, ri) =>
    row.map((cell) => {
      const bold = cell.header || (b.header && ri === 0);
      return {
        text: inlineRuns(cell.children, { ...s, bold }, ctx, b.place),
        ...styled({ ...s, bold, color: 'text' }, ctx),
        ...(cell.align ? { alignment: cell.align } : {}),
      };
    }),
  );
  const cols = Math.max(...rows.map((r) => r.length), 1);
  // Relative widths become points: the table's width less the cell padding of lightHorizontalLines
  // (8 pt between columns on each side), shared in proportion.
  const weights = b.widths && b.widths.length === cols ? b.widths : Array.from({ length: cols }, () => 1);
  const room = width - 16 * (cols - 1);
  const total = weights.reduce((a, w) => a + w, 0);
  return [
    {
      table: {
        headerRows: b.header ? 1 : 0,
        widths: weights.map((w) => (w / total) * room),
        body: rows.map((r) => [...r, ...Array.from({ length: cols - r.length }, () => '')]),
      },
      layout: 'lightHorizontalLines',
      margin: [0, ctx.geo.pitch / 2, 0, ctx.geo.pitch / 2],
    },
  ];
};

/** The layout of each block type. */
const HANDLERS: { [K in Block['type']]: Handler<K> } = {
  kicker,
  headline: display,
  deck: display,
  dateline: display,
  lead,
  byline,
  kpis,
  columns,
  section: (b, ctx, frame) => blocks(b.children, ctx, frame),
  heading,
  paragraph,
  pullquote,
  figure: (b, ctx, frame) => [figure(b, ctx, frame)],
  table,
  pagebreak: () => [{ text: '', pageBreak: 'after' }],
};

/** Lays out a list of blocks in a frame; a headline and the deck and dateline after it become the masthead. */
export function blocks(list: readonly Block[], ctx: Ctx, frame: Frame): Content[] {
  const out: Content[] = [];
  for (let i = 0; i < list.length; i++) {
    const b = list[i]!;
    if (b.type === 'headline') {
      const beside: TextBlock[] = [];
      while (list[i + 1] && (list[i + 1]!.type === 'deck' || list[i + 1]!.type === 'dateline'))
        beside.push(list[++i] as TextBlock);
      out.push(masthead(b, beside, ctx, frame.width));
      continue;
    }
    const handler = HANDLERS[b.type] as Handler<Block['type']>;
    out.push(...handler(b, ctx, frame));
  }
  return out;
}
