import { createRequire } from 'node:module';
import {
  layoutParagraph,
  prepare,
  splitOverlong,
  type LaidLine,
  type Measurer,
  type Prepared,
} from './breaker.js';
import { tokenize, type StyledRun } from './tokens.js';
import type { BuildLimits } from '../limits.js';

/**
 * The pdfmake version whose internals this adapter was written against. pdfmake's CommonJS build exposes
 * `LayoutBuilder.prototype.buildNextLine` and `Line`; `installCjkLayout` refuses any other version, and a
 * test pins the two together, so an upgrade fails loudly instead of setting text wrongly.
 */
export const PDFMAKE_VERSION = '0.3.11';

/** Grid settings for lines that are not body text (heads): every line one pitch, baselines on the body grid. */
export interface CjkGrid {
  pitch: number;
  /** Baseline offset of a body line from its top. */
  ascent: number;
  /** Pitches of space above the first line (dropped at the top of a column). */
  before: number;
}

/** What a text node marked for the CJK engine may carry (pdfmake passes unknown keys through). */
export interface CjkNodeOptions {
  /** Every text node is set by the engine; `false` hands a node back to pdfmake's own line builder. */
  cjk: boolean;
  /** Put the lines on the body's baseline grid (heads). */
  cjkGrid?: CjkGrid;
  /** Height (pt) that must fit below the node in the same column, or it moves on (keep with next). */
  cjkKeepWithNext?: number;
}

interface PdfInline {
  text: string;
  width: number;
  x: number;
  height: number;
  font: { widthOfString(text: string, size: number, features?: readonly string[]): number; ascender: number };
  fontSize: number;
  fontFeatures: readonly string[] | null;
  alignment?: string;
  leadingCut?: number;
  trailingCut?: number;
  leadingIndent?: number;
  lineEnd?: boolean;
  characterSpacing?: number;
  _cjkStart?: number;
  [key: string]: unknown;
}

interface PdfLine {
  maxWidth: number;
  inlines: PdfInline[];
  inlineWidths: number;
  leadingCut: number;
  trailingCut: number;
  lastLineInParagraph: boolean;
  _outline?: unknown;
  /** Set by the engine: the line is drawn by `renderCjkLine`. */
  _cjk?: boolean;
  /** The line's source text, written as the PDF's ActualText so that copy and paste give it back exactly. */
  _cjkActual?: string;
  _pageNodeRef?: unknown;
  id?: unknown;
  x?: number;
  getHeight(): number;
  getAscenderHeight(): number;
}

interface Snapshot {
  y: number;
  overflowed?: boolean;
  snakingColumns?: boolean;
}

interface Context {
  x: number;
  y: number;
  page: number;
  availableWidth: number;
  availableHeight: number;
  snapshots: Snapshot[];
  getSnakingSnapshot(): Snapshot | undefined;
}

interface Builder {
  writer: { context(): Context };
}

/** A fontkit glyph, as much as the fast path needs. */
interface FkGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}

