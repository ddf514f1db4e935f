import type { Job, Queue, QueueEvents } from 'bullmq';
import { emptySummary, finishSummary, type BatchSummary, type ReportOutcome } from '../batch/run.js';
import { formatDiagnostic } from '../diagnostics/format.js';
import type { EnqueuedReport, EnqueueResult } from './enqueue.js';
import type { BuildJobData, BuildJobResult } from './jobs.js';

export interface WaitOptions {
  /** Stop waiting (the jobs stay on the queue and are still built). */
  signal?: AbortSignal;
  /** Progress: called as each report is found built, up to date or failed. */
  onReport?: (report: ReportOutcome, done: number, total: number) => void;
  /** How often to look at the jobs not heard of, besides listening to the queue's events. Default 2 s. */
  pollMs?: number;
  /** When the enqueue began (performance.now()), so the summary's time includes it. */
  started?: number;
}

/** The outcome of a finished job, or undefined while it is not finished. */
async function outcomeOf(
  queue: Queue,
  entry: EnqueuedReport,
): Promise<{ outcome: ReportOutcome; result?: BuildJobResult } | undefined> {
  const { report, jobId, action } = entry;
  // The state first, then the job: a job read first could finish between the two reads and look finished
  // without its result.
  const state = await queue.getJobState(jobId);
  if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return undefined;
  const job = (await queue.getJob(jobId)) as Job<BuildJobData, BuildJobResult> | undefined;
  if (!job || state === 'unknown')
    return {
      outcome: {
        id: report.id,
        status: 'failed',
        vars: report.vars,
        firstError: `job ${jobId} was removed from the queue before it finished`,
      },
    };
  if (state === 'completed') {
    const r = job.returnvalue;
    if (!r) return undefined; // retried or replaced since: look again later
    return {
      outcome: {
        id: report.id,
        status: action === 'done' ? 'skipped' : 'built',
        vars: report.vars,
        ms: r.ms,
        bytes: r.bytes,
        pages: r.pages,
        ...(action === 'done'
          ? {}
          : {
              diagnostics: r.diagnostics,
              attempts: job.attemptsMade,
              stalled: job.stalledCounter,
              worker: r.worker,
            }),
      },
      result: r,
    };
  }
  if (state === 'failed') {
    const diagnostics = job.data.diagnostics ?? [];
    const first = diagnostics.find((d) => d.severity === 'error');
    return {
      outcome: {
        id: report.id,
        status: 'failed',
        vars: report.vars,
        diagnostics,
        firstError: first ? formatDiagnostic(first) : job.failedReason || 'failed',
        attempts: job.attemptsMade,
        stalled: job.stalledCounter,
      },
    };
  }
  return undefined;
}

/**
 * Waits until every job of an enqueue has ended and sums them up as `briefing batch` does: built, up to date
 * (built before with the same inputs), failed (with the first diagnostic), and, when the wait is stopped,
 * not finished yet. Listens to the queue's events and looks at the jobs it has not heard of every few seconds,
 * so a missed event only delays the answer.
 */
export async function waitForReports(
  queue: Queue,
  events: QueueEvents | undefined,
  enqueued: EnqueueResult,
  options: WaitOptions = {},
): Promise<BatchSummary> {
  const started = options.started ?? performance.now();
  const total = enqueued.reports.length;
  const summary = emptySummary(enqueued.outDir, total, 0, enqueued.diagnostics);
  if (enqueued.diagnostics.some((d) => d.severity === 'error')) return finishSummary(summary, started);

  const outcomes = new Map<string, ReportOutcome>();
  const workers = new Set<string>();
  const pending = new Map(enqueued.reports.map((e) => [e.jobId, e]));
  const busy = new Set<string>();
  let wake: (() => void) | undefined;

  const look = async (jobId: string): Promise<void> => {
    const entry = pending.get(jobId);
    if (!entry || busy.has(jobId)) return;
    busy.add(jobId);
    try {
      const found = await outcomeOf(queue, entry);
      if (!found || !pending.has(jobId)) return;
      const { outcome, result } = found;
      pending.delete(jobId);
      outcomes.set(outcome.id, outcome);
      if (outcome.status === 'built' && result) {
        workers.add(result.worker);
        summary.peakWorkerRssMb = Math.max(summary.peakWorkerRssMb, result.rssMb);
      }
      options.onReport?.(outcome, outcomes.size, total);
      if (pending.size === 0) wake?.();
    } finally {
      busy.delete(jobId);
    }
  };

  const onFinished = ({ jobId }: { jobId: string }) => {
    if (pending.has(jobId)) void look(jobId).catch(() => undefined);
  };
  events?.on('completed', onFinished);
  events?.on('failed', onFinished);
  const onAbort = () => wake?.();
  options.signal?.addEventListener('abort', onAbort);
  try {
    // What had ended before (built earlier, failed on its input) is known at once.
    for (const e of enqueued.reports) if (e.action === 'done' || e.action === 'failed') await look(e.jobId);
    const pollMs = options.pollMs ?? 2_000;
    while (pending.size > 0 && !options.signal?.aborted) {
      const ids = [...pending.keys()];
      for (let i = 0; i < ids.length && !options.signal?.aborted; i += 200)
        await Promise.all(ids.slice(i, i + 200).map((id) => look(id)));
      if (pending.size === 0 || options.signal?.aborted) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    events?.off('completed', onFinished);
    events?.off('failed', onFinished);
    options.signal?.removeEventListener('abort', onAbort);
  }
  summary.workers = workers.size;
  summary.interrupted = pending.size > 0;
  summary.reports = enqueued.reports.map(
    (e) => outcomes.get(e.report.id) ?? { id: e.report.id, status: 'not-run', vars: e.report.vars },
  );
  return finishSummary(summary, started);
}
