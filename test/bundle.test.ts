import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshBundle } from '../src/build/bundle.js';
import { tempTree } from './support/tmp.js';

// The CLI runs the bundled `build` command only when the bundle was made from dist/ as it is now (a tsc run
// without the bundler after it leaves an old bundle behind). The manifest is written as scripts/bundle.mjs writes
// it; test/cli.test.ts checks the real one against the real dist/.

const modules = { 'a/one.js': 'export const one = 1;\n', 'b/two.js': 'export const two = 2;\n' };

/**
 * Writes a bundle's manifest as scripts/bundle.mjs does: each file by its name in the manifest and where it is,
 * with its size, time and text in the hash; `sha256` overrides the hash.
 */
function writeManifest(
  dist: string,
  files: readonly (readonly [rel: string, at: string])[],
  sha256?: string,
) {
  const hash = createHash('sha256');
  for (const [rel, at] of files) hash.update(`${rel}\0`).update(readFileSync(at)).update('\0');
  const manifest = {
    format: 1,
    bundle: 'build.cjs',
    bundleSize: statSync(path.join(dist, 'bundle/build.cjs')).size,
    files: files.map(([rel, at]) => [rel, statSync(at).size, statSync(at).mtimeMs]),
    sha256: sha256 ?? hash.digest('hex'),
  };
  writeFileSync(path.join(dist, 'bundle/build.json'), JSON.stringify(manifest));
}

/** A dist/ with two modules, a bundle and its manifest; `sha256` overrides the manifest's hash. */
function distWithBundle(sha256?: string): string {
  const dist = tempTree({ ...modules, 'bundle/build.cjs': '"use strict"; /* one and two */\n' });
  writeManifest(
    dist,
    Object.keys(modules)
      .sort()
      .map((rel) => [rel, path.join(dist, rel)] as const),
    sha256,
  );
  return dist;
}

const later = (file: string) => {
  const t = statSync(file).mtime.getTime() / 1000 + 5;
  utimesSync(file, t, t);
};

describe('the bundled build command is run only when made from dist/ as it is', () => {
  it('is fresh as made, and after its modules are copied (other times, the same text)', () => {
    const dist = distWithBundle();
    expect(freshBundle(dist, 'build')).toBe(path.join(dist, 'bundle/build.cjs'));
    later(path.join(dist, 'a/one.js'));
    expect(freshBundle(dist, 'build')).toBe(path.join(dist, 'bundle/build.cjs'));
  });

  it('is not fresh when a module changed, even at the same size', () => {
    const dist = distWithBundle();
    // Rewritten at the same size (and a later time, whatever the file system's clock granularity).
    writeFileSync(path.join(dist, 'b/two.js'), 'export const two = 3;\n');
    later(path.join(dist, 'b/two.js'));
    expect(freshBundle(dist, 'build')).toBeUndefined();
    writeFileSync(path.join(dist, 'b/two.js'), 'export const two = 22;\n');
    expect(freshBundle(dist, 'build')).toBeUndefined();
  });

  it('is not fresh when a times-only check would pass the hash (a hash that does not match)', () => {
    const dist = distWithBundle('0'.repeat(64));
    // Same times: the sizes and times decide.
    expect(freshBundle(dist, 'build')).toBe(path.join(dist, 'bundle/build.cjs'));
    later(path.join(dist, 'b/two.js'));
    expect(freshBundle(dist, 'build')).toBeUndefined();
  });

  it('is not fresh without its manifest, with a damaged or misshapen one, a module gone or a changed bundle', () => {
    expect(freshBundle(tempTree({ 'bundle/build.cjs': '' }), 'build')).toBeUndefined();
    const damaged = distWithBundle();
    writeFileSync(path.join(damaged, 'bundle/build.json'), '{"format":1,');
    expect(freshBundle(damaged, 'build')).toBeUndefined();
    const misshapen = distWithBundle();
    const manifest = JSON.parse(readFileSync(path.join(misshapen, 'bundle/build.json'), 'utf8')) as {
      files: unknown[];
    };
    manifest.files[1] = null;
    writeFileSync(path.join(misshapen, 'bundle/build.json'), JSON.stringify(manifest));
    expect(freshBundle(misshapen, 'build')).toBeUndefined();
    const gone = distWithBundle();
    writeFileSync(
      path.join(gone, 'bundle/build.json'),
      JSON.stringify({
        format: 1,
        bundle: 'build.cjs',
        bundleSize: statSync(path.join(gone, 'bundle/build.cjs')).size,
        files: [['c/three.js', 1, 0]],
        sha256: '',
      }),
    );
    expect(freshBundle(gone, 'build')).toBeUndefined();
    const changed = distWithBundle();
    writeFileSync(path.join(changed, 'bundle/build.cjs'), '"use strict"; /* another */\n');
    expect(freshBundle(changed, 'build')).toBeUndefined();
  });

  it('follows the packages bundled with it: found as Node finds them, not fresh when one changed', () => {
    const pkg = '{"name":"p","version":"1.0.0"}\n';
    // An installed Briefing: its packages beside it, not in its own node_modules.
    const root = tempTree({
      'node_modules/briefing/dist/a/one.js': modules['a/one.js'],
      'node_modules/briefing/dist/bundle/build.cjs': '"use strict"; /* one and p */\n',
      'node_modules/p/package.json': pkg,
    });
    const dist = path.join(root, 'node_modules/briefing/dist');
    const file = path.join(root, 'node_modules/p/package.json');
    writeManifest(dist, [
      ['a/one.js', path.join(dist, 'a/one.js')],
      ['node_modules/p/package.json', file],
    ]);
    expect(freshBundle(dist, 'build')).toBe(path.join(dist, 'bundle/build.cjs'));
    // Installed again, the same version: only its time differs.
    later(file);
    expect(freshBundle(dist, 'build')).toBe(path.join(dist, 'bundle/build.cjs'));
    // Another version (the same size): dist/ itself runs, with the package as installed.
    writeFileSync(file, pkg.replace('1.0.0', '1.0.1'));
    later(file);
    expect(freshBundle(dist, 'build')).toBeUndefined();
    // Gone: the same.
    rmSync(file);
    expect(freshBundle(dist, 'build')).toBeUndefined();
  });
});
