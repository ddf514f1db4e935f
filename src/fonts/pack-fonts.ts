import { createHash } from 'node:crypto';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { loadFontSet, type FontFamily, type FontSet } from './fonts.js';

/**
 * Adds a template pack's own fonts to the font set: the families its `fonts/fonts.yaml` declares, from files in its
 * `fonts/` folder (a path out of it, an `npm:` font or a symbolic link that leads out of the pack is `font:outside`;
 * each file passes the same checks as Briefing's: a single face, a TrueType or OpenType header). A pack family
 * may not take the name of one of Briefing's (`font:pack-family`): the theme names it by its own name. Its
 * `fallback` families are looked through before Briefing's, and its `languages:` entries are added to them.
 * Font files in `fonts/` with no fonts.yaml are a warning (`font:pack-undeclared`): nothing would use them.
 */
export function withPackFonts(
  base: { fonts?: FontSet; diagnostics: Diagnostic[] },
  packDir: string | undefined,
): { fonts?: FontSet; diagnostics: Diagnostic[] } {
  if (!base.fonts || !packDir) return base;
  const dir = path.join(packDir, 'fonts');
  if (!existsSync(dir)) return base;
  const config = path.join(dir, 'fonts.yaml');
  const diagnostics = [...base.diagnostics];
  const real = realpathSync(dir);
  const root = realpathSync(packDir);
  if (!real.startsWith(root + path.sep)) {
    diagnostics.push(
      error('font:outside', "the pack's fonts/ folder leads outside the template pack", {
        place: { file: dir },
        hint: 'a template pack may only read its own files: copy the fonts into the pack instead of linking to them',
      }),
    );
    return { fonts: base.fonts, diagnostics };
  }
  if (!existsSync(config) || !statSync(config).isFile()) {
    const files = readdirSync(dir).filter((f) => /\.(ttf|otf)$/i.test(f));
    if (files.length)
      diagnostics.push(
        warning(
          'font:pack-undeclared',
          `the pack's fonts/ folder holds ${files.join(', ')} but no fonts.yaml`,
          {
            place: { file: config },
            hint: 'declare them in fonts/fonts.yaml: families: { brand: { regular: Brand-Regular.otf, bold: Brand-Bold.otf } }',
          },
        ),
      );
    return { fonts: base.fonts, diagnostics };
  }
  const own = loadFontSet(config, { reserved: new Set(base.fonts.families.keys()) });
  diagnostics.push(...own.diagnostics);
  if (!own.fonts) return { fonts: base.fonts, diagnostics };
  const families = new Map(base.fonts.families);
  for (const [name, fam] of own.fonts.families) families.set(name, { ...fam, canvasName: canvasName(fam) });
  const languages = new Map(base.fonts.languages ?? []);
  for (const [tag, map] of own.fonts.languages ?? [])
    languages.set(tag, new Map([...(languages.get(tag) ?? []), ...map]));
  return {
    fonts: {
      configFile: base.fonts.configFile,
      families,
      fallback: [...new Set([...own.fonts.fallback, ...base.fonts.fallback])],
      ...(languages.size ? { languages } : {}),
    },
    diagnostics,
  };
}

/** The canvas name of a pack's family: its name and its files', so two packs' `brand` families stay apart. */
function canvasName(fam: FontFamily): string {
  const id = createHash('sha1').update(`${fam.regular.file}\0${fam.bold.file}`).digest('hex').slice(0, 8);
  return `Briefing ${fam.name} ${id}`;
}
