import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
