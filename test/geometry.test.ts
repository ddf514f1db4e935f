import { describe, expect, it } from 'vitest';
import { columnWidthOf, computeGeometry, figureSlot } from '../src/page/geometry.js';
import type { Figure } from '../src/document/types.js';
import { DEFAULT_THEME, parseTheme } from '../src/theme/theme.js';

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
});
