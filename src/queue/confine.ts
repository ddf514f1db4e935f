import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { PACKAGE_ROOT } from '../build/paths.js';

/**
 * Where a queue worker may read and write. Anyone who can put a job on the queue chooses its paths, so a
 * worker builds only from packs, data and fonts under its read roots (and Briefing's own built-in packs and
 * fonts), and writes only under its output folder. All paths are real paths: `..` and symbolic links resolved.
 */
export interface WorkerRoots {
  read: readonly string[];
  outDir: string;
}

/** A root that does not exist or is not a folder: a usage error of `briefing worker`. */
export class RootError extends Error {}

function realFolder(dir: string, option: string): string {
  const abs = path.resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw new RootError(`${option}: ${dir} is not a folder`);
  return realpathSync(abs);
}

/** The worker's roots from `--root` (repeatable) and `--out-dir`; both default to the working folder. */
export function workerRoots(read: readonly string[] | undefined, outDir: string | undefined): WorkerRoots {
  const roots = (read?.length ? read : ['.']).map((r) => realFolder(r, '--root'));
  // Briefing's own packs and fonts are always readable: a job may name a built-in pack or the default fonts.
  for (const builtIn of [path.join(PACKAGE_ROOT, 'templates'), path.join(PACKAGE_ROOT, 'fonts')])
    if (existsSync(builtIn)) roots.push(realpathSync(builtIn));
  return { read: roots, outDir: realFolder(outDir ?? '.', '--out-dir') };
}

const within = (file: string, root: string) => file === root || file.startsWith(root + path.sep);

/**
 * The real path a file would have: the real path of its nearest existing ancestor, then the rest of its path
 * (which does not exist yet, so holds no link). Relative paths are refused by the caller.
 */
export function realPathOf(file: string): string {
  let dir = path.resolve(file);
  const rest: string[] = [];
  while (!existsSync(dir)) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    rest.unshift(path.basename(dir));
    dir = parent;
  }
  return path.join(realpathSync(dir), ...rest);
}

/** A path as a diagnostic shows it: escaped, and cut short when long (it came from a stranger's job). */
export function excerpt(value: unknown, max = 80): string {
  const s = typeof value === 'string' ? value : String(value);
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** The fields of a job that name files, and what the worker may do with each. */
export type PathField = readonly [field: string, value: unknown, use: 'read' | 'write' | 'output-folder'];

/**
 * Checks the paths of a job against the worker's roots: each must be an absolute path that resolves (after
 * `..` and links) inside a read root, or for output inside the output folder. Returns a diagnostic per field
 * that does not; the diagnostic names the field and the path, never anything read from it.
 */
export function confine(fields: readonly PathField[], roots: WorkerRoots): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [field, value, use] of fields) {
    const refuse = (why: string, hint: string) =>
      out.push(error('queue:outside-roots', `the job's ${field} ${excerpt(value)} ${why}`, { hint }));
    if (typeof value !== 'string' || value === '' || !path.isAbsolute(value) || value.includes('\0')) {
      refuse('is not an absolute path', 'enqueue jobs with `briefing enqueue`, which resolves every path');
      continue;
    }
    let real: string;
    try {
      real = realPathOf(value);
    } catch {
      refuse('cannot be resolved', 'check that the path exists on the worker');
      continue;
    }
    if (use === 'write' || use === 'output-folder') {
      if (!within(real, roots.outDir) || (use === 'write' && real === roots.outDir))
        refuse(
          'is outside the output folder of this worker',
          `this worker writes only under ${roots.outDir} (--out-dir); enqueue with the same --out-dir`,
        );
    } else if (!roots.read.some((r) => within(real, r)))
      refuse(
        'is outside the folders this worker reads',
        `this worker reads only under ${roots.read.join(', ')} (--root); start it with --root for the folder that holds the packs and data`,
      );
  }
  return out;
}
