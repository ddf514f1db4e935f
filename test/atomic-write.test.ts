import { readdirSync, readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readState, STATE_FILE, StateSaver, type BatchState } from '../src/batch/state.js';
import { writeFileAtomic } from '../src/emit/write.js';
import { tempTree } from './support/tmp.js';

// Atomic writes and the batch state at the scale of a large batch: thousands of files in one folder must not
// cost a read of the folder, or a write of the whole state, per file.

type Fsp = Record<'readdir' | 'rename', (...args: unknown[]) => Promise<unknown>>;
const fsp = createRequire(import.meta.url)('node:fs/promises') as Fsp;
const original = { readdir: fsp.readdir, rename: fsp.rename };

/** Counts calls of `fs.promises[name]` made by the modules under test (their `import { … }` bindings too). */
function count(
  name: 'readdir' | 'rename',
  which: (args: unknown[]) => boolean = () => true,
): { calls: number } {
  const counter = { calls: 0 };
  const real = original[name];
  fsp[name] = (...args: unknown[]) => {
    if (which(args)) counter.calls++;
    return real(...args);
  };
  syncBuiltinESMExports();
  return counter;
}

afterEach(() => {
  Object.assign(fsp, original);
  syncBuiltinESMExports();
});

/** A pid above Linux's largest: no process has it. */
const DEAD = 4194305;

describe('writeFileAtomic', () => {
  it('makes a missing folder, and leaves no temporary file', async () => {
    const dir = tempTree({});
    const file = path.join(dir, 'a/b/c/out.pdf');
    await writeFileAtomic(file, Buffer.from('one'));
    expect(readFileSync(file, 'utf8')).toBe('one');
    expect(readdirSync(path.dirname(file))).toEqual(['out.pdf']);
  });

  it('reads a folder once for many writes, and still removes what killed writers left of each file', async () => {
    const dir = tempTree({
      [`.r0.pdf.${DEAD}.0a1b2c3d.tmp`]: 'x',
      [`.r7.pdf.${DEAD}.0a1b2c3e.tmp`]: 'x',
      [`.r7.pdf.${DEAD}.0a1b2c3f.tmp`]: 'x',
      // A dotted name, and a write in progress in a live process (this one): kept.
      [`.r.v2.pdf.${DEAD}.00000001.tmp`]: 'x',
      [`.r9.pdf.${process.pid}.0a1b2c40.tmp`]: 'x',
      'notes.tmp': 'the user’s',
    });
    const reads = count('readdir');
    for (let i = 0; i < 40; i++) await writeFileAtomic(path.join(dir, `r${i}.pdf`), Buffer.from(String(i)));
    await writeFileAtomic(path.join(dir, 'r.v2.pdf'), Buffer.from('v2'));
    expect(reads.calls).toBe(1);
    const left = readdirSync(dir).filter((f) => !/^r[\d.v]+pdf$/.test(f));
    expect(left.sort()).toEqual([`.r9.pdf.${process.pid}.0a1b2c40.tmp`, 'notes.tmp']);
    expect(readFileSync(path.join(dir, 'r7.pdf'), 'utf8')).toBe('7');
  });
});

describe('StateSaver', () => {
  it('writes the state of thousands of reports far less often than reports arrive, and whole at the end', async () => {
    const dir = tempTree({});
    const state: BatchState = { version: 1, reports: {} };
    for (let i = 0; i < 5000; i++)
      state.reports[`old/${i}.pdf`] = { hash: 'h'.repeat(64), bytes: i, pages: 1 };
    const writes = count('rename', (args) => path.basename(String(args[1])) === STATE_FILE);
    const saver = new StateSaver(dir, state);
    for (let i = 0; i < 200; i++) {
      state.reports[`new/${i}.pdf`] = { hash: 'n'.repeat(64), bytes: i, pages: 2 };
      saver.request();
      await new Promise((r) => setTimeout(r, 1));
    }
    const during = writes.calls;
    expect(during).toBeGreaterThan(0);
    // Written back to back (no pause) it was ~85 writes here; after every report, 200.
    expect(during).toBeLessThan(30);
    await saver.close();
    expect(writes.calls).toBe(during + 1);
    expect(Object.keys(readState(dir).reports)).toHaveLength(5200);
    expect(readdirSync(dir)).toEqual([STATE_FILE]);
  });

  it('writes after each report while writing is quick', async () => {
    const dir = tempTree({});
    const state: BatchState = { version: 1, reports: {} };
    const writes = count('rename', (args) => path.basename(String(args[1])) === STATE_FILE);
    const saver = new StateSaver(dir, state);
    for (let i = 0; i < 5; i++) {
      state.reports[`r${i}.pdf`] = { hash: 'h', bytes: i, pages: 1 };
      saver.request();
      // A report every 50 ms: far longer than nine times a write of a few entries.
      await new Promise((r) => setTimeout(r, 50));
      expect(Object.keys(readState(dir).reports)).toHaveLength(i + 1);
    }
    await saver.close();
    expect(writes.calls).toBe(6);
  });
});
