import { describe, expect, it } from 'vitest';
import { loadFontSet } from '../src/fonts/fonts.js';
import { DEFAULT_FONTS_CONFIG } from '../src/build/paths.js';
import { prepareText, setLines, setVariants, startTextBuild, type StyledText } from '../src/typeset/text.js';

const fonts = () => loadFontSet(DEFAULT_FONTS_CONFIG).fonts!;
const run = (text: string, color = '#1a1a1a'): StyledText => ({
  text,
  face: { family: 'serif', bold: false },
  size: 10.5,
  color,
});
const TEXT = '同一段文字在下一次构建中不再分词、测量和断行：2024年增长5.2%，“引号”照旧。'.repeat(4);

describe('paragraphs kept across builds', () => {
  it('prepares and sets the same runs once, even with a new font set of the same faces', () => {
    const a = prepareText(fonts(), [run(TEXT)]);
    const b = prepareText(fonts(), [run(TEXT)]);
    expect(b).toBe(a);
    const lines = setLines(a, { width: 200, indent: 21, justify: true });
    expect(setLines(b, { width: 200, indent: 21, justify: true })).toBe(lines);
    expect(setVariants(b, { width: 200, justify: true })).toBe(setVariants(a, { width: 200, justify: true }));
    // Kept lines cannot be changed by a later stage.
    expect(Object.isFrozen(lines[0]!.runs[0])).toBe(true);
    expect(() => {
      (lines[0]!.runs as unknown[]).push({});
    }).toThrow();
  });

  it('sets anew what differs: another colour, text, measure or indent', () => {
    const a = prepareText(fonts(), [run(TEXT)]);
    expect(prepareText(fonts(), [run(TEXT, '#b5121b')])).not.toBe(a);
    expect(prepareText(fonts(), [run(TEXT + '。')])).not.toBe(a);
    const wide = setLines(a, { width: 200, justify: true });
    const narrow = setLines(a, { width: 150, justify: true });
    expect(narrow.length).toBeGreaterThan(wide.length);
    expect(setLines(a, { width: 200, indent: 21, justify: true })).not.toBe(wide);
    expect(narrow.every((l) => l.width <= 150 + 0.01)).toBe(true);
  });

  it('keeps a document of more than 512 texts whole for its next build, and the least recently used go first', () => {
    const f = fonts();
    const texts = (n: number, tag: string) => Array.from({ length: n }, (_, i) => [run(`${tag}第${i}段。`)]);
    const build = (doc: StyledText[][]) => {
      startTextBuild();
      return doc.map((runs) => prepareText(f, runs));
    };
    // 700 paragraphs, twice: the second build takes every one as kept.
    const long = texts(700, 'long');
    const first = build(long);
    expect(build(long).every((t, i) => t === first[i])).toBe(true);
    // Then short documents of 100 texts each: what is kept shrinks back to 512, the long one's oldest going first.
    for (let k = 0; k < 6; k++) build(texts(100, `short${k}`));
    const again = build(long.slice(-200));
    expect(again.every((t, i) => t !== first[500 + i])).toBe(true);
    // A text used again is the most recent, whatever its age: it outlives texts kept after it.
    startTextBuild();
    const kept = prepareText(f, [run('常用的标题')]);
    for (let k = 0; k < 4; k++) {
      build(texts(150, `other${k}`));
      expect(prepareText(f, [run('常用的标题')])).toBe(kept);
    }
  });
});
