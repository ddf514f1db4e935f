import fc from 'fast-check';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { paginate } from '../src/paginate/paginate.js';
import { noteArea, type Flow, type FlowItem, type Frame } from '../src/paginate/types.js';
import { buildReport } from '../src/pipeline/pipeline.js';
import { noteMark } from '../src/typeset/footnote.js';
import { failures, measurePages } from './support/page-measure.js';
import { pdftotext, structNodes, structText } from './support/pdf.js';
import { tempTree } from './support/tmp.js';
import { para as paragraph } from './support/flow.js';

const RUNS = Number(process.env.FC_RUNS ?? 100);

/** A paragraph of `n` lines (no longer variant) whose line k refers to notes of the heights `notes[k]`. */
const para = (n: number, notes: Record<number, number[]> = {}): FlowItem => ({
  ...paragraph(n, false),
  notes: Array.from({ length: n }, (_, k) => notes[k] ?? []),
});

/** Checks every footnote is set once, in the column of the line that refers to it, and every column fits. */
function verifyNotes(flow: Flow, frame: Frame): void {
  const layout = paginate(flow, frame);
  const where = new Map<string, string>();
  const refs: string[] = [];
  const used = new Map<string, { text: number; notesTop: number }>();
  for (const p of layout.placements) {
    const col = `${p.page}:${p.column}`;
    const u = used.get(col) ?? { text: 0, notesTop: frame.slots };
    if (p.what.kind === 'units')
      for (let unit = p.what.from; unit < p.what.to; unit++) {
        (flow.items[p.what.item]!.notes?.[unit] ?? []).forEach((_, note) =>
          where.set(`${(p.what as { item: number }).item}/${unit}/${note}`, col),
        );
        u.text = Math.max(u.text, p.slot + p.height);
      }
    if (p.what.kind === 'notes') {
      u.notesTop = p.slot;
      const slots = p.what.refs.reduce((a, r) => a + flow.items[r.item]!.notes![r.unit]![r.note]!, 0);
      expect(p.height).toBe(noteArea(slots));
      expect(p.slot + p.height, 'notes inside the column').toBeLessThanOrEqual(frame.slots);
      for (const r of p.what.refs) {
        refs.push(`${r.item}/${r.unit}/${r.note}`);
        expect(col, `note ${r.item}/${r.unit}/${r.note} in its line's column`).toBe(
          where.get(`${r.item}/${r.unit}/${r.note}`) ?? col,
        );
      }
    }
    used.set(col, u);
  }
  // Every note once, each in the column of its line (checked again once every line is placed).
  const all = flow.items.flatMap((it, item) =>
    (it.notes ?? []).flatMap((ns, unit) => ns.map((_, note) => `${item}/${unit}/${note}`)),
  );
  expect(refs.sort()).toEqual(all.sort());
  for (const p of layout.placements)
    if (p.what.kind === 'notes')
      for (const r of p.what.refs)
        expect(where.get(`${r.item}/${r.unit}/${r.note}`)).toBe(`${p.page}:${p.column}`);
  if (!layout.problems.some((p) => p.code === 'layout:too-tall' || p.code === 'layout:keep'))
    for (const [col, u] of used)
      expect(u.text, `text above the notes in ${col}`).toBeLessThanOrEqual(u.notesTop);
}

describe('the page builder sets footnotes at the foot of their column', () => {
  const frame = (columns: number, slots: number): Frame => ({
    columns,
    slots,
    startPage: 0,
    startSlot: 0,
    balance: true,
  });

  it('a note that does not fit below its line moves to the next column with it', () => {
    // 10 slots a column; the 8th line refers to a 3-line note: 8 + 1 (rule) + 3 > 10, so the line goes on.
    const flow: Flow = { items: [para(14, { 7: [3] })], floats: [] };
    const layout = paginate(flow, frame(2, 10));
    const notes = layout.placements.find((p) => p.what.kind === 'notes')!;
    const line = layout.placements.find((p) => p.what.kind === 'units' && p.what.from <= 7 && p.what.to > 7)!;
    expect([notes.page, notes.column]).toEqual([line.page, line.column]);
    expect(line.slot + 7 - (line.what as { from: number }).from).toBeLessThan(notes.slot);
    verifyNotes(flow, frame(2, 10));
  });

  it('keeps every note in its line’s column, inside the column, for any flow', () => {
    const item = fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.array(fc.tuple(fc.nat(11), fc.integer({ min: 1, max: 4 }))))
      .map(([n, ns]) => {
        const notes: Record<number, number[]> = {};
        for (const [k, h] of ns.slice(0, 3)) if (k < n) (notes[k] ??= []).push(h);
        return para(n, notes);
      });
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 12, max: 30 }),
        (items, columns, slots) => verifyNotes({ items, floats: [] }, frame(columns, slots)),
      ),
      { numRuns: RUNS },
    );
  });
});

