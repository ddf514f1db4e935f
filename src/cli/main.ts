import path from 'node:path';
import yargs, { type Argv } from 'yargs';
import type { BuildResult } from '../pipeline.js';
import { defaultOutFile } from '../paths.js';
import { diagnosticToJson, formatDiagnostic } from '../diagnostics/format.js';

/** Exit codes, documented in `briefing --help` and the README. */
export const EXIT = { built: 0, inputError: 1, usage: 2 } as const;

function countPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page[^s]/g)?.length ?? 0;
}

const EPILOGUE = `Exit codes:
  0  built (or checked, or created): no errors
  1  the input is wrong: diagnostics were printed and no file was written
  2  usage error: unknown command or option, missing argument`;

class UsageError extends Error {}

const FONTS_OPTION = {
  type: 'string',
  describe: "font configuration [default: Briefing's fonts/fonts.yaml]",
} as const;
const STRICT_OPTION = { type: 'boolean', default: false, describe: 'treat warnings as errors' } as const;
function formatOption(describe: string) {
  return { choices: ['human', 'json'] as const, default: 'human' as const, describe };
}

/** The options `build`, `check` and `preview` share. */
function inputs<T>(y: Argv<T>) {
  return y
    .positional('template-dir', {
      type: 'string',
      demandOption: true,
      describe: 'template pack folder (holds template.hbs)',
    })
    .option('data', {
      alias: 'd',
      type: 'string',
      demandOption: true,
      describe: 'data file (.yaml, .yml or .json)',
    })
    .option('fonts', FONTS_OPTION)
    .option('max-pages', {
      type: 'number',
      default: 1000,
      describe: 'stop with an error past this many pages',
    })
    .option('time-limit', {
      type: 'number',
      default: 120,
      describe: 'stop with an error after this many seconds',
    });
}

function printDiagnostics(result: BuildResult, what: 'build' | 'check'): void {
  for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  if (!result.ok)
    process.stderr.write(
      `${what} failed: ${errors} error${errors === 1 ? '' : 's'}${what === 'build' ? '; nothing was written' : ''}\n`,
    );
  else if (what === 'check')
    process.stdout.write(
      warnings ? `no errors, ${warnings} warning${warnings === 1 ? '' : 's'}\n` : 'no problems found\n',
    );
}

/** The Redis connection options of the queue commands. */
const REDIS_OPTION = {
  type: 'string',
  default: process.env.BRIEFING_REDIS_URL,
  defaultDescription: '$BRIEFING_REDIS_URL',
  describe: 'Redis URL, redis://[:password@]host:port[/db] or rediss:// (TLS)',
} as const;
const QUEUE_OPTION = { type: 'string', default: 'briefing', describe: 'queue name' } as const;

function queueOptions<T>(y: Argv<T>) {
  return y.option('redis', REDIS_OPTION).option('queue', QUEUE_OPTION);
}

