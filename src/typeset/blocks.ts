import type { Place } from '../diagnostics/diagnostic.js';
import { plainText, type Paragraph, type TextBlock } from '../document/types.js';
import type { FlowItem } from '../paginate/types.js';
import { resolveColor } from '../theme/theme.js';
import type { Ctx } from './context.js';
import { emBox, emptyOut, gridBaseline, gridLines, type Out } from './lines.js';
import type { Box, SetLine, StructTag } from './model.js';
import { tagOut } from './structure.js';
import { inlineRuns } from './runs.js';
import { phraseLines } from './phrase.js';
import { prepareText, setVariants } from './text.js';
import { Notes } from './footnote.js';

/** A block set for a column: the page builder's view of it, and how to draw any run of its units. */
export interface ColumnBlock {
  item: FlowItem;
  place?: Place;
  /** The markup node a table of contents points at (a heading): where the block begins, it landed. */
  node?: object;
  /** Draws units [from, to) of variant `v`, the first unit's first slot at `y`, the column's left edge at `x`. */
  draw(v: number, from: number, to: number, x: number, y: number, width: number): Out;
  /** Draws what is repeated at the top of a column the block runs on into (a table's header row). */
  drawHeader?(x: number, y: number, width: number): Out;
  /** Draws footnote `note` of unit `unit` (item.notes) at the column's foot, its first slot's top at `y`. */
  drawNote?(unit: number, note: number, x: number, y: number, width: number): Out;
}

/** The item of an unbreakable block of `units` (heights in slots) with space around it. */
export function solid(units: number[], spaceBefore: number, spaceAfter: number, keepWithNext = 0): FlowItem {
  return {
    variants: [units],
    variantCost: [0],
    breakable: false,
    minBefore: 0,
    minAfter: 0,
    keepWithNext,
    spaceBefore,
    spaceAfter,
    repeatHeader: 0,
  };
}

const frameOf = (x: number, width: number): Box['frame'] => ({ x, width });

/**
 * A body paragraph: justified, indented 2 em (clreq), one line per slot of the grid; it may break between
 * columns leaving two lines on each side (no widow, no orphan), and may be set a line longer or shorter when the
 * page builder needs it (Knuth–Plass looseness).
 */
export function paragraphBlock(b: Paragraph, ctx: Ctx, width: number): ColumnBlock {
  const t = ctx.theme;
  const style = {
    ...t.lead,
    font: t.body.font,
    size: t.body.size,
    bold: false,
    color: t.body.color,
    tracking: 0,
  };
  ctx.families.add(style.font);
  const tag = ctx.structure.of(b, 'P', ctx.parent);
  // A paragraph in another language: its fonts and punctuation style are that language's.
  const outerLang = ctx.lang;
  if (b.lang && b.lang !== ctx.lang) {
    tag.lang = b.lang;
    ctx.lang = b.lang;
  }
  const notes = new Notes(ctx, width, b.place);
  const text = prepareText(
    ctx.fonts,
    inlineRuns(b.children, style, ctx, b.place, undefined, notes.sink),
    ctx.check,
  );
  const all = setVariants(text, {
    width,
    indent: b.indent ? t.body.indent * t.body.size : 0,
    justify: true,
    check: ctx.check,
  });
  // A paragraph with footnotes is set in its best way only: where its marks fall decides its columns' feet.
  const variants = notes.count ? all.slice(0, 1) : all;
  const perLine = notes.set(variants[0]!.lines);
  ctx.lang = outerLang;
  return {
    item: {
      ...(notes.count ? { notes: perLine.map((ks) => ks.map((k) => notes.height(k))) } : {}),
      variants: variants.map((v) => v.lines.map(() => 1)),
      variantCost: variants.map((v) => v.cost),
      breakable: true,
      minBefore: 2,
      minAfter: 2,
      keepWithNext: 0,
      spaceBefore: 0,
      spaceAfter: 0,
      repeatHeader: 0,
    },
    ...(b.place ? { place: b.place } : {}),
    draw: (v, from, to, x, y, w) =>
      tagOut(
        gridLines(variants[v]!.lines.slice(from, to), x, y, ctx, frameOf(x, w), b.place, 'a paragraph'),
        tag,
      ),
    drawNote: (unit, note, x, y, w) => notes.draw(perLine[unit]![note]!, x, y, w),
  };
}

