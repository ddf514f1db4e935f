import { createRequire } from 'node:module';

/**
 * Hyphenation of Latin-script words from TeX's hyphenation patterns (Liang's algorithm), as the `hyphen` package
 * ships them for some 80 languages. Briefing never draws what it finds into the text: it only learns where a
 * word may be broken, and the line engine draws a hyphen at a break it takes (not in the copy-paste text).
 */

const require = createRequire(import.meta.url);

type HyphenateSync = (text: string, options?: { hyphenChar?: string; minWordLength?: number }) => string;

/** Words shorter than this are never hyphenated; fewer letters than these before and after a break are not left. */
const MIN_WORD = 5;
const LEFT_MIN = 2;
const RIGHT_MIN = 3;
/** Longer "words" (identifiers, blobs) are not words of a language: the engine's last resort cuts them. */
const MAX_WORD = 64;

/** The pattern sets of the `hyphen` package: `en` is American English, as TeX's `hyphen.tex`. */
const PATTERNS = new Set(
  'af as be bg bn ca cop cs cu cy da de-1901 de-1996 de-ch-1901 el-monoton el-polyton en-gb en-us es et eu fi fr fur ga gl grc gu hi hr hsb hu hy ia id is it ka kmr kn la lt lv mk ml mn-cyrl mr nb nl nn no oc or pa pi pl pms pt rm ro ru sa sh-cyrl sh-latn sk sl sq sr-cyrl sv ta te th tk tr uk'.split(
    ' ',
  ),
);

/**
 * The pattern set for a language tag (BCP 47, any case): `en`, `en-US` → `en-us`; `en-GB` → `en-gb`; `de`,
 * `de-DE` → `de-1996`; `de-CH` → `de-ch-1901`; else the primary subtag's own set if there is one. Chinese
 * documents (`zh-*`), and a tag with no patterns, hyphenate their Latin words as English; `none` never
 * hyphenates.
 */
export function patternsFor(lang: string | undefined): string | undefined {
  const tag = (lang ?? '').toLowerCase().replace(/_/g, '-');
  if (tag === 'none' || tag === 'zxx') return undefined;
  if (PATTERNS.has(tag)) return tag;
  const primary = tag.split('-')[0] ?? '';
  if (primary === 'en') return tag.startsWith('en-gb') ? 'en-gb' : 'en-us';
  if (primary === 'de') return tag.startsWith('de-ch') ? 'de-ch-1901' : 'de-1996';
  if (primary === 'el') return 'el-monoton';
  if (primary === 'mn') return 'mn-cyrl';
  if (primary === 'sr') return 'sr-cyrl';
  if (PATTERNS.has(primary)) return primary;
  return 'en-us';
}

const hyphenators = new Map<string, HyphenateSync>();
const cache = new Map<string, readonly number[]>();

function hyphenator(set: string): HyphenateSync {
  let h = hyphenators.get(set);
  if (!h) {
    const mod = require(`hyphen/${set}/index.js`) as { hyphenateSync: HyphenateSync };
    h = mod.hyphenateSync;
    hyphenators.set(set, h);
  }
  return h;
}

/**
 * Where `word` (letters only) may be hyphenated in `lang`: offsets in UTF-16 units, each the start of the part
 * after a break, at least two letters from the start and three from the end. Words that are too short, in
 * capitals only (acronyms) or too long to be words get none.
 */
export function hyphenationPoints(word: string, lang: string | undefined): readonly number[] {
  const set = patternsFor(lang);
  if (!set) return [];
  const letters = [...word];
  if (letters.length < MIN_WORD || letters.length > MAX_WORD) return [];
  if (word === word.toUpperCase()) return [];
  const key = `${set}|${word}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const marked = hyphenator(set)(word, { hyphenChar: '\u00ad', minWordLength: MIN_WORD });
  const points: number[] = [];
  let at = 0;
  let count = 0;
  const total = letters.length;
  for (const ch of marked) {
    if (ch === '\u00ad') {
      if (count >= LEFT_MIN && total - count >= RIGHT_MIN) points.push(at);
      continue;
    }
    at += ch.length;
    count++;
  }
  if (cache.size > 50_000) cache.clear();
  cache.set(key, points);
  return points;
}
