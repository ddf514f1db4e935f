import { availableParallelism, hostname } from 'node:os';
import path from 'node:path';
import { MetricsTime, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Tinypool } from 'tinypool';
import { createBuildPool } from '../batch/pool.js';
import { cacheDirFor } from '../build/cache-dir.js';
import { pruneIfDue } from '../build/cache-prune.js';
import type { WorkerResult, WorkerTask } from '../batch/worker.js';
import { formatDiagnostic } from '../diagnostics/format.js';
import { DEFAULT_QUEUE, PREFIX, redact, workerConnection } from './connection.js';
import { enqueueManifest } from './enqueue.js';
import {
  BUILD,
  EXPAND,
  workerName,
  type BuildJobData,
  type BuildJobResult,
  type ExpandJobData,
  type ExpandJobResult,
} from './jobs.js';
import { periodsAt } from './schedule.js';
import { confine, workerRoots, type PathField, type WorkerRoots } from './confine.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { TRANSIENT_OUTPUT_CODES } from '../emit/write.js';
import { Activity, HEARTBEAT_SECONDS, heartbeatKey, shutdownWorker } from './shutdown.js';

export interface QueueWorkerOptions {
  redis: string;
  queue?: string;
  /** Reports built at once (one build process each); default the machine's cores. */
  concurrency?: number;
  /** A build that takes longer is stopped and retried (a transient failure). Default 300 s. */
  timeoutSeconds?: number;
  /**
   * How long a job stays with a worker that stops answering (killed, frozen, cut off) before another worker
   * takes it: the lock's lifetime. Default 30 s; the stalled-job check runs twice as often.
   */
  lockSeconds?: number;
  /** One line per event: started (verbose only), built, failed, retrying, stalled, connection trouble. */
  log?: (line: string) => void;
  verbose?: boolean;
  /**
   * Where the worker may read (packs, data, fonts) and write (PDFs): jobs naming paths elsewhere fail. Default:
   * the working folder for both, plus Briefing's built-in packs and fonts.
   */
  roots?: WorkerRoots;
  /** Seconds that builds in progress get to finish after `close()`; then they are stopped. Default 25. */
  graceSeconds?: number;
}

export interface QueueWorker {
  /** `host:pid`: how this worker signs results and heartbeats. */
  name: string;
  /**
   * Stops taking jobs, lets those in progress finish (within the grace period), then closes the build processes
   * and the connections. Always ends: a Redis that does not answer is left without waiting for it.
   */
  close(): Promise<void>;
  /** The folders this worker reads and writes. */
  roots: WorkerRoots;
  /** Stops at once: jobs in progress are left to the stalled-job check (another worker redoes them). */
  kill(): Promise<void>;
}

export { heartbeatKey, HEARTBEAT_SECONDS } from './shutdown.js';

/** Transient: the job fails this attempt and BullMQ retries it after a backoff, on whichever worker is free. */
class TransientFailure extends Error {}

/** What the job handlers of one worker share. */
interface WorkerContext {
  readonly options: QueueWorkerOptions;
  readonly queueName: string;
  readonly name: string;
  readonly roots: WorkerRoots;
  readonly pool: Tinypool;
  /** For the jobs a schedule makes: they expand a manifest into build jobs on this same queue. */
  readonly queue: Queue;
  readonly timeoutMs: number;
  /** One log line, stamped, its control characters escaped. */
  readonly say: (line: string) => void;
}

