import type { Place } from '../diagnostics/diagnostic.js';
import type { Figure } from '../document/types.js';
import type { RenderedChart } from '../charts/family.js';
import type { FlowFloat } from '../paginate/types.js';
import { figureSlot } from '../page/geometry.js';
import { faceOf } from '../fonts/fonts.js';
import type { Ctx } from './context.js';
import { addOut, emptyOut, gridLines, type Out } from './lines.js';
import type { SetLine } from './model.js';
import { tagOut } from './structure.js';
import { chartAlt } from '../charts/alt.js';
import { furnitureWords } from '../cjk/lang.js';
import { fontRuns, runStyle } from './runs.js';
import { phraseLines } from './phrase.js';

/** A figure for the page builder: its float (anchor, height, span) and how to draw it at a place. */
export interface ColumnFloat {
  float: FlowFloat;
  place?: Place;
  draw(x: number, y: number, width: number): Out;
}

/**
 * A numbered figure: its caption, the chart at its slot's size, its source line, each a whole number of body lines
 * so that the grid holds around it. It floats: the page builder sets it where it is referred to if it fits, else
 * at the top of a later column (or page, for `span="page"`) or the foot of its column.
 */
export function figureFloat(b: Figure, anchor: number, ctx: Ctx, columns: number): ColumnFloat | undefined {
  const t = ctx.theme;
  const chart = ctx.charts.get(b);
  const no = ++ctx.figureNo;
  if (!chart) return undefined;
  // A Figure of the structure where it stands in the markup, with the chart's words as its /Alt; its caption
  // and source line are its Caption.
  const figure = ctx.structure.of(b, 'Figure', ctx.parent);
  const words = furnitureWords(ctx.lang);
  figure.alt = chartAlt(chart.spec, no, words.figure);
  const captionTag = ctx.structure.of(b, 'Caption', figure);
  const slot = figureSlot(b, columns, t, ctx.geo);
  const unit = chart.spec.unit && chart.spec.unit !== '%' ? `（${words.unit}：${chart.spec.unit}）` : '';
  const text = (s: string, style: typeof t.caption): SetLine[] => {
    ctx.families.add(style.font);
    // A caption or source line that wraps breaks where a reader pauses (phrase.ts).
    return phraseLines(ctx.fonts, fontRuns(s, runStyle(style, ctx), ctx, b.place), {
      width: slot.width,
      check: ctx.check,
    });
  };
  const caption = text(`${words.figure}${no}\u3000${chart.spec.title}${unit}`, t.caption);
  const source = chart.spec.source ? text(`${words.source}：${chart.spec.source}`, t.source) : [];
  const chartSlots = Math.round(slot.height / ctx.geo.pitch);
  return {
    float: {
      anchor,
      height: caption.length + chartSlots + source.length,
      span: slot.spansPage ? 'page' : 'column',
      space: 1,
    },
    ...(b.place ? { place: b.place } : {}),
    draw: (x, y, width) => {
      const p = ctx.geo.pitch;
      const frame = { x, width };
      const out = tagOut(gridLines(caption, x, y, ctx, frame, b.place, 'a figure caption'), captionTag);
      const top = y + caption.length * p;
      out.items.push({
        kind: 'chart',
        x,
        y: top,
        width: slot.width,
        height: slot.height,
        chart,
        tag: figure,
      });
      out.boxes.push({
        x,
        y: top,
        width: slot.width,
        height: slot.height,
        frame,
        ...(b.place ? { place: b.place } : {}),
        what: 'a chart',
      });
      addOut(out, tagOut(chartWords(chart, ctx, x, top, slot.width, slot.height), figure));
      return addOut(
        out,
        tagOut(gridLines(source, x, top + chartSlots * p, ctx, frame, b.place, 'a source line'), captionTag),
      );
    },
  };
}

/**
 * The chart's words set as text over the drawing, where Chart.js placed them: the document's own subset font,
 * searchable and crisp at any zoom. The canvas was a whole number of points; the drawing is scaled to the slot.
 */
function chartWords(
  chart: RenderedChart,
  ctx: Ctx,
  x: number,
  y: number,
  width: number,
  height: number,
): Out {
  const out = emptyOut();
  if (!chart.texts?.length || chart.png) return out;
  const family = ctx.fonts.families.has(ctx.theme.chart.font) ? ctx.theme.chart.font : ctx.theme.body.font;
  ctx.families.add(family);
  const sx = width / Math.round(width);
  const sy = height / Math.round(height);
  for (const w of chart.texts) {
    const face = faceOf(ctx.fonts, family, w.bold);
    const advance = (face?.advance(w.text) ?? 0) * w.size;
    const left = w.align === 'center' ? w.x - advance / 2 : w.align === 'right' ? w.x - advance : w.x;
    const run = {
      text: w.text,
      x: 0,
      face: { family, bold: w.bold },
      size: w.size,
      color: w.color,
      features: [],
    };
    out.items.push({
      kind: 'text',
      x: x + left * sx,
      baseline: y + w.y * sy,
      line: { runs: [run], width: advance },
    });
  }
  return out;
}
