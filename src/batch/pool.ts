import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tinypool } from 'tinypool';
import { PACKAGE_ROOT } from '../build/paths.js';
import { WARM_UP_V8_FLAGS } from '../build/v8-flags.js';
import { POOL_CODE_CACHE_ENV } from '../build/code-cache.js';

/**
 * The pool of build processes that `batch` and the queue worker share: the compiled worker (also when this
 * module runs from source in tests: workers never load TypeScript; from its bundle when there is a fresh one),
 * processes rather than threads (canvas, under a PNG chart, crashes when a worker thread ends), a heap limit per
 * process. `codeCache`: the workers keep V8's code cache, written when they exit (a batch's, not a queue's).
 */
export function createBuildPool(workers: number, memoryMb = 2048, codeCache = false): Tinypool {
  const workerFile = path.join(PACKAGE_ROOT, 'dist', 'batch', 'worker-entry.js');
  if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run npm run build`);
  return new Tinypool({
    filename: pathToFileURL(workerFile).href,
    runtime: 'child_process',
    minThreads: workers,
    maxThreads: workers,
    execArgv: [`--max-old-space-size=${memoryMb}`, ...WARM_UP_V8_FLAGS],
    // Tinypool gives child processes an empty environment unless told: builds need SOURCE_DATE_EPOCH,
    // BRIEFING_CACHE_DIR, HOME and PATH as the command had them.
    env: {
      ...Object.fromEntries(
        Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
      ),
      [POOL_CODE_CACHE_ENV]: codeCache ? String(workers) : '0',
    },
  });
}

/**
 * Stops a pool's workers and waits until they have exited. Tinypool does not keep this process alive for its
 * workers (it unrefs them): a worker slower to exit than Tinypool's one-second grace (a batch's worker writing its
 * code cache) left nothing holding the event loop, and the batch ended there, before its summary, with exit code 0.
 */
export async function closePool(pool: Tinypool): Promise<void> {
  const hold = setInterval(() => undefined, 1000);
  try {
    await pool.destroy();
  } finally {
    clearInterval(hold);
  }
}
