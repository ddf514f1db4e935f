import { describe, expect, it } from 'vitest';
import { DEFAULT_FONTS_CONFIG } from '../src/build/paths.js';
import { loadFontSet } from '../src/fonts/fonts.js';
import type { SetLine } from '../src/typeset/model.js';
import { phraseLines } from '../src/typeset/phrase.js';
import { prepareText, setLines, textCounts, type StyledText } from '../src/typeset/text.js';

// Display text (heads, captions, decks, pull quotes) that wraps is broken where a reader pauses. The measures
// below are those where the engine alone breaks inside a word; the texts are the sample's, set 10.5 pt bold sans.

const fonts = loadFontSet(DEFAULT_FONTS_CONFIG).fonts!;
const SIZE = 10.5;
const run = (text: string, color = '#000000'): StyledText => ({
  text,
  face: { family: 'sans', bold: true },
  size: SIZE,
  color,
});
const textOf = (lines: SetLine[]) => lines.map((l) => l.actual ?? l.runs.map((r) => r.text).join(''));
const engine = (runs: StyledText[], width: number) => textOf(setLines(prepareText(fonts, runs), { width }));
const phrased = (runs: StyledText[], width: number, align?: 'center') =>
  textOf(phraseLines(fonts, runs, { width, ...(align ? { align } : {}) }));

