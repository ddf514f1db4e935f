#!/usr/bin/env node
import { fastAnswer } from './fast.js';

// `--help` and `--version` are answered before yargs and the commands load (fast.ts); the rest goes to main().
const args = process.argv.slice(2);
const fast = fastAnswer(args, process.env, process.stdout.isTTY ? process.stdout.columns : undefined);
if (fast !== undefined) process.stdout.write(fast);
else {
  const { main } = await import('./main.js');
  main(args).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // A bug, not a user mistake: say so plainly, with the stack for the report.
      process.stderr.write(`briefing: internal error (please report): ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
