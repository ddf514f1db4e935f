import type { Code } from '../diagnostics/codes.js';
import { error, warning, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import { parseDataText } from '../data/load.js';
import { nearest } from '../diagnostics/suggest.js';
import { lightness, parseHex } from './color.js';
import { PAGE_SIZES } from './pages.js';
import { checkColors } from './checks.js';

export { checkThemeFonts } from './checks.js';
import { parsePdfStandards } from '../build/standards.js';

/** Text style of one page element; sizes in points, colours as `#rrggbb` or a palette name. */
export interface TextStyle {
  font: string;
  bold: boolean;
  size: number;
  color: string;
  /** Extra space between characters, in em. */
  tracking: number;
}

/** A template pack's look: every key has a default (see `DEFAULT_THEME` and docs/templates.md). */
export interface Theme {
  page: {
    size: string | [number, number];
    /** Smallest margins in points; left and right grow to centre a type area of whole characters. */
    margins: { top: number; bottom: number; left: number; right: number };
  };
  body: {
    font: string;
    size: number;
    /** Line pitch (baseline to baseline) in em of the body size. */
    pitch: number;
    columns: number;
    /** Gap between columns, in body characters. */
    gutter: number;
    /** First-line indent, in em. */
    indent: number;
    color: string;
  };
  palette: Record<string, string>;
  kicker: TextStyle;
  /** The headline is fitted: the largest size up to `size` that sets it on at most `lines` lines, never below `minSize`. */
  headline: TextStyle & { minSize: number; lines: number };
  deck: TextStyle;
  dateline: TextStyle;
  lead: TextStyle;
  byline: TextStyle;
  kpi: { value: TextStyle; label: TextStyle };
  heading: TextStyle & { accent: string };
  /** A pull quote wraps in its column, or spans the columns (`span: true`) between balanced column blocks. */
  pullquote: TextStyle & { rule: string; span: boolean };
  caption: TextStyle;
  source: TextStyle;
  /** The text of `<footnote>`s, at the foot of their column. */
  footnote: TextStyle;
  /** `<box>`: border width and colour, background (`none`: no fill), padding; lengths in points. */
  box: { border: number; color: string; background: string; padding: number };
  /** `<link>` text: its colour, and whether a hairline underlines it. */
  link: { color: string; underline: boolean };
  running: TextStyle;
  /**
   * The page number: `format` with `{page}` and `{pages}` ('' for none), and whether the first page (a cover)
   * has one.
   */
  folio: TextStyle & { format: string; first: boolean };
  chart: {
    font: string;
    /** Text size of ticks, legend and value labels, in points. */
    size: number;
    /** Series colours in order; keep them apart in lightness so they stay distinct printed in greyscale. */
    colors: string[];
    grid: string;
    heightLines: number;
    /** Columns narrower than this many characters set their figures across the page (at its top). */
    minColumn: number;
    /** `svg` (vector, the default) or `png` (raster at `dpi`). */
    format: 'svg' | 'png';
    /** Resolution of PNG charts in dots per inch (300 or more for print). */
    dpi: number;
  };
  /** The PDF: the standards it declares (`ua1,a2u` by default, `none`; `--pdf-standard` overrides it). */
  pdf: { standard: string };
}

const mm = 72 / 25.4;

function style(font: string, size: number, extra: Partial<TextStyle> = {}): TextStyle {
  return { font, bold: false, size, color: 'text', tracking: 0, ...extra };
}

/** Defaults: A4, two columns of Noto Serif SC at 10.5 pt (五号), 1.7 em pitch, accents in newspaper red. */
export const DEFAULT_THEME: Theme = {
  page: { size: 'A4', margins: { top: 18 * mm, bottom: 20 * mm, left: 15 * mm, right: 15 * mm } },
  body: { font: 'serif', size: 10.5, pitch: 1.7, columns: 2, gutter: 2, indent: 2, color: 'text' },
  palette: { text: '#1a1a1a', accent: '#b5121b', muted: '#6b6b6b', rule: '#1a1a1a' },
  kicker: style('sans', 11, { bold: true, color: 'accent', tracking: 0.3 }),
  headline: { ...style('sans', 132, { bold: true, color: 'accent' }), minSize: 40, lines: 2 },
  deck: style('sans', 18, { bold: true }),
  dateline: style('sans', 9.5, { color: 'muted' }),
  lead: style('serif', 12, { bold: true }),
  byline: style('sans', 11, { bold: true }),
  kpi: {
    value: style('sans', 24, { bold: true, color: 'accent' }),
    label: style('sans', 8.5, { color: 'muted' }),
  },
  heading: { ...style('sans', 12, { bold: true }), accent: 'accent' },
  pullquote: { ...style('serif', 21, { bold: true, color: 'accent' }), rule: 'accent', span: false },
  caption: style('sans', 9, { bold: true }),
  source: style('sans', 7.875, { color: 'muted' }),
  footnote: style('serif', 9),
  box: { border: 0.75, color: 'rule', background: 'none', padding: 8 },
  link: { color: '#1d4e89', underline: true },
  running: style('sans', 8.5, { color: 'muted' }),
  folio: { ...style('sans', 8.5, { color: 'muted' }), format: '第 {page} 页 / 共 {pages} 页', first: true },
  chart: {
    font: 'sans',
    size: 8,
    // Red, light grey, near-black, pink, mid grey, pale pink: L* 38, 77, 15, 65, 48, 89, so any two stay
    // at least 10 apart in greyscale and the first three at least 23 (test/charts.test.ts checks it).
    colors: ['#b5121b', '#bfbfbf', '#262626', '#e57f84', '#737373', '#f7dadb'],
    grid: '#d9d9d9',
    heightLines: 9,
    minColumn: 10,
    format: 'svg',
    dpi: 300,
  },
  pdf: { standard: 'ua1,a2u' },
};

/** Parses a length: a number (points) or a string with `pt`, `mm`, `cm` or `in`. */
export function parseLength(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in)?\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 'pt';
  return unit === 'pt' ? n : unit === 'mm' ? n * mm : unit === 'cm' ? n * 10 * mm : n * 72;
}

