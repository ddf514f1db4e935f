// Run by `npm run build` after tsc: bundles the compiled `build` command — dist/cli/commands/build.js and every
// module of dist/ it imports, lazily imported ones included — into one CommonJS file, dist/bundle/build.cjs, with
// a manifest of what it was made from (dist/bundle/build.json), and the same for the batch pool's worker
// (dist/batch/worker.js → dist/bundle/worker.cjs). The CLI's common `build` line and the batch's workers run the
// bundles (src/build/bundle.ts): one file that V8's code cache (src/build/code-cache.ts) can keep compiled between
// runs, which Node 20 does for no ES module. The packages of INLINE go into the bundle with what they require; the
// others stay outside (the line engine patches pdfmake's files through `require`, the fonts share fontkit with
// pdfkit through `require.cache`, the chart stack is loaded only for documents with figures and holds canvas, an
// addon). When dist/ changes after bundling (tsc run alone), or an inlined package's package.json (an npm install
// that changed its version), the manifest no longer matches and the CLI runs dist/ itself.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
// The manifest's format and hash, as the CLI reads them (tsc has just compiled it).
const { MANIFEST_FORMAT, modulesHash } = await import(
  pathToFileURL(path.join(dist, 'build', 'bundle.js')).href
);

/**
 * The packages bundled with our code, and the packages they require: those a build loads as hundreds of files
 * (exceljs's workbook alone is 145, with jszip, fast-csv, pako and others 320; yaml 72, handlebars 34). Each file
 * loaded costs Node's resolver a few stats and reads and, in a batch's worker (which keeps the code cache of its
 * bundle only), a compile: a worker's first report 290–325 → 200–240 ms, a cold `build` ~45 ms less. Not iconv-lite:
 * four files, and encoding tables (0.55 MB of each bundle) read only for a table that is not UTF-8.
 */
const INLINE = new Set(['yaml', 'handlebars', 'exceljs', 'csv-parse', 'saxes']);

/** The folder of the package a file of node_modules belongs to (`…/node_modules/@scope/name`), else undefined. */
function packageRoot(file) {
  const parts = file.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  return parts.slice(0, at + (parts[at + 1]?.startsWith('@') ? 3 : 2)).join('/');
}

/** Bundles `entry` (a module of dist/) into dist/bundle/<name>.cjs, with its manifest. */
async function bundle(name, entry) {
  const outfile = path.join(dist, 'bundle', `${name}.cjs`);
  const manifest = path.join(dist, 'bundle', `${name}.json`);
  // No manifest while the bundle is being made: a bundle without one is never run.
  rmSync(manifest, { force: true });

  /** Each module of dist/ as it was read into the bundle: its size and time (taken before reading) and its bytes. */
  const read = new Map();

  // `import.meta.url` of each module becomes its own file's URL in dist/ (a bundle has one location; some modules
  // read files beside them, or hash their own source into a cache key).
  const metaUrl = {
    name: 'import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        // Packages' files as they are.
        if (!path.resolve(args.path).startsWith(dist + path.sep)) return undefined;
        // The manifest describes the bytes bundled: a module rewritten while this runs (tsc -w) makes it stale.
        const stat = statSync(args.path);
        const bytes = readFileSync(args.path);
        read.set(path.resolve(args.path), { size: stat.size, mtimeMs: stat.mtimeMs, bytes });
        const rel = path.relative(path.dirname(outfile), args.path).split(path.sep).join('/');
        const contents = bytes
          .toString('utf8')
          .replaceAll('import.meta.url', `__briefingModuleUrl(${JSON.stringify(rel)})`);
        return { contents, loader: 'js' };
      });
    },
  };

  // A package our code imports is bundled when INLINE names it, and so is everything a bundled package requires
  // (Node's own modules excepted); any other stays outside, required at run time.
  const inlinePackages = {
    name: 'inline-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:')) return { external: true };
        const parts = args.path.split('/');
        const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
        const fromPackage = args.importer.includes(`${path.sep}node_modules${path.sep}`);
        return INLINE.has(name) || fromPackage ? undefined : { external: true };
      });
    },
  };

  const result = await esbuild.build({
    entryPoints: [path.join(dist, entry)],
    outfile,
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [metaUrl, inlinePackages],
    metafile: true,
    logLevel: 'warning',
    banner: {
      // Strict mode first, as in the ES modules it is made of (a directive after a statement is none).
      js:
        `"use strict";\n// Generated by scripts/bundle.mjs from dist/ (see dist/bundle/${name}.json); do not edit.\n` +
        "const __briefingModuleUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;",
    },
  });

  // Every module of dist/ in the bundle, and the package.json of every package bundled, with its size and time (a
  // quick check) and one hash of them all (the check when times differ, as after copying or packing the package).
  const inputs = Object.keys(result.metafile.inputs).map((f) =>
    path.relative(dist, path.resolve(root, f)).split(path.sep).join('/'),
  );
  const strays = inputs.filter((f) => f.startsWith('..') && packageRoot(f) === undefined);
  if (strays.length) throw new Error(`the bundle took a file from outside dist/: ${strays[0]}`);
  // A package's package.json as `node_modules/<package>/package.json` (the CLI finds the package as Node does).
  const packages = [...new Set(inputs.map(packageRoot).filter((p) => p !== undefined))].map((p) => ({
    rel: `node_modules/${p.slice(p.indexOf('node_modules/') + 'node_modules/'.length)}/package.json`,
    file: path.join(dist, p, 'package.json'),
  }));
  const modules = inputs
    .filter((f) => !f.startsWith('..'))
    .map((rel) => {
      const module = read.get(path.join(dist, rel));
      if (!module) throw new Error(`the bundle holds ${rel}, which was not read through the plugin`);
      return { rel, ...module };
    });
  const got = [
    ...modules,
    ...packages.map(({ rel, file }) => {
      const stat = statSync(file);
      return { rel, size: stat.size, mtimeMs: stat.mtimeMs, bytes: readFileSync(file) };
    }),
  ].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  writeFileSync(
    manifest,
    JSON.stringify({
      format: MANIFEST_FORMAT,
      bundle: path.basename(outfile),
      bundleSize: statSync(outfile).size,
      files: got.map((m) => [m.rel, m.size, m.mtimeMs]),
      sha256: modulesHash(got.map((m) => [m.rel, m.bytes])),
    }),
  );
}

await bundle('build', 'cli/commands/build.js');
await bundle('worker', 'batch/worker.js');
