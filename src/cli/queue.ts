import path from 'node:path';
import { Queue, QueueEvents, type JobType } from 'bullmq';
import { diagnosticToJson, formatDiagnostic } from '../diagnostics/format.js';
import {
  checkQueueName,
  checkRedisUrl,
  commandConnection,
  PREFIX,
  QueueUsageError,
  redact,
} from '../queue/connection.js';
import { enqueueManifest, type EnqueueOptions } from '../queue/enqueue.js';
import { removeSchedule, upsertSchedule, type ScheduleOptions } from '../queue/schedule.js';
import { queueStatus, STATES, type QueueStatus } from '../queue/status.js';
import { waitForReports } from '../queue/wait.js';
import { startQueueWorker } from '../queue/worker.js';
import { RootError, workerRoots, type WorkerRoots } from '../queue/confine.js';
import { printSummary, progressPrinter } from './batch.js';

/** Exit codes of the queue commands, besides 0 (done), 1 (a report failed, the manifest is wrong), 2 (usage). */
export const EXIT_REDIS = 3;
const EXIT_INTERRUPTED = 130;

interface Where {
  redis: string | undefined;
  queue: string;
}

const rel = (p: string) => path.relative(process.cwd(), p) || '.';

function usage(message: string): number {
  process.stderr.write(`briefing: ${message}\nRun \`briefing --help\` for usage.\n`);
  return 2;
}

const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|Connection is closed|connect|NOAUTH|WRONGPASS|max retries/i;

/**
 * Opens the queue on the Redis the user named, runs `fn`, and closes it. A Redis that cannot be reached (or
 * refuses the password) is said plainly and gives exit code 3, after a few quick attempts.
 */
async function withQueue(where: Where, fn: (queue: Queue, url: string) => Promise<number>): Promise<number> {
  let url: string;
  try {
    url = checkRedisUrl(where.redis);
    checkQueueName(where.queue);
  } catch (e) {
    if (e instanceof QueueUsageError) return usage(e.message);
    throw e;
  }
  const queue = new Queue(where.queue, { connection: commandConnection(url), prefix: PREFIX });
  let lastError: Error | undefined;
  queue.on('error', (e) => (lastError = e));
  const unreachable = (e: unknown) => {
    const why = (lastError ?? (e as Error)).message;
    process.stderr.write(`briefing: cannot use Redis at ${redact(url)}: ${why}\n`);
    return EXIT_REDIS;
  };
  try {
    try {
      await queue.waitUntilReady();
    } catch (e) {
      return unreachable(e);
    }
    return await fn(queue, url);
  } catch (e) {
    if (e instanceof QueueUsageError) return usage(e.message);
    if (CONNECTION_ERROR.test((e as Error).message)) return unreachable(e);
    throw e;
  } finally {
    await queue.close().catch(() => undefined);
  }
}

