/**
 * What a language tag (BCP 47, `<briefing lang>` or an element's `lang`) means for Chinese composition: which
 * script it is written in, and so where the punctuation's ink sits in its em box.
 */

/**
 * Where stops and pauses (。，、：；！？) sit in the em box: `gb` at the bottom left (GB/T 15834, mainland
 * China: their blank is their right half), `centred` in the middle (Taiwan's and Hong Kong's standards: a
 * quarter em blank on each side).
 */
export type PunctuationStyle = 'gb' | 'centred';

/** Regions whose Chinese is written in Traditional characters when the tag names no script. */
const HANT_REGIONS = new Set(['tw', 'hk', 'mo']);

/** The subtags of a language tag, lower case (`zh_TW` is read as `zh-TW`). */
function subtags(lang: string | undefined): string[] {
  return (lang ?? '').trim().toLowerCase().replace(/_/g, '-').split('-').filter(Boolean);
}

/**
 * Whether a tag is Traditional Chinese: `zh-Hant` with any region (`zh-Hant-TW`, `zh-Hant-HK`), or `zh` (also
 * `cmn`, `yue`) with a Traditional region and no script (`zh-TW`, `zh-HK`, `zh-MO`, `yue-HK`). `zh-Hans-HK` is
 * Simplified.
 */
export function isTraditionalChinese(lang: string | undefined): boolean {
  const [language, ...rest] = subtags(lang);
  if (language !== 'zh' && language !== 'cmn' && language !== 'yue') return false;
  const script = rest.find((s) => s.length === 4 && /^[a-z]+$/.test(s));
  if (script) return script === 'hant';
  if (language === 'yue' && rest.length === 0) return true;
  return rest.some((s) => HANT_REGIONS.has(s));
}

/** The punctuation style of a language: centred for Traditional Chinese, GB for everything else. */
export function punctuationStyle(lang: string | undefined): PunctuationStyle {
  return isTraditionalChinese(lang) ? 'centred' : 'gb';
}

/**
 * The tags a `languages:` entry of fonts.yaml may be written as for `lang`, most specific first: the tag itself,
 * shorter prefixes of it, and for Chinese the script the tag implies (`zh-TW` is also `zh-Hant-TW`, `zh-Hant`).
 * Lower case; `zh-Hant` in fonts.yaml matches `zh-TW`, `zh-HK`, `zh-Hant-TW` and `zh-Hant`.
 */
export function languageKeys(lang: string | undefined): readonly string[] {
  const known = keysByTag.get(lang ?? '');
  if (known) return known;
  const keys = keysOf(lang);
  if (keysByTag.size >= 256) keysByTag.clear();
  keysByTag.set(lang ?? '', keys);
  return keys;
}

/** languageKeys by tag: asked for every run of text a document sets (~0.7 ms of a monthly report, worked out anew). */
const keysByTag = new Map<string, readonly string[]>();

function keysOf(lang: string | undefined): readonly string[] {
  const parts = subtags(lang);
  const out: string[] = [];
  const add = (tags: string[]) => {
    for (let k = tags.length; k >= 1; k--) {
      const key = tags.slice(0, k).join('-');
      if (!out.includes(key)) out.push(key);
    }
  };
  add(parts);
  if (
    parts.length &&
    !parts.some((s) => s === 'hant' || s === 'hans') &&
    ['zh', 'cmn', 'yue'].includes(parts[0]!)
  )
    add(['zh', isTraditionalChinese(lang) ? 'hant' : 'hans', ...parts.slice(1)]);
  // `zh` last: the most general entry.
  return [...out.filter((k) => k !== 'zh'), ...(out.includes('zh') ? ['zh'] : [])];
}

/** The words Briefing itself writes around the text (captions, folios), in Simplified or Traditional characters. */
export interface FurnitureWords {
  /** 图 / 圖: a figure's number. */
  figure: string;
  /** 单位 / 單位: the unit in a chart's caption. */
  unit: string;
  /** 数据来源 / 資料來源: a chart's source line. */
  source: string;
  /** 页 / 頁: the folio. */
  page: string;
}

const HANS_WORDS: FurnitureWords = { figure: '图', unit: '单位', source: '数据来源', page: '页' };
const HANT_WORDS: FurnitureWords = { figure: '圖', unit: '單位', source: '資料來源', page: '頁' };

/** The furniture words of a language: Traditional for Traditional Chinese, Simplified otherwise. */
export function furnitureWords(lang: string | undefined): FurnitureWords {
  return isTraditionalChinese(lang) ? HANT_WORDS : HANS_WORDS;
}
