import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBatch } from '../src/batch/run.js';
import { periodsAt } from '../src/queue/schedule.js';
import { monthlyData, monthlyTree } from './support/monthly.js';
import { tempTree } from './support/tmp.js';

// Real Redis, real worker processes. scripts/setup.sh installs Debian's redis-server; each run starts its own
// on a free loopback port, in a temporary folder, with no persistence, and stops it afterwards.
const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/cli/bin.js');
const haveRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveRedis && process.env.CI) throw new Error('redis-server is missing: run scripts/setup.sh');
if (!haveRedis)
  console.warn('queue tests skipped: redis-server is not installed (scripts/setup.sh installs it)');

/** Twelve paragraphs a report, so that a build takes a noticeable moment. */
const PARAS = 12;

function filesUnder(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(d, e.name)) : [path.join(d, e.name)],
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Runs the CLI to the end; resolves with its exit code and output (never rejects on a non-zero exit). */
function runCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd, timeout: 50_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A redis-server of its own on a free loopback port, in a temporary folder, with no persistence. */
async function startRedis(): Promise<{ child: ChildProcess; dir: string; url: string }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'briefing-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${log}`)), 10_000);
    child.stdout.on('data', (b: Buffer) => {
      log += b.toString();
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (c) => reject(new Error(`redis-server exited with ${c}:\n${log}`)));
  });
  return { child, dir, url: `redis://127.0.0.1:${port}` };
}

/** A `briefing worker` process; `out` collects what it prints. */
interface WorkerProc {
  child: ChildProcess;
  out: string[];
  exited: Promise<number | null>;
}

describe('scheduled builds', () => {
  it("take the month before the firing, or the firing's month, in the schedule's time zone", () => {
    const data = { manifest: 'm', outDir: 'o', fontsConfig: 'f', attempts: 3 };
    // 06:00 on 2 January 2026 in Shanghai is 22:00 on 1 January UTC.
    const at = Date.parse('2026-01-01T22:00:00Z');
    expect(periodsAt({ ...data, period: 'previous', tz: 'Asia/Shanghai' }, at)).toEqual({
      period: '2025-12',
    });
    expect(periodsAt({ ...data, period: 'current', tz: 'Asia/Shanghai' }, at)).toEqual({ period: '2026-01' });
    expect(periodsAt({ ...data, period: 'current', tz: 'UTC' }, at)).toEqual({ period: '2026-01' });
    expect(periodsAt({ ...data, period: 'previous', tz: 'America/New_York' }, at)).toEqual({
      period: '2025-12',
    });
    expect(periodsAt({ ...data, period: '2025-03' }, at)).toEqual({ period: '2025-03' });
    expect(periodsAt({ ...data, period: 'manifest' }, at)).toEqual({});
    expect(periodsAt({ ...data, period: 'manifest', from: '2025-01', to: '2025-06' }, at)).toEqual({
      from: '2025-01',
      to: '2025-06',
    });
  });
});