/** Runs the command line; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.built;
  const cli = yargs(argv)
    .scriptName('briefing')
    .usage(
      '$0 <command> [options]\n\nTypeset print-ready PDF briefings from data files and Handlebars templates.',
    )
    .command(
      'build <template-dir>',
      'build a PDF from a template pack and a data file',
      (y) =>
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
      async (args) => {
        const { buildReport } = await import('../pipeline.js');
        const result = await buildReport({
          templateDir: args['template-dir'],
          dataFile: args.data,
          outFile: args.out ?? defaultOutFile(args.data),
          ...(args.fonts ? { fontsConfig: path.resolve(args.fonts) } : {}),
          strict: args.strict,
          maxPages: args['max-pages'],
          timeLimitMs: args['time-limit'] * 1000,
        });
        const rel = path.relative(process.cwd(), result.outFile);
        if (args.format === 'json') {
          const summary = {
            ok: result.ok,
            out: result.ok ? rel : null,
            pages: result.pdf ? countPages(result.pdf) : null,
            bytes: result.pdf?.length ?? null,
            diagnostics: result.diagnostics.map((d) => diagnosticToJson(d)),
            ...(args.verbose ? { timings: result.timings, charts: result.charts ?? null } : {}),
          };
          process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        } else {
          printDiagnostics(result, 'build');
          if (result.ok)
            process.stdout.write(
              `wrote ${rel} (${countPages(result.pdf!)} pages, ${Math.round(result.pdf!.length / 1024)} KB)\n`,
            );
          if (args.verbose) {
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
          }
        }
        code = result.ok ? EXIT.built : EXIT.inputError;
      },
    )
    .command(
      'check <template-dir>',
      'run every check of a build without writing a PDF: data against the schema, template, markup, fonts, charts',
      (y) =>
        inputs(y)
          .option('format', formatOption('output format'))
          .option('strict', STRICT_OPTION)
          .example('$0 check templates/my-briefing --data data/2024.yaml', 'human-readable diagnostics')
          .example(
            '$0 check templates/my-briefing --data data/2024.yaml --format json',
            'diagnostics as JSON objects',
          )
          .epilogue(EPILOGUE),
      async (args) => {
        const { buildReport } = await import('../pipeline.js');
        const result = await buildReport({
          templateDir: args['template-dir'],
          dataFile: args.data,
          ...(args.fonts ? { fontsConfig: path.resolve(args.fonts) } : {}),
          strict: args.strict,
          maxPages: args['max-pages'],
          timeLimitMs: args['time-limit'] * 1000,
          checkOnly: true,
          write: false,
        });
        if (args.format === 'json')
          process.stdout.write(
            JSON.stringify(
              { ok: result.ok, diagnostics: result.diagnostics.map((d) => diagnosticToJson(d)) },
              null,
              2,
            ) + '\n',
          );
        else printDiagnostics(result, 'check');
        code = result.ok ? EXIT.built : EXIT.inputError;
      },
    )
    .command(
      'init <dir>',
      'create a new template pack, copied from a built-in one, with sample data that builds at once',
      // Async so that the pack list (and the YAML parser it needs) loads only for `init`.
      async (y) => {
        const { builtInPacks } = await import('./init.js');
        return y
          .positional('dir', {
            type: 'string',
            demandOption: true,
            describe: 'folder for the new pack (must not exist or be empty)',
          })
          .option('from', {
            type: 'string',
            default: 'annual-briefing',
            choices: builtInPacks(),
            describe: 'built-in pack to copy',
          })
          .example('$0 init templates/my-briefing', 'a copy of the annual briefing')
          .example('$0 init reports/monthly --from monthly-report', 'a copy of the monthly report')
          .epilogue(EPILOGUE);
      },
      async (args) => {
        const { initPack } = await import('./init.js');
        const r = initPack(args.dir, args.from);
        for (const d of r.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
        if (r.ok) {
          const rel = (p: string) => path.relative(process.cwd(), p) || '.';
          process.stdout.write(
            `created ${rel(r.dir)} from ${args.from}\n` +
              `  build it:    briefing build ${rel(r.dir)} --data ${rel(r.sample)}\n` +
              `  preview it:  briefing preview ${rel(r.dir)} --data ${rel(r.sample)}\n` +
              `  reference:   docs/templates.md\n`,
          );
        }
        code = r.ok ? EXIT.built : EXIT.inputError;
      },
    )
    .command(
      'preview <template-dir>',
      'serve a live preview on 127.0.0.1 that rebuilds when the pack, the data or the fonts change',
      (y) =>
        inputs(y)
          .option('port', {
            alias: 'p',
            type: 'number',
            default: 4173,
            describe: 'port on 127.0.0.1 (0: any free port)',
          })
          .example(
            '$0 preview templates/my-briefing --data data/2024.yaml',
            'then open the address it prints',
          )
          .epilogue(EPILOGUE),
      async (args) => {
        const { startPreview } = await import('../preview/server.js');
        const preview = await startPreview({
          templateDir: args['template-dir'],
          dataFile: args.data,
          ...(args.fonts ? { fontsConfig: path.resolve(args.fonts) } : {}),
          port: args.port,
          log: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(`preview at ${preview.url} (Ctrl-C to stop)\n`);
        await new Promise<void>((resolve) => {
          const stop = () => void preview.close().then(resolve);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      },
    )
    .command(
      'batch <manifest>',
      'build many reports from a manifest, in parallel; unchanged reports are skipped',
      (y) =>
        y
          .positional('manifest', { type: 'string', demandOption: true, describe: 'batch manifest (YAML)' })
          .option('period', { type: 'string', describe: 'one month, YYYY-MM' })
          .option('from', { type: 'string', describe: 'first month, YYYY-MM' })
          .option('to', { type: 'string', describe: 'last month, YYYY-MM' })
          .option('jobs', {
            alias: 'j',
            type: 'number',
            describe: 'worker processes [default: the number of cores]',
          })
          .option('out-dir', {
            type: 'string',
            default: 'out',
            describe: 'output folder; out patterns are relative to it',
          })
          .option('force', {
            type: 'boolean',
            default: false,
            describe: 'rebuild reports whose inputs have not changed',
          })
          .option('fonts', FONTS_OPTION)
          .option('strict', STRICT_OPTION)
          .option('max-pages', {
            type: 'number',
            default: 1000,
            describe: 'a report past this many pages fails',
          })
          .option('time-limit', {
            type: 'number',
            default: 120,
            describe: 'a report taking longer (seconds) is stopped and fails',
          })
          .option('memory-limit', {
            type: 'number',
            default: 2048,
            describe: 'heap limit of each worker (MB)',
          })
          .option('format', formatOption('summary format'))
          .conflicts('period', ['from', 'to'])
          .example('$0 batch data/monthly/batch.yaml', 'every report the manifest lists')
          .example('$0 batch data/monthly/batch.yaml --period 2025-03 --out-dir /srv/reports', 'one month')
          .example('$0 batch data/monthly/batch.yaml --format json', 'a JSON summary for machines')
          .epilogue(
            'Exit codes:\n  0  every report built or up to date\n  1  a report failed, or the manifest is wrong\n  2  usage error\n  130  interrupted (SIGINT/SIGTERM): reports in progress were finished, the next run does the rest',
          ),
      async (args) => {
        const { runBatchCli } = await import('./batch.js');
        code = await runBatchCli({
          manifest: args.manifest,
          outDir: args['out-dir'],
          force: args.force,
          strict: args.strict,
          format: args.format,
          maxPages: args['max-pages'],
          timeLimitMs: args['time-limit'] * 1000,
          memoryMb: args['memory-limit'],
          ...(args.period ? { period: args.period } : {}),
          ...(args.from ? { from: args.from } : {}),
          ...(args.to ? { to: args.to } : {}),
          ...(args.jobs ? { jobs: args.jobs } : {}),
          ...(args.fonts ? { fontsConfig: path.resolve(args.fonts) } : {}),
        });
      },
    )
    .command(
      'worker',
      'take build jobs from a Redis queue (BullMQ) and build them, until SIGINT/SIGTERM',
      (y) =>
        queueOptions(y)
          .option('concurrency', {
            alias: 'c',
            type: 'number',
            describe: 'reports built at once, one process each [default: the number of cores]',
          })
          .option('timeout', {
            type: 'number',
            default: 300,
            describe: 'seconds a build may take before it is stopped and retried',
          })
          .option('lock-timeout', {
            type: 'number',
            default: 30,
            describe: 'seconds before a job whose worker stopped answering goes to another worker',
          })
          .option('verbose', {
            alias: 'v',
            type: 'boolean',
            default: false,
            describe: 'a line per job started',
          })
          .option('root', {
            type: 'string',
            array: true,
            describe:
              "a folder whose packs, data and fonts jobs may use (repeatable) [default: the working folder; Briefing's built-in packs and fonts always]",
          })
          .option('out-dir', {
            type: 'string',
            describe: 'the folder jobs may write PDFs under [default: the working folder]',
          })
          .option('grace', {
            type: 'number',
            default: 25,
            describe: 'seconds that builds in progress get to finish after SIGINT/SIGTERM',
          })
          .example('$0 worker --redis redis://queue.internal:6379 -c 4', 'four builds at a time')
          .example(
            '$0 worker --redis "$R" --root /srv/briefing/packs --root /srv/data --out-dir /srv/reports',
            'read packs and data only from these folders, write only under /srv/reports',
          )
          .epilogue(
            'Jobs whose pack, data or fonts lie outside the --root folders, or whose output lies outside --out-dir, fail without a build.\n\nExit codes:\n  0  stopped by SIGINT/SIGTERM after finishing the jobs in progress (within --grace seconds; Redis is not waited for)\n  2  usage error\n  130  a second signal: stopped at once (the jobs in progress go to other workers)',
          ),
      async (args) => {
        const { runWorkerCli } = await import('./queue.js');
        code = await runWorkerCli({
          redis: args.redis,
          queue: args.queue,
          verbose: args.verbose,
          timeout: args.timeout,
          lockTimeout: args['lock-timeout'],
          grace: args.grace,
          ...(args.root ? { roots: args.root } : {}),
          ...(args['out-dir'] ? { outDir: args['out-dir'] } : {}),
          ...(args.concurrency ? { concurrency: args.concurrency } : {}),
        });
      },
    )
    .command(
      'enqueue <manifest>',
      "put a manifest's reports on a Redis queue as build jobs, once per set of inputs",
      (y) =>
        y
          .positional('manifest', { type: 'string', demandOption: true, describe: 'batch manifest (YAML)' })
          .option('redis', REDIS_OPTION)
          .option('queue', QUEUE_OPTION)
          .option('period', { type: 'string', describe: 'one month, YYYY-MM' })
          .option('from', { type: 'string', describe: 'first month, YYYY-MM' })
          .option('to', { type: 'string', describe: 'last month, YYYY-MM' })
          .option('out-dir', {
            type: 'string',
            default: 'out',
            describe: 'output folder, at the same path on every worker; out patterns are relative to it',
          })
          .option('wait', {
            type: 'boolean',
            default: false,
            describe: 'wait until every job has ended and print the summary `batch` prints',
          })
          .option('force', {
            type: 'boolean',
            default: false,
            describe: 'build again what was built before with the same inputs',
          })
          .option('attempts', {
            type: 'number',
            default: 3,
            describe:
              'attempts per job when a build process dies or times out (input errors are never retried)',
          })
          .option('fonts', FONTS_OPTION)
          .option('strict', STRICT_OPTION)
          .option('format', formatOption('output format'))
          .conflicts('period', ['from', 'to'])
          .example(
            '$0 enqueue data/monthly/batch.yaml --redis redis://127.0.0.1:6379',
            'every report, then return',
          )
          .example(
            '$0 enqueue data/monthly/batch.yaml --period 2025-03 --redis "$R" --out-dir /srv/reports --wait',
            'one month, and wait for it',
          )
          .epilogue(
            'Exit codes:\n  0  enqueued (with --wait: every report built or up to date)\n  1  the manifest is wrong (with --wait: or a report failed)\n  2  usage error\n  3  Redis cannot be reached\n  130  stopped waiting (the jobs stay on the queue)',
          ),
      async (args) => {
        const { runEnqueueCli } = await import('./queue.js');
        code = await runEnqueueCli({
          redis: args.redis,
          queue: args.queue,
          manifest: args.manifest,
          outDir: args['out-dir'],
          wait: args.wait,
          force: args.force,
          attempts: args.attempts,
          strict: args.strict,
          format: args.format,
          ...(args.period ? { period: args.period } : {}),
          ...(args.from ? { from: args.from } : {}),
          ...(args.to ? { to: args.to } : {}),
          ...(args.fonts ? { fontsConfig: path.resolve(args.fonts) } : {}),
        });
      },
    )
    .command(
      'schedule <manifest>',
      'register a repeatable build of a manifest on a Redis queue (a BullMQ job scheduler), or remove it',
      (y) =>
        y
          .positional('manifest', { type: 'string', demandOption: true, describe: 'batch manifest (YAML)' })
          .option('redis', REDIS_OPTION)
          .option('queue', QUEUE_OPTION)
          .option('cron', { type: 'string', describe: "cron pattern, e.g. '0 6 2 * *' (06:00 on the 2nd)" })
          .option('tz', { type: 'string', describe: 'time zone of the pattern, e.g. Asia/Shanghai' })
          .option('period', {
            type: 'string',
            describe:
              'months each firing builds: previous (the month before the firing), current, manifest (its periods) or YYYY-MM [default: previous]',
          })
          .option('from', { type: 'string', describe: 'first month, YYYY-MM (instead of --period)' })
          .option('to', { type: 'string', describe: 'last month, YYYY-MM' })
          .option('out-dir', {
            type: 'string',
            default: 'out',
            describe: 'output folder, at the same path on every worker',
          })
          .option('name', {
            type: 'string',
            describe: 'scheduler id [default: from the manifest and out-dir]',
          })
          .option('remove', { type: 'boolean', default: false, describe: 'remove the schedule' })
          .option('attempts', { type: 'number', default: 3, describe: 'attempts per job' })
          .option('fonts', FONTS_OPTION)
          .option('strict', STRICT_OPTION)
          .option('format', formatOption('output format'))
          .conflicts('period', ['from', 'to'])
          .example(
            '$0 schedule data/monthly/batch.yaml --cron \'0 6 2 * *\' --tz Asia/Shanghai --redis "$R" --out-dir /srv/reports',
            "last month's reports, on the 2nd at 06:00",
          )
          .example(
            '$0 schedule data/monthly/batch.yaml --remove --redis "$R" --out-dir /srv/reports',
            'stop it',
          )
          .epilogue(
            'Exit codes:\n  0  registered or removed\n  2  usage error\n  3  Redis cannot be reached',
          ),
      async (args) => {
        const { runScheduleCli } = await import('./queue.js');
        code = await runScheduleCli({
          redis: args.redis,
          queue: args.queue,
          manifest: args.manifest,
          outDir: args['out-dir'],
          remove: args.remove,
          attempts: args.attempts,
          strict: args.strict,
          format: args.format,
          ...(args.cron ? { cron: args.cron } : {}),
          ...(args.tz ? { tz: args.tz } : {}),
          ...(args.period ? { period: args.period } : {}),
          ...(args.from ? { from: args.from } : {}),
          ...(args.to ? { to: args.to } : {}),
          ...(args.name ? { name: args.name } : {}),
          ...(args.fonts ? { fontsConfig: path.resolve(args.fonts) } : {}),
        });
      },
    )
    .command(
      'jobs',
      'show a Redis queue: counts, workers, schedules, and recent jobs with their state and first error',
      (y) =>
        queueOptions(y)
          .option('limit', { alias: 'n', type: 'number', default: 20, describe: 'jobs to list' })
          .option('state', {
            type: 'string',
            array: true,
            describe: 'only jobs in these states (active, waiting, delayed, completed, failed, …)',
          })
          .option('format', formatOption('output format'))
          .example('$0 jobs --redis "$R" --state failed', 'what failed, and why')
          .epilogue('Exit codes:\n  0  listed\n  2  usage error\n  3  Redis cannot be reached'),
      async (args) => {
        const { runJobsCli } = await import('./queue.js');
        code = await runJobsCli({
          redis: args.redis,
          queue: args.queue,
          limit: args.limit,
          format: args.format,
          ...(args.state ? { state: args.state } : {}),
        });
      },
    )
    .demandCommand(
      1,
      'give a command, e.g. `briefing build templates/annual-briefing --data data/hengyang-2020.yaml`',
    )
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  try {
    await cli.parseAsync();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`briefing: ${e.message}\nRun \`briefing --help\` for usage.\n`);
    return EXIT.usage;
  }
  return code;
}
