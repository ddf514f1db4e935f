import type { Place } from '../diagnostics/diagnostic.js';
import type { Box, Drawn, SetLine } from './model.js';
import type { Ctx } from './context.js';

/** What drawing a block gives: the things drawn and their boxes (for the check that nothing leaves its place). */
export interface Out {
  items: Drawn[];
  boxes: Box[];
}

/** An empty Out, and a way to add one to another. */
export const emptyOut = (): Out => ({ items: [], boxes: [] });
export function addOut(to: Out, from: Out): Out {
  to.items.push(...from.items);
  to.boxes.push(...from.boxes);
  return to;
}

/** The em box of a line of text whose largest size is `size`: 0.88 em above the baseline, 0.12 below. */
export function emBox(
  x: number,
  baseline: number,
  line: SetLine,
): { y: number; height: number; width: number } {
  const size = Math.max(0, ...line.runs.map((r) => r.size));
  return { y: baseline - 0.88 * size, height: size, width: line.width };
}

/** Where in a body line (a slot of the grid) every baseline sits: the body's em box centred in the line (clreq). */
export function gridBaseline(ctx: Ctx): number {
  const { pitch, size } = ctx.geo;
  return (pitch - size) / 2 + 0.88 * size;
}

/**
 * Draws lines one slot of the grid each, the first in the slot whose top is `y`: every baseline where a body
 * line's would be, so that text of any size in the columns keeps to the page's grid.
 */
export function gridLines(
  lines: readonly SetLine[],
  x: number,
  y: number,
  ctx: Ctx,
  frame: Box['frame'],
  place: Place | undefined,
  what: string,
): Out {
  const out = emptyOut();
  const base = gridBaseline(ctx);
  lines.forEach((line, k) => {
    const baseline = y + k * ctx.geo.pitch + base;
    out.items.push({ kind: 'text', x, baseline, line });
    out.boxes.push({ x, ...emBox(x, baseline, line), frame, ...(place ? { place } : {}), what });
    underlineLinks(out, line, x, baseline);
  });
  return out;
}

/** A hairline under each link of a line, just below the em box (theme `link.underline`). */
function underlineLinks(out: Out, line: SetLine, x: number, baseline: number): void {
  const size = Math.max(0, ...line.runs.map((r) => r.size));
  const y = baseline + 0.14 * size;
  for (const l of line.links ?? []) {
    const color = l.target.underline;
    if (color)
      out.items.push({ kind: 'rule', x1: x + l.x, y1: y, x2: x + l.x + l.width, y2: y, width: 0.5, color });
  }
}

/**
 * Draws lines of display text at their own pitch, the first line's em box starting at `y`; returns where the last
 * line's em box ends.
 */
export function stackLines(
  lines: readonly SetLine[],
  x: number,
  y: number,
  size: number,
  pitch: number,
  frame: Box['frame'],
  place: Place | undefined,
  what: string,
): Out & { bottom: number } {
  const out = emptyOut();
  let bottom = y;
  lines.forEach((line, k) => {
    const baseline = y + 0.88 * size + k * pitch;
    out.items.push({ kind: 'text', x, baseline, line });
    out.boxes.push({ x, ...emBox(x, baseline, line), frame, ...(place ? { place } : {}), what });
    underlineLinks(out, line, x, baseline);
    bottom = baseline + 0.12 * size;
  });
  return { ...out, bottom };
}
