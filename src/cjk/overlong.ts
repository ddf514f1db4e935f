import { prepare, type ParagraphOptions, type Prepared } from './prepare.js';
import { graphemes, type Token } from './tokens.js';

/** What a last-resort cut inside a word costs the line breaker: more than any natural break. */
const CUT_PENALTY = 150;

/**
 * Whether a last-resort cut between `prev` and `next` falls at a natural point: after `. ? & = _ , ; :`, or before
 * `/ # @ & = ~ _` — never before closing punctuation, a stop or a hyphen, and never after a slash (clreq).
 */
function goodCut(prev: string, next: string): boolean {
  if (/^[)\]}>,.;:!?%‰\-–]/u.test(next) || prev === '/') return false;
  return /^[.?&=_,;:-]$/u.test(prev) || /^[/#@&=~_]/u.test(next);
}

/**
 * A piece of Western text wider than the line (a long identifier in a narrow column) cannot stay whole: cut it
 * into pieces that fit, preferably at natural points (goodCut), so that no text runs past the margin. Linear in
 * the word's length.
 */
export function splitOverlong(p: Prepared, from: number, opts: ParagraphOptions): Prepared {
  const n = p.tokens.length;
  // A token that starts within the first line's width may fall on the indented first line; later ones cannot.
  const prefix = new Float64Array(n + 1);
  for (let k = from; k < n; k++) prefix[k + 1] = prefix[k]! + p.width[k]!;
  const limit = (k: number) => (prefix[k]! < opts.width ? opts.width - opts.indent : opts.width);
  // A Western word in one style may come in several tokens (pdfmake runs, cut for size): such a chain is one
  // word, and it is cut as one when it is wider than the line.
  const chainEnd = (k: number): number => {
    let e = k;
    const t = p.tokens[k]!;
    while (
      e + 1 < n &&
      p.tokens[e]!.joinNext &&
      p.tokens[e + 1]!.cls === 'latin' &&
      p.tokens[e + 1]!.style === t.style
    )
      e++;
    return e;
  };
  const overlong = (k: number, e: number): boolean => {
    let w = 0;
    for (let j = k; j <= e; j++) w += p.width[j]!;
    return w > limit(k) + 0.01;
  };
  let any = false;
  for (let k = from; k < n && !any; k++) {
    if (p.tokens[k]!.cls !== 'latin') continue;
    const e = chainEnd(k);
    any = overlong(k, e);
    k = e;
  }
  if (!any) return p;
  const tokens: Token[] = [];
  const hard = new Set<number>();
  const remap = new Map<number, number>();
  const m = p.measurer;
  let steps = 0;
  for (let k = 0; k < n; k++) {
    const t = p.tokens[k]!;
    remap.set(k, tokens.length);
    const e = k >= from && t.cls === 'latin' ? chainEnd(k) : k;
    if (k < from || t.cls !== 'latin' || !overlong(k, e)) {
      tokens.push(t);
      continue;
    }
    const k0 = k;
    let text = t.text;
    let source = t.source ?? t.text;
    for (let j = k + 1; j <= e; j++) {
      remap.set(j, tokens.length);
      text += p.tokens[j]!.text;
      source += p.tokens[j]!.source ?? p.tokens[j]!.text;
    }
    const last = p.tokens[e]!;
    k = e;
    const gs = graphemes(text);
    // Each grapheme measured alone (the measurer caches them), so that finding a cut costs a sum, not a
    // shaping of every candidate piece: linear in the word's length, however long it is.
    const advance = gs.map((g) => m.width(g, t.style, []));
    let start = 0;
    while (start < gs.length) {
      const width = start === 0 ? limit(k0) : opts.width;
      if (opts.check && ++steps % 256 === 0) opts.check();
      let end = start;
      let sum = 0;
      while (end < gs.length && sum + advance[end]! <= width) sum += advance[end++]!;
      // Kerning can make the piece wider than its graphemes' sum: take graphemes off until it fits.
      while (end > start + 1 && m.width(gs.slice(start, end).join(''), t.style, []) > width) end--;
      let cut = Math.max(start + 1, end);
      let good = -1;
      for (let j = start + 1; j <= cut && j < gs.length; j++) if (goodCut(gs[j - 1]!, gs[j]!)) good = j;
      if (good > start && cut < gs.length && good >= start + (cut - start) / 2) cut = good;
      const piece: Token = {
        text: gs.slice(start, cut).join(''),
        cls: t.cls,
        style: t.style,
        // The word's last piece joins what follows as the word did.
        joinNext: cut >= gs.length ? last.joinNext : false,
      };
      if (start > 0) Object.assign(piece, { cut: true, breakBefore: true, penalty: CUT_PENALTY });
      else {
        if (t.breakBefore !== undefined) piece.breakBefore = t.breakBefore;
        if (t.penalty !== undefined) piece.penalty = t.penalty;
      }
      if (cut >= gs.length && last.hyphen) piece.hyphen = true;
      // Copy and paste: the word's source (with any invisible characters) goes with its first piece.
      if (source !== text) piece.source = start === 0 ? source : '';
      tokens.push(piece);
      start = cut;
    }
  }
  for (const j of p.hardBreaks) hard.add(remap.get(j) ?? tokens.length);
  return prepare(tokens, p.measurer, hard, opts.check, { punctuation: p.punctuation });
}
