// The page make-up measurer (test/support/page-measure.ts, a port of the team's page-check) on small synthetic
// PDFs drawn with pdfkit: two columns of 10.5 pt Noto Serif SC on a 17.85 pt pitch, paragraph starts indented
// 2 em. Nothing here depends on Briefing's own layout.
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { SERIF } from './support/cjk.js';
import { failures, measurePages, pyFixed, pyRound, type PageSummary } from './support/page-measure.js';
import { tempTree } from './support/tmp.js';

const SIZE = 10.5;
const PITCH = 17.85;
const TOP = 60;
/** Characters in a full line: the measure is 14 em. */
const MEASURE = 14;
const COLUMNS = [40, 40 + MEASURE * SIZE + 2 * SIZE];
const ROWS = 12;
const PAGE: [number, number] = [400, 360];
const TEXT =
  '春江潮水连海平海上明月共潮生滟滟随波千万里何处春江无月明江流宛转绕芳甸月照花林皆似霰空里流霜不觉飞汀上白沙看不见';

/**
 * One column, a letter a line from the top: `I` a paragraph's first line (indented 2 em, running to the right
 * edge), `F` a full line, `L` a paragraph's short last line (6 characters).
 */
type ColumnSpec = string;

interface PageSpec {
  columns: [ColumnSpec, ColumnSpec];
  /** Points added to the baselines of each column (a column off the grid). */
  shift?: [number, number];
  /** Extra lines drawn on the page: left edge, top, characters. */
  extra?: { x: number; y: number; chars: number }[];
}

/** A clean page pair: page 1 full, page 2 (the last) balanced at 7 lines; no column ends or starts badly. */
const CLEAN: PageSpec[] = [
  { columns: ['IFFLIFFFFLIF', 'FFLIFFFLIFFF'] },
  { columns: ['FFLIFFL', 'IFFFFFL'] },
];

/** `CLEAN` with its pages changed. */
const changed = (...pages: Partial<PageSpec>[]): PageSpec[] =>
  CLEAN.map((p, i) => ({ ...p, ...(pages[i] ?? {}) }));

function drawLine(doc: PDFKit.PDFDocument, code: string, left: number, top: number, n: number): void {
  const indent = code === 'I' ? 2 : 0;
  const chars = code === 'L' ? 6 : MEASURE - indent;
  const start = (n * 5) % (TEXT.length - MEASURE);
  doc.text(TEXT.slice(start, start + chars), left + indent * SIZE, top, { lineBreak: false });
}

/** Draws the pages with pdfkit and returns the PDF's bytes. */
async function makePdf(pages: PageSpec[]): Promise<Uint8Array> {
  const doc = new PDFDocument({ size: PAGE, margin: 0, autoFirstPage: false });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.font(SERIF).fontSize(SIZE);
  for (const page of pages) {
    doc.addPage();
    page.columns.forEach((spec, c) => {
      const left = COLUMNS[c] ?? 0;
      [...spec].forEach((code, row) =>
        drawLine(doc, code, left, TOP + row * PITCH + (page.shift?.[c] ?? 0), row + c * ROWS),
      );
    });
    for (const e of page.extra ?? []) doc.text(TEXT.slice(0, e.chars), e.x, e.y, { lineBreak: false });
  }
  doc.end();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}

const measure = async (pages: PageSpec[]) => measurePages(await makePdf(pages));

const ZERO: PageSummary = {
  overprint: 0,
  footGapLines: 0,
  worstFootGap: 0,
  lastPageImbalance: 0,
  widows: 0,
  orphans: 0,
  gridPages: 0,
};

