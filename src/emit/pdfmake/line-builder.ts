import { layoutParagraph, prepare, type LaidLine, type Measurer, type Prepared } from '../../cjk/breaker.js';
import { splitOverlong } from '../../cjk/overlong.js';
import { tokenize, type StyledRun } from '../../cjk/tokens.js';
import type { BuildLimits } from '../../limits.js';
import type { CjkNodeOptions } from '../../typeset/context.js';
import { unshapedGlyph } from './glyphs.js';
import type {
  DocumentContext,
  LayoutBuilder,
  LineClass,
  PdfInline,
  PdfKitFont,
  PdfLine,
  PdfTextNode,
} from './internals.js';

/** A paragraph being set: its tokens, where the next line starts, and the lines planned at the current width. */
interface State {
  styles: PdfInline[];
  prepared: Prepared;
  indent: number;
  justify: boolean;
  pos: number;
  plan?: { width: number; from: number; lines: LaidLine[]; byStart: Map<number, number> };
  /** Keep with next has already pushed the node on once: it does not push again. */
  forced: boolean;
}

/** A text node as buildNextLine sees it, with the engine's options and state. */
export type CjkTextNode = PdfTextNode & CjkNodeOptions & { _cjkState?: State };

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
        const g = unshapedGlyph(pk, text, all);
        // Tracking is set by position, once after each token (a character, or a Western word kept solid),
        // never with the Tc operator: Tc would also open gaps inside Western words.
        w = g
          ? g.advanceWidth * pk.scale * (s.fontSize / 1000) + (s.characterSpacing ?? 0)
          : s.font.widthOfString(text, s.fontSize, all.length ? all : undefined) + (s.characterSpacing ?? 0);
        cache.set(key, w);
      }
      return w;
    },
    em: (style) => styles[style]!.fontSize,
  };
}

function explode(node: CjkTextNode, check: () => void): State {
  const inlines = node._inlines ?? [];
  const indent = inlines[0]?.leadingIndent ?? 0;
  const runs: StyledRun[] = inlines.map((inline, i) => ({ text: inline.text, style: i }));
  const tokens = tokenize(runs);
  // pdfmake marks the word before a newline with lineEnd: a hard break after that run's last token.
  const hard = new Set<number>();
  tokens.forEach((t, k) => {
    if (inlines[t.style]?.lineEnd && tokens[k + 1]?.style !== t.style) hard.add(k + 1);
  });
  return {
    styles: inlines,
    prepared: prepare(tokens, measurerFor(inlines), hard, check),
    indent,
    justify: inlines[0]?.alignment === 'justify',
    pos: 0,
    forced: false,
  };
}

function columnTop(ctx: DocumentContext): number | undefined {
  const last = ctx.snapshots.at(-1);
  if (last?.overflowed) return last.y;
  return ctx.getSnakingSnapshot()?.y;
}

const atColumnTop = (ctx: DocumentContext): boolean => {
  const top = columnTop(ctx);
  return top !== undefined && Math.abs(ctx.y - top) < 0.01;
};

/** The index of the planned line starting at `state.pos`, planning the rest of the paragraph at `width` if needed. */
function planLine(state: State, width: number, check: () => void): number {
  const opts = { width, indent: state.indent, justify: state.justify, check };
  if (!state.plan || state.plan.width !== width || !state.plan.byStart.has(state.pos)) {
    state.prepared = splitOverlong(state.prepared, state.pos, opts);
    const lines = layoutParagraph(state.prepared, state.pos, opts);
    state.plan = { width, from: state.pos, lines, byStart: new Map(lines.map((l, i) => [l.start, i])) };
  }
  return state.plan.byStart.get(state.pos)!;
}

/** A pdfmake Line holding one inline per token of a laid line, each at its final x. */
function makeLine(state: State, laid: LaidLine, Line: LineClass, width: number): PdfLine {
  const p = state.prepared;
  const line = new Line(width);
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
  return line;
}

/**
 * Keep with next (clreq: a head never ends a column): all of the node's lines and `keep` more points must fit, or
 * the head goes to the next column. pdfmake moves a line whose height exceeds the space left, so the line reports a
 * height just over it while the writer is still here.
 */
function keepWithNext(
  builder: LayoutBuilder,
  ctx: DocumentContext,
  line: PdfLine,
  state: State,
  lineIndex: number,
  keep: number,
  pitch: number | undefined,
): void {
  const restLines = state.plan!.lines.length - lineIndex;
  const needed = line.getHeight() + (restLines - 1) * (pitch ?? line.getHeight()) + keep;
  if (needed <= ctx.availableHeight + 0.01 || atColumnTop(ctx)) return;
  state.forced = true;
  const here = { page: ctx.page, x: ctx.x, y: ctx.y };
  const real = line.getHeight.bind(line);
  const avail = ctx.availableHeight;
  line.getHeight = () => {
    const c = builder.writer.context();
    return c.page === here.page && c.x === here.x && c.y === here.y ? avail + 1 : real();
  };
}

/**
 * The engine's LayoutBuilder.buildNextLine: on the first call for a node its inlines become tokens and the
 * paragraph is broken at the column width; each call returns the next line with every token's x set, or null at
 * the end. Checks the build's limits: pages as lines are placed, time inside the engine's loops.
 */
export function buildCjkLine(
  builder: LayoutBuilder,
  node: CjkTextNode,
  Line: LineClass,
  limits: BuildLimits | undefined,
): PdfLine | null {
  const check = () => limits?.checkTime();
  const state = (node._cjkState ??= explode(node, check));
  // pdfmake hands a line back (node._inlines.unshift(...line.inlines)) when it moves to the next column:
  // start again from that line's first token.
  const returned = node._inlines?.[0];
  if (returned && returned._cjkStart !== undefined) state.pos = returned._cjkStart;
  node._inlines = [];
  if (state.pos >= state.prepared.tokens.length) return null;

  const ctx = builder.writer.context();
  // A runaway document (a 100,000-line table, a template that loops) stops here, line by line.
  limits?.checkPages(ctx.page + 1);
  const width = ctx.availableWidth;
  const lineIndex = planLine(state, width, check);
  const laid = state.plan!.lines[lineIndex]!;
  const line = makeLine(state, laid, Line, width);

  const grid = node.cjkGrid;
  const isFirst = laid.start === 0;
  if (grid) {
    // Lines on the body grid: one pitch each, the baseline where a body line's would be, space above the
    // first line unless it starts a column.
    const before = isFirst && !atColumnTop(ctx) ? grid.before * grid.pitch : 0;
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
  if (keep && isFirst && !state.forced) keepWithNext(builder, ctx, line, state, lineIndex, keep, grid?.pitch);
  state.pos = laid.end;
  return line;
}
