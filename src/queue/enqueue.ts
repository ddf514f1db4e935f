import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Job, Queue } from 'bullmq';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { readManifest, type Job as Report, type PeriodChoice } from '../batch/manifest.js';
import { InputHasher } from '../batch/state.js';
import { DEFAULT_FONTS_CONFIG } from '../build/paths.js';
import {
  BUILD,
  DEFAULT_ATTEMPTS,
  buildJobOptions,
  jobIdFor,
  type BuildJobData,
  type BuildJobResult,
} from './jobs.js';

/** A manifest to put on the queue: the `batch` options that decide what is built and where. */
export interface EnqueueOptions extends PeriodChoice {
  manifest: string;
  /** Output folder; default `out` in the working folder. Workers must see it at the same path. */
  outDir?: string;
  fontsConfig?: string;
  strict?: boolean;
  /** Build again even what was built before with the same inputs (and retry input errors). */
  force?: boolean;
  /** Attempts per job for failures that are not the input's fault (a worker died, a timeout). */
  attempts?: number;
}

/**
 * What enqueueing did with one report:
 * - `added`: a new job;
 * - `queued`: the same job was already waiting, delayed or being built (nothing added);
 * - `done`: the same job was built before and its PDF is still there, whole (nothing added);
 * - `failed`: the same job failed before on its input; it would fail again the same way (nothing added);
 * - `retried`: the same job failed before for another reason, or its PDF has gone: it is built again.
 */
export type EnqueueAction = 'added' | 'queued' | 'done' | 'failed' | 'retried';

export interface EnqueuedReport {
  report: Report;
  jobId: string;
  action: EnqueueAction;
}

export interface EnqueueResult {
  manifest: string;
  outDir: string;
  /** Problems with the manifest; when there are errors nothing was enqueued. */
  diagnostics: Diagnostic[];
  reports: EnqueuedReport[];
}

/** Runs `fn` over `items`, at most `width` at a time (a few hundred Redis round trips in flight, not thousands). */
async function inBatches<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

/** True when a completed job's PDF is still in place with the size the worker wrote. */
function outputIntact(job: Job<BuildJobData, BuildJobResult>): boolean {
  const file = job.data.outFile;
  const bytes = (job.returnvalue as BuildJobResult | null)?.bytes;
  return existsSync(file) && bytes !== undefined && statSync(file).size === bytes;
}

/**
 * Turns a manifest into build jobs, one per report, each with the hash of its inputs as its id. BullMQ adds a
 * job whose id exists already as a no-op, so enqueueing the same manifest twice builds every report once; a
 * report whose data, template, fonts or Briefing itself changed gets a new id and is built again.
 */
export async function enqueueManifest(
  queue: Queue,
  options: EnqueueOptions,
  hasher?: InputHasher,
): Promise<EnqueueResult> {
  const outDir = path.resolve(options.outDir ?? 'out');
  const manifest = path.resolve(options.manifest);
  const fontsConfig = options.fontsConfig ?? DEFAULT_FONTS_CONFIG;
  const { jobs, diagnostics } = readManifest(manifest, outDir, options);
  const result: EnqueueResult = { manifest, outDir, diagnostics, reports: [] };
  if (diagnostics.some((d) => d.severity === 'error')) return result;

  const inputs = hasher ?? new InputHasher(fontsConfig);
  const strict = options.strict === true;
  const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
  const planned = jobs.map((report) => {
    const inputHash = inputs.hash(report.templateDir, report.dataFile);
    const data: BuildJobData = {
      report: report.id,
      vars: report.vars,
      templateDir: report.templateDir,
      dataFile: report.dataFile,
      outFile: report.outFile,
      outDir,
      fontsConfig,
      ...(strict ? { strict: true } : {}),
      ...(inputHash ? { inputHash } : {}),
    };
    return { report, data, jobId: jobIdFor(report, inputHash, strict) };
  });

  const decided = await inBatches(planned, 200, async (p) => {
    const base = { report: p.report, jobId: p.jobId, data: p.data };
    // The state before the job: read the other way round, a job could finish in between and look finished
    // without its result.
    const state = await queue.getJobState(p.jobId);
    const existing =
      state === 'unknown'
        ? undefined
        : ((await queue.getJob(p.jobId)) as Job<BuildJobData, BuildJobResult> | undefined);
    if (!existing || state === 'unknown') return { ...base, action: 'added' as const, add: true };
    if (state === 'completed') {
      if (!options.force && outputIntact(existing)) return { ...base, action: 'done' as const, add: false };
      // Built, but the file is gone or was changed since, or --force: build it again under the same id.
      await existing.remove();
      return { ...base, action: 'retried' as const, add: true };
    }
    if (state === 'failed') {
      // A failure on the input is final for these inputs; anything else (retries used up) is worth another go.
      if (existing.data.diagnostics?.length && !options.force)
        return { ...base, action: 'failed' as const, add: false };
      await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return { ...base, action: 'retried' as const, add: false };
    }
    return { ...base, action: 'queued' as const, add: false };
  });

  // Added in bulk. A job that appeared meanwhile (another enqueue of the same report) is left alone by BullMQ.
  const fresh = decided.filter((d) => d.add);
  for (let i = 0; i < fresh.length; i += 500)
    await queue.addBulk(
      fresh.slice(i, i + 500).map((d) => ({
        name: BUILD,
        data: d.data,
        opts: buildJobOptions(d.jobId, attempts),
      })),
    );
  result.reports = decided.map(({ report, jobId, action }) => ({ report, jobId, action }));
  return result;
}
