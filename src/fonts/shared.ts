import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deferModules } from './deferred.js';
import { attachRecord, setShaperVersions, type RecordableFont } from './face-record.js';
import { readLocaDirectly } from './loca.js';
import { versionAbove } from '../build/versions.js';
import { readWithoutOutlines } from './sparse.js';

/** The parts of a fontkit font Briefing uses (fontkit's own types describe the rest). */
export interface SharedFont {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  postscriptName: string;
  hasGlyphForCodePoint(cp: number): boolean;
  glyphForCodePoint(cp: number): { id: number; advanceWidth: number; codePoints: number[] };
  layout(text: string, features?: string[]): { advanceWidth: number };
}

/**
 * A single ideograph, kana or hangul syllable: one glyph, which Noto CJK neither substitutes nor positions when no
 * OpenType feature is asked for, so its advance is the hmtx one and shaping it (GSUB/GPOS) can be skipped.
 */
export const UNSHAPED =
  /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{3134f}]$/u;

type Create = (buffer: Uint8Array, postscriptName?: string) => unknown;

const require = createRequire(import.meta.url);
// pdfmake loads pdfkit, and pdfkit fontkit's CommonJS build: resolve each the way its parent does.
const pdfkitPath = createRequire(require.resolve('pdfmake')).resolve('pdfkit');
const pdfkitRequire = createRequire(pdfkitPath);
const fontkitPath = pdfkitRequire.resolve('fontkit');
deferModules({ pdfkit: pdfkitPath, fontkit: fontkitPath });
const fontkit = pdfkitRequire('fontkit') as Record<string, unknown> & { create: Create };
setShaperVersions(
  [
    `fontkit ${versionAbove(fontkitPath, 'fontkit')}`,
    `unicode-properties ${versionAbove(createRequire(fontkitPath).resolve('unicode-properties'), 'unicode-properties')}`,
  ].join('; '),
);

const parsed = new WeakMap<Uint8Array, Map<string, unknown>>();
const buffers = new Map<string, Buffer>();

/**
 * fontkit.create, remembered per font buffer: pdfkit parses every font anew for every document, and decoding a
 * CJK font's cmap, GSUB and GPOS tables costs 50–170 ms a face. Giving pdfkit the same Buffer each time lets
 * every document share one parsed font (each document still makes its own subset).
 */
const create: Create = (buffer, postscriptName) => {
  let byName = parsed.get(buffer);
  if (!byName) parsed.set(buffer, (byName = new Map<string, unknown>()));
  const key = postscriptName ?? '';
  let font = byName.get(key);
  if (font === undefined) {
    byName.set(key, (font = fontkit.create(buffer, postscriptName)));
    // A single face (not a collection): its cmap and shaping answers come from its record where it has them.
    if (typeof (font as Partial<RecordableFont>).layout === 'function')
      attachRecord(font as RecordableFont, buffer);
    readLocaDirectly(font as Parameters<typeof readLocaDirectly>[0]);
    keepCodePoints(font as GlyphSource);
  }
  return font;
};

interface GlyphSource {
  getGlyph(id: number, codePoints?: number[]): { codePoints: number[] };
}

/**
 * fontkit keeps one glyph object per glyph id, with the characters of whoever first asked for it, and its
 * subsetter asks with none. In a process that builds document after document on one parsed font (a batch's
 * worker, the preview, a queue worker), a glyph whose runs were shaped from the face's record (never by fontkit)
 * was first made by the subsetter, without characters; every later run fontkit shaped gave pdfkit that glyph
 * without them, and its ToUnicode entry was empty: a chart's "10月" copied as "0月" in 80 of 120 reports of one
 * batch. A glyph asked for again with characters takes them when it has none.
 */
export function keepCodePoints(font: GlyphSource): void {
  if (typeof font.getGlyph !== 'function') return;
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = (id: number, codePoints: number[] = []) => {
    const glyph = getGlyph(id, codePoints);
    if (glyph.codePoints.length === 0 && codePoints.length > 0) glyph.codePoints = codePoints;
    return glyph;
  };
}

let sharing: boolean | undefined;

/**
 * Makes pdfkit share the parsed fonts: replaces the fontkit module in Node's module cache with a copy whose
 * `create` is the one above (fontkit's own exports are getters and cannot be patched in place). pdfkit takes
 * fontkit when it loads, so this must run first: src/emit/pdfmake/install.ts calls it before it loads pdfmake.
 * Returns whether pdfkit will share; false when something loaded pdfkit before (documents still build, each
 * parsing its own fonts). Idempotent.
 */
export function installFontSharing(): boolean {
  if (sharing !== undefined) return sharing;
  const cached = require.cache[fontkitPath];
  sharing = cached !== undefined && require.cache[pdfkitPath] === undefined;
  if (sharing && cached) {
    const patched: Record<string, unknown> = {};
    for (const key of Object.keys(fontkit)) patched[key] = fontkit[key];
    patched.create = create;
    cached.exports = patched;
  }
  return sharing;
}

/**
 * The bytes of a font file, read once per process (again if the file changes); the same Buffer every time. A
 * TrueType CJK face comes without its outlines, which are read as glyphs are embedded (fonts/sparse.ts).
 */
export function fontBuffer(file: string): Buffer {
  const st = statSync(file);
  const key = `${file}|${st.size}|${st.mtimeMs}`;
  let b = buffers.get(key);
  if (!b) buffers.set(key, (b = readWithoutOutlines(file) ?? readFileSync(file)));
  return b;
}

/** The parsed font behind a file, shared with pdfkit. */
export function sharedFont(file: string): SharedFont {
  const font = create(fontBuffer(file)) as SharedFont & { fonts?: unknown };
  if (font.fonts !== undefined)
    throw new Error('font collections (.ttc) are not supported; use a single-face .ttf or .otf');
  return font;
}
