import { createRequire } from 'node:module';
import type LineBreakerClass from 'linebreak';
import { hyphenationPoints } from './hyphenate.js';

// The CommonJS build, which pdfkit loads too: the package's ES module is a second copy, and each builds its
// Unicode tables when it loads (~8 ms).
const LineBreaker = createRequire(import.meta.url)('linebreak') as typeof LineBreakerClass;

/**
 * Line breaking inside text that is not Han: the Unicode line breaking algorithm (UAX #14, the `linebreak`
 * package) with the tailoring a Chinese newspaper wants on top (clreq, GB/T 15834), special rules for URLs and
 * e-mail addresses, and hyphenation points of words from TeX's patterns.
 */

/** A place where a line may break: what it costs (TeX-style penalty), and whether a hyphen is drawn there. */
export interface Opportunity {
  penalty: number;
  hyphen: boolean;
}

/** Cost of a break inside a word at a hyphenation point, or after a hyphen the text has (TeX: 50 each). */
export const HYPHEN_PENALTY = 50;
/** Cost of breaking a URL at its natural points: before a slash, before `& = # ~ _ @`, after `?` and `.`. */
const URL_PENALTY = { slash: 10, param: 20, dot: 40 };
/** Cost of a break UAX #14 allows between two characters that are not spaces (after `—`, an emoji...). */
const INNER_PENALTY = 30;

/** Characters that never start a line in any script (clreq's closing and stop marks, Western closing punctuation). */
const NO_START = new Set([...')]}>,.;:!?%‰‱°′″', '-', '\u2010', '\u2011', '–', '—', '…', '’', '”', '»', '›']);
/** A URL or an e-mail address: a scheme, `www.`, or name@host.domain; what follows a URL's last letter is not it. */
const URL =
  /\b(?:(?:https?|ftps?|file|mailto|sftp|ssh|git):\/\/?|www\d?\.)[\w\-.~:/?#[\]@!$&'*+,;=%]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+/giu;
const URL_TRAILING = /[.,:;!?'*]+$/u;
const LETTER = /[\p{L}\p{M}]/u;
const DIGIT = /\p{Nd}/u;

/** The URLs and e-mail addresses of a text: [start, end) in UTF-16 units, trailing punctuation left out. */
export function urlRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(URL)) {
    let s = m[0];
    s = s.replace(URL_TRAILING, '');
    // A closing parenthesis belongs to the URL only when the URL opened one (Wikipedia's Foo_(bar)).
    while (s.endsWith(')') && (s.match(/\(/g)?.length ?? 0) < (s.match(/\)/g)?.length ?? 0))
      s = s.slice(0, -1);
    s = s.replace(URL_TRAILING, '');
    if (s.length > 0) out.push([m.index, m.index + s.length]);
  }
  return out;
}

/** Where a URL may break, in `text` from `start` to `end`: before its slashes and parameters, after `?` or `.`. */
function urlBreaks(text: string, start: number, end: number, out: Map<number, Opportunity>): void {
  // The scheme's `//` stays whole; a line may end after the scheme's colon ("https:" / "//example.com"), since a
  // slash never ends a line (GB/T 15834).
  const scheme = /^[a-z]+:(\/\/?)?/i.exec(text.slice(start, end));
  if (scheme?.[1] && start + scheme[0].length < end)
    out.set(start + scheme[0].length - scheme[1].length, { penalty: URL_PENALTY.dot, hyphen: false });
  const from = start + (scheme ? scheme[0].length : 0) + 1;
  for (let i = from; i < end; i++) {
    const c = text[i]!;
    const pc = text[i - 1]!;
    let penalty: number | undefined;
    if (c === '/' && pc !== '/' && pc !== ':') penalty = URL_PENALTY.slash;
    else if ('&=#~_@'.includes(c) && !'&=#~_@/?'.includes(pc)) penalty = URL_PENALTY.param;
    else if (pc === '?' && c !== '?') penalty = URL_PENALTY.param;
    else if (pc === '.' && /[\p{L}\p{Nd}]/u.test(c) && /[\p{L}\p{Nd}]/u.test(text[i - 2] ?? ''))
      penalty = URL_PENALTY.dot;
    if (penalty !== undefined && !NO_START.has(c)) out.set(i, { penalty, hyphen: false });
  }
}

