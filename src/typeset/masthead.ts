import type { Place } from '../diagnostics/diagnostic.js';
import type { Kpis, Lead, TextBlock } from '../document/types.js';
import { resolveColor, type TextStyle } from '../theme/theme.js';
import { layoutWarning, type Ctx } from './context.js';
import { addOut, emptyOut, stackLines, type Out } from './lines.js';
import type { SetLine } from './model.js';
import { tagOut } from './structure.js';
import { fontRuns, inlineRuns, runStyle } from './runs.js';
import { phraseLines } from './phrase.js';
import { prepareText, setLines, type PreparedText } from './text.js';

/** Something set across the type area (the masthead's parts): its height in points and how to draw it. */
export interface SpanBlock {
  height: number;
  /** Space below it before what follows, in points. */
  spaceAfter: number;
  place?: Place;
  draw(x: number, y: number): Out;
  /**
   * The same block set smaller, to give the body text room on the front page (the headline down to its minimum
   * size, then the lead down to the body size); undefined when it is as small as it goes.
   */
  smaller?: () => SpanBlock | undefined;
}

/** Lines of a text in a style, at a measure, as display text (their own pitch: 1.4 em unless given). */
function displayLines(
  ctx: Ctx,
  text: PreparedText,
  width: number,
  align: 'left' | 'center' = 'left',
): SetLine[] {
  return setLines(text, { width, align, check: ctx.check });
}

/** A display block's lines; a deck's broken where a reader pauses when it takes more than one (`phrase.ts`). */
function blockLines(ctx: Ctx, b: TextBlock, style: TextStyle, width: number): SetLine[] {
  if (b.type !== 'deck') return displayLines(ctx, textOf(b, style, ctx), width);
  ctx.families.add(style.font);
  return phraseLines(ctx.fonts, inlineRuns(b.children, style, ctx, b.place), { width, check: ctx.check });
}

function textOf(b: TextBlock, style: TextStyle, ctx: Ctx, accent?: string): PreparedText {
  ctx.families.add(style.font);
  return prepareText(ctx.fonts, inlineRuns(b.children, style, ctx, b.place, accent), ctx.check);
}

/** A block of display lines across the type area: kicker text, byline, a deck or dateline on its own. */
export function textSpan(b: TextBlock, style: TextStyle, ctx: Ctx, spaceAfter: number): SpanBlock {
  const width = ctx.geo.textWidth;
  const lines = blockLines(ctx, b, style, width);
  const pitch = 1.4 * style.size;
  const tag = ctx.structure.of(b, 'P', ctx.parent);
  return {
    height: lines.length ? (lines.length - 1) * pitch + style.size : 0,
    spaceAfter,
    ...(b.place ? { place: b.place } : {}),
    draw: (x, y) =>
      tagOut(stackLines(lines, x, y, style.size, pitch, { x, width }, b.place, `the ${b.type}`), tag),
  };
}

/** The kicker: a heavy rule in the accent colour, the kicker's words, a hairline. */
export function kickerSpan(b: TextBlock, ctx: Ctx): SpanBlock {
  const t = ctx.theme;
  const inner = textSpan(b, t.kicker, ctx, 0);
  const width = ctx.geo.textWidth;
  return {
    height: 2.5 + 5 + inner.height + 6 + 0.5,
    spaceAfter: 8,
    ...(b.place ? { place: b.place } : {}),
    draw: (x, y) => {
      const out = emptyOut();
      const accent = resolveColor(t, 'accent');
      out.items.push({
        kind: 'rule',
        x1: x,
        y1: y + 1.25,
        x2: x + width,
        y2: y + 1.25,
        width: 2.5,
        color: accent,
      });
      addOut(out, inner.draw(x, y + 7.5));
      const below = y + 7.5 + inner.height + 6 + 0.25;
      out.items.push({
        kind: 'rule',
        x1: x,
        y1: below,
        x2: x + width,
        y2: below,
        width: 0.5,
        color: resolveColor(t, 'rule'),
      });
      return out;
    },
  };
}

