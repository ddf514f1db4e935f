// Small helpers shared by the benchmark sections: timing, statistics, tables, the sample inputs.
import { performance } from 'node:perf_hooks';
import { cpSync, appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const samplePack = path.join(root, 'templates/annual-briefing');
export const sampleData = path.join(root, 'data/hengyang-2020.yaml');

/** Milliseconds since an arbitrary point (monotonic). */
export const now = () => performance.now();

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times `fn` `runs` times after one warm-up run; returns the median and minimum in ms and the last result. */
export async function time(fn, runs) {
  let result = await fn();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = now();
    result = await fn();
    ms.push(now() - t);
  }
  return { median: median(ms), min: Math.min(...ms), result };
}

export const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
export const kb = (bytes) => round(bytes / 1024, 1);

const temps = [];
/** A temporary folder, removed when the benchmark ends. */
export function tempDir(prefix = 'briefing-bench-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
export function removeTemps() {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A copy of a template pack whose theme.yaml ends with `extraTheme` (e.g. chart settings). */
export function packWith(extraTheme, pack = samplePack) {
  const dir = path.join(tempDir(), 'pack');
  cpSync(pack, dir, { recursive: true });
  appendFileSync(path.join(dir, 'theme.yaml'), `\n${extraTheme}\n`);
  return dir;
}

/** Renders rows as a plain-text table with right-aligned numbers. */
export function table(columns, rows) {
  const cells = [
    columns,
    ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '—' : String(c)))),
  ];
  const width = (s) => [...s].reduce((w, ch) => w + (/[\u2e80-\uffff]/.test(ch) ? 2 : 1), 0);
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r) =>
    r
      .map((c, i) => {
        const pad = ' '.repeat(widths[i] - width(c));
        return typeof rows[0]?.[i] === 'number' ? pad + c : c + pad;
      })
      .join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

/**
 * The sample's figures as the pipeline sees them, in document order: spec, width and height in points,
 * plus what rendering needs (theme, fonts). Imports the compiled code in dist/ (npm run build).
 */
export async function sampleFigures(pack = samplePack, data = sampleData) {
  const { loadPack } = await import('../dist/template/pack.js');
  const { loadFontSet } = await import('../dist/fonts/fonts.js');
  const { loadDataFile } = await import('../dist/data/load-file.js');
  const { renderTemplate } = await import('../dist/template/render.js');
  const { parseMarkup } = await import('../dist/markup/parse.js');
  const { computeGeometry } = await import('../dist/page/geometry.js');
  const { renderFigures } = await import('../dist/charts/figures.js');
  const { pack: p } = loadPack(pack);
  const { fonts } = loadFontSet(path.join(root, 'fonts/fonts.yaml'));
  const loaded = await loadDataFile(data);
  if (!p || !fonts || !loaded.ok) throw new Error('bench: the sample does not load');
  const { tree } = parseMarkup(renderTemplate(p, loaded.data).markup);
  const geo = computeGeometry(p.theme);
  const input = { tree, data: loaded.data, theme: p.theme, fonts, geo };
  const { charts } = await renderFigures(tree, loaded.data, p.theme, fonts, geo, {
    cacheDir: false,
    memoryCache: false,
  });
  return { ...input, figures: [...charts.values()].map((c, i) => ({ no: i + 1, ...c })) };
}
