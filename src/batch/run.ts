import { availableParallelism } from 'node:os';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { DEFAULT_LIMITS } from '../build/limits.js';
import path from 'node:path';
import { closePool, createBuildPool } from './pool.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { DEFAULT_FONTS_CONFIG } from '../build/paths.js';
import { readManifest, type Job, type PeriodChoice } from './manifest.js';
import { InputHasher, readState, STATE_FILE, StateSaver, type HashParts } from './state.js';
import { armTestPoints, TEST_PAUSE_ENV, testPoint } from './testpoint.js';
import type { WorkerResult, WorkerTask } from './worker.js';

/** A batch: a manifest, where to write, which periods, how many workers. */
export interface BatchOptions extends PeriodChoice {
  manifest: string;
  /** Output folder; `out` patterns are relative to it. Default: `out` in the working folder. */
  outDir?: string;
  /** Worker processes; default the machine's cores. */
  jobs?: number;
  /** Rebuild reports whose inputs have not changed. */
  force?: boolean;
  fontsConfig?: string;
  strict?: boolean;
  /** A report past this many pages fails (default 1000). */
  maxPages?: number;
  /** A report running longer is stopped (its worker killed) and fails (default 120 s). */
  timeLimitMs?: number;
  /** Memory limit of each worker process in MB (default 2048): a report that needs more fails, the others go on. */
  memoryMb?: number;
  /** A report whose data file is larger (MB) fails (default 32). */
  maxDataMb?: number;
  /** Stop taking new reports (reports in progress finish, so no file is left half-written). */
  signal?: AbortSignal;
  /** Progress: called as each report is skipped, built or fails. */
  onReport?: (report: ReportOutcome, done: number, total: number) => void;
}

/** What happened to one report. */
export interface ReportOutcome {
  id: string;
  status: 'built' | 'skipped' | 'failed' | 'not-run';
  vars: Record<string, string>;
  ms?: number;
  bytes?: number;
  pages?: number;
  /** The first error, formatted as `file:line:col: error[code]: message`. */
  firstError?: string;
  diagnostics?: Diagnostic[];
  /** Queue builds only: attempts made (more than 1: retried), times its worker died under it, who built it. */
  attempts?: number;
  stalled?: number;
  worker?: string;
}

/** The batch's summary, as `briefing batch --format json` prints it. */
export interface BatchSummary {
  ok: boolean;
  interrupted: boolean;
  outDir: string;
  total: number;
  built: number;
  skipped: number;
  failed: number;
  notRun: number;
  seconds: number;
  /** Reports built per second of wall time (skips excluded). */
  builtPerSecond: number;
  workers: number;
  peakWorkerRssMb: number;
  /** Problems with the manifest itself; when there are any, nothing was built. */
  diagnostics: Diagnostic[];
  reports: ReportOutcome[];
}

/**
 * Builds every report a manifest lists, in a pool of worker processes. Reports whose inputs hash to what the
 * last run recorded are skipped; one failing report never stops the others; the state beside the outputs is
 * written atomically as reports finish (`StateSaver`), so an interrupted run is finished by the next one.
 */
