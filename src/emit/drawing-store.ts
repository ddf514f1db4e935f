import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Call } from './replay.js';
import { writeCacheFile } from '../build/cache-dir.js';

/** Where recorded drawings are kept between processes (replay.ts reads and writes through it). */
export interface DrawingStore {
  read(key: string): readonly Call[] | undefined;
  write(key: string, calls: readonly Call[]): void;
}

/**
 * The pdfkit calls a kept drawing may make: paths, colours, the graphics state. A file that names any other (or
 * gives them anything but numbers, strings, booleans and lists and records of them) is not replayed, so a kept
 * drawing can only draw, whatever its file says.
 */
const DRAWING_CALLS = new Set([
  'save',
  'restore',
  'translate',
  'scale',
  'rotate',
  'transform',
  'moveTo',
  'lineTo',
  'bezierCurveTo',
  'quadraticCurveTo',
  'closePath',
  'rect',
  'clip',
  'fill',
  'stroke',
  'fillAndStroke',
  'fillColor',
  'strokeColor',
  'fillOpacity',
  'strokeOpacity',
  'opacity',
  'lineWidth',
  'lineCap',
  'lineJoin',
  'miterLimit',
  'dash',
  'undash',
]);

const MAX_FILE = 16 * 2 ** 20;
/** Bump when what a recording means changes (the recorder, svg-to-pdfkit's version is in the key). */
const FORMAT = 'briefing-drawing-1';

const plain = (v: unknown): boolean =>
  v === null ||
  ['number', 'string', 'boolean'].includes(typeof v) ||
  (Array.isArray(v) && v.every(plain)) ||
  (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(plain));

/** Whether a parsed file is a list of allowed calls with plain arguments. */
export function isDrawing(v: unknown): v is Call[] {
  return (
    Array.isArray(v) &&
    v.every(
      (c) =>
        Array.isArray(c) &&
        ((c.length === 1 && c[0] === 'restoreFill') ||
          (c.length === 2 && DRAWING_CALLS.has(c[0] as string) && Array.isArray(c[1]) && plain(c[1]))),
    )
  );
}

/**
 * Recorded chart drawings on disk, `<cache>/drawings/<sha256>.json` (keyed by the drawing's whole key and the
 * format), so that a new process draws a chart it drew before without parsing its SVG. Written atomically;
 * anything unreadable, too large or not a drawing is ignored and drawn afresh.
 */
export function diskDrawings(cacheDir: string, version: string): DrawingStore {
  const dir = path.join(cacheDir, 'drawings');
  const file = (key: string) =>
    path.join(dir, `${createHash('sha256').update(`${FORMAT}|${version}|${key}`).digest('hex')}.json`);
  return {
    read(key) {
      try {
        const f = file(key);
        if (statSync(f).size > MAX_FILE) return undefined;
        const calls: unknown = JSON.parse(readFileSync(f, 'utf8'));
        return isDrawing(calls) ? calls : undefined;
      } catch {
        return undefined;
      }
    },
    write(key, calls) {
      if (isDrawing(calls)) writeCacheFile(file(key), JSON.stringify(calls), 0o600);
    },
  };
}