/**
 * A queue worker: takes build jobs from BullMQ and builds them in a pool of child processes that run the
 * same module as `briefing batch` (src/batch/worker.ts), so a worker process keeps parsed fonts, compiled
 * schemas and chart renders between jobs, and canvas lives in processes, not threads. This process only talks
 * to Redis, which keeps its event loop free to renew the jobs' locks while the builds run.
 *
 * - A build that returns diagnostics failed on its input: the job fails for good (UnrecoverableError), with
 *   every diagnostic stored on it; retrying would fail the same way.
 * - A build process that dies, a timeout, an internal error (a full disk, a network file system going away):
 *   the attempt fails and BullMQ retries it with backoff.
 * - This process dying (SIGKILL, out of memory, the machine going down): its jobs' locks expire and another
 *   worker's stalled-job check puts them back on the queue. Outputs are written to a temporary file and renamed,
 *   so a killed build leaves no partial PDF, and BullMQ completes a job only under a lock it still holds, so
 *   every job finishes once.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  const lockMs = Math.max(1, options.lockSeconds ?? 30) * 1000;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const connection = workerConnection(options.redis);
  const queue = new Queue(queueName, { connection, prefix: PREFIX });
  queue.on('error', () => undefined); // reported once, through the worker's own connection
  const ctx: WorkerContext = {
    options,
    queueName,
    name: workerName(hostname(), process.pid),
    roots: options.roots ?? workerRoots(undefined, undefined),
    pool: createBuildPool(concurrency),
    queue,
    timeoutMs: Math.max(0.1, options.timeoutSeconds ?? 300) * 1000,
    // A job's fields come from whoever added it: one event stays one line of the log, whatever they hold.
    say: (line: string) =>
      // eslint-disable-next-line no-control-regex -- escaping control characters is the point
      log(`${stamp()} ${line.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))}`),
  };
  const activity = new Activity();
  let shuttingDown = false;
  // A build process that dies between jobs (SIGTERM to the whole process group from systemd or Ctrl-C, the
  // out-of-memory killer) is replaced by the pool; one that dies during a job fails that attempt (retried).
  ctx.pool.on('error', (e: Error) => {
    if (!shuttingDown) ctx.say(`a build process exited (${e.message}); starting another`);
  });

  const worker = new Worker(
    queueName,
    async (job: Job) => {
      if (job.name === BUILD)
        return activity.track(() => buildJob(ctx, job as Job<BuildJobData, BuildJobResult>));
      if (job.name === EXPAND) return expandJob(ctx, job as Job<ExpandJobData, ExpandJobResult>);
      throw new UnrecoverableError(`unknown job name "${job.name}"`);
    },
    {
      connection,
      prefix: PREFIX,
      concurrency,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, lockMs / 2),
      // A job whose worker died twice goes back once more; the third time it fails (it may be what kills them).
      maxStalledCount: 2,
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
      name: ctx.name,
      autorun: false,
    },
  );
  logEvents(ctx, worker);
  const heartbeat = startHeartbeat(ctx, worker, concurrency);

  await worker.waitUntilReady();
  await heartbeat.beat().catch(() => undefined);
  void worker.run().catch((e: Error) => ctx.say(`error   ${e.message}`));
  ctx.say(
    `worker ${ctx.name} on queue "${queueName}" at ${redact(options.redis)}: ${concurrency} build process${concurrency === 1 ? '' : 'es'}`,
  );

  let closing: Promise<void> | undefined;
  const shutdown = (force: boolean) => {
    shuttingDown = true;
    clearInterval(heartbeat.timer);
    return shutdownWorker(ctx, worker, activity, force);
  };
  return {
    name: ctx.name,
    roots: ctx.roots,
    close: () => (closing ??= shutdown(false)),
    kill: () => shutdown(true),
  };
}

/** Fails a job for good with its diagnostics (stored on the job): the same job would fail the same way. */
async function refuse(ctx: WorkerContext, job: Job, what: string, diagnostics: Diagnostic[]): Promise<never> {
  await job.updateData({ ...job.data, diagnostics } as BuildJobData);
  const message = formatDiagnostic(
    diagnostics.find((x) => x.severity === 'error')!,
    false,
  ).split('\n')[0]!;
  ctx.say(`FAILED  ${what}: ${message}`);
  throw new UnrecoverableError(message);
}

/** One build job: its paths confined to the worker's roots, built in the pool, its outcome logged and kept. */
async function buildJob(ctx: WorkerContext, job: Job<BuildJobData, BuildJobResult>): Promise<BuildJobResult> {
  if (!job.data || typeof job.data !== 'object')
    return refuse(ctx, job, `job ${job.id?.slice(0, 12) ?? ''}`, [
      error('queue:bad-job', 'the job carries no build description', {
        hint: 'enqueue jobs with `briefing enqueue`',
      }),
    ]);
  const d = job.data;
  const attempt = `attempt ${job.attemptsMade + 1}/${job.opts.attempts ?? 1}`;
  // Whoever can add a job chooses its paths: build only from what this worker may read, write only where it may.
  const fields: PathField[] = [
    ['templateDir', d.templateDir, 'read'],
    ['dataFile', d.dataFile, 'read'],
    ['fontsConfig', d.fontsConfig, 'read'],
    ['outFile', d.outFile, 'write'],
  ];
  const outside = confine(fields, ctx.roots);
  if (outside.length) return refuse(ctx, job, `job ${job.id?.slice(0, 12) ?? ''}`, outside);
  if (ctx.options.verbose) ctx.say(`start   ${d.report} (job ${job.id!.slice(0, 12)}, ${attempt})`);
  const task: WorkerTask = {
    templateDir: d.templateDir,
    dataFile: d.dataFile,
    outFile: d.outFile,
    fontsConfig: d.fontsConfig,
    ...(d.strict ? { strict: true } : {}),
    // The tables a data file refers to must be inside this worker's folders too.
    readRoots: ctx.roots.read,
  };
  const r = await runInPool(ctx, task, d.report, attempt);
  // A worker may run for months: its builds keep the cache folder to its limit (one stat a job when not due).
  pruneIfDue(cacheDirFor());
  const firstError = r.diagnostics.find((x) => x.severity === 'error');
  if (r.ok) {
    if (d.diagnostics) {
      // Built after an earlier failure on its input (enqueue --force): forget that failure's diagnostics.
      const rest = { ...d };
      delete rest.diagnostics;
      await job.updateData(rest);
    }
    ctx.say(
      `built   ${d.report} (${r.pages} pages, ${Math.round(r.bytes / 1024)} KB, ${(r.ms / 1000).toFixed(2)} s, ${attempt})`,
    );
    return {
      bytes: r.bytes,
      pages: r.pages,
      ms: r.ms,
      rssMb: r.rssMb,
      worker: ctx.name,
      diagnostics: r.diagnostics,
    };
  }
  if (firstError && firstError.code !== 'internal' && !TRANSIENT_OUTPUT_CODES.has(firstError.code))
    // The input is wrong: the same inputs fail the same way, so no retry. Keep every diagnostic on the job.
    return refuse(ctx, job, d.report, r.diagnostics);
  // A bug or the machine (a full disk, an unreachable network share): may pass on another attempt.
  const why = (
    firstError && firstError.code !== 'internal'
      ? formatDiagnostic(firstError, false)
      : (r.firstError ?? 'build failed')
  ).split('\n')[0]!;
  ctx.say(`retry   ${d.report} (${attempt}): ${why}`);
  throw new TransientFailure(why);
}

