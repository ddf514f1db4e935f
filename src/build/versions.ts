import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The installed version of a package, from the nearest package.json of that name above its main file, or `?`:
 * part of the keys of what the disk cache keeps from its answers (charts/cache.ts, build/doc-store.ts).
 */
export function packageVersion(name: string): string {
  try {
    return versionAbove(require.resolve(name), name);
  } catch {
    return '?'; // not installed
  }
}

/**
 * The version of a package this process has loaded already, found through the module cache (resolving a package
 * anew costs milliseconds in a process that has just started), else as packageVersion finds it.
 */
export function loadedPackageVersion(name: string): string {
  const inside = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  const loaded = Object.keys(require.cache).find((f) => f.includes(inside));
  return loaded === undefined ? packageVersion(name) : versionAbove(loaded, name);
}

/** The version in the nearest package.json of that name above a file of the package, or `?`. */
export function versionAbove(file: string, name: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
        if (json.name === name) return json.version ?? '?';
      } catch {
        // unreadable: look further up
      }
    }
    if (path.dirname(dir) === dir) return '?';
  }
}
