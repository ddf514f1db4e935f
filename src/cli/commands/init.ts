import path from 'node:path';
import { PACKAGE_ROOT } from '../../build/paths.js';
import { formatDiagnostic } from '../../diagnostics/format.js';
import { command, EPILOGUE, EXIT } from '../command.js';

/** `briefing init`: a new pack, copied from a built-in one. */
export const initCommand = command({
  command: 'init <dir>',
  describe: 'create a new template pack, copied from a built-in one, with sample data that builds at once',
  // Async so that the pack list (and the YAML parser it needs) loads only for `init`.
  builder: async (y) => {
    const { builtInPacks } = await import('../init.js');
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
  handler: async (args) => {
    const { initPack } = await import('../init.js');
    const r = initPack(args.dir, args.from);
    for (const d of r.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    if (r.ok) {
      const rel = (p: string) => path.relative(process.cwd(), p) || '.';
      // The installed reference: docs/templates.md in this repository, the package's own copy elsewhere.
      const docs = path.join(PACKAGE_ROOT, 'docs', 'templates.md');
      const shown = rel(docs).startsWith('..') ? docs : rel(docs);
      process.stdout.write(
        `created ${rel(r.dir)} from ${args.from}\n` +
          `  build it:    briefing build ${rel(r.dir)} --data ${rel(r.sample)}\n` +
          `  preview it:  briefing preview ${rel(r.dir)} --data ${rel(r.sample)}\n` +
          `  reference:   ${shown}\n`,
      );
    }
    return r.ok ? EXIT.built : EXIT.inputError;
  },
});
