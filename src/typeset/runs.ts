import { warning, type Place } from '../diagnostics/diagnostic.js';
import type { Inline } from '../document/types.js';
import { faceOf, familyFor } from '../fonts/fonts.js';
import { resolveColor, type TextStyle } from '../theme/theme.js';
import { plainText } from '../document/types.js';
import type { LinkTarget } from './model.js';
import { WESTERN_PART } from '../cjk/classes.js';
import type { Ctx } from './context.js';
import type { StyledText } from './text.js';

/**
 * Runs longer than this are cut into pieces: a word is measured whole by shaping it, so a run of megabytes (a
 * pasted blob with no break opportunity) would be one shaping of seconds and gigabytes, out of reach of the time
 * limit. Pieces of this size are measured one by one, and the engine, which checks the limits, joins them again.
 */
const RUN_CHUNK = 1024;

/**
 * Whether a run may end before `next` without changing how the engine tokenises the text: not inside a
 * grapheme, a `——` or `……`, a run of spaces, a signed number, or a Western word except between two letters or
 * digits (the engine joins a word across runs). Past four chunks any boundary outside a grapheme will do: only
 * text with no other place for kilobytes gets there.
 */
function splitsCleanly(run: string, next: string): boolean {
  if (/\p{M}|\u200c|\u200d|[\ufe00-\ufe0f]/u.test(next)) return false;
  if (run.length >= 4 * RUN_CHUNK) return true;
  const prev = run.slice(run.codePointAt(run.length - 2)! > 0xffff ? -2 : -1);
  if ((prev === '—' || prev === '…') && next === prev) return false;
  if (/\s/u.test(prev) && /\s/u.test(next)) return false;
  if (/[+\-±$€£¥#@]/u.test(prev) && /\p{Nd}/u.test(next)) return false;
  if (WESTERN_PART.test(prev) && WESTERN_PART.test(next))
    return /[\p{L}\p{Nd}]/u.test(prev) && /[\p{L}\p{Nd}]/u.test(next);
  return true;
}

/** A text style resolved for setting: family, weight, size, colour (`#rrggbb`) and tracking in em. */
export interface RunStyle {
  font: string;
  bold: boolean;
  size: number;
  color: string;
  tracking?: number;
}

/**
 * Splits text into runs by font: each character goes to the style's family if it has the glyph, else to the
 * first fallback family that has it; a character no configured font has is reported once (never silent tofu).
 * In a language with families of its own (fonts.yaml `languages:`, e.g. Traditional Chinese), the style's
 * family and the fallback families are that language's, then the others.
 */
export function fontRuns(text: string, style: RunStyle, ctx: Ctx, place: Place | undefined): StyledText[] {
  const runs: StyledText[] = [];
  const own = familyFor(ctx.fonts, style.font, ctx.lang);
  const order = [
    ...new Set([
      own,
      ...ctx.fonts.fallback.map((f) => familyFor(ctx.fonts, f, ctx.lang)),
      ...ctx.fonts.fallback,
    ]),
  ];
  const tracking = (style.tracking ?? 0) * style.size;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let family = own;
    if (ch === '\u00b7') {
      // GB/T 15834's interpunct is a centred, full-width-class mark: take it from a family whose glyph is
      // the CJK form (Noto Sans SC's), not a proportional Latin middle dot (Noto Serif SC's).
      const face = (f: string) => faceOf(ctx.fonts, f, style.bold);
      if ((face(family)?.advance(ch) ?? 1) < 0.9) {
        const cjk = order.find((f) => (face(f)?.advance(ch) ?? 0) > 0.99);
        if (cjk) family = cjk;
      }
    } else if (!/[\s\u00ad\u200b\u2060]/u.test(ch)) {
      const found = order.find((f) => faceOf(ctx.fonts, f, style.bold)?.has(cp));
      if (found) family = found;
      else if (!ctx.missing.has(ch)) {
        ctx.missing.add(ch);
        const hex = cp.toString(16).toUpperCase().padStart(4, '0');
        ctx.diagnostics.push(
          warning('font:missing-glyph', `no configured font has "${ch}" (U+${hex})`, {
            ...(place ? { place } : {}),
            actual: ch,
            hint: 'add a font that covers it to fonts/fonts.yaml (families and fallback), or replace the character',
          }),
        );
      }
    }
    const last = runs.at(-1);
    if (
      last &&
      last.face.family === family &&
      !(last.text.length >= RUN_CHUNK && splitsCleanly(last.text, ch))
    )
      last.text += ch;
    else
      runs.push({
        text: ch,
        face: { family, bold: style.bold },
        size: style.size,
        color: style.color,
        ...(tracking ? { tracking } : {}),
        ...(ctx.lang ? { lang: ctx.lang } : {}),
      });
  }
  return runs;
}

/** A footnote of inline content. */
export type FootnoteInline = Extract<Inline, { type: 'footnote' }>;

/**
 * The runs of a block's inline content in `style`: bold for `<strong>`, the accent colour for `<em>`. A footnote
 * gives the runs `notes` makes of it (its reference mark); where a block takes none (the lead, across the page),
 * its text follows in parentheses, with a warning.
 */
export function inlineRuns(
  inlines: readonly Inline[],
  style: TextStyle,
  ctx: Ctx,
  place: Place | undefined,
  accent?: string,
  notes?: (note: FootnoteInline, color: string) => StyledText[],
): StyledText[] {
  const out: StyledText[] = [];
  const base = resolveColor(ctx.theme, style.color);
  const walk = (xs: readonly Inline[], bold: boolean, color: string, link?: LinkTarget) => {
    for (const x of xs) {
      const run = { font: style.font, bold, size: style.size, color, tracking: style.tracking };
      if (x.type === 'text')
        out.push(...fontRuns(x.value, run, ctx, place).map((r) => (link ? { ...r, link } : r)));
      else if (x.type === 'link') {
        const linkColor = resolveColor(ctx.theme, ctx.theme.link.color);
        walk(x.children, bold, linkColor, {
          href: x.href,
          text: plainText(x.children),
          ...(ctx.theme.link.underline ? { underline: linkColor } : {}),
        });
      } else if (x.type === 'break')
        out.push({
          text: '\n',
          face: { family: familyFor(ctx.fonts, style.font, ctx.lang), bold },
          size: style.size,
          color,
        });
      else if (x.type === 'strong') walk(x.children, true, color, link);
      else if (x.type === 'footnote') {
        if (notes) out.push(...notes(x, color));
        else {
          ctx.diagnostics.push(
            warning(
              'layout:footnote-place',
              'a footnote outside the columns is set in parentheses in the text',
              {
                ...(x.place ? { place: x.place } : place ? { place } : {}),
                hint: 'footnotes are set at the foot of a column: put the paragraph in <body>',
              },
            ),
          );
          walk(
            [{ type: 'text', value: '（' }, ...x.children, { type: 'text', value: '）' }],
            bold,
            color,
            link,
          );
        }
      } else walk(x.children, bold, link ? color : resolveColor(ctx.theme, accent ?? 'accent'), link);
    }
  };
  walk(inlines, style.bold, base);
  return out;
}

/** The style of a theme text style, its colour resolved. */
export function runStyle(style: TextStyle, ctx: Ctx): RunStyle {
  return {
    font: style.font,
    bold: style.bold,
    size: style.size,
    color: resolveColor(ctx.theme, style.color),
    tracking: style.tracking,
  };
}
