import type { Content } from 'pdfmake/interfaces.js';
import { plainText, type TextBlock } from '../document/types.js';
import { FALLBACK_METRICS, faceOf, lineBox } from '../fonts/fonts.js';
import type { Ctx } from './context.js';
import { inlineRuns } from './runs.js';
import { styled } from './style.js';

/** The masthead: the headline's huge word on the left, the deck and dateline that follow it stacked beside it. */
export function masthead(headline: TextBlock, beside: TextBlock[], ctx: Ctx, width: number): Content {
  const t = ctx.theme;
  const hs = t.headline;
  // The headline word never wraps: its column is exactly as wide as the word.
  const face = faceOf(ctx.fonts, hs.font, hs.bold);
  const text = plainText(headline.children);
  // The engine adds ¼ em between Han and Western letters or digits (clreq): count those gaps too.
  const hanLatin = text.match(/\p{Script=Han}(?=[A-Za-z0-9])|[A-Za-z0-9](?=\p{Script=Han})/gu)?.length ?? 0;
  const wordWidth = Math.min(
    width * 0.75,
    (face ? face.advance(text) : [...text].length) * hs.size +
      hs.tracking * hs.size * [...text].length +
      hanLatin * 0.25 * hs.size,
  );
  // Han glyphs fill about 0.88 em above the baseline and 0.12 em below it, while Noto Sans SC's ascender is
  // 1.16 em: trim the empty band above the glyphs and keep the line box just below their feet.
  const metrics = face ?? FALLBACK_METRICS.sans;
  const asc = metrics.ascender;
  const box = lineBox(metrics);
  const head = {
    text: inlineRuns(headline.children, hs, ctx, headline.place),
    ...styled(hs, ctx),
    lineHeight: (asc + 0.14) / box,
    width: wordWidth + 1,
  } as Content;
  const side: Content[] = beside.map((b) => {
    const s = b.type === 'deck' ? t.deck : t.dateline;
    return {
      text: inlineRuns(b.children, s, ctx, b.place),
      ...styled(s, ctx),
      margin: [0, 0, 0, b.type === 'deck' ? 6 : 0],
    };
  });
  return {
    columns: [
      head,
      {
        width: '*',
        stack: side,
        margin: [ctx.geo.size * 1.5, hs.size * 0.42, 0, 0],
      },
    ],
    columnGap: 0,
    margin: [0, 4, 0, 10],
  };
}
