import { buildReport } from '../pipeline/pipeline.js';
import type { ReportRequest } from '../build/request.js';
import { formatDiagnostic } from '../diagnostics/format.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { armTestPoints } from './testpoint.js';
import { dieWithParent } from './watchdog.js';
import { InputHasher, type HashParts } from './state.js';
import { DEFAULT_FONTS_CONFIG } from '../build/paths.js';

/** A report for a worker to build. */
export interface WorkerTask extends ReportRequest {
  outFile: string;
  /**
   * Hash the report's inputs here, before building, from what the batch process hashed once for all its reports
   * (a batch that builds every report: the batch process then hashes none itself, and its workers start at once).
   */
  inputs?: HashParts;
  /** Test only: the pause point the batch process was asked for (see src/batch/testpoint.ts). */
  testPause?: string;
}

/** What a worker sends back: whether it built, the file's size and pages, and the diagnostics. */
export interface WorkerResult {
  ok: boolean;
  bytes: number;
  pages: number;
  ms: number;
  diagnostics: Diagnostic[];
  firstError?: string;
  /** The worker process's peak memory so far (resident set, MB). */
  rssMb: number;
  /** The hash of the report's inputs, when the task asked for it (`inputs`) and the data file could be read. */
  inputHash?: string;
}

// Ctrl-C on a terminal, or systemd stopping a service, signals every process of the batch. A worker that is
// building a report finishes it first (so no file is left half-written) and exits after sending the result;
// an idle worker exits at once. The batch process stops handing out reports when it is signalled itself.
let busy = false;
let stopping = false;
const onSignal = () => {
  if (busy) stopping = true;
  else process.exit(0);
};
if (process.send) {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The process that runs the pool was killed (SIGKILL, out of memory, a machine going down under `briefing
  // worker`): finish the report in hand, so that its file is written whole or not at all, and leave; no orphans.
  process.on('disconnect', onSignal);
  // …and if that report is stuck where no event can reach it, it is killed a few seconds later.
  dieWithParent();
}

/**
 * Builds one report in a pool worker. The worker process lives for the whole batch, so parsed fonts, chart
 * renderers and the chart cache carry over from one report to the next.
 */
export default async function buildInWorker(task: WorkerTask): Promise<WorkerResult> {
  armTestPoints(task.testPause);
  busy = true;
  try {
    return await build(task);
  } finally {
    busy = false;
    // Give the result time to reach the batch process before leaving.
    if (stopping) setTimeout(() => process.exit(0), 200).unref();
  }
}

async function build(task: WorkerTask): Promise<WorkerResult> {
  const started = performance.now();
  try {
    // Before the build reads them, as the batch process would have: inputs changed meanwhile build again next time.
    const inputHash = task.inputs
      ? new InputHasher(task.fontsConfig ?? DEFAULT_FONTS_CONFIG, task.maxDataMb, task.inputs).hash(
          task.templateDir,
          task.dataFile,
        )
      : undefined;
    const r = await buildReport({
      templateDir: task.templateDir,
      dataFile: task.dataFile,
      outFile: task.outFile,
      ...(task.fontsConfig ? { fontsConfig: task.fontsConfig } : {}),
      ...(task.strict ? { strict: true } : {}),
      ...(task.maxPages ? { maxPages: task.maxPages } : {}),
      ...(task.timeLimitMs ? { timeLimitMs: task.timeLimitMs } : {}),
      ...(task.maxMemoryMb ? { maxMemoryMb: task.maxMemoryMb } : {}),
      ...(task.maxDataMb ? { maxDataMb: task.maxDataMb } : {}),
      ...(task.readRoots ? { readRoots: task.readRoots } : {}),
    });
    const first = r.diagnostics.find((d) => d.severity === 'error');
    return {
      ok: r.ok,
      bytes: r.pdf?.length ?? 0,
      pages: r.pdf?.toString('latin1').match(/\/Type \/Page[^s]/g)?.length ?? 0,
      ms: Math.round(performance.now() - started),
      diagnostics: r.diagnostics,
      ...(first ? { firstError: formatDiagnostic(first) } : {}),
      rssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...(inputHash ? { inputHash } : {}),
    };
  } catch (e) {
    // A bug, not bad input: report it for this job and keep the worker serving the others.
    const message = `internal error: ${(e as Error).stack ?? String(e)}`;
    return {
      ok: false,
      bytes: 0,
      pages: 0,
      ms: Math.round(performance.now() - started),
      diagnostics: [{ severity: 'error', code: 'internal', message }],
      firstError: message.split('\n')[0]!,
      rssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  }
}
