import { availableParallelism, hostname } from 'node:os';
import path from 'node:path';
import { MetricsTime, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { createBuildPool } from '../batch/pool.js';
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
}

export interface QueueWorker {
  /** `host:pid`: how this worker signs results and heartbeats. */
  name: string;
  /** Stops taking jobs, lets those in progress finish, then closes the build processes and connections. */
  close(): Promise<void>;
  /** Stops at once: jobs in progress are left to the stalled-job check (another worker redoes them). */
  kill(): Promise<void>;
}

/** The heartbeat key of a worker: `bull:<queue>:heartbeat:<host:pid>`, refreshed every 10 s, gone after 30 s. */
export function heartbeatKey(queue: string, name: string): string {
  return `${PREFIX}:${queue}:heartbeat:${name}`;
}
export const HEARTBEAT_SECONDS = 10;

/** Transient: the job fails this attempt and BullMQ retries it after a backoff, on whichever worker is free. */
class TransientFailure extends Error {}

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
  const timeoutMs = Math.max(0.1, options.timeoutSeconds ?? 300) * 1000;
  const lockMs = Math.max(1, options.lockSeconds ?? 30) * 1000;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const name = workerName(hostname(), process.pid);
  const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const say = (line: string) => log(`${stamp()} ${line}`);

  const pool = createBuildPool(concurrency);
  let shuttingDown = false;
  // A build process that dies between jobs (SIGTERM to the whole process group from systemd or Ctrl-C, the
  // out-of-memory killer) is replaced by the pool; one that dies during a job fails that attempt (retried).
  pool.on('error', (e: Error) => {
    if (!shuttingDown) say(`a build process exited (${e.message}); starting another`);
  });
  const connection = workerConnection(options.redis);
  // For the jobs a schedule makes: they expand a manifest into build jobs on this same queue.
  const queue = new Queue(queueName, { connection, prefix: PREFIX });
  queue.on('error', () => undefined); // reported once, through the worker's own connection

  const build = async (job: Job<BuildJobData, BuildJobResult>): Promise<BuildJobResult> => {
    const d = job.data;
    const attempt = `attempt ${job.attemptsMade + 1}/${job.opts.attempts ?? 1}`;
    if (options.verbose) say(`start   ${d.report} (job ${job.id!.slice(0, 12)}, ${attempt})`);
    const task: WorkerTask = {
      templateDir: d.templateDir,
      dataFile: d.dataFile,
      outFile: d.outFile,
      fontsConfig: d.fontsConfig,
      ...(d.strict ? { strict: true } : {}),
    };
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), timeoutMs);
    let r: WorkerResult;
    try {
      r = (await pool.run(task, { signal: timer.signal })) as WorkerResult;
    } catch (e) {
      const why = timer.signal.aborted
        ? `timed out after ${timeoutMs / 1000} s`
        : `build process failed: ${(e as Error).message}`;
      say(`retry   ${d.report} (${attempt}): ${why}`);
      throw new TransientFailure(why);
    } finally {
      clearTimeout(timeout);
    }
    const firstError = r.diagnostics.find((x) => x.severity === 'error');
    if (r.ok) {
      if (d.diagnostics) {
        // Built after an earlier failure on its input (enqueue --force): forget that failure's diagnostics.
        const rest = { ...d };
        delete rest.diagnostics;
        await job.updateData(rest);
      }
      say(
        `built   ${d.report} (${r.pages} pages, ${Math.round(r.bytes / 1024)} KB, ${(r.ms / 1000).toFixed(2)} s, ${attempt})`,
      );
      return {
        bytes: r.bytes,
        pages: r.pages,
        ms: r.ms,
        rssMb: r.rssMb,
        worker: name,
        diagnostics: r.diagnostics,
      };
    }
    if (firstError && firstError.code !== 'internal') {
      // The input is wrong: the same inputs fail the same way, so no retry. Keep every diagnostic on the job.
      await job.updateData({ ...d, diagnostics: r.diagnostics });
      const message = formatDiagnostic(firstError, false).split('\n')[0]!;
      say(`FAILED  ${d.report}: ${message}`);
      throw new UnrecoverableError(message);
    }
    // A bug or the machine (a full disk, an unreachable network share): may pass on another attempt.
    const why = (r.firstError ?? 'build failed').split('\n')[0]!;
    say(`retry   ${d.report} (${attempt}): ${why}`);
    throw new TransientFailure(why);
  };

  const expand = async (job: Job<ExpandJobData, ExpandJobResult>): Promise<ExpandJobResult> => {
    const d = job.data;
    const choice = periodsAt(d, job.opts.prevMillis ?? job.timestamp);
    const r = await enqueueManifest(queue, {
      manifest: d.manifest,
      outDir: d.outDir,
      fontsConfig: d.fontsConfig,
      attempts: d.attempts,
      ...(d.strict ? { strict: true } : {}),
      ...choice,
    });
    const first = r.diagnostics.find((x) => x.severity === 'error');
    if (first) {
      await job.updateData({ ...d, diagnostics: r.diagnostics } as ExpandJobData);
      const message = formatDiagnostic(first, false).split('\n')[0]!;
      say(`FAILED  schedule ${job.repeatJobKey ?? job.id}: ${message}`);
      throw new UnrecoverableError(message);
    }
    const added = r.reports.filter((x) => x.action === 'added' || x.action === 'retried').length;
    const periods = [...new Set(r.reports.map((x) => x.report.vars.period).filter((p) => p !== undefined))];
    say(
      `expanded ${path.basename(d.manifest)} (${periods.join(', ') || 'no period'}): ${added} of ${r.reports.length} reports queued`,
    );
    return { total: r.reports.length, added, existing: r.reports.length - added, periods };
  };

  const worker = new Worker(
    queueName,
    async (job: Job) => {
      if (job.name === BUILD) return build(job as Job<BuildJobData, BuildJobResult>);
      if (job.name === EXPAND) return expand(job as Job<ExpandJobData, ExpandJobResult>);
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
      name,
      autorun: false,
    },
  );
  let lastError = '';
  worker.on('error', (e) => {
    // Connection trouble repeats every reconnection attempt: say it once until it changes.
    if (e.message !== lastError) say(`error   ${e.message} (Redis ${redact(options.redis)})`);
    lastError = e.message;
  });
  worker.on('ready', () => {
    if (lastError) say(`connected again to ${redact(options.redis)}`);
    lastError = '';
  });
  worker.on('stalled', (jobId) =>
    say(`stalled job ${jobId.slice(0, 12)}: its worker stopped answering; it is back on the queue`),
  );

  // Heartbeat: `briefing jobs` lists the workers whose key is fresh, with what they have done.
  const counts = { built: 0, failed: 0 };
  worker.on('completed', (job) => {
    if (job.name === BUILD) counts.built++;
  });
  worker.on('failed', (job) => {
    if (job?.name === BUILD) counts.failed++;
  });
  const started = Date.now();
  const beat = async () => {
    const client = await queue.client;
    await client.set(
      heartbeatKey(queueName, name),
      JSON.stringify({
        name,
        concurrency,
        started,
        seen: Date.now(),
        ...counts,
        rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      }),
      { EX: HEARTBEAT_SECONDS * 3 },
    );
  };
  const heartbeat = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_SECONDS * 1000);

  await worker.waitUntilReady();
  await beat().catch(() => undefined);
  void worker.run().catch((e: Error) => say(`error   ${e.message}`));
  say(
    `worker ${name} on queue "${queueName}" at ${redact(options.redis)}: ${concurrency} build process${concurrency === 1 ? '' : 'es'}`,
  );

  let closing: Promise<void> | undefined;
  const shutdown = async (force: boolean) => {
    shuttingDown = true;
    clearInterval(heartbeat);
    await worker.close(force);
    const client = await queue.client.catch(() => undefined);
    await client?.del(heartbeatKey(queueName, name)).catch(() => undefined);
    await queue.close();
    await pool.destroy();
  };
  return {
    name,
    close: () => (closing ??= shutdown(false)),
    kill: () => shutdown(true),
  };
}
