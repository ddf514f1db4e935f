import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tinypool } from 'tinypool';
import { PACKAGE_ROOT } from '../build/paths.js';
import { WARM_UP_V8_FLAGS } from '../build/v8-flags.js';

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
    execArgv: [`--max-old-space-size=${memoryMb}`, ...WARM_UP_V8_FLAGS],
    // Tinypool gives child processes an empty environment unless told: builds need SOURCE_DATE_EPOCH,
    // BRIEFING_CACHE_DIR, HOME and PATH as the command had them.
    env: Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    ),
  });
}