export async function buildBatch(options: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const outDir = path.resolve(options.outDir ?? 'out');
  const manifest = path.resolve(options.manifest);
  const { jobs, diagnostics } = readManifest(manifest, outDir, options);
  const workers = Math.max(1, Math.min(options.jobs ?? availableParallelism(), jobs.length || 1));
  const summary = emptySummary(outDir, jobs.length, workers, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return finishSummary(summary, started);

  const fontsConfig = options.fontsConfig ?? DEFAULT_FONTS_CONFIG;
  const hasher = new InputHasher(fontsConfig, options.maxDataMb);
  const state = readState(outDir);
  const outcomes = new Map<string, ReportOutcome>();
  let done = 0;
  const record = (o: ReportOutcome) => {
    outcomes.set(o.id, o);
    done++;
    options.onReport?.(o, done, jobs.length);
  };

  // A run killed earlier (even with SIGKILL) may have left temporary files beside the state and the outputs,
  // including those that are up to date now: each folder is read once.
  removeTemporaries([path.join(outDir, STATE_FILE), ...jobs.map((j) => j.outFile)]);
  // When every report is to be built (--force, or no state from an earlier run), the workers start now, and each
  // hashes the inputs of the reports it builds (from the parts all share, hashed here once): this process, which
  // would otherwise hash them all before handing out the first (a quarter of a second for 120 reports, on the cores
  // the workers start on), hands them out at once.
  const startPool = () => {
    const p = createBuildPool(workers, options.memoryMb, true);
    // An idle worker that exits (Ctrl-C or systemd signal the whole process group) is not an error of the run.
    p.on('error', () => undefined);
    return p;
  };
  const everything = jobs.length > 0 && (options.force || Object.keys(state.reports).length === 0);
  let early = everything ? startPool() : undefined;
  // Skip what is up to date: same inputs as last time and the file still there, whole.
  const todo: { job: Job; hash: string | undefined; inputs?: HashParts }[] = [];
  try {
    for (const job of jobs) {
      if (everything) {
        todo.push({ job, hash: undefined, inputs: hasher.partsFor(job.templateDir) });
        continue;
      }
      const hash = hasher.hash(job.templateDir, job.dataFile);
      const last = state.reports[job.id];
      const upToDate =
        hash !== undefined &&
        last?.hash === hash &&
        existsSync(job.outFile) &&
        statSync(job.outFile).size === last.bytes;
      if (upToDate) {
        record({ id: job.id, status: 'skipped', vars: job.vars, bytes: last.bytes, pages: last.pages });
      } else todo.push({ job, hash });
    }
  } catch (e) {
    if (early) await closePool(early);
    throw e;
  }

  if (todo.length > 0) {
    // Test only (src/batch/testpoint.ts): a pause point for the crash test; nothing when the variable is unset.
    const testPause = process.env[TEST_PAUSE_ENV];
    armTestPoints(testPause);
    const pool = early ?? startPool();
    early = undefined;
    const timeLimitMs = options.timeLimitMs ?? DEFAULT_LIMITS.timeLimitMs;
    const saver = new StateSaver(outDir, state);
    let next = 0;
    const runOne = async (): Promise<void> => {
      while (next < todo.length && !options.signal?.aborted) {
        const { job, hash, inputs } = todo[next++]!;
        const task = { ...taskFor(job, options, fontsConfig, testPause), ...(inputs ? { inputs } : {}) };
        let r: WorkerResult;
        const taskStarted = performance.now();
        try {
          // The worker checks the time limit itself as it lays out; the signal, a little later, is the backstop
          // for a worker stuck elsewhere: the pool kills it and starts a new one.
          r = (await pool.run(task, { signal: AbortSignal.timeout(timeLimitMs + 5000) })) as WorkerResult;
        } catch (e) {
          const ms = Math.round(performance.now() - taskStarted);
          // The worker killed or dead may have left its temporary file beside the output.
          removeTemporaries([job.outFile]);
          r = lostWorkerResult(e as Error, job.dataFile, ms, timeLimitMs, options.memoryMb ?? 2048);
        }
        summary.peakWorkerRssMb = Math.max(summary.peakWorkerRssMb, r.rssMb);
        const inputHash = hash ?? r.inputHash;
        if (r.ok && inputHash) state.reports[job.id] = { hash: inputHash, bytes: r.bytes, pages: r.pages };
        else if (!r.ok) delete state.reports[job.id];
        record(outcomeOf(job, r));
        testPoint('report-done');
        saver.request();
      }
    };
    try {
      await Promise.all(Array.from({ length: workers }, runOne));
    } finally {
      await saver.close();
      await closePool(pool);
    }
  }
  if (early) await closePool(early);
  for (const { job } of todo)
    if (!outcomes.has(job.id)) outcomes.set(job.id, { id: job.id, status: 'not-run', vars: job.vars });
  summary.interrupted =
    options.signal?.aborted === true && todo.some(({ job }) => outcomes.get(job.id)?.status === 'not-run');
  summary.reports = jobs.map((j) => outcomes.get(j.id)!);
  return finishSummary(summary, started);
}

/** What a worker is asked to build for one report of the batch, with the batch's limits. */
function taskFor(
  job: Job,
  options: BatchOptions,
  fontsConfig: string,
  testPause: string | undefined,
): WorkerTask {
  return {
    templateDir: job.templateDir,
    dataFile: job.dataFile,
    outFile: job.outFile,
    fontsConfig,
    ...(options.strict ? { strict: true } : {}),
    maxPages: options.maxPages ?? DEFAULT_LIMITS.maxPages,
    timeLimitMs: options.timeLimitMs ?? DEFAULT_LIMITS.timeLimitMs,
    maxMemoryMb: options.memoryMb ?? 2048,
    ...(options.maxDataMb ? { maxDataMb: options.maxDataMb } : {}),
    ...(testPause ? { testPause } : {}),
  };
}

/** A worker's result as the report's outcome: built, or failed with its diagnostics. */
function outcomeOf(job: Job, r: WorkerResult): ReportOutcome {
  return r.ok
    ? {
        id: job.id,
        status: 'built',
        vars: job.vars,
        ms: r.ms,
        bytes: r.bytes,
        pages: r.pages,
        diagnostics: r.diagnostics,
      }
    : {
        id: job.id,
        status: 'failed',
        vars: job.vars,
        ms: r.ms,
        diagnostics: r.diagnostics,
        ...(r.firstError ? { firstError: r.firstError } : {}),
      };
}

/** The result of a report whose worker was stopped (over the time limit) or died (out of memory, say). */
function lostWorkerResult(
  e: Error,
  dataFile: string,
  ms: number,
  timeLimitMs: number,
  memoryMb: number,
): WorkerResult {
  const message =
    e.name === 'AbortError'
      ? `error[limit:time]: stopped after ${Math.round(ms / 1000)} s (time limit ${Math.round(timeLimitMs / 1000)} s)`
      : `error[limit:worker]: the worker died (${e.message}); a report that needs more than ${memoryMb} MB of memory fails like this`;
  return {
    ok: false,
    bytes: 0,
    pages: 0,
    ms,
    rssMb: 0,
    diagnostics: [],
    firstError: `${dataFile}: ${message}`,
  };
}

/**
 * Removes the temporary files killed workers (or a killed batch) may have left beside these outputs: for each
 * `.<name>.<anything>.tmp` beside `<name>` (never the output itself). Each folder is read once, however many
 * outputs it holds.
 */
function removeTemporaries(outFiles: string[]): void {
  const byFolder = new Map<string, Set<string>>();
  for (const f of outFiles) {
    const dir = path.dirname(f);
    byFolder.set(dir, (byFolder.get(dir) ?? new Set()).add(path.basename(f)));
  }
  for (const [dir, names] of byFolder) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue; // The folder may not exist yet: nothing to remove.
    }
    for (const f of entries) {
      if (!f.startsWith('.') || !f.endsWith('.tmp')) continue;
      // `.<name>.…`: the name of an output here may itself hold dots; try each dot after the first character.
      for (let dot = f.indexOf('.', 1); dot > 0; dot = f.indexOf('.', dot + 1))
        if (names.has(f.slice(1, dot))) {
          rmSync(path.join(dir, f), { force: true });
          break;
        }
    }
  }
}