interface PdfKitFont {
  id: string;
  ascender: number;
  scale: number;
  font: { glyphForCodePoint(cp: number): FkGlyph; hasGlyphForCodePoint(cp: number): boolean };
  subset: { includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
  ref(): unknown;
  encode(
    text: string,
    features?: readonly string[],
  ): [string[], { xAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }[]];
}

interface PdfKitDoc {
  page: { height: number; fonts: Record<string, unknown> };
  addContent(s: string): unknown;
  save(): unknown;
  restore(): unknown;
  transform(a: number, b: number, c: number, d: number, e: number, f: number): unknown;
  fillColor(color: unknown): unknown;
  opacity(o: number): unknown;
  resolveColor(color: unknown, fallback: string): unknown;
}

interface RendererThis {
  pdfDocument: PdfKitDoc & { outline: OutlineItem };
  outlineMap: Record<string, OutlineItem>;
}

interface OutlineItem {
  addItem(title: string, options: { expanded: boolean }): OutlineItem;
}

interface Outline {
  id?: string;
  parentId?: string;
  text: string;
  expanded: boolean;
}

interface State {
  styles: PdfInline[];
  prepared: Prepared;
  indent: number;
  justify: boolean;
  pos: number;
  plan?: { width: number; from: number; lines: LaidLine[]; byStart: Map<number, number> };
  forced: boolean;
}

interface TextNode extends Partial<CjkNodeOptions> {
  _inlines?: PdfInline[];
  _cjkState?: State;
  outline?: boolean;
  outlineText?: string;
  outlineExpanded?: boolean;
  outlineParentId?: string;
  id?: string;
  text?: unknown;
}

const require = createRequire(import.meta.url);
let installed = false;
let enabled = true;

/**
 * The limits of the document being laid out and drawn. pdfmake is one per process and lays out synchronously, so
 * the emitter sets them around each document (src/emit/pdf.ts runs one document at a time).
 */
let limits: BuildLimits | undefined;

/** Sets (or clears) the limits the layout and the drawing check: pages as they are added, time line by line. */
export function setActiveLimits(l: BuildLimits | undefined): void {
  limits = l;
}

const checkTime = () => limits?.checkTime();

/** Turns the engine off (plain pdfmake line breaking) or on again, e.g. to compare them in a benchmark. */
export function setCjkLayoutEnabled(on: boolean): void {
  enabled = on;
}

/** Number of lines set by the engine since the process started (for tests and `--verbose`). */
export const cjkStats = { paragraphs: 0, lines: 0 };

function measurerFor(styles: readonly PdfInline[]): Measurer {
  const cache = new Map<string, number>();
  return {
    width(text, style, features) {
      const key = `${style}\u0000${features.join(',')}\u0000${text}`;
      let w = cache.get(key);
      if (w === undefined) {
        const s = styles[style]!;
        const all = [...(s.fontFeatures ?? []), ...features];
        const pk = s.font as unknown as PdfKitFont;
        const cp = text.codePointAt(0)!;
        if (all.length === 0 && SIMPLE.test(text) && pk.font?.hasGlyphForCodePoint?.(cp)) {
          // An ideograph's advance is its hmtx width: no need to shape it (see encode below).
          w =
            pk.font.glyphForCodePoint(cp).advanceWidth * pk.scale * (s.fontSize / 1000) +
            (s.characterSpacing ?? 0);
          cache.set(key, w);
          return w;
        }
        // Tracking is set by position, once after each token (a character, or a Western word kept solid),
        // never with the Tc operator: Tc would also open gaps inside Western words.
        w = s.font.widthOfString(text, s.fontSize, all.length ? all : undefined) + (s.characterSpacing ?? 0);
        cache.set(key, w);
      }
      return w;
    },
    em: (style) => styles[style]!.fontSize,
  };
}

function explode(node: TextNode): State {
  const inlines = node._inlines ?? [];
  const indent = inlines[0]?.leadingIndent ?? 0;
  const runs: StyledRun[] = inlines.map((inline, i) => ({ text: inline.text, style: i }));
  const tokens = tokenize(runs);
  // pdfmake marks the word before a newline with lineEnd: a hard break after that run's last token.
  const hard = new Set<number>();
  tokens.forEach((t, k) => {
    if (inlines[t.style]?.lineEnd && tokens[k + 1]?.style !== t.style) hard.add(k + 1);
  });
  cjkStats.paragraphs++;
  return {
    styles: inlines,
    prepared: prepare(tokens, measurerFor(inlines), hard, checkTime),
    indent,
    justify: inlines[0]?.alignment === 'justify',
    pos: 0,
    forced: false,
  };
}

function columnTop(ctx: Context): number | undefined {
  const last = ctx.snapshots.at(-1);
  if (last?.overflowed) return last.y;
  return ctx.getSnakingSnapshot()?.y;
}

function buildCjkLine(this: Builder, node: TextNode, LineClass: new (w: number) => PdfLine): PdfLine | null {
  const state = (node._cjkState ??= explode(node));
  // pdfmake hands a line back (node._inlines.unshift(...line.inlines)) when it moves to the next column:
  // start again from that line's first token.
  const returned = node._inlines?.[0];
  if (returned && returned._cjkStart !== undefined) state.pos = returned._cjkStart;
  node._inlines = [];
  if (state.pos >= state.prepared.tokens.length) return null;

  const ctx = this.writer.context();
  // A runaway document (a 100,000-line table, a template that loops) stops here, line by line.
  limits?.checkPages(ctx.page + 1);
  const width = ctx.availableWidth;
  const opts = { width, indent: state.indent, justify: state.justify, check: checkTime };
  if (!state.plan || state.plan.width !== width || !state.plan.byStart.has(state.pos)) {
    state.prepared = splitOverlong(state.prepared, state.pos, opts);
    const lines = layoutParagraph(state.prepared, state.pos, opts);
    state.plan = { width, from: state.pos, lines, byStart: new Map(lines.map((l, i) => [l.start, i])) };
  }
  const p = state.prepared;
  const lineIndex = state.plan.byStart.get(state.pos)!;
  const laid = state.plan.lines[lineIndex]!;

  const line = new LineClass(width);
  const inlines: PdfInline[] = laid.tokens.map((t) => {
    const token = p.tokens[t.index]!;
    const style = state.styles[token.style]!;
    const features = [...(style.fontFeatures ?? []), ...t.features];
    return {
      ...style,
      text: token.text,
      x: t.x,
      width: t.advance,
      fontFeatures: features.length ? features : null,
      characterSpacing: 0,
      // Positions are final: pdfmake must neither justify nor cut these.
      alignment: style.alignment === 'justify' || style.alignment === undefined ? 'left' : style.alignment,
      leadingCut: 0,
      trailingCut: 0,
      leadingIndent: 0,
      lineEnd: false,
    };
  });
  if (inlines[0]) inlines[0]._cjkStart = laid.start;
  else {
    // A line of spaces only (cannot happen after trimming, but keep pdfmake's invariants).
    inlines.push({ ...state.styles[0]!, text: '', x: 0, width: 0, _cjkStart: laid.start });
  }
  line.inlines = inlines;
  line.inlineWidths = laid.width;
  line.leadingCut = 0;
  line.trailingCut = 0;
  line.lastLineInParagraph = laid.last;
  line._cjk = true;
  // Positioning (Han–Latin gaps, justification, tracking, marks drawn into a neighbour's blank half) makes text
  // extractors insert spaces or break lines; the line's ActualText restores its source text exactly.
  if (laid.tokens.length > 0)
    line._cjkActual = p.tokens
      .slice(laid.tokens[0]!.index, laid.tokens.at(-1)!.index + 1)
      .map((t) => t.text)
      .join('');
  cjkStats.lines++;

  const grid = node.cjkGrid;
  const isFirst = laid.start === 0;
  if (grid) {
    // Lines on the body grid: one pitch each, the baseline where a body line's would be, space above the
    // first line unless it starts a column.
    const top = columnTop(ctx);
    const atTop = top !== undefined && Math.abs(ctx.y - top) < 0.01;
    const before = isFirst && !atTop ? grid.before * grid.pitch : 0;
    line.getHeight = () => before + grid.pitch;
    line.getAscenderHeight = () => before + grid.ascent;
  }
  if (isFirst && node.outline) {
    // pdfmake sets the bookmark on the first line it builds only; a line rebuilt after a column break needs it too.
    line._outline = {
      id: node.id,
      parentId: node.outlineParentId,
      text: node.outlineText ?? node.text,
      expanded: node.outlineExpanded ?? false,
    };
  }
  const keep = node.cjkKeepWithNext;
  if (keep && isFirst && !state.forced) {
    // Keep with next (clreq: a head never ends a column): all of this node's lines and `keep` more points
    // must fit, or the head goes to the next column. pdfmake moves a line whose height exceeds the space
    // left, so report a height just over it while the writer is still here.
    const restLines = state.plan.lines.length - lineIndex;
    const needed = line.getHeight() + (restLines - 1) * (grid?.pitch ?? line.getHeight()) + keep;
    const top = columnTop(ctx);
    const atTop = top !== undefined && Math.abs(ctx.y - top) < 0.01;
    if (needed > ctx.availableHeight + 0.01 && !atTop) {
      state.forced = true;
      const here = { page: ctx.page, x: ctx.x, y: ctx.y };
      const real = line.getHeight.bind(line);
      const avail = ctx.availableHeight;
      line.getHeight = () => {
        const c = this.writer.context();
        return c.page === here.page && c.x === here.x && c.y === here.y ? avail + 1 : real();
      };
    }
  }
  state.pos = laid.end;
  return line;
}

const num = (v: number) => {
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
};

/** PDF text string as UTF-16BE hex with a byte-order mark (any Unicode text, no escaping needed). */
function pdfTextString(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `<${hex}>`;
}

/**
 * Glyphs and positions for a token. A single ideograph (or kana, or full-width form) with no features needs no
 * shaping — its glyph is the cmap's and its advance the hmtx one — so it skips fontkit's layout (GSUB/GPOS),
 * which is most of what a cold build spends on text. Everything else goes through pdfkit's encode.
 */
function encode(
  font: PdfKitFont,
  text: string,
  features: readonly string[] | null,
): ReturnType<PdfKitFont['encode']> {
  const cp = text.codePointAt(0)!;
  if (
    (!features || features.length === 0) &&
    text.length === (cp > 0xffff ? 2 : 1) &&
    SIMPLE.test(text) &&
    font.font.hasGlyphForCodePoint(cp)
  ) {
    const g = font.font.glyphForCodePoint(cp);
    const gid = font.subset.includeGlyph(g.id);
    font.widths[gid] ??= g.advanceWidth * font.scale;
    font.unicode[gid] ??= g.codePoints;
    const advance = g.advanceWidth * font.scale;
    return [
      [gid.toString(16).padStart(4, '0')],
      [{ xAdvance: advance, xOffset: 0, yOffset: 0, advanceWidth: advance }],
    ];
  }
  return font.encode(text, features ?? undefined);
}

/** Ideographs, kana and hangul syllables: one glyph each, no shaping in Noto CJK without features. */
const SIMPLE = /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{3134f}]$/u;

