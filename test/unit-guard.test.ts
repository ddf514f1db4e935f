import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildBatch } from '../src/batch/run.js';
import { monthlyTree } from './support/monthly.js';

const root = path.resolve(import.meta.dirname, '..');

// The unit project's guards (test/setup/unit-guard.ts, vitest.config.ts): compiled code never runs here.
describe('unit tests cannot run dist/', () => {
  it('refuses to spawn the compiled CLI', () => {
    expect(() => execFile(process.execPath, [path.join(root, 'dist/cli/bin.js'), '--help'])).toThrow(
      /move it to e2e/,
    );
  });

  it('refuses the batch pool, whose workers load dist/batch/worker.js', async () => {
    const dir = monthlyTree(['a'], ['2025-01']);
    await expect(
      buildBatch({ manifest: path.join(dir, 'batch.yaml'), outDir: path.join(dir, 'out'), jobs: 1 }),
    ).rejects.toThrow(/forked a Node process|worker\.js is missing/);
  });

  it('refuses to import from dist/', async () => {
    // With no dist/ (a fresh clone), the import fails anyway: there is nothing stale to load.
    const file = path.join(root, 'dist/build/paths.js');
    await expect(import(file)).rejects.toThrow(existsSync(file) ? /unit tests import src/ : /./);
  });

  it('still runs other programs, promisified as usual', async () => {
    expect(await promisify(execFile)('echo', ['hi'])).toEqual({ stdout: 'hi\n', stderr: '' });
  });
});
