import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { familyFor, loadFontSet, type FontSet } from '../src/fonts/fonts.js';
import { DEFAULT_FONTS_CONFIG } from '../src/build/paths.js';
import { isTraditionalChinese, languageKeys, punctuationStyle } from '../src/cjk/lang.js';
import { tokenize } from '../src/cjk/tokens.js';
import { prepare } from '../src/cjk/prepare.js';
import { fontkitMeasurer } from '../src/cjk/measure.js';
import { resolveFontPath } from '../src/fonts/fonts.js';
import { buildReport } from '../src/pipeline/pipeline.js';
import { pdftotext, poppler, readGlyphs, type Glyph } from './support/pdf.js';
import { sweepPdf as sweep } from './support/sweep.js';
import { linesOf } from './support/line-measure.js';

// Traditional Chinese (zh-Hant, zh-TW, zh-HK): Noto Sans TC, stops centred in the em box (Taiwan's standard), so a
// line-end stop keeps its full width and adjacent marks lose only the quarter em that faces the other.
export const TC_PARAGRAPHS = [
  '北部市場是分公司的根基。今年我們新增客戶二百一十家，其中製造業與醫療業合計占四成；業務團隊走訪新竹、桃園、基隆等地，逐一了解客戶需求。有客戶說：「你們的回應速度，比過去快了一倍。」這句話，是對全體同仁最好的肯定。',
  '客戶關係的經營重在長期。我們建立了季度回訪制度，針對重點客戶提供專屬窗口，並把常見問題整理成『服務手冊』，讓新進同仁也能迅速上手。問題在哪裡？答案往往就在第一線！正如總經理所說：「穩，是為了走得更遠；進，是為了看得更高。」',
  '香港辦事處（灣仔）全年處理查詢逾三千宗，回覆時間由四十八小時縮短至二十四小時。同事們常說：「『快』與『準』，缺一不可。」新的一年，我們將持續改善流程、提升服務品質，並與各地夥伴攜手合作，迎接更多挑戰。',
];

const SIZE = 10.5;
const LEFT = 40;
const WIDTHS = Array.from({ length: 19 }, (_, i) => 12 + i);
const CLOSING = new Set('」』）》〉”’。，、：；！？'.split(''));
const OPENING = new Set('「『（《〈“‘'.split(''));
const STOPS = new Set('。，、：；！'.split(''));

let fonts: FontSet;

/** Every paragraph at every width, one a page, in `family` and `lang`, drawn by the emitter. */
function sweepPdf(family: string, lang: string): Promise<Buffer> {
  return sweep({
    paragraphs: TC_PARAGRAPHS,
    widths: WIDTHS,
    size: SIZE,
    left: LEFT,
    page: [420, 1200],
    title: 'traditional sweep',
    family,
    lang,
  });
}

beforeAll(() => {
  fonts = loadFontSet(DEFAULT_FONTS_CONFIG).fonts!;
});

describe('the language of a text', () => {
  it('tells Traditional Chinese from Simplified', () => {
    for (const t of ['zh-Hant', 'zh-TW', 'zh-HK', 'zh-MO', 'zh-Hant-TW', 'zh_TW', 'ZH-hant-hk', 'yue-HK'])
      expect(isTraditionalChinese(t), t).toBe(true);
    for (const t of ['zh', 'zh-CN', 'zh-Hans', 'zh-Hans-HK', 'zh-SG', 'en', 'ja-JP', '', undefined])
      expect(isTraditionalChinese(t), String(t)).toBe(false);
    expect(punctuationStyle('zh-TW')).toBe('centred');
    expect(punctuationStyle('zh-CN')).toBe('gb');
    expect(languageKeys('zh-TW')).toEqual(['zh-tw', 'zh-hant-tw', 'zh-hant', 'zh']);
  });

  it('selects the TC families of fonts.yaml for zh-Hant, zh-TW, zh-HK and zh-Hant-TW, and nothing else', () => {
    for (const t of ['zh-Hant', 'zh-TW', 'zh-HK', 'zh-Hant-TW']) {
      expect(familyFor(fonts, 'serif', t), t).toBe('sans-tc');
      expect(familyFor(fonts, 'sans', t), t).toBe('sans-tc');
    }
    for (const t of ['zh-CN', 'zh-Hans-HK', 'en', undefined])
      expect(familyFor(fonts, 'serif', t)).toBe('serif');
  });
});

