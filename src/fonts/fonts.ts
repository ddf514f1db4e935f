import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cmapGlyph } from './face-record.js';
import { sharedFont, UNSHAPED } from './shared.js';
import { checkSfnt, FontDamaged } from './sfnt.js';

export { FontDamaged } from './sfnt.js';
import { error, warning, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import { parseDataText } from '../data/load.js';
import { languageKeys } from '../cjk/lang.js';
import { PACKAGE_ROOT } from '../build/paths.js';

/** One face of a family: the TrueType/OpenType file behind it. */
export interface FontFace {
  file: string;
  /** The file, its size and modification time: what the face is known by across processes (build/doc-store.ts). */
  key: string;
  postscriptName: string;
  /** hhea ascender and descender in em: pdfmake's line box is their difference. */
  ascender: number;
  descender: number;
  has(codePoint: number): boolean;
  /**
   * Advance width of a string in em, shaped with the default OpenType features and any others given (`halt`,
   * `fwid`): what the PDF draws, since pdfkit shapes with the same parsed font. Remembered per face.
   */
  advance(text: string, features?: readonly string[]): number;
}

/** A face's vertical metrics in em: pdfmake's line box is ascender less descender, its baseline at the ascender. */
export type FaceMetrics = Pick<FontFace, 'ascender' | 'descender'>;

/**
 * The hhea metrics of the house faces, Noto Serif SC and Noto Sans SC: used for a family the font configuration
 * does not define (layout goes on; the emitter then reports the family), and for the running head's line box.
 */
export const FALLBACK_METRICS = {
  serif: { ascender: 1.151, descender: -0.286 },
  sans: { ascender: 1.16, descender: -0.288 },
} as const satisfies Record<string, FaceMetrics>;

/** Height of a face's line box in em (pdfmake's `lineHeight: 1`): ascender less descender. */
export function lineBox(m: FaceMetrics): number {
  return m.ascender - m.descender;
}

/** A family with a regular and a bold face (bold falls back to regular when a family has none). */
export interface FontFamily {
  name: string;
  regular: FontFace;
  bold: FontFace;
  /** The name canvas knows it by, for a pack's own family (unique to its files: packs may share a name). */
  canvasName?: string;
}

/** How a pack's own fonts/fonts.yaml is read: only files of its folder, no family of Briefing's names. */
export interface PackFontsOptions {
  reserved: ReadonlySet<string>;
}

/** The configured fonts: families by name and the order in which to look for a missing character. */
export interface FontSet {
  configFile: string;
  families: ReadonlyMap<string, FontFamily>;
  fallback: readonly string[];
  /**
   * Families by language (`languages:` in fonts.yaml): for text in a language (a BCP 47 tag, lower case), a
   * family the theme names is set in the family given here instead (`zh-hant` → `serif` → `sans-tc`).
   */
  languages?: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * The family text of `family` is set in when it is in `lang`: the `languages:` entry of fonts.yaml that matches
 * the tag most closely (`zh-Hant` matches `zh-TW`, `zh-HK`, `zh-Hant-TW`), or the family itself.
 */
export function familyFor(fonts: FontSet, family: string, lang: string | undefined): string {
  if (!fonts.languages?.size || !lang) return family;
  for (const key of languageKeys(lang)) {
    const map = fonts.languages.get(key);
    if (map) return map.get(family) ?? family;
  }
  return family;
}

const faceCache = new Map<string, FontFace>();

function openFace(file: string): FontFace {
  const st = statSync(file);
  const key = `${file}|${st.size}|${st.mtimeMs}`;
  const cached = faceCache.get(key);
  if (cached) return cached;
  checkSfnt(file, st.size);
  // The font is parsed on first use: a family a document never sets (Noto Sans TC in a Simplified Chinese
  // document, 7 MB a face) costs nothing.
  let parsed: ReturnType<typeof sharedFont> | undefined;
  const font = () => (parsed ??= sharedFont(file));
  // Widths by text and features, kept for the process (a warm build measures mostly what it measured before).
  const widths = new Map<string, number>();
  // A file whose tables are damaged past what the load checked fails when first read: say which file.
  const guard = <T>(read: () => T): T => {
    try {
      return read();
    } catch (e) {
      throw new FontDamaged(file, e);
    }
  };
  const face: FontFace = {
    file,
    key,
    get postscriptName() {
      return guard(() => font().postscriptName);
    },
    get ascender() {
      return guard(() => font().ascent / font().unitsPerEm);
    },
    get descender() {
      return guard(() => font().descent / font().unitsPerEm);
    },
    has: (cp) => guard(() => cmapGlyph(font(), cp) !== undefined),
    advance: (text, features) => guard(() => advance(text, features)),
  };
  const advance = (text: string, features?: readonly string[]): number => {
    const k = features?.length ? `${features.join(',')}\u0000${text}` : text;
    let w = widths.get(k);
    if (w === undefined) {
      if (widths.size > 200_000) widths.clear();
      const f = font();
      const upm = f.unitsPerEm;
      const g = !features?.length && UNSHAPED.test(text) ? cmapGlyph(f, text.codePointAt(0)!) : undefined;
      w = g
        ? g.advanceWidth / upm
        : f.layout(text, features?.length ? [...features] : undefined).advanceWidth / upm;
      widths.set(k, w);
    }
    return w;
  };
  faceCache.set(key, face);
  return face;
}

const require = createRequire(import.meta.url);

/**
 * Where `npm:` fonts are looked for: beside the fonts.yaml, the working folder, then Briefing's own installation
 * (so a pack's fonts.yaml can name Briefing's Noto fonts when Briefing is installed globally or elsewhere).
 */
const npmSearchPaths = (fontsDir: string) => [fontsDir, process.cwd(), PACKAGE_ROOT];

function npmPackageJson(spec: string, fontsDir: string): string | undefined {
  const rest = spec.slice(4);
  const parts = rest.split('/');
  const pkgName = rest.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  try {
    return require.resolve(`${pkgName}/package.json`, { paths: npmSearchPaths(fontsDir) });
  } catch {
    return undefined;
  }
}

/** Resolves a face path from fonts.yaml: `npm:package/path` from installed packages, else relative to fonts/. */
export function resolveFontPath(spec: string, fontsDir: string): string | undefined {
  if (spec.startsWith('npm:')) {
    const rest = spec.slice(4);
    const parts = rest.split('/');
    const pkgName = rest.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    const inner = parts.slice(rest.startsWith('@') ? 2 : 1).join('/');
    try {
      const pkgJson = require.resolve(`${pkgName}/package.json`, { paths: npmSearchPaths(fontsDir) });
      return path.join(path.dirname(pkgJson), inner);
    } catch {
      return undefined;
    }
  }
  return path.resolve(fontsDir, spec);
}

/**
 * Font sets this process loaded without a problem, by configuration file as given, working folder (an `npm:` face
 * is looked for from there) and the families a pack's may not name: taken again while the fonts folder, the file and
 * every face it names are where and as they were — real path, size, time and inode (a fonts folder turned into a
 * link out of it is checked again) —, so that a warm build or a worker's next report does not read and resolve the
 * configuration again (a millisecond).
 */
const loadedSets = new Map<string, { files: string[]; stamp: string; fonts: FontSet }>();

/** Where each file really is, with its size, modification time and inode; undefined when one is gone. */
function stampOf(files: readonly string[]): string | undefined {
  let stamp = '';
  for (const f of files) {
    const st = statSync(f, { throwIfNoEntry: false });
    if (!st) return undefined;
    try {
      stamp += `${realpathSync(f)}|${st.size}|${st.mtimeMs}|${st.ino}\0`;
    } catch {
      return undefined;
    }
  }
  return stamp;
}

/**
 * Loads `fonts/fonts.yaml`: `families: {name: {regular: path, bold: path}}` and `fallback: [name, …]`.
 * Every problem (missing file, a .ttc, an unknown family in the fallback list) is a diagnostic.
 */
export function loadFontSet(
  configFile: string,
  pack?: PackFontsOptions,
): { fonts?: FontSet; diagnostics: Diagnostic[] } {
  const key = [configFile, process.cwd(), ...(pack ? [...pack.reserved] : [])].join('\0');
  const kept = loadedSets.get(key);
  if (kept && stampOf(kept.files) === kept.stamp) return { fonts: kept.fonts, diagnostics: [] };
  const loaded = readFontSet(configFile, pack);
  if (loaded.fonts && loaded.diagnostics.length === 0) {
    const files = [path.dirname(path.resolve(configFile)), path.resolve(configFile)];
    for (const fam of loaded.fonts.families.values()) files.push(fam.regular.file, fam.bold.file);
    const stamp = stampOf(files);
    if (stamp !== undefined) loadedSets.set(key, { files, stamp, fonts: loaded.fonts });
  } else loadedSets.delete(key);
  return loaded;
}

function readFontSet(
  configFile: string,
  pack?: PackFontsOptions,
): { fonts?: FontSet; diagnostics: Diagnostic[] } {
  const fontsDir = path.dirname(configFile);
  if (!existsSync(configFile))
    return {
      diagnostics: [
        error('font:config-missing', 'font configuration not found', {
          place: { file: configFile },
          hint: 'Briefing needs fonts/fonts.yaml; restore it from the repository',
        }),
      ],
    };
  const loaded = parseDataText(configFile, readFileSync(configFile));
  if (!loaded.ok) return { diagnostics: loaded.diagnostics };
  const diagnostics: Diagnostic[] = [];
  const at = (p: string) => loaded.data.placeOf(p);
  const cfg = loaded.data.value as {
    families?: Record<string, Record<string, string>>;
    fallback?: string[];
    languages?: Record<string, Record<string, string> | null>;
  } | null;
  const families = new Map<string, FontFamily>();
  for (const [name, faces] of Object.entries(cfg?.families ?? {})) {
    if (pack?.reserved.has(name)) {
      diagnostics.push(
        error('font:pack-family', `the pack's font family "${name}" has the name of one of Briefing's`, {
          place: at(`/families/${name}`),
          pointer: `/families/${name}`,
          hint: `give it a name of its own (e.g. "${name}-pack") and use that name in theme.yaml; Briefing's families: ${[...pack.reserved].join(', ')}`,
        }),
      );
      continue;
    }
    const open = (weight: 'regular' | 'bold') =>
      openConfigured(faces?.[weight], name, weight, fontsDir, at, diagnostics, pack !== undefined);
    const regular = open('regular');
    const bold = open('bold') ?? regular;
    if (regular && bold) families.set(name, { name, regular, bold });
  }
  // A pack's fonts are looked through for a missing character only where its fonts.yaml says so.
  const fallback = cfg?.fallback ?? (pack ? [] : [...families.keys()]);
  fallback.forEach((f, i) => {
    if (!families.has(f))
      diagnostics.push(
        warning('font:unknown-family', `fallback family "${f}" is not defined`, {
          place: at(`/fallback/${i}`),
        }),
      );
  });
  if (families.size === 0 && !diagnostics.length && !pack)
    diagnostics.push(
      error('font:no-families', 'no font families configured', { place: { file: configFile } }),
    );
  const languages = languageFamilies(cfg?.languages ?? {}, families, at, diagnostics);
  return {
    fonts: {
      configFile,
      families,
      fallback: fallback.filter((f) => families.has(f)),
      ...(languages.size ? { languages } : {}),
    },
    diagnostics,
  };
}

/** One configured face: its file found (fonts folder or an npm font package), confined, a single face, a font. */
function openConfigured(
  spec: string | undefined,
  name: string,
  weight: 'regular' | 'bold',
  fontsDir: string,
  at: (p: string) => Place,
  diagnostics: Diagnostic[],
  inPack = false,
): FontFace | undefined {
  if (spec === undefined) return undefined;
  const p = `/families/${name}/${weight}`;
  if (inPack && (typeof spec !== 'string' || spec.startsWith('npm:') || path.isAbsolute(spec))) {
    diagnostics.push(
      error('font:outside', `a pack's font file must be in its fonts/ folder: ${String(spec)}`, {
        place: at(p),
        pointer: p,
        hint: "copy the .ttf or .otf file into the pack's fonts/ folder and give its name (e.g. brand-bold.otf)",
      }),
    );
    return undefined;
  }
  const file = typeof spec === 'string' ? resolveFontPath(spec, fontsDir) : undefined;
  if (!file || !existsSync(file)) {
    diagnostics.push(
      error('font:file-missing', `font file for ${name} ${weight} not found: ${String(spec)}`, {
        place: at(p),
        pointer: p,
        hint: spec?.startsWith?.('npm:')
          ? 'run `npm ci` to install the font packages'
          : 'put the file in fonts/ or fix the path',
      }),
    );
    return undefined;
  }
  // Fonts come from the fonts folder or an installed font package, never from elsewhere on the disk.
  const real = realpathSync(file);
  const allowedRoots = [
    realpathSync(fontsDir),
    ...(spec.startsWith('npm:') ? [realpathSync(path.dirname(npmPackageJson(spec, fontsDir)!))] : []),
  ];
  if (!allowedRoots.some((r) => real === r || real.startsWith(r + path.sep))) {
    diagnostics.push(
      error('font:outside', `font file for ${name} ${weight} is outside the fonts folder: ${spec}`, {
        place: at(p),
        pointer: p,
        hint: 'put the font file in fonts/ (or install it as an npm package and use npm:…)',
      }),
    );
    return undefined;
  }
  if (/\.ttc$/i.test(file)) {
    diagnostics.push(
      error('font:collection', `${path.basename(file)} is a font collection (.ttc)`, {
        place: at(p),
        pointer: p,
        hint: 'use a single-face .ttf or .otf: canvas would take the first face of a collection, which is Japanese in Noto CJK',
      }),
    );
    return undefined;
  }
  try {
    return openFace(file);
  } catch (e) {
    diagnostics.push(
      error('font:unreadable', `cannot read font ${path.basename(file)}: ${(e as Error).message}`, {
        place: at(p),
        pointer: p,
      }),
    );
    return undefined;
  }
}

/** fonts.yaml's `languages:`: per language tag, which family stands for which; unknown families are warnings. */
function languageFamilies(
  config: Record<string, Record<string, string> | null>,
  families: ReadonlyMap<string, FontFamily>,
  at: (p: string) => Place,
  diagnostics: Diagnostic[],
): Map<string, Map<string, string>> {
  const languages = new Map<string, Map<string, string>>();
  for (const [tag, map] of Object.entries(config)) {
    const entry = new Map<string, string>();
    for (const [from, to] of Object.entries(map ?? {})) {
      const p = `/languages/${tag}/${from}`;
      if (typeof to !== 'string' || !families.has(to) || !families.has(from)) {
        const bad = typeof to === 'string' && families.has(to) ? from : String(to);
        diagnostics.push(
          warning('font:unknown-family', `languages: ${tag}: family "${bad}" is not defined`, {
            place: at(p),
            pointer: p,
            hint: `families defined: ${[...families.keys()].join(', ')}`,
          }),
        );
        continue;
      }
      entry.set(from, to);
    }
    languages.set(tag.toLowerCase().replace(/_/g, '-'), entry);
  }
  return languages;
}

/** The face used for a family and weight, or undefined when the family is not configured. */
export function faceOf(fonts: FontSet, family: string, bold: boolean): FontFace | undefined {
  const fam = fonts.families.get(family);
  return fam ? (bold ? fam.bold : fam.regular) : undefined;
}