/** Whether a word of the text (what stands between spaces) is an identifier rather than prose: no hyphenation. */
function identifierAround(text: string, i: number): boolean {
  let s = i;
  while (s > 0 && !/\s/u.test(text[s - 1]!)) s--;
  let e = i;
  while (e < text.length && !/\s/u.test(text[e]!)) e++;
  const word = text.slice(s, e);
  return /[\p{Nd}_@/\\]|[\p{L}\p{Nd}]\.[\p{L}\p{Nd}]|[a-z][A-Z]/u.test(word);
}

/**
 * The break opportunities of a text that is not Han (a Western segment of a paragraph), keyed by the UTF-16
 * offset a line would start at. UAX #14, tailored:
 * - never before closing punctuation, stops, `%`, hyphens, dashes or `…` of any script (clreq), nor after `/`
 *   (GB/T 15834's solidus) outside URLs;
 * - after a hyphen the text has only inside a prose word (`state-of-|the-art`), never in one with digits
 *   (`COVID-19`, `v1.2-beta`), never leaving fewer than two letters (`e-mail`), never before a digit (`1–2`);
 * - no break at U+00A0, U+202F, U+2060 or U+FEFF (UAX #14's glue, kept);
 * - URLs and e-mail addresses break only at their natural points, never adding a hyphen;
 * - words break at their hyphenation points in `langAt(offset)` (a hyphen is drawn there).
 */
export function westernBreaks(
  text: string,
  langAt: (offset: number) => string | undefined = () => undefined,
): Map<number, Opportunity> {
  const out = new Map<number, Opportunity>();
  const urls = urlRanges(text);
  const inUrl = (p: number) => urls.some(([s, e]) => p > s && p < e);
  const breaker = new LineBreaker(text);
  for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) {
    const p = bk.position;
    if (p <= 0 || p >= text.length || inUrl(p)) continue;
    const next = text[p]!;
    if (NO_START.has(next)) continue;
    const prev = text[p - 1]!;
    if (/\s/u.test(prev) && prev !== '\u00a0' && prev !== '\u202f') {
      out.set(p, { penalty: 0, hyphen: false });
      continue;
    }
    if (prev === '/') continue;
    if (prev === '\u00ad') {
      out.set(p, { penalty: HYPHEN_PENALTY, hyphen: true });
      continue;
    }
    if (prev === '\u200b') {
      out.set(p, { penalty: 0, hyphen: false });
      continue;
    }
    if ('-\u2010–'.includes(prev)) {
      let a = p - 1;
      while (a > 0 && LETTER.test(text[a - 1]!)) a--;
      let b = p;
      while (b < text.length && LETTER.test(text[b]!)) b++;
      if (p - 1 - a < 2 || b - p < 2 || DIGIT.test(next) || identifierAround(text, p - 1)) continue;
      out.set(p, { penalty: HYPHEN_PENALTY, hyphen: false });
      continue;
    }
    out.set(p, { penalty: INNER_PENALTY, hyphen: false });
  }
  for (const [s, e] of urls) urlBreaks(text, s, e, out);
  // Hyphenation points of prose words (runs of letters, outside URLs and identifiers).
  const word = /[\p{L}\p{M}]{5,}/gu;
  for (const m of text.matchAll(word)) {
    const s = m.index;
    if (inUrl(s) || urls.some(([a, b]) => s >= a && s < b) || identifierAround(text, s)) continue;
    for (const k of hyphenationPoints(m[0], langAt(s))) {
      const p = s + k;
      if (!out.has(p)) out.set(p, { penalty: HYPHEN_PENALTY, hyphen: true });
    }
  }
  return out;
}