describe('measurePages on synthetic two-column pages', () => {
  it('finds the body line, the pitch, the columns and the type area of a clean page pair, and no faults', async () => {
    const m = await measure(CLEAN);
    expect(m.bodyHeight).toBe(15.1);
    expect(m.pitch).toBeCloseTo(PITCH, 6);
    expect(m.columns).toEqual([
      [40, 187],
      [208, 355],
    ]);
    // The lowest line's box bottom: its top plus poppler's 1.437 em line box.
    expect(m.typeBottom).toBe(pyRound(TOP + (ROWS - 1) * PITCH + 1.437 * SIZE, 1));
    expect(m.lastPage).toEqual({ 1: 7, 2: 7 });
    expect(m.summary).toEqual(ZERO);
    expect(failures(m.summary)).toEqual([]);
  });

  it('reads a PDF from a file path as from its bytes', async () => {
    const dir = tempTree({ 'clean.pdf': await makePdf(CLEAN) });
    expect(await measurePages(path.join(dir, 'clean.pdf'))).toEqual(await measure(CLEAN));
  });

  it('counts the empty lines under a column two lines short on a page that is not the last', async () => {
    const m = await measure(
      changed({ columns: ['IFFLIFFFFLIF', 'FFLIFFFLIL'] }, { columns: ['IFLIFFL', 'IFFFFFL'] }),
    );
    expect(m.footGaps).toEqual([{ page: 1, column: 2, lines: 2 }]);
    expect(m.summary).toEqual({ ...ZERO, footGapLines: 2, worstFootGap: 2 });
    expect(failures(m.summary)).toEqual(['worstFootGap']);
  });

  it('lists a column one line short, which passes', async () => {
    const m = await measure(
      changed({ columns: ['IFFLIFFFFLIF', 'FFLIFFFLIFL'] }, { columns: ['IFLIFFL', 'IFFFFFL'] }),
    );
    expect(m.footGaps).toEqual([{ page: 1, column: 2, lines: 1 }]);
    expect(m.summary).toEqual({ ...ZERO, footGapLines: 1, worstFootGap: 1 });
    expect(failures(m.summary)).toEqual([]);
  });

  it('does not count short columns on the last page as foot gaps, but their imbalance', async () => {
    const m = await measure(changed({}, { columns: ['FFLIFFFFFL', 'IFFL'] }));
    expect(m.footGaps).toEqual([]);
    expect(m.lastPage).toEqual({ 1: 10, 2: 4 });
    expect(m.summary).toEqual({ ...ZERO, lastPageImbalance: 6 });
    expect(failures(m.summary)).toEqual(['lastPageImbalance']);
  });

  it('finds a widow: a paragraph’s last line alone at the top of column 2, a new paragraph next', async () => {
    const m = await measure(changed({ columns: ['IFFLIFFFFLIF', 'LIFFLIFFFLIF'] }));
    expect(m.widows).toEqual([expect.stringMatching(/^p1 x208 y60: \S+$/)]);
    expect(m.summary).toEqual({ ...ZERO, widows: 1 });
    expect(failures(m.summary)).toEqual(['widows']);
  });

  it('finds an orphan: a paragraph’s indented first line alone at a column foot', async () => {
    const m = await measure(changed({ columns: ['IFFLIFFFFFLI', 'FFLIFFFLIFFF'] }));
    expect(m.orphans).toEqual([expect.stringMatching(/^p1 x61 y256: \S+$/)]);
    expect(m.summary).toEqual({ ...ZERO, orphans: 1 });
    expect(failures(m.summary)).toEqual(['orphans']);
  });

  it('finds two lines drawn over each other', async () => {
    const m = await measure(
      changed({ extra: [{ x: COLUMNS[0] ?? 0, y: TOP + 4 * PITCH + 6, chars: MEASURE }] }),
    );
    expect(m.overprint).toEqual([expect.stringMatching(/^p1: ".+" over ".+" at y 137$/)]);
    expect(m.summary).toEqual({ ...ZERO, overprint: 1 });
    expect(failures(m.summary)).toEqual(['overprint']);
  });

  it('finds text running off the page', async () => {
    const m = await measure(changed({}, { extra: [{ x: 300, y: 200, chars: 14 }] }));
    // pdftotext drops the glyphs that start off the page: the word seen ends with the one across the edge.
    expect(m.overprint).toEqual([expect.stringMatching(/^p2: ".+" outside the page box \(x 300–40\d\)$/)]);
    expect(m.summary).toEqual({ ...ZERO, overprint: 1 });
  });

  it('finds a page whose columns are 4 pt off one grid', async () => {
    const m = await measure(changed({ shift: [0, 4] }));
    expect(m.gridPages).toEqual([expect.stringMatching(/^p1: columns (3\.9|4\.0|4\.1)0 pt apart$/)]);
    expect(m.summary).toEqual({ ...ZERO, gridPages: 1 });
    expect(failures(m.summary)).toEqual(['gridPages']);
  });

  it('tolerates columns 0.3 pt apart', async () => {
    const m = await measure(changed({ shift: [0, 0.3] }));
    expect(m.summary).toEqual(ZERO);
  });
});

describe('failures', () => {
  it('applies page-check’s --check thresholds, in its order', () => {
    expect(failures({ ...ZERO, worstFootGap: 1, footGapLines: 5, lastPageImbalance: 1 })).toEqual([]);
    expect(failures({ ...ZERO, worstFootGap: 2, lastPageImbalance: 2, gridPages: 1, overprint: 3 })).toEqual([
      'overprint',
      'gridPages',
      'worstFootGap',
      'lastPageImbalance',
    ]);
  });
});

describe('Python rounding', () => {
  it('rounds half to even on the exact binary value, as round() and format() do', () => {
    expect([pyRound(0.25, 1), pyRound(0.75, 1), pyRound(0.35, 1), pyRound(15.05, 1)]).toEqual([
      0.2, 0.8, 0.3, 15.1,
    ]);
    expect([pyRound(2.5), pyRound(3.5), pyRound(-0.5), pyRound(-1.5)]).toEqual([2, 4, 0, -2]);
    expect([pyFixed(0.5, 0), pyFixed(1.5, 0), pyFixed(2.675, 2), pyFixed(-0.3, 0), pyFixed(4, 2)]).toEqual([
      '0',
      '2',
      '2.67',
      '-0',
      '4.00',
    ]);
  });
});
