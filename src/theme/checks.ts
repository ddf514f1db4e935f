import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import type { At, Theme } from './theme.js';

// Checks of a theme's colours and font families, each at its place in theme.yaml.

/** Keys whose values are colours: a palette name or #rgb/#rrggbb. */
const COLOR_KEYS = new Set(['color', 'rule', 'grid', 'background']);

/**
 * Every colour the theme uses is a palette name or a hex colour: a misspelt name, `rgb(…)` or a CSS colour name
 * would otherwise reach the PDF and the charts as nothing (black, or no colour at all).
 */
export function checkColors(theme: Theme, at: At): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = Object.keys(theme.palette);
  const check = (v: unknown, pointer: string) => {
    if (
      typeof v !== 'string' ||
      (v === 'none' && pointer.endsWith('/background')) ||
      theme.palette[v] !== undefined ||
      /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(v)
    )
      return;
    const close = nearest(v, names);
    out.push(
      error('theme:color', `unknown colour ${JSON.stringify(v)}`, {
        place: at(pointer),
        pointer,
        hint: `${close ? `did you mean "${close}"? ` : ''}a colour is a palette name (${names.join(', ')}) or a hex colour like "#b5121b"`,
      }),
    );
  };
  const walk = (node: unknown, pointer: string) => {
    if (!node || typeof node !== 'object' || pointer === '/palette') return;
    for (const [k, v] of Object.entries(node)) {
      const p = `${pointer}/${k}`;
      if (COLOR_KEYS.has(k)) check(v, p);
      else if (k === 'colors' && Array.isArray(v)) v.forEach((c, i) => check(c, `${p}/${i}`));
      else walk(v, p);
    }
  };
  walk(theme, '');
  return out;
}

/**
 * Every font family the theme names is one the font configuration defines; the places are the theme's own
 * (`placeOf` from parseTheme), with a did-you-mean. Run once the fonts are loaded.
 */
export function checkThemeFonts(
  theme: Theme,
  families: readonly string[],
  placeOf: At | undefined,
  themeFile: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (node: unknown, pointer: string) => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      const p = `${pointer}/${k}`;
      if (k === 'font' && typeof v === 'string' && !families.includes(v)) {
        const close = nearest(v, families);
        out.push(
          error(
            'theme:unknown-font',
            `the theme sets text in "${v}", which the font configuration does not define`,
            {
              place: placeOf ? placeOf(p) : { file: themeFile },
              pointer: p,
              hint: `${close ? `did you mean "${close}"? ` : ''}families defined: ${families.join(', ')} (fonts/fonts.yaml)`,
            },
          ),
        );
      } else if (typeof v === 'object') walk(v, p);
    }
  };
  walk(theme, '');
  return out;
}