describe.skipIf(!haveRedis)('briefing on a Redis queue (BullMQ)', () => {
  let redis: ChildProcess;
  let redisDir: string;
  let url: string;
  const workers: WorkerProc[] = [];

  /** `briefing enqueue batch.yaml --out-dir out --wait --format json` on `queue`, run in `dir`. */
  const enqueueAndWait = (queue: string, dir: string) =>
    runCli(
      [
        'enqueue',
        'batch.yaml',
        '--redis',
        url,
        '--queue',
        queue,
        '--out-dir',
        'out',
        '--wait',
        '--format',
        'json',
      ],
      dir,
    );

  const startWorker = async (
    queue: string,
    cwd: string,
    extra: string[] = [],
    redisUrl = url,
  ): Promise<WorkerProc> => {
    const child = spawn(
      process.execPath,
      [
        cli,
        'worker',
        '--redis',
        redisUrl,
        '--queue',
        queue,
        '-c',
        '1',
        '-v',
        '--lock-timeout',
        '2',
        ...extra,
      ],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const w: WorkerProc = {
      child,
      out: [],
      exited: new Promise((resolve) => child.on('exit', (c) => resolve(c))),
    };
    workers.push(w);
    let buffered = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer) => {
        buffered += b.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        w.out.push(...lines);
        if (lines.some((l) => / worker \S+ on queue /.test(l))) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (b: Buffer) => w.out.push(...b.toString().split('\n').filter(Boolean)));
      void w.exited.then((c) => reject(new Error(`worker exited with ${c}: ${w.out.join('\n')}`)));
    });
    await ready;
    return w;
  };

  beforeAll(async () => {
    const r = await startRedis();
    redis = r.child;
    redisDir = r.dir;
    url = r.url;
  });

  afterAll(async () => {
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await Promise.race([
      Promise.all(workers.map((w) => w.exited)),
      new Promise((r) => setTimeout(r, 10_000)),
    ]);
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    if (redis && redis.exitCode === null) {
      const gone = new Promise((r) => redis.on('exit', r));
      redis.kill('SIGTERM');
      await gone;
    }
    if (redisDir) rmSync(redisDir, { recursive: true, force: true });
  });

  it('two workers, fifty reports, one worker killed in the middle of a job: every report built once, whole, as batch builds it', async () => {
    const units = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const periods = ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05'];
    const dir = monthlyTree(units, periods, PARAS);
    const queue = 'kill';
    const events = new QueueEvents(queue, { connection: { url } });
    await events.waitUntilReady();
    const completions = new Map<string, number>();
    events.on('completed', ({ jobId }) => completions.set(jobId, (completions.get(jobId) ?? 0) + 1));
    try {
      const [w1, w2] = [await startWorker(queue, dir), await startWorker(queue, dir)];
      const waiting = enqueueAndWait(queue, dir);

      // Freeze worker 1 and look at what it said last: a job it started and has not finished is in the middle.
      // Then kill it. (A frozen worker cannot complete the job: that takes its own call to Redis.)
      let killedOn: string | undefined;
      for (let i = 0; i < 400 && !killedOn; i++) {
        await new Promise((r) => setTimeout(r, 25));
        if (w1.out.filter((l) => / built /.test(l)).length < 3) continue;
        w1.child.kill('SIGSTOP');
        await new Promise((r) => setTimeout(r, 150));
        const last = w1.out.at(-1) ?? '';
        const started = / start +(\S+)/.exec(last)?.[1];
        if (started) {
          w1.child.kill('SIGKILL');
          killedOn = started;
        } else w1.child.kill('SIGCONT');
      }
      expect(killedOn, w1.out.join('\n')).toBeDefined();
      expect(await w1.exited).toBe(null);

      const r = await waiting;
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as {
        ok: boolean;
        built: number;
        failed: number;
        workers: number;
        reports: { id: string; status: string; stalled?: number; worker?: string }[];
      };
      expect(summary).toMatchObject({ ok: true, built: 50, failed: 0, workers: 2 });

      // The killed job went back on the queue and the other worker built it.
      const moved = summary.reports.find((x) => x.id === killedOn)!;
      expect(moved.stalled).toBeGreaterThanOrEqual(1);
      expect(moved.worker).toMatch(new RegExp(`:${w2.child.pid}$`));
      expect(w2.out.some((l) => /stalled job/.test(l))).toBe(true);

      // Every job completed once; every report was built once by the workers that lived to say so.
      await new Promise((r) => setTimeout(r, 300));
      expect(completions.size).toBe(50);
      expect([...completions.values()].every((n) => n === 1)).toBe(true);
      const builtLines = [...w1.out, ...w2.out].flatMap((l) => / built +(\S+)/.exec(l)?.[1] ?? []);
      expect(builtLines.length).toBe(50);
      expect(new Set(builtLines).size).toBe(50);

      // Fifty whole PDFs, no temporary file left, the same bytes as `briefing batch` makes.
      const files = filesUnder(path.join(dir, 'out'));
      expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const pdfs = files.filter((f) => f.endsWith('.pdf'));
      expect(pdfs.length).toBe(50);
      for (const f of pdfs) {
        const b = readFileSync(f);
        expect(b.subarray(0, 5).toString(), f).toBe('%PDF-');
        expect(b.subarray(-8).toString(), f).toMatch(/%%EOF\s*$/);
      }
      const batch = await buildBatch({
        manifest: path.join(dir, 'batch.yaml'),
        outDir: path.join(dir, 'batch-out'),
        jobs: 2,
      });
      expect(batch).toMatchObject({ ok: true, built: 50 });
      for (const f of pdfs)
        expect(
          Buffer.compare(
            readFileSync(f),
            readFileSync(path.join(dir, 'batch-out', path.relative(path.join(dir, 'out'), f))),
          ),
          f,
        ).toBe(0);

      // Enqueueing the same manifest again adds nothing and builds nothing: all fifty are up to date.
      const again = await enqueueAndWait(queue, dir);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, built: 0, skipped: 50 });
      const status = await runCli(['jobs', '--redis', url, '--queue', queue, '--format', 'json'], dir);
      const counts = (JSON.parse(status.stdout) as { counts: Record<string, number> }).counts;
      expect(counts).toMatchObject({ completed: 50, waiting: 0, active: 0, failed: 0 });

      // A PDF that has gone since is built again, under the same job id; the rest stay up to date.
      rmSync(path.join(dir, 'out/c/2025-04.pdf'));
      const gone = await enqueueAndWait(queue, dir);
      expect(JSON.parse(gone.stdout)).toMatchObject({ ok: true, built: 1, skipped: 49 });
      expect(readFileSync(path.join(dir, 'out/c/2025-04.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await events.close();
    }
  }, 60_000);

  it('enqueueing the same manifest twice creates no new jobs', async () => {
    const dir = monthlyTree(['a', 'b', 'c'], ['2025-01', '2025-02'], PARAS);
    const queue = 'twice';
    const args = ['enqueue', 'batch.yaml', '--redis', url, '--queue', queue, '--format', 'json'];
    const first = await runCli(args, dir);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, total: 6, added: 6, queued: 0 });
    const second = await runCli(args, dir);
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, total: 6, added: 0, queued: 6 });
    const ids = (out: string) =>
      (JSON.parse(out) as { reports: { jobId: string }[] }).reports.map((r) => r.jobId);
    expect(ids(second.stdout)).toEqual(ids(first.stdout));
    const status = await runCli(['jobs', '--redis', url, '--queue', queue, '--format', 'json'], dir);
    expect((JSON.parse(status.stdout) as { counts: Record<string, number> }).counts.waiting).toBe(6);

    // A changed data file is a new job; the others stay as they are.
    writeFileSync(
      path.join(dir, 'data/b/2025-02.yaml'),
      monthlyData('b', '2025-02', { paras: PARAS }).replace(/3\.5%/g, '4.5%'),
    );
    const third = await runCli(args, dir);
    expect(JSON.parse(third.stdout)).toMatchObject({ total: 6, added: 1, queued: 5 });
  }, 30_000);

  it('an input error fails its job at once, without retries, with its diagnostics; schedules come and go', async () => {
    const dir = monthlyTree(['a', 'b', 'c'], ['2025-01'], PARAS);
    writeFileSync(
      path.join(dir, 'data/b/2025-01.yaml'),
      monthlyData('b', '2025-01', { paras: PARAS, date: 'not-a-date' }),
    );
    const queue = 'errors';
    const w = await startWorker(queue, dir);
    const r = await enqueueAndWait(queue, dir);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout) as {
      built: number;
      failed: number;
      reports: {
        id: string;
        status: string;
        firstError?: string;
        attempts?: number;
        diagnostics?: { code: string }[];
      }[];
    };
    expect(summary).toMatchObject({ built: 2, failed: 1 });
    const failed = summary.reports.find((x) => x.status === 'failed')!;
    expect(failed.id).toBe('b/2025-01.pdf');
    expect(failed.firstError).toMatch(/2025-01\.yaml:3:7: error\[data:format\]/);
    expect(failed.diagnostics?.[0]?.code).toBe('data:format');
    expect(failed.attempts).toBe(1);

    const jobs = await runCli(
      ['jobs', '--redis', url, '--queue', queue, '--state', 'failed', '--format', 'json'],
      dir,
    );
    const lines = (
      JSON.parse(jobs.stdout) as {
        jobs: { what: string; attempts: number; maxAttempts: number; firstError: string }[];
      }
    ).jobs;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ what: 'b/2025-01.pdf', attempts: 1, maxAttempts: 3 });
    expect(lines[0]!.firstError).toMatch(/error\[data:format\]/);
    expect(w.out.filter((l) => / retry /.test(l))).toEqual([]);
    expect(w.out.filter((l) => /FAILED +b\/2025-01\.pdf/.test(l))).toHaveLength(1);

    // A schedule firing every second expands the manifest on the worker; removing it stops it.
    writeFileSync(path.join(dir, 'data/b/2025-01.yaml'), monthlyData('b', '2025-01', { paras: PARAS }));
    const s = await runCli(
      [
        'schedule',
        'batch.yaml',
        '--redis',
        url,
        '--queue',
        queue,
        '--out-dir',
        'out',
        '--cron',
        '* * * * * *',
        '--period',
        '2025-01',
        '--format',
        'json',
      ],
      dir,
    );
    expect(s.code, s.stderr).toBe(0);
    const id = (JSON.parse(s.stdout) as { id: string }).id;
    for (let i = 0; i < 100 && !w.out.some((l) => / built +b\/2025-01\.pdf/.test(l)); i++)
      await new Promise((res) => setTimeout(res, 100));
    expect(w.out.some((l) => /expanded batch\.yaml \(2025-01\)/.test(l))).toBe(true);
    expect(w.out.some((l) => / built +b\/2025-01\.pdf/.test(l))).toBe(true);
    const listed = await runCli(['jobs', '--redis', url, '--queue', queue, '--format', 'json'], dir);
    expect((JSON.parse(listed.stdout) as { schedules: { id: string }[] }).schedules.map((x) => x.id)).toEqual(
      [id],
    );
    const removed = await runCli(
      ['schedule', 'batch.yaml', '--redis', url, '--queue', queue, '--out-dir', 'out', '--remove'],
      dir,
    );
    expect(removed.stdout).toMatch(/removed schedule/);
    const after = await runCli(['jobs', '--redis', url, '--queue', queue, '--format', 'json'], dir);
    expect((JSON.parse(after.stdout) as { schedules: unknown[] }).schedules).toEqual([]);
  }, 40_000);
  it('a worker builds only from its roots and writes only under its --out-dir; hostile paths fail once, unread', async () => {
    const dir = monthlyTree(['a'], ['2025-01'], 1);
    const outside = tempTree({ 'secret.yaml': 'unit: SECRET-LINE-1\n' });
    mkdirSync(path.join(dir, 'out'));
    // A link inside the roots that leads out of them, for data and for output.
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'data/link.yaml'));
    symlinkSync(outside, path.join(dir, 'out/escape'));
    const queue = 'confined';
    const w = await startWorker(queue, dir, ['--out-dir', 'out']);
    const q = new Queue(queue, { connection: { url } });
    const good = {
      report: 'ok',
      vars: {},
      templateDir: path.join(dir, 'pack'),
      dataFile: path.join(dir, 'data/a/2025-01.yaml'),
      outFile: path.join(dir, 'out/ok.pdf'),
      outDir: path.join(dir, 'out'),
      fontsConfig: path.join(root, 'fonts/fonts.yaml'),
    };
    const hostile: Record<string, Partial<typeof good>> = {
      passwd: { dataFile: '/etc/passwd' },
      secret: { dataFile: path.join(outside, 'secret.yaml') },
      linked: { dataFile: path.join(dir, 'data/link.yaml') },
      etcPack: { templateDir: '/etc' },
      etcFonts: { fontsConfig: '/etc/passwd' },
      dotdot: { outFile: path.join(dir, 'out/x/../../x.pdf') },
      absolute: { outFile: path.join(outside, 'x.pdf') },
      etcOut: { outFile: '/etc/briefing-test.pdf' },
      linkOut: { outFile: path.join(dir, 'out/escape/x.pdf') },
      relative: { dataFile: 'data/a/2025-01.yaml' },
    };
    try {
      await q.add('build', good, { jobId: 'good', attempts: 3 });
      for (const [id, change] of Object.entries(hostile))
        await q.add('build', { ...good, ...change }, { jobId: id, attempts: 3 });
      const ids = ['good', ...Object.keys(hostile)];
      const ended = async () => {
        const states = await Promise.all(ids.map((id) => q.getJobState(id)));
        return states.every((st) => st === 'completed' || st === 'failed');
      };
      for (let i = 0; i < 200 && !(await ended()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await q.getJobState('good')).toBe('completed');
      expect(readFileSync(path.join(dir, 'out/ok.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
      for (const id of Object.keys(hostile)) {
        const job = (await q.getJob(id))!;
        expect(await job.getState(), id).toBe('failed');
        expect(job.attemptsMade, id).toBe(1); // not retried
        expect(job.failedReason, id).toMatch(/error\[queue:outside-roots\]: the job's \w+ /);
      }
      // Nothing was written outside, nothing of a file outside reached Redis or the log.
      expect(readdirSync(outside)).toEqual(['secret.yaml']);
      expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['escape', 'ok.pdf']);
      // Every job's hash (its data, failure reason and diagnostics) is what Redis holds of a job.
      const client = await q.client;
      let stored = '';
      for (const id of ids) stored += JSON.stringify(await client.hgetall(`bull:${queue}:${id}`));
      expect(stored).toMatch(/outside-roots/);
      for (const leak of [/root:x:0:0/, /SECRET-LINE/]) {
        expect(stored).not.toMatch(leak);
        expect(w.out.join('\n')).not.toMatch(leak);
      }
    } finally {
      await q.close();
    }
  }, 40_000);

  it('a worker stops within seconds of SIGTERM when Redis has gone away', async () => {
    const own = await startRedis();
    const dir = monthlyTree(['a'], ['2025-01'], 1);
    const w = await startWorker('gone', dir, [], own.url);
    const gone = new Promise((r) => own.child.on('exit', r));
    own.child.kill('SIGKILL');
    await gone;
    rmSync(own.dir, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 1500)); // the worker notices and starts reconnecting
    const t0 = performance.now();
    w.child.kill('SIGTERM');
    const code = await Promise.race([
      w.exited,
      new Promise((r) => setTimeout(() => r('still running'), 10_000)),
    ]);
    expect(code, w.out.join('\n')).toBe(0);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(w.out.some((l) => /stopped/.test(l))).toBe(true);
  }, 30_000);
});