/** Lines that use only what `renderCjkLine` draws: no links, decorations, backgrounds or sub/superscripts. */
function canRenderDirectly(line: PdfLine): boolean {
  return (
    !line._pageNodeRef &&
    !line.id &&
    line.inlines.every(
      (i) =>
        !i.link &&
        !i.linkToPage &&
        !i.linkToDestination &&
        !i.decoration &&
        !i.background &&
        !i.sup &&
        !i.sub &&
        !i._pageNodeRef,
    )
  );
}

/**
 * Draws a line of the engine as one text object: each token at its computed x (one TJ per style run, the gaps
 * as TJ adjustments), inside a marked-content span whose ActualText is the source text when positioning opened
 * gaps. The span sits inside the same graphics state as the glyphs, so extractors (poppler's pdftotext)
 * place the ActualText where the glyphs are.
 */
function renderCjkLine(doc: PdfKitDoc, line: PdfLine, x: number, y: number): void {
  const lineHeight = line.getHeight();
  const ascenderHeight = line.getAscenderHeight();
  const descent = lineHeight - ascenderHeight;
  const lx = x;
  doc.save();
  doc.transform(1, 0, 0, -1, 0, doc.page.height);
  const actual = line._cjkActual;
  if (actual !== undefined) doc.addContent(`/Span <</ActualText ${pdfTextString(actual)}>> BDC`);
  let inText = false;
  let current = '';
  let color: unknown;
  let opacity: number | undefined;
  for (const inline of line.inlines) {
    if (inline.text === '') continue;
    const font = inline.font as unknown as PdfKitFont;
    const size = inline.fontSize;
    // pdfmake's Renderer: a run's top is shifted so that all runs share the line's baseline.
    const shiftToBaseline = lineHeight - (font.ascender / 1000) * size - descent;
    const top = y + shiftToBaseline;
    const baseline = doc.page.height - top - (font.ascender / 1000) * size;
    const c = doc.resolveColor(inline.color, 'black');
    const o = typeof inline.opacity === 'number' ? inline.opacity : 1;
    if (c !== color || o !== opacity) {
      // Colour and opacity are graphics state, set outside a text object.
      if (inText) doc.addContent('ET');
      doc.fillColor(c);
      doc.opacity(o);
      inText = false;
      current = '';
      color = c;
      opacity = o;
    }
    if (!inText) {
      doc.addContent('BT');
      inText = true;
    }
    if (doc.page.fonts[font.id] == null) doc.page.fonts[font.id] = font.ref();
    const tf = `/${font.id} ${num(size)} Tf`;
    if (tf !== current) {
      doc.addContent(tf);
      current = tf;
    }
    const [glyphs, positions] = encode(font, inline.text, inline.fontFeatures);
    doc.addContent(`1 0 0 1 ${num(lx + inline.x)} ${num(baseline)} Tm`);
    // One TJ: glyph hex strings, with numbers for GPOS placement (halt moves an opening mark left) and
    // for advances that differ from the glyph's width.
    const parts: string[] = [];
    let run = '';
    glyphs.forEach((g, i) => {
      const pos = positions[i]!;
      if (pos.xOffset) {
        if (run) parts.push(`<${run}>`);
        run = '';
        parts.push(num(-pos.xOffset));
      }
      run += g;
      const after = pos.xAdvance - pos.advanceWidth - pos.xOffset;
      if (Math.abs(after) > 1e-6) {
        parts.push(`<${run}>`, num(-after));
        run = '';
      }
    });
    if (run) parts.push(`<${run}>`);
    doc.addContent(`[${parts.join(' ')}] TJ`);
  }
  if (inText) doc.addContent('ET');
  if (actual !== undefined) doc.addContent('EMC');
  doc.restore();
}