/**
 * The headline, fitted: at the theme's size if it fits on one line (beside the deck when there is room, else
 * across the type area with the deck under it), else at the largest size that sets it on at most the theme's
 * number of lines with the lines balanced and no character alone on a line, never below the theme's minimum.
 * Deck and dateline stand beside it, or under it when the space beside would be too narrow.
 */
export function mastheadSpan(
  headline: TextBlock,
  beside: TextBlock[],
  ctx: Ctx,
  maxSize?: number,
): SpanBlock {
  const t = ctx.theme;
  const W = ctx.geo.textWidth;
  const gap = 1.5 * ctx.geo.size;
  const deckMin = 8 * t.deck.size;
  const h1 = ctx.structure.of(headline, 'H1', ctx.parent);
  const tags = beside.map((b) => ctx.structure.of(b, 'P', ctx.parent));
  const fit = fitHeadline(headline, ctx, W, W - gap - deckMin, maxSize);
  const besideWidth = W - fit.width - gap;
  const side = (width: number) =>
    beside.map((b) => {
      const s = b.type === 'deck' ? t.deck : t.dateline;
      const lines = blockLines(ctx, b, s, width);
      return { b, s, lines, height: lines.length ? (lines.length - 1) * 1.35 * s.size + s.size : 0 };
    });
  // Beside the headline when the deck sets in at most three lines there, else under it.
  let parts = fit.oneLine && besideWidth >= deckMin ? side(besideWidth) : undefined;
  const underneath = !parts || parts.some((x) => x.b.type === 'deck' && x.lines.length > 3);
  if (underneath) parts = side(W);
  const sideHeight = parts!.reduce((a, x, i) => a + x.height + (i < parts!.length - 1 ? 6 : 0), 0);
  const offset = 0.42 * fit.size;
  const height = underneath
    ? fit.height + (sideHeight ? 8 + sideHeight : 0)
    : Math.max(fit.height, offset + sideHeight);
  return {
    height: height + 4,
    spaceAfter: 10,
    ...(headline.place ? { place: headline.place } : {}),
    ...(fit.size > t.headline.minSize
      ? { smaller: () => mastheadSpan(headline, beside, ctx, Math.max(t.headline.minSize, fit.size * 0.85)) }
      : {}),
    draw: (x, y) => {
      const out = emptyOut();
      const top = y + 4;
      addOut(
        out,
        tagOut(
          stackLines(fit.lines, x, top, fit.size, fit.pitch, { x, width: W }, headline.place, 'the headline'),
          h1,
        ),
      );
      let sy = underneath ? top + fit.height + 8 : top + offset;
      const sx = underneath ? x : x + fit.width + gap;
      for (const part of parts!) {
        const r = tagOut(
          stackLines(
            part.lines,
            sx,
            sy,
            part.s.size,
            1.35 * part.s.size,
            { x, width: W },
            part.b.place,
            `the ${part.b.type}`,
          ),
          tags[beside.indexOf(part.b)],
        );
        addOut(out, r);
        sy += part.height + 6;
      }
      return out;
    },
  };
}

interface HeadlineFit {
  size: number;
  pitch: number;
  lines: SetLine[];
  width: number;
  height: number;
  oneLine: boolean;
}

