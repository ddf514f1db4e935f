import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { switchedOff } from './cache-dir.js';

/** dist/, where this module runs from. */
const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where `npm run build` puts the bundled `build` command and batch worker (scripts/bundle.mjs). */
export const BUNDLE_DIR = path.join(DIST, 'bundle');

/** The manifest's format (scripts/bundle.mjs writes it, freshBundle reads it). */
export const MANIFEST_FORMAT = 1;

/**
 * What scripts/bundle.mjs writes beside a bundle: the modules of dist/ it was made from, and the package.json of each
 * package bundled with them.
 */
interface Manifest {
  format: typeof MANIFEST_FORMAT;
  bundle: string;
  bundleSize: number;
  /**
   * Path in dist/ (with `/`), size and modification time of each module; a package's file is `node_modules/…`,
   * found as Node finds the package (see packageFile).
   */
  files: [rel: string, size: number, mtimeMs: number][];
  /** SHA-256 of every module's path and text, in the order of `files`. */
  sha256: string;
}

/**
 * The file of bundle `name` (in `dist/bundle/`) if it was made from the modules of `dist` as they are now, else
 * undefined: missing, damaged, or made before dist/ last changed (tsc run without the bundler after it). The modules'
 * sizes and times decide when they all agree; when only times differ (a copy, a packed package), their text does.
 * A manifest that is not the shape scripts/bundle.mjs writes counts as missing.
 */
export function freshBundle(dist: string, name: string): string | undefined {
  try {
    const m = JSON.parse(readFileSync(path.join(dist, 'bundle', `${name}.json`), 'utf8')) as Manifest;
    if (
      m.format !== MANIFEST_FORMAT ||
      !Array.isArray(m.files) ||
      m.files.length === 0 ||
      typeof m.bundle !== 'string'
    )
      return undefined;
    const bundle = path.join(dist, 'bundle', path.basename(m.bundle));
    if (statSync(bundle, { throwIfNoEntry: false })?.size !== m.bundleSize) return undefined;
    let sameTimes = true;
    const where = new Map<string, string>();
    for (const [rel, size, mtimeMs] of m.files) {
      const file = rel.startsWith(PACKAGES)
        ? packageFile(dist, rel.slice(PACKAGES.length))
        : path.join(dist, rel);
      const s = file === undefined ? undefined : statSync(file, { throwIfNoEntry: false });
      if (s?.size !== size) return undefined;
      if (s.mtimeMs !== mtimeMs) sameTimes = false;
      where.set(rel, file!);
    }
    if (sameTimes) return bundle;
    const texts = m.files.map(([rel]) => [rel, readFileSync(where.get(rel)!)] as const);
    return modulesHash(texts) === m.sha256 ? bundle : undefined;
  } catch {
    // Unreadable, or not the shape scripts/bundle.mjs writes.
    return undefined;
  }
}

const PACKAGES = 'node_modules/';

/**
 * A file of a package bundled (`yaml/package.json`, `exceljs/node_modules/saxes/package.json`) where Node would find
 * that package from dist/: in the `node_modules` of Briefing's folder or of a folder above it (an installed Briefing's
 * packages are usually beside it). Undefined when it is in none.
 */
function packageFile(dist: string, sub: string): string | undefined {
  for (let dir = path.dirname(dist); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'node_modules', sub);
    if (statSync(file, { throwIfNoEntry: false })) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The manifest's SHA-256 of the modules a bundle was made from: each module's path and text, in order. */
export function modulesHash(modules: readonly (readonly [rel: string, text: Uint8Array])[]): string {
  const hash = createHash('sha256');
  for (const [rel, text] of modules) hash.update(`${rel}\0`).update(text).update('\0');
  return hash.digest('hex');
}

/**
 * A bundled module (`build`: the `build` and `check` commands; `worker`: the batch pool's worker) when there is a
 * fresh bundle of it (see freshBundle) and `BRIEFING_BUNDLE` is not `0`; undefined otherwise, and the caller imports
 * dist/ itself. The bundle is the same code in one file, which V8's code cache keeps compiled between runs
 * (build/code-cache.ts): a cold `build` ~100 ms faster.
 */
export function bundled<T>(name: 'build' | 'worker'): T | undefined {
  if (switchedOff(process.env.BRIEFING_BUNDLE)) return undefined;
  const file = freshBundle(DIST, name);
  if (file === undefined) return undefined;
  try {
    return createRequire(import.meta.url)(file) as T;
  } catch {
    // A bundle that does not load (its modules are lazy: nothing of the pipeline has run) leaves dist/ to do it.
    return undefined;
  }
}