/** Runs a build in the pool under the worker's timeout; a process that dies or times out is a transient failure. */
async function runInPool(ctx: WorkerContext, task: WorkerTask, report: string, attempt: string) {
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), ctx.timeoutMs);
  try {
    return (await ctx.pool.run(task, { signal: timer.signal })) as WorkerResult;
  } catch (e) {
    const why = timer.signal.aborted
      ? `timed out after ${ctx.timeoutMs / 1000} s`
      : `build process failed: ${(e as Error).message}`;
    ctx.say(`retry   ${report} (${attempt}): ${why}`);
    throw new TransientFailure(why);
  } finally {
    clearTimeout(timeout);
  }
}

/** A schedule's job: its manifest expanded into build jobs for the period it falls in. */
async function expandJob(
  ctx: WorkerContext,
  job: Job<ExpandJobData, ExpandJobResult>,
): Promise<ExpandJobResult> {
  const d = job.data;
  const what = `schedule ${job.repeatJobKey ?? job.id ?? ''}`;
  const outside = confine(
    [
      ['manifest', d.manifest, 'read'],
      ['fontsConfig', d.fontsConfig, 'read'],
      ['outDir', d.outDir, 'output-folder'],
    ],
    ctx.roots,
  );
  if (outside.length) return refuse(ctx, job, what, outside);
  const choice = periodsAt(d, job.opts.prevMillis ?? job.timestamp);
  const r = await enqueueManifest(ctx.queue, {
    manifest: d.manifest,
    outDir: d.outDir,
    fontsConfig: d.fontsConfig,
    attempts: d.attempts,
    ...(d.strict ? { strict: true } : {}),
    ...choice,
  });
  if (r.diagnostics.some((x) => x.severity === 'error')) return refuse(ctx, job, what, r.diagnostics);
  const added = r.reports.filter((x) => x.action === 'added' || x.action === 'retried').length;
  const periods = [...new Set(r.reports.map((x) => x.report.vars.period).filter((p) => p !== undefined))];
  ctx.say(
    `expanded ${path.basename(d.manifest)} (${periods.join(', ') || 'no period'}): ${added} of ${r.reports.length} reports queued`,
  );
  return { total: r.reports.length, added, existing: r.reports.length - added, periods };
}

/** Logs connection trouble once until it changes, reconnection, and stalled jobs. */
function logEvents(ctx: WorkerContext, worker: Worker): void {
  let lastError = '';
  worker.on('error', (e) => {
    // Connection trouble repeats every reconnection attempt: say it once until it changes.
    if (e.message !== lastError) ctx.say(`error   ${e.message} (Redis ${redact(ctx.options.redis)})`);
    lastError = e.message;
  });
  worker.on('ready', () => {
    if (lastError) ctx.say(`connected again to ${redact(ctx.options.redis)}`);
    lastError = '';
  });
  worker.on('stalled', (jobId) =>
    ctx.say(`stalled job ${jobId.slice(0, 12)}: its worker stopped answering; it is back on the queue`),
  );
}

/** The heartbeat: `briefing jobs` lists the workers whose key is fresh, with what they have done. */
function startHeartbeat(ctx: WorkerContext, worker: Worker, concurrency: number) {
  const counts = { built: 0, failed: 0 };
  worker.on('completed', (job) => {
    if (job.name === BUILD) counts.built++;
  });
  worker.on('failed', (job) => {
    if (job?.name === BUILD) counts.failed++;
  });
  const started = Date.now();
  const beat = async () => {
    const client = await ctx.queue.client;
    await client.set(
      heartbeatKey(ctx.queueName, ctx.name),
      JSON.stringify({
        name: ctx.name,
        concurrency,
        started,
        seen: Date.now(),
        ...counts,
        rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      }),
      { EX: HEARTBEAT_SECONDS * 3 },
    );
  };
  const timer = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_SECONDS * 1000);
  return { beat, timer };
}
