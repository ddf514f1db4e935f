import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { monthsBetween, readManifest } from '../src/batch/manifest.js';
import { buildBatch } from '../src/batch/run.js';
import { STATE_FILE } from '../src/batch/state.js';
import { monthlyData, monthlyTree } from './support/monthly.js';
import { tempTree } from './support/tmp.js';
import ExcelJS from 'exceljs';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/cli/bin.js');

describe('batch manifests', () => {
  it('counts months across a year end', () => {
    expect(monthsBetween('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });

  it('expands every variable against every period, with paths from the manifest and the output folder', () => {
    const dir = monthlyTree(['a', 'b'], ['2025-01', '2025-02']);
    const { jobs, diagnostics } = readManifest(path.join(dir, 'batch.yaml'), path.join(dir, 'out'));
    expect(diagnostics).toEqual([]);
    expect(jobs.map((j) => j.id)).toEqual([
      'a/2025-01.pdf',
      'b/2025-01.pdf',
      'a/2025-02.pdf',
      'b/2025-02.pdf',
    ]);
    expect(jobs[1]).toMatchObject({
      dataFile: path.join(dir, 'data/b/2025-01.yaml'),
      templateDir: path.join(dir, 'pack'),
    });
    const one = readManifest(path.join(dir, 'batch.yaml'), path.join(dir, 'out'), { period: '2025-02' });
    expect(one.jobs.map((j) => j.id)).toEqual(['a/2025-02.pdf', 'b/2025-02.pdf']);
  });

  it('reports manifest mistakes with their place', () => {
    const cases: [string, string][] = [
      ["data: 'x/{period}.yaml'\nout: 'y.pdf'\nperiods: ['2025-01']\n", 'batch:manifest'],
      ["template: p\ndata: '{unit}.yaml'\nout: '{unit}.pdf'\n", 'batch:variable'],
      [
        "template: p\ndata: '{period}.yaml'\nout: 'same.pdf'\nperiods: ['2025-01', '2025-02']\n",
        'batch:duplicate-output',
      ],
      [
        "template: p\ndata: '{period}.yaml'\nout: '../{period}.pdf'\nperiods: ['2025-01']\n",
        'batch:output-outside',
      ],
      ["template: p\ndata: '{period}.yaml'\nout: '{period}.pdf'\n", 'batch:period'],
      [
        "template: p\ndata: '{period}.yaml'\nout: '{period}.pdf'\nperiods: { from: 2025-1, to: 2025-03 }\n",
        'batch:period',
      ],
    ];
    for (const [text, code] of cases) {
      const dir = tempTree({ 'm.yaml': text });
      const { diagnostics } = readManifest(path.join(dir, 'm.yaml'), path.join(dir, 'out'));
      expect(diagnostics[0]?.code, text).toBe(code);
      expect(diagnostics[0]?.place?.file).toBe(path.join(dir, 'm.yaml'));
    }
  });

  it('refuses an output that a symbolic link in the output folder takes elsewhere', () => {
    const text = "template: p\ndata: '{unit}.yaml'\nout: '{unit}/r.pdf'\nvars: { unit: [a, b] }\n";
    const dir = tempTree({ 'm.yaml': text, 'out/a/keep': '', 'elsewhere/keep': '' });
    symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'out', 'b'));
    const { diagnostics, jobs } = readManifest(path.join(dir, 'm.yaml'), path.join(dir, 'out'));
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['batch:output-outside', 'b/r.pdf would be written outside the output folder (through the link b)'],
    ]);
    expect(jobs.map((j) => j.id)).toEqual(['a/r.pdf']);
    // An output folder that is itself a link, or does not exist yet, is fine.
    symlinkSync(path.join(dir, 'out'), path.join(dir, 'linked'));
    rmSync(path.join(dir, 'out', 'b'));
    expect(readManifest(path.join(dir, 'm.yaml'), path.join(dir, 'linked')).diagnostics).toEqual([]);
    expect(readManifest(path.join(dir, 'm.yaml'), path.join(dir, 'new', 'out')).diagnostics).toEqual([]);
  });
});

