import { error } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import type { Block, BoxBlock } from '../document/types.js';
import type { Place } from '../diagnostics/diagnostic.js';
import { resolveColor } from '../theme/theme.js';
import { solid, type ColumnBlock } from './blocks.js';
import type { Ctx } from './context.js';
import { addOut, emptyOut } from './lines.js';

/**
 * A colour an element's attribute names (`fill="accent"`, `background="#eef2f6"`), resolved in the theme's
 * palette; a name the palette lacks is `markup:attribute-value` at the element, with a did-you-mean. `none` (where
 * `allowNone`) is no colour.
 */
export function attrColor(
  ctx: Ctx,
  value: string,
  attr: string,
  element: string,
  place: Place | undefined,
): string | undefined {
  if (value === 'none') return undefined;
  if (value.startsWith('#') || ctx.theme.palette[value] !== undefined) return resolveColor(ctx.theme, value);
  const names = Object.keys(ctx.theme.palette);
  const close = nearest(value, names);
  ctx.diagnostics.push(
    error(
      'markup:attribute-value',
      `<${element} ${attr}="${value}">: the theme's palette has no colour "${value}"`,
      {
        ...(place ? { place } : {}),
        hint: `${close ? `did you mean "${close}"? ` : ''}a colour is "#rrggbb", "#rgb" or a palette name (${names.join(', ')}), or "none"`,
      },
    ),
  );
  return undefined;
}

/**
 * A `<box>` in its column: a frame (border, background) around its blocks, which are set at the column's width
 * less the border and padding on either side, one under another on the body grid (their space between them kept,
 * dropped at the box's top and foot). The whole box is a whole number of body lines: above and below its content
 * it takes the lines its padding and border need (at least one each), the frame centred in them, so that the
 * text in the columns beside it and below it stays on the grid. It is one unbreakable piece: set whole in a
 * column, or at the top of the next (a box taller than a column is set anyway, with `layout:too-tall`). In the
 * tagged PDF it is a `Div` holding its blocks' elements.
 */
export function boxBlock(
  b: BoxBlock,
  ctx: Ctx,
  width: number,
  inner: (blocks: readonly Block[], width: number) => ColumnBlock[],
): ColumnBlock {
  const t = ctx.theme.box;
  const border = b.border ?? t.border;
  const padding = b.padding ?? t.padding;
  const stroke = attrColor(ctx, b.borderColor ?? t.color, 'border-color', 'box', b.place);
  const fill = attrColor(ctx, b.background ?? t.background, 'background', 'box', b.place);
  const inset = border + padding;
  const innerWidth = Math.max(ctx.geo.size, width - 2 * inset);
  const outer = ctx.parent;
  ctx.parent = ctx.structure.of(b, 'Div', outer);
  const blocks = inner(b.children, innerWidth);
  ctx.parent = outer;
  // The content's slots: each block's preferred setting, with its space before and after except at the ends.
  const starts: number[] = [];
  let slots = 0;
  blocks.forEach((blk, i) => {
    if (i > 0) slots += Math.max(blk.item.spaceBefore, blocks[i - 1]!.item.spaceAfter);
    starts.push(slots);
    slots += blk.item.variants[0]!.reduce((a, u) => a + u, 0);
  });
  const p = ctx.geo.pitch;
  // Between a slot's top and the em box of a body line in it.
  const lead = (p - ctx.geo.size) / 2;
  const extra = Math.max(1, Math.ceil((inset - lead) / p - 1e-6));
  const total = slots + 2 * extra;
  // The frame's distance from the box's top and foot: its padding from the content's first and last em box.
  const gap = extra * p + lead - inset;
  return {
    item: solid([total], 0, 0),
    ...(b.place ? { place: b.place } : {}),
    draw: (_v, _from, _to, x, y) => {
      const out = emptyOut();
      out.items.push({
        kind: 'rect',
        x,
        y: y + gap,
        width,
        height: total * p - 2 * gap,
        ...(fill ? { fill } : {}),
        ...(stroke && border > 0 ? { stroke } : {}),
        lineWidth: border,
      });
      blocks.forEach((blk, i) => {
        const n = blk.item.variants[0]!.length;
        addOut(out, blk.draw(0, 0, n, x + inset, y + (extra + starts[i]!) * p, innerWidth));
      });
      return out;
    },
  };
}
