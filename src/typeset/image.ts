import type { ImageBlock, Length } from '../document/types.js';
import type { Ctx } from './context.js';
import { layoutWarning } from './context.js';
import { solid, type ColumnBlock } from './blocks.js';
import { emptyOut } from './lines.js';

const MM = 72 / 25.4;

/** An `<image>` length in points (`em`: the body size). */
function points(l: Length, ctx: Ctx): number {
  return l.unit === 'mm' ? l.value * MM : l.unit === 'em' ? l.value * ctx.theme.body.size : l.value;
}

/**
 * An image of the pack set in its column (or across the type area, written outside a `<body>`): at the width
 * and height the element gives (one of them: the other keeps the file's proportions; neither: the file's own
 * size), never wider than the column, at the column's left edge, the block a whole number of body lines high so
 * that the grid holds below it. It is a Figure of the tagged PDF with the element's alt text as its /Alt.
 */
export function imageBlock(b: ImageBlock, ctx: Ctx, columnWidth: number): ColumnBlock {
  const image = ctx.images.get(b);
  const ratio = image ? image.height / image.width : 1;
  let width: number;
  let height: number;
  const w = b.width === 'column' ? columnWidth : b.width ? points(b.width, ctx) : undefined;
  const h = b.height ? points(b.height, ctx) : undefined;
  if (w !== undefined && h !== undefined) [width, height] = [w, h];
  else if (w !== undefined) [width, height] = [w, w * ratio];
  else if (h !== undefined) [width, height] = [h / ratio, h];
  else [width, height] = [image?.width ?? columnWidth, image?.height ?? columnWidth];
  if (width > columnWidth + 0.01) {
    layoutWarning(
      ctx,
      'image:too-wide',
      `<image src="${b.src}"> is ${(width / MM).toFixed(1)} mm wide, its column ${(columnWidth / MM).toFixed(1)} mm: set at the column's width`,
      b.place,
      'give a smaller width (or width="column")',
    );
    height *= columnWidth / width;
    width = columnWidth;
  }
  const tag = ctx.structure.of(b, 'Figure', ctx.parent);
  tag.alt = b.alt;
  const slots = Math.max(1, Math.ceil(height / ctx.geo.pitch - 1e-6));
  return {
    item: solid([slots], 0, 0),
    ...(b.place ? { place: b.place } : {}),
    draw: (_v, _from, _to, x, y, frameWidth) => {
      const out = emptyOut();
      if (!image) return out;
      out.items.push({ kind: 'image', x, y, width, height, image, tag });
      out.boxes.push({
        x,
        y,
        width,
        height,
        frame: { x, width: frameWidth },
        ...(b.place ? { place: b.place } : {}),
        what: 'an image',
      });
      return out;
    },
  };
}
