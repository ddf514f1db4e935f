import { describe, expect, it } from 'vitest';
import { columnWidthOf, computeGeometry, figureSlot } from '../src/page/geometry.js';
import type { Figure } from '../src/document/types.js';
import { checkThemeFonts, DEFAULT_THEME, parseTheme } from '../src/theme/theme.js';
import { hintsOf } from '../src/diagnostics/format.js';

describe('page geometry', () => {
  it('makes columns and gutter whole characters and centres the type area (clreq T1)', () => {
    const g = computeGeometry(DEFAULT_THEME)!;
    expect(g.columnWidth / g.size).toBe(g.columnChars);
    expect(Number.isInteger(g.columnChars)).toBe(true);
    expect(g.gutter / g.size).toBe(2);
    expect(g.textWidth).toBeCloseTo(g.columns * g.columnWidth + (g.columns - 1) * g.gutter, 6);
    expect(g.margins[0]).toBeCloseTo(g.margins[2], 6);
    expect(g.margins[0]).toBeGreaterThanOrEqual(DEFAULT_THEME.page.margins.left);
    expect(g.pitch).toBeCloseTo(10.5 * 1.7, 6);
  });

  it('follows the theme: three columns of 9 pt', () => {
    const { theme, diagnostics } = parseTheme(
      't.yaml',
      new TextEncoder().encode('body: { columns: 3, size: 9 }\n'),
    );
    expect(diagnostics).toEqual([]);
    const g = computeGeometry(theme)!;
    expect(g.columns).toBe(3);
    expect(g.columnWidth / 9).toBe(g.columnChars);
  });

  it('gives a figure one slot: the type area or its column wide, whole body lines tall', () => {
    const g = computeGeometry(DEFAULT_THEME)!;
    const fig: Figure = { type: 'figure', data: '/x' };
    const lines = DEFAULT_THEME.chart.heightLines;
    expect(figureSlot(fig, undefined, DEFAULT_THEME, g)).toEqual({
      width: g.textWidth,
      height: lines * g.pitch,
      spansPage: false,
    });
    expect(figureSlot(fig, g.columns, DEFAULT_THEME, g)).toEqual({
      width: g.columnWidth,
      height: lines * g.pitch,
      spansPage: false,
    });
    const three = figureSlot({ ...fig, lines: 4 }, 3, DEFAULT_THEME, g);
    expect(three).toEqual({
      width: columnWidthOf(g, DEFAULT_THEME.body.gutter, 3),
      height: 4 * g.pitch,
      spansPage: false,
    });
    expect(three.width / g.size).toBe(Math.floor(three.width / g.size));
  });

  it('reports unknown theme keys with a suggestion, and wrong types', () => {
    const { diagnostics } = parseTheme(
      't.yaml',
      new TextEncoder().encode('body:\n  colums: 3\n  size: big\npage: { margins: { top: 2 furlongs } }\n'),
    );
    expect(diagnostics.map((d) => d.code)).toEqual([
      'theme:unknown-key',
      'theme:type-mismatch',
      'theme:type-mismatch',
    ]);
    expect(diagnostics[0]).toMatchObject({
      hint: 'did you mean "columns"?',
      place: { start: { line: 2, column: 3 } },
    });
  });

  it('reports every theme mistake at once, each at its line: page size, colours, font families', () => {
    const text =
      'page: { size: A4x }\nheadline: { font: sams, color: acent }\nchart: { colors: [accent, "rgb(1,2,3)"] }\n';
    const parsed = parseTheme('t.yaml', new TextEncoder().encode(text));
    const fonts = checkThemeFonts(parsed.theme, ['serif', 'sans'], parsed.placeOf, 't.yaml');
    const all = [...parsed.diagnostics, ...fonts].map((d) => [
      d.code,
      `${d.place?.start?.line}:${d.place?.start?.column}`,
      hintsOf(d)[0]?.match(/did you mean "[^"]+"\?/)?.[0] ?? '',
    ]);
    expect(all).toEqual([
      ['theme:page-size', '1:15', 'did you mean "A4"?'],
      ['theme:color', '2:32', 'did you mean "accent"?'],
      ['theme:color', '3:27', ''],
      ['theme:unknown-font', '2:19', 'did you mean "sans"?'],
    ]);
  });

  it('takes the first chart colour from palette.accent unless the theme lists chart colours', () => {
    const accent = parseTheme('t.yaml', new TextEncoder().encode("palette: { accent: '#1f4e79' }\n")).theme;
    expect(accent.chart.colors[0]).toBe('#1f4e79');
    const own = parseTheme(
      't.yaml',
      new TextEncoder().encode("palette: { accent: '#1f4e79' }\nchart: { colors: ['#000000'] }\n"),
    ).theme;
    expect(own.chart.colors).toEqual(['#000000']);
    expect(DEFAULT_THEME.chart.colors[0]).toBe(DEFAULT_THEME.palette.accent);
  });
});

describe('a theme read again', () => {
  it('is parsed once and each reader gets a copy of its own, with the same diagnostics', () => {
    const bytes = new TextEncoder().encode(
      'body:\n  size: 11\n  colour: red\npalette:\n  accent: "#123456"\n',
    );
    const first = parseTheme('/pack/theme.yaml', bytes);
    first.theme.body.size = 99;
    first.theme.chart.colors.push('#000000');
    const again = parseTheme('/pack/theme.yaml', new Uint8Array(bytes));
    expect(again.theme.body.size).toBe(11);
    expect(again.theme.chart.colors[0]).toBe('#123456');
    expect(again.theme.chart.colors).not.toContain('#000000');
    expect(again.diagnostics).toEqual(first.diagnostics);
    expect(again.diagnostics.map((d) => d.code)).toContain('theme:unknown-key');
    expect(again.placeOf?.('/body/size')).toEqual(first.placeOf?.('/body/size'));
    // Another file, or other text, is read as such.
    expect(
      parseTheme('/pack/theme.yaml', new TextEncoder().encode('body:\n  size: 12\n')).theme.body.size,
    ).toBe(12);
  });
});
