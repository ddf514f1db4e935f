import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDataText, resolvePointer, type LoadResult } from '../src/data/load.js';
import { dataParseCounts, loadDataFile } from '../src/data/load-file.js';
import { tableFilesOf } from '../src/tables/refs.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('data loading', () => {
  it('indexes YAML values by JSON pointer with 1-based positions', () => {
    const r = parseDataText(
      'd.yaml',
      enc('title: 转正\nsections:\n  - title: 第一\n    paragraphs: [甲, 乙]\n'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.positions.get('/title')?.value).toMatchObject({ line: 1, column: 8 });
    expect(r.data.positions.get('/sections/0/title')?.value).toMatchObject({ line: 3, column: 12 });
    expect(r.data.positions.get('/sections/0/title')?.key).toMatchObject({ line: 3, column: 5 });
    expect(r.data.positions.get('/sections/0/paragraphs/1')?.value).toMatchObject({ line: 4, column: 21 });
    expect(resolvePointer(r.data.value, '/sections/0/paragraphs/1')).toBe('乙');
  });

  it('keeps dates as strings (YAML 1.2 core schema)', () => {
    const r = parseDataText('d.yaml', enc('date: 2021-01-11\n'));
    expect(r.ok && (r.data.value as { date: unknown }).date).toBe('2021-01-11');
  });

  it('reports YAML syntax errors with file:line:col', () => {
    const r = parseDataText('d.yaml', enc('a: 1\nb: [1, 2\nc: 3\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics[0]).toMatchObject({ code: 'data:syntax', place: { file: 'd.yaml' } });
    expect(r.diagnostics[0]!.place!.start!.line).toBeGreaterThanOrEqual(2);
  });

  it('reports duplicate keys', () => {
    const r = parseDataText('d.yaml', enc('a: 1\na: 2\n'));
    expect(!r.ok && r.diagnostics[0]).toMatchObject({
      code: 'data:syntax',
      place: { start: { line: 2, column: 1 } },
    });
  });

  it('reports JSON syntax errors at the offending character', () => {
    const r = parseDataText('d.json', enc('{\n  "a": 1,\n  "b": 2,\n}\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics[0]).toMatchObject({ code: 'data:syntax', place: { start: { line: 4, column: 1 } } });
  });

  it('indexes JSON values too', () => {
    const r = parseDataText('d.json', enc('{\n  "lead": ["x",\n    "y"]\n}'));
    expect(r.ok && r.data.positions.get('/lead/1')?.value).toMatchObject({ line: 3, column: 5 });
  });

  it('rejects invalid UTF-8 with the position of the bad byte', () => {
    const bytes = new Uint8Array([...enc('a: 好\nb: '), 0xb0, 0xa1, 0x0a]);
    const r = parseDataText('gbk.yaml', bytes);
    expect(!r.ok && r.diagnostics[0]).toMatchObject({
      code: 'data:encoding',
      place: { start: { line: 2, column: 4 } },
    });
  });

  it('accepts a UTF-8 byte-order mark without shifting columns', () => {
    const r = parseDataText('bom.yaml', new Uint8Array([0xef, 0xbb, 0xbf, ...enc('a: 1\n')]));
    expect(r.ok && r.data.value).toEqual({ a: 1 });
  });

  it('maps every object to its pointer for the {{ptr}} helper', () => {
    const r = parseDataText('d.yaml', enc('s:\n  - f: [{t: 1}]\n'));
    if (!r.ok) throw new Error('parse failed');
    const fig = (r.data.value as { s: { f: object[] }[] }).s[0]!.f[0]!;
    expect(r.data.pointers.get(fig)).toBe('/s/0/f/0');
  });

  it('parses a data file read again with the same bytes once, and gives each build a copy of its own', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'briefing-data-')), 'd.yaml');
    writeFileSync(file, 'base: &b { x: 1 }\nrows: [{ a: 1 }, *b]\n');
    const before = dataParseCounts();
    const first = await loadDataFile(file);
    const second = await loadDataFile(file);
    if (!first.ok || !second.ok) throw new Error('load failed');
    expect(dataParseCounts()).toEqual({ parsed: before.parsed + 1, kept: before.kept + 1 });
    const value = (r: LoadResult) => (r.ok ? r.data.value : undefined) as { base: object; rows: object[] };
    expect(value(second)).toEqual(value(first));
    // Its own value: what one build writes into its data (tables/resolve.ts does) no other build sees.
    expect(value(second)).not.toBe(value(first));
    value(first).rows.push({ table: 'row' });
    const third = await loadDataFile(file);
    expect(value(third).rows).toHaveLength(2);
    // An alias stays one object in the copy, and the copy's objects have their pointers; positions are the file's.
    expect(value(third).rows[1]).toBe(value(third).base);
    expect(third.ok && third.data.pointers.get(value(third).rows[0]!)).toBe('/rows/0');
    expect(third.ok && third.data.positions.get('/rows/0/a')?.value).toMatchObject({ line: 2, column: 13 });
    // Edited: parsed anew.
    writeFileSync(file, 'rows: [{ a: 2 }]\n');
    const edited = await loadDataFile(file);
    expect(edited.ok && edited.data.value).toEqual({ rows: [{ a: 2 }] });
    expect(dataParseCounts().parsed).toBe(before.parsed + 2);
  });

  it("keeps the parse that found a data file's tables for the build that reads the same bytes next", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'briefing-data-')), 'd.yaml');
    writeFileSync(file, 'unit: a\nrows: { $csv: a.csv }\n');
    const before = dataParseCounts();
    expect(tableFilesOf(file, readFileSync(file))).toEqual([path.join(path.dirname(file), 'a.csv')]);
    const loaded = await loadDataFile(file);
    expect(loaded.ok && loaded.data.value).toEqual({ unit: 'a', rows: { $csv: 'a.csv' } });
    expect(dataParseCounts()).toEqual({ parsed: before.parsed + 1, kept: before.kept + 1 });
  });
});
