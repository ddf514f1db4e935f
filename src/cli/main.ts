import path from 'node:path';
import yargs from 'yargs';
import { buildReport, defaultOutFile } from '../pipeline.js';
import { diagnosticToJson, formatDiagnostic } from '../diagnostics/format.js';

/** Exit codes, documented in `briefing --help` and the README. */
export const EXIT = { built: 0, inputError: 1, usage: 2 } as const;

function countPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page[^s]/g)?.length ?? 0;
}

const EPILOGUE = `Exit codes:
  0  built: the PDF was written
  1  the input is wrong: diagnostics were printed and no file was written
  2  usage error: unknown command or option, missing argument`;

class UsageError extends Error {}

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
        y
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
          .option('out', {
            alias: 'o',
            type: 'string',
            describe: 'output PDF [default: out/<data-name>.pdf]',
          })
          .option('fonts', {
            type: 'string',
            describe: "font configuration [default: Briefing's fonts/fonts.yaml]",
          })
          .option('format', {
            choices: ['human', 'json'] as const,
            default: 'human' as const,
            describe: 'diagnostics format',
          })
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
        const result = await buildReport({
          templateDir: args['template-dir'],
          dataFile: args.data,
          outFile: args.out ?? defaultOutFile(args.data),
          ...(args.fonts ? { fontsConfig: path.resolve(args.fonts) } : {}),
          strict: args.strict,
        });
        const rel = path.relative(process.cwd(), result.outFile);
        if (args.format === 'json') {
          const summary = {
            ok: result.ok,
            out: result.ok ? rel : null,
            pages: result.pdf ? countPages(result.pdf) : null,
            bytes: result.pdf?.length ?? null,
            diagnostics: result.diagnostics.map((d) => diagnosticToJson(d)),
            ...(args.verbose ? { timings: result.timings } : {}),
          };
          process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        } else {
          for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
          if (result.ok)
            process.stdout.write(
              `wrote ${rel} (${countPages(result.pdf!)} pages, ${Math.round(result.pdf!.length / 1024)} KB)\n`,
            );
          else {
            const n = result.diagnostics.filter((d) => d.severity === 'error').length;
            process.stderr.write(`build failed: ${n} error${n === 1 ? '' : 's'}; nothing was written\n`);
          }
          if (args.verbose)
            process.stderr.write(
              Object.entries(result.timings)
                .map(([k, v]) => `  ${k.padEnd(9)} ${v.toFixed(1).padStart(8)} ms`)
                .join('\n') + '\n',
            );
        }
        code = result.ok ? EXIT.built : EXIT.inputError;
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