/**
 * Installs the CJK paragraph engine into pdfmake: text nodes with `cjk: true` are broken and spaced by
 * `src/cjk/breaker.ts`; every other node goes to pdfmake's own line builder. Idempotent.
 */
export function installCjkLayout(): void {
  if (installed) return;
  const pkg = require('pdfmake/package.json') as { version: string };
  if (pkg.version !== PDFMAKE_VERSION)
    throw new Error(
      `Briefing's CJK layout is written against pdfmake ${PDFMAKE_VERSION}, found ${pkg.version}: check src/cjk/pdfmake.ts against the new LayoutBuilder.buildNextLine and Line, then update PDFMAKE_VERSION`,
    );
  const LayoutBuilder = (
    require('pdfmake/js/LayoutBuilder.js') as { default: { prototype: Record<string, unknown> } }
  ).default;
  const LineClass = (require('pdfmake/js/Line.js') as { default: new (w: number) => PdfLine }).default;
  const original = LayoutBuilder.prototype.buildNextLine as ((node: TextNode) => PdfLine | null) | undefined;
  if (typeof original !== 'function' || typeof LineClass !== 'function')
    throw new Error('pdfmake internals changed: LayoutBuilder.prototype.buildNextLine or Line is missing');
  const Renderer = (require('pdfmake/js/Renderer.js') as { default: { prototype: Record<string, unknown> } })
    .default;
  const renderLine = Renderer.prototype.renderLine as
    ((this: RendererThis, line: PdfLine, x: number, y: number) => void) | undefined;
  if (typeof renderLine !== 'function')
    throw new Error('pdfmake internals changed: Renderer.prototype.renderLine is missing');
  Renderer.prototype.renderLine = function (this: RendererThis, line: PdfLine, x: number, y: number) {
    // Drawing a long document takes time too: the limit holds here as in the layout.
    limits?.checkTime();
    if (!line._cjk || !canRenderDirectly(line)) return renderLine.call(this, line, x, y);
    const o = line._outline as Outline | undefined;
    if (o) {
      // As pdfmake's own renderLine does: the bookmark, under its parent when it names one.
      const parent = (o.parentId && this.outlineMap[o.parentId]) || this.pdfDocument.outline;
      const item = parent.addItem(o.text, { expanded: o.expanded });
      if (o.id) this.outlineMap[o.id] = item;
    }
    renderCjkLine(this.pdfDocument, line, x, y);
  };
  // Every page pdfmake adds, whatever made it (text, a table, a page break), counts against the page limit.
  const DocumentContext = (
    require('pdfmake/js/DocumentContext.js') as { default: { prototype: Record<string, unknown> } }
  ).default;
  const addPage = DocumentContext.prototype.addPage as
    ((this: { pages: unknown[] }, ...args: unknown[]) => unknown) | undefined;
  if (typeof addPage !== 'function')
    throw new Error('pdfmake internals changed: DocumentContext.prototype.addPage is missing');
  DocumentContext.prototype.addPage = function (this: { pages: unknown[] }, ...args: unknown[]) {
    const page = addPage.apply(this, args);
    limits?.checkPages(this.pages.length);
    return page;
  };
  LayoutBuilder.prototype.buildNextLine = function (this: Builder, node: TextNode) {
    // Every text node goes through the engine (Briefing sets Chinese throughout) unless it says cjk: false;
    // a node with no text left to tokenise (an empty string) keeps pdfmake's own behaviour.
    if (!enabled || node.cjk === false) return original.call(this, node);
    if (!node._cjkState && !(node._inlines ?? []).some((i) => i.text !== ''))
      return original.call(this, node);
    return buildCjkLine.call(this, node, LineClass);
  };
  installed = true;
}
