import type { Content, ContentText, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { warning, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import {
  plainText,
  type Block,
  type DocumentTree,
  type Figure,
  type Inline,
  type TextBlock,
} from '../document/types.js';
import { FALLBACK_METRICS, faceOf, lineBox, type FontSet } from '../fonts/fonts.js';
import { resolveColor, type TextStyle, type Theme } from '../theme/theme.js';
import type { RenderedChart } from '../charts/render.js';
import {
  columnWidthOf,
  computeGeometry,
  figureSlot,
  type FigureSlot,
  type Geometry,
} from '../page/geometry.js';
import { lineHeightFor } from './style.js';
import { WESTERN_PART } from '../cjk/classes.js';

/** Page furniture drawn on every page by the emitter (pdfmake needs functions for it). */
export interface Furniture {
  runningLeft: string;
  runningRight: string;
  running: { font: string; bold: boolean; size: number; color: string; rule: string };
  folio: { font: string; bold: boolean; size: number; color: string };
  margins: Geometry['margins'];
  pageWidth: number;
}

/** The typeset document: a serialisable pdfmake definition plus the page furniture. */
export interface TypesetDocument {
  definition: TDocumentDefinitions;
  furniture: Furniture;
  geometry: Geometry;
}

/** Document metadata, from `<briefing>` attributes. */
export interface DocumentMeta {
  title: string;
  author?: string;
  subject?: string;
  keywords?: string;
  creationDate: Date;
  running?: string;
}

/**
 * A styled run. `noWrap` stops pdfmake's own word splitting (UAX #14) and per-word measuring of the run:
 * the CJK engine re-tokenises runs anyway, so that work was thrown away on every text node.
 */
type Run = { text: string; font: string; bold?: boolean; color?: string; noWrap: true };

interface Ctx {
  theme: Theme;
  fonts: FontSet;
  geo: Geometry;
  charts: ReadonlyMap<Figure, RenderedChart>;
  diagnostics: Diagnostic[];
  missing: Set<string>;
  figureNo: number;
}

/** Turns the document tree into a pdfmake definition: the house layout of a newspaper special report. */
export function typeset(
  tree: DocumentTree,
  theme: Theme,
  fonts: FontSet,
  charts: ReadonlyMap<Figure, RenderedChart>,
  meta: DocumentMeta,
): { doc?: TypesetDocument; diagnostics: Diagnostic[] } {
  const geo = computeGeometry(theme);
  if (!geo)
    return {
      diagnostics: [warning('theme:page-size', `unknown page size ${JSON.stringify(theme.page.size)}`)],
    };
  const ctx: Ctx = { theme, fonts, geo, charts, diagnostics: [], missing: new Set(), figureNo: 0 };
  const content = blocks(tree.children, ctx, { width: geo.textWidth, columns: undefined });
  const body = theme.body;
  const dateline = tree.children.find((b): b is TextBlock => b.type === 'dateline');
  const headline = tree.children.find((b): b is TextBlock => b.type === 'headline');
  const deck = tree.children.find((b): b is TextBlock => b.type === 'deck');
  const definition: TDocumentDefinitions = {
    pageSize: { width: geo.pageWidth, height: geo.pageHeight },
    pageMargins: geo.margins,
    language: tree.lang,
    info: {
      title: meta.title,
      ...(meta.author ? { author: meta.author } : {}),
      ...(meta.subject ? { subject: meta.subject } : {}),
      ...(meta.keywords ? { keywords: meta.keywords } : {}),
      creator: 'Briefing',
      producer: 'Briefing (pdfmake)',
      creationDate: meta.creationDate,
      modDate: meta.creationDate,
    },
    defaultStyle: {
      font: body.font,
      fontSize: body.size,
      lineHeight: lineHeightFor(fonts, body.font, false, body.size, geo.pitch),
      color: resolveColor(theme, body.color),
    },
    content,
  };
  const running = theme.running;
  return {
    doc: {
      definition,
      geometry: geo,
      furniture: {
        runningLeft:
          meta.running ??
          [headline, deck]
            .filter(Boolean)
            .map((b) => plainText(b!.children))
            .join(' · '),
        runningRight: dateline ? plainText(dateline.children) : '',
        running: {
          font: running.font,
          bold: running.bold,
          size: running.size,
          color: resolveColor(theme, running.color),
          rule: resolveColor(theme, 'rule'),
        },
        folio: {
          font: theme.folio.font,
          bold: theme.folio.bold,
          size: theme.folio.size,
          color: resolveColor(theme, theme.folio.color),
        },
        margins: geo.margins,
        pageWidth: geo.pageWidth,
      },
    },
    diagnostics: ctx.diagnostics,
  };
}

/**
 * Runs longer than this are cut into pieces: pdfmake shapes every run whole before the line engine sees it, so a
 * run of megabytes (a pasted blob with no break opportunity) would cost seconds and gigabytes out of reach of the
 * time limit. Pieces of this size are shaped one by one and the engine, which checks the limits, does the rest.
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

/**
 * Splits text into runs by font: each character goes to the style's family if it has the glyph, else to the
 * first fallback family that has it; a character no configured font has is reported once (never silent tofu).
 */
function fontRuns(
  text: string,
  style: { font: string; bold: boolean; color?: string },
  ctx: Ctx,
  place: Place | undefined,
): Run[] {
  const runs: Run[] = [];
  const order = [style.font, ...ctx.fonts.fallback.filter((f) => f !== style.font)];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let family = style.font;
    if (ch === '\u00b7') {
      // GB/T 15834's interpunct is a centred, full-width-class mark: take it from a family whose glyph is
      // the CJK form (Noto Sans SC's), not a proportional Latin middle dot (Noto Serif SC's).
      const face = (f: string) => faceOf(ctx.fonts, f, style.bold);
      if ((face(family)?.advance(ch) ?? 1) < 0.9) {
        const cjk = order.find((f) => (face(f)?.advance(ch) ?? 0) > 0.99);
        if (cjk) family = cjk;
      }
    } else if (!/\s/u.test(ch)) {
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
    if (last && last.font === family && !(last.text.length >= RUN_CHUNK && splitsCleanly(last.text, ch)))
      last.text += ch;
    else
      runs.push({
        text: ch,
        noWrap: true,
        font: family,
        ...(style.bold ? { bold: true } : {}),
        ...(style.color ? { color: resolveColor(ctx.theme, style.color) } : {}),
      });
  }
  return runs;
}

function inlineRuns(
  inlines: readonly Inline[],
  style: TextStyle,
  ctx: Ctx,
  place: Place | undefined,
  accent?: string,
): Run[] {
  const out: Run[] = [];
  const walk = (xs: readonly Inline[], bold: boolean, color: string | undefined) => {
    for (const x of xs) {
      if (x.type === 'text')
        out.push(...fontRuns(x.value, { font: style.font, bold, ...(color ? { color } : {}) }, ctx, place));
      else if (x.type === 'break') out.push({ text: '\n', font: style.font, noWrap: true });
      else if (x.type === 'strong') walk(x.children, true, color);
      else walk(x.children, bold, resolveColor(ctx.theme, accent ?? 'accent'));
    }
  };
  walk(inlines, style.bold, undefined);
  return out;
}

function styled(style: TextStyle, ctx: Ctx, linePitch?: number): Partial<ContentText> {
  return {
    font: style.font,
    fontSize: style.size,
    bold: style.bold,
    color: resolveColor(ctx.theme, style.color),
    ...(style.tracking ? { characterSpacing: style.tracking * style.size } : {}),
    ...(linePitch
      ? { lineHeight: lineHeightFor(ctx.fonts, style.font, style.bold, style.size, linePitch) }
      : {}),
  };
}

/**
 * Puts a text element of another size on the body's baseline grid (clreq T3): each line one pitch tall,
 * `gapLines` of space above, and the difference between its ascender and the body's moved from above the
 * element to below it, so its baselines and everything after it stay on the grid.
 */
function onGrid(style: TextStyle, ctx: Ctx, gapLines: number): Partial<ContentText> {
  const asc = (family: string, bold: boolean, size: number) =>
    (faceOf(ctx.fonts, family, bold) ?? FALLBACK_METRICS.serif).ascender * size;
  const body = ctx.theme.body;
  const delta = asc(style.font, style.bold, style.size) - asc(body.font, false, body.size);
  return {
    ...styled(style, ctx, ctx.geo.pitch),
    margin: [0, gapLines * ctx.geo.pitch - delta, 0, delta],
  };
}

/** Baseline offset of a body line from its top: pdfmake puts the baseline at the font's ascender. */
function bodyAscent(ctx: Ctx): number {
  return (
    (faceOf(ctx.fonts, ctx.theme.body.font, false) ?? FALLBACK_METRICS.serif).ascender * ctx.theme.body.size
  );
}

function rule(
  width: number,
  lineWidth: number,
  color: string,
  margin: [number, number, number, number] = [0, 0, 0, 0],
): Content {
  return {
    canvas: [
      { type: 'line', x1: 0, y1: lineWidth / 2, x2: width, y2: lineWidth / 2, lineWidth, lineColor: color },
    ],
    margin,
  };
}

/** Where a block is set: its measure's width and, inside `<columns>`, their count (undefined: the type area). */
interface Frame {
  width: number;
  columns: number | undefined;
}

function blocks(list: readonly Block[], ctx: Ctx, frame: Frame): Content[] {
  const out: Content[] = [];
  for (let i = 0; i < list.length; i++) {
    const b = list[i]!;
    if (b.type === 'headline') {
      // The masthead: the huge word on the left, deck and dateline stacked beside it.
      const beside: TextBlock[] = [];
      while (list[i + 1] && (list[i + 1]!.type === 'deck' || list[i + 1]!.type === 'dateline'))
        beside.push(list[++i] as TextBlock);
      out.push(masthead(b, beside, ctx, frame.width));
      continue;
    }
    out.push(...block(b, ctx, frame));
  }
  return out;
}

function masthead(headline: TextBlock, beside: TextBlock[], ctx: Ctx, width: number): Content {
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

function block(b: Block, ctx: Ctx, frame: Frame): Content[] {
  const width = frame.width;
  const t = ctx.theme;
  const geo = ctx.geo;
  const accent = resolveColor(t, 'accent');
  switch (b.type) {
    case 'kicker':
      return [
        rule(width, 2.5, accent),
        {
          text: inlineRuns(b.children, t.kicker, ctx, b.place),
          ...styled(t.kicker, ctx),
          margin: [0, 5, 0, 4],
        },
        rule(width, 0.5, resolveColor(t, 'rule'), [0, 0, 0, 6]),
      ];
    case 'headline':
    case 'deck':
    case 'dateline': {
      const s = b.type === 'headline' ? t.headline : b.type === 'deck' ? t.deck : t.dateline;
      return [{ text: inlineRuns(b.children, s, ctx, b.place), ...styled(s, ctx), margin: [0, 0, 0, 6] }];
    }
    case 'lead': {
      // The lead is set across the type area at its own size, in a measure of whole characters (clreq T1).
      const s = t.lead;
      const measure = Math.floor(width / s.size) * s.size;
      return [
        {
          columns: [
            {
              width: measure,
              stack: b.children.map((p) => ({
                cjk: true,
                text: inlineRuns(p.children, s, ctx, p.place),
                ...styled(s, ctx, s.size * 1.6),
                alignment: 'justify',
                ...(p.indent ? { leadingIndent: 2 * s.size } : {}),
              })),
            },
          ],
          margin: [0, 4, 0, 6],
        },
      ];
    }
    case 'byline':
      return [
        {
          text: inlineRuns(b.children, t.byline, ctx, b.place),
          ...styled(t.byline, ctx),
          margin: [0, 0, 0, 10],
        },
      ];
    case 'kpis': {
      const cells = b.items.map((k) => ({
        stack: [
          { text: fontRuns(k.value, t.kpi.value, ctx, k.place), ...styled(t.kpi.value, ctx), lineHeight: 1 },
          { text: fontRuns(k.label, t.kpi.label, ctx, k.place), ...styled(t.kpi.label, ctx) },
        ],
        alignment: 'center' as const,
      }));
      const n = Math.max(cells.length, 1);
      return [
        {
          table: { widths: Array.from({ length: n }, () => '*'), body: [cells] },
          layout: {
            hLineWidth: (i: number) => (i === 0 ? 1.5 : 0.5),
            hLineColor: (i: number) => (i === 0 ? accent : resolveColor(t, 'rule')),
            vLineWidth: (i: number) => (i === 0 || i === n ? 0 : 0.5),
            vLineColor: () => resolveColor(t, 'muted'),
            paddingTop: () => 6,
            paddingBottom: () => 6,
          },
          margin: [0, 0, 0, geo.pitch],
        },
      ];
    }
    case 'columns': {
      const count = b.count ?? geo.columns;
      const colWidth = columnWidthOf(geo, t.body.gutter, b.count);
      const inner = blocks(b.children, ctx, { width: colWidth, columns: count });
      return [
        {
          columns: Array.from({ length: count }, (_, i) =>
            i === 0 ? { width: colWidth, stack: inner } : { width: colWidth, text: '' },
          ),
          columnGap: geo.gutter,
          snakingColumns: count > 1,
        },
      ];
    }
    case 'section':
      return blocks(b.children, ctx, frame);
    case 'heading': {
      // A head takes whole lines of the body pitch (clreq T3): one line of space above, one line per line of text.
      const s = t.heading;
      const text = plainText(b.children);
      return [
        {
          // A head sits on the body grid with a line of space above it, and never ends a column: it moves on
          // unless its lines and the first two lines of what follows fit (clreq; src/emit/pdfmake/).
          text: inlineRuns(b.children, s, ctx, b.place, s.accent),
          ...styled(s, ctx, geo.pitch),
          cjk: true,
          cjkGrid: { pitch: geo.pitch, ascent: bodyAscent(ctx), before: 1 },
          cjkKeepWithNext: 2 * geo.pitch,
          outline: true,
          outlineText: text,
        } as Content,
      ];
    }
    case 'paragraph':
      return [
        {
          cjk: true,
          text: inlineRuns(
            b.children,
            {
              ...t.lead,
              font: t.body.font,
              size: t.body.size,
              bold: false,
              color: t.body.color,
              tracking: 0,
            },
            ctx,
            b.place,
          ),
          alignment: 'justify',
          ...(b.indent ? { leadingIndent: t.body.indent * t.body.size } : {}),
        } as Content,
      ];
    case 'pullquote': {
      // Rules and text fill whole body lines (clreq T3): the quote's baselines fall on the grid, two lines
      // of body per line of quote, and the block ends on the grid with at least a line of space around it.
      const s = t.pullquote;
      const lw = 1.5;
      const p = geo.pitch;
      const grid = onGrid(s, ctx, 0);
      const delta = (grid.margin as number[])[3]!;
      let top = p - lw - delta;
      while (top < p * 0.5) top += p;
      const bottomUsed = top + 2 * lw;
      const bottom = Math.ceil(bottomUsed / p + 0.5) * p - bottomUsed;
      return [
        {
          table: {
            widths: ['*'],
            body: [
              [
                {
                  text: inlineRuns(b.children, s, ctx, b.place),
                  ...styled(s, ctx, p * 2),
                  alignment: 'center',
                },
              ],
            ],
          },
          layout: {
            hLineWidth: () => lw,
            hLineColor: () => resolveColor(t, s.rule),
            vLineWidth: () => 0,
            paddingTop: () => 0,
            paddingBottom: () => 0,
            paddingLeft: () => 0,
            paddingRight: () => 0,
          },
          margin: [0, top, 0, bottom],
          unbreakable: true,
        },
      ];
    }
    case 'figure':
      return [figure(b, ctx, frame)];
    case 'table': {
      const s = t.caption;
      const rows = b.rows.map((row, ri) =>
        row.map((cell) => {
          const bold = cell.header || (b.header && ri === 0);
          return {
            text: inlineRuns(cell.children, { ...s, bold }, ctx, b.place),
            ...styled({ ...s, bold, color: 'text' }, ctx),
            ...(cell.align ? { alignment: cell.align } : {}),
          };
        }),
      );
      const cols = Math.max(...rows.map((r) => r.length), 1);
      // Relative widths become points: the table's width less the cell padding of lightHorizontalLines
      // (8 pt between columns on each side), shared in proportion.
      const weights = b.widths && b.widths.length === cols ? b.widths : Array.from({ length: cols }, () => 1);
      const room = width - 16 * (cols - 1);
      const total = weights.reduce((a, w) => a + w, 0);
      return [
        {
          table: {
            headerRows: b.header ? 1 : 0,
            widths: weights.map((w) => (w / total) * room),
            body: rows.map((r) => [...r, ...Array.from({ length: cols - r.length }, () => '')]),
          },
          layout: 'lightHorizontalLines',
          margin: [0, geo.pitch / 2, 0, geo.pitch / 2],
        },
      ];
    }
    case 'pagebreak':
      return [{ text: '', pageBreak: 'after' }];
  }
}

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

function figure(b: Figure, ctx: Ctx, frame: Frame): Content {
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
