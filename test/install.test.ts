import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pdftotext, poppler } from './support/pdf.js';
import { tempTree } from './support/tmp.js';

// What a user gets from the tarball `npm pack` makes, installed into an empty folder outside this repository:
// a real `npm install` of it (dependencies from npm's cache, canvas compiled by its install script), then
// `npx briefing init` and `npx briefing build` there. A real install rather than a link to this repository's
// node_modules, because what it must catch is what only a real install shows: a file the `files` list leaves
// out, a dependency the compiled code needs that is only a devDependency here (typescript, vitest…), a font or
// a package resolved relative to the repository. `--prefer-offline` takes every tarball from the cache that
// `npm ci` filled and asks the registry only for package metadata npm has not cached yet (setup needs the
// registry anyway); canvas compiles in 20–30 s, the whole install takes about half a minute.

const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
};

async function sh(cwd: string, cmd: string, args: string[], timeout = 60_000) {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, timeout, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The bare package a module specifier names (`@scope/name/x.js` → `@scope/name`), or undefined for a path. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('the npm package', () => {
  it('packs what an installed briefing needs, and nothing of the repository besides', async () => {
    const dest = tempTree({});
    // dist/ is fresh (the e2e global setup compiled it); --ignore-scripts skips prepack's recompile, which would
    // rewrite dist/ under the other e2e tests running beside this one.
    const packed = await sh(root, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest]);
    expect(packed.code, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const files = info.files.map((f) => f.path);
    for (const f of ['dist/cli/bin.js', 'dist/index.js', 'dist/index.d.ts', 'fonts/fonts.yaml', 'README.md'])
      expect(files, f).toContain(f);
    for (const f of ['docs/templates.md', 'docs/architecture.md', 'templates/index.yaml'])
      expect(files).toContain(f);
    // Every built-in pack with its sample data and the tables that data reads (what `briefing init` copies).
    const index = parse(readFileSync(path.join(root, 'templates/index.yaml'), 'utf8')) as Record<
      string,
      { sample: string }
    >;
    for (const [name, entry] of Object.entries(index)) {
      expect(files).toContain(`templates/${name}/template.hbs`);
      expect(files).toContain(entry.sample);
    }
    expect(files).toContain('data/monthly-sample-departments.csv');
    expect(files.filter((f) => /^(src|test|bench|scripts|out)\/|\.map$|^data\/monthly\//.test(f))).toEqual(
      [],
    );

    // The compiled code imports only Node's modules and the package's own dependencies.
    const builtins = new Set(builtinModules);
    const imported = new Set<string>();
    for (const f of files.filter((p) => p.startsWith('dist/') && p.endsWith('.js'))) {
      const code = readFileSync(path.join(root, f), 'utf8');
      for (const m of code.matchAll(
        /(?:from\s*|import\s*\(\s*|require(?:\.resolve)?\(\s*)['"]([\w@./:-]+)['"]/g,
      )) {
        const p = packageOf(m[1]!);
        if (p && !builtins.has(p)) imported.add(p);
      }
    }
    expect(imported.size).toBeGreaterThan(10);
    expect([...imported].filter((p) => !(p in pkg.dependencies))).toEqual([]);
  });

  it(
    'installs into an empty folder, where npx briefing init and build make a PDF',
    { timeout: 480_000 },
    async () => {
      const dest = tempTree({});
      const packed = await sh(root, 'npm', [
        'pack',
        '--ignore-scripts',
        '--json',
        '--pack-destination',
        dest,
      ]);
      expect(packed.code, packed.stderr).toBe(0);
      const tarball = path.join(dest, (JSON.parse(packed.stdout) as [{ filename: string }])[0].filename);

      // An empty project that approves canvas's install script, as the README's Install section says to.
      const project = tempTree({
        'package.json': JSON.stringify({ name: 'empty', private: true, allowScripts: { canvas: true } }),
      });
      const install = await sh(
        project,
        'npm',
        ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball],
        420_000,
      );
      expect(install.code, install.stderr).toBe(0);
      expect(install.stderr).not.toMatch(/install-scripts\s+canvas/); // canvas's script was approved, and ran
      const installed = path.join(project, 'node_modules', pkg.name);
      expect(existsSync(path.join(installed, 'docs', 'templates.md'))).toBe(true);
      // No devDependency came along: what runs below runs without them.
      for (const dev of ['typescript', 'vitest', 'eslint'])
        expect(existsSync(path.join(project, 'node_modules', dev)), dev).toBe(false);

      const init = await sh(project, 'npx', ['--no-install', 'briefing', 'init', 'mypack']);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain('node_modules/briefing/docs/templates.md');
      const build = await sh(project, 'npx', [
        '--no-install',
        'briefing',
        'build',
        'mypack',
        '--data',
        'mypack/sample-data.yaml',
      ]);
      expect(build.code, build.stderr).toBe(0);
      expect(build.stdout).toMatch(/wrote out\/sample-data\.pdf \(\d+ pages/);
      const pdf = readFileSync(path.join(project, 'out', 'sample-data.pdf'));
      expect(await pdftotext(pdf)).toContain('衡阳');
      expect(await poppler('pdffonts', pdf)).toMatch(/NotoSerifSC.*yes/);

      // The other pack: its sample reads a CSV, which init copies beside the data.
      const monthly = await sh(project, 'npx', [
        '--no-install',
        'briefing',
        'init',
        'monthly',
        '--from',
        'monthly-report',
      ]);
      expect(monthly.code, monthly.stderr).toBe(0);
      expect(readdirSync(path.join(project, 'monthly'))).toContain('sample-data.yaml');
      const built = await sh(project, 'npx', [
        '--no-install',
        'briefing',
        'build',
        'monthly',
        '--data',
        'monthly/sample-data.yaml',
        '--out',
        'monthly.pdf',
      ]);
      expect(built.code, built.stderr).toBe(0);
      expect(await pdftotext(readFileSync(path.join(project, 'monthly.pdf')))).toContain('部门');

      // The bundled build command and worker run there when the packages bundled with them are installed as they
      // were here (the same package.json, found as Node finds it: usually beside briefing, not in its folder), and
      // dist/ itself runs otherwise.
      const dist = path.join(installed, 'dist');
      const { freshBundle } = (await import(
        pathToFileURL(path.join(dist, 'build', 'bundle.js')).href
      )) as typeof import('../src/build/bundle.js');
      for (const name of ['build', 'worker'] as const) {
        const manifest = JSON.parse(readFileSync(path.join(dist, 'bundle', `${name}.json`), 'utf8')) as {
          files: [string][];
        };
        const asHere = manifest.files.every(([rel]) => {
          if (!rel.startsWith('node_modules/')) return true;
          const there = [installed, project].map((dir) => path.join(dir, rel)).find((f) => existsSync(f));
          return there !== undefined && readFileSync(there).equals(readFileSync(path.join(root, rel)));
        });
        expect(freshBundle(dist, name) !== undefined, name).toBe(asHere);
      }
    },
  );
});
