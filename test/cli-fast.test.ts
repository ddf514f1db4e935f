import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { buildCommand, checkCommand } from '../src/cli/commands/build.js';
import { fastBuildArgs, fastCheckArgs, type BuildArgs } from '../src/cli/fast-build.js';
import { fastAnswer, yargsLocale } from '../src/cli/fast.js';
import { renderHelp } from '../src/cli/help-render.js';
import { HELP_TEXT, HELP_WIDTH } from '../src/cli/help-text.js';

describe('--help and --version without yargs', () => {
  it('keeps exactly the help yargs prints (else: npm run build && node scripts/help-text.mjs)', async () => {
    expect(HELP_TEXT).toBe(await renderHelp());
    expect(HELP_TEXT).toContain('briefing build <template-dir>');
  });

  it('answers only the plain top-level forms, in English, on a wide enough terminal', () => {
    const en = { LANG: 'en_US.UTF-8' };
    expect(fastAnswer(['--help'], en, undefined)).toBe(HELP_TEXT);
    expect(fastAnswer(['-h'], {}, HELP_WIDTH)).toBe(HELP_TEXT);
    expect(fastAnswer(['--help'], { LC_ALL: 'C' }, 200)).toBe(HELP_TEXT);
    // yargs would wrap narrower, or print its Chinese messages: it answers those itself.
    expect(fastAnswer(['--help'], en, 80)).toBeUndefined();
    expect(fastAnswer(['--help'], { LANG: 'zh_CN.UTF-8' }, undefined)).toBeUndefined();
    expect(fastAnswer(['--help'], { LC_ALL: 'de_DE', LANG: 'en_US' }, undefined)).toBeUndefined();
    expect(fastAnswer(['build', '--help'], en, undefined)).toBeUndefined();
    expect(fastAnswer(['--help', '--quiet'], en, undefined)).toBeUndefined();
    expect(fastAnswer([], en, undefined)).toBeUndefined();
  });

  it('prints the package version, and guesses the locale the way yargs does', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(fastAnswer(['--version'], {}, undefined)).toBe(`${pkg.version}\n`);
    expect(yargsLocale({ LANG: 'zh_CN.UTF-8', LANGUAGE: 'en' })).toBe('zh_CN');
    expect(yargsLocale({ LC_MESSAGES: 'fr_FR.UTF-8', LANG: 'en_US' })).toBe('fr_FR');
    expect(yargsLocale({})).toBe('en_US');
  });
});

/** What yargs gives `build`'s (or `check`'s) handler for a command line (undefined when it refuses the line). */
async function viaYargs(argv: string[]): Promise<Record<string, unknown> | undefined> {
  let got: Record<string, unknown> | undefined;
  const handler = (a: unknown) => void (got = a as Record<string, unknown>);
  await yargs(argv)
    .command({ ...buildCommand, handler })
    .command({ ...checkCommand, handler })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, global: true })
    .strict()
    .exitProcess(false)
    .fail(() => undefined)
    .parseAsync();
  return got;
}

/** What both handlers read; `check` reads all but build's output options. */
const KEYS: (keyof BuildArgs)[] = [
  'template-dir',
  'data',
  'out',
  'fonts',
  'format',
  'verbose',
  'strict',
  'quiet',
  'pdf-standard',
  'max-pages',
  'time-limit',
  'memory-limit',
  'max-data-mb',
];
const OUTPUT_KEYS: readonly string[] = ['out', 'pdf-standard', 'verbose'];

/** The fast reading of a line (defined) gives each of `keys` what yargs gives the handler. */
async function readsAsYargs(fast: object | undefined, argv: string[], keys: readonly (keyof BuildArgs)[]) {
  const slow = await viaYargs(argv);
  expect(fast).toBeDefined();
  expect(slow).toBeDefined();
  for (const k of keys) expect([k, (fast as Partial<BuildArgs>)[k]]).toEqual([k, slow![k]]);
}

describe('the build line without yargs', () => {
  it.each([
    ['build', 'templates/annual-briefing', '--data', 'data/x.yaml'],
    ['build', 'pack', '-d', 'x.json', '-o', 'out/a.pdf', '-v', '-q'],
    ['build', '--data=x.yaml', 'pack', '--out', 'o.pdf', '--format', 'json', '--strict'],
    ['build', 'pack', '-d', 'x.yaml', '--max-pages', '3', '--time-limit', '2.5', '--memory-limit', '300'],
    [
      'build',
      'pack',
      '-d',
      'x.yaml',
      '--max-data-mb=1',
      '--pdf-standard',
      'none',
      '--fonts',
      'f.yaml',
      '-vq',
    ],
  ])('reads %j as yargs does', async (...argv) => {
    await readsAsYargs(fastBuildArgs(argv), argv, KEYS);
  });

  it.each([
    ['build', 'pack'],
    ['build', 'pack', '-d', 'a.yaml', '-d', 'b.yaml'],
    ['build', 'pack', '-d', 'a.yaml', '--max-pages', 'abc'],
    ['build', 'pack', '-d', 'a.yaml', '--max-pages', '-1'],
    ['build', 'pack', '-d', 'a.yaml', '--no-strict'],
    ['build', 'pack', '-d', 'a.yaml', '--maxPages', '3'],
    ['build', 'pack', '-d', 'a.yaml', '--format', 'xml'],
    ['build', 'pack', '-d', 'a.yaml', '--help'],
    ['build', 'pack', 'other', '-d', 'a.yaml'],
    ['build', 'pack', '-d', 'a.yaml', '--', 'x'],
    ['check', 'pack', '-d', 'a.yaml'],
  ])('leaves %j to yargs', (...argv) => {
    expect(fastBuildArgs(argv)).toBeUndefined();
  });
});

describe('the check line without yargs', () => {
  it.each([
    ['check', 'templates/annual-briefing', '--data', 'data/x.yaml'],
    ['check', 'pack', '-d', 'x.json', '-q', '--format', 'json', '--strict'],
    ['check', '--data=x.yaml', 'pack', '--fonts', 'f.yaml', '--max-pages', '3', '--time-limit', '2.5'],
  ])('reads %j as yargs does', async (...argv) => {
    const fast = fastCheckArgs(argv);
    await readsAsYargs(
      fast,
      argv,
      KEYS.filter((k) => !OUTPUT_KEYS.includes(k)),
    );
    expect(Object.keys(fast!).filter((k) => OUTPUT_KEYS.includes(k))).toEqual([]);
  });

  it.each([
    ['check', 'pack', '-d', 'a.yaml', '--out', 'x.pdf'],
    ['check', 'pack', '-d', 'a.yaml', '-v'],
    ['check', 'pack', '-d', 'a.yaml', '--pdf-standard', 'none'],
    ['check', 'pack'],
    ['check', 'pack', '-d', 'a.yaml', '--help'],
    ['build', 'pack', '-d', 'a.yaml'],
  ])('leaves %j to yargs', (...argv) => {
    expect(fastCheckArgs(argv)).toBeUndefined();
  });
});
