import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** The largest data file a build reads by default: far above any real report's data, far below a runaway one. */
export const DEFAULT_MAX_DATA_MB = 32;

/** Why a file was not read. */
export type ReadProblem =
  | { kind: 'missing' }
  | { kind: 'unreadable'; code: string }
  | { kind: 'not-a-file'; what: string }
  | { kind: 'too-large'; size?: number; maxBytes: number };

/**
 * Reads a whole file, but only a regular file of at most `maxBytes`: a FIFO, a device such as /dev/zero, a
 * folder or a file past the limit is refused before any byte is read (a FIFO is opened without blocking, and the
 * check is made on the open file, so a path swapped after the check cannot slip through).
 */
export function readBounded(file: string, maxBytes: number): { bytes: Buffer } | { problem: ReadProblem } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'EISDIR') return { problem: { kind: 'not-a-file', what: 'a folder' } };
    return { problem: code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable', code } };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: { kind: 'not-a-file', what: kindOf(st) } };
    if (st.size > maxBytes) return { problem: { kind: 'too-large', size: st.size, maxBytes } };
    // Read to the end, not to the size first seen: a file still growing is cut at the limit and refused.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) return { problem: { kind: 'too-large', maxBytes } };
    }
    return { bytes: Buffer.concat(chunks, total) };
  } catch (e) {
    return { problem: { kind: 'unreadable', code: (e as NodeJS.ErrnoException).code ?? 'EIO' } };
  } finally {
    closeSync(fd);
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A read problem in words, for a diagnostic's message. */
export function describeReadProblem(p: ReadProblem, what = 'data file'): string {
  switch (p.kind) {
    case 'missing':
      return `${what} not found`;
    case 'unreadable':
      return `cannot read ${what} (${p.code})`;
    case 'not-a-file':
      return `the ${what} is ${p.what}, not a regular file`;
    case 'too-large':
      return `the ${what} is larger than ${+(p.maxBytes / 2 ** 20).toFixed(2)} MB${p.size !== undefined ? ` (${(p.size / 2 ** 20).toFixed(1)} MB)` : ''}`;
  }
}
