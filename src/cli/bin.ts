#!/usr/bin/env node
import v8 from 'node:v8';
import { fastAnswer } from './fast.js';
import { fastBuildArgs, fastCheckArgs } from './fast-build.js';
import { installCodeCache } from '../build/code-cache.js';
import { BUNDLE_DIR, bundled } from '../build/bundle.js';
import { cacheDirFor } from '../build/cache-dir.js';
import { WARM_UP_V8_FLAGS } from '../build/v8-flags.js';

/**
 * `--help` and `--version` are answered before yargs and the commands load (fast.ts), and the common `build` and
 * `check` lines go straight to their handlers (fast-build.ts); everything else goes through yargs in main().
 */
async function run(args: string[]): Promise<number> {
  // Set before the pipeline loads; the code cache is made and used under the same flags.
  if (args[0] === 'build' || args[0] === 'check' || args[0] === 'batch')
    for (const flag of WARM_UP_V8_FLAGS) v8.setFlagsFromString(flag);
  if (args[0] === 'build' || args[0] === 'check') installCodeCache(cacheDirFor(), BUNDLE_DIR);
  const build = fastBuildArgs(args);
  const check = build ? undefined : fastCheckArgs(args);
  if (build || check) {
    // The bundled commands when `npm run build` made them from today's dist/ (build/bundle.ts).
    const { buildCommand, checkCommand } =
      bundled<typeof import('./commands/build.js')>('build') ?? (await import('./commands/build.js'));
    if (build) return buildCommand.handler(build as unknown as Parameters<typeof buildCommand.handler>[0]);
    return checkCommand.handler(check as unknown as Parameters<typeof checkCommand.handler>[0]);
  }
  const { main } = await import('./main.js');
  return main(args);
}

const args = process.argv.slice(2);
const fast = fastAnswer(args, process.env, process.stdout.isTTY ? process.stdout.columns : undefined);
if (fast !== undefined) process.stdout.write(fast);
else
  run(args).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // A bug, not a user mistake: say so plainly, with the stack for the report.
      process.stderr.write(`briefing: internal error (please report): ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
