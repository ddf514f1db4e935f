import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FontSet } from '../fonts/fonts.js';
import { resolveColor, type Theme } from '../theme/theme.js';
import { isDrawing } from './drawing.js';
import { chartFamily, pngAsSvg, type ChartImage, type ChartText, type RenderSettings } from './family.js';
import type { ChartSpec } from './spec.js';
import { cacheDirFor, readCacheFile, writeCacheFile } from '../build/cache-dir.js';
import { packageVersion } from '../build/versions.js';

/**
 * The chart cache. A render is keyed by a SHA-256 of everything that decides its bytes: the spec, the size,
 * the format and dpi, the theme's chart settings (colours resolved), the chart font files (path, size, mtime),
 * the versions of chart.js, chartjs-node-canvas and canvas, and the source of this folder and of the modules it
 * imports from the rest of src/ (so a change to the renderer, the number formats or the line-break rules never
 * reuses an old picture). Hits come from memory within a process, from disk across runs.
 */

/** Bumped by hand only if something outside this folder and the key starts to change the output. */
const KEY_VERSION = 1;
const MEMORY_LIMIT = 256;
const memory = new Map<string, ChartImage>();

/** Forgets the charts kept in memory (the disk cache stays). */
export function clearChartMemoryCache(): void {
  memory.clear();
}

let environment: string | undefined;

/** Versions of the rendering packages and a hash of the code that draws: computed once per process. */
function renderEnvironment(): string {
  if (environment) return environment;
  environment = JSON.stringify({
    v: KEY_VERSION,
    node: process.versions.node.split('.')[0],
    chartjs: packageVersion('chart.js'),
    nodeCanvas: packageVersion('chartjs-node-canvas'),
    canvas: packageVersion('canvas'),
    code: codeHash(),
  });
  return environment;
}

/**
 * The files of the code that decides a chart's bytes: this folder's modules and, followed through their
 * imports, the modules they use from the rest of src/ (number formats, the line engine's classes, colour maths).
 */
export function renderSources(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const files = new Set<string>();
  const queue = readdirSync(here)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(here, f));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    // Value imports and re-exports (a type import decides no bytes); `./x.js` is `./x.ts` in the sources.
    for (const m of readFileSync(file, 'utf8').matchAll(
      /^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+'(\.\.?\/[^']+)'/gm,
    )) {
      const target = path.resolve(path.dirname(file), m[1]!);
      const found = [target, target.replace(/\.js$/, '.ts')].find((f) => existsSync(f));
      if (found) queue.push(found);
    }
  }
  return [...files].sort();
}

function codeHash(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const code = createHash('sha256');
  for (const f of renderSources()) code.update(path.relative(here, f)).update(readFileSync(f));
  return code.digest('hex');
}

/** The part of the key that depends on the theme and fonts, the same for every chart of a build. */
export function themeFingerprint(theme: Theme, fonts: FontSet): string {
  const fam = chartFamily(fonts, theme);
  const fileKey = (file: string) => {
    try {
      const s = statSync(file);
      return { file, size: s.size, mtime: s.mtimeMs };
    } catch {
      return { file };
    }
  };
  return JSON.stringify({
    chart: theme.chart,
    colors: theme.chart.colors.map((c) => resolveColor(theme, c)),
    grid: resolveColor(theme, theme.chart.grid),
    text: resolveColor(theme, 'text'),
    family: fam.name,
    fonts: [fileKey(fam.regular.file), fileKey(fam.bold.file)],
  });
}

/** The cache key of one chart render (hex SHA-256). */
export function chartCacheKey(
  spec: ChartSpec,
  width: number,
  height: number,
  settings: RenderSettings,
  fingerprint: string,
): string {
  return createHash('sha256')
    .update(renderEnvironment())
    .update('\0')
    .update(fingerprint)
    .update('\0')
    .update(
      JSON.stringify({
        spec,
        width: Math.round(width),
        height: Math.round(height),
        format: settings.format,
        dpi: settings.format === 'png' ? settings.dpi : 0,
      }),
    )
    .digest('hex');
}

export { cacheDirFor } from '../build/cache-dir.js';

