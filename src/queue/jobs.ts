import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ReportRequest } from '../build/request.js';
import type { Job as ManifestJob } from '../batch/manifest.js';

/** Job names on the queue: one report, or a manifest to expand into reports (what a schedule produces). */
export const BUILD = 'build';
export const EXPAND = 'expand';

/**
 * A report to build: everything resolved to absolute paths on the machine that enqueued it. Workers must see
 * the same paths (the template packs, the data and the output folder mounted at the same place).
 */
export interface BuildJobData extends ReportRequest {
  /** The report's id, as in `batch`: its output path relative to the output folder. */
  report: string;
  vars: Record<string, string>;
  outFile: string;
  outDir: string;
  fontsConfig: string;
  /** The InputHasher hash of the report's inputs when it was enqueued (absent: the data file was missing). */
  inputHash?: string;
  /** Every diagnostic of a build that failed on its input (set by the worker before failing the job). */
  diagnostics?: Diagnostic[];
}

/** What a worker returns for a built report (the job's return value). */
export interface BuildJobResult {
  bytes: number;
  pages: number;
  ms: number;
  rssMb: number;
  /** `host:pid` of the worker that built it. */
  worker: string;
  /** Warnings; a built report has no errors. */
  diagnostics: Diagnostic[];
}

/** A manifest to expand into build jobs when a schedule fires. */
export interface ExpandJobData {
  manifest: string;
  outDir: string;
  fontsConfig: string;
  strict?: boolean;
  /** `previous` or `current` month at the time the schedule fires, `manifest` (its own), or a YYYY-MM. */
  period: string;
  from?: string;
  to?: string;
  /** Time zone for `previous`/`current` (the schedule's). */
  tz?: string;
  attempts: number;
}

/** What expanding a manifest did. */
export interface ExpandJobResult {
  total: number;
  added: number;
  existing: number;
  periods: string[];
}

/**
 * A job's id: the hash of everything its bytes depend on (InputHasher: data, template pack, fonts, Briefing's
 * code) plus where it goes and how strictly it is checked. The same report with the same inputs always gets the
 * same id, so BullMQ adds it once however often it is enqueued.
 */
export function jobIdFor(job: ManifestJob, inputHash: string | undefined, strict: boolean): string {
  return createHash('sha256')
    .update(inputHash ?? `unreadable\0${job.templateDir}\0${job.dataFile}`)
    .update('\0')
    .update(job.outFile)
    .update(strict ? '\0strict' : '\0')
    .digest('hex');
}

/** Retries: three attempts, 5 s then 10 s apart, for failures that are not the input's fault. */
export const DEFAULT_ATTEMPTS = 3;
const BACKOFF_MS = 5_000;

/** Finished jobs are kept for 30 days (the idempotency window): enqueueing again within it builds nothing. */
const KEEP_SECONDS = 30 * 24 * 3600;

export function buildJobOptions(jobId: string, attempts: number): JobsOptions {
  return {
    jobId,
    attempts,
    backoff: { type: 'exponential', delay: BACKOFF_MS },
    removeOnComplete: { age: KEEP_SECONDS, count: 100_000 },
    removeOnFail: { age: KEEP_SECONDS, count: 100_000 },
  };
}

/** Options of the jobs a schedule makes (they are cheap: one per firing, kept for 30 days too). */
export function expandJobOptions(attempts: number): Omit<JobsOptions, 'jobId' | 'repeat' | 'delay'> {
  return {
    attempts,
    backoff: { type: 'exponential', delay: BACKOFF_MS },
    removeOnComplete: { age: KEEP_SECONDS, count: 1_000 },
    removeOnFail: { age: KEEP_SECONDS, count: 1_000 },
  };
}

/** The `host:pid` a worker signs its results with. */
export function workerName(host: string, pid: number): string {
  return `${host}:${pid}`;
}
