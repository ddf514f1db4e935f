import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
import { privateCacheDir, runCacheModule, writeCacheFile } from '../build/cache-dir.js';

const require = createRequire(import.meta.url);
/** Bump when what is written changes. */
const FORMAT = 'briefing-validator-1';
let versions: string | undefined;

/** The ajv code option that lets a compiled validator be written out: formats come from ajv-formats by require. */
export function standaloneCodeOption(): object {
  const { _ } = require('ajv') as typeof import('ajv');
  return { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` };
}

/**
 * Compiled schema validators kept in the cache folder, `<cache>/schemas/<sha256>.cjs`, as ajv's standalone code:
 * compiling a pack's schema is ~35 ms of a cold build, loading its code ~1 ms. Keyed by the schema, ajv's options
 * and the versions of ajv and ajv-formats. The code runs in the build, so the folder must be the user's own and
 * not writable by others (as for V8's code cache); a file that does not load is compiled afresh and rewritten.
 */
export class ValidatorStore {
  private readonly dir: string | undefined;

  constructor(cacheDir: string | false | undefined) {
    const dir = cacheDir ? path.join(cacheDir, 'schemas') : undefined;
    this.dir = dir && privateCacheDir(dir) ? dir : undefined;
  }

  private file(schema: unknown, options: object): string | undefined {
    if (!this.dir) return undefined;
    versions ??= ['ajv', 'ajv-formats']
      .map((p) => `${p} ${(require(`${p}/package.json`) as { version: string }).version}`)
      .join(' ');
    const key = createHash('sha256')
      .update(`${FORMAT}\0${versions}\0${JSON.stringify(options)}\0${JSON.stringify(schema)}`)
      .digest('hex');
    return path.join(this.dir, `${key}.cjs`);
  }

  /** The kept validator of this schema, or undefined. */
  read(schema: unknown, options: object): ValidateFunction | undefined {
    const file = this.file(schema, options);
    if (!file) return undefined;
    const validate = runCacheModule(file, require);
    if (typeof validate !== 'function') return undefined;
    // What ajv's own compiled function carries and the pipeline reads.
    return Object.assign(validate as ValidateFunction, { schema: schema as object, errors: null });
  }

  /** Keeps a validator compiled with STANDALONE_CODE. */
  write(schema: unknown, options: object, ajv: Ajv, validate: ValidateFunction): void {
    const file = this.file(schema, options);
    if (!file) return;
    try {
      const standaloneCode = require('ajv/dist/standalone') as (a: Ajv, v: ValidateFunction) => string;
      writeCacheFile(file, standaloneCode(ajv, validate), 0o600);
    } catch {
      // a schema ajv cannot write out is compiled again next time
    }
  }
}
