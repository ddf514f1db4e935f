import { createHash } from 'node:crypto';
import path from 'node:path';
import { privateCacheDir, readCacheFile, writeCacheFile } from '../build/cache-dir.js';

/**
 * A face's record: what its cmap and its shaping answered — the glyph and advance of each character looked up, and
 * the glyphs and positions of each run shaped (fontkit's `layout`, GSUB and GPOS applied) — kept in the cache folder
 * under a hash of the tables those answers come from. A new process then measures and draws text set before
 * without fontkit decoding the face's cmap, GSUB and GPOS, which is most of what text costs a cold build; the face is
 * parsed fully only to be subset. A lookup the record lacks goes to fontkit and joins the record.
 *
 * The answers depend on the font's tables and fontkit's code only: the key hashes the table directory and every
 * table but the outlines (which a face with GPOS never consults for shaping; a face without it is hashed whole),
 * fontkit's version and this record's format. The folder is one only this user may write to (a record decides which
 * glyphs a text is drawn with), and a record that is not well formed is ignored and made again.
 */

/** A glyph: [id, advance width, its characters…]; a position: [xAdvance, yAdvance, xOffset, yOffset] (font units). */
type RecordedRun = [glyphs: number[][], positions: number[][]];

/** What this module needs of a fontkit font: its own `layout`, cmap lookups, and the table cache to inspect. */
export interface RecordableFont {
  layout(text: string, features?: unknown, ...rest: unknown[]): unknown;
  hasGlyphForCodePoint(cp: number): boolean;
  glyphForCodePoint(cp: number): { id: number; advanceWidth: number; codePoints: number[] };
}

/** A glyph as the cmap gives it: enough for measuring and drawing an unshaped character. */
export interface CmapGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}

const FORMAT = 2;
/**
 * How often a process writes a record that keeps gaining answers: a batch worker's every report adds a few (its
 * numbers), and writing the four records after each one cost ~15 ms a report. What a worker learnt since its
 * last write is lost if it stops; the next build learns it again.
 */
const SAVE_EVERY_MS = 10_000;
/** Runs a record keeps on disk; past this, only the runs this process used are written. */
const RUNS_KEPT = 20_000;

let shaperVersions = 'unknown';
/**
 * The versions of fontkit and of the Unicode data it shapes with (their answers depend on them: part of the key);
 * set by fonts/shared.ts, which resolves fontkit.
 */
export function setShaperVersions(v: string): void {
  shaperVersions = v;
}

/** The versions of fontkit and its Unicode data, as fonts/shared.ts found them. */
export function getShaperVersions(): string {
  return shaperVersions;
}

/** A glyph run as fontkit's GlyphRun presents it to pdfkit: glyphs, positions, and the advance summed from them. */
class Run {
  constructor(
    readonly glyphs: CmapGlyph[],
    readonly positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[],
  ) {}
  get advanceWidth(): number {
    let w = 0;
    for (const p of this.positions) w += p.xAdvance;
    return w;
  }
}

class FaceRecord {
  readonly cmap = new Map<number, [id: number, advance: number]>();
  readonly runs = new Map<string, RecordedRun>();
  readonly used = new Set<string>();
  /** The file this record was last read from or written to, and whether it has answers that file lacks. */
  file: string | undefined;
  dirty = false;
  /** When this process last wrote the record (a process that builds report after report writes it now and then). */
  private savedAt = -Infinity;
  private key: string | undefined;
  /** The folder the last lookup was made with: a record is read at its first lookup with a folder set. */
  private seen: string | undefined;

  constructor(private readonly buffer: Uint8Array) {}

  private fileIn(dir: string): string {
    return path.join(dir, `${(this.key ??= recordKey(this.buffer))}.json`);
  }

  /** Reads the record from a folder at the first lookup made with it set, adding its answers to those known. */
  ready(): this {
    if (this.seen !== recordDir) {
      this.seen = recordDir;
      if (recordDir) this.read(this.fileIn(recordDir));
    }
    return this;
  }

  private read(file: string): void {
    this.file = file;
    const bytes = readCacheFile(file);
    if (!bytes) return;
    const text = bytes.toString('utf8');
    const parsed = wellFormed(text, glyphCount(this.buffer));
    if (!parsed) return;
    // Added to what this process knows already (the same answers: the file is this face's).
    for (const [cp, id, advance] of parsed.cmap) if (!this.cmap.has(cp)) this.cmap.set(cp, [id, advance]);
    for (const [key, glyphs, positions] of parsed.runs)
      if (!this.runs.has(key)) this.runs.set(key, [glyphs, positions]);
    if (this.cmap.size > parsed.cmap.length || this.runs.size > parsed.runs.length) this.dirty = true;
  }

