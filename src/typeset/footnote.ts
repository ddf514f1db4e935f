import type { Place } from '../diagnostics/diagnostic.js';
import { resolveColor } from '../theme/theme.js';
import type { Ctx } from './context.js';
import { emptyOut, gridLines, addOut, type Out } from './lines.js';
import type { SetLine, StructTag } from './model.js';
import { fontRuns, inlineRuns, runStyle, type FootnoteInline } from './runs.js';
import { tagOut } from './structure.js';
import { faceFor, prepareText, setLines, type StyledText } from './text.js';

/** The reference mark's size and rise, in em of the text it stands in: a superscript as high as a Han glyph. */
const MARK_SIZE = 0.6;
const MARK_RISE = 0.33;

/**
 * The mark of the document's n-th footnote: the circled numbers of Chinese books and newspapers, ①…⑳, then
 * ㉑…㊿ (their Unicode forms, which Noto's CJK faces have), then (51), (52) ….
 */
export function noteMark(n: number): string {
  if (n >= 1 && n <= 20) return String.fromCodePoint(0x2460 + n - 1);
  if (n >= 21 && n <= 35) return String.fromCodePoint(0x3251 + n - 21);
  if (n >= 36 && n <= 50) return String.fromCodePoint(0x32b1 + n - 36);
  return `(${n})`;
}

interface SetNote {
  lines: SetLine[];
  tag: StructTag;
  place?: Place;
}

/**
 * The footnotes of one paragraph: `sink` gives the runs of each one's mark in the text (a superscript circled
 * number, numbered through the document); `set` sets each note's text for the column's foot and says which
 * line of the paragraph refers to which notes; `draw` draws one note there.
 */
export class Notes {
  private readonly found: { node: FootnoteInline; mark: string }[] = [];
  private readonly notes: SetNote[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly width: number,
    private readonly place: Place | undefined,
  ) {}

  get count(): number {
    return this.found.length;
  }

  readonly sink = (node: FootnoteInline, color: string): StyledText[] => {
    const ctx = this.ctx;
    const mark = noteMark(++ctx.noteNo);
    this.found.push({ node, mark });
    const size = ctx.theme.body.size;
    const style = { font: ctx.theme.body.font, bold: false, size: MARK_SIZE * size, color };
    return fontRuns(mark, style, ctx, node.place ?? this.place).map((r) => ({
      ...r,
      rise: MARK_RISE * size,
    }));
  };

  /**
   * Sets every note, and returns for each of the paragraph's `lines` the notes whose marks it holds (a mark is
   * the only raised run a line has).
   */
  set(lines: readonly SetLine[]): number[][] {
    const ctx = this.ctx;
    let k = 0;
    const perLine = lines.map((l) => l.runs.filter((r) => r.rise !== undefined).map(() => k++));
    for (const { node, mark } of this.found) {
      const s = ctx.theme.footnote;
      ctx.families.add(s.font);
      const place = node.place ?? this.place;
      const markRuns = fontRuns(mark, runStyle(s, ctx), ctx, place);
      const markWidth = markRuns.reduce(
        (a, r) => a + (faceFor(ctx.fonts, r.face)?.advance(r.text) ?? 1) * r.size,
        0,
      );
      // The mark hangs: the note's lines begin after it, one em of the note's size at least.
      const hang = Math.max(markWidth, s.size);
      const lines = setLines(prepareText(ctx.fonts, inlineRuns(node.children, s, ctx, place), ctx.check), {
        width: this.width - hang,
        justify: true,
        check: ctx.check,
      }).map((l) => ({ ...l, runs: l.runs.map((r) => ({ ...r, x: r.x + hang })), width: l.width + hang }));
      const first = lines[0] ?? { runs: [], width: hang };
      let x = 0;
      const marked: SetLine = {
        runs: [
          ...markRuns.map((r) => {
            const run = { text: r.text, x, face: r.face, size: r.size, color: r.color, features: [] };
            x += (faceFor(ctx.fonts, r.face)?.advance(r.text) ?? 1) * r.size;
            return run;
          }),
          ...first.runs,
        ],
        width: first.width,
        actual: `${mark}${first.actual ?? ''}`,
      };
      lines[0] = marked;
      const tag = ctx.structure.of(node, 'Note', ctx.parent);
      tag.id = `briefing-note-${tag.seq}`;
      this.notes.push({ lines, tag, ...(place ? { place } : {}) });
    }
    return perLine;
  }

  /** The slots note k takes at the column's foot: one per line, on the body's grid. */
  height(k: number): number {
    return this.notes[k]!.lines.length;
  }

  draw(k: number, x: number, y: number, width: number): Out {
    const note = this.notes[k]!;
    return tagOut(gridLines(note.lines, x, y, this.ctx, { x, width }, note.place, 'a footnote'), note.tag);
  }
}

/**
 * The footnotes of a column at its foot: a short rule (a quarter of the column) in the first slot, then each
 * note in reading order, every line on the grid.
 */
export function drawNotes(
  notes: readonly { height: number; draw: (x: number, y: number) => Out }[],
  x: number,
  y: number,
  width: number,
  ctx: Ctx,
): Out {
  const p = ctx.geo.pitch;
  const out = emptyOut();
  const ry = y + 0.6 * p;
  out.items.push({
    kind: 'rule',
    x1: x,
    y1: ry,
    x2: x + width / 4,
    y2: ry,
    width: 0.5,
    color: resolveColor(ctx.theme, 'rule'),
  });
  let at = y + p;
  for (const n of notes) {
    addOut(out, n.draw(x, at));
    at += n.height * p;
  }
  return out;
}