/** The headline's size and lines: see mastheadSpan. `besideWidth` is its room when the deck stands beside it. */
function fitHeadline(
  b: TextBlock,
  ctx: Ctx,
  width: number,
  besideWidth: number,
  maxSize = Infinity,
): HeadlineFit {
  const theme = ctx.theme.headline;
  const hs = { ...theme, size: Math.max(theme.minSize, Math.min(theme.size, maxSize)) };
  ctx.families.add(hs.font);
  const at = (size: number, measure: number) => {
    const text = prepareText(ctx.fonts, inlineRuns(b.children, { ...hs, size }, ctx, b.place), ctx.check);
    return displayLines(ctx, text, measure);
  };
  const shape = (size: number, lines: SetLine[]): HeadlineFit => ({
    size,
    pitch: 1.08 * size,
    lines,
    width: Math.max(0, ...lines.map((l) => l.width)),
    height: lines.length ? (lines.length - 1) * 1.08 * size + size : 0,
    oneLine: lines.length <= 1,
  });
  // A single character alone on a line reads as a mistake in a headline.
  const lonely = (lines: SetLine[]) =>
    lines.length > 1 && lines.some((l) => [...(l.actual ?? l.runs.map((r) => r.text).join(''))].length < 2);
  const full = at(hs.size, Math.max(besideWidth, 1));
  if (full.length === 1) return shape(hs.size, full);
  const across = at(hs.size, width);
  if (across.length === 1) return shape(hs.size, across);
  // Smaller: the largest size (to a tenth of a point) at which it sets on the theme's number of lines.
  const fits = (size: number) => {
    const lines = at(size, width);
    return lines.length <= Math.max(1, hs.lines) && !lonely(lines) ? lines : undefined;
  };
  let lo = hs.minSize;
  let hi = hs.size;
  if (!fits(lo)) {
    layoutWarning(
      ctx,
      'layout:headline-too-long',
      `the headline does not fit on ${hs.lines} line${hs.lines === 1 ? '' : 's'} even at ${hs.minSize} pt`,
      b.place,
      'shorten the headline, or allow more lines (theme headline.lines) or a smaller size (headline.minSize)',
    );
    return shape(lo, balance(at, lo, width));
  }
  while (hi - lo > 0.1) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  const size = Math.floor(lo * 10) / 10;
  return shape(size, balance(at, size, width));
}

/** The headline's lines at `size`, balanced: the narrowest measure that still gives as few lines. */
function balance(at: (size: number, measure: number) => SetLine[], size: number, width: number): SetLine[] {
  const n = at(size, width).length;
  let lo = width / n;
  let hi = width;
  for (let k = 0; k < 12 && hi - lo > 1; k++) {
    const mid = (lo + hi) / 2;
    if (at(size, mid).length <= n) hi = mid;
    else lo = mid;
  }
  return at(size, hi);
}

/** The lead: its paragraphs across a measure of whole characters of its size, justified, 1.6 em apart. */
export function leadSpan(b: Lead, ctx: Ctx, size = ctx.theme.lead.size): SpanBlock {
  const s = { ...ctx.theme.lead, size };
  const least = Math.min(ctx.theme.lead.size, ctx.theme.body.size);
  ctx.families.add(s.font);
  const measure = Math.floor(ctx.geo.textWidth / s.size) * s.size;
  const pitch = 1.6 * s.size;
  const paras = b.children.map((p) =>
    setLines(prepareText(ctx.fonts, inlineRuns(p.children, s, ctx, p.place), ctx.check), {
      width: measure,
      indent: p.indent ? 2 * s.size : 0,
      justify: true,
      check: ctx.check,
    }),
  );
  const lines = paras.flat();
  // Each paragraph of the lead is a P of the structure.
  const tags = paras.flatMap((ls, i) => ls.map(() => ctx.structure.of(b.children[i]!, 'P', ctx.parent)));
  return {
    height: 4 + (lines.length ? (lines.length - 1) * pitch + s.size : 0),
    spaceAfter: 8,
    ...(b.place ? { place: b.place } : {}),
    ...(size > least ? { smaller: () => leadSpan(b, ctx, Math.max(least, size - 0.5)) } : {}),
    draw: (x, y) => {
      const out = stackLines(lines, x, y + 4, s.size, pitch, { x, width: measure }, b.place, 'the lead');
      out.items.forEach((item, k) => {
        const tag = tags[k];
        if (item.kind === 'text' && tag) item.tag = tag;
      });
      return out;
    },
  };
}

/** One KPI cell set: the value's lines (fitted to the cell), its size, the label's lines. */
interface KpiCell {
  value: SetLine[];
  size: number;
  label: SetLine[];
  place: Place | undefined;
}

/**
 * The KPI strip: one cell a figure, the value over its label, centred, between rules. A value too wide for its
 * cell is set smaller (to 60 % of its size); labels wrap.
 */
