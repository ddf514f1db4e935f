import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/** The repository, and the compiled CLI the e2e tests run (built from src/ by test/setup/build-dist.ts). */
export const root = path.resolve(import.meta.dirname, '..', '..');
export const cli = path.join(root, 'dist/cli/bin.js');

const run = promisify(execFile);

/** Runs `briefing ARGS` in `cwd`; its exit code and output, whether it succeeded or not. */
export async function briefingIn(
  cwd: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