/** Resolves a colour: a palette name or a `#rgb`/`#rrggbb` literal. */
export function resolveColor(theme: Theme, c: string): string {
  return theme.palette[c] ?? c;
}

/** The first two colours that differ by less than 10 in lightness, as "#a and #b", or undefined. */
function greyscaleClash(colors: readonly string[]): string | undefined {
  for (let i = 0; i < colors.length; i++)
    for (let j = i + 1; j < colors.length; j++) {
      const [a, b] = [colors[i]!, colors[j]!];
      if (parseHex(a) && parseHex(b) && Math.abs(lightness(a) - lightness(b)) < 10) return `${a} and ${b}`;
    }
  return undefined;
}

const LENGTH_KEYS = new Set(['top', 'bottom', 'left', 'right']);

/** Where a theme diagnostic points: the value at a pointer, or its key. */
export type At = (pointer: string, key?: boolean) => Place;

/**
 * Loads `theme.yaml` over the defaults. Unknown keys and wrong types are diagnostics with positions;
 * a missing file means "all defaults".
 */
export function parseTheme(
  file: string,
  bytes: Uint8Array | undefined,
): { theme: Theme; diagnostics: Diagnostic[]; placeOf?: At } {
  // A process that builds report after report (a batch worker, the preview) reads the same theme each time:
  // parsed once (~2 ms of YAML with positions), each caller gets its own copy of the theme.
  const key =
    bytes && `${file}\0${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')}`;
  const known = key === undefined ? undefined : parsedThemes.get(key);
  if (known) return { ...known, theme: structuredClone(known.theme) };
  const parsed = parseThemeText(file, bytes);
  if (key !== undefined) {
    if (parsedThemes.size >= 16) parsedThemes.delete(parsedThemes.keys().next().value!);
    parsedThemes.set(key, { ...parsed, theme: structuredClone(parsed.theme) });
  }
  return parsed;
}

