import { createHash } from 'node:crypto';
import path from 'node:path';
import { isDrawing, type DrawCall } from '../charts/drawing.js';
import { readCacheFile, writeCacheFile } from '../build/cache-dir.js';

/** Where recorded drawings are kept between processes (replay.ts reads and writes through it). */
export interface DrawingStore {
  read(key: string): readonly DrawCall[] | undefined;
  write(key: string, calls: readonly DrawCall[]): void;
}

const MAX_FILE = 16 * 2 ** 20;
/** Bump when what a recording means changes (the recorder, svg-to-pdfkit's version is in the key). */
const FORMAT = 'briefing-drawing-1';

/**
 * Recorded drawings of SVG images on disk, `<cache>/drawings/<sha256>.json` (keyed by the drawing's whole key and the
 * format), so that a new process draws an image it drew before without parsing its SVG. Written atomically;
 * anything unreadable, too large or not a drawing is ignored and drawn afresh.
 */
export function diskDrawings(cacheDir: string, version: string): DrawingStore {
  const dir = path.join(cacheDir, 'drawings');
  const file = (key: string) =>
    path.join(dir, `${createHash('sha256').update(`${FORMAT}|${version}|${key}`).digest('hex')}.json`);
  return {
    read(key) {
      try {
        const text = readCacheFile(file(key), MAX_FILE);
        if (!text) return undefined;
        const calls: unknown = JSON.parse(text.toString('utf8'));
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
