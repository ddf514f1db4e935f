import type { Glyph } from './pdf.js';

/**
 * Line measures on glyphs read back from a PDF (readGlyphs), after the team's cjk-measure checker: prohibited
 * line starts and ends, broken Western words (checked against the source text: a break between two letters or
 * digits is a broken word unless the source had an ordinary space there), lines not flush, wide gaps.
 */

/** A line of glyphs on one baseline, left to right. */
export interface MeasuredLine {
  y: number;
  glyphs: Glyph[];
  text: string;
  left: number;
  right: number;
}

/** Glyphs grouped by baseline, top to bottom, each line left to right. */
export function linesOf(page: readonly Glyph[]): MeasuredLine[] {
  const rows = new Map<string, Glyph[]>();
  for (const g of page) {
    const k = g.y.toFixed(1);
    rows.set(k, [...(rows.get(k) ?? []), g]);
  }
  return [...rows.values()]
    .map((glyphs) => {
      glyphs.sort((a, b) => a.x - b.x);
      const last = glyphs.at(-1)!;
      return {
        y: glyphs[0]!.y,
        glyphs,
        text: glyphs.map((g) => g.ch).join(''),
        left: glyphs[0]!.x,
        right: last.x + last.advance,
      };
    })
    .sort((a, b) => b.y - a.y);
}

// The checker's sets (clreq basic + GB/T 15834 §5.1, with Western closing punctuation).
const STOP = '。．，、：；！？‼⁇⁈⁉';
const CLOSE = '”’）》〉」』】〗〕］｝)]}';
const OPEN = '“‘（《〈「『【〖〔［｛([{';
const NO_START = new Set([...STOP, ...CLOSE, ...'～〜–-', ...'·・‧', ',', '.', ';', ':', '!', '?', '%', '‰']);
const NO_END = new Set([...OPEN, '/']);
const INSEPARABLE = new Set(['—', '…', '⸺', '⋯']);
const CJK_PUNCT = new Set([...STOP, ...'”’）》〉」』】〗〕］｝“‘（《〈「『【〖〔［｛', ...'—…⸺⋯～·・‧']);
const isCjk = (c: string) =>
  /\p{Script=Han}/u.test(c) || c === '〇' || CJK_PUNCT.has(c) || /[\u3000-\u303F\uFF00-\uFFEF]/u.test(c);
const isSpace = (c: string) => /\s/u.test(c) || c === '\u00a0' || c === '\u3000' || c === '';

/** The source text with whitespace removed, and where ordinary spaces stood (no-break spaces mark no place). */
export function sourceIndex(source: string): { text: string; spaceAt: Set<number> } {
  let text = '';
  const spaceAt = new Set<number>();
  for (const ch of source) {
    if (/[ \t\r\n\u3000]/u.test(ch)) spaceAt.add(text.length);
    else if (!/[\u00a0\u202f]/u.test(ch)) text += ch;
  }
  return { text, spaceAt };
}

export interface LineReport {
  lines: number;
  justified: number;
  lineStart: string[];
  lineEnd: string[];
  inseparable: string[];
  brokenWords: string[];
  notFlush: string[];
  /** Justified lines with a gap wider than ½ em between two glyphs (word spaces included), and the widest. */
  wideGaps: string[];
  maxGapEm: number;
  /** Justified lines where two adjacent Chinese characters or marks stand more than ½ em apart (the checker's). */
  wideChinese: string[];
}

/**
 * Measures the lines of one paragraph (all but the last are justified to `frameRight`), against its source.
 * A line that ends in a hyphen the source lacks at that place is a hyphenation, not a broken word.
 */
export function measureParagraph(
  lines: readonly MeasuredLine[],
  frameRight: number,
  source: string,
  size: number,
): LineReport {
  const src = sourceIndex(source);
  const spaceBetween = (tail: string, head: string) => {
    // Spaces of every kind are dropped from both sides (a no-break space may be drawn with the space's glyph);
    // only ordinary spaces of the source count as places where a line may break.
    const t = tail.replace(/\s+/gu, '');
    const h = head.replace(/\s+/gu, '');
    for (let i = src.text.indexOf(t + h); i >= 0; i = src.text.indexOf(t + h, i + 1))
      if (src.spaceAt.has(i + t.length)) return true;
    return false;
  };
  const r: LineReport = {
    lines: lines.length,
    justified: 0,
    lineStart: [],
    lineEnd: [],
    inseparable: [],
    brokenWords: [],
    notFlush: [],
    wideGaps: [],
    maxGapEm: 0,
    wideChinese: [],
  };
  lines.forEach((l, i) => {
    const chars = [...l.text.trim()];
    const first = chars[0] ?? '';
    const last = chars.at(-1) ?? '';
    const final = i === lines.length - 1;
    if (i > 0 && (NO_START.has(first) || (first === '—' && !l.text.trimStart().startsWith('——'))))
      r.lineStart.push(l.text);
    if (!final && NO_END.has(last)) r.lineEnd.push(l.text);
    const n = lines[i + 1];
    if (!n) return;
    if (INSEPARABLE.has(last) && [...n.text.trim()][0] === last) r.inseparable.push(`${l.text} ⏎ ${n.text}`);
    if (/[A-Za-z0-9]/u.test(last) && /[A-Za-z0-9.%]/u.test(n.text.trim()[0] ?? '')) {
      if (!spaceBetween(l.text.slice(-8), n.text.slice(0, 8))) r.brokenWords.push(`${l.text} ⏎ ${n.text}`);
    }
    // Justified: flush at the right (a stop or closing mark may end ½ em short: its blank half is given up).
    r.justified++;
    if (Math.abs(l.right - frameRight) > 0.1)
      r.notFlush.push(`${(frameRight - l.right).toFixed(2)}pt: ${l.text}`);
    const ink = l.glyphs.filter((g) => !isSpace(g.ch));
    let worst = 0;
    for (let k = 1; k < ink.length; k++) {
      const a = ink[k - 1]!;
      const b = ink[k]!;
      worst = Math.max(worst, (b.x - (a.x + a.advance)) / size);
    }
    r.maxGapEm = Math.max(r.maxGapEm, worst);
    let han = 0;
    for (let k = 1; k < l.glyphs.length; k++) {
      const a = l.glyphs[k - 1]!;
      const b = l.glyphs[k]!;
      if (isCjk(a.ch) && isCjk(b.ch)) han = Math.max(han, (b.x - (a.x + a.advance)) / size);
    }
    if (han > 0.5 + 1e-3) r.wideChinese.push(`${han.toFixed(2)}em: ${l.text}`);
    if (worst > 0.5 + 1e-3) r.wideGaps.push(`${worst.toFixed(2)}em: ${l.text}`);
  });
  return r;
}

/** Whether a line holds a piece of a URL or an e-mail address (whose pieces are long and cannot stretch). */
export const hasUrlPiece = (text: string) =>
  /:\/\/|https?:$|www\.|@|[?&=#]|\/[A-Za-z0-9]|\.(?:com|org|net|gov|cn|csv)\b|^[A-Za-z0-9-]+\.$/u.test(
    text.replace(/^\d+\.\d+em: /u, ''),
  );

/** URLs and e-mail addresses in extracted text (what a reader would copy). */
export function urlsIn(text: string): string[] {
  return [
    ...text.matchAll(/(?:https?:\/\/|www\.)[^\s\u3000-\u9fff\uff00-\uffef]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gu),
  ].map((m) => m[0]);
}
