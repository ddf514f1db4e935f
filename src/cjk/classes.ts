/**
 * Character classes for Chinese line layout (W3C clreq, GB/T 15834-2011). Each token of a paragraph gets one.
 * `open`/`close`/`stop` marks are full width with a blank half (the blank is on the right of closing and stop
 * marks, on the left of opening marks, in the GB style of Simplified Chinese fonts).
 */
export type CharClass =
  | 'han' // ideographs, kana, the ideographic space, symbols set like ideographs
  | 'open' // “ ‘ （ 《 〈 「 『 【 〖 〔 ［ ｛
  | 'close' // ” ’ ） 》 〉 」 』 】 〗 〕 ］ ｝
  | 'stop' // 。 ． ， 、 ： ； ！ ？
  | 'middle' // · ・ (interpunct, set ½ em and centred)
  | 'dash' // — (一字线, a single em dash: 1 em)
  | 'dash2' // —— (破折号: 2 em, never split)
  | 'ellipsis' // …… (省略号: 2 em, never split)
  | 'connector' // ～ ／ and other marks that may not start a line
  | 'latin' // a Western word or number, never broken (iPhone, 3.0%, 9347.64)
  | 'wopen' // Western opening punctuation: ( [ { (no break after)
  | 'wclose' // Western closing punctuation: ) ] } , . ; : ! ? (no break before)
  | 'space'; // a space between words

const OPEN = new Set('“‘（《〈「『【〖〔［｛'.split(''));
const CLOSE = new Set('”’）》〉」』】〗〕］｝'.split(''));
const STOP = new Set('。．，、：；！？'.split(''));
const MIDDLE = new Set(['\u00b7', '\u30fb', '\u2027']);
const CONNECTOR = new Set(['～', '〜', '／', '–', '-']);
const WOPEN = new Set(['(', '[', '{', '"', "'"]);
const WCLOSE = new Set([')', ']', '}', ',', '.', ';', ':', '!', '?', '%']);

/** Classifies one grapheme (or a `——`/`……` pair) that is not part of a Western word. */
export function classify(g: string): CharClass {
  if (g === '——') return 'dash2';
  if (g === '……' || g === '…') return 'ellipsis';
  if (g === '—') return 'dash';
  if (OPEN.has(g)) return 'open';
  if (CLOSE.has(g)) return 'close';
  if (STOP.has(g)) return 'stop';
  if (MIDDLE.has(g)) return 'middle';
  if (CONNECTOR.has(g)) return 'connector';
  if (WOPEN.has(g)) return 'wopen';
  if (WCLOSE.has(g)) return 'wclose';
  if (/^\s+$/u.test(g) && g !== '\u3000') return 'space';
  // Any other ASCII symbol (& * = < > …) is Western text, not a character set like an ideograph.
  if (/^[\x21-\x7e]$/.test(g)) return 'latin';
  return 'han';
}

/** Marks that take a full em with a blank half that may be compressed (clreq 3.1.6). */
export function isCompressible(c: CharClass): boolean {
  return c === 'open' || c === 'close' || c === 'stop';
}

/** clreq / GB/T 15834: classes that may not begin a line (the basic set plus `—` alone, `～`, `·`, `／`). */
export function noBreakBefore(c: CharClass): boolean {
  return (
    c === 'close' ||
    c === 'stop' ||
    c === 'middle' ||
    c === 'dash' ||
    c === 'dash2' ||
    c === 'ellipsis' ||
    c === 'connector' ||
    c === 'wclose'
  );
}

/** Classes that may not end a line: opening brackets and quotes. */
export function noBreakAfter(c: CharClass): boolean {
  return c === 'open' || c === 'wopen';
}

/** Characters that start a Western word or number token. */
export const WESTERN_START = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}]/u;
/** Characters that continue one (inside: `3.0%`, `1,234`, `e-mail`, `A/B`, `COVID-19`, `it's`). */
export const WESTERN_PART =
  /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}\p{M}.,:%‰°+\-'’_/&@#=]/u;
/** Characters a Western token may end with. */
export const WESTERN_END = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}\p{M}%‰°]/u;
