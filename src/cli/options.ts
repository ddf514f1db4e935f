import path from 'node:path';
import type { Argv } from 'yargs';

/** `--fonts`: a font configuration instead of Briefing's own. */
export const FONTS_OPTION = {
  type: 'string',
  describe: "font configuration [default: Briefing's fonts/fonts.yaml]",
} as const;

/** `--strict`, for the commands that say no more than that about it. */
export const STRICT_OPTION = {
  type: 'boolean',
  default: false,
  describe: 'treat warnings as errors',
} as const;

/** `--format human|json`, described for what the command prints. */
export function formatOption(describe: string) {
  return { choices: ['human', 'json'] as const, default: 'human' as const, describe };
}

/** How the limit options are described: stopping one build, or failing one report of many. */
export interface LimitWords {
  pages: string;
  seconds: string;
  memory: string;
  /** The default memory limit (MB). */
  memoryMb: number;
}

const ONE_BUILD: LimitWords = {
  pages: 'stop with an error past this many pages',
  seconds: 'stop with an error after this many seconds',
  memory: 'stop with an error when the build uses more memory (MB)',
  memoryMb: 4096,
};

/** `--max-pages`, `--time-limit`, `--memory-limit` and `--max-data-mb`. */
export function limitOptions<T>(y: Argv<T>, words: LimitWords = ONE_BUILD) {
  return y
    .option('max-pages', { type: 'number', default: 1000, describe: words.pages })
    .option('time-limit', { type: 'number', default: 120, describe: words.seconds })
    .option('memory-limit', { type: 'number', default: words.memoryMb, describe: words.memory })
    .option('max-data-mb', {
      type: 'number',
      default: 32,
      describe: 'refuse a data file larger than this (MB)',
    });
}

/** The options `build`, `check` and `preview` share: the pack, the data, the fonts, the limits. */
export function inputs<T>(y: Argv<T>) {
  const read = y
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
    .option('fonts', FONTS_OPTION);
  return limitOptions(read);
}

/** The `<manifest>` of `batch`, `enqueue` and `schedule`. */
export function manifestArg<T>(y: Argv<T>) {
  return y.positional('manifest', { type: 'string', demandOption: true, describe: 'batch manifest (YAML)' });
}

/** How `--period` and `--from` are described: `schedule` says more than `batch` and `enqueue`. */
export interface PeriodWords {
  period: string;
  from: string;
}

const MONTHS: PeriodWords = { period: 'one month, YYYY-MM', from: 'first month, YYYY-MM' };

/** `--period`, or `--from` and `--to`: the months of a manifest to build. */
export function periodOptions<T>(y: Argv<T>, words: PeriodWords = MONTHS) {
  return y
    .option('period', { type: 'string', describe: words.period })
    .option('from', { type: 'string', describe: words.from })
    .option('to', { type: 'string', describe: 'last month, YYYY-MM' })
    .conflicts('period', ['from', 'to']);
}

/** `--redis` and `--queue`: where the queue commands find their queue. */
export function queueOptions<T>(y: Argv<T>) {
  return y
    .option('redis', {
      type: 'string',
      // Read when the command is parsed, not when this module loads.
      default: process.env.BRIEFING_REDIS_URL,
      defaultDescription: '$BRIEFING_REDIS_URL',
      describe: 'Redis URL, redis://[:password@]host:port[/db] or rediss:// (TLS)',
    })
    .option('queue', { type: 'string', default: 'briefing', describe: 'queue name' });
}

/** `--fonts` as builds take it: an absolute path, or nothing for Briefing's own fonts. */
export function fontsConfig(fonts: string | undefined): { fontsConfig?: string } {
  return fonts ? { fontsConfig: path.resolve(fonts) } : {};
}

/** The limit options as builds take them. */
export function limits(args: {
  'max-pages': number;
  'time-limit': number;
  'memory-limit': number;
  'max-data-mb': number;
}) {
  return {
    maxPages: args['max-pages'],
    timeLimitMs: args['time-limit'] * 1000,
    maxMemoryMb: args['memory-limit'],
    maxDataMb: args['max-data-mb'],
  };
}

/** `--period`, `--from` and `--to`, leaving out those not given. */
export function months(args: {
  period?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): {
  period?: string;
  from?: string;
  to?: string;
} {
  return {
    ...(args.period ? { period: args.period } : {}),
    ...(args.from ? { from: args.from } : {}),
    ...(args.to ? { to: args.to } : {}),
  };
}