describe('briefing batch', () => {
  it('builds in parallel, skips what is unchanged, rebuilds exactly what changed, and --force reproduces the bytes', async () => {
    const dir = monthlyTree(['a', 'b', 'c'], ['2025-01', '2025-02']);
    const out = path.join(dir, 'out');
    const opts = { manifest: path.join(dir, 'batch.yaml'), outDir: out, jobs: 2 };
    const first = await buildBatch(opts);
    expect(first).toMatchObject({ ok: true, total: 6, built: 6, skipped: 0, failed: 0 });
    const bytes = readFileSync(path.join(out, 'b/2025-02.pdf'));
    expect(
      (
        JSON.parse(readFileSync(path.join(out, STATE_FILE), 'utf8')) as {
          reports: Record<string, { bytes: number }>;
        }
      ).reports['b/2025-02.pdf']!.bytes,
    ).toBe(bytes.length);

    const second = await buildBatch(opts);
    expect(second).toMatchObject({ ok: true, built: 0, skipped: 6 });

    writeFileSync(path.join(dir, 'data/c/2025-01.yaml'), monthlyData('c', '2025-01').replace('3.5%', '4.5%'));
    const third = await buildBatch(opts);
    expect(third).toMatchObject({ built: 1, skipped: 5 });
    expect(third.reports.find((r) => r.status === 'built')?.id).toBe('c/2025-01.pdf');

    const forced = await buildBatch({ ...opts, force: true });
    expect(forced).toMatchObject({ built: 6, skipped: 0 });
    expect(Buffer.compare(readFileSync(path.join(out, 'b/2025-02.pdf')), bytes)).toBe(0);
  }, 120_000);

  it('builds with the environment it was started in (SOURCE_DATE_EPOCH reaches the build processes)', async () => {
    const dir = monthlyTree(['a'], ['2025-01']);
    const out = path.join(dir, 'out');
    const r = await promisify(execFile)(
      process.execPath,
      [cli, 'batch', path.join(dir, 'batch.yaml'), '--out-dir', out, '--jobs', '1'],
      { env: { ...process.env, SOURCE_DATE_EPOCH: '1000000000' } },
    );
    expect(r.stderr).toBe('');
    // 1000000000 s after the epoch is 2001-09-09 01:46:40 UTC; without it the date comes from the data (2025).
    const info = await promisify(execFile)('pdfinfo', ['-isodates', path.join(out, 'a/2025-01.pdf')]);
    expect(info.stdout).toMatch(/CreationDate:\s+2001-09-09T01:46:40/);
  }, 120_000);

  it('runs its workers from the bundle, which keep their compiled code, with the same PDFs as dist/ itself', async () => {
    const dir = monthlyTree(['a'], ['2025-01', '2025-02']);
    const cache = path.join(dir, 'cache');
    const batch = (out: string, env: Record<string, string> = {}) =>
      promisify(execFile)(
        process.execPath,
        [cli, 'batch', path.join(dir, 'batch.yaml'), '--out-dir', path.join(dir, out), '--jobs', '1'],
        { env: { ...process.env, BRIEFING_CACHE_DIR: cache, SOURCE_DATE_EPOCH: '1700000000', ...env } },
      );
    // The worker's bundle (scripts/bundle.mjs; the e2e setup runs it) and its code cache, named by its text.
    const bundle = path.join(root, 'dist/bundle/worker.cjs');
    const sha1 = (b: string | Buffer) => createHash('sha1').update(b).digest();
    const kept = path.join(
      cache,
      'code',
      `${process.version}-${process.arch}`,
      sha1(readFileSync(bundle)).toString('hex'),
    );
    await batch('one');
    // Written when the worker exited, from the bundle's text: the worker ran the bundle and kept its code.
    expect(
      readFileSync(kept)
        .subarray(0, 20)
        .equals(sha1(readFileSync(bundle))),
    ).toBe(true);
    // And of the packages outside the bundle (pdfmake, pdfkit, fontkit and theirs): a few dozen files.
    expect(readdirSync(path.dirname(kept)).length).toBeGreaterThan(20);
    rmSync(kept);
    await batch('two', { BRIEFING_BUNDLE: '0' });
    expect(existsSync(kept)).toBe(false);
    for (const f of ['a/2025-01.pdf', 'a/2025-02.pdf'])
      expect(readFileSync(path.join(dir, 'two', f)).equals(readFileSync(path.join(dir, 'one', f)))).toBe(
        true,
      );
  }, 120_000);

  it('builds a month of new data with the cache earlier months left as a build on its own would, byte for byte', async () => {
    // The monthly reports' own pack and data, two units; the earlier half year fills the cache (compiled code,
    // faces' records, charts), the later half is new. A worker whose runs were shaped from the records once gave
    // later reports glyphs with no characters: their charts' "10月" copied as "0月" (fonts/shared.ts).
    const dir = tempTree({});
    const data = path.join(root, 'data/monthly');
    writeFileSync(
      path.join(dir, 'batch.yaml'),
      `template: ${path.join(root, 'templates/monthly-report')}\ndata: '${data}/{unit}/{period}.yaml'\n` +
        `out: '{unit}/{period}.pdf'\nperiods: { from: '2025-01', to: '2025-12' }\nvars:\n  unit: [zhuhui, yanfeng]\n`,
    );
    const env = {
      ...process.env,
      BRIEFING_CACHE_DIR: path.join(dir, 'cache'),
      SOURCE_DATE_EPOCH: '1700000000',
    };
    const batch = (from: string, to: string) =>
      promisify(execFile)(
        process.execPath,
        [cli, 'batch', 'batch.yaml', '--from', from, '--to', to, '--out-dir', 'out', '--jobs', '2'],
        { cwd: dir, env },
      );
    await batch('2025-01', '2025-06');
    rmSync(path.join(dir, 'cache', 'charts'), { recursive: true, force: true });
    await batch('2025-07', '2025-12');
    for (const unit of ['zhuhui', 'yanfeng'])
      for (const month of ['07', '08', '09', '10', '11', '12']) {
        const alone = path.join(dir, 'alone', `${unit}-${month}.pdf`);
        await promisify(execFile)(
          process.execPath,
          [
            cli,
            'build',
            path.join(root, 'templates/monthly-report'),
            '--data',
            `${data}/${unit}/2025-${month}.yaml`,
            '--out',
            alone,
          ],
          { env: { ...env, BRIEFING_CACHE_DIR: 'off' } },
        );
        const report = path.join(dir, 'out', unit, `2025-${month}.pdf`);
        expect(readFileSync(report).equals(readFileSync(alone)), `${unit} 2025-${month}`).toBe(true);
      }
  }, 180_000);

  it('has each of its workers write its share of the code cache, which together are the whole', async () => {
    // What a worker does at exit (batch/worker-entry.ts), in a process of its own: compile some packages with the
    // code cache installed, and write the caches of its share of them.
    const written = async (index: number, count: number) => {
      const cache = tempTree({});
      const script = `const { installCodeCache } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'dist/build/code-cache.js')).href)});
installCodeCache(${JSON.stringify(cache)}, undefined, { index: ${index}, count: ${count} });
const require = (await import('node:module')).createRequire(${JSON.stringify(path.join(root, 'package.json'))});
for (const p of ['yaml', 'handlebars', 'fontkit', 'pdfkit', 'restructure']) require(p);`;
      await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
      return readdirSync(path.join(cache, 'code', `${process.version}-${process.arch}`)).sort();
    };
    const [all, first, second] = await Promise.all([written(0, 1), written(0, 2), written(1, 2)]);
    expect(all.length).toBeGreaterThan(40);
    expect(first.every((f) => parseInt(f.slice(0, 2), 16) % 2 === 0)).toBe(true);
    expect(second.every((f) => parseInt(f.slice(0, 2), 16) % 2 === 1)).toBe(true);
    expect([...first, ...second].sort()).toEqual(all);
  }, 60_000);

  it('waits for its workers to exit, however slowly: Tinypool holds no process open for them', async () => {
    const url = (f: string) => JSON.stringify(pathToFileURL(f).href);
    const dir = tempTree({
      // A worker that takes longer to exit than Tinypool's one-second grace before SIGKILL.
      'slow.mjs': `process.on('SIGTERM', () => { const t = Date.now(); while (Date.now() - t < 1500); process.exit(0); });
        export default () => 1;`,
    });
    writeFileSync(
      path.join(dir, 'close.mjs'),
      `import { Tinypool } from ${url(path.join(root, 'node_modules/tinypool/dist/index.js'))};
      import { closePool } from ${url(path.join(root, 'dist/batch/pool.js'))};
      const pool = new Tinypool({ filename: ${url(path.join(dir, 'slow.mjs'))}, runtime: 'child_process', minThreads: 1, maxThreads: 1 });
      await pool.run({});
      await closePool(pool);
      console.log('closed');`,
    );
    const r = await promisify(execFile)(process.execPath, [path.join(dir, 'close.mjs')], { cwd: dir });
    // With pool.destroy() alone this process would end before 'closed' (the batch, before its summary).
    expect(r.stdout.trim()).toBe('closed');
  }, 60_000);

  it('rebuilds a report whose CSV or XLSX table changed, skips one whose table did not, and places a table error in the table', async () => {
    // A pack with a table of rows; each unit's data refers to its own table file.
    const files: Record<string, string | Uint8Array> = {
      'pack/template.hbs':
        '<briefing date="2025-01-28"><headline>{{unit}}</headline><body columns="1"><section><heading>部门</heading>{{#each rows}}<p>{{name}}完成{{number actual 1}}万元。</p>{{/each}}</section></body></briefing>',
      'pack/schema.json': JSON.stringify({
        type: 'object',
        properties: {
          unit: { type: 'string' },
          rows: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'actual'],
              additionalProperties: false,
              properties: { name: { type: 'string' }, actual: { type: 'number' } },
            },
          },
        },
      }),
      'batch.yaml':
        "template: pack\ndata: 'data/{unit}.yaml'\nout: '{unit}.pdf'\nperiods: ['2025-01']\nvars:\n  unit: [a, b, c]\n",
      'data/a.yaml': 'unit: a\nrows: { $csv: a.csv }\n',
      'data/b.yaml': 'unit: b\nrows: { $csv: b.csv }\n',
      'data/c.yaml': 'unit: c\nrows: { $xlsx: c.xlsx, sheet: 一月 }\n',
      'data/a.csv': 'name,actual\n门店,"1,186.4"\n',
      'data/b.csv': 'name,actual\n线上,563.8\n',
    };
    const book = async (actual: number) => {
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('一月').addRows([
        ['name', 'actual'],
        ['政企', actual],
      ]);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    files['data/c.xlsx'] = await book(478.2);
    const dir = tempTree(files);
    const opts = { manifest: path.join(dir, 'batch.yaml'), outDir: path.join(dir, 'out'), jobs: 2 };
    expect(await buildBatch(opts)).toMatchObject({ ok: true, built: 3 });
    expect(await buildBatch(opts)).toMatchObject({ ok: true, built: 0, skipped: 3 });

    writeFileSync(path.join(dir, 'data/b.csv'), 'name,actual\n线上,600.0\n');
    const csvChanged = await buildBatch(opts);
    expect(csvChanged).toMatchObject({ ok: true, built: 1, skipped: 2 });
    expect(csvChanged.reports.find((r) => r.status === 'built')?.id).toBe('b.pdf');

    writeFileSync(path.join(dir, 'data/c.xlsx'), await book(500));
    const xlsxChanged = await buildBatch(opts);
    expect(xlsxChanged).toMatchObject({ ok: true, built: 1, skipped: 2 });
    expect(xlsxChanged.reports.find((r) => r.status === 'built')?.id).toBe('c.pdf');

    writeFileSync(path.join(dir, 'data/a.csv'), 'name,actual\n门店,"1,18x"\n');
    const broken = await buildBatch(opts);
    expect(broken).toMatchObject({ ok: false, failed: 1, skipped: 2 });
    expect(broken.reports.find((r) => r.status === 'failed')?.firstError).toMatch(
      /data\/a\.csv:2:2: error\[data:table-number\]: expected a number, got "1,18x" \(column "actual", at \/rows\/0\/actual\)/,
    );
  }, 120_000);

  it('goes on past a failing report and says which failed and why', async () => {
    const dir = monthlyTree(['a', 'b', 'c'], ['2025-01']);
    writeFileSync(path.join(dir, 'data/b/2025-01.yaml'), monthlyData('b', '2025-01', { date: 'not-a-date' }));
    const r = await buildBatch({
      manifest: path.join(dir, 'batch.yaml'),
      outDir: path.join(dir, 'out'),
      jobs: 2,
    });
    expect(r).toMatchObject({ ok: false, built: 2, failed: 1 });
    const failed = r.reports.find((x) => x.status === 'failed')!;
    expect(failed.id).toBe('b/2025-01.pdf');
    expect(failed.firstError).toMatch(/2025-01\.yaml:3:7: error\[data:format\]/);
    expect(existsSync(path.join(dir, 'out/b/2025-01.pdf'))).toBe(false);
  }, 120_000);

  it('stops a report over its time limit and goes on with the others', async () => {
    const dir = monthlyTree(['a', 'b', 'huge'], ['2025-01']);
    // One report is absurdly long: thousands of paragraphs' worth of text.
    writeFileSync(
      path.join(dir, 'data/huge/2025-01.yaml'),
      monthlyData('huge', '2025-01', { para: '很长的数据。'.repeat(60_000) }),
    );
    const r = await buildBatch({
      manifest: path.join(dir, 'batch.yaml'),
      outDir: path.join(dir, 'out'),
      jobs: 2,
      timeLimitMs: 1500,
    });
    expect(r).toMatchObject({ ok: false, built: 2, failed: 1 });
    const failed = r.reports.find((x) => x.status === 'failed')!;
    expect(failed.id).toBe('huge/2025-01.pdf');
    expect(failed.firstError).toMatch(/limit:time/);
    expect(existsSync(path.join(dir, 'out/huge/2025-01.pdf'))).toBe(false);
  }, 120_000);

  it('stops cleanly on SIGTERM: no partial file, and the next run finishes the job', async () => {
    const units = ['a', 'b', 'c', 'd', 'e', 'f'];
    const dir = monthlyTree(units, ['2025-01', '2025-02']);
    const out = path.join(dir, 'out');
    const child = spawn(process.execPath, [cli, 'batch', 'batch.yaml', '--out-dir', 'out', '-j', '1'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
        if (/^built /m.test(stdout)) resolve();
      }),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(130);
    const files = (d: string): string[] =>
      existsSync(d)
        ? readdirSync(d, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)],
          )
        : [];
    const written = files(out);
    expect(written.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const f of written.filter((x) => x.endsWith('.pdf')))
      expect(readFileSync(f).subarray(-6).toString()).toMatch(/%%EOF/);
    const builtBefore = written.filter((f) => f.endsWith('.pdf')).length;
    expect(builtBefore).toBeGreaterThan(0);
    expect(builtBefore).toBeLessThan(12);
    const rest = await run(
      process.execPath,
      [cli, 'batch', 'batch.yaml', '--out-dir', 'out', '--format', 'json'],
      { cwd: dir },
    );
    const summary = JSON.parse(rest.stdout) as { built: number; skipped: number; ok: boolean };
    expect(summary).toMatchObject({ ok: true, built: 12 - builtBefore, skipped: builtBefore });
  }, 120_000);
});

