import {
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCacheFile } from '../src/build/cache-dir.js';
import {
  cacheLimit,
  cacheUsage,
  clearCache,
  pruneCache,
  pruneIfDue,
  PRUNE_EVERY_MS,
} from '../src/build/cache-prune.js';
import { tempTree } from './support/tmp.js';

const DAY = 24 * 3600 * 1000;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const hex = (n: number, len = 64) => n.toString(16).padStart(len, '0');

/** Writes `bytes` bytes at `rel` in `dir`, last modified `ageDays` before NOW. */
function put(dir: string, rel: string, bytes: number, ageDays: number): string {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.alloc(bytes, 1));
  const t = new Date(NOW - ageDays * DAY);
  utimesSync(file, t, t);
  return file;
}

/** The files left in a folder, relative, sorted. */
function left(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

describe('the disk cache kept to a size (build/cache-prune.ts)', () => {
  it('removes the least recently used files first, down to 80 % of the limit, and only files of its own', () => {
    const dir = tempTree({});
    // Ten charts of 100 KB, the oldest first (10 days … 1 day old).
    for (let i = 0; i < 10; i++) put(dir, `charts/${hex(i)}.json`, 100_000, 10 - i);
    const code = `code/${process.version}-${process.arch}`;
    put(dir, `${code}/${hex(20, 40)}`, 100_000, 30);
    put(dir, `code/v18.0.0-x64/${hex(21, 40)}`, 100_000, 60);
    // What is not Briefing's is never counted nor removed: files by other names, other folders, a linked folder.
    put(dir, 'templates/my-pack/template.hbs', 500_000, 400);
    put(dir, 'charts/notes.txt', 500_000, 400);
    put(dir, 'mine/keep.json', 500_000, 400);
    const outside = tempTree({});
    put(outside, `${hex(99)}.json`, 500_000, 400);
    symlinkSync(outside, path.join(dir, 'drawings'));

    expect(cacheUsage(dir)).toMatchObject({ files: 12, bytes: 1_200_000 });
    const r = pruneCache(dir, 1_000_000, { now: NOW });
    // 1.2 MB over a 1 MB limit: down to 0.8 MB, the four oldest files go (the other Node's code, then the code
    // and charts 0 and 1, by age).
    expect(r.before).toEqual({ files: 12, bytes: 1_200_000 });
    expect(r.removed).toEqual({ files: 4, bytes: 400_000 });
    expect(r.after).toEqual({ files: 8, bytes: 800_000 });
    expect(left(dir)).toEqual(
      [
        ...Array.from({ length: 8 }, (_, i) => `charts/${hex(i + 2)}.json`),
        'charts/notes.txt',
        `drawings/${hex(99)}.json`, // through the link: not removed
        'mine/keep.json',
        'pruned',
        'templates/my-pack/template.hbs',
      ].sort(),
    );
    // The empty folder of the other Node version went with its last file; the linked folder was not followed.
    expect(existsSync(path.join(dir, 'code/v18.0.0-x64'))).toBe(false);
    expect(existsSync(path.join(dir, code))).toBe(false);
    expect(left(outside)).toEqual([`${hex(99)}.json`]);
    // Within the limit: nothing more goes.
    expect(pruneCache(dir, 1_000_000, { now: NOW }).removed).toEqual({ files: 0, bytes: 0 });
  });

  it('keeps a file a build read again, however old it was (readCacheFile marks it used)', () => {
    const dir = tempTree({});
    const old = put(dir, `charts/${hex(1)}.json`, 100_000, 20);
    put(dir, `charts/${hex(2)}.json`, 100_000, 10);
    put(dir, `charts/${hex(3)}.json`, 100_000, 5);
    expect(readCacheFile(old, Infinity, NOW)?.length).toBe(100_000);
    expect(statSync(old).mtimeMs).toBe(NOW);
    // A file marked less than a day ago is not written to again.
    const recent = put(dir, `charts/${hex(4)}.json`, 10, 0.5);
    const before = statSync(recent).mtimeMs;
    readCacheFile(recent, Infinity, NOW);
    expect(statSync(recent).mtimeMs).toBe(before);
    pruneCache(dir, 250_000, { now: NOW });
    expect(left(dir)).toEqual([`charts/${hex(1)}.json`, `charts/${hex(4)}.json`, 'pruned'].sort());
    // Missing, too large, or a folder: nothing read.
    expect(readCacheFile(path.join(dir, 'charts/none.json'))).toBeUndefined();
    expect(readCacheFile(old, 99_999)).toBeUndefined();
    expect(readCacheFile(path.join(dir, 'charts'))).toBeUndefined();
  });

  it('removes temporary files a crashed writer left, but not one being written', () => {
    const dir = tempTree({});
    put(dir, `schemas/${hex(1)}.cjs.1234.0a1b2c3d.tmp`, 10, 2 / 24);
    put(dir, `schemas/${hex(2)}.cjs.1234.0a1b2c3e.tmp`, 10, 0);
    put(dir, `schemas/${hex(3)}.cjs`, 10, 30);
    const r = pruneCache(dir, false, { now: NOW });
    expect(r.removed.files).toBe(1);
    expect(left(dir)).toEqual(
      [`schemas/${hex(2)}.cjs.1234.0a1b2c3e.tmp`, `schemas/${hex(3)}.cjs`, 'pruned'].sort(),
    );
  });

  it('prunes by itself once a day, with the limit BRIEFING_CACHE_MAX_MB sets', () => {
    const dir = tempTree({});
    for (let i = 0; i < 4; i++) put(dir, `templates/${hex(i)}.cjs`, 2 ** 20, 10 - i);
    const env = { BRIEFING_CACHE_MAX_MB: '3' };
    // Never pruned: due. 4 MB over 3: down to 2.4, two files go.
    expect(pruneIfDue(dir, env, NOW)?.removed.files).toBe(2);
    expect(cacheUsage(dir).prunedAt).toBeGreaterThan(0);
    put(dir, `templates/${hex(8)}.cjs`, 2 ** 20, 0);
    put(dir, `templates/${hex(9)}.cjs`, 2 ** 20, 0);
    // Pruned today: not due, whatever the folder holds (one stat).
    const stamp = path.join(dir, 'pruned');
    utimesSync(stamp, new Date(NOW - 1000), new Date(NOW - 1000));
    expect(pruneIfDue(dir, env, NOW)).toBeUndefined();
    expect(cacheUsage(dir).files).toBe(4);
    // A day later it is.
    expect(pruneIfDue(dir, env, NOW + PRUNE_EVERY_MS)?.removed.files).toBe(2);
    // `off`: no limit (stale temporary files still go); no folder, or the cache off: nothing at all.
    utimesSync(stamp, new Date(0), new Date(0));
    expect(pruneIfDue(dir, { BRIEFING_CACHE_MAX_MB: 'off' }, NOW)?.removed.files).toBe(0);
    const none = path.join(tempTree({}), 'cache');
    expect(pruneIfDue(none, env, NOW)).toBeUndefined();
    expect(existsSync(none)).toBe(false);
    expect(pruneIfDue(false, env, NOW)).toBeUndefined();
  });

  it('reads the limit from the environment, and says what is wrong with a bad one', () => {
    expect(cacheLimit({})).toEqual({ limit: 512 * 2 ** 20 });
    expect(cacheLimit({ BRIEFING_CACHE_MAX_MB: '0.5' })).toEqual({ limit: 2 ** 19 });
    expect(cacheLimit({ BRIEFING_CACHE_MAX_MB: 'OFF' })).toEqual({ limit: false });
    expect(cacheLimit({ BRIEFING_CACHE_MAX_MB: '0' })).toEqual({ limit: false });
    const bad = cacheLimit({ BRIEFING_CACHE_MAX_MB: '2GB' });
    expect(bad.limit).toBe(512 * 2 ** 20);
    expect(bad.problem).toMatch(/BRIEFING_CACHE_MAX_MB=2GB is not a number of MB/);
  });

  it('clears everything of its own, temporary files too, and nothing else', () => {
    const dir = tempTree({});
    put(dir, `faces/${hex(1)}.json`, 10, 0);
    put(dir, `charts/${hex(2)}.png`, 10, 0);
    put(dir, `charts/${hex(2)}.png.json`, 10, 0);
    put(dir, `code/${process.version}-${process.arch}/${hex(3, 40)}.1.0a1b2c3d.tmp`, 10, 0);
    put(dir, 'faces/README', 10, 0);
    expect(clearCache(dir).removed.files).toBe(4);
    expect(left(dir)).toEqual(['faces/README', 'pruned']);
  });
});