/**
 * A head: its lines on the grid with a line of space above (dropped at a column top), kept with the first two
 * lines of what follows (clreq: a head never ends a column); a bookmark points at it. It is an `H2` of the
 * structure unless `tag` says otherwise.
 */
export function headingBlock(
  b: TextBlock,
  ctx: Ctx,
  width: number,
  bookmark = true,
  tag: StructTag = ctx.structure.of(b, 'H2', ctx.parent),
): ColumnBlock {
  const s = ctx.theme.heading;
  ctx.families.add(s.font);
  // A head that wraps breaks where a reader pauses (phrase.ts).
  const lines = phraseLines(ctx.fonts, inlineRuns(b.children, s, ctx, b.place, s.accent), {
    width,
    check: ctx.check,
  });
  return {
    item: solid(
      lines.map(() => 1),
      1,
      0,
      2,
    ),
    ...(b.place ? { place: b.place } : {}),
    node: b,
    draw: (_v, from, to, x, y, w) => {
      const out = tagOut(gridLines(lines.slice(from, to), x, y, ctx, frameOf(x, w), b.place, 'a head'), tag);
      if (from === 0 && bookmark)
        out.items.unshift({ kind: 'bookmark', title: plainText(b.children), level: 1, y });
      return out;
    },
  };
}

/**
 * A pull quote set in its column: lines at its size two body lines apart, centred between two rules, the whole
 * a whole number of body lines with a line of space above and below; it wraps at the column's measure.
 */
export function pullquoteBlock(b: TextBlock, ctx: Ctx, width: number): ColumnBlock {
  const quote = setPullquote(b, ctx, width);
  return {
    item: solid([quote.slots], 1, 1),
    ...(b.place ? { place: b.place } : {}),
    draw: (_v, _from, _to, x, y, w) => quote.draw(x, y, w),
  };
}

/** The lines and rules of a pull quote across `width`: its height in slots and how to draw it. */
export function setPullquote(
  b: TextBlock,
  ctx: Ctx,
  width: number,
): { slots: number; draw(x: number, y: number, frameWidth: number): Out } {
  const s = ctx.theme.pullquote;
  ctx.families.add(s.font);
  // A BlockQuote where it stands in the markup, its text one paragraph.
  const tag = ctx.structure.of(b, 'P', ctx.structure.of(b, 'BlockQuote', ctx.parent));
  const p = ctx.geo.pitch;
  const lines: SetLine[] = phraseLines(ctx.fonts, inlineRuns(b.children, s, ctx, b.place), {
    width,
    align: 'center',
    check: ctx.check,
  });
  const rows = Math.max(1, lines.length);
  const lw = 1.5;
  const color = resolveColor(ctx.theme, s.rule);
  return {
    slots: 2 * rows + 1,
    draw: (x, y, frameWidth) => {
      const out = emptyOut();
      const frame = frameOf(x, frameWidth);
      const rule = (ry: number) =>
        out.items.push({ kind: 'rule', x1: x, y1: ry, x2: x + width, y2: ry, width: lw, color });
      // Each line's baseline on the body grid (every second line of it), the rules as far from the text as the
      // block allows on both sides.
      const base = gridBaseline(ctx);
      const baselines = lines.map((_, j) => y + (1 + 2 * j) * p + base);
      const emTop = (baselines[0] ?? y + p + base) - 0.88 * s.size;
      const emBottom = (baselines.at(-1) ?? y + p + base) + 0.12 * s.size;
      const d = Math.min(emTop - y, y + (2 * rows + 1) * p - emBottom) - lw / 2;
      rule(emTop - d);
      lines.forEach((line, j) => {
        const baseline = baselines[j]!;
        out.items.push({ kind: 'text', x, baseline, line, tag });
        out.boxes.push({
          x,
          ...emBox(x, baseline, line),
          frame,
          ...(b.place ? { place: b.place } : {}),
          what: 'a pull quote',
        });
      });
      rule(emBottom + d);
      return out;
    },
  };
}
