import { command } from '../command.js';
import {
  FONTS_OPTION,
  fontsConfig,
  formatOption,
  manifestArg,
  months,
  periodOptions,
  queueOptions,
  STRICT_OPTION,
} from '../options.js';

/** `briefing worker`: builds jobs from a Redis queue until SIGINT/SIGTERM. */
export const workerCommand = command({
  command: 'worker',
  describe: 'take build jobs from a Redis queue (BullMQ) and build them, until SIGINT/SIGTERM',
  builder: (y) =>
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
  handler: async (args) => {
    const { runWorkerCli } = await import('../queue.js');
    return runWorkerCli({
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
});

/** `briefing enqueue`: a manifest's reports as jobs on a Redis queue. */
export const enqueueCommand = command({
  command: 'enqueue <manifest>',
  describe: "put a manifest's reports on a Redis queue as build jobs, once per set of inputs",
  builder: (y) =>
    periodOptions(queueOptions(manifestArg(y)))
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
        describe: 'attempts per job when a build process dies or times out (input errors are never retried)',
      })
      .option('fonts', FONTS_OPTION)
      .option('strict', STRICT_OPTION)
      .option('format', formatOption('output format'))
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
  handler: async (args) => {
    const { runEnqueueCli } = await import('../queue.js');
    return runEnqueueCli({
      redis: args.redis,
      queue: args.queue,
      manifest: args.manifest,
      outDir: args['out-dir'],
      wait: args.wait,
      force: args.force,
      attempts: args.attempts,
      strict: args.strict,
      format: args.format,
      ...months(args),
      ...fontsConfig(args.fonts),
    });
  },
});

/** `briefing schedule`: a repeatable build of a manifest (a BullMQ job scheduler), or its removal. */
export const scheduleCommand = command({
  command: 'schedule <manifest>',
  describe:
    'register a repeatable build of a manifest on a Redis queue (a BullMQ job scheduler), or remove it',
  builder: (y) => {
    const timed = queueOptions(manifestArg(y))
      .option('cron', { type: 'string', describe: "cron pattern, e.g. '0 6 2 * *' (06:00 on the 2nd)" })
      .option('tz', { type: 'string', describe: 'time zone of the pattern, e.g. Asia/Shanghai' });
    return periodOptions(timed, {
      period:
        'months each firing builds: previous (the month before the firing), current, manifest (its periods) or YYYY-MM [default: previous]',
      from: 'first month, YYYY-MM (instead of --period)',
    })
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
      .example(
        '$0 schedule data/monthly/batch.yaml --cron \'0 6 2 * *\' --tz Asia/Shanghai --redis "$R" --out-dir /srv/reports',
        "last month's reports, on the 2nd at 06:00",
      )
      .example('$0 schedule data/monthly/batch.yaml --remove --redis "$R" --out-dir /srv/reports', 'stop it')
      .epilogue('Exit codes:\n  0  registered or removed\n  2  usage error\n  3  Redis cannot be reached');
  },
  handler: async (args) => {
    const { runScheduleCli } = await import('../queue.js');
    return runScheduleCli({
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
      ...months(args),
      ...(args.name ? { name: args.name } : {}),
      ...fontsConfig(args.fonts),
    });
  },
});

/** `briefing jobs`: the state of a Redis queue. */
export const jobsCommand = command({
  command: 'jobs',
  describe:
    'show a Redis queue: counts, workers, schedules, and recent jobs with their state and first error',
  builder: (y) =>
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
  handler: async (args) => {
    const { runJobsCli } = await import('../queue.js');
    return runJobsCli({
      redis: args.redis,
      queue: args.queue,
      limit: args.limit,
      format: args.format,
      ...(args.state ? { state: args.state } : {}),
    });
  },
});
