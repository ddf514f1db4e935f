import { DEFAULT_MAX_DATA_MB, describeReadProblem, readBounded } from './read.js';
import { error } from '../diagnostics/diagnostic.js';
import { indexPointers, parseDataText, type LoadedData, type LoadResult } from './load.js';

/**
 * Reads a YAML or JSON data file; syntax errors come back as diagnostics with `file:line:col`. Only a regular
 * file of at most `maxMb` megabytes is read (see readBounded).
 */
export function loadDataFile(file: string, maxMb: number = DEFAULT_MAX_DATA_MB): Promise<LoadResult> {
  const read = readBounded(file, maxMb * 2 ** 20);
  if ('problem' in read)
    return Promise.resolve({
      ok: false,
      diagnostics: [
        error(
          read.problem.kind === 'too-large' ? 'limit:data-size' : 'data:unreadable',
          describeReadProblem(read.problem),
          {
            place: { file },
            hint:
              read.problem.kind === 'too-large'
                ? 'check that this is the right file, or raise the limit (--max-data-mb)'
                : 'check the path given to --data: it must name a YAML or JSON file',
          },
        ),
      ],
    });
  return Promise.resolve(parseKept(file, read.bytes));
}

/**
 * Data files this process parsed, by path, with their bytes: the preview after a template or theme edit, the
 * library API and the benchmark's warm builds read the same data again, and parsing it was a tenth of a warm build
 * (3 ms for the sample, against 0.1 ms to copy the value). Each build gets a copy of its own (tables/resolve.ts
 * writes table rows into the value), with its own pointer index; positions are shared (read only). A few files,
 * and only small ones, are kept: a batch worker's data is new each time.
 */
const kept = new Map<string, { bytes: Buffer; data: LoadedData }>();
const KEPT_FILES = 4;
const KEPT_MAX_BYTES = 512 * 1024;
/** Data files parsed, and taken as kept (tests). */
const parses = { parsed: 0, kept: 0 };

function parseKept(file: string, bytes: Buffer): LoadResult {
  const hit = kept.get(file);
  if (hit?.bytes.equals(bytes)) {
    kept.delete(file);
    kept.set(file, hit);
    parses.kept++;
    return { ok: true, data: copyOf(hit.data) };
  }
  parses.parsed++;
  const result = parseDataText(file, bytes);
  if (!result.ok || bytes.length > KEPT_MAX_BYTES) return result;
  let pristine: LoadedData;
  try {
    pristine = { ...result.data, value: structuredClone(result.data.value), pointers: new WeakMap() };
  } catch {
    return result; // a value that cannot be copied (none that YAML or JSON gives) is not kept
  }
  kept.delete(file);
  kept.set(file, { bytes: Buffer.from(bytes), data: pristine });
  if (kept.size > KEPT_FILES) kept.delete(kept.keys().next().value!);
  return result;
}

/**
 * Parses data text already read, as loadDataFile would: the build that reads the same bytes next takes this parse
 * (a batch's worker finds a data file's tables, for its input hash, just before building it).
 */
export function parseDataKept(file: string, bytes: Uint8Array): LoadResult {
  return parseKept(file, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** A kept file's data for one build: its value copied, with a pointer index of the copy. */
function copyOf(data: LoadedData): LoadedData {
  const value = structuredClone(data.value);
  const pointers = new WeakMap<object, string>();
  indexPointers(value, '', pointers);
  return { ...data, value, pointers };
}

/** How many data files loadDataFile parsed, and how many it took as kept from an earlier parse (tests). */
export function dataParseCounts(): { parsed: number; kept: number } {
  return { ...parses };
}