/** Counts the outcomes, times the run and decides `ok` (shared with `briefing enqueue --wait`). */
/** A summary before any report has run: every count zero, not yet ok. */
export function emptySummary(
  outDir: string,
  total: number,
  workers: number,
  diagnostics: BatchSummary['diagnostics'],
): BatchSummary {
  return {
    ok: false,
    interrupted: false,
    outDir,
    total,
    built: 0,
    skipped: 0,
    failed: 0,
    notRun: 0,
    seconds: 0,
    builtPerSecond: 0,
    workers,
    peakWorkerRssMb: 0,
    diagnostics,
    reports: [],
  };
}

export function finishSummary(summary: BatchSummary, started: number): BatchSummary {
  for (const r of summary.reports) {
    if (r.status === 'built') summary.built++;
    else if (r.status === 'skipped') summary.skipped++;
    else if (r.status === 'failed') summary.failed++;
    else summary.notRun++;
  }
  summary.seconds = Math.round(performance.now() - started) / 1000;
  summary.builtPerSecond = summary.seconds > 0 ? Math.round((summary.built / summary.seconds) * 10) / 10 : 0;
  summary.ok =
    summary.diagnostics.every((d) => d.severity !== 'error') && summary.failed === 0 && !summary.interrupted;
  return summary;
}
