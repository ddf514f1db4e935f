import { command } from '../command.js';
import {
  FONTS_OPTION,
  fontsConfig,
  formatOption,
  limitOptions,
  limits,
  manifestArg,
  months,
  periodOptions,
  STRICT_OPTION,
} from '../options.js';

/** `briefing batch`: every report of a manifest, in parallel worker processes. */
export const batchCommand = command({
  command: 'batch <manifest>',
  describe: 'build many reports from a manifest, in parallel; unchanged reports are skipped',
  builder: (y) => {
    const chosen = periodOptions(manifestArg(y))
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
      .option('strict', STRICT_OPTION);
    return limitOptions(chosen, {
      pages: 'a report past this many pages fails',
      seconds: 'a report taking longer (seconds) is stopped and fails',
      memory: 'memory limit of each worker (MB): a report that needs more fails',
      memoryMb: 2048,
    })
      .option('format', formatOption('summary format'))
      .example('$0 batch data/monthly/batch.yaml', 'every report the manifest lists')
      .example('$0 batch data/monthly/batch.yaml --period 2025-03 --out-dir /srv/reports', 'one month')
      .example('$0 batch data/monthly/batch.yaml --format json', 'a JSON summary for machines')
      .epilogue(
        'Exit codes:\n  0  every report built or up to date\n  1  a report failed, or the manifest is wrong\n  2  usage error\n  130  interrupted (SIGINT/SIGTERM): reports in progress were finished, the next run does the rest',
      );
  },
  handler: async (args) => {
    const { runBatchCli } = await import('../batch.js');
    return runBatchCli({
      manifest: args.manifest,
      outDir: args['out-dir'],
      force: args.force,
      strict: args.strict,
      format: args.format,
      ...limits(args),
      memoryMb: args['memory-limit'],
      ...months(args),
      ...(args.jobs ? { jobs: args.jobs } : {}),
      ...fontsConfig(args.fonts),
    });
  },
});
