import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  attachRecord,
  cmapGlyph,
  saveRecords,
  useRecordDir,
  type RecordableFont,
} from '../src/fonts/face-record.js';
import { readLocaDirectly } from '../src/fonts/loca.js';
import { readWithoutOutlines } from '../src/fonts/sparse.js';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');
const sans = path.join(
  root,
  'node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
);
const require = createRequire(path.join(root, 'node_modules/pdfkit/package.json'));

interface Font extends RecordableFont {
  _tables: Record<string, unknown>;
  loca: { version: number; offsets: number[] };
}
const fontkit = require('fontkit') as { create(b: Uint8Array): Font };

interface RunLike {
  glyphs: { id: number; advanceWidth: number; codePoints: number[] }[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[];
  advanceWidth: number;
}

/** What a run says, as plain data: what pdfkit and the measurer read of it. */
const plain = (r: unknown) => {
  const run = r as RunLike;
  return {
    glyphs: run.glyphs.map((g) => [g.id, g.advanceWidth, [...g.codePoints]]),
    positions: run.positions.map((p) => ({ ...p })),
    advanceWidth: run.advanceWidth,
  };
};

// Runs the engine and pdfkit shape: stops with `halt`, Latin words, numbers with signs, a space; and no features.
const RUNS: [string, string[] | undefined][] = [
  ['，', ['halt']],
  ['「', ['halt']],
  ['。」', ['fwid', 'halt']],
  ['Briefing', undefined],
  ['8.1%', undefined],
  ['GDP', []],
  [' ', undefined],
];
const CHARS = ['中', '國', '\u{20000}', '\ue000'].map((c) => c.codePointAt(0)!);

const lookups = (font: RecordableFont) => ({
  runs: RUNS.map(([t, f]) => plain(font.layout(t, f))),
  cmap: CHARS.map((cp) => {
    const g = cmapGlyph(font, cp);
    return g && { id: g.id, advanceWidth: g.advanceWidth, codePoints: [...g.codePoints] };
  }),
});

afterEach(() => useRecordDir(false));

describe('face records', () => {
  const buffer = readWithoutOutlines(sans)!;
  const truth = lookups(fontkit.create(buffer));

  it('answer what fontkit answers, and a new process reads them without decoding cmap, GSUB or GPOS', () => {
    const cache = tempTree({});
    useRecordDir(cache);
    const first = fontkit.create(buffer);
    attachRecord(first, buffer);
    expect(lookups(first)).toEqual(truth);
    saveRecords();
    const files = readdirSync(path.join(cache, 'faces'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);

    // Another process: a font parsed afresh, its record read from the folder.
    const next = fontkit.create(buffer);
    attachRecord(next, buffer);
    expect(lookups(next)).toEqual(truth);
    expect(Object.keys(next._tables)).not.toContain('GSUB');
    expect(Object.keys(next._tables)).not.toContain('GPOS');
    expect(Object.keys(next._tables)).not.toContain('cmap');
    // pdfkit scales a run's positions in place: each answer is a run of its own.
    const a = next.layout('，', ['halt']) as RunLike;
    a.positions[0]!.xAdvance *= 2;
    expect(plain(next.layout('，', ['halt']))).toEqual(truth.runs[0]);
    // The missing character is recorded as missing.
    expect(cmapGlyph(next, 0xe000)).toBeUndefined();
  });

  it('give a glyph the characters of the text at hand, whichever character asked for it first', () => {
    // "-" and U+2011 (non-breaking hyphen) share a glyph, as space and U+00A0 do: fontkit's glyph keeps the code
    // points of the first character that asked for it, so a record of them would carry one document's text into
    // another's (its ToUnicode map).
    const cache = tempTree({});
    useRecordDir(cache);
    const font = fontkit.create(buffer);
    attachRecord(font, buffer);
    const hyphen = (r: unknown) => (r as RunLike).glyphs.find((g) => g.id === cmapGlyph(font, 0x2d)!.id)!;
    expect(hyphen(font.layout('A\u20111', undefined)).codePoints).toEqual([0x2011]);
    expect(hyphen(font.layout('COVID-19', undefined)).codePoints).toEqual([0x2d]);
    expect(cmapGlyph(font, 0x2011)!.codePoints).toEqual([0x2011]);
    expect(cmapGlyph(font, 0xa0)!.id).toBe(cmapGlyph(font, 0x20)!.id);
    expect(cmapGlyph(font, 0x20)!.codePoints).toEqual([0x20]);
    saveRecords();
    const next = fontkit.create(buffer);
    attachRecord(next, buffer);
    expect(hyphen(next.layout('COVID-19', undefined)).codePoints).toEqual([0x2d]);
    expect(hyphen(next.layout('A\u20111', undefined)).codePoints).toEqual([0x2011]);
  });

  it('ignores a damaged or foreign record, and writes a good one in its place', () => {
    const cache = tempTree({});
    useRecordDir(cache);
    const first = fontkit.create(buffer);
    attachRecord(first, buffer);
    lookups(first);
    saveRecords();
    const file = path.join(cache, 'faces', readdirSync(path.join(cache, 'faces'))[0]!);
    const good = JSON.parse(readFileSync(file, 'utf8')) as { runs: [string, number[][], number[][]][] };
    const bad = [
      '{"format":2,"cmap":[[20013,1]],"runs":[]}', // a cmap entry without its advance
      JSON.stringify({ ...good, runs: [[good.runs[0]![0], good.runs[0]![1], [[1, 2, 3]]]] }), // a short position
      JSON.stringify({ ...good, format: 99 }),
      '{"format":2,"cmap":[[20013,99999,1000]],"runs":[]}', // a glyph the face does not have
      JSON.stringify({ ...good, runs: [[good.runs[0]![0], [[-1, 500, 65292]], good.runs[0]![2]]] }),
      '{"format":2,"cmap":[',
    ];
    for (const text of bad) {
      writeFileSync(file, text);
      const font = fontkit.create(buffer);
      attachRecord(font, buffer);
      expect(lookups(font)).toEqual(truth);
      saveRecords();
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 2 });
    }
  });

  it('are kept by the tables shaping reads: a face with another GPOS gets a record of its own', () => {
    const cache = tempTree({});
    useRecordDir(cache);
    const other = Buffer.from(buffer);
    // The last byte of GPOS, changed.
    const n = other.readUInt16BE(4);
    for (let i = 0; i < n; i++)
      if (other.toString('latin1', 12 + 16 * i, 16 + 16 * i) === 'GPOS') {
        const end = other.readUInt32BE(20 + 16 * i) + other.readUInt32BE(24 + 16 * i) - 1;
        other[end] = other[end]! ^ 1;
      }
    for (const b of [buffer, other]) {
      const font = fontkit.create(b);
      attachRecord(font, b);
      font.layout('，', ['halt']);
      saveRecords();
    }
    expect(readdirSync(path.join(cache, 'faces'))).toHaveLength(2);
  });

  it('are neither read nor written in a folder others may write to', () => {
    const cache = tempTree({});
    chmodSync(cache, 0o777);
    useRecordDir(cache);
    const font = fontkit.create(buffer);
    attachRecord(font, buffer);
    lookups(font);
    saveRecords();
    expect(readdirSync(path.join(cache, 'faces'))).toEqual([]);
    // The lookups were still answered (and kept for the process).
    expect(lookups(font)).toEqual(truth);
  });
});

describe('loca read directly', () => {
  it('gives the offsets fontkit decodes', () => {
    const buffer = readFileSync(sans);
    const direct = fontkit.create(buffer);
    readLocaDirectly(direct);
    const decoded = fontkit.create(buffer);
    expect(direct.loca.version).toBe(decoded.loca.version);
    expect(direct.loca.offsets).toEqual(decoded.loca.offsets);
  });
});