  save(): void {
    if (!recordDir) return;
    const file = this.fileIn(recordDir);
    if (file === this.file && (!this.dirty || performance.now() - this.savedAt < SAVE_EVERY_MS)) return;
    if (this.runs.size > RUNS_KEPT)
      for (const k of this.runs.keys()) if (!this.used.has(k)) this.runs.delete(k);
    const body = {
      format: FORMAT,
      cmap: [...this.cmap].map(([cp, [id, advance]]) => [cp, id, advance]),
      runs: [...this.runs].map(([k, [g, p]]) => [k, g, p]),
    };
    if (writeCacheFile(file, JSON.stringify(body), 0o600)) {
      this.file = file;
      this.dirty = false;
      this.savedAt = performance.now();
    }
  }
}

/**
 * The record's answers, or undefined when the text is not a record of this format with numbers where they belong
 * and glyph numbers the face has (`glyphs` of them).
 */
function wellFormed(
  text: string,
  glyphs: number,
): { cmap: [number, number, number][]; runs: [string, number[][], number[][]][] } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const nums = (a: unknown, n?: number): a is number[] =>
    Array.isArray(a) && (n === undefined || a.length === n) && a.every((x) => typeof x === 'number');
  const r = v as { format?: unknown; cmap?: unknown; runs?: unknown };
  if (r?.format !== FORMAT || !Array.isArray(r.cmap) || !Array.isArray(r.runs)) return undefined;
  const glyph = (id: unknown) => Number.isInteger(id) && (id as number) >= 0 && (id as number) < glyphs;
  if (!r.cmap.every((e) => nums(e, 3) && glyph(e[1]))) return undefined;
  const run = (e: unknown) =>
    Array.isArray(e) &&
    e.length === 3 &&
    typeof e[0] === 'string' &&
    Array.isArray(e[1]) &&
    Array.isArray(e[2]) &&
    e[1].length === e[2].length &&
    e[1].every((g: unknown) => nums(g) && g.length >= 2 && glyph(g[0])) &&
    e[2].every((p: unknown) => nums(p, 4));
  if (!r.runs.every(run)) return undefined;
  return r as { cmap: [number, number, number][]; runs: [string, number[][], number[][]][] };
}

/** The face's table directory, in file order: tag, offset, length. */
function tableDirectory(buffer: Uint8Array): { tag: string; offset: number; length: number }[] {
  const b = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return Array.from({ length: b.readUInt16BE(4) }, (_, i) => ({
    tag: b.toString('latin1', 12 + 16 * i, 16 + 16 * i),
    offset: b.readUInt32BE(20 + 16 * i),
    length: b.readUInt32BE(24 + 16 * i),
  }));
}

/** The number of glyphs of the face (its `maxp` table), 0 if it has none. */
function glyphCount(buffer: Uint8Array): number {
  const maxp = tableDirectory(buffer).find((t) => t.tag === 'maxp');
  return maxp && maxp.offset + 6 <= buffer.length
    ? (buffer[maxp.offset + 4]! << 8) | buffer[maxp.offset + 5]!
    : 0;
}

/** The record's file name: a hash of the table directory and of every table shaping may read. */
function recordKey(buffer: Uint8Array): string {
  const tables = tableDirectory(buffer);
  const h = createHash('sha256').update(`briefing face record ${FORMAT}; ${shaperVersions}\n`);
  h.update(buffer.subarray(0, 12 + 16 * tables.length));
  const outlinesUnused = tables.some((t) => t.tag === 'GPOS');
  for (const { tag, offset, length } of tables)
    if (!(outlinesUnused && (tag === 'glyf' || tag === 'CFF ' || tag === 'CFF2')))
      h.update(buffer.subarray(offset, offset + length));
  return h.digest('hex');
}

let recordDir: string | undefined;
const usable = new Map<string, boolean>();
const records = new WeakMap<object, FaceRecord>();
const attached = new Set<FaceRecord>();

/**
 * Where records are read and written: `<cache>/faces` of the build's cache folder, or nowhere (`false`: the cache
 * is off; answers are still kept for the process). A build sets it before it measures text.
 */