/** The disk cache folder when the caller names none: see cacheDirFor. */
export function defaultCacheDir(): string | false {
  return cacheDirFor();
}

function diskFile(dir: string, key: string, format: ChartImage['format']): string {
  return path.join(dir, 'charts', format === 'png' ? `${key}.png` : `${key}.json`);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_END = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** A kept vector chart larger than this is not read (the sample's are 10–40 KB). */
const MAX_VECTOR_FILE = 16 * 2 ** 20;

/** A cached chart from memory. */
export function fromMemory(key: string): ChartImage | undefined {
  const hit = memory.get(key);
  if (hit) {
    // Least recently used goes first: move a hit to the end.
    memory.delete(key);
    memory.set(key, hit);
  }
  return hit;
}

export function toMemory(key: string, image: ChartImage): void {
  memory.set(key, image);
  while (memory.size > MEMORY_LIMIT) memory.delete(memory.keys().next().value!);
}

const isText = (t: unknown): t is ChartText => {
  if (typeof t !== 'object' || t === null) return false;
  const v = t as Record<string, unknown>;
  return (
    typeof v.text === 'string' &&
    typeof v.color === 'string' &&
    typeof v.bold === 'boolean' &&
    ['left', 'center', 'right'].includes(v.align as string) &&
    [v.x, v.y, v.size].every((n) => typeof n === 'number' && Number.isFinite(n))
  );
};

/**
 * A cached chart from disk, or undefined when missing, unreadable or not what Briefing wrote. A vector chart is one
 * JSON file (`<key>.json`: the drawing, its box and its words), used only if the drawing makes nothing but drawing
 * calls (charts/drawing.ts) and every word is a well-formed text; a PNG chart has a record beside it
 * (`<key>.png.json`) with its SHA-256, and is used only whole.
 */
export function fromDisk(
  dir: string,
  key: string,
  settings: RenderSettings,
  width: number,
  height: number,
): ChartImage | undefined {
  try {
    const file = diskFile(dir, key, settings.format);
    if (settings.format === 'png') {
      const bytes = readCacheFile(file);
      const recordBytes = readCacheFile(`${file}.json`);
      if (!bytes || !recordBytes) return undefined;
      const record = JSON.parse(recordBytes.toString('utf8')) as { sha256?: unknown };
      if (record.sha256 !== createHash('sha256').update(bytes).digest('hex')) return undefined;
      if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE) || !bytes.subarray(-8).equals(PNG_END))
        return undefined;
      return { format: 'png', png: bytes, svg: pngAsSvg(bytes, Math.round(width), Math.round(height)) };
    }
    const text = readCacheFile(file, MAX_VECTOR_FILE);
    if (!text) return undefined;
    const kept = JSON.parse(text.toString('utf8')) as {
      drawing?: unknown;
      box?: unknown;
      texts?: unknown;
    };
    const box = kept.box;
    if (
      !isDrawing(kept.drawing) ||
      !Array.isArray(box) ||
      box.length !== 2 ||
      !box.every((n) => typeof n === 'number' && n > 0 && Number.isFinite(n)) ||
      !Array.isArray(kept.texts) ||
      !kept.texts.every(isText)
    )
      return undefined;
    return {
      format: 'svg',
      drawing: kept.drawing,
      box: [box[0] as number, box[1] as number],
      texts: kept.texts,
    };
  } catch {
    return undefined;
  }
}

/**
 * Writes a chart to the disk cache atomically: a temporary file beside the target, renamed over it, so a
 * reader (another build at the same time) sees a whole file or none. A cache that cannot be written is no
 * error: the build goes on without it. Returns whether the file was written.
 */
export function toDisk(dir: string, key: string, image: ChartImage): boolean {
  const file = diskFile(dir, key, image.format);
  if (image.format !== 'png')
    return writeCacheFile(
      file,
      JSON.stringify({ drawing: image.drawing, box: image.box, texts: image.texts ?? [] }),
    );
  // The record first: a PNG on disk always has its record (hash) beside it.
  const record = { sha256: createHash('sha256').update(image.png!).digest('hex') };
  return writeCacheFile(`${file}.json`, JSON.stringify(record)) && writeCacheFile(file, image.png!);
}
