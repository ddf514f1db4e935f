import { command, EXIT } from '../command.js';
import { formatOption } from '../options.js';

/** `briefing cache`: where the disk cache is, what it holds; prunes or clears it. */
export const cacheCommand = command({
  command: 'cache',
  describe: 'show the disk cache folder and what it holds; prune it to its size limit, or clear it',
  builder: (y) =>
    y
      .option('prune', {
        type: 'boolean',
        describe: 'remove the least recently used files until the cache is within its limit',
      })
      .option('clear', {
        type: 'boolean',
        describe: 'remove everything Briefing keeps there (it is made again as builds need it)',
      })
      .conflicts('prune', 'clear')
      .option('format', formatOption('output format'))
      .example('$0 cache', 'the folder, its size by part, the limit, when it was last pruned')
      .example('BRIEFING_CACHE_MAX_MB=200 $0 cache --prune', 'prune to 200 MB now')
      .epilogue(
        'The folder is BRIEFING_CACHE_DIR, else $XDG_CACHE_HOME/briefing or ~/.cache/briefing. Builds prune it by\n' +
          'themselves once a day to BRIEFING_CACHE_MAX_MB (default 512; off: never).\n\n' +
          'Exit codes:\n  0  done\n  1  the disk cache is off (BRIEFING_CACHE_DIR=off)\n  2  usage error',
      ),
  handler: async (args) => {
    const { cacheDirFor } = await import('../../build/cache-dir.js');
    const { cacheLimit, cacheUsage, clearCache, pruneCache } = await import('../../build/cache-prune.js');
    const { cacheReport } = await import('../cache.js');
    const dir = cacheDirFor();
    const { limit, problem } = cacheLimit();
    if (problem) process.stderr.write(`briefing: ${problem}\n`);
    if (!dir) {
      process.stderr.write(
        'briefing: the disk cache is off (BRIEFING_CACHE_DIR); there is nothing to show\n',
      );
      return EXIT.inputError;
    }
    const done = args.clear ? clearCache(dir) : args.prune ? pruneCache(dir, limit) : undefined;
    process.stdout.write(cacheReport(cacheUsage(dir), limit, done, args.clear === true, args.format));
    return EXIT.built;
  },
});