const run = promisify(execFile);

/** Every file under `d`, recursively. */
const files = (d: string): string[] =>
  existsSync(d)
    ? readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)],
      )
    : [];

/** The state letter of a process from /proc (Linux), undefined when it is gone. */
function procState(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
}

/** The processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('briefing batch under SIGKILL', () => {
  it('leaves only whole files when killed at the moments that matter, and the next run finishes the job', async () => {
    const units = ['a', 'b', 'c', 'd', 'e', 'f'];
    const dir = monthlyTree(units, ['2025-01', '2025-02', '2025-03']);
    const reference = await buildBatch({
      manifest: path.join(dir, 'batch.yaml'),
      outDir: path.join(dir, 'ref'),
      jobs: 2,
    });
    expect(reference.built).toBe(18);
    // Each round pauses one process at a point it reports (BRIEFING_TEST_PAUSE, src/batch/testpoint.ts), then
    // SIGKILLs the batch process there.
    const rounds: { pause: string; jobs: string; leaves?: RegExp }[] = [
      // The batch has recorded its third report, not yet saved the state; its workers finish what they hold.
      { pause: 'report-done@3', jobs: '2' },
      // A worker has written and flushed a PDF's temporary file, not yet renamed it (the machine goes down).
      { pause: 'output-before-rename@1', jobs: '1', leaves: /\/\.\d{4}-\d\d\.pdf\.\d+\.[0-9a-f]+\.tmp$/ },
      // The batch has written the new state to its temporary file, not yet renamed it (its second save).
      {
        pause: 'state-before-rename@2',
        jobs: '2',
        leaves: /\/\.\.briefing-batch\.json\.\d+\.[0-9a-f]+\.tmp$/,
      },
    ];
    for (const { pause, jobs, leaves } of rounds) {
      const child = spawn(process.execPath, [cli, 'batch', 'batch.yaml', '--out-dir', 'out', '-j', jobs], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, BRIEFING_TEST_PAUSE: pause },
      });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      let stderr = '';
      const paused = await new Promise<number>((resolve, reject) => {
        child.stderr.on('data', (b: Buffer) => {
          stderr += b.toString();
          const m = /^briefing-test-point (\S+) (\d+)$/m.exec(stderr);
          if (m && m[1] === pause.split('@')[0]) resolve(Number(m[2]));
        });
        void exited.then(() => reject(new Error(`the batch ended before ${pause}:\n${stderr}`)));
      });
      const workers = childrenOf(child.pid!);
      expect(workers.length, pause).toBeGreaterThan(0);
      child.kill('SIGKILL');
      // A paused worker is stuck where no event reaches it (Atomics.wait): it is left to its watchdog.
      if (paused !== child.pid) expect(workers, pause).toContain(paused);
      await exited;
      // No orphans: workers whose batch died finish the report in hand and leave; one that is stuck is killed
      // by its own watchdog thread (src/batch/watchdog.ts) a few seconds later.
      const running = () => workers.filter((w) => (procState(w) ?? 'Z') !== 'Z');
      for (let waited = 0; running().length && waited < 30_000; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      const orphans = running();
      for (const w of orphans) process.kill(w, 'SIGKILL'); // not left behind when this fails
      expect(orphans, `${pause}: workers still running 30 s after their batch died`).toEqual([]);
      // Whatever is there is whole: every PDF ends with %%EOF, the state file is valid JSON.
      const left = files(path.join(dir, 'out'));
      for (const f of left)
        if (f.endsWith('.pdf')) expect(readFileSync(f).subarray(-6).toString(), f).toMatch(/%%EOF/);
        else if (f.endsWith(STATE_FILE))
          expect(() => JSON.parse(readFileSync(f, 'utf8')) as unknown).not.toThrow();
      // The kill came at the point: the temporary file it interrupted is there.
      if (leaves)
        expect(
          left.filter((f) => leaves.test(f)),
          `${pause}: ${left.join(', ')}`,
        ).toHaveLength(1);
    }
    const last = await buildBatch({
      manifest: path.join(dir, 'batch.yaml'),
      outDir: path.join(dir, 'out'),
      jobs: 2,
    });
    expect(last.ok).toBe(true);
    expect(last.built + last.skipped).toBe(18);
    expect(files(path.join(dir, 'out')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // And the finished set is what an uninterrupted run makes, byte for byte.
    for (const r of reference.reports)
      expect(
        Buffer.compare(readFileSync(path.join(dir, 'out', r.id)), readFileSync(path.join(dir, 'ref', r.id))),
        r.id,
      ).toBe(0);
  }, 120_000);
});
