import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../build/paths.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { tableFilesOf } from '../tables/refs.js';

interface PackEntry {
  description: string;
  sample: string;
}

function index(): Record<string, PackEntry> {
  const file = path.join(PACKAGE_ROOT, 'templates', 'index.yaml');
  return (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, PackEntry>;
}

/** The built-in packs that are installed (listed in templates/index.yaml and present on disk). */
export function builtInPacks(): string[] {
  return Object.keys(index()).filter((name) =>
    existsSync(path.join(PACKAGE_ROOT, 'templates', name, 'template.hbs')),
  );
}

/** Copies a built-in pack into `dir` with its sample data as `dir/sample-data.<ext>`. Refuses to overwrite. */
export function initPack(
  dir: string,
  from: string,
): { ok: boolean; dir: string; sample: string; diagnostics: Diagnostic[] } {
  const target = path.resolve(dir);
  const entry = index()[from];
  const source = path.join(PACKAGE_ROOT, 'templates', from);
  const sampleSource = entry ? path.join(PACKAGE_ROOT, entry.sample) : '';
  const sample = path.join(target, `sample-data${path.extname(sampleSource) || '.yaml'}`);
  const fail = (d: Diagnostic) => ({ ok: false, dir: target, sample, diagnostics: [d] });
  if (!entry || !existsSync(source))
    return fail(
      error('init:unknown-pack', `no built-in template pack "${from}"`, {
        hint: `choose one of: ${builtInPacks().join(', ')}`,
      }),
    );
  if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0))
    // Nothing the user has is ever overwritten.
    return fail(
      error('init:exists', `${dir} already exists and is not an empty folder`, {
        place: { file: target },
        hint: 'choose a new folder name, or remove the folder first',
      }),
    );
  cpSync(source, target, { recursive: true, errorOnExist: true, force: false });
  cpSync(sampleSource, sample, { errorOnExist: true, force: false });
  // The tables the sample data refers to ({ $csv: … }, { $xlsx: … }) go beside it, at the same relative paths.
  const sampleDir = path.dirname(sampleSource);
  for (const table of tableFilesOf(sampleSource, readFileSync(sampleSource))) {
    const rel = path.relative(sampleDir, table);
    if (rel.startsWith('..') || path.isAbsolute(rel) || !existsSync(table)) continue;
    cpSync(table, path.join(target, rel), { errorOnExist: true, force: false });
  }
  return { ok: true, dir: target, sample, diagnostics: [] };
}
