import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Global setup of the e2e project: compiles src/ to dist/ and bundles the `build` command, as `npm run build`
 * does, before any e2e test runs, because those tests run dist/ (the CLI and its bundle, the batch pool's workers).
 * Compiling rather than checking dist/ for staleness: modification times lie after a checkout or a stash, and
 * dist/ records no hash of the src/ it came from; tsc takes about 10 s against minutes of e2e tests, and a type
 * error in src/ stops the run here, with tsc's message.
 */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const steps = [
    { name: 'tsc -p tsconfig.json', args: [tsc, '-p', 'tsconfig.json'] },
    { name: 'node scripts/bundle.mjs', args: ['scripts/bundle.mjs'] },
  ];
  for (const { name, args } of steps) {
    try {
      execFileSync(process.execPath, args, { cwd: root, stdio: 'pipe' });
    } catch (e) {
      const { stdout, stderr } = e as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(
        `e2e tests run dist/, and making it from src/ failed (${name}):\n${String(stdout ?? '')}${String(stderr ?? '')}`,
      );
    }
  }
}
