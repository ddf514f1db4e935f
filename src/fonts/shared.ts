import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The parts of a fontkit font Briefing uses (fontkit's own types describe the rest). */
export interface SharedFont {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  postscriptName: string;
  hasGlyphForCodePoint(cp: number): boolean;
  layout(text: string, features?: string[]): { advanceWidth: number };
}

type Create = (buffer: Uint8Array, postscriptName?: string) => unknown;

const require = createRequire(import.meta.url);
// pdfkit (under pdfmake) loads fontkit's CommonJS build; resolve it the way pdfkit does.
const pdfkitRequire = createRequire(require.resolve('pdfkit'));
const fontkitPath = pdfkitRequire.resolve('fontkit');
const fontkit = pdfkitRequire('fontkit') as Record<string, unknown> & { create: Create };

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
  if (font === undefined) byName.set(key, (font = fontkit.create(buffer, postscriptName)));
  return font;
};

// Replace the module pdfkit will require. This must run before pdfkit loads: src/emit/pdf.ts imports this
// module before pdfmake. If pdfkit was loaded first, documents still build, only without the shared fonts.
const cached = require.cache[fontkitPath];
if (cached) {
  const patched: Record<string, unknown> = {};
  for (const key of Object.keys(fontkit)) patched[key] = fontkit[key];
  patched.create = create;
  cached.exports = patched;
}

/** The bytes of a font file, read once per process (again if the file changes); the same Buffer every time. */
export function fontBuffer(file: string): Buffer {
  const st = statSync(file);
  const key = `${file}|${st.size}|${st.mtimeMs}`;
  let b = buffers.get(key);
  if (!b) buffers.set(key, (b = readFileSync(file)));
  return b;
}

/** The parsed font behind a file, shared with pdfkit. */
export function sharedFont(file: string): SharedFont {
  const font = create(fontBuffer(file)) as SharedFont & { fonts?: unknown };
  if (font.fonts !== undefined)
    throw new Error('font collections (.ttc) are not supported; use a single-face .ttf or .otf');
  return font;
}
