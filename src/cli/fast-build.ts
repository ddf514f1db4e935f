import { parseArgs } from 'node:util';

/** The arguments `build`'s handler reads, as yargs gives them (defaults filled in). */
export interface BuildArgs {
  'template-dir': string;
  data: string;
  out?: string;
  fonts?: string;
  format: 'human' | 'json';
  verbose: boolean;
  strict: boolean;
  quiet: boolean;
  'pdf-standard'?: string;
  'max-pages': number;
  'time-limit': number;
  'memory-limit': number;
  'max-data-mb': number;
}

/** The arguments `check`'s handler reads: those of `build` but for the output's (`--out`, `--pdf-standard`, `-v`). */
export type CheckArgs = Omit<BuildArgs, 'out' | 'pdf-standard' | 'verbose'>;

const STRINGS = ['data', 'out', 'fonts', 'format', 'pdf-standard'] as const;
const NUMBERS = { 'max-pages': 1000, 'time-limit': 120, 'memory-limit': 4096, 'max-data-mb': 32 } as const;
const BOOLEANS = ['verbose', 'strict', 'quiet'] as const;
/** What `check` does not take of `build`'s options. */
const NOT_CHECK: ReadonlySet<string> = new Set(['out', 'pdf-standard', 'verbose']);

/**
 * The common `briefing build PACK --data FILE [options]` line read without yargs (whose loading and usage
 * building cost a tenth of a cold build): every option written once, in its documented spelling, with a value of
 * its type. Anything else — help, an unknown or repeated option, `--no-…`, a value yargs would coerce or refuse,
 * a missing argument — returns undefined and yargs reads the line, so every message stays yargs's own. A test
 * checks that both readings agree (test/cli-fast.test.ts).
 */
export function fastBuildArgs(argv: readonly string[]): BuildArgs | undefined {
  return argv[0] === 'build' ? fastArgs(argv, false) : undefined;
}

/** The common `briefing check PACK --data FILE [options]` line read without yargs, as fastBuildArgs. */
export function fastCheckArgs(argv: readonly string[]): CheckArgs | undefined {
  if (argv[0] !== 'check') return undefined;
  const args = fastArgs(argv, true);
  if (!args) return undefined;
  const check: Partial<BuildArgs> = { ...args };
  for (const k of NOT_CHECK) delete check[k as keyof BuildArgs];
  return check as CheckArgs;
}

function fastArgs(argv: readonly string[], check: boolean): BuildArgs | undefined {
  if (argv.includes('--')) return undefined;
  const options = {
    data: { type: 'string', short: 'd', multiple: true },
    out: { type: 'string', short: 'o', multiple: true },
    fonts: { type: 'string', multiple: true },
    format: { type: 'string', multiple: true },
    'pdf-standard': { type: 'string', multiple: true },
    'max-pages': { type: 'string', multiple: true },
    'time-limit': { type: 'string', multiple: true },
    'memory-limit': { type: 'string', multiple: true },
    'max-data-mb': { type: 'string', multiple: true },
    verbose: { type: 'boolean', short: 'v', multiple: true },
    strict: { type: 'boolean', multiple: true },
    quiet: { type: 'boolean', short: 'q', multiple: true },
  } as const;
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), strict: true, allowPositionals: true, options });
  } catch {
    return undefined;
  }
  const { values, positionals } = parsed;
  // An option `check` does not take is yargs's to refuse.
  if (check && Object.keys(values).some((k) => NOT_CHECK.has(k))) return undefined;
  if (positionals.length !== 1) return undefined;
  const one = (v: unknown[] | undefined) => (v === undefined || v.length === 1 ? v?.[0] : null);
  const str: Partial<Record<(typeof STRINGS)[number], string>> = {};
  for (const k of STRINGS) {
    const v = one(values[k]);
    // A value that looks like an option or a number is one yargs reads its own way.
    if (v === null || (typeof v === 'string' && (v === '' || v.startsWith('-')))) return undefined;
    if (typeof v === 'string') str[k] = v;
  }
  if (str.data === undefined || (str.format !== undefined && !['human', 'json'].includes(str.format)))
    return undefined;
  const nums = { ...NUMBERS } as Record<keyof typeof NUMBERS, number>;
  for (const k of Object.keys(NUMBERS) as (keyof typeof NUMBERS)[]) {
    const v = one(values[k]);
    if (v === null) return undefined;
    if (typeof v === 'string') {
      if (!/^\d+(\.\d+)?$/.test(v)) return undefined;
      nums[k] = Number(v);
    }
  }
  const flags = {} as Record<(typeof BOOLEANS)[number], boolean>;
  for (const k of BOOLEANS) {
    const v = one(values[k]);
    if (v === null) return undefined;
    flags[k] = v === true;
  }
  return {
    'template-dir': positionals[0]!,
    data: str.data,
    ...(str.out !== undefined ? { out: str.out } : {}),
    ...(str.fonts !== undefined ? { fonts: str.fonts } : {}),
    ...(str['pdf-standard'] !== undefined ? { 'pdf-standard': str['pdf-standard'] } : {}),
    format: (str.format ?? 'human') as 'human' | 'json',
    ...flags,
    ...nums,
  };
}
