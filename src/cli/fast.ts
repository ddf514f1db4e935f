import { readFileSync } from 'node:fs';
import { HELP_TEXT, HELP_WIDTH } from './help-text.js';

/**
 * The locale yargs would print its help in (its own guess, `guessLocale`): the first of LC_ALL, LC_MESSAGES, LANG
 * and LANGUAGE that is set, without its encoding.
 */
export function yargsLocale(env: NodeJS.ProcessEnv): string {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || env.LANGUAGE || 'en_US';
  return locale.replace(/[.:].*/, '');
}

/**
 * What `briefing --help` and `briefing --version` print, answered without loading yargs (which costs more than
 * node's own start-up): the help is yargs's own text, kept in help-text.ts and checked against yargs by a test.
 * Only the plain top-level forms are answered here, and only where yargs would print that very text: English
 * messages, and a terminal at least as wide as the text was wrapped for. Anything else returns undefined, and
 * yargs answers.
 */
export function fastAnswer(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  columns: number | undefined,
): string | undefined {
  if (argv.length !== 1) return undefined;
  const [arg] = argv;
  if (arg === '--version') {
    const url = new URL('../../package.json', import.meta.url);
    return `${(JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version}\n`;
  }
  if (arg !== '--help' && arg !== '-h') return undefined;
  if (!/^(en|C|POSIX)(_|@|$)/.test(yargsLocale(env))) return undefined;
  if (columns !== undefined && columns < HELP_WIDTH) return undefined;
  return HELP_TEXT;
}
