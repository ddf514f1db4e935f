import { writeSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { STATE_FILE } from './state.js';

// Test-only pause points, for the crash test in test/batch.test.ts; inert unless asked for. The batch process
// reads BRIEFING_TEST_PAUSE=<point>@<n> and hands it to its workers with each task (pool workers do not inherit
// the environment). The process that reaches <point> for the n-th time writes "briefing-test-point <point>
// <pid>" to stderr and then blocks for ever, so that the test can SIGKILL it exactly there.

/** The environment variable that names a pause point: `<point>@<n>`, e.g. `report-done@3`. */
export const TEST_PAUSE_ENV = 'BRIEFING_TEST_PAUSE';

/**
 * Where a batch can be paused: the batch process has recorded a report (before saving the state); a worker
 * has written and flushed a PDF's temporary file but not renamed it; the batch process has done the same
 * with the state file.
 */
export type TestPoint = 'report-done' | 'output-before-rename' | 'state-before-rename';

let wanted: { point: string; n: number } | undefined;
const reached = new Map<string, number>();

/** Arms the pause point `spec` names (`<point>@<n>`, n default 1) in this process; undefined arms nothing. */
export function armTestPoints(spec: string | undefined): void {
  if (!spec || wanted) return;
  const [point = '', n = '1'] = spec.split('@');
  wanted = { point, n: Number(n) };
  if (point === 'output-before-rename' || point === 'state-before-rename') pauseBeforeRenames();
}

/** Blocks this process for ever when it is the armed point's n-th arrival here; otherwise does nothing. */
export function testPoint(point: TestPoint): void {
  if (point !== wanted?.point) return;
  const n = (reached.get(point) ?? 0) + 1;
  reached.set(point, n);
  if (n !== wanted.n) return;
  writeSync(2, `briefing-test-point ${point} ${process.pid}\n`);
  // Atomics.wait blocks the whole thread, not just one async chain: nothing more of this process happens.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

// The moment between a temporary file and its rename lies inside writeFileAtomic (src/emit/write.ts), under
// the pipeline; rather than thread a hook through every stage, an armed process wraps fs.promises.rename
// (syncBuiltinESMExports updates the `import { rename }` bindings of modules already loaded).
function pauseBeforeRenames(): void {
  const fsp = createRequire(import.meta.url)('node:fs/promises') as {
    rename: (from: string, to: string) => Promise<void>;
  };
  const rename = fsp.rename;
  fsp.rename = async (from: string, to: string) => {
    if (from.endsWith('.tmp') && path.basename(to) === STATE_FILE) testPoint('state-before-rename');
    if (from.endsWith('.tmp') && to.endsWith('.pdf')) testPoint('output-before-rename');
    return rename(from, to);
  };
  syncBuiltinESMExports();
}
