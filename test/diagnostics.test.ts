import { describe, expect, it } from 'vitest';
import { CODES } from '../src/diagnostics/codes.js';
import { error, pointAt, warning } from '../src/diagnostics/diagnostic.js';
import { diagnosticToJson, formatDiagnostic } from '../src/diagnostics/format.js';

describe('diagnostics', () => {
  it('prints related places as notes and each hint on its own line', () => {
    const d = error('batch:duplicate-output', 'two reports would both write a.pdf', {
      place: { file: '/w/reports.yaml', start: { line: 4, column: 7 } },
      related: [{ place: { file: '/w/data/b.yaml' }, message: "the other report's data file" }],
      hint: ['add a variable to the out pattern', 'or give each report its own out'],
    });
    expect(formatDiagnostic(d, '/w').split('\n')).toEqual([
      'reports.yaml:4:7: error[batch:duplicate-output]: two reports would both write a.pdf',
      "  note: data/b.yaml: the other report's data file",
      '  hint: add a variable to the out pattern',
      '  hint: or give each report its own out',
    ]);
    const json = diagnosticToJson(d, '/w');
    expect(json.hints).toEqual(['add a variable to the out pattern', 'or give each report its own out']);
    expect(json.related).toEqual([{ file: 'data/b.yaml', message: "the other report's data file" }]);
    expect(formatDiagnostic(warning('layout:overflow', 'x', { hint: '' }))).toBe(
      'warning[layout:overflow]: x',
    );
  });

  it('counts columns in UTF-16 code units, as editors do, on short and very long lines', () => {
    const text = 'a: 𠮷x\nb: y\r\nc: z';
    expect(pointAt(text, text.indexOf('x'))).toEqual({ line: 1, column: 6, offset: 5 });
    expect(pointAt(text, text.indexOf('y'))).toMatchObject({ line: 2, column: 4 });
    expect(pointAt(text, text.indexOf('z'))).toMatchObject({ line: 3, column: 4 });
    const long = '[' + '1,'.repeat(500_000) + '2]';
    for (let i = 0; i < 5000; i++) expect(pointAt(long, i * 200).column).toBe(i * 200 + 1);
    expect(pointAt(long, long.length - 2)).toMatchObject({ line: 1, column: long.length - 1 });
  });

  it('declares every code with a meaning, in stage:rule form', () => {
    for (const [code, meaning] of Object.entries(CODES)) {
      expect(code).toMatch(/^[a-z]+(:[a-z-]+)?$/);
      expect(meaning.length).toBeGreaterThan(5);
    }
  });
});
