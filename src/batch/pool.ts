import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tinypool } from 'tinypool';
import { PACKAGE_ROOT } from '../build/paths.js';

/**
 * The pool of build processes that `batch` and the queue worker share: the compiled worker (also when this
 * module runs from source in tests: workers never load TypeScript), processes rather than threads (canvas,
 * under the chart renderer, crashes when a worker thread ends), a heap limit per process.
 */
export function createBuildPool(workers: number, memoryMb = 2048): Tinypool {
  const workerFile = path.join(PACKAGE_ROOT, 'dist', 'batch', 'worker.js');
  if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run npm run build`);
  return new Tinypool({
    filename: pathToFileURL(workerFile).href,
    runtime: 'child_process',
    minThreads: workers,
    maxThreads: workers,
    // Without TurboFan's inlining a worker spends far less CPU compiling while it warms up (TurboFan compiled
    // `prepare` five times, 55 ms each, in 60 reports) and runs as fast once warm: 120 monthly reports on 2 workers
    // took 11.5 s of CPU instead of 13.8, 18.2 reports/s instead of 16.1 (docs/benchmarks.md).
    execArgv: [`--max-old-space-size=${memoryMb}`, '--no-turbo-inlining'],
    // Tinypool gives child processes an empty environment unless told: builds need SOURCE_DATE_EPOCH,
    // BRIEFING_CACHE_DIR, HOME and PATH as the command had them.
    env: Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    ),
  });
}
