import { lstatSync, readdirSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { writeCacheFile } from './cache-dir.js';

/**
 * Keeping the disk cache folder to a size. Everything Briefing keeps there is named by a hash of what made it, so
 * a file is never replaced, only added: each chart drawn, template text compiled and module text of a new version
 * adds one, and nothing else would ever remove them. Pruning removes the least recently used files first — by
 * modification time, which readCacheFile (cache-dir.ts) sets to now when it reads a file last marked more than a
 * day ago — until the folder is at 80 % of its limit, and temporary files a crashed writer left. It touches only
 * the folders below, and in them only files with the names Briefing gives (a hash, an extension, a temporary
 * suffix): a cache folder set by mistake to a folder of the user's own loses nothing.
 */
export const CACHE_PARTS = [
  'charts',
  'code',
  'documents',
  'drawings',
  'faces',
  'schemas',
  'templates',
] as const;
export type CachePart = (typeof CACHE_PARTS)[number];

/** The default limit, in MB: `BRIEFING_CACHE_MAX_MB` sets another, `off` (or 0) none. */
export const DEFAULT_CACHE_MAX_MB = 512;
/** Pruning runs at most this often by itself (`pruneIfDue`); the file `pruned` in the folder says when it last did. */
export const PRUNE_EVERY_MS = 24 * 3600 * 1000;
const STAMP = 'pruned';
/** What pruning leaves of the limit, so that it does not run again as soon as a few files are added. */
const KEEP_SHARE = 0.8;
/** A temporary file older than this was left by a writer that died (writes take milliseconds). */
const STALE_TMP_MS = 3600 * 1000;

/** A kept file's name: its key's hash (SHA-1 or SHA-256, hex), then its extensions. */
const KEPT_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})(?:\.[a-z]+){0,3}$/;
/** A temporary file of writeCacheFile: the target's name, the writer's pid and 8 random hex digits. */
const TMP_NAME = /^(?:[0-9a-f]{40}|[0-9a-f]{64})(?:\.[a-z]+){0,3}\.\d+\.[0-9a-f]{8}\.tmp$/;
/** Folders inside a part: only the code cache has them, one per Node version and architecture. */
const SUBFOLDER_NAME = /^v\d+\.\d+\.\d+-[a-z0-9_]+$/;

interface Entry {
  file: string;
  bytes: number;
  mtimeMs: number;
  tmp: boolean;
}

/** Files and bytes. */
export interface Amount {
  files: number;
  bytes: number;
}

/** What the cache folder holds, by part, and when it was last pruned (ms since the epoch), if ever. */
export interface CacheUsage extends Amount {
  dir: string;
  parts: Record<CachePart, Amount>;
  prunedAt?: number;
}

/** What a pruning found and removed. */
export interface PruneResult {
  before: Amount;
  removed: Amount;
  after: Amount;
  /** The limit pruned to, in bytes, or false when there is none (only stale temporary files were removed). */
  limit: number | false;
}

/** The cache's size limit in bytes from `BRIEFING_CACHE_MAX_MB` (a positive number of MB; `off` or 0: none). */
export function cacheLimit(env: NodeJS.ProcessEnv = process.env): {
  limit: number | false;
  problem?: string;
} {
  const raw = env.BRIEFING_CACHE_MAX_MB?.trim();
  if (!raw) return { limit: DEFAULT_CACHE_MAX_MB * 2 ** 20 };
  if (/^(0|off|false|no)$/i.test(raw)) return { limit: false };
  const mb = Number(raw);
  if (Number.isFinite(mb) && mb > 0) return { limit: Math.round(mb * 2 ** 20) };
  return {
    limit: DEFAULT_CACHE_MAX_MB * 2 ** 20,
    problem: `BRIEFING_CACHE_MAX_MB=${raw} is not a number of MB (or off); the default, ${DEFAULT_CACHE_MAX_MB} MB, applies`,
  };
}

/** Every file of ours in a part, depth first; symbolic links are never followed. */
function entriesOf(dir: string, part: CachePart): { entries: Entry[]; folders: string[] } {
  const entries: Entry[] = [];
  const folders: string[] = [];
  const root = path.join(dir, part);
  try {
    if (!lstatSync(root).isDirectory()) return { entries, folders };
  } catch {
    return { entries, folders };
  }
  const walk = (folder: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      const file = path.join(folder, name);
      let st;
      try {
        st = lstatSync(file);
      } catch {
        continue; // removed meanwhile
      }
      if (st.isDirectory()) {
        if (depth === 0 && part === 'code' && SUBFOLDER_NAME.test(name)) {
          folders.push(file);
          walk(file, depth + 1);
        }
      } else if (st.isFile()) {
        const tmp = TMP_NAME.test(name);
        if (tmp || KEPT_NAME.test(name)) entries.push({ file, bytes: st.size, mtimeMs: st.mtimeMs, tmp });
      }
    }
  };
  walk(root, 0);
  return { entries, folders };
}