/** SIGINT/SIGTERM once: `onFirst`; twice: exit at once with 130. Returns a function that removes the handlers. */
function onSignals(onFirst: (sig: NodeJS.Signals) => void): () => void {
  let signals = 0;
  const handler = (sig: NodeJS.Signals) => {
    if (++signals > 1) process.exit(EXIT_INTERRUPTED);
    onFirst(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** `briefing worker`: builds jobs from the queue until SIGINT/SIGTERM, then finishes the ones in progress. */
export async function runWorkerCli(
  options: Where & {
    concurrency?: number;
    timeout?: number;
    lockTimeout?: number;
    verbose: boolean;
    roots?: string[];
    outDir?: string;
    grace?: number;
  },
): Promise<number> {
  let url: string;
  let roots: WorkerRoots;
  try {
    url = checkRedisUrl(options.redis);
    checkQueueName(options.queue);
    roots = workerRoots(options.roots, options.outDir);
  } catch (e) {
    if (e instanceof QueueUsageError || e instanceof RootError) return usage(e.message);
    throw e;
  }
  let stop: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let worker: Awaited<ReturnType<typeof startQueueWorker>> | undefined;
  const off = onSignals((sig) => {
    process.stderr.write(`${sig}: finishing the jobs in progress, then stopping (again to stop at once)\n`);
    stop!();
  });
  try {
    const starting = startQueueWorker({
      redis: url,
      queue: options.queue,
      verbose: options.verbose,
      roots,
      ...(options.grace !== undefined ? { graceSeconds: options.grace } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.timeout ? { timeoutSeconds: options.timeout } : {}),
      ...(options.lockTimeout ? { lockSeconds: options.lockTimeout } : {}),
    });
    // A signal while the worker is still connecting (Redis down from the start): nothing is in progress.
    worker = await Promise.race([starting, stopped.then(() => undefined)]);
    if (!worker) {
      process.stderr.write('stopped before the worker was connected to Redis\n');
      process.exit(0);
    }
    await stopped;
    await worker.close();
    process.stdout.write(
      `${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} worker ${worker.name} stopped\n`,
    );
    // Everything is closed; should a library still hold the event loop (a socket being torn down), leave anyway.
    setTimeout(() => process.exit(0), 1000).unref();
    return 0;
  } finally {
    off();
  }
}

/** `briefing enqueue`: a manifest's reports onto the queue; with `--wait`, the same summary as `batch`. */
export async function runEnqueueCli(
  options: Where & EnqueueOptions & { wait: boolean; format: 'human' | 'json' },
): Promise<number> {
  return withQueue(options, async (queue, url) => {
    const started = performance.now();
    let events: QueueEvents | undefined;
    if (options.wait) {
      // Listening before adding, so that no job can end unheard (the periodic look catches any that do).
      events = new QueueEvents(options.queue, { connection: commandConnection(url), prefix: PREFIX });
      events.on('error', () => undefined);
      await events.waitUntilReady();
    }
    try {
      const enqueued = await enqueueManifest(queue, options);
      const errors = enqueued.diagnostics.some((d) => d.severity === 'error');
      if (!options.wait || errors) {
        const count = (a: string) => enqueued.reports.filter((r) => r.action === a).length;
        if (options.format === 'json')
          process.stdout.write(
            JSON.stringify(
              {
                ok: !errors,
                queue: options.queue,
                manifest: enqueued.manifest,
                outDir: enqueued.outDir,
                total: enqueued.reports.length,
                added: count('added'),
                queued: count('queued'),
                done: count('done'),
                failed: count('failed'),
                retried: count('retried'),
                diagnostics: enqueued.diagnostics.map((d) => diagnosticToJson(d)),
                reports: enqueued.reports.map((r) => ({
                  id: r.report.id,
                  jobId: r.jobId,
                  action: r.action,
                })),
              },
              null,
              2,
            ) + '\n',
          );
        else {
          for (const d of enqueued.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
          if (!errors)
            process.stdout.write(
              `${enqueued.reports.length} reports from ${rel(enqueued.manifest)} on queue "${options.queue}": ` +
                `${count('added')} added, ${count('queued')} already queued, ${count('done')} built before, ` +
                `${count('failed')} failed before on their input, ${count('retried')} to build again\n`,
            );
        }
        return errors ? 1 : 0;
      }
      const controller = new AbortController();
      const off = onSignals((sig) => {
        process.stderr.write(
          `\n${sig}: no longer waiting; the jobs stay on the queue (again to stop at once)\n`,
        );
        controller.abort();
      });
      const { onReport, stop } = progressPrinter(options.format);
      try {
        const summary = await waitForReports(queue, events, enqueued, {
          signal: controller.signal,
          onReport,
          started,
        });
        stop();
        printSummary(summary, options.format, {
          notRun: 'not finished',
          interrupted:
            'stopped waiting: the jobs stay on the queue and are built; the same command with --wait follows them again',
        });
        if (options.format === 'human') {
          // What the queue did besides building: reports taken over from a worker that died, retried ones.
          const moved = summary.reports.filter((r) => (r.stalled ?? 0) > 0);
          const retried = summary.reports.filter((r) => r.status === 'built' && (r.attempts ?? 0) > 1);
          if (moved.length)
            process.stdout.write(
              `  ${moved.length} taken over from a worker that stopped answering: ${moved.map((r) => r.id).join(', ')}\n`,
            );
          if (retried.length)
            process.stdout.write(
              `  ${retried.length} built on a later attempt: ${retried.map((r) => `${r.id} (attempt ${r.attempts})`).join(', ')}\n`,
            );
        }
        if (summary.interrupted) return EXIT_INTERRUPTED;
        return summary.ok ? 0 : 1;
      } finally {
        off();
      }
    } finally {
      await events?.close().catch(() => undefined);
    }
  });
}

/** `briefing schedule`: registers (or with `remove`, removes) a repeatable build of a manifest. */
export async function runScheduleCli(
  options: Where & Partial<ScheduleOptions> & { manifest: string; remove: boolean; format: 'human' | 'json' },
): Promise<number> {
  return withQueue(options, async (queue) => {
    if (options.remove) {
      const r = await removeSchedule(queue, options);
      if (options.format === 'json') process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else
        process.stdout.write(
          r.removed ? `removed schedule ${r.id}\n` : `no schedule ${r.id} on queue "${options.queue}"\n`,
        );
      return 0;
    }
    if (!options.cron) return usage('schedule needs --cron (or --remove)');
    const r = await upsertSchedule(queue, { ...options, cron: options.cron });
    const next = r.next ? new Date(r.next).toISOString() : 'unknown';
    if (options.format === 'json')
      process.stdout.write(JSON.stringify({ id: r.id, cron: options.cron, next }, null, 2) + '\n');
    else
      process.stdout.write(
        `schedule ${r.id}: '${options.cron}'${options.tz ? ` (${options.tz})` : ''} builds ${rel(path.resolve(options.manifest))} ` +
          `into ${rel(path.resolve(options.outDir ?? 'out'))} on queue "${options.queue}"; next ${next}\n` +
          `  remove it: briefing schedule ${options.manifest} --remove --redis …` +
          (options.queue !== 'briefing' ? ` --queue ${options.queue}` : '') +
          (options.name
            ? ` --name ${options.name}`
            : ` --out-dir ${rel(path.resolve(options.outDir ?? 'out'))}`) +
          '\n',
      );
    return 0;
  });
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

function until(ms: number): string {
  const s = Math.max(0, Math.round((ms - Date.now()) / 1000));
  if (s < 120) return `in ${s} s`;
  if (s < 7200) return `in ${Math.round(s / 60)} min`;
  if (s < 172800) return `in ${Math.round(s / 3600)} h`;
  return `in ${Math.round(s / 86400)} d`;
}

function printStatus(status: QueueStatus, url: string): void {
  const c = status.counts;
  const waiting = (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.paused ?? 0);
  process.stdout.write(
    `queue "${status.queue}" at ${redact(url)}: ${waiting} waiting, ${c.active ?? 0} active, ${c.delayed ?? 0} delayed (retrying or scheduled), ` +
      `${c.completed ?? 0} completed, ${c.failed ?? 0} failed; last hour: ${status.lastHour.completed} completed, ${status.lastHour.failed} failed\n`,
  );
  process.stdout.write(`workers: ${status.workers.length || 'none'}\n`);
  for (const w of status.workers)
    process.stdout.write(
      `  ${w.name}  ${w.concurrency} at once  built ${w.built}  failed ${w.failed}  ${w.rssMb} MB  up ${ago(w.started).replace(' ago', '')}  seen ${ago(w.seen)}\n`,
    );
  if (status.schedules.length) {
    process.stdout.write(`schedules: ${status.schedules.length}\n`);
    for (const s of status.schedules)
      process.stdout.write(
        `  ${s.id}  '${s.pattern ?? ''}'${s.tz ? ` ${s.tz}` : ''}  next ${s.next ? new Date(s.next).toISOString() : '-'}  ${s.manifest ? rel(s.manifest) : ''}\n`,
      );
  }
  if (!status.jobs.length) {
    process.stdout.write('no jobs\n');
    return;
  }
  const rows = status.jobs.map((j) => [
    j.state,
    `${j.attempts}/${j.maxAttempts}${j.stalled ? ` +${j.stalled} stalled` : ''}`,
    j.name === 'build' ? j.what : `${j.name} ${rel(j.what)}`,
    j.due !== undefined ? until(j.due) : ago(j.finished ?? j.added),
    j.firstError?.split('\n')[0] ??
      (j.pages !== undefined
        ? `${j.pages} pages, ${Math.round((j.bytes ?? 0) / 1024)} KB by ${j.worker}`
        : ''),
  ]);
  const head = ['STATE', 'ATTEMPTS', 'REPORT', 'WHEN', 'RESULT OR FIRST ERROR'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows])
    process.stdout.write(
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd() + '\n',
    );
}

/** `briefing jobs`: counts, workers (heartbeats), schedules and the most recent jobs with their first error. */
export async function runJobsCli(
  options: Where & { limit: number; state?: string[]; format: 'human' | 'json' },
): Promise<number> {
  return withQueue(options, async (queue, url) => {
    for (const s of options.state ?? [])
      if (!(STATES as string[]).includes(s))
        return usage(`--state: "${s}" is not one of ${STATES.join(', ')}`);
    const status = await queueStatus(queue, {
      limit: options.limit,
      states: (options.state ?? []) as JobType[],
    });
    if (options.format === 'json')
      process.stdout.write(
        JSON.stringify(
          {
            ...status,
            jobs: status.jobs.map(({ diagnostics, ...j }) => ({
              ...j,
              ...(diagnostics ? { diagnostics: diagnostics.map((d) => diagnosticToJson(d)) } : {}),
            })),
          },
          null,
          2,
        ) + '\n',
      );
    else printStatus(status, url);
    return 0;
  });
}
