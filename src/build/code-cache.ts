import { createHash } from 'node:crypto';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { privateCacheDir, readCacheFile, switchedOff, writeCacheFile } from './cache-dir.js';

/** Node's CommonJS module, as much of it as compiling a module with a code cache needs. */
interface CjsModule {
  exports: unknown;
  filename: string;
  require(id: string): unknown;
  _compile: (this: CjsModule, content: string, filename: string, format?: string) => unknown;
}
interface CjsStatics {
  wrap(source: string): string;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: object): string;
  _resolveLookupPaths(request: string, parent: CjsModule): string[] | null;
  _extensions: object;
  _cache: object;
}

const SEP = `${path.sep}node_modules${path.sep}`;

/** Set to the number of a batch pool's workers, which then keep the code cache too (batch/worker-entry.ts). */
export const POOL_CODE_CACHE_ENV = 'BRIEFING_POOL_CODE_CACHE';
let installed = false;

/**
 * V8's code cache for the CommonJS modules of node_modules (pdfmake, pdfkit, fontkit, ajv …) and for the CommonJS
 * files of `bundleDir` (our own bundled `build` command and batch worker, with the packages bundled in them,
 * src/build/bundle.ts): each is compiled once
 * with V8's cache from a previous run (`<cache>/code/<node version>/`, one file per module text, named by its
 * SHA-1, which holds that SHA-1 again and the SHA-1 of its data: see keptData), and the cache of what a run compiled —
 * functions compiled lazily while it ran included — is written when the process exits. V8 checks each cache
 * against its own version and flags, and compiles afresh when it does not match; a cache made from other text, or
 * damaged, is not given to V8 at all. A cache folder
 * others may write to is not used (its code would run in every build). `BRIEFING_CODE_CACHE=0` turns it off.
 * Only processes that end with their work use it — the one-shot commands (`build`, `check`) and a batch's workers
 * (batch/worker-entry.ts) —: a long-running one (the preview, a queue's workers) would write at exit, when whoever
 * stopped it may be removing its folders. Node 22's `module.enableCompileCache()` does the same, natively.
 */
export function installCodeCache(
  cacheDir: string | false,
  bundleDir?: string,
  /**
   * Of the caches this process has to write, the share it writes (those whose text's SHA-1 begins with a byte
   * equal to `index` modulo `count`): a batch's workers compile the same modules, and each writes its share of
   * them, at the same moment, instead of all of them.
   */
  share: { index: number; count: number } = { index: 0, count: 1 },
): boolean {
  if (installed || !cacheDir || switchedOff(process.env.BRIEFING_CODE_CACHE)) return false;
  const dir = path.join(cacheDir, 'code', `${process.version}-${process.arch}`);
  if (!privateCacheDir(dir)) return false;
  const bundles = bundleDir === undefined ? undefined : path.resolve(bundleDir) + path.sep;
  installed = true;
  const statics = Module as unknown as CjsStatics;
  const proto = Module.prototype as unknown as CjsModule;
  const compile = proto._compile;
  const fresh: { script: vm.Script; file: string; source: Buffer }[] = [];
  proto._compile = function (this: CjsModule, content: string, filename: string, format?: string) {
    // Node's own way for everything else: our files outside the bundle, and ES modules that `require()` loads
    // (format 'module').
    const bundled = bundles !== undefined && filename.startsWith(bundles) && filename.endsWith('.cjs');
    if (
      !(bundled || filename.includes(SEP)) ||
      (format !== undefined && format !== 'commonjs') ||
      filename.endsWith('.mjs')
    )
      return compile.call(this, content, filename, format);
    // Named by the text, not the path: clones of the project, CI's checkouts and the packages' copies in other
    // folders share one file a module text, instead of adding ~900 files for each new folder.
    const source = sha1(content);
    const file = path.join(dir, source.toString('hex'));
    const kept = readCacheFile(file);
    const cachedData = kept && keptData(kept, source);
    let script: vm.Script;
    try {
      script = new vm.Script(statics.wrap(content), {
        filename,
        ...(cachedData ? { cachedData } : {}),
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
    } catch {
      // What the wrapper cannot compile, Node's loader can (or reports as it always does).
      return compile.call(this, content, filename, format);
    }
    if (!cachedData || script.cachedDataRejected) fresh.push({ script, file, source });
    const fn = script.runInThisContext({ displayErrors: true }) as (...a: unknown[]) => unknown;
    return fn.call(
      this.exports,
      this.exports,
      requireFor(this, statics),
      this,
      filename,
      path.dirname(filename),
    );
  };
  process.once('exit', () => {
    for (const { script, file, source } of fresh) {
      if (source[0]! % share.count !== share.index % share.count) continue;
      const data = script.createCachedData();
      writeCacheFile(file, Buffer.concat([source, sha1(data), data]), 0o600);
    }
  });
  return true;
}

const sha1 = (bytes: string | Uint8Array) => createHash('sha1').update(bytes).digest();
const SHA1_BYTES = 20;

/**
 * The code cache in a kept file, if it was made from the text whose SHA-1 is `source` (V8 itself checks only the
 * text's length) and is whole: V8 does not check the data, and data damaged on disk crashes the process in V8
 * (exit 133) before it could write a good cache, so every build would crash until the file was deleted. The file
 * is the text's SHA-1, the data's SHA-1, then the data.
 */
function keptData(kept: Buffer, source: Buffer): Buffer | undefined {
  if (kept.length <= 2 * SHA1_BYTES || !kept.subarray(0, SHA1_BYTES).equals(source)) return undefined;
  const data = kept.subarray(2 * SHA1_BYTES);
  return kept.subarray(SHA1_BYTES, 2 * SHA1_BYTES).equals(sha1(data)) ? data : undefined;
}

/** The `require` a module's code is given (Node's own makes the same from the module). */
function requireFor(mod: CjsModule, statics: CjsStatics): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: object) =>
    statics._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => statics._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = statics._extensions as NodeJS.Require['extensions'];
  require.cache = statics._cache as NodeJS.Require['cache'];
  return require;
}
