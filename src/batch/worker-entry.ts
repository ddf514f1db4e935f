import { installCodeCache, POOL_CODE_CACHE_ENV } from '../build/code-cache.js';
import { BUNDLE_DIR, bundled } from '../build/bundle.js';
import { cacheDirFor } from '../build/cache-dir.js';
import type * as WorkerModule from './worker.js';

/**
 * What the pool's processes load (pool.ts): the worker (worker.ts) from its bundle when `npm run build` made one
 * from today's dist/ (build/bundle.ts), else from dist/ itself. A batch's workers live as long as the batch and are
 * stopped by it, so they keep V8's code cache as a one-shot `build` does (build/code-cache.ts; written when the worker
 * exits, for what was not kept yet): a worker's first report no longer compiles the pipeline or pdfmake's packages.
 * A queue's workers, which run for days, do not (`BRIEFING_POOL_CODE_CACHE`, the number of workers, is set by the
 * batch only).
 */
const workers = Number(process.env[POOL_CODE_CACHE_ENV] ?? 0);
const id = Number(process.env.TINYPOOL_WORKER_ID);
// Each of a batch's workers (Tinypool numbers them from 1) writes its share of what none found kept.
if (Number.isInteger(workers) && workers >= 1)
  installCodeCache(cacheDirFor(), BUNDLE_DIR, {
    index: Number.isInteger(id) && id >= 1 ? id - 1 : 0,
    count: workers,
  });

const worker: typeof WorkerModule = bundled<typeof WorkerModule>('worker') ?? (await import('./worker.js'));

export default worker.default;
