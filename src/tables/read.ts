import { constants, readdirSync, statSync } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Code } from '../diagnostics/codes.js';
import { nearest } from '../diagnostics/suggest.js';
import { escapePointerToken, type LoadedData } from '../data/load.js';
import type { TableRef } from './refs.js';

/**
 * Reading a table file on a stranger's say-so, bounded: inside the data's folder, a regular file, not too large;
 * its text in the declared or detected encoding; a workbook's zip checked before anything unpacks it.
 */

/** Limits on what a table may cost to read. */
export const TABLE_LIMITS = {
  /** Largest table file (CSV or XLSX), in bytes. */
  fileBytes: 16 * 1024 * 1024,
  /** Largest total size of an XLSX workbook's parts once unpacked, in bytes (a zip bomb is refused unread). */
  unpackedBytes: 64 * 1024 * 1024,
  /** Most rows in one table, the header included. */
  rows: 50_000,
};

const within = (file: string, root: string) => file === root || file.startsWith(root + path.sep);

/** A table file's real path and bytes, once it is known to be inside the allowed folders, regular and small. */
export async function readTableFile(
  ref: TableRef,
  data: LoadedData,
  roots: readonly string[] | undefined,
): Promise<{ file: string; bytes: Buffer } | Diagnostic> {
  const key = `$${ref.kind}`;
  const place = data.placeOf(`${ref.pointer}/${escapePointerToken(key)}`, { nearest: true });
  const fail = (code: Code, message: string, hint: string) =>
    error(code, message, { place, pointer: ref.pointer, hint });
  const dataDir = path.dirname(path.resolve(data.file));
  const shown = JSON.stringify(ref.path);
  if (path.isAbsolute(ref.path) || ref.path.includes('\0'))
    return fail(
      'data:table-outside',
      `table path ${shown} is not relative to the data file`,
      `write the path relative to the data file's folder (${dataDir}), and keep the table in it`,
    );
  const abs = path.resolve(dataDir, ref.path);
  let real: string;
  let realDir: string;
  try {
    realDir = await realpath(dataDir);
    real = await realpath(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (!within(abs, dataDir))
        return fail(
          'data:table-outside',
          `table path ${shown} leads outside the data file's folder`,
          `keep tables in ${dataDir} or a folder under it`,
        );
      const close = nearestFile(abs);
      return fail(
        'data:table-unreadable',
        `table file not found: ${ref.path}`,
        close
          ? `did you mean "${close}"? (paths are relative to the data file)`
          : `table paths are relative to the data file's folder (${dataDir})`,
      );
    }
    return fail(
      'data:table-unreadable',
      `cannot read table file ${ref.path} (${code})`,
      'check the file and its permissions',
    );
  }
  if (!within(real, realDir))
    return fail(
      'data:table-outside',
      `table path ${shown} leads outside the data file's folder${real === path.normalize(abs) ? '' : ' (through a symbolic link)'}`,
      `keep tables in ${dataDir} or a folder under it (a link may point only inside it)`,
    );
  if (roots && !roots.some((r) => within(real, r)))
    return fail(
      'data:table-outside',
      `table path ${shown} is outside the folders this worker reads`,
      `this worker reads only under ${roots.join(', ')} (--root)`,
    );
  // Opened without blocking and checked through the open descriptor: a FIFO or a device is refused unread, even
  // one put there after the checks above.
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return fail(
      'data:table-unreadable',
      `cannot read table file ${ref.path} (${(e as NodeJS.ErrnoException).code})`,
      'check the file and its permissions',
    );
  }
  try {
    const st = await handle.stat();
    if (!st.isFile())
      return fail(
        'data:table-unreadable',
        `table ${ref.path} is not a regular file (${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe' : 'a device or socket'})`,
        'a table must be a CSV or XLSX file',
      );
    if (st.size > TABLE_LIMITS.fileBytes)
      return fail(
        'data:table-too-large',
        `table file ${ref.path} is ${mb(st.size)}, over the ${mb(TABLE_LIMITS.fileBytes)} limit`,
        'a report table needs far less: export only the rows and columns the report shows',
      );
    const bytes = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const { bytesRead } = await handle.read(bytes, got, st.size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { file: real, bytes: bytes.subarray(0, got) };
  } finally {
    await handle.close();
  }
}

