/**
 * Page make-up measures of a multi-column PDF, from poppler's line boxes (`pdftotext -bbox-layout`): a faithful
 * port of the team's `page-check` script (shared/tools/page-check), so the tests can check what it checks.
 *
 * Body line = the line height that carries the most characters; pitch = the mean baseline step near the most
 * common one; columns = peaks of body-line left edges. Measures:
 *  - overprint: pairs of text lines on a page whose ideographic em boxes overlap, and words outside the page box;
 *  - footGaps: per column of every page but the last, empty body lines between its lowest text and the type
 *    area's bottom (the lowest body line on any page); listed where >= 1, failing at 2;
 *  - lastPage: lines of content per column on the last page; imbalance = fullest - emptiest;
 *  - widows: a paragraph's last line standing first in a column (the paragraph began in the previous column);
 *  - orphans: a paragraph's first (indented) line standing last in a column, continued in the next;
 *  - gridPages: pages whose columns' body baselines disagree by more than 0.5 pt modulo the pitch.
 * Figures are seen only through their text, so a column ending in a figure ends at the figure's lowest text.
 *
 * Same algorithm, thresholds and rounding as the Python script (Python 3.11): `round()` and `%.Nf` formatting are
 * reproduced exactly (half to even on the double's exact value, see `pyRound`), as are `//`, `%`, `len()` (code
 * points), string slices and `Counter.most_common` tie-breaking (first key inserted). Deliberate differences:
 *  - a pdftotext failure rejects here (page-check ignores its exit status and measures an empty document);
 *  - entities: only those pdftotext writes (&amp; &lt; &gt; &quot; &apos; and numeric ones) are decoded, where
 *    page-check uses `html.unescape` (all HTML5 names);
 *  - the pitch is a plain left-to-right sum / count, as Python 3.11's `sum()`; Python 3.12+ sums floats with
 *    compensation, which may move page-check's pitch by an ulp.
 */
import { readFile } from 'node:fs/promises';
import { pdftotext } from './pdf.js';

/** A word as pdftotext reports it: box in points (origin top-left, y down) and text. */
export interface Word {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  text: string;
}

/** A text line: its box, its height rounded to 0.1 pt, its words' text joined without spaces, its words. */
export interface Line {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  h: number;
  text: string;
  words: Word[];
}

/** A page: size in points and its text lines, in pdftotext's order. */
export interface Page {
  width: number;
  height: number;
  lines: Line[];
}

/** A column short of the type area's bottom on a page that is not the last (column numbered from 1). */
export interface FootGap {
  page: number;
  column: number;
  lines: number;
}

/** The counts page-check prints on its summary line. */
export interface PageSummary {
  overprint: number;
  footGapLines: number;
  worstFootGap: number;
  lastPageImbalance: number;
  widows: number;
  orphans: number;
  gridPages: number;
}

/** Everything `page-check FILE --json` prints, with the same keys and values. */
export interface PageMeasures {
  /** The body line height (poppler's line box, about 1.44 em), 0.1 pt. */
  bodyHeight: number;
  /** The mean baseline step between body lines near the most common step. */
  pitch: number;
  /** Per column, [left edge, right edge] in whole points. */
  columns: [number, number][];
  /** The lowest body line's bottom on any page, 0.1 pt. */
  typeBottom: number;
  overprint: string[];
  footGaps: FootGap[];
  /** Lines of content per column (numbered from 1) on the last page. */
  lastPage: Record<number, number>;
  widows: string[];
  orphans: string[];
  gridPages: string[];
  summary: PageSummary;
}

// ---------------------------------------------------------------------------------------------------------------
// Python's number semantics, exactly

/**
 * `x · 10^digits` rounded half to even on the exact binary value of `x`, as CPython's `round()` and `'%.Nf'`
 * do (through `_Py_dg_dtoa`): e.g. 0.25 → 0.2, but 0.35 (really 0.34999…) → 0.3 and 2.675 → 2.67 at 2 digits.
 * `Math.round(x * 10) / 10` and `toFixed` differ on exact ties (0.25, 2.5) and where `x * 10` itself rounds.
 */
