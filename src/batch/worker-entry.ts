import { installCodeCache, POOL_CODE_CACHE_ENV } from '../build/code-cache.js';
import { BUNDLE_DIR, bundled } from '../build/bundle.js';
import { cacheDirFor } from '../build/cache-dir.js';
import type * as WorkerModule from './worker.js';

/**
 * What the pool's processes load (pool.ts): the worker (worker.ts) from its bundle when `npm run build` made one
 * from today's dist/ (build/bundle.ts), else from dist/ itself. A batch's workers live as long as the batch and are
 * stopped by it, so they keep V8's code cache as a one-shot `build` does (build/code-cache.ts; written when the worker
 * exits, for what was not kept yet): a worker's first report no longer compiles the pipeline or pdfmake's packages. A queue's workers, which run for
 * days, do not (`BRIEFING_POOL_CODE_CACHE` is set by the batch only).
 */
if (process.env[POOL_CODE_CACHE_ENV] === '1') installCodeCache(cacheDirFor(), BUNDLE_DIR);

const worker: typeof WorkerModule = bundled<typeof WorkerModule>('worker') ?? (await import('./worker.js'));

export default worker.default;