describe('phraseLines', () => {
  it('breaks a head after its colon, not inside a quoted term, in as many lines as the engine', () => {
    const head = [run('措施③', '#c00000'), run('：落实“六稳”“六保”')];
    const width = 9 * SIZE;
    expect(engine(head, width)).toEqual(['措施③：落实“六', '稳”“六保”']);
    expect(phrased(head, width)).toEqual(['措施③：落实', '“六稳”“六保”']);
  });

  it('breaks between Chinese and a Latin word when no pause fits, not inside a word', () => {
    const caption = [run('图1\u3000前三季度GDP增速对比')];
    const width = 11 * SIZE;
    expect(engine(caption, width)).toEqual(['图1\u3000前三季度GDP增', '速对比']);
    expect(phrased(caption, width)).toEqual(['图1\u3000前三季度', 'GDP增速对比']);
  });

  it('breaks a long phrase where the engine did, and the rest at its pauses', () => {
    const caption = [run('图2\u3000省重点项目与省重大产业项目推进情况（单位：个）')];
    const width = 12 * SIZE;
    expect(engine(caption, width)).toEqual([
      '图2\u3000省重点项目与省重',
      '大产业项目推进情况（单',
      '位：个）',
    ]);
    expect(phrased(caption, width)).toEqual([
      '图2\u3000省重点项目与省重',
      '大产业项目推进情况',
      '（单位：个）',
    ]);
  });

  it('keeps the engine’s lines when they already break at pauses, and the text whole in any case', () => {
    const head = [run('措施⑤：项目为王 扩投资')];
    for (const width of [5, 7, 9, 11, 30].map((w) => w * SIZE)) {
      const p = phrased(head, width);
      expect(p.join(''), String(width)).toBe('措施⑤：项目为王 扩投资');
      if (engine(head, width).length === 1) expect(p).toHaveLength(1);
    }
    expect(phrased(head, 9 * SIZE)).toEqual(engine(head, 9 * SIZE));
  });

  it('keeps the engine’s lines where it hyphenated a word (its pieces set apart would lose the hyphen)', () => {
    const head = [run('数字化：Internationalization')];
    let hyphenated = 0;
    for (let w = 4; w <= 12; w++) {
      const lines = setLines(prepareText(fonts, head), { width: w * SIZE });
      if (!lines.some((l) => l.runs.at(-1)?.text === '-')) continue;
      hyphenated++;
      // What is drawn, hyphens included (the copy-paste text has none).
      const drawn = (ls: SetLine[]) => ls.map((l) => l.runs.map((r) => r.text).join(''));
      expect(drawn(phraseLines(fonts, head, { width: w * SIZE })), `${w} em`).toEqual(drawn(lines));
    }
    expect(hyphenated).toBeGreaterThan(0);
  });

  it('keeps a number with the measure word it counts', () => {
    // The engine breaks inside 累计; a break between 2025 and 年 would be no better.
    const head = [run('2025年累计完成（万元）')];
    for (let w = 4; w <= 8; w += 0.5)
      for (const line of phrased(head, w * SIZE)) expect(line, `${w} em`).not.toMatch(/^年/);
  });

  it('keeps a note’s reference mark with the text it follows', () => {
    const head = [run('营收同比增长'), { ...run('1'), size: 6, rise: 4 }, run('GDP超额完成全年目标')];
    let wrapped = 0;
    for (let w = 4; w <= 14; w++) {
      const lines = phraseLines(fonts, head, { width: w * SIZE });
      if (lines.length > 1) wrapped++;
      for (const line of lines.slice(1)) expect(line.runs[0]!.rise, `${w} em`).toBeUndefined();
    }
    expect(wrapped).toBeGreaterThan(5);
  });

  // Cases a review found (each failed before its fix).
  it('never breaks at a no-break space, inside a word at its apostrophe, or after an opening mark and a space', () => {
    const cases: [string, number[]][] = [
      ['营收同比增长超额完成目标Windows\u00a010系统升级', [15, 16, 17, 18]],
      ['约合100\u202f000万元的项目全部完成投资计划', [6, 7, 8, 9]],
      ['中国经济China’s GDP增长强劲稳中求进', [6, 12, 14, 16, 19]],
      ['营收同比增长“ GDP超额完成”全年目标', [12, 13, 14, 15, 16]],
    ];
    for (const [text, widths] of cases)
      for (const w of widths) {
        const p = phrased([run(text)], w * SIZE);
        const what = `${w} em: ${p.join(' / ')}`;
        expect(p.join(''), what).toBe(text);
        for (const line of p.slice(0, -1)) {
          expect(line, what).not.toMatch(/[\u00a0\u202f]$/);
          expect(line, what).not.toMatch(/China’$/);
          expect(line, what).not.toMatch(/[“‘（]\s*$/);
        }
      }
  });

  it('keeps a soft hyphen’s drawn hyphen', () => {
    const head = [run('数字化转型：Inter\u00adnational\u00adization与发展')];
    const drawn = (ls: SetLine[]) => ls.map((l) => l.runs.map((r) => r.text).join(''));
    for (let w = 5; w <= 10; w++) {
      const lines = setLines(prepareText(fonts, head), { width: w * SIZE });
      expect(drawn(phraseLines(fonts, head, { width: w * SIZE })), `${w} em`).toEqual(drawn(lines));
    }
  });

  it('breaks between Latin and a Chinese character outside the Basic Multilingual Plane as before any other', () => {
    expect(phrased([run('营收同比增长GDP吉野家吉野家吉野家')], 10 * SIZE)[0]).toBe('营收同比增长GDP');
    expect(phrased([run('营收同比增长GDP𠮷野家𠮷野家𠮷野家')], 10 * SIZE)[0]).toBe('营收同比增长GDP');
  });

  it('tries its parts without keeping them: the kept texts gain only the whole', () => {
    const head = [
      run('同心协力，聚能向正，稳中求进，久久为功，奋力谱写，高质量发展，新时代衡阳，崭新篇章，再创佳绩'),
    ];
    const before = textCounts.prepared;
    const lines = phraseLines(fonts, head, { width: 12 * SIZE });
    expect(lines.length).toBeGreaterThan(1);
    expect(textCounts.prepared - before).toBe(1);
  });

  it('balances a centred pull quote at its clause marks', () => {
    const quote = [run('同心协力，聚能向正；稳中求进，久久为功，奋力谱写高质量发展新篇章')];
    const width = 12 * SIZE;
    const e = engine(quote, width);
    const p = phrased(quote, width, 'center');
    expect(p).toHaveLength(e.length);
    expect(p.join('')).toBe(quote[0]!.text);
    // Every line but the last ends at a clause mark.
    for (const line of p.slice(0, -1)) expect(line, p.join(' / ')).toMatch(/[，；]$/);
  });

  it('never breaks where the line rules forbid, nor leaves a character alone, where the engine does not', () => {
    const starts = (lines: string[]) => lines.slice(1).some((l) => /^[，。、；：！？”’）—]/.test(l));
    const ends = (lines: string[]) => lines.slice(0, -1).some((l) => /[“‘（]$/.test(l));
    const alone = (lines: string[]) =>
      lines.some((l) => l.replace(/[，。、；：！？“”‘’（）—\s]/g, '').length < 2);
    let checked = 0;
    for (const text of [
      '营收增长8.1%，——超额完成目标',
      '他说：“稳中求进。”然后继续前进',
      '一二三四五六七八九十，甲乙',
    ]) {
      for (let w = 4; w <= 14; w++) {
        const [e, p] = [engine([run(text)], w * SIZE), phrased([run(text)], w * SIZE)];
        expect(p.join(''), text).toBe(text);
        expect(p.length).toBe(e.length);
        const what = `${w} em: ${p.join(' / ')} (engine: ${e.join(' / ')})`;
        if (!starts(e)) expect(starts(p), what).toBe(false);
        if (!ends(e)) expect(ends(p), what).toBe(false);
        if (!alone(e)) expect(alone(p), what).toBe(false);
        checked++;
      }
    }
    expect(checked).toBe(33);
  });
});
