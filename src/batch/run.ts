import { availableParallelism } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tinypool } from 'tinypool';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { PACKAGE_ROOT } from '../pipeline.js';
import { readManifest, type Job, type PeriodChoice } from './manifest.js';
import { InputHasher, readState, writeState } from './state.js';
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
 * written atomically after every report, so an interrupted run is finished by the next one.
 */
export async function buildBatch(options: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const outDir = path.resolve(options.outDir ?? 'out');
  const manifest = path.resolve(options.manifest);
  const { jobs, diagnostics } = readManifest(manifest, outDir, options);
  const workers = Math.max(1, Math.min(options.jobs ?? availableParallelism(), jobs.length || 1));
  const summary: BatchSummary = {
    ok: false,
    interrupted: false,
    outDir,
    total: jobs.length,
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
  if (diagnostics.some((d) => d.severity === 'error')) return finishSummary(summary, started);

  const fontsConfig = options.fontsConfig ?? path.join(PACKAGE_ROOT, 'fonts', 'fonts.yaml');
  const hasher = new InputHasher(fontsConfig);
  const state = readState(outDir);
  const outcomes = new Map<string, ReportOutcome>();
  let done = 0;
  const record = (o: ReportOutcome) => {
    outcomes.set(o.id, o);
    done++;
    options.onReport?.(o, done, jobs.length);
  };

  // Skip what is up to date: same inputs as last time and the file still there, whole.
  const todo: { job: Job; hash: string | undefined }[] = [];
  for (const job of jobs) {
    const hash = hasher.hash(job.templateDir, job.dataFile);
    const last = state.reports[job.id];
    const upToDate =
      !options.force &&
      hash !== undefined &&
      last?.hash === hash &&
      existsSync(job.outFile) &&
      statSync(job.outFile).size === last.bytes;
    if (upToDate)
      record({ id: job.id, status: 'skipped', vars: job.vars, bytes: last.bytes, pages: last.pages });
    else todo.push({ job, hash });
  }

  if (todo.length > 0) {
    // The compiled worker, also when this module runs from source (tests): workers never load TypeScript.
    const workerFile = path.join(PACKAGE_ROOT, 'dist', 'batch', 'worker.js');
    if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run npm run build`);
    const pool = new Tinypool({
      filename: pathToFileURL(workerFile).href,
      // Processes, not threads: canvas (under the chart renderer) crashes when a worker thread ends.
      runtime: 'child_process',
      minThreads: workers,
      maxThreads: workers,
    });
    // An idle worker that exits (Ctrl-C or systemd signal the whole process group) is not an error of the run.
    pool.on('error', () => undefined);
    let saving = Promise.resolve();
    const save = () => (saving = saving.then(() => writeState(outDir, state)).catch(() => undefined));
    let next = 0;
    const runOne = async (): Promise<void> => {
      while (next < todo.length && !options.signal?.aborted) {
        const { job, hash } = todo[next++]!;
        const task: WorkerTask = {
          templateDir: job.templateDir,
          dataFile: job.dataFile,
          outFile: job.outFile,
          fontsConfig,
          ...(options.strict ? { strict: true } : {}),
        };
        let r: WorkerResult;
        try {
          r = (await pool.run(task)) as WorkerResult;
        } catch (e) {
          r = {
            ok: false,
            bytes: 0,
            pages: 0,
            ms: 0,
            rssMb: 0,
            diagnostics: [],
            firstError: `worker failed: ${(e as Error).message}`,
          };
        }
        summary.peakWorkerRssMb = Math.max(summary.peakWorkerRssMb, r.rssMb);
        if (r.ok) {
          if (hash) state.reports[job.id] = { hash, bytes: r.bytes, pages: r.pages };
          record({
            id: job.id,
            status: 'built',
            vars: job.vars,
            ms: r.ms,
            bytes: r.bytes,
            pages: r.pages,
            diagnostics: r.diagnostics,
          });
        } else {
          delete state.reports[job.id];
          record({
            id: job.id,
            status: 'failed',
            vars: job.vars,
            ms: r.ms,
            diagnostics: r.diagnostics,
            ...(r.firstError ? { firstError: r.firstError } : {}),
          });
        }
        void save();
      }
    };
    try {
      await Promise.all(Array.from({ length: workers }, runOne));
    } finally {
      await saving;
      await writeState(outDir, state).catch(() => undefined);
      await pool.destroy();
    }
  }
  for (const { job } of todo)
    if (!outcomes.has(job.id)) outcomes.set(job.id, { id: job.id, status: 'not-run', vars: job.vars });
  summary.interrupted =
    options.signal?.aborted === true && todo.some(({ job }) => outcomes.get(job.id)?.status === 'not-run');
  summary.reports = jobs.map((j) => outcomes.get(j.id)!);
  return finishSummary(summary, started);
}

/** Counts the outcomes, times the run and decides `ok` (shared with `briefing enqueue --wait`). */
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
