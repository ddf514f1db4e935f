import type { Content } from 'pdfmake/interfaces.js';
import type { Figure } from '../document/types.js';
import type { RenderedChart } from '../charts/render.js';
import { figureSlot, type FigureSlot } from '../page/geometry.js';
import type { Ctx, Frame } from './context.js';
import { fontRuns } from './runs.js';
import { onGrid } from './style.js';

/**
 * The chart drawing with its words set as text on top, where Chart.js placed them: the document's own subset
 * font, searchable and crisp at any zoom. Each word is a detached block (relativePosition), so it takes no room.
 */
function chartWithText(chart: RenderedChart, ctx: Ctx, slot: FigureSlot): Content {
  const { width, height } = slot;
  const drawing: Content = { svg: chart.svg, width, height };
  if (!chart.texts?.length) return drawing;
  const family = ctx.fonts.families.has(ctx.theme.chart.font) ? ctx.theme.chart.font : ctx.theme.body.font;
  const fam = ctx.fonts.families.get(family)!;
  // The canvas was a whole number of points; the drawing is scaled to the exact column width and height.
  const sx = width / Math.round(width);
  const sy = height / Math.round(height);
  const words = chart.texts.map((w): Content => {
    const face = w.bold ? fam.bold : fam.regular;
    const advance = face.advance(w.text) * w.size;
    const left = w.align === 'center' ? w.x - advance / 2 : w.align === 'right' ? w.x - advance : w.x;
    // pdfmake sets a line's baseline at the font's ascender below the line top.
    const top = w.y * sy - face.ascender * w.size;
    return {
      text: w.text,
      font: family,
      bold: w.bold,
      fontSize: w.size,
      color: w.color,
      lineHeight: 1,
      relativePosition: { x: left * sx, y: top - height },
    };
  });
  return { stack: [drawing, ...words] };
}

/** A numbered figure: caption, the chart at its slot's size, the source line; whole lines of the grid, kept together. */
export function figure(b: Figure, ctx: Ctx, frame: Frame): Content {
  const t = ctx.theme;
  const chart = ctx.charts.get(b);
  const no = ++ctx.figureNo;
  if (!chart) return { text: '' };
  const slot = figureSlot(b, frame.columns, t, ctx.geo);
  const unit = chart.spec.unit && chart.spec.unit !== '%' ? `（单位：${chart.spec.unit}）` : '';
  const caption = `图${no}\u3000${chart.spec.title}${unit}`;
  const parts: Content[] = [
    { text: fontRuns(caption, t.caption, ctx, b.place), ...onGrid(t.caption, ctx, 1) },
    chart.png
      ? {
          image: `data:image/png;base64,${chart.png.toString('base64')}`,
          width: slot.width,
          height: slot.height,
        }
      : chartWithText(chart, ctx, slot),
  ];
  if (chart.spec.source)
    parts.push({
      text: fontRuns(`数据来源：${chart.spec.source}`, t.source, ctx, b.place),
      ...onGrid(t.source, ctx, 0),
    });
  // A line of space after the figure keeps it apart from the text that follows, on the grid.
  return { stack: parts, unbreakable: true, margin: [0, 0, 0, ctx.geo.pitch] };
}
