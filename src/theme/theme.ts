import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { parseDataText } from '../data/load.js';
import { nearest } from '../schema/validate.js';

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
  headline: TextStyle;
  deck: TextStyle;
  dateline: TextStyle;
  lead: TextStyle;
  byline: TextStyle;
  kpi: { value: TextStyle; label: TextStyle };
  heading: TextStyle & { accent: string };
  pullquote: TextStyle & { rule: string };
  caption: TextStyle;
  source: TextStyle;
  running: TextStyle;
  folio: TextStyle;
  chart: { font: string; size: number; colors: string[]; grid: string; heightLines: number };
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
  headline: style('sans', 132, { bold: true, color: 'accent' }),
  deck: style('sans', 18, { bold: true }),
  dateline: style('sans', 9.5, { color: 'muted' }),
  lead: style('serif', 12, { bold: true }),
  byline: style('sans', 11, { bold: true }),
  kpi: {
    value: style('sans', 24, { bold: true, color: 'accent' }),
    label: style('sans', 8.5, { color: 'muted' }),
  },
  heading: { ...style('sans', 12, { bold: true }), accent: 'accent' },
  pullquote: { ...style('serif', 21, { bold: true, color: 'accent' }), rule: 'accent' },
  caption: style('sans', 9, { bold: true }),
  source: style('sans', 7.875, { color: 'muted' }),
  running: style('sans', 8.5, { color: 'muted' }),
  folio: style('sans', 8.5, { color: 'muted' }),
  chart: {
    font: 'sans',
    size: 8,
    colors: ['#b5121b', '#4d4d4d', '#e08a8f', '#9a9a9a', '#6e0b10', '#cfcfcf'],
    grid: '#d9d9d9',
    heightLines: 9,
  },
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

const LENGTH_KEYS = new Set(['top', 'bottom', 'left', 'right']);

/**
 * Loads `theme.yaml` over the defaults. Unknown keys and wrong types are diagnostics with positions;
 * a missing file means "all defaults".
 */
export function parseTheme(
  file: string,
  bytes: Uint8Array | undefined,
): { theme: Theme; diagnostics: Diagnostic[] } {
  const theme = structuredClone(DEFAULT_THEME);
  if (!bytes) return { theme, diagnostics: [] };
  const loaded = parseDataText(file, bytes);
  if (!loaded.ok) return { theme, diagnostics: loaded.diagnostics };
  const diagnostics: Diagnostic[] = [];
  const at = (pointer: string, key = false) => {
    const pos = loaded.data.positions.get(pointer);
    const start = pos ? (key ? (pos.key ?? pos.value) : pos.value) : undefined;
    return start ? { file, start } : { file };
  };
  const merge = (target: Record<string, unknown>, source: unknown, pointer: string): void => {
    if (source === null || source === undefined) return;
    if (typeof source !== 'object' || Array.isArray(source)) {
      diagnostics.push(error('theme:type-mismatch', 'expected a mapping', { place: at(pointer), pointer }));
      return;
    }
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      const p = `${pointer}/${k}`;
      const isPalette = pointer === '/palette';
      if (!isPalette && !(k in target)) {
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
      if (LENGTH_KEYS.has(k) && pointer.endsWith('/margins')) {
        const len = parseLength(v);
        if (len === undefined || len < 0)
          diagnostics.push(
            error('theme:type-mismatch', `expected a length, got ${JSON.stringify(v)}`, {
              place: at(p),
              pointer: p,
              hint: 'write lengths as points (42) or with a unit: "15mm", "1.5cm", "0.6in"',
            }),
          );
        else target[k] = len;
      } else if (isPalette) {
        if (typeof v !== 'string' || !/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(v))
          diagnostics.push(
            error('theme:type-mismatch', `expected a colour like "#b5121b", got ${JSON.stringify(v)}`, {
              place: at(p),
              pointer: p,
            }),
          );
        else target[k] = v;
      } else if (k === 'size' && pointer === '/page') {
        if (
          typeof v === 'string' ||
          (Array.isArray(v) && v.length === 2 && v.every((x) => parseLength(x) !== undefined))
        )
          target[k] = typeof v === 'string' ? v : (v as unknown[]).map((x) => parseLength(x)!);
        else
          diagnostics.push(
            error('theme:type-mismatch', 'page size must be a name such as "A4" or [width, height]', {
              place: at(p),
              pointer: p,
            }),
          );
      } else if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) {
        merge(cur as Record<string, unknown>, v, p);
      } else if (Array.isArray(cur)) {
        if (!Array.isArray(v) || !v.every((x) => typeof x === typeof cur[0]))
          diagnostics.push(
            error('theme:type-mismatch', `expected a list of ${typeof cur[0]}s`, {
              place: at(p),
              pointer: p,
            }),
          );
        else target[k] = v;
      } else if (typeof v !== typeof cur || (typeof v === 'number' && !Number.isFinite(v))) {
        diagnostics.push(
          error('theme:type-mismatch', `expected ${typeof cur}, got ${JSON.stringify(v)}`, {
            place: at(p),
            pointer: p,
          }),
        );
      } else {
        target[k] = v;
      }
    }
  };
  merge(theme as unknown as Record<string, unknown>, loaded.data.value, '');
  const b = theme.body;
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
  ];
  for (const [ok, p, msg] of rangeChecks)
    if (!ok) diagnostics.push(error('theme:out-of-range', msg, { place: at(p), pointer: p }));
  return { theme, diagnostics };
}
