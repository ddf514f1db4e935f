import { FALLBACK_METRICS } from '../fonts/fonts.js';
import { furnitureWords } from '../cjk/lang.js';
import type { Ctx } from './context.js';
import type { Furniture, PageOut, SetLine } from './model.js';
import { fontRuns } from './runs.js';
import { prepareText, setLines } from './text.js';

/**
 * Adds the page furniture to every page, in the margins: from page 2 the running head (the report's name left, the
 * date right, a hairline under both) above the type area, and the folio in the theme's format, centred below it
 * (on the first page too unless the theme says `folio.first: false`).
 */
export function addFurniture(pages: PageOut[], f: Furniture, ctx: Ctx): void {
  const geo = ctx.geo;
  const [left, top, right, bottom] = geo.margins;
  const width = geo.pageWidth - left - right;
  const line = (
    text: string,
    style: { font: string; bold: boolean; size: number; color: string },
  ): SetLine | undefined => {
    if (!text) return undefined;
    ctx.families.add(style.font);
    const runs = fontRuns(text, { ...style, tracking: 0 }, ctx, undefined);
    return setLines(prepareText(ctx.fonts, runs), { width: 1e6 })[0];
  };
  const r = f.running;
  const runRight = line(f.runningRight, r);
  // The report's name gives way to the date: cut short with an ellipsis where both would not fit.
  const room = width - (runRight?.width ?? 0) - 2 * r.size;
  let runLeft = line(f.runningLeft, r);
  if (runLeft && runLeft.width > room) {
    const chars = [...f.runningLeft];
    let lo = 0;
    let hi = chars.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (line(`${chars.slice(0, mid).join('').trimEnd()}…`, r)!.width <= room) lo = mid;
      else hi = mid;
    }
    runLeft = line(`${chars.slice(0, lo).join('').trimEnd()}…`, r);
  }
  // The running head sits 2.6 of its sizes above the type area, its hairline just under it.
  const headTop = Math.max(top - r.size * 2.6, 8);
  const headBaseline = headTop + FALLBACK_METRICS.sans.ascender * r.size;
  const ruleY = headTop + 1.6 * r.size + 3.25;
  const folioStyle = f.folio;
  const folioTop = geo.pageHeight - bottom + Math.max(bottom / 2 - folioStyle.size, 4);
  const folioBaseline = folioTop + FALLBACK_METRICS.sans.ascender * folioStyle.size;
  pages.forEach((page, i) => {
    const furniture: PageOut['items'] = [];
    if (i > 0) {
      if (runRight)
        furniture.push({
          kind: 'text',
          x: left + width - runRight.width,
          baseline: headBaseline,
          line: runRight,
          furniture: true,
        });
      if (runLeft)
        furniture.push({ kind: 'text', x: left, baseline: headBaseline, line: runLeft, furniture: true });
      furniture.push({
        kind: 'rule',
        x1: left,
        y1: ruleY,
        x2: left + width,
        y2: ruleY,
        width: 0.5,
        color: r.rule,
        furniture: true,
      });
    }
    // The folio's words follow the document's script (页 in Simplified, 頁 in Traditional Chinese).
    const format = folioStyle.format.replaceAll('页', furnitureWords(ctx.lang).page);
    const folio =
      i > 0 || folioStyle.first
        ? line(
            format.replaceAll('{pages}', String(pages.length)).replaceAll('{page}', String(i + 1)),
            folioStyle,
          )
        : undefined;
    if (folio)
      furniture.push({
        kind: 'text',
        x: left + (width - folio.width) / 2,
        baseline: folioBaseline,
        line: folio,
        furniture: true,
      });
    page.items.push(...furniture);
  });
}