const sum = (entries: readonly Entry[]): Amount => ({
  files: entries.length,
  bytes: entries.reduce((n, e) => n + e.bytes, 0),
});

/** What the cache folder holds (only what pruning would count). */
export function cacheUsage(dir: string): CacheUsage {
  const parts = {} as Record<CachePart, Amount>;
  const all: Entry[] = [];
  for (const part of CACHE_PARTS) {
    const { entries } = entriesOf(dir, part);
    parts[part] = sum(entries);
    all.push(...entries);
  }
  let prunedAt: number | undefined;
  try {
    prunedAt = statSync(path.join(dir, STAMP)).mtimeMs;
  } catch {
    prunedAt = undefined;
  }
  return { dir, parts, ...sum(all), ...(prunedAt !== undefined ? { prunedAt } : {}) };
}

function remove(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false; // gone already (another process pruning), or not ours to remove
  }
}

/**
 * Removes stale temporary files, then, while the folder holds more than `limit` bytes, the least recently used
 * files until it holds at most 80 % of it; then the code cache's folders left empty. Marks the folder pruned now.
 * A file another build is reading stays readable to it (it only loses its name), and a build that looks for a
 * removed file makes it again.
 */
export function pruneCache(
  dir: string,
  limit: number | false,
  { now = Date.now(), tmpOlderThanMs = STALE_TMP_MS }: { now?: number; tmpOlderThanMs?: number } = {},
): PruneResult {
  const all: Entry[] = [];
  const folders: string[] = [];
  for (const part of CACHE_PARTS) {
    const found = entriesOf(dir, part);
    all.push(...found.entries);
    folders.push(...found.folders);
  }
  const before = sum(all);
  const removed: Entry[] = [];
  const kept: Entry[] = [];
  for (const e of all) {
    if (e.tmp && now - e.mtimeMs >= tmpOlderThanMs && remove(e.file)) removed.push(e);
    else if (!e.tmp) kept.push(e);
  }
  let bytes = sum(kept).bytes;
  if (limit !== false && bytes > limit) {
    // Oldest first; the name breaks ties, so that the same folder is pruned the same way.
    kept.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    for (const e of kept) {
      if (bytes <= limit * KEEP_SHARE) break;
      if (remove(e.file)) {
        removed.push(e);
        bytes -= e.bytes;
      }
    }
  }
  for (const folder of folders) {
    try {
      if (readdirSync(folder).length === 0) rmdirSync(folder);
    } catch {
      // not empty after all, or gone
    }
  }
  writeCacheFile(path.join(dir, STAMP), `${new Date(now).toISOString()}\n`);
  const gone = sum(removed);
  return {
    before,
    removed: gone,
    after: { files: before.files - gone.files, bytes: before.bytes - gone.bytes },
    limit,
  };
}

/**
 * Prunes the folder if it was last pruned a day ago or more (or never), with the limit `BRIEFING_CACHE_MAX_MB`
 * sets: what the commands that write the cache call when they end. Costs one `stat` when not due. The mark is
 * set before pruning, so that builds running at the same time do not all prune. Nothing happens when there is
 * no cache folder, or it cannot be written.
 */
export function pruneIfDue(
  dir: string | false,
  env: NodeJS.ProcessEnv = process.env,
  now = Date.now(),
): PruneResult | undefined {
  if (!dir) return undefined;
  const stamp = path.join(dir, STAMP);
  try {
    if (now - statSync(stamp).mtimeMs < PRUNE_EVERY_MS) return undefined;
  } catch {
    // never pruned: due, if there is a folder
    try {
      if (!statSync(dir).isDirectory()) return undefined;
    } catch {
      return undefined;
    }
  }
  if (!writeCacheFile(stamp, `${new Date(now).toISOString()}\n`)) return undefined;
  return pruneCache(dir, cacheLimit(env).limit, { now });
}

/** Removes everything pruning may remove, whatever its age: what `briefing cache --clear` does. */
export function clearCache(dir: string): PruneResult {
  return pruneCache(dir, 0, { tmpOlderThanMs: 0 });
}
