import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * Writes a file atomically: a temporary file in the same folder, flushed to disk, then renamed over the
 * target. A failure leaves the previous file (if any) untouched and no temporary file behind. The folder is made
 * when it is missing.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await removeStaleTemporaries(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // The folder is made only when the file cannot be created (a batch writes thousands of files into a few
    // folders: a `mkdir` each was a system call for nothing).
    const fh = await open(tmp, 'wx').catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
      await mkdir(dir, { recursive: true });
      return open(tmp, 'wx');
    });
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Per folder, the stale temporary files this process found there on its first write into it, by the name of
 * the file they were for. A folder is read once per process: read at every write, a batch of n reports into one
 * folder read it n times (thousands of names each time), in each worker and in the batch process.
 */
const staleByFolder = new Map<string, Map<string, string[]>>();
/** Folders remembered at most; past it the oldest is forgotten (read again if written again). */
const FOLDERS_KEPT = 256;

/**
 * Removes the temporary files an earlier write of `file` left when its process was killed (SIGKILL, a machine
 * going down): `.<name>.<pid>.<hex>.tmp` whose process no longer runs on this machine. A write in progress in a
 * live process keeps its file. The folder is looked at on this process's first write into it; a batch removes
 * what its own workers leave when it loses one (`src/batch/run.ts`).
 */
export async function removeStaleTemporaries(file: string): Promise<void> {
  const dir = path.dirname(file);
  let stale = staleByFolder.get(dir);
  if (!stale) {
    stale = await staleTemporaries(dir);
    if (staleByFolder.size >= FOLDERS_KEPT) staleByFolder.delete(staleByFolder.keys().next().value!);
    staleByFolder.set(dir, stale);
  }
  const name = path.basename(file);
  const names = stale.get(name);
  if (!names) return;
  stale.delete(name);
  for (const n of names) await rm(path.join(dir, n), { force: true }).catch(() => undefined);
}

/** A folder's temporary files left by processes no longer running, by the name of the file each was for. */
async function staleTemporaries(dir: string): Promise<Map<string, string[]>> {
  const stale = new Map<string, string[]>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return stale; // no folder yet: nothing left behind
  }
  for (const name of names) {
    const m = /^\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    stale.set(m[1]!, [...(stale.get(m[1]!) ?? []), name]);
  }
  return stale;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: a process of another user has that pid.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Output failures that may pass by themselves (space freed, a network share back): worth retrying in a queue. */
export const TRANSIENT_OUTPUT_CODES: ReadonlySet<string> = new Set(['output:disk-full', 'output:io']);

/**
 * A failure to write the output, as a diagnostic that names the path, the reason and a fix; undefined for an
 * error that is not the file system's (a bug).
 */
export function outputDiagnostic(file: string, e: unknown): Diagnostic | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const place = { file };
  switch (code) {
    case 'EISDIR':
      return error('output:is-directory', 'the output path is a folder, not a file', {
        place,
        hint: `name the PDF inside it, e.g. --out ${path.join(path.relative(process.cwd(), file) || '.', 'report.pdf')}`,
      });
    case 'ENOTDIR':
    case 'EEXIST':
      return error('output:not-a-folder', 'a part of the output path is a file, not a folder', {
        place,
        hint: 'choose an output path whose folders are folders (or remove the file in the way)',
      });
    case 'EACCES':
    case 'EPERM':
      return error('output:permission', 'no permission to write the output here', {
        place,
        hint: 'choose a folder you may write to, or change its permissions',
      });
    case 'EROFS':
      return error('output:read-only', 'the output folder is on a read-only file system', {
        place,
        hint: 'choose an output path on a writable disk',
      });
    case 'ENOSPC':
    case 'EDQUOT':
      return error('output:disk-full', 'no space left on the disk (or over the quota) for the output', {
        place,
        hint: 'free some space, or write elsewhere; nothing was written and any earlier file is untouched',
      });
    case 'ENAMETOOLONG':
      return error('output:name', 'the output path is too long', { place, hint: 'choose a shorter path' });
    default:
      if (!/^E[A-Z]+$/.test(code)) return undefined;
      return error('output:io', `cannot write the output (${code})`, {
        place,
        hint: 'check the disk or network share the output goes to; nothing was written and any earlier file is untouched',
      });
  }
}
