import type { Job, JobType, Queue } from 'bullmq';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDiagnostic } from '../diagnostics/format.js';
import { PREFIX } from './connection.js';
import { BUILD, type BuildJobData, type BuildJobResult, type ExpandJobData } from './jobs.js';

/** One line of `briefing jobs`. */
export interface JobLine {
  jobId: string;
  name: string;
  /** The report (build jobs) or the manifest (jobs a schedule made). */
  what: string;
  state: string;
  attempts: number;
  maxAttempts: number;
  /** Times its worker died under it and it went back to the queue. */
  stalled: number;
  added: number;
  /** When a delayed job (a retry after its backoff, a schedule's next firing) is due. */
  due?: number;
  finished?: number;
  worker?: string;
  pages?: number;
  bytes?: number;
  /** The first error: the first diagnostic of an input error, else why the last attempt failed. */
  firstError?: string;
  diagnostics?: Diagnostic[];
}

/** A worker as its heartbeat shows it. */
export interface WorkerBeat {
  name: string;
  concurrency: number;
  started: number;
  seen: number;
  built: number;
  failed: number;
  rssMb: number;
}

export interface QueueStatus {
  queue: string;
  counts: Record<string, number>;
  /** Reports completed and failed in the last hour, from BullMQ's per-minute metrics. */
  lastHour: { completed: number; failed: number };
  workers: WorkerBeat[];
  schedules: { id: string; pattern?: string; tz?: string; next?: number; manifest?: string }[];
  jobs: JobLine[];
}

export const STATES: JobType[] = [
  'active',
  'waiting',
  'prioritized',
  'delayed',
  'waiting-children',
  'paused',
  'completed',
  'failed',
];

function lineOf(job: Job, state: string): JobLine {
  const isBuild = job.name === BUILD;
  const data = job.data as Partial<BuildJobData & ExpandJobData>;
  const result = (isBuild ? job.returnvalue : undefined) as BuildJobResult | null | undefined;
  const first = data.diagnostics?.find((d) => d.severity === 'error');
  return {
    jobId: job.id ?? '',
    name: job.name,
    what: (isBuild ? data.report : data.manifest) ?? '',
    state,
    attempts: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    stalled: job.stalledCounter ?? 0,
    added: job.timestamp,
    ...(state === 'delayed' ? { due: job.timestamp + (job.delay ?? 0) } : {}),
    ...(job.finishedOn ? { finished: job.finishedOn } : {}),
    ...(result ? { worker: result.worker, pages: result.pages, bytes: result.bytes } : {}),
    ...(first
      ? { firstError: formatDiagnostic(first).split('\n')[0]!, diagnostics: data.diagnostics! }
      : job.failedReason
        ? { firstError: job.failedReason }
        : {}),
  };
}

/**
 * What is on a queue: counts per state, throughput in the last hour, the workers whose heartbeat is fresh,
 * the schedules, and the most recent jobs of the states asked for (newest first).
 */
export async function queueStatus(
  queue: Queue,
  options: { limit?: number; states?: JobType[] } = {},
): Promise<QueueStatus> {
  const limit = Math.max(1, options.limit ?? 20);
  const states = options.states?.length ? options.states : STATES;
  const counts = await queue.getJobCounts(...STATES);
  const lines: JobLine[] = [];
  for (const state of states) {
    const jobs = await queue.getJobs([state], 0, limit - 1, false);
    for (const j of jobs) if (j) lines.push(lineOf(j, state));
  }
  lines.sort((a, b) => (b.finished ?? b.added) - (a.finished ?? a.added));

  // BullMQ's metrics: a count for the minute in progress (since meta.prevTS) and one data point per earlier
  // minute, newest first, written when a job finishes in a later minute.
  const hour = async (type: 'completed' | 'failed') => {
    const m = await queue.getMetrics(type, 0, 59).catch(() => undefined);
    if (!m?.meta.prevTS) return 0;
    const age = Math.floor(Date.now() / 60_000) - Math.floor(m.meta.prevTS / 60_000);
    if (age >= 60) return 0;
    let sum = m.meta.count - m.meta.prevCount;
    for (let i = 0; i < 59 - age && i < m.data.length; i++) sum += m.data[i] ?? 0;
    return sum;
  };

  const client = await queue.client;
  const beats: WorkerBeat[] = [];
  let cursor = '0';
  let rounds = 0;
  do {
    const [next, keys] = await client.scan(cursor, {
      MATCH: `${PREFIX}:${queue.name}:heartbeat:*`,
      COUNT: 500,
    });
    cursor = next;
    for (const k of keys) {
      const v = await client.get(k);
      if (v)
        try {
          beats.push(JSON.parse(v) as WorkerBeat);
        } catch {
          // not ours
        }
    }
  } while (cursor !== '0' && ++rounds < 1000);
  beats.sort((a, b) => a.name.localeCompare(b.name));

  const schedulers = await queue.getJobSchedulers(0, -1, true);
  return {
    queue: queue.name,
    counts,
    lastHour: { completed: await hour('completed'), failed: await hour('failed') },
    workers: beats,
    schedules: schedulers.map((s) => ({
      id: s.key,
      ...(s.pattern ? { pattern: s.pattern } : {}),
      ...(s.tz ? { tz: s.tz } : {}),
      ...(s.next ? { next: s.next } : {}),
      ...((s.template?.data as ExpandJobData | undefined)?.manifest
        ? { manifest: (s.template!.data as ExpandJobData).manifest }
        : {}),
    })),
    jobs: lines.slice(0, limit),
  };
}
