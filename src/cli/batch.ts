import path from 'node:path';
import cliProgress from 'cli-progress';
import { buildBatch, type BatchOptions, type BatchSummary, type ReportOutcome } from '../batch/run.js';
import { diagnosticToJson, formatDiagnostic } from '../diagnostics/format.js';
import { cacheDirFor } from '../build/cache-dir.js';
import { pruneIfDue } from '../build/cache-prune.js';

/** `briefing batch`: progress on a terminal, plain lines otherwise, a summary at the end; returns the exit code. */
export async function runBatchCli(
  options: Omit<BatchOptions, 'signal' | 'onReport'> & { format: 'human' | 'json' },
): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) process.exit(130);
    process.stderr.write(`\n${sig}: finishing the reports in progress (again to stop at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const { onReport, stop } = progressPrinter(options.format);
  try {
    const summary = await buildBatch({ ...options, signal: controller.signal, onReport });
    stop();
    printSummary(summary, options.format);
    pruneIfDue(cacheDirFor());
    if (summary.interrupted) return 130;
    return summary.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Progress while reports end: a bar on a terminal; otherwise one line per report built or failed (cron, CI),
 * none for reports that were up to date. Shared by `batch` and `enqueue --wait`.
 */
export function progressPrinter(format: 'human' | 'json'): {
  onReport: (r: ReportOutcome, done: number, total: number) => void;
  stop: () => void;
} {
  const tty = process.stderr.isTTY && format === 'human';
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: ' {bar} {value}/{total} · built {built} · skipped {skipped} · failed {failed} · {last}',
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const counts = { built: 0, skipped: 0, failed: 0 };
  const onReport = (r: ReportOutcome, done: number, total: number) => {
    if (r.status === 'built') counts.built++;
    else if (r.status === 'skipped') counts.skipped++;
    else if (r.status === 'failed') counts.failed++;
    if (bar) {
      if (done === 1) bar.start(total, 0, { ...counts, last: '' });
      bar.update(done, { ...counts, last: r.id });
    } else if (format === 'human') {
      // Cron and CI: one line per report that was built or failed; unchanged reports only in the summary.
      if (r.status === 'built')
        process.stdout.write(
          `built   ${r.id} (${r.pages} pages, ${Math.round((r.bytes ?? 0) / 1024)} KB, ${((r.ms ?? 0) / 1000).toFixed(2)} s)\n`,
        );
      else if (r.status === 'failed')
        process.stdout.write(`FAILED  ${r.id}: ${r.firstError ?? 'unknown error'}\n`);
    }
  };
  return { onReport, stop: () => bar?.stop() };
}

/** The summary at the end: JSON (`--format json`), or counts, failures and the interrupted note. */
export function printSummary(
  summary: BatchSummary,
  format: 'human' | 'json',
  words: { notRun: string; interrupted: string } = {
    notRun: 'not run',
    interrupted: 'interrupted: run the same command again to build the rest',
  },
): void {
  if (format === 'json') {
    process.stdout.write(
      JSON.stringify(
        {
          ...summary,
          diagnostics: summary.diagnostics.map((d) => diagnosticToJson(d)),
          reports: summary.reports.map(({ diagnostics, ...r }) => ({
            ...r,
            ...(diagnostics?.length ? { diagnostics: diagnostics.map((d) => diagnosticToJson(d)) } : {}),
          })),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    for (const d of summary.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    const rel = path.relative(process.cwd(), summary.outDir) || '.';
    const parts = [`${summary.built} built`, `${summary.skipped} up to date`, `${summary.failed} failed`];
    if (summary.notRun) parts.push(`${summary.notRun} ${words.notRun}`);
    process.stdout.write(
      `${summary.total} reports in ${rel}: ${parts.join(', ')} in ${summary.seconds.toFixed(1)} s` +
        (summary.built ? ` (${summary.builtPerSecond} per second, ${summary.workers} workers)` : '') +
        '\n',
    );
    for (const r of summary.reports.filter((x) => x.status === 'failed'))
      process.stdout.write(`  FAILED ${r.id}: ${r.firstError ?? ''}\n`);
    if (summary.interrupted) process.stdout.write(`${words.interrupted}\n`);
  }
}
