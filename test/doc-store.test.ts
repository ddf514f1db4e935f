import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDocStore, openDocStore } from '../src/build/doc-store.js';
import { DEFAULT_FONTS_CONFIG } from '../src/build/paths.js';
import { loadFontSet } from '../src/fonts/fonts.js';
import { forgetLayouts, layoutCounts } from '../src/paginate/kept.js';
import { paginate } from '../src/paginate/paginate.js';
import type { Flow, FlowLayout, Frame } from '../src/paginate/types.js';
import {
  forgetTexts,
  prepareText,
  setLines,
  setVariants,
  textCounts,
  type StyledText,
} from '../src/typeset/text.js';
import { para } from './support/flow.js';
import { tempTree } from './support/tmp.js';

const fonts = () => loadFontSet(DEFAULT_FONTS_CONFIG).fonts!;
const run = (text: string, extra: Partial<StyledText> = {}): StyledText => ({
  text,
  face: { family: 'serif', bold: false },
  size: 10.5,
  color: '#1a1a1a',
  ...extra,
});
const TEXTS = [
  '文档的上一次构建把每段文字的断行留在缓存里：下一次在新进程中构建，只重排改过的段落。',
  '2024年全市地区生产总值增长5.2%，“十四五”规划的主要指标进度符合预期，部分指标提前完成。',
  '标题',
];
const OPTS = { width: 180, indent: 21, justify: true };

/** One build of a "document" of these texts in a new process (the memory memos forgotten), with its store open. */
function build(cache: string, texts: readonly StyledText[][], doc = 'doc') {
  forgetTexts();
  forgetLayouts();
  const prepared = textCounts.prepared;
  openDocStore(cache, doc, 'test versions');
  const out = texts.map((runs) => {
    const t = prepareText(fonts(), runs);
    return { lines: setLines(t, OPTS), variants: setVariants(t, OPTS) };
  });
  const use = closeDocStore(true)!;
  return { out, use, prepared: textCounts.prepared - prepared };
}

afterEach(() => closeDocStore(false));