const parsedThemes = new Map<string, { theme: Theme; diagnostics: Diagnostic[]; placeOf?: At }>();

function parseThemeText(
  file: string,
  bytes: Uint8Array | undefined,
): { theme: Theme; diagnostics: Diagnostic[]; placeOf?: At } {
  const theme = structuredClone(DEFAULT_THEME);
  if (!bytes) return { theme, diagnostics: [] };
  const loaded = parseDataText(file, bytes);
  if (!loaded.ok) return { theme, diagnostics: loaded.diagnostics };
  const diagnostics: Diagnostic[] = [];
  const at: At = (pointer, key = false) => loaded.data.placeOf(pointer, { key });
  mergeTheme(theme as unknown as Record<string, unknown>, loaded.data.value, '', at, diagnostics);
  // The first chart colour is the accent unless the theme lists its own chart colours (docs/templates.md).
  const given = loaded.data.value as { chart?: { colors?: unknown } } | null;
  if (
    given?.chart?.colors === undefined &&
    /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(theme.palette.accent ?? '')
  )
    theme.chart.colors[0] = theme.palette.accent!;
  diagnostics.push(...checkRanges(theme, at), ...checkColors(theme, at));
  return { theme, diagnostics, placeOf: at };
}

/** Merges the user's values into the defaults, key by key, reporting unknown keys and values of the wrong type. */
function mergeTheme(
  target: Record<string, unknown>,
  source: unknown,
  pointer: string,
  at: At,
  diagnostics: Diagnostic[],
): void {
  if (source === null || source === undefined) return;
  if (typeof source !== 'object' || Array.isArray(source)) {
    diagnostics.push(error('theme:type-mismatch', 'expected a mapping', { place: at(pointer), pointer }));
    return;
  }
  for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
    const p = `${pointer}/${k}`;
    if (pointer !== '/palette' && !(k in target)) {
      const close = nearest(k, Object.keys(target));
      diagnostics.push(
        warning('theme:unknown-key', `unknown theme key "${k}" is ignored`, {
          place: at(p, true),
          pointer: p,
          hint: close ? `did you mean "${close}"?` : `known keys here: ${Object.keys(target).join(', ')}`,
        }),
      );
      continue;
    }
    const cur = target[k];
    if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && pointer !== '/palette') {
      mergeTheme(cur as Record<string, unknown>, v, p, at, diagnostics);
      continue;
    }
    const value = themeValue(k, v, cur, pointer);
    if ('problem' in value)
      diagnostics.push(
        error(value.code ?? 'theme:type-mismatch', value.problem, {
          place: at(p),
          pointer: p,
          ...(value.hint ? { hint: value.hint } : {}),
        }),
      );
    else target[k] = value.ok;
  }
}

/** One leaf of the theme checked against the default it replaces: the value to keep, or what is wrong. */
function themeValue(
  k: string,
  v: unknown,
  cur: unknown,
  pointer: string,
): { ok: unknown } | { problem: string; hint?: string; code?: Code } {
  if (
    (LENGTH_KEYS.has(k) && pointer.endsWith('/margins')) ||
    (pointer === '/box' && (k === 'border' || k === 'padding'))
  ) {
    const len = parseLength(v);
    return len === undefined || len < 0 || (pointer === '/box' && len > 72)
      ? {
          problem: `expected a length, got ${JSON.stringify(v)}`,
          hint: 'write lengths as points (42) or with a unit: "15mm", "1.5cm", "0.6in"',
        }
      : { ok: len };
  }
  if (pointer === '/palette')
    return typeof v !== 'string' || !/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(v)
      ? { problem: `expected a colour like "#b5121b", got ${JSON.stringify(v)}` }
      : { ok: v };
  if (k === 'size' && pointer === '/page') {
    if (typeof v === 'string') {
      if (PAGE_SIZES[v.toUpperCase()]) return { ok: v };
      const close = nearest(v.toUpperCase(), Object.keys(PAGE_SIZES));
      return {
        problem: `unknown page size ${JSON.stringify(v)}`,
        code: 'theme:page-size',
        hint: `${close ? `did you mean "${close}"? ` : ''}sizes: ${Object.keys(PAGE_SIZES).join(', ')}, or [width, height] (e.g. [148mm, 210mm])`,
      };
    }
    if (Array.isArray(v) && v.length === 2 && v.every((x) => parseLength(x) !== undefined))
      return { ok: v.map((x) => parseLength(x)!) };
    return { problem: 'page size must be a name such as "A4" or [width, height]' };
  }
  if (Array.isArray(cur))
    return !Array.isArray(v) || !v.every((x) => typeof x === typeof cur[0])
      ? { problem: `expected a list of ${typeof cur[0]}s` }
      : { ok: v };
  if (typeof v !== typeof cur || (typeof v === 'number' && !Number.isFinite(v)))
    return { problem: `expected ${typeof cur}, got ${JSON.stringify(v)}` };
  return { ok: v };
}

