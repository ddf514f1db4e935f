import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempTree } from './support/tmp.js';
import { CACHE_PARTS } from '../src/build/cache-prune.js';
import { briefingIn } from './support/cli.js';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/cli/bin.js');
const run = promisify(execFile);

const briefing = briefingIn;

describe('briefing init and check', () => {
  it('init copies a built-in pack with sample data that passes check and builds at once', async () => {
    const dir = tempTree({});
    const init = await briefing(dir, 'init', 'mine');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('briefing build mine --data mine/sample-data.yaml');
    for (const f of ['template.hbs', 'theme.yaml', 'schema.json', 'partials/section.hbs', 'sample-data.yaml'])
      expect(existsSync(path.join(dir, 'mine', f)), f).toBe(true);
    const check = await briefing(dir, 'check', 'mine', '--data', 'mine/sample-data.yaml');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('no problems found');
    expect(readdirSync(dir)).toEqual(['mine']); // check writes nothing
    const build = await briefing(
      dir,
      'build',
      'mine',
      '--data',
      'mine/sample-data.yaml',
      '--out',
      'mine.pdf',
    );
    expect(build.code).toBe(0);
  });

  it('init never writes over an existing folder, and names unknown packs', async () => {
    const dir = tempTree({ 'taken/keep.txt': 'mine' });
    const r = await briefing(dir, 'init', 'taken');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[init:exists]');
    expect(readFileSync(path.join(dir, 'taken/keep.txt'), 'utf8')).toBe('mine');
    expect((await briefing(dir, 'init', 'x', '--from', 'no-such-pack')).code).toBe(2);
  });

  it('check --format json reports every mistake as an object with file, line, column or pointer', async () => {
    const dir = tempTree({});
    await briefing(dir, 'init', 'p');
    const section = path.join(dir, 'p/partials/section.hbs');
    writeFileSync(
      section,
      readFileSync(section, 'utf8').replace('<heading>', '<heding>').replace('</heading>', '</heding>'),
    );
    const data = path.join(dir, 'p/sample-data.yaml');
    writeFileSync(data, readFileSync(data, 'utf8').replace('  afterSection: 4', '  afterSection: "4"'));
    const r = await briefing(dir, 'check', 'p', '--data', 'p/sample-data.yaml', '--format', 'json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: Record<string, unknown>[] };
    expect(out.ok).toBe(false);
    // The schema stage stops the build before the template runs: the data error comes first, with its place.
    expect(out.diagnostics[0]).toMatchObject({
      code: 'data:type-mismatch',
      pointer: '/pullQuote/afterSection',
      file: 'p/sample-data.yaml',
    });
    writeFileSync(data, readFileSync(data, 'utf8').replace('  afterSection: "4"', '  afterSection: 4'));
    const r2 = await briefing(dir, 'check', 'p', '--data', 'p/sample-data.yaml', '--format', 'json');
    const out2 = JSON.parse(r2.stdout) as { diagnostics: Record<string, unknown>[] };
    expect(out2.diagnostics[0]).toMatchObject({
      code: 'markup:unknown-element',
      file: 'p/partials/section.hbs',
      line: 3,
      column: 3,
      hint: 'did you mean <heading>?',
    });
  });
});

describe('briefing start-up', () => {
  /** The modules a run of the CLI loads through `import`, as URLs, seen by a loader hook. */
  async function modulesLoaded(...args: string[]): Promise<string[]> {
    const log = path.join(tempTree({}), 'loaded.txt');
    writeFileSync(log, '');
    const hooks = `import { appendFileSync } from 'node:fs';
      export async function load(url, context, next) {
        appendFileSync(${JSON.stringify(log)}, url + '\\n');
        return next(url, context);
      }`;
    const tracer = `import { register } from 'node:module';
      register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(hooks))});`;
    await run(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(tracer)}`, cli, ...args],
      {
        cwd: root,
      },
    ).catch(() => undefined); // usage errors exit 2; only what they loaded matters here
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  }

  it('--help, --version and usage errors load neither the pipeline nor the queue, batch or preview stacks', async () => {
    const heavy =
      /\/node_modules\/(pdfmake|pdfkit|fontkit|canvas|chart\.js|ajv|handlebars|yaml|bullmq|tinypool|chokidar|cli-progress)\/|\/dist\/(pipeline|preview|queue|batch)\b|\/dist\/cli\/(queue|batch|init)\.js/;
    for (const args of [['--help'], ['--version'], ['build', '--help'], ['build'], ['frobnicate']]) {
      const loaded = await modulesLoaded(...args);
      // The top-level --help and --version are answered before yargs loads (src/cli/fast.ts).
      const plain = args.length === 1 && args[0]!.startsWith('--');
      expect(
        loaded.some((u) => u.endsWith('/dist/cli/main.js')),
        args.join(' '),
      ).toBe(!plain);
      if (plain) {
        expect(loaded.some((u) => u.endsWith('/dist/cli/bin.js'))).toBe(true);
        expect(loaded.filter((u) => /\/node_modules\/yargs/.test(u))).toEqual([]);
      }
      expect(
        loaded.filter((u) => heavy.test(u)),
        args.join(' '),
      ).toEqual([]);
    }
  });
});

describe('briefing cache', () => {
  const inCache = async (cache: string, args: string[], extra: Record<string, string> = {}) => {
    try {
      const r = await run(process.execPath, [cli, ...args], {
        cwd: root,
        env: { ...process.env, BRIEFING_CACHE_DIR: cache, SOURCE_DATE_EPOCH: '1700000000', ...extra },
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
  interface Shown {
    files: number;
    bytes: number;
    parts: Record<string, { files: number; bytes: number }>;
    prunedAt: string | null;
    pruned?: { files: number };
    cleared?: { files: number };
  }
  const shown = async (cache: string, args: string[] = [], extra: Record<string, string> = {}) =>
    JSON.parse((await inCache(cache, ['cache', '--format', 'json', ...args], extra)).stdout) as Shown;

  it('shows what a build kept, prunes it to a limit, clears it; a build marks the folder pruned', async () => {
    const dir = tempTree({});
    const cache = path.join(dir, 'cache');
    const built = await inCache(cache, [
      'build',
      'templates/annual-briefing',
      '--data',
      'data/hengyang-2020.yaml',
      '--out',
      path.join(dir, 'a.pdf'),
    ]);
    expect(built.code).toBe(0);
    const after = await shown(cache);
    // The sample's 7 charts, the code cache of the modules the build loaded, its faces, schema and template.
    expect(after.parts.charts!.files).toBe(7);
    expect(after.parts.code!.files).toBeGreaterThan(100);
    expect(after.parts.schemas!.files).toBe(1);
    // What the document's build set, for its next build (build/doc-store.ts).
    expect(after.parts.documents!.files).toBe(1);
    // Every folder a build makes there is one pruning knows.
    for (const name of readdirSync(cache))
      expect(name === 'pruned' || (CACHE_PARTS as readonly string[]).includes(name), name).toBe(true);
    expect(after.files).toBe(Object.values(after.parts).reduce((n, p) => n + p.files, 0));
    // The build pruned the new folder (nothing to remove) and marked it: the next prune is due in a day.
    expect(after.prunedAt).not.toBeNull();
    const human = await inCache(cache, ['cache']);
    expect(human.stdout).toContain(`cache folder: ${cache}`);
    expect(human.stdout).toMatch(/limit 512\.0 MB/);
    expect(human.stdout).toMatch(/^ {2}charts +7 files/m);

    // A limit of half what it holds: the least recently used go, down to 80 % of the limit.
    const limitMb = after.bytes / 2 / 2 ** 20;
    const pruned = await shown(cache, ['--prune'], { BRIEFING_CACHE_MAX_MB: String(limitMb) });
    expect(pruned.pruned!.files).toBeGreaterThan(0);
    expect(pruned.bytes).toBeLessThanOrEqual(after.bytes * 0.4);
    // What is left still builds, the same PDF.
    await inCache(cache, [
      'build',
      'templates/annual-briefing',
      '--data',
      'data/hengyang-2020.yaml',
      '--out',
      path.join(dir, 'b.pdf'),
    ]);
    expect(readFileSync(path.join(dir, 'b.pdf')).equals(readFileSync(path.join(dir, 'a.pdf')))).toBe(true);

    const cleared = await shown(cache, ['--clear']);
    expect(cleared.cleared!.files).toBeGreaterThan(0);
    expect(cleared.files).toBe(0);
    const bad = await inCache(cache, ['cache'], { BRIEFING_CACHE_MAX_MB: 'lots' });
    expect(bad.stderr).toMatch(/BRIEFING_CACHE_MAX_MB=lots is not a number of MB/);
    expect((await inCache(cache, ['cache', '--prune', '--clear'])).code).toBe(2);
    const off = await inCache('off', ['cache']);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/the disk cache is off/);
  });
});

describe("a document's last build, kept for its next", () => {
  it('sets only what changed when the CLI builds a document again, with the same PDF as a build from nothing', async () => {
    const dir = tempTree({});
    const cache = path.join(dir, 'cache');
    const data = path.join(dir, 'data.yaml');
    writeFileSync(data, readFileSync(path.join(root, 'data/hengyang-2020.yaml')));
    const build = async (out: string, env: Record<string, string> = {}) => {
      const r = await run(
        process.execPath,
        [
          cli,
          'build',
          'templates/annual-briefing',
          '--data',
          data,
          '--out',
          path.join(dir, out),
          '--verbose',
        ],
        {
          cwd: root,
          env: { ...process.env, BRIEFING_CACHE_DIR: cache, SOURCE_DATE_EPOCH: '1700000000', ...env },
        },
      );
      const m =
        /text: (\d+) paragraph settings and page layouts from the document's last build, (\d+) new/.exec(
          r.stderr,
        );
      return { taken: Number(m?.[1]), added: Number(m?.[2]), pdf: readFileSync(path.join(dir, out)) };
    };
    const first = await build('a.pdf');
    expect(first.taken).toBe(0);
    expect(first.added).toBeGreaterThan(50);
    const second = await build('b.pdf');
    expect(second).toMatchObject({ taken: first.added, added: 0 });
    expect(second.pdf.equals(first.pdf)).toBe(true);
    // One paragraph edited: it is set again (with its variants, and the flow laid out again), the rest taken.
    writeFileSync(
      data,
      readFileSync(data, 'utf8').replace('创新是引领发展的第一动力', '创新是引领发展的首要动力'),
    );
    const edited = await build('c.pdf');
    expect(edited.added).toBeGreaterThan(0);
    expect(edited.added).toBeLessThanOrEqual(3);
    expect(edited.taken).toBeGreaterThan(first.added - 5);
    // The same PDF as a build that keeps nothing on disk.
    const fresh = await build('d.pdf', { BRIEFING_CACHE_DIR: 'off' });
    expect(fresh.pdf.equals(edited.pdf)).toBe(true);
    expect(fresh.pdf.equals(first.pdf)).toBe(false);
  });
});

describe("V8's code cache for the CommonJS modules", () => {
  const build = (cache: string, out: string, extra: Record<string, string> = {}) =>
    run(
      process.execPath,
      [cli, 'build', 'templates/annual-briefing', '--data', 'data/hengyang-2020.yaml', '--out', out],
      { cwd: root, env: { ...process.env, BRIEFING_CACHE_DIR: cache, ...extra } },
    );
  const codeFiles = (cache: string) => {
    const dir = path.join(cache, 'code');
    return existsSync(dir) ? readdirSync(dir).flatMap((v) => readdirSync(path.join(dir, v))) : [];
  };

  it('is written by the first build, read by the next (the same PDF), and can be turned off', async () => {
    const dir = tempTree({});
    const cache = path.join(dir, 'cache');
    await build(cache, path.join(dir, 'a.pdf'));
    const files = codeFiles(cache);
    // pdfmake, pdfkit, fontkit, ajv, handlebars … : a cache for each CommonJS file a build loads.
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
    await build(cache, path.join(dir, 'b.pdf'));
    expect(readFileSync(path.join(dir, 'b.pdf')).equals(readFileSync(path.join(dir, 'a.pdf')))).toBe(true);
    expect(codeFiles(cache)).toEqual(files);
    const off = path.join(dir, 'off');
    await build(off, path.join(dir, 'c.pdf'), { BRIEFING_CODE_CACHE: '0' });
    expect(codeFiles(off)).toEqual([]);
  });

  it('runs build and check from the bundle, with the same PDF as dist/ itself, and keeps its compiled code', async () => {
    // The bundle `npm run build` made from this dist/ (scripts/bundle.mjs; the e2e setup runs it too).
    const bundle = path.join(root, 'dist/bundle/build.cjs');
    const dir = tempTree({
      'loaded.cjs': `process.on('exit', () => require('fs').writeFileSync(process.env.LOADED,
        JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('/dist/bundle/')))));`,
    });
    const cache = path.join(dir, 'cache');
    const buildLoading = async (out: string, extra: Record<string, string> = {}, command = 'build') => {
      const loaded = path.join(dir, `${out}.json`);
      await run(
        process.execPath,
        [
          '-r',
          path.join(dir, 'loaded.cjs'),
          cli,
          command,
          'templates/annual-briefing',
          '--data',
          'data/hengyang-2020.yaml',
        ].concat(command === 'build' ? ['--out', path.join(dir, out)] : []),
        {
          cwd: root,
          env: {
            ...process.env,
            BRIEFING_CACHE_DIR: cache,
            LOADED: loaded,
            SOURCE_DATE_EPOCH: '1700000000',
            ...extra,
          },
        },
      );
      return JSON.parse(readFileSync(loaded, 'utf8')) as string[];
    };
    expect(await buildLoading('a.pdf')).toEqual([bundle]);
    // `check` runs from it too.
    expect(await buildLoading('check', {}, 'check')).toEqual([bundle]);
    expect(await buildLoading('b.pdf', { BRIEFING_BUNDLE: '0' })).toEqual([]);
    expect(readFileSync(path.join(dir, 'b.pdf')).equals(readFileSync(path.join(dir, 'a.pdf')))).toBe(true);
    // Its code cache is named by the SHA-1 of the text it was made from (a copy of the project elsewhere shares
    // it), and begins with that SHA-1: a file holding a cache made from other text is not used, and is made again.
    const source = createHash('sha1').update(readFileSync(bundle)).digest();
    const kept = path.join(cache, 'code', `${process.version}-${process.arch}`, source.toString('hex'));
    expect(readFileSync(kept).subarray(0, 20).equals(source)).toBe(true);
    // Then the SHA-1 of its data: damaged data (V8 does not check it, and crashes on it) is not used either.
    const whole = (file: Buffer) =>
      file.subarray(0, 20).equals(source) &&
      file.subarray(20, 40).equals(createHash('sha1').update(file.subarray(40)).digest());
    expect(whole(readFileSync(kept))).toBe(true);
    for (const at of [0, 40 + 200]) {
      const damaged = readFileSync(kept);
      for (let i = at; i < at + 200; i++) damaged[i] = damaged[i]! ^ 0xff;
      writeFileSync(kept, damaged);
      expect(await buildLoading('c.pdf')).toEqual([bundle]);
      expect(readFileSync(path.join(dir, 'c.pdf')).equals(readFileSync(path.join(dir, 'a.pdf')))).toBe(true);
      expect(whole(readFileSync(kept))).toBe(true);
    }
    // Strict mode, as the ES modules it is made of (a directive after the banner's code would be none).
    expect(readFileSync(bundle, 'utf8').startsWith('"use strict";')).toBe(true);
    // The packages loaded as hundreds of files are in it, and its manifest follows their package.json; pdfmake,
    // whose files the line engine patches, and fontkit, which the fonts share with pdfkit, are not.
    for (const name of ['build', 'worker']) {
      const text = readFileSync(path.join(root, `dist/bundle/${name}.cjs`), 'utf8');
      const files = (
        JSON.parse(readFileSync(path.join(root, `dist/bundle/${name}.json`), 'utf8')) as { files: [string][] }
      ).files.map(([rel]) => rel);
      for (const pkg of ['yaml', 'handlebars', 'exceljs']) {
        expect(text).toMatch(new RegExp(`^// node_modules/${pkg}/`, 'm'));
        expect(files).toContain(`node_modules/${pkg}/package.json`);
      }
      for (const pkg of ['pdfmake', 'pdfkit', 'fontkit'])
        expect(text).not.toMatch(new RegExp(`^// node_modules/${pkg}/`, 'm'));
      expect(
        files.filter(
          (f) => f.startsWith('..') || (f.startsWith('node_modules/') && !f.endsWith('/package.json')),
        ),
      ).toEqual([]);
    }
  });

  it('is not used in a folder others may write to', async () => {
    const dir = tempTree({});
    const cache = path.join(dir, 'cache');
    mkdirSync(path.join(cache, 'code'), { recursive: true });
    chmodSync(path.join(cache, 'code'), 0o777);
    await build(cache, path.join(dir, 'a.pdf'));
    expect(codeFiles(cache)).toEqual([]);
    expect(existsSync(path.join(dir, 'a.pdf'))).toBe(true);
  });
});