export function useRecordDir(cacheDir: string | false | undefined): void {
  if (!cacheDir) {
    recordDir = undefined;
    return;
  }
  const dir = path.join(cacheDir, 'faces');
  let ok = usable.get(dir);
  if (ok === undefined) usable.set(dir, (ok = privateCacheDir(dir)));
  recordDir = ok ? dir : undefined;
}

/** Writes the records that gained answers since they were read (to the current folder). */
export function saveRecords(): void {
  for (const r of attached) r.save();
}

/** Makes the font's `layout` answer from its face's record (`buffer`: the bytes it was parsed from). Once a font. */
export function attachRecord(font: RecordableFont, buffer: Uint8Array): void {
  if (records.has(font)) return;
  const tag = Buffer.from(buffer.buffer, buffer.byteOffset, 4).readUInt32BE(0);
  // A single TrueType or OpenType face only (a collection's faces share a file the key does not describe).
  if (tag !== 0x00010000 && tag !== 0x4f54544f && tag !== 0x74727565) return;
  const record = new FaceRecord(buffer);
  records.set(font, record);
  attached.add(record);
  const layout = font.layout.bind(font);
  font.layout = function (text: string, features?: unknown, ...rest: unknown[]) {
    if (rest.length || typeof text !== 'string') return layout(text, features, ...rest);
    const r = record.ready();
    const key = `${features === undefined ? '' : JSON.stringify(features)}\u0000${text}`;
    r.used.add(key);
    const kept = r.runs.get(key);
    if (kept) return runOf(kept);
    const run = layout(text, features) as Run & { direction?: string };
    // A glyph's code points, as fontkit gives them, are those of whichever characters first asked for the glyph in
    // this process (some characters share one: "-" and U+2011, space and U+00A0): kept, they would carry one
    // document's text into another's (its ToUnicode map). A run whose glyphs take the text's characters in order
    // (one each, or a ligature's few) is kept with the text's own characters; any other (a reordered script) is
    // not kept, and goes to fontkit each time.
    const chars = [...text].map((c) => c.codePointAt(0)!);
    let at = 0;
    const glyphs = run.glyphs.map((g) => [
      g.id,
      g.advanceWidth,
      ...chars.slice(at, (at += g.codePoints.length)),
    ]);
    if (run.direction === 'rtl' || at !== chars.length) return run;
    // A process that sets text for days (a queue worker) starts its record over now and then.
    if (r.runs.size >= 2 * RUNS_KEPT) {
      r.runs.clear();
      r.used.clear();
    }
    // Kept before anyone scales the positions (pdfkit does, in place).
    const recorded: RecordedRun = [
      glyphs,
      run.positions.map((p) => [p.xAdvance, p.yAdvance, p.xOffset, p.yOffset]),
    ];
    r.runs.set(key, recorded);
    r.dirty = true;
    return runOf(recorded);
  };
}

/** A recorded run as fontkit's GlyphRun presents it, a new one each time (pdfkit scales positions in place). */
function runOf([glyphs, positions]: RecordedRun): Run {
  return new Run(
    glyphs.map(([id, advanceWidth, ...codePoints]) => ({ id: id!, advanceWidth: advanceWidth!, codePoints })),
    positions.map(([xAdvance, yAdvance, xOffset, yOffset]) => ({
      xAdvance: xAdvance!,
      yAdvance: yAdvance!,
      xOffset: xOffset!,
      yOffset: yOffset!,
    })),
  );
}

/** The cmap's glyph for a character, with its advance, or undefined when the face has none; from the record if it has it. */
export function cmapGlyph(font: RecordableFont, cp: number): CmapGlyph | undefined {
  const record = records.get(font)?.ready();
  const kept = record?.cmap.get(cp);
  if (kept) return kept[0] ? { id: kept[0], advanceWidth: kept[1], codePoints: [cp] } : undefined;
  const found = font.hasGlyphForCodePoint(cp) ? font.glyphForCodePoint(cp) : undefined;
  // The character asked for (fontkit's glyph carries the first character that asked for it).
  const g = found && { id: found.id, advanceWidth: found.advanceWidth, codePoints: [cp] };
  if (record) {
    record.cmap.set(cp, g ? [g.id, g.advanceWidth] : [0, 0]);
    record.dirty = true;
  }
  return g;
}
