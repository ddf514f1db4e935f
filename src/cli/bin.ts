#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { main } from './main.js';

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // A bug, not a user mistake: say so plainly, with the stack for the report.
    process.stderr.write(`briefing: internal error (please report): ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
