import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../emit/write.js';
import { PACKAGE_ROOT } from '../build/paths.js';
import { DEFAULT_MAX_DATA_MB, readBounded } from '../data/read.js';
import { loadFontSet } from '../fonts/fonts.js';
import { TABLE_LIMITS } from '../tables/read.js';
import { tableFilesOf } from '../tables/refs.js';

/** What the last batch recorded for each output: the hash of its inputs and the file it wrote. */
export interface BatchState {
  version: 1;
  reports: Record<string, { hash: string; bytes: number; pages: number }>;
}

/** The state file's name, beside the outputs. */
export const STATE_FILE = '.briefing-batch.json';

export function readState(outDir: string): BatchState {
  try {
    const s = JSON.parse(readFileSync(path.join(outDir, STATE_FILE), 'utf8')) as BatchState;
    if (s.version === 1 && s.reports && typeof s.reports === 'object') return s;
  } catch {
    // No state, or a damaged one: everything counts as new.
  }
  return { version: 1, reports: {} };
}

/** Writes the state atomically: a run killed at any moment leaves the old state or the new one, whole. */
export async function writeState(outDir: string, state: BatchState): Promise<void> {
  // Sorted by code unit, not by locale (`localeCompare` made writing the state of a few thousand reports the
  // largest cost of the batch process).
  const sorted = Object.fromEntries(
    Object.entries(state.reports).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  await writeFileAtomic(
    path.join(outDir, STATE_FILE),
    Buffer.from(JSON.stringify({ version: 1, reports: sorted }, null, 1) + '\n'),
  );
}

/**
 * Saves a batch's state as reports are recorded: one write at a time, the next as soon as the last is done
 * unless writing would take more than a tenth of the time — a state of thousands of reports takes tens of
 * milliseconds to write, and written after every report it kept the batch process busy on a core its workers
 * need. What a kill loses is at most the reports recorded since the last write: the next run builds them again.
 */
export class StateSaver {
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private closed = false;
  private lastEnd = 0;
  private lastMs = 0;

  constructor(
    private readonly outDir: string,
    private readonly state: BatchState,
  ) {}

  /** The state has changed: write it now, or when the write in progress (or the pause after it) is over. */
  request(): void {
    this.dirty = true;
    if (this.writing || this.timer || this.closed) return;
    const wait = this.lastEnd + this.lastMs * 9 - performance.now();
    if (wait <= 0) this.start();
    else
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.start();
      }, wait);
  }

  /** Waits for the write in progress, then writes the state as it is now (a write that fails is ignored). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    await writeState(this.outDir, this.state).catch(() => undefined);
  }

  private start(): void {
    this.dirty = false;
    const started = performance.now();
    this.writing = writeState(this.outDir, this.state)
      .catch(() => undefined)
      .then(() => {
        this.lastEnd = performance.now();
        this.lastMs = this.lastEnd - started;
        this.writing = undefined;
        if (this.dirty) this.request();
      });
  }
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string, prefix = ''): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, full, rel);
    else if (entry.isFile()) hash.update(`file ${rel}\0`).update(readFileSync(full)).update('\0');
  }
}

/** The hashes an InputHasher computes once for all reports of a pack: see `InputHasher.partsFor`. */
export interface HashParts {
  common: string;
  packDir: string;
  pack: string;
}

/**
 * Hashes everything a report's bytes depend on apart from its data: Briefing's own code and version, the font
 * configuration and font files (path, size, modification time), and each template pack's files.
 */
export class InputHasher {
  private readonly packs = new Map<string, string>();
  private base: string | undefined;

  constructor(
    private readonly fontsConfig: string,
    /** Data files larger than this (MB) are not read here: their build fails on the same limit. */
    private readonly maxDataMb: number = DEFAULT_MAX_DATA_MB,
    /** What another hasher computed for these fonts and a pack (`partsFor`): a batch's worker is given them. */
    known?: HashParts,
  ) {
    if (known) {
      this.base = known.common;
      this.packs.set(known.packDir, known.pack);
    }
  }

  /** The hashes of what reports of one pack share (Briefing, the fonts, the pack), for a hasher in a worker. */
  partsFor(templateDir: string): HashParts {
    return { common: this.common(), packDir: templateDir, pack: this.pack(templateDir) };
  }

  private common(): string {
    if (this.base) return this.base;
    const h = createHash('sha256');
    const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    h.update(`briefing ${pkg.version}\0`);
    const dist = path.join(PACKAGE_ROOT, 'dist');
    if (existsSync(dist)) hashTree(h, dist);
    if (existsSync(this.fontsConfig)) h.update(readFileSync(this.fontsConfig));
    const { fonts } = loadFontSet(this.fontsConfig);
    for (const fam of fonts?.families.values() ?? [])
      for (const face of [fam.regular, fam.bold]) {
        const st = statSync(face.file);
        h.update(`${face.file}|${st.size}|${st.mtimeMs}\0`);
      }
    return (this.base = h.digest('hex'));
  }

  private pack(dir: string): string {
    let v = this.packs.get(dir);
    if (!v) {
      const h = createHash('sha256');
      if (existsSync(dir)) hashTree(h, dir);
      this.packs.set(dir, (v = h.digest('hex')));
    }
    return v;
  }

  /**
   * The hash of one report's inputs: the data file and the tables it refers to ({ $csv: … }, { $xlsx: … }), so
   * that a changed table rebuilds its report. Undefined when the data file cannot be read (the build will say
   * why).
   */
  hash(templateDir: string, dataFile: string): string | undefined {
    // Bounded like the build's own read: a FIFO, a device or a huge file is never read outside every limit.
    const read = readBounded(dataFile, this.maxDataMb * 2 ** 20);
    if ('problem' in read) return undefined;
    const data = read.bytes;
    const h = createHash('sha256')
      .update(this.common())
      .update(this.pack(templateDir))
      .update(dataFile)
      .update('\0')
      .update(data);
    for (const table of tableFilesOf(dataFile, data)) {
      h.update(`\0table ${table}\0`);
      // Only a regular file within the size limit is read (never a FIFO, which would block); anything else
      // hashes as what it is, and the build reports it.
      const read = readBounded(table, TABLE_LIMITS.fileBytes);
      h.update('bytes' in read ? read.bytes : `not read: ${JSON.stringify(read.problem)}`);
    }
    return h.digest('hex');
  }
}
