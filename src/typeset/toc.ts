import type { Place } from '../diagnostics/diagnostic.js';
import { plainText, type Block, type DocumentTree, type TextBlock, type Toc } from '../document/types.js';
import type { TextStyle } from '../theme/theme.js';
import { headingBlock, solid, type ColumnBlock } from './blocks.js';
import type { Ctx } from './context.js';
import { gridLines } from './lines.js';
import type { SetLine, SetRun } from './model.js';
import { fontRuns, inlineRuns, runStyle } from './runs.js';
import { tagOut } from './structure.js';
import { faceFor, prepareText, setLines } from './text.js';

/**
 * What a table of contents needs from the page builder, kept across the typesetting passes: its entries, the
 * pages the previous pass found them on (printed in this pass), and where they land in this one.
 */
export interface TocState {
  /** The headline (when a `<toc headline="yes">` asks for it) and every `<heading>`, in document order. */
  entries: readonly { node: TextBlock; level: 0 | 1 }[];
  /** The named destination of each entry's heading (what the entry links to). */
  dests: ReadonlyMap<object, string>;
  /** The page (0-based) each entry landed on in the previous pass; undefined in the first. */
  printed?: ReadonlyMap<object, number>;
  /** Pages the previous pass made (how many digits the numbers take). */
  pages: number;
  /** Filled while the pages are made up: the page each entry's heading lands on. */
  landed: Map<object, number>;
  /** The first `<toc>`'s template place, for a warning. */
  place?: Place;
}

/** The entries of the document's tables of contents, or undefined when it has none (one pass is enough). */
export function tocState(tree: DocumentTree): TocState | undefined {
  const tocs: Toc[] = [];
  const headings: TextBlock[] = [];
  let headline: TextBlock | undefined;
  const visit = (blocks: readonly Block[]) => {
    for (const b of blocks) {
      if (b.type === 'toc') tocs.push(b);
      else if (b.type === 'heading') headings.push(b);
      else if (b.type === 'headline') headline ??= b;
      else if (b.type === 'section' || b.type === 'columns') visit(b.children);
    }
  };
  visit(tree.children);
  if (tocs.length === 0) return undefined;
  const entries: TocState['entries'] = [
    ...(headline && tocs.some((t) => t.headline) ? [{ node: headline, level: 0 as const }] : []),
    ...headings.map((node) => ({ node, level: 1 as const })),
  ];
  return {
    entries,
    dests: new Map(entries.map((e, i) => [e.node, `briefing-toc-${i + 1}`])),
    pages: 1,
    landed: new Map(),
    ...(tocs[0]!.place ? { place: tocs[0]!.place } : {}),
  };
}

/**
 * A `<toc>` set in a column of `width`: its title (in the heading style, kept with the first entries), then one
 * block per entry: the heading's text, a leader of the body font's ellipsis dots (…, 1 em each, on whole ems
 * from the column's edge so that the dots of every entry line up) and the page number, right-aligned, in the
 * Arabic figures the folio counts in. An entry takes whole lines of the grid and is a link to its heading.
 */
export function tocBlocks(b: Toc, ctx: Ctx, width: number): ColumnBlock[] {
  const toc = ctx.toc;
  if (!toc) return [];
  const t = ctx.theme;
  const tocTag = ctx.structure.of(b, 'TOC', ctx.parent);
  const out: ColumnBlock[] = [];
  if (b.title) {
    const title: TextBlock = {
      type: 'heading',
      children: [{ type: 'text', value: b.title }],
      ...(b.place ? { place: b.place } : {}),
    };
    const block = headingBlock(title, ctx, width, false, ctx.structure.of(b, 'Caption', tocTag, 'title'));
    delete block.node;
    out.push(block);
  }
  const size = t.body.size;
  const entries = toc.entries.filter((e) => b.headline || e.level > 0);
  const indented = entries.some((e) => e.level === 0);
  // Room for the widest number the document can have, and a leader of at least two dots' ems.
  const digits = String(Math.max(toc.pages, 1)).length;
  const reserve = measure('0'.repeat(digits), style(ctx, false), ctx) + 2.5 * size;
  for (const e of entries) {
    const indent = indented && e.level > 0 ? size : 0;
    const s = style(ctx, e.level === 0);
    const text = plainText(e.node.children);
    const lines = setLines(
      prepareText(ctx.fonts, inlineRuns(e.node.children, s, ctx, b.place, t.heading.accent), ctx.check),
      { width: width - indent - reserve, check: ctx.check },
    ).map((l) => shifted(l, indent));
    const page = toc.printed?.get(e.node);
    const number = page === undefined ? '' : String(page + 1);
    if (lines.length === 0) lines.push({ runs: [], width: indent });
    lines[lines.length - 1] = withLeader(lines.at(-1)!, number, s, width, ctx);
    const item = ctx.structure.of(e.node, 'TOCI', tocTag, 'toc');
    const link = ctx.structure.of(e.node, 'Link', item, 'toc');
    const dest = toc.dests.get(e.node)!;
    out.push({
      item: solid(
        lines.map(() => 1),
        0,
        0,
      ),
      ...(b.place ? { place: b.place } : {}),
      draw: (_v, from, to, x, y, w) => {
        const drawn = tagOut(
          gridLines(lines.slice(from, to), x, y, ctx, { x, width: w }, b.place, 'a contents entry'),
          link,
        );
        drawn.items.push({
          kind: 'link',
          x,
          y,
          width,
          height: (to - from) * ctx.geo.pitch,
          dest,
          contents: number ? `${text} ${number}` : text,
          tag: link,
        });
        return drawn;
      },
    });
  }
  return out;
}

/** The entries' style: the body's face, size and colour (the headline's entry bold). */
function style(ctx: Ctx, bold: boolean): TextStyle {
  const body = ctx.theme.body;
  return { font: body.font, bold, size: body.size, color: body.color, tracking: 0 };
}

/** The width of a text in a style, each character in the family that has it. */
function measure(text: string, s: TextStyle, ctx: Ctx): number {
  return fontRuns(text, runStyle(s, ctx), ctx, undefined).reduce(
    (a, r) => a + (faceFor(ctx.fonts, r.face)?.advance(r.text) ?? [...r.text].length) * r.size,
    0,
  );
}

/** A line moved right by `dx`. */
function shifted(line: SetLine, dx: number): SetLine {
  if (dx === 0) return line;
  return { ...line, runs: line.runs.map((r) => ({ ...r, x: r.x + dx })), width: line.width + dx };
}

/** The entry's last line with its leader dots and its page number right-aligned at `width`. */
function withLeader(line: SetLine, number: string, s: TextStyle, width: number, ctx: Ctx): SetLine {
  const em = s.size;
  const plain = { ...s, bold: false };
  const runs: SetRun[] = [...line.runs];
  const put = (text: string, x: number) => {
    for (const r of fontRuns(text, runStyle(plain, ctx), ctx, undefined)) {
      runs.push({ text: r.text, x, face: r.face, size: r.size, color: r.color, features: [] });
      x += (faceFor(ctx.fonts, r.face)?.advance(r.text) ?? [...r.text].length) * r.size;
    }
  };
  const numberX = width - measure(number, plain, ctx);
  const first = Math.ceil((line.width + em / 2) / em - 1e-6);
  const last = Math.floor((numberX - em / 2) / em + 1e-6);
  const dots = '\u2026'.repeat(Math.max(0, last - first));
  if (dots) put(dots, first * em);
  if (number) put(number, numberX);
  return { runs, width, actual: `${line.actual ?? ''}${dots}${number}` };
}