/** A size in megabytes, for messages. */
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 2 : 1)} MB`;

/** A file in the same folder whose name is close to a missing one's (did-you-mean). */
function nearestFile(abs: string): string | undefined {
  try {
    const dir = path.dirname(abs);
    if (!statSync(dir).isDirectory()) return undefined;
    return nearest(path.basename(abs), readdirSync(dir));
  } catch {
    return undefined;
  }
}

/**
 * The text of a CSV file: the declared encoding, or detected — a byte-order mark (UTF-8, UTF-16), UTF-8 when the
 * bytes are valid UTF-8, else GB18030 (a superset of GBK and GB2312, what Excel writes in Chinese locales).
 */
export function decode(
  bytes: Buffer,
  declared: string | undefined,
): { text: string; encoding: string; lossy: boolean } {
  const utf8 = (b: Buffer) => {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(b), encoding: 'UTF-8', lossy: false };
    } catch {
      return { text: new TextDecoder('utf-8').decode(b), encoding: 'UTF-8', lossy: true };
    }
  };
  const other = (b: Buffer, enc: string, name: string) => {
    const text = iconv.decode(b, enc);
    return { text, encoding: name, lossy: text.includes('\ufffd') };
  };
  let out;
  if (declared !== undefined) {
    const canonical = declared.toLowerCase().replace(/[^a-z0-9]/g, '');
    out = canonical === 'utf8' ? utf8(bytes) : other(bytes, declared, declared.toUpperCase());
  } else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) out = utf8(bytes);
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) out = other(bytes, 'utf-16le', 'UTF-16LE');
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) out = other(bytes, 'utf-16be', 'UTF-16BE');
  else {
    out = utf8(bytes);
    if (out.lossy) out = other(bytes, 'gb18030', 'GB18030');
  }
  if (out.text.charCodeAt(0) === 0xfeff) out.text = out.text.slice(1);
  return out;
}

/** The diagnostic for a table with more rows than TABLE_LIMITS.rows, at its reference. */
export function tooManyRows(file: string, ref: TableRef, data: LoadedData): Diagnostic {
  return error(
    'data:table-too-large',
    `table ${path.basename(file)} has more than ${TABLE_LIMITS.rows} rows`,
    {
      place: data.placeOf(ref.pointer, { nearest: true }),
      pointer: ref.pointer,
      hint: 'a report table needs far fewer: export only the rows the report shows (or give a range)',
    },
  );
}

/**
 * Checks a workbook's zip structure before anything unpacks it: every part's declared size, their total against
 * the limit, and that each part really inflates to no more than it declares (zlib stops at the declared size).
 * A workbook is a few hundred kilobytes of XML; a zip bomb never reaches the XLSX reader.
 */
export function checkZip(bytes: Buffer): string | undefined {
  const min = Math.max(0, bytes.length - 65557);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= min; i--)
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) return 'it is not a zip archive, as an XLSX workbook is';
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50)
      return 'its zip directory is damaged';
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    if (size === 0xffffffff || compressed === 0xffffffff)
      return 'it is a ZIP64 archive, far larger than a table';
    total += size;
    if (total > TABLE_LIMITS.unpackedBytes)
      return `it unpacks to more than ${mb(TABLE_LIMITS.unpackedBytes)} (the limit)`;
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50)
      return 'its zip entries are damaged';
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const body = bytes.subarray(start, start + compressed);
    if (method === 8) {
      try {
        inflateRawSync(body, { maxOutputLength: Math.max(size, 1) });
      } catch {
        return 'a part of it does not unpack to the size it declares';
      }
    } else if (method !== 0) return `it uses an unsupported zip compression (method ${method})`;
    at += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
}
