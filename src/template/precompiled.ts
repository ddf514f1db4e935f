import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { privateCacheDir, runCacheModule, writeCacheFile } from '../build/cache-dir.js';

const require = createRequire(import.meta.url);
/** Bump when what is written changes shape. */
const FORMAT = 'briefing-template-1';

/** A template's JavaScript as Handlebars' precompiler writes it (an object literal of functions), evaluated. */
export type TemplateSpec = Record<string, unknown>;

/** A pack's templates compiled: the main template's and each partial's spec, by partial name. */
export interface Precompiled {
  main: TemplateSpec;
  partials: Record<string, TemplateSpec>;
}

/**
 * What besides the sources decides the compiled code: Handlebars' version, and Briefing's own code that shapes it —
 * the text guard's compiler (`guard.ts`) and the location annotations `render.ts` adds to the parsed template.
 * Read when this module loads, with the code it describes (a long-running process whose `dist/` is rebuilt under
 * it keeps the key of the code it runs).
 */
const COMPILER_KEY = (() => {
  const h = createHash('sha256').update(FORMAT);
  h.update((require('handlebars/package.json') as { version: string }).version);
  const here = fileURLToPath(import.meta.url);
  // Beside this file: the compiled .js, or the .ts sources when run from them (the tests).
  for (const f of ['guard', 'render'])
    h.update(readFileSync(path.join(path.dirname(here), f + path.extname(here))));
  return h.digest('hex');
})();

/** A spec's source, evaluated (the precompiler's output is an object literal). */
export function evaluateSpec(source: string): TemplateSpec {
  return vm.runInThisContext(`(${source})`) as TemplateSpec;
}

/**
 * Compiled template packs kept in the cache folder, `<cache>/templates/<sha256>.cjs`: Handlebars' precompiled
 * JavaScript of the main template and its partials, keyed by their file names and texts and by `COMPILER_KEY`.
 * Parsing and compiling the sample's templates is ~25 ms of a cold build. The code runs in the build, so the folder
 * must be the user's own and not writable by others (as for V8's code cache and the schema validators); a file that
 * does not load is compiled afresh and rewritten.
 */
export class TemplateStore {
  private readonly dir: string | undefined;

  constructor(cacheDir: string | false | undefined) {
    const dir = cacheDir ? path.join(cacheDir, 'templates') : undefined;
    this.dir = dir && privateCacheDir(dir) ? dir : undefined;
  }

  private file(sources: string): string | undefined {
    if (!this.dir) return undefined;
    const key = createHash('sha256').update(COMPILER_KEY).update('\0').update(sources).digest('hex');
    return path.join(this.dir, `${key}.cjs`);
  }

  /** The kept compiled pack for these sources (the key `render.ts` keeps compiled packs by), or undefined. */
  read(sources: string, partials: readonly string[]): Precompiled | undefined {
    const file = this.file(sources);
    if (!file) return undefined;
    const kept = runCacheModule(file) as Partial<Precompiled> | undefined;
    const isSpec = (s: unknown) => typeof (s as TemplateSpec | undefined)?.main === 'function';
    if (!kept || !isSpec(kept.main) || !partials.every((p) => isSpec(kept.partials?.[p]))) return undefined;
    return kept as Precompiled;
  }

  /** Keeps a compiled pack: the precompiler's source of the main template and of each partial. */
  write(sources: string, main: string, partials: readonly [string, string][]): void {
    const file = this.file(sources);
    if (!file) return;
    const parts = partials.map(([name, spec]) => `${JSON.stringify(name)}: ${spec}`).join(',\n');
    writeCacheFile(file, `module.exports = { main: ${main},\npartials: {\n${parts}\n} };\n`, 0o600);
  }
}