describe('centred punctuation in the line engine', () => {
  const file = resolveFontPath(
    'npm:@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf',
    path.dirname(DEFAULT_FONTS_CONFIG),
  )!;
  const m = fontkitMeasurer([{ file, size: 10 }]);
  const widths = (text: string, punctuation: 'gb' | 'centred') => {
    const p = prepare(tokenize([{ text, style: 0 }]), m, new Set(), undefined, { punctuation });
    return p.tokens.map((t, i) => [t.text, p.width[i]! / 10, p.endWidth[i]! / 10] as const);
  };

  it('keeps a centred stop full width at a line end (GB: half)', () => {
    expect(widths('字。', 'centred')[1]).toEqual(['。', 1, 1]);
    expect(widths('字。', 'gb')[1]).toEqual(['。', 1, 0.5]);
  });

  it('takes only the facing quarter from a centred stop next to another mark', () => {
    // 。」: the stop gives up its right quarter (1.75 em); 」。: the bracket its right half (1.5 em).
    expect(widths('字。」字', 'centred').slice(1, 3)).toEqual([
      ['。', 0.75, 0.75],
      ['」', 1, 0.5],
    ]);
    expect(
      widths('字」。字', 'centred')
        .slice(1, 3)
        .map((w) => w[1]),
    ).toEqual([0.5, 1]);
    // ：「 — the opening bracket gives up its left half; two stops, a quarter each.
    expect(
      widths('說：「字', 'centred')
        .slice(1, 3)
        .map((w) => w[1]),
    ).toEqual([1, 0.5]);
    expect(
      widths('字；！字', 'centred')
        .slice(1, 3)
        .map((w) => w[1]),
    ).toEqual([0.75, 0.75]);
  });
});

describe('Traditional Chinese paragraphs on the PDF, widths 12–30 characters', () => {
  let pdf: Buffer;
  let pages: Glyph[][];
  beforeAll(async () => {
    pdf = await sweepPdf(familyFor(fonts, 'serif', 'zh-Hant'), 'zh-Hant');
    pages = await readGlyphs(pdf);
  }, 120_000);

  it('is set in Noto Sans TC only', async () => {
    const list = await poppler('pdffonts', pdf);
    expect(list).toMatch(/NotoSansTC-Regular/);
    expect(list).not.toMatch(/NotoS(ans|erif)SC/);
  });

  it('starts no line with a closing mark and ends none with an opening one', () => {
    const bad: string[] = [];
    for (const page of pages)
      for (const l of linesOf(page)) {
        if (CLOSING.has(l.text[0]!)) bad.push(`starts: ${l.text}`);
        if (OPENING.has(l.text.at(-1)!)) bad.push(`ends: ${l.text}`);
      }
    expect(bad).toEqual([]);
  });

  it('keeps a line-end stop at its full width, the line flush with the measure', () => {
    let seen = 0;
    pages.forEach((page, n) => {
      const w = WIDTHS[Math.floor(n / TC_PARAGRAPHS.length)]! * SIZE;
      const ls = linesOf(page);
      ls.slice(0, -1).forEach((l) => {
        expect(l.right, l.text).toBeCloseTo(LEFT + w, 1);
        const last = l.glyphs.at(-1)!;
        if (STOPS.has(last.ch)) {
          seen++;
          expect(last.advance, l.text).toBeCloseTo(SIZE, 2);
        }
      });
    });
    expect(seen).toBeGreaterThan(20);
  });

  it('gives back every paragraph verbatim', async () => {
    const text = await pdftotext(pdf, '-raw');
    text
      .split('\f')
      .slice(0, pages.length)
      .forEach((page, n) => expect(page.replace(/\n/g, '')).toBe(TC_PARAGRAPHS[n % TC_PARAGRAPHS.length]));
  });
});

describe('the same paragraphs set as Simplified Chinese (zh-CN)', () => {
  it('still sets a line-end stop half width (GB/T 15834)', async () => {
    const pages = await readGlyphs(await sweepPdf('sans', 'zh-CN'));
    const ends = pages.flatMap((p) =>
      linesOf(p)
        .slice(0, -1)
        .map((l) => l.glyphs.at(-1)!)
        .filter((g) => STOPS.has(g.ch)),
    );
    expect(ends.length).toBeGreaterThan(20);
    for (const g of ends) expect(g.advance).toBeCloseTo(SIZE / 2, 2);
  }, 120_000);
});

describe('the Traditional Chinese sample (data/taipei-office-2024.yaml)', () => {
  const root = path.resolve(import.meta.dirname, '..');
  it('builds in the TC fonts with no missing glyph, its paragraphs verbatim', async () => {
    const dataFile = path.join(root, 'data/taipei-office-2024.yaml');
    const r = await buildReport({
      templateDir: path.join(root, 'templates/annual-briefing'),
      dataFile,
      write: false,
    });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`)).toEqual([]);
    const list = await poppler('pdffonts', r.pdf!);
    expect(list).toMatch(/NotoSansTC/);
    expect(list).not.toMatch(/SC-/);
    const text = (await pdftotext(r.pdf!, '-raw')).replace(/\n/g, '');
    const data = parse(readFileSync(dataFile, 'utf8')) as {
      lead: string[];
      sections: { paragraphs: string[] }[];
    };
    const paragraphs = [...data.lead, ...data.sections.flatMap((x) => x.paragraphs)];
    expect(paragraphs.length).toBeGreaterThan(5);
    for (const p of paragraphs) expect(text).toContain(p);
    expect(text).toContain('第 1 頁 / 共');
    expect(text).toContain('資料來源：');
  }, 120_000);
});
