import path from 'node:path';
import type { BuildResult } from '../../pipeline/pipeline.js';
import { cacheDirFor } from '../../build/cache-dir.js';
import { pruneIfDue } from '../../build/cache-prune.js';
import { defaultOutFile } from '../../build/paths.js';
import { diagnosticToJson, formatDiagnostic } from '../../diagnostics/format.js';
import { command, EPILOGUE, EXIT } from '../command.js';
import { colorOn, paint } from '../style.js';
import { fontsConfig, formatOption, inputs, limits, STRICT_OPTION } from '../options.js';

function countPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page[^s]/g)?.length ?? 0;
}

function printDiagnostics(result: BuildResult, what: 'build' | 'check', quiet = false): void {
  const color = colorOn();
  for (const d of result.diagnostics)
    if (!quiet || d.severity === 'error') process.stderr.write(paint(formatDiagnostic(d), color) + '\n');
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  if (!result.ok)
    process.stderr.write(
      `${what} failed: ${errors} error${errors === 1 ? '' : 's'}${what === 'build' ? '; nothing was written' : ''}\n`,
    );
  else if (what === 'check' && !quiet)
    process.stdout.write(
      warnings ? `no errors, ${warnings} warning${warnings === 1 ? '' : 's'}\n` : 'no problems found\n',
    );
}

/** What `build --format json` prints: the outcome, the size, the diagnostics; timings with --verbose. */
function buildSummary(result: BuildResult, rel: string, verbose: boolean) {
  return {
    ok: result.ok,
    out: result.ok ? rel : null,
    pages: result.pdf ? countPages(result.pdf) : null,
    bytes: result.pdf?.length ?? null,
    diagnostics: result.diagnostics.map((d) => diagnosticToJson(d)),
    ...(verbose ? { timings: result.timings, charts: result.charts ?? null } : {}),
  };
}

/** What `build --verbose` adds on stderr: the time per stage and the chart cache's work. */
function printTimings(result: BuildResult): void {
  process.stderr.write(
    Object.entries(result.timings)
      .map(([k, v]) => `  ${k.padEnd(9)} ${v.toFixed(1).padStart(8)} ms`)
      .join('\n') + '\n',
  );
  const c = result.charts;
  if (c)
    process.stderr.write(
      `  charts: ${c.figures} figures, ${c.rendered} rendered, ${c.cached} from the cache (${c.fromMemory} memory, ${c.fromDisk} disk)\n`,
    );
  const d = result.documentStore;
  if (d)
    process.stderr.write(
      `  text: ${d.taken} paragraph settings and page layouts from the document's last build, ${d.added} new\n`,
    );
}

/** `briefing build`: one PDF from a pack and a data file. */
export const buildCommand = command({
  command: 'build <template-dir>',
  describe: 'build a PDF from a template pack and a data file',
  builder: (y) =>
    inputs(y)
      .option('out', {
        alias: 'o',
        type: 'string',
        describe: 'output PDF [default: out/<data-name>.pdf]',
      })
      .option('format', formatOption('diagnostics format'))
      .option('verbose', {
        alias: 'v',
        type: 'boolean',
        default: false,
        describe: 'print time per stage',
      })
      .option('strict', {
        type: 'boolean',
        default: false,
        describe: 'treat warnings (a character no font has, an unknown theme key) as errors',
      })
      .option('pdf-standard', {
        type: 'string',
        describe:
          "standards the PDF declares: ua1 (PDF/UA-1), a2u or a2b (PDF/A-2), comma-separated, or none; tagged either way [default: the theme's pdf.standard, ua1,a2u]",
      })
      .example(
        '$0 build templates/annual-briefing --data data/hengyang-2020.yaml',
        'writes out/hengyang-2020.pdf',
      )
      .example(
        '$0 build templates/annual-briefing -d report.json -o dist/report.pdf',
        'JSON data, chosen output path',
      )
      .example(
        '$0 build templates/annual-briefing -d data.yaml --format json',
        'diagnostics as JSON for editors and CI',
      )
      .epilogue(EPILOGUE),
  handler: async (args) => {
    const { buildReport } = await import('../../pipeline/pipeline.js');
    const result = await buildReport({
      templateDir: args['template-dir'],
      dataFile: args.data,
      outFile: args.out ?? defaultOutFile(args.data),
      ...fontsConfig(args.fonts),
      strict: args.strict,
      ...limits(args),
      ...(args['pdf-standard'] !== undefined ? { pdfStandard: args['pdf-standard'] } : {}),
      keepDocument: true,
    });
    const rel = path.relative(process.cwd(), result.outFile);
    if (args.format === 'json')
      process.stdout.write(JSON.stringify(buildSummary(result, rel, args.verbose), null, 2) + '\n');
    else {
      const quiet = (args as { quiet?: boolean }).quiet === true;
      printDiagnostics(result, 'build', quiet);
      if (result.ok && !quiet)
        process.stdout.write(
          `wrote ${rel} (${countPages(result.pdf!)} pages, ${Math.round(result.pdf!.length / 1024)} KB)\n`,
        );
      if (args.verbose) printTimings(result);
    }
    pruneIfDue(cacheDirFor());
    return result.ok ? EXIT.built : EXIT.inputError;
  },
});

/** `briefing check`: every check of a build, nothing written. */
export const checkCommand = command({
  command: 'check <template-dir>',
  describe:
    'run every check of a build without writing a PDF: data against the schema, template, markup, fonts, charts',
  builder: (y) =>
    inputs(y)
      .option('format', formatOption('output format'))
      .option('strict', STRICT_OPTION)
      .example('$0 check templates/my-briefing --data data/2024.yaml', 'human-readable diagnostics')
      .example(
        '$0 check templates/my-briefing --data data/2024.yaml --format json',
        'diagnostics as JSON objects',
      )
      .epilogue(EPILOGUE),
  handler: async (args) => {
    const { buildReport } = await import('../../pipeline/pipeline.js');
    const result = await buildReport({
      templateDir: args['template-dir'],
      dataFile: args.data,
      ...fontsConfig(args.fonts),
      strict: args.strict,
      ...limits(args),
      checkOnly: true,
      write: false,
      keepDocument: true,
    });
    if (args.format === 'json')
      process.stdout.write(
        JSON.stringify(
          { ok: result.ok, diagnostics: result.diagnostics.map((d) => diagnosticToJson(d)) },
          null,
          2,
        ) + '\n',
      );
    else printDiagnostics(result, 'check', (args as { quiet?: boolean }).quiet === true);
    pruneIfDue(cacheDirFor());
    return result.ok ? EXIT.built : EXIT.inputError;
  },
});
