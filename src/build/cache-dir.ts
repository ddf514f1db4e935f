import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  futimesSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/**
 * The disk cache folder: `BRIEFING_CACHE_DIR` if set (`off`, `false`, `0` or `no` turn the disk cache off),
 * else the user's cache folder (`$XDG_CACHE_HOME/briefing`, or `~/.cache/briefing`), so that Briefing never
 * leaves files beside the user's own. Entries are keyed by content; sharing them between projects is safe.
 */
export function cacheDirFor(_outFile?: string): string | false {
  const env = process.env.BRIEFING_CACHE_DIR?.trim();
  if (env) return switchedOff(env) ? false : path.resolve(env);
  const xdg = process.env.XDG_CACHE_HOME?.trim();
  return path.join(xdg ? path.resolve(xdg) : path.join(os.homedir(), '.cache'), 'briefing');
}

/** Whether an environment variable's value turns something off: `0`, `off`, `false` or `no`, in any case. */
export function switchedOff(value: string | undefined): boolean {
  return /^(0|off|false|no)$/i.test(value?.trim() ?? '');
}

/**
 * Writes a file of the disk cache atomically: a temporary file beside it (named for this process), renamed over
 * it, so a reader at the same time sees a whole file or none. A cache that cannot be written is no error: the
 * caller goes on without it. Returns whether the file was written; a failed write leaves no temporary behind.
 */
export function writeCacheFile(file: string, bytes: string | Uint8Array, mode = 0o644): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, bytes, { mode });
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    return false;
  }
}

/** A file used again after this long is marked used (cache-prune.ts removes the least recently used first). */
export const MARK_USED_AFTER_MS = 24 * 3600 * 1000;

/**
 * A file of the disk cache, read whole — open, fstat, read, as `readFileSync` does —, or undefined when it is
 * missing, unreadable, not a regular file or larger than `maxBytes`. A file last marked more than a day ago gets
 * its modification time set to now: the time pruning goes by (cache-prune.ts), so a file in use is never the
 * oldest, at the cost of one call a file a day.
 */
export function readCacheFile(file: string, maxBytes = Infinity, now = Date.now()): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const bytes = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    if (now - st.mtimeMs > MARK_USED_AFTER_MS) {
      try {
        futimesSync(fd, new Date(now), new Date(now));
      } catch {
        // a file someone else owns: read, not marked
      }
    }
    return got === bytes.length ? bytes : bytes.subarray(0, got);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * A folder of the cache for files whose contents run as code (V8's code cache, compiled schema validators),
 * made if missing: only if it and its parent belong to this user and no one else may write to them, since whoever
 * can write there can run code in every build. Returns whether the folder may be used.
 */
export function privateCacheDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const d of [dir, path.dirname(dir)]) {
      const st = statSync(d);
      if ((process.getuid && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a CommonJS file of the cache (code Briefing wrote there: a compiled validator, compiled templates) and gives
 * its `module.exports`, or undefined when the file is missing or does not run. Only for files of a folder that
 * `privateCacheDir` allowed.
 */
export function runCacheModule(file: string, require?: NodeJS.Require): unknown {
  try {
    const bytes = readCacheFile(file);
    if (!bytes) return undefined;
    const code = bytes.toString('utf8');
    const run = vm.runInThisContext(`(function (module, exports, require) {${code}\n})`, {
      filename: file,
    }) as (m: { exports: unknown }, e: unknown, r: NodeJS.Require | undefined) => void;
    const mod: { exports: unknown } = { exports: {} };
    run(mod, mod.exports, require);
    return mod.exports;
  } catch {
    return undefined;
  }
}
