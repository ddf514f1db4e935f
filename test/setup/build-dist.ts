import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Global setup of the e2e project: compiles src/ to dist/ before any e2e test runs, because those tests run
 * dist/ (the CLI, the batch pool's workers). Compiling rather than checking dist/ for staleness: modification
 * times lie after a checkout or a stash, and dist/ records no hash of the src/ it came from; tsc takes about
 * 10 s against minutes of e2e tests, and a type error in src/ stops the run here, with tsc's message.
 */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(
      `e2e tests run dist/, and compiling it from src/ failed (tsc -p tsconfig.json):\n${String(stdout ?? '')}${String(stderr ?? '')}`,
    );
  }
}
