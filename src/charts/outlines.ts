import { fontBuffer, sharedFont } from '../fonts/shared.js';
import { readOutlines } from '../fonts/sparse.js';

/** A piece of a glyph outline, in em with y up: move, line, quadratic and cubic curve, close. */
export type OutlineSegment =
  | ['M' | 'L', number, number]
  | ['Q', number, number, number, number]
  | ['C', number, number, number, number, number, number]
  | ['Z'];

/** A text shaped and drawn as outlines: its segments from the origin on the baseline, and its advance (em). */
export interface Outline {
  segments: OutlineSegment[];
  advance: number;
}

interface PathCommand {
  command: string;
  args: number[];
}

interface OutlineFont {
  unitsPerEm: number;
  layout(text: string): {
    glyphs: { id: number }[];
    positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[];
  };
  getGlyph(id: number): { path: { commands: PathCommand[] } };
}

const kept = new Map<string, Outline>();
const KEPT = 2000;

/**
 * The outlines of a text in a font file, shaped as the PDF shapes it (the same parsed font, face records included):
 * for chart words drawn rather than set as text (rotated labels, a value axis's numbers). A face read without its
 * outlines (fonts/sparse.ts) has the glyphs' outlines read in first.
 */
export function glyphOutlines(file: string, text: string): Outline {
  const key = `${file}\0${text}`;
  const hit = kept.get(key);
  if (hit) return hit;
  const font = sharedFont(file) as unknown as OutlineFont;
  const run = font.layout(text);
  readOutlines(
    fontBuffer(file),
    run.glyphs.map((g) => g.id),
  );
  const em = 1 / font.unitsPerEm;
  const segments: OutlineSegment[] = [];
  let pen = 0;
  run.glyphs.forEach((g, i) => {
    const p = run.positions[i]!;
    const dx = pen + p.xOffset;
    const dy = p.yOffset;
    const x = (v: number) => (v + dx) * em;
    const y = (v: number) => (v + dy) * em;
    for (const { command, args: a } of font.getGlyph(g.id).path.commands) {
      if (command === 'moveTo' || command === 'lineTo')
        segments.push([command === 'moveTo' ? 'M' : 'L', x(a[0]!), y(a[1]!)]);
      else if (command === 'quadraticCurveTo') segments.push(['Q', x(a[0]!), y(a[1]!), x(a[2]!), y(a[3]!)]);
      else if (command === 'bezierCurveTo')
        segments.push(['C', x(a[0]!), y(a[1]!), x(a[2]!), y(a[3]!), x(a[4]!), y(a[5]!)]);
      else if (command === 'closePath') segments.push(['Z']);
    }
    pen += p.xAdvance;
  });
  const outline = { segments, advance: pen * em };
  if (kept.size >= KEPT) kept.delete(kept.keys().next().value!);
  kept.set(key, outline);
  return outline;
}