/** The theme's numbers within the ranges layout and charts can honour, and chart colours that print apart. */
function checkRanges(theme: Theme, at: At): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const b = theme.body;
  const c = theme.chart;
  const rangeChecks: [boolean, string, string][] = [
    [
      b.columns >= 1 && b.columns <= 6 && Number.isInteger(b.columns),
      '/body/columns',
      'columns must be a whole number from 1 to 6',
    ],
    [b.size >= 6 && b.size <= 24, '/body/size', 'body size must be between 6 and 24 pt'],
    [
      b.pitch >= 1.2 && b.pitch <= 3,
      '/body/pitch',
      'line pitch must be between 1.2 and 3 em (clreq: 1.5–2.0)',
    ],
    [
      Number.isInteger(b.gutter) && b.gutter >= 1,
      '/body/gutter',
      'gutter must be a whole number of characters',
    ],
    [c.format === 'svg' || c.format === 'png', '/chart/format', 'chart format must be "svg" or "png"'],
    [
      Number.isInteger(c.dpi) && c.dpi >= 72 && c.dpi <= 2400,
      '/chart/dpi',
      'chart dpi must be a whole number from 72 to 2400',
    ],
    [c.size >= 5 && c.size <= 24, '/chart/size', 'chart text size must be between 5 and 24 pt'],
    [
      !/\{(?!page\}|pages\})[^}]*\}/.test(theme.folio.format),
      '/folio/format',
      'the folio format takes {page} and {pages}, e.g. "- {page} -" or "{page}/{pages}"',
    ],
    [c.colors.length > 0, '/chart/colors', 'give at least one chart colour'],
  ];
  for (const [ok, p, msg] of rangeChecks)
    if (!ok) diagnostics.push(error('theme:out-of-range', msg, { place: at(p), pointer: p }));
  const standards = parsePdfStandards(theme.pdf.standard);
  if (typeof standards === 'string')
    diagnostics.push(
      error('theme:out-of-range', standards, {
        place: at('/pdf/standard'),
        pointer: '/pdf/standard',
        hint: 'write ua1,a2u (PDF/UA-1 and PDF/A-2u, the default), ua1, a2u, a2b, ua1,a2b or none',
      }),
    );
  if (c.format === 'png' && c.dpi < 300 && c.dpi >= 72)
    diagnostics.push(
      warning('theme:chart-dpi', `PNG charts at ${c.dpi} dpi look soft in print`, {
        place: at('/chart/dpi'),
        pointer: '/chart/dpi',
        hint: 'use 300 dpi or more, or format: svg',
      }),
    );
  const gap = greyscaleClash(c.colors.slice(0, 4).map((x) => resolveColor(theme, x)));
  if (gap)
    diagnostics.push(
      warning('theme:chart-greyscale', `chart colours ${gap} look alike printed in greyscale`, {
        place: at('/chart/colors'),
        pointer: '/chart/colors',
        hint: 'make the first four colours differ in lightness (CIE L*) by 10 or more',
      }),
    );
  return diagnostics;
}
