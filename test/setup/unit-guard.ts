import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

// Setup file of the unit project. Unit tests run src/ as it is now; the compiled dist/ may be older. Anything
// that would run dist/ — the CLI, or the batch pool, whose workers load dist/batch/worker-entry.js — belongs in
// the e2e project (vitest.config.ts), whose global setup compiles dist/ first. Here such a test fails at once.
// Other programs (pdftotext, say) may still be run.

const dist = path.resolve(import.meta.dirname, '../../dist');
type Fn = ((...args: unknown[]) => unknown) & { [promisify.custom]?: (...args: unknown[]) => unknown };
const childProcess = createRequire(import.meta.url)('node:child_process') as Record<string, Fn>;

function refuse(name: string, args: unknown[]): void {
  const words = args
    .flatMap((a) => (Array.isArray(a) ? (a as unknown[]) : [a]))
    .filter((a) => typeof a === 'string');
  if (name === 'fork')
    throw new Error(
      'a unit test forked a Node process (the batch pool runs dist/): move it to the e2e project',
    );
  const hit = words.find((w) => w.includes(dist) || /(^|[\s/])dist\/cli\/bin\.js/.test(w));
  if (hit)
    throw new Error(`a unit test ran ${hit}, compiled code that may be older than src/: move it to e2e`);
}

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  const original = childProcess[name]!;
  const guarded: Fn = function (this: unknown, ...args: unknown[]) {
    refuse(name, args);
    return original.apply(this, args);
  };
  const custom = original[promisify.custom];
  if (custom)
    guarded[promisify.custom] = (...args: unknown[]) => {
      refuse(name, args);
      return custom(...args);
    };
  childProcess[name] = guarded;
}
// The `import { spawn } from 'node:child_process'` bindings of every module follow the replaced functions.
syncBuiltinESMExports();