describe('<footnote>: notes at the column foot', () => {
  it('numbers its marks ①…⑳, ㉑…㊿, then (51)', () => {
    expect([1, 2, 20, 21, 35, 36, 50, 51].map(noteMark)).toEqual([
      '①',
      '②',
      '⑳',
      '㉑',
      '㉟',
      '㊱',
      '㊿',
      '(51)',
    ]);
  });

  /** A pack of `n` sections in two columns, each paragraph with a note of a length that varies. */
  function notesPack(n: number): { dir: string; data: string } {
    const dir = tempTree({
      'pack/template.hbs': `<briefing date="2024-05-06"><headline>脚注试验</headline>
<lead><p>导语说明本期重点。<footnote>导语的注释放在括号里。</footnote></p></lead><body columns="2">
{{#each sections}}<section><heading>{{this.title}}</heading>{{#each this.paras}}<p>{{this.text}}{{#if this.note}}<footnote>{{this.note}}</footnote>{{/if}}{{this.after}}</p>{{/each}}</section>{{/each}}</body></briefing>`,
      'data.yaml': stringify({
        sections: Array.from({ length: n }, (_, i) => ({
          title: `第${i + 1}部分`,
          paras: Array.from({ length: 4 }, (_, k) => ({
            text: `第${i + 1}部分第${k + 1}段：营业收入同比增长3.5%，新签合同额增长12.4%，重点项目按期推进`.repeat(
              1 + ((i + k) % 3),
            ),
            ...(k % 2 === 0
              ? {
                  note: `注释${i}-${k}：数据为初步统计数，同比按可比口径计算。`.repeat(1 + ((i * 3 + k) % 4)),
                }
              : {}),
            after: '，各部门协同配合，经营质量稳步提升。',
          })),
        })),
      }),
    });
    return { dir: path.join(dir, 'pack'), data: path.join(dir, 'data.yaml') };
  }

  it('sets each note in the column and page of its mark, below the text, and the pages stay clean', async () => {
    const { dir, data } = notesPack(8);
    const r = await buildReport({ templateDir: dir, dataFile: data, write: false, cacheDir: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The lead's note is in parentheses, with a warning; the others are set at column feet.
    expect(r.diagnostics.map((d) => d.code)).toEqual(['layout:footnote-place']);
    const doc = await getDocument({ data: new Uint8Array(r.pdf!), isEvalSupported: false }).promise;
    const marks = new Map<string, { page: number; column: number; y: number }>();
    const notes = new Map<string, { page: number; column: number; y: number }>();
    const lowest = new Map<string, number>();
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const middle = page.view[2]! / 2;
      for (const it of (await page.getTextContent()).items) {
        if (!('str' in it) || !it.str) continue;
        const [a, b, , , x, y] = it.transform as number[];
        const size = Math.hypot(a!, b!);
        const column = x! < middle ? 0 : 1;
        const at = { page: i, column, y: y! };
        const mark = /^([\u2460-\u2473\u3251-\u325f\u32b1-\u32bf])/u.exec(it.str)?.[1];
        if (mark && size < 7) marks.set(mark, at);
        else if (mark && size >= 8.5 && size < 10) notes.set(mark, at);
        else if (size > 10 && size < 11) {
          // Body text: the lowest body line of each column.
          const k = `${i}:${column}`;
          lowest.set(k, Math.min(lowest.get(k) ?? Infinity, y!));
        }
      }
    }
    await doc.destroy();
    expect(marks.size).toBe(16);
    expect([...notes.keys()].sort()).toEqual([...marks.keys()].sort());
    for (const [mark, m] of marks) {
      const n = notes.get(mark)!;
      expect([n.page, n.column], `note ${mark}`).toEqual([m.page, m.column]);
      expect(n.y, `note ${mark} below the column's text`).toBeLessThan(lowest.get(`${m.page}:${m.column}`)!);
    }
    expect(new Set([...marks.values()].map((m) => `${m.page}:${m.column}`)).size).toBeGreaterThan(4);
    expect(failures((await measurePages(r.pdf!)).summary)).toEqual([]);
    // Copy and paste: the mark stays in the text, and each note reads after its mark.
    const text = await pdftotext(r.pdf!, '-raw');
    expect(text).toContain('推进①，各部门');
    expect(text).toMatch(/①注释0-0：数据为初步统计数/);
    expect(text).toContain('导语说明本期重点。（导语的注释放在括号里。）');
    // Each note is a Note of the structure tree.
    const tree = structNodes(await structText(r.pdf!));
    expect(tree.filter((n) => n.role === 'Note')).toHaveLength(16);
  });

  it('the monthly report sets a section\u2019s note (sections[].note) at the foot of its column', async () => {
    const root = path.resolve(import.meta.dirname, '..');
    const sample = parse(readFileSync(path.join(root, 'data/monthly-sample.yaml'), 'utf8')) as {
      sections: Record<string, unknown>[];
    };
    sample.sections[0]!.note = '营业收入按集团财务口径统计，含税。';
    sample.sections[2]!.note = '重点工作进展按月度计划节点考核。';
    const dir = tempTree({ 'x.csv': readFileSync(path.join(root, 'data/monthly-sample-departments.csv')) });
    const dataFile = path.join(dir, 'monthly.yaml');
    writeFileSync(dataFile, stringify({ ...sample, departments: { $csv: 'x.csv' } }));
    const r = await buildReport({
      templateDir: path.join(root, 'templates/monthly-report'),
      dataFile,
      write: false,
      cacheDir: false,
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const text = await pdftotext(r.pdf!, '-raw');
    expect(text).toContain('①营业收入按集团财务口径统计，含税。');
    expect(text).toContain('②重点工作进展按月度计划节点考核。');
    expect(failures((await measurePages(r.pdf!)).summary)).toEqual([]);
  });
});
