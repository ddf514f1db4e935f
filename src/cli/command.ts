import type { ArgumentsCamelCase, Argv } from 'yargs';

/** Exit codes, documented in `briefing --help` and the README. */
export const EXIT = { built: 0, inputError: 1, usage: 2 } as const;

/** The exit codes of `build`, `check` and `init`, also printed under the top-level help. */
export const EPILOGUE = `Exit codes:
  0  built (or checked, or created): no errors
  1  the input is wrong: diagnostics were printed and no file was written
  2  usage error: unknown command or option, missing argument`;

/**
 * One `briefing` command: a yargs command module whose handler returns the exit code, so that `main()` can
 * return it instead of setting `process.exitCode`. Handlers import what they run (the pipeline, the queue…)
 * themselves, so `--help` and usage errors load yargs and these small modules only.
 */
export interface Command<U> {
  command: string;
  describe: string;
  builder: ((y: Argv) => Argv<U>) | ((y: Argv) => PromiseLike<Argv<U>>);
  handler: (args: ArgumentsCamelCase<U>) => Promise<number>;
}

/** Declares a command; the identity, there so TypeScript infers the handler's arguments from the builder. */
export function command<U>(c: Command<U>): Command<U> {
  return c;
}
