import yargs, { type CommandModule } from 'yargs';
import { EPILOGUE, EXIT, type Command } from './command.js';
import { buildCommand, checkCommand } from './commands/build.js';
import { initCommand } from './commands/init.js';
import { previewCommand } from './commands/preview.js';
import { batchCommand } from './commands/batch.js';
import { cacheCommand } from './commands/cache.js';
import { enqueueCommand, jobsCommand, scheduleCommand, workerCommand } from './commands/queue.js';

export { EXIT } from './command.js';

class UsageError extends Error {}

/** Runs the command line; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.built;
  // Each command's handler returns its exit code; this is where it is kept until parsing ends.
  const exitWith = <U>(c: Command<U>): CommandModule<object, U> => ({
    ...c,
    handler: async (args) => {
      code = await c.handler(args);
    },
  });
  const cli = yargs(argv)
    .scriptName('briefing')
    .usage(
      '$0 <command> [options]\n\nTypeset print-ready PDF briefings from data files and Handlebars templates.',
    )
    .command(exitWith(buildCommand))
    .command(exitWith(checkCommand))
    .command(exitWith(initCommand))
    .command(exitWith(previewCommand))
    .command(exitWith(batchCommand))
    .command(exitWith(workerCommand))
    .command(exitWith(enqueueCommand))
    .command(exitWith(scheduleCommand))
    .command(exitWith(jobsCommand))
    .command(exitWith(cacheCommand))
    .demandCommand(
      1,
      'give a command, e.g. `briefing build templates/annual-briefing --data data/hengyang-2020.yaml`',
    )
    .strict()
    .recommendCommands()
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      default: false,
      global: true,
      describe: 'print errors only (no warnings, no progress)',
    })
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
    // yargs' suggestion alone ("Did you mean build?") does not say what was wrong.
    const message = /^Did you mean/.test(e.message)
      ? `unknown command "${argv[0]}": ${e.message.replace(/^D/, 'd')}`
      : e.message;
    process.stderr.write(`briefing: ${message}\nRun \`briefing --help\` for usage.\n`);
    return EXIT.usage;
  }
  return code;
}