function scaledHalfEven(x: number, digits: number): { negative: boolean; n: bigint } {
  if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x}`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  // |x| = mantissa · 2^exponent, exactly.
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const scale = 10n ** BigInt(digits);
  let n: bigint;
  if (exponent >= 0) n = (mantissa << BigInt(exponent)) * scale;
  else {
    const num = mantissa * scale;
    const den = 1n << BigInt(-exponent);
    n = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && n % 2n === 1n)) n += 1n;
  }
  return { negative: bits >> 63n === 1n, n };
}

/** Python's `round(x)` (an int) or `round(x, digits)` (the double nearest the rounded decimal). */
export function pyRound(x: number, digits?: number): number {
  const { negative, n } = scaledHalfEven(x, digits ?? 0);
  if (digits === undefined) return negative ? -Number(n) || 0 : Number(n); // an int: no -0
  const magnitude = Number(n) / 10 ** digits;
  return negative ? -magnitude : magnitude;
}

/** Python's `f'{x:.{digits}f}'`. */
export function pyFixed(x: number, digits: number): string {
  const { negative, n } = scaledHalfEven(x, digits);
  const s = n.toString().padStart(digits + 1, '0');
  const body = digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  return (negative ? '-' : '') + body;
}

function nonZero(b: number): number {
  if (b === 0) throw new RangeError('float division by zero (page-check would stop with ZeroDivisionError)');
  return b;
}

/** Python's float `a % b` (the sign of `b`); JavaScript's `%` is C's fmod, exact. */
function pyMod(a: number, b: number): number {
  const mod = a % nonZero(b);
  if (mod === 0) return b < 0 ? -0 : 0;
  return b < 0 !== mod < 0 ? mod + b : mod;
}

/** Python's float `a // b`, as CPython's float_floor_div computes it (not always `Math.floor(a / b)`). */
function pyFloorDiv(a: number, b: number): number {
  let mod = a % nonZero(b);
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return a / b < 0 ? -0 : 0;
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

/** Python's `s[:n]`: the first n code points. */
const head = (s: string, n: number): string => Array.from(s).slice(0, n).join('');

/** A `collections.Counter`: counts by key, in order of first insertion. */
class Counter<K> {
  private readonly counts = new Map<K, number>();
  constructor(keys: Iterable<K> = []) {
    for (const k of keys) this.add(k);
  }
  add(key: K, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }
  get size(): number {
    return this.counts.size;
  }
  /** Entries, most common first; equal counts keep insertion order (`most_common()`). */
  mostCommon(): [K, number][] {
    return [...this.counts].sort((a, b) => b[1] - a[1]);
  }
  /** `most_common(1)[0][0]`: the first key inserted among the most common, or undefined when empty. */
  top(): K | undefined {
    return this.mostCommon()[0]?.[0];
  }
}

/** Python's `max(xs, default=…)` / `min(xs, default=…)` over numbers. */
const maxOr = (xs: number[], fallback: number): number => (xs.length ? Math.max(...xs) : fallback);
const minOr = (xs: number[], fallback: number): number => (xs.length ? Math.min(...xs) : fallback);

// ---------------------------------------------------------------------------------------------------------------
// pdftotext -bbox-layout

// page-check's regular expressions; `[\d.]+` does not match a minus sign, so a line (or word) with a negative
// coordinate is skipped, as there. Words use `.` without DOTALL, which in Python excludes only "\n".
const PAGE_RE = /<page width="([\d.]+)" height="([\d.]+)">(.*?)<\/page>/gs;
const LINE_RE = /<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)<\/line>/gs;
const WORD_RE = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^\n]*?)<\/word>/g;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the entities pdftotext writes (poppler escapes & < > " ' in word text). */
function unescapeXml(s: string): string {
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (!ref.startsWith('#')) return ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The four box coordinates of a match: groups 1–4. */
function box(m: RegExpMatchArray): [number, number, number, number] {
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

function parseLine(m: RegExpMatchArray): Line {
  const [x0, y0, x1, y1] = box(m);
  const words = [...(m[5] ?? '').matchAll(WORD_RE)].map((w): Word => {
    const [wx0, wy0, wx1, wy1] = box(w);
    return { x0: wx0, y0: wy0, x1: wx1, y1: wy1, text: unescapeXml(w[5] ?? '') };
  });
  const text = words.map((w) => w.text).join('');
  return { x0, y0, x1, y1, h: pyRound(y1 - y0, 1), text, words };
}

/** The pages of `pdftotext -bbox-layout FILE -` output, as page-check reads them. */
export function parseBboxLayout(xml: string): Page[] {
  // Python's text mode reads universal newlines.
  const text = xml.replace(/\r\n?/g, '\n');
  return [...text.matchAll(PAGE_RE)].map((pm) => ({
    width: Number(pm[1]),
    height: Number(pm[2]),
    lines: [...(pm[3] ?? '').matchAll(LINE_RE)].map(parseLine),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// The measures

/** What the measures share: body line height, pitch, columns and the type area's bottom. */
interface Grid {
  bodyH: number;
  pitch: number;
  em: number;
  /** Column left edges, ascending, and each one's right edge. */
  cols: number[];
  rightOf: Map<number, number>;
  typeBottom: number;
  isBody: (l: Line) => boolean;
}

/** Body text is the line height that carries the most characters (chart labels and table cells are short). */
function bodyHeightOf(pages: Page[]): number {
  const chars = new Counter<number>();
  for (const p of pages) for (const l of p.lines) chars.add(l.h, Array.from(l.text).length);
  return chars.top() ?? 0;
}

/** A page's body lines by column bucket (left edge / 20 pt), then top to bottom. */
function sortedBody(p: Page, isBody: (l: Line) => boolean): Line[] {
  return p.lines
    .filter(isBody)
    .map((l) => ({ l, k: pyRound(l.x0 / 20) }))
    .sort((a, b) => a.k - b.k || a.l.y0 - b.l.y0)
    .map(({ l }) => l);
}

/** Consecutive pairs of a list. */
const pairs = <T>(xs: T[]): [T, T][] => xs.slice(1).map((b, i) => [xs[i] as T, b]);

/**
 * The pitch: the most common baseline step (0.1 pt) between successive body lines of a column bucket, then the
 * mean of all successive steps within 0.15 pt of it (a rounded pitch drifts over a column's 40 lines).
 */
function pitchOf(pages: Page[], bodyH: number, isBody: (l: Line) => boolean): number {
  const successive = pages.flatMap((p) => pairs(sortedBody(p, isBody)));
  const steps = new Counter<number>();
  for (const [a, b] of successive) {
    const d = pyRound(b.y1 - a.y1, 1);
    if (0 < d && d < 3 * bodyH && Math.abs(a.x0 - b.x0) < 30) steps.add(d);
  }
  const mode = steps.top() ?? bodyH * 1.2;
  const near = successive.map(([a, b]) => b.y1 - a.y1).filter((d) => Math.abs(d - mode) < 0.15);
  if (!near.length) return mode;
  let sum = 0;
  for (const d of near) sum += d;
  return sum / near.length;
}

/** Columns: peaks (3+ lines) of body-line left edges at least 3 em apart; right edge = most common right end. */
function columnsOf(pages: Page[], em: number, isBody: (l: Line) => boolean) {
  const body = pages.flatMap((p) => p.lines.filter(isBody));
  const lefts = new Counter(body.map((l) => pyRound(l.x0)));
  const cols: number[] = [];
  for (const [x, n] of lefts.mostCommon()) {
    if (n >= 3 && cols.every((c) => Math.abs(x - c) > 3 * em)) cols.push(x);
  }
  cols.sort((a, b) => a - b);
  const rightOf = new Map<number, number>();
  for (const c of cols) {
    const rights = new Counter(body.filter((l) => Math.abs(l.x0 - c) < 3 * em).map((l) => pyRound(l.x1)));
    rightOf.set(c, rights.top() ?? c);
  }
  return { cols, rightOf };
}

function gridOf(pages: Page[]): Grid {
  const bodyH = bodyHeightOf(pages);
  const isBody = (l: Line) => Math.abs(l.h - bodyH) < 0.3;
  const pitch = pitchOf(pages, bodyH, isBody);
  // poppler's line box is about 1.44 em for Noto SC.
  const em = bodyH ? bodyH / 1.437 : 10.5;
  const { cols, rightOf } = columnsOf(pages, em, isBody);
  const typeBottom = maxOr(
    pages.flatMap((p) => p.lines.filter(isBody).map((l) => l.y1)),
    0,
  );
  return { bodyH, pitch, em, cols, rightOf, typeBottom, isBody };
}

const rightEdge = (g: Grid, c: number): number => g.rightOf.get(c) ?? c;

/** The column (left edge) a line lies in, or null when it spans columns or lies outside them. */
function columnOf(g: Grid, l: Line): number | null {
  for (const c of g.cols) {
    const right = rightEdge(g, c);
    if (c - 2 <= l.x0 && l.x0 <= right && l.x1 <= right + g.em) return c;
  }
  return null;
}

/**
 * The ideographic em box (top, bottom) of a line: poppler's box runs from ascender to descender (about 1.44 em,
 * baseline at 1.16 em), so overlap is judged on the em box, or a big headline would seem to cover the text below.
 */
function emBox(l: Line): [number, number] {
  const size = l.h / 1.437;
  const base = l.y0 + 1.16 * size;
  return [base - 0.88 * size, base + 0.12 * size];
}

/** Words outside the page box, then pairs of lines whose em boxes overlap (more than 1 pt across, 1/4 line down). */
function overprintsOf(p: Page, pi: number): string[] {
  const found: string[] = [];
  for (const w of p.lines.flatMap((l) => l.words)) {
    if (w.x0 < 0 || w.x1 > p.width + 0.5 || w.y0 < 0 || w.y1 > p.height + 0.5)
      found.push(
        `p${pi}: "${head(w.text, 16)}" outside the page box (x ${pyFixed(w.x0, 0)}–${pyFixed(w.x1, 0)})`,
      );
  }
  p.lines.forEach((a, i) => {
    for (const b of p.lines.slice(i + 1)) {
      const ox = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const [ea, eb] = [emBox(a), emBox(b)];
      const oy = Math.min(ea[1], eb[1]) - Math.max(ea[0], eb[0]);
      if (ox > 1 && oy > 0.25 * Math.min(a.h, b.h))
        found.push(
          `p${pi}: "${head(a.text, 12)}" over "${head(b.text, 12)}" at y ${pyFixed(Math.max(a.y0, b.y0), 0)}`,
        );
    }
  });
  return found;
}

/** One column of one page: its lines top to bottom, running heads and feet left out. */
interface ColumnRun {
  page: number;
  col: number;
  lines: Line[];
}

/** A page's columns. Furniture: lines below the type area, and small non-body lines at the top of pages 2+. */
function columnRuns(g: Grid, p: Page, pi: number): ColumnRun[] {
  const furniture = (l: Line) =>
    l.y0 > g.typeBottom + 1 || (l.y1 < 60 && !g.isBody(l) && pi > 1 && l.h < g.bodyH);
  return g.cols.map((c) => ({
    page: pi,
    col: c,
    lines: p.lines.filter((l) => columnOf(g, l) === c && !furniture(l)).sort((a, b) => a.y0 - b.y0),
  }));
}

/** A page whose columns' body baselines (most common, 0.1 pt, modulo the pitch) are over 0.5 pt apart. */
function gridFault(g: Grid, p: Page, pi: number): string | null {
  const phases: number[] = [];
  for (const c of g.cols) {
    const ys = p.lines.filter((l) => g.isBody(l) && columnOf(g, l) === c).map((l) => pyMod(l.y1, g.pitch));
    if (ys.length >= 3) phases.push(new Counter(ys.map((y) => pyRound(y, 1))).top() ?? 0);
  }
  if (phases.length < 2) return null;
  const d = Math.max(
    ...phases.flatMap((a) => phases.map((b) => Math.min(Math.abs(a - b), g.pitch - Math.abs(a - b)))),
  );
  return d > 0.5 ? `p${pi}: columns ${pyFixed(d, 2)} pt apart` : null;
}

/** Empty body lines under each column of every page but the last (listed from 1 line). */
function footGapsOf(g: Grid, flow: ColumnRun[], last: number): FootGap[] {
  const gaps: FootGap[] = [];
  for (const { page, col, lines } of flow) {
    const lowest = lines.at(-1);
    if (page === last || !lowest) continue;
    const gap = Math.trunc(pyFloorDiv(g.typeBottom - lowest.y1 + 0.5, g.pitch));
    if (gap >= 1) gaps.push({ page, column: g.cols.indexOf(col) + 1, lines: gap });
  }
  return gaps;
}

/** Lines of content per column of the last page, counted from the page's highest column line. */
function lastPageOf(g: Grid, flow: ColumnRun[], last: number): Record<number, number> {
  const runs = flow.filter((r) => r.page === last);
  const lastTop = minOr(
    runs.flatMap((r) => r.lines.map((l) => l.y0)),
    0,
  );
  const counts: Record<number, number> = {};
  for (const { col, lines } of runs) {
    const lowest = lines.at(-1);
    counts[g.cols.indexOf(col) + 1] = lowest ? pyRound((lowest.y1 - lastTop) / nonZero(g.pitch)) : 0;
  }
  return counts;
}

/** page-check's short description of a line: page, position and first 20 characters. */
const lineRef = (pi: number, l: Line): string =>
  `p${pi} x${pyFixed(l.x0, 0)} y${pyFixed(l.y0, 0)}: ${head(l.text, 20)}`;

/**
 * Widows and orphans at each column break (from one non-empty column to the next, pages included), where both
 * lines are body lines. A paragraph's first line is indented (more than 1.5 em) and its last line may be short.
 *  - widow: the next column starts with an unindented line that is alone or followed by an indented or non-body
 *    line (so it ends its paragraph);
 *  - orphan: the column ends with an indented, full line, and the next starts unindented (continuing it).
 */
function widowsAndOrphans(g: Grid, flow: ColumnRun[]): { widows: string[]; orphans: string[] } {
  const indented = (l: Line, c: number) => l.x0 - c > 1.5 * g.em;
  const short = (l: Line, c: number) => rightEdge(g, c) - l.x1 > g.em;
  const widows: string[] = [];
  const orphans: string[] = [];
  for (const [ra, rb] of pairs(flow.filter((r) => r.lines.length > 0))) {
    const a = ra.lines.at(-1) as Line;
    const b = rb.lines[0] as Line;
    if (!(g.isBody(a) && g.isBody(b))) continue;
    const second = rb.lines[1];
    if (!indented(b, rb.col) && (!second || !g.isBody(second) || indented(second, rb.col)))
      widows.push(lineRef(rb.page, b));
    if (indented(a, ra.col) && !short(a, ra.col) && !indented(b, rb.col)) orphans.push(lineRef(ra.page, a));
  }
  return { widows, orphans };
}

function summarize(
  m: Omit<PageMeasures, 'summary' | 'bodyHeight' | 'pitch' | 'columns' | 'typeBottom'>,
): PageSummary {
  const gaps = m.footGaps.map((g) => g.lines);
  const last = Object.values(m.lastPage);
  return {
    overprint: m.overprint.length,
    footGapLines: gaps.reduce((s, n) => s + n, 0),
    worstFootGap: maxOr(gaps, 0),
    lastPageImbalance: last.length > 1 ? Math.max(...last) - Math.min(...last) : 0,
    widows: m.widows.length,
    orphans: m.orphans.length,
    gridPages: m.gridPages.length,
  };
}

/** The measures of `pdftotext -bbox-layout` output. */
export function measureBboxLayout(xml: string): PageMeasures {
  const pages = parseBboxLayout(xml);
  const g = gridOf(pages);
  const overprint: string[] = [];
  const gridPages: string[] = [];
  const flow: ColumnRun[] = [];
  pages.forEach((p, i) => {
    overprint.push(...overprintsOf(p, i + 1));
    flow.push(...columnRuns(g, p, i + 1));
    const fault = gridFault(g, p, i + 1);
    if (fault) gridPages.push(fault);
  });
  const last = pages.length;
  const footGaps = footGapsOf(g, flow, last);
  const lastPage = lastPageOf(g, flow, last);
  const { widows, orphans } = widowsAndOrphans(g, flow);
  const findings = { overprint, footGaps, lastPage, widows, orphans, gridPages };
  return {
    bodyHeight: g.bodyH,
    pitch: g.pitch,
    columns: g.cols.map((c): [number, number] => [c, rightEdge(g, c)]),
    typeBottom: pyRound(g.typeBottom, 1),
    ...findings,
    summary: summarize(findings),
  };
}

/** The page make-up measures of a PDF (bytes, or a file path), as `page-check FILE --json` reports them. */
export async function measurePages(pdf: Uint8Array | string): Promise<PageMeasures> {
  const bytes = typeof pdf === 'string' ? await readFile(pdf) : pdf;
  return measureBboxLayout(await pdftotext(bytes, '-bbox-layout'));
}

/**
 * The measures that fail page-check's `--check`, in its order: overprint, widows, orphans, gridPages when > 0;
 * worstFootGap when >= 2 (a column two lines short); lastPageImbalance when > 1. Empty = page make-up ok.
 */
export function failures(summary: PageSummary): string[] {
  const fails: string[] = (['overprint', 'widows', 'orphans', 'gridPages'] as const).filter(
    (k) => summary[k],
  );
  if (summary.worstFootGap >= 2) fails.push('worstFootGap');
  if (summary.lastPageImbalance > 1) fails.push('lastPageImbalance');
  return fails;
}