describe("a document's last build kept on disk (build/doc-store.ts)", () => {
  it('gives a new process the lines its last build set, equal to fresh ones, without preparing the text', () => {
    const cache = tempTree({});
    const doc = TEXTS.map((t) => [run(t)]);
    const first = build(cache, doc);
    expect(first.prepared).toBe(3);
    expect(first.use).toEqual({ taken: 0, added: 6, written: true });
    const second = build(cache, doc);
    expect(second.prepared).toBe(0);
    expect(second.use).toEqual({ taken: 6, added: 0, written: false });
    expect(second.out).toEqual(first.out);
    // Frozen as the kept lines of memory are.
    expect(Object.isFrozen(second.out[0]!.lines[0]!.runs[0])).toBe(true);
    // One text edited: only it is prepared again; the file then holds what this build used, no more.
    const edited = [doc[0]!, [run(TEXTS[1]!.replace('5.2%', '5.3%'))], doc[2]!];
    const third = build(cache, edited);
    expect(third.prepared).toBe(1);
    expect(third.use).toEqual({ taken: 4, added: 2, written: true });
    const [file] = readdirSync(path.join(cache, 'documents'));
    const kept = v8.deserialize(readFileSync(path.join(cache, 'documents', file!))) as Map<string, unknown>;
    expect(kept.size).toBe(6);
    expect([...kept.keys()].some((k) => k.includes('5.2%'))).toBe(false);
  });

  it('keeps each document apart, and nothing without a cache folder', () => {
    const cache = tempTree({});
    const doc = TEXTS.map((t) => [run(t)]);
    build(cache, doc, 'a');
    expect(build(cache, doc, 'b').prepared).toBe(3);
    expect(readdirSync(path.join(cache, 'documents'))).toHaveLength(2);
    forgetTexts();
    openDocStore(false, 'a', 'test versions');
    setLines(prepareText(fonts(), [run(TEXTS[0]!)]), OPTS);
    expect(closeDocStore(true)).toBeUndefined();
  });

  it('sets afresh what is another measure, another face or size, another version, or carries a link', () => {
    const cache = tempTree({});
    const doc = [[run(TEXTS[0]!)]];
    build(cache, doc);
    const again = (runs: StyledText[][], versions = 'test versions', opts = OPTS, set = fonts()) => {
      forgetTexts();
      const n = textCounts.prepared;
      openDocStore(cache, 'doc', versions);
      for (const r of runs) setLines(prepareText(set, r), opts);
      closeDocStore(false);
      return textCounts.prepared - n;
    };
    expect(again(doc)).toBe(0);
    expect(again(doc, 'other versions')).toBe(1);
    expect(again(doc, 'test versions', { ...OPTS, width: 170 })).toBe(1);
    expect(again([[run(TEXTS[0]!, { face: { family: 'sans', bold: false } })]])).toBe(1);
    expect(again([[run(TEXTS[0]!, { size: 11 })]])).toBe(1);
    // The same family name set in another face (a fonts file that maps `serif` to Noto Sans SC).
    const sans = 'npm:@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';
    const config = path.join(
      tempTree({
        'fonts.yaml': `families:\n  serif: { regular: ${sans}, bold: ${sans} }\nfallback: [serif]\n`,
      }),
      'fonts.yaml',
    );
    const other = loadFontSet(config);
    expect(other.diagnostics).toEqual([]);
    expect(again(doc, 'test versions', OPTS, other.fonts)).toBe(1);
    expect(again(doc)).toBe(0);
    // A link's target is an object of its build: never kept on disk.
    const linked = [[run(TEXTS[0]!, { link: { href: 'https://example.org', text: 'x' } })]];
    build(cache, linked);
    expect(again(linked)).toBe(1);
  });

  it('ignores a damaged file, and an entry that is not lines, and sets afresh', () => {
    const cache = tempTree({});
    const doc = TEXTS.map((t) => [run(t)]);
    const first = build(cache, doc);
    const [name] = readdirSync(path.join(cache, 'documents'));
    const file = path.join(cache, 'documents', name!);
    const kept = v8.deserialize(readFileSync(file)) as Map<string, unknown>;
    const key = [...kept.keys()].find((k) => k.endsWith(`lines|${OPTS.width}|21|true|`))!;
    kept.set(key, [{ runs: [{ text: 1 }], width: 'wide' }]);
    writeFileSync(file, v8.serialize(kept));
    const damaged = build(cache, doc);
    expect(damaged.prepared).toBe(1);
    expect(damaged.out).toEqual(first.out);
    // The file is mended: the next build takes all.
    expect(damaged.use).toEqual({ taken: 5, added: 1, written: true });
    expect(build(cache, doc)).toMatchObject({ prepared: 0, use: { taken: 6, added: 0, written: false } });
    writeFileSync(file, Buffer.from('not a serialized map'));
    const garbage = build(cache, doc);
    expect(garbage.prepared).toBe(3);
    expect(garbage.out).toEqual(first.out);
  });

  it('keeps the page layouts of its flows, and searches again for a flow that changed', () => {
    const cache = tempTree({});
    const frame: Frame = { columns: 2, slots: 30, startPage: 1, startSlot: 0, balance: true };
    const flow = (n: number): Flow => ({ items: [para(8), para(n), para(12), para(9)], floats: [] });
    const lay = (f: Flow) => {
      forgetLayouts();
      const before = layoutCounts().searched;
      openDocStore(cache, 'doc', 'test versions');
      const layout = paginate(f, frame);
      closeDocStore(true);
      return { layout, searched: layoutCounts().searched - before };
    };
    const first = lay(flow(10));
    expect(first.searched).toBe(1);
    const second = lay(flow(10));
    expect(second.searched).toBe(0);
    expect(second.layout).toEqual(first.layout);
    // A kept layout that does not fit its flow (an item it does not have, a problem of no known kind) is not taken.
    const [name] = readdirSync(path.join(cache, 'documents'));
    const file = path.join(cache, 'documents', name!);
    const good = readFileSync(file);
    for (const damage of [
      (l: FlowLayout) => (l.placements[0]!.what = { kind: 'units', item: 9, from: 0, to: 1 }),
      (l: FlowLayout) => l.problems.push({ code: 'layout:nothing' as 'layout:widow', page: 1, column: 0 }),
      (l: FlowLayout) => (l.endPage = 1.5),
    ]) {
      const kept = v8.deserialize(good) as Map<string, FlowLayout>;
      for (const layout of kept.values()) damage(layout);
      writeFileSync(file, v8.serialize(kept));
      const again = lay(flow(10));
      expect(again.searched).toBe(1);
      expect(again.layout).toEqual(first.layout);
    }
    expect(lay(flow(11)).searched).toBe(1);
  });
});