export function kpiSpan(b: Kpis, ctx: Ctx): SpanBlock {
  const t = ctx.theme;
  const W = ctx.geo.textWidth;
  const n = Math.max(1, b.items.length);
  const cell = W / n;
  const pad = 6;
  ctx.families.add(t.kpi.value.font).add(t.kpi.label.font);
  const cells = b.items.map((k) => kpiCell(k, ctx, cell - 2 * pad));
  // A list of the structure: one item a figure, its value and label the item's body.
  const list = ctx.structure.of(b, 'L', ctx.parent);
  const bodies = b.items.map((k) => ctx.structure.of(k, 'LBody', ctx.structure.of(k, 'LI', list)));
  const valueHeight = Math.max(...cells.map((c) => (c.value.length - 1) * 1.1 * c.size + c.size), 0);
  const labelPitch = 1.4 * t.kpi.label.size;
  const labelHeight = Math.max(...cells.map((c) => (c.label.length - 1) * labelPitch + t.kpi.label.size), 0);
  const height = pad + valueHeight + 5 + labelHeight + pad;
  const rule = (x1: number, y1: number, x2: number, y2: number, width: number, color: string) =>
    ({ kind: 'rule', x1, y1, x2, y2, width, color: resolveColor(t, color) }) as const;
  return {
    height: height + 1.5,
    spaceAfter: ctx.geo.pitch,
    ...(b.place ? { place: b.place } : {}),
    draw: (x, y) => {
      const out = emptyOut();
      out.items.push(rule(x, y + 0.75, x + W, y + 0.75, 1.5, 'accent'));
      const top = y + 1.5;
      cells.forEach((c, i) => {
        const cx = x + i * cell + pad;
        const frame = { x: x + i * cell, width: cell };
        const own = (c.value.length - 1) * 1.1 * c.size + c.size;
        addOut(
          out,
          tagOut(
            stackLines(
              c.value,
              cx,
              top + pad + valueHeight - own,
              c.size,
              1.1 * c.size,
              frame,
              c.place,
              'a KPI value',
            ),
            bodies[i],
          ),
        );
        addOut(
          out,
          tagOut(
            stackLines(
              c.label,
              cx,
              top + pad + valueHeight + 5,
              t.kpi.label.size,
              labelPitch,
              frame,
              c.place,
              'a KPI label',
            ),
            bodies[i],
          ),
        );
        if (i > 0) out.items.push(rule(x + i * cell, top, x + i * cell, top + height, 0.5, 'muted'));
      });
      out.items.push(rule(x, top + height, x + W, top + height, 0.5, 'rule'));
      return out;
    },
  };
}

/** One KPI's value, set on one line and made smaller to fit `room` (to 60 %, then wrapped and warned), and label. */
function kpiCell(k: Kpis['items'][number], ctx: Ctx, room: number): KpiCell {
  const t = ctx.theme;
  const valueLines = (size: number, width: number) =>
    setLines(
      prepareText(
        ctx.fonts,
        fontRuns(k.value, { ...runStyle(t.kpi.value, ctx), size }, ctx, k.place),
        ctx.check,
      ),
      width < 1e6 ? { width, align: 'center' } : { width },
    );
  let size = t.kpi.value.size;
  let value = valueLines(size, 1e6);
  if ((value[0]?.width ?? 0) > room) {
    size = Math.max(0.6 * size, (size * room) / value[0]!.width);
    value = valueLines(size, 1e6);
    if ((value[0]?.width ?? 0) > room + 0.01) {
      layoutWarning(
        ctx,
        'layout:kpi-too-wide',
        `the figure "${k.value}" is too wide for its cell`,
        k.place,
        'shorten it, or show fewer figures in the strip',
      );
      value = valueLines(size, room);
    }
  }
  const label = setLines(
    prepareText(ctx.fonts, fontRuns(k.label, runStyle(t.kpi.label, ctx), ctx, k.place), ctx.check),
    { width: room, align: 'center' },
  );
  const centre = (l: SetLine): SetLine => ({
    ...l,
    runs: l.runs.map((r) => ({ ...r, x: r.x + (room - l.width) / 2 })),
    width: room,
  });
  return { value: value.map((l) => (l.width < room ? centre(l) : l)), size, label, place: k.place };
}
