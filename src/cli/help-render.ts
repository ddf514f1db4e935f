import { main } from './main.js';

/**
 * yargs's own `briefing --help` text, as main() prints it on a terminal 110 columns wide or more, in English: for
 * scripts/help-text.mjs, which keeps it for the fast path (fast.ts), and for the test that checks the kept copy.
 */
export async function renderHelp(): Promise<string> {
  const saved = { log: console.log, columns: process.stdout.columns };
  const env = ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE'].map((k) => [k, process.env[k]] as const);
  let out = '';
  console.log = (...args: unknown[]) => {
    out += `${args.join(' ')}\n`;
  };
  Object.defineProperty(process.stdout, 'columns', { value: undefined, configurable: true, writable: true });
  for (const [k] of env) delete process.env[k];
  try {
    await main(['--help']);
  } finally {
    console.log = saved.log;
    Object.defineProperty(process.stdout, 'columns', {
      value: saved.columns,
      configurable: true,
      writable: true,
    });
    for (const [k, v] of env) if (v !== undefined) process.env[k] = v;
  }
  return out;
}
