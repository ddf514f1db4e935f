import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The benchmark (bench/) imports the compiled pipeline from dist/ by name, in plain JavaScript that neither tsc
// nor the tests compile: a function moved to another module broke `npm run bench` with "loadDataFile is not a
// function" only when its section ran. Every such import is checked here against the source module it is
// compiled from: the file exists and exports each name the benchmark takes from it.

const root = path.resolve(import.meta.dirname, '..');

function benchFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? benchFiles(path.join(dir, e.name))
      : e.name.endsWith('.mjs')
        ? [path.join(dir, e.name)]
        : [],
  );
}

/** `const { a, b: c } = await import(…dist/x/y.js…)` in a benchmark file: the module and the names taken. */
function distImports(text: string): { module: string; names: string[] }[] {
  const found: { module: string; names: string[] }[] = [];
  const re = /const\s*\{([^}]*)\}\s*=\s*await\s+import\([^)]*?\bdist\/([\w/.-]+?)\.js/g;
  for (const m of text.matchAll(re)) {
    const names = m[1]!
      .split(',')
      .map((n) => n.split(':')[0]!.trim())
      .filter((n) => n !== '');
    found.push({ module: m[2]!, names });
  }
  return found;
}

describe('the benchmark imports what the pipeline exports', () => {
  const files = benchFiles(path.join(root, 'bench'));
  const imports = files.flatMap((file) =>
    distImports(readFileSync(file, 'utf8')).map((i) => ({ file: path.relative(root, file), ...i })),
  );

  it('finds the imports (the pattern still matches how bench/ imports dist/)', () => {
    expect(distImports("const { x, y: z } = await import('../../dist/a/b.js');")).toEqual([
      { module: 'a/b', names: ['x', 'y'] },
    ]);
    expect(imports.length).toBeGreaterThanOrEqual(15);
    expect(imports.map((i) => i.file)).toContain(path.join('bench', 'lib.mjs'));
  });

  it.each(imports.map((i) => [`${i.file}: ${i.names.join(', ')} from dist/${i.module}.js`, i] as const))(
    '%s',
    async (_, i) => {
      const source = path.join(root, 'src', `${i.module}.ts`);
      const mod = (await import(source)) as Record<string, unknown>;
      for (const name of i.names) expect(mod[name], `${name} exported by src/${i.module}.ts`).toBeDefined();
    },
  );
});
