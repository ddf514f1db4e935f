import { describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { drawRecorded, forgetRecordings, replay } from '../src/emit/replay.js';
import { diskDrawings } from '../src/emit/drawing-store.js';
import { isDrawing, type DrawCall } from '../src/charts/drawing.js';
import { tempTree } from './support/tmp.js';
import type { PdfKitDoc } from '../src/emit/pdfmake/internals.js';

/** As much of a pdfkit document as the drawings below use: chainable calls written to `ops`. */
class FakeDoc {
  ops: string[] = [];
  page = { width: 100, height: 200, fonts: {} as Record<string, unknown> };
  _ctm = [1, 0, 0, 1, 0, 0];
  _fillColor: unknown = ['black', 1];
  moveTo(x: number, y: number) {
    this.ops.push(`${x} ${y} m`);
    return this;
  }
  dash(pattern: number[]) {
    this.ops.push(`[${pattern.join(' ')}] d`);
    return this;
  }
  fillColor(c: string) {
    this._fillColor = [c, 1];
    this.ops.push(`${c} scn`);
    return this;
  }
  linearGradient() {
    return { stops: [] };
  }
}

const asDoc = (d: FakeDoc) => d as unknown as PdfKitDoc;

describe('drawings recorded once and replayed', () => {
  it('replays the same calls on the next document without drawing again, the fill colour put back', () => {
    let drawn = 0;
    const draw = (doc: PdfKitDoc) => {
      drawn++;
      const d = doc as unknown as FakeDoc;
      const saved = d._fillColor;
      const pattern = [2, 1];
      d.moveTo(d.page.width, 1).dash(pattern).fillColor('red');
      pattern.push(9); // the recording kept a copy
      d._fillColor = saved;
    };
    const a = new FakeDoc();
    drawRecorded(asDoc(a), 'one', draw);
    const b = new FakeDoc();
    drawRecorded(asDoc(b), 'one', draw);
    expect(drawn).toBe(1);
    expect(b.ops).toEqual(['100 1 m', '[2 1] d', 'red scn']);
    expect(b.ops).toEqual(a.ops);
    expect(b._fillColor).toEqual(['black', 1]);
    // Another key, another page size or another matrix is another drawing.
    drawRecorded(asDoc(new FakeDoc()), 'two', draw);
    const wide = new FakeDoc();
    wide.page.width = 300;
    drawRecorded(asDoc(wide), 'one', draw);
    expect(wide.ops[0]).toBe('300 1 m');
    const moved = new FakeDoc();
    moved._ctm = [1, 0, 0, 1, 5, 5];
    drawRecorded(asDoc(moved), 'one', draw);
    expect(drawn).toBe(4);
  });

  it('draws every time what reads the page’s resources or keeps an object pdfkit gave it', () => {
    let drawn = 0;
    const fonts = (doc: PdfKitDoc) => {
      drawn++;
      (doc as unknown as FakeDoc).page.fonts.F1 = {};
      (doc as unknown as FakeDoc).moveTo(0, 0);
    };
    const gradient = (doc: PdfKitDoc) => {
      drawn++;
      (doc as unknown as FakeDoc).linearGradient();
    };
    for (let i = 0; i < 3; i++) {
      const d = new FakeDoc();
      drawRecorded(asDoc(d), 'fonts', fonts);
      expect(d.page.fonts.F1).toBeDefined();
      drawRecorded(asDoc(new FakeDoc()), 'gradient', gradient);
    }
    expect(drawn).toBe(6);
  });
});

describe('drawings kept on disk for later processes', () => {
  const draw = (count: { n: number }) => (doc: PdfKitDoc) => {
    count.n++;
    (doc as unknown as FakeDoc).moveTo(3, 4).dash([1, 2]);
  };

  it('replays a drawing a previous process recorded, without drawing it', () => {
    const dir = tempTree({});
    const count = { n: 0 };
    const first = new FakeDoc();
    drawRecorded(asDoc(first), 'disk', draw(count), diskDrawings(dir, 'v1'));
    forgetRecordings();
    const next = new FakeDoc();
    drawRecorded(asDoc(next), 'disk', draw(count), diskDrawings(dir, 'v1'));
    expect(count.n).toBe(1);
    expect(next.ops).toEqual(first.ops);
    // Another svg-to-pdfkit version is another drawing.
    forgetRecordings();
    drawRecorded(asDoc(new FakeDoc()), 'disk', draw(count), diskDrawings(dir, 'v2'));
    expect(count.n).toBe(2);
  });

  it('draws afresh when a kept file calls anything but drawing operations, or is damaged', () => {
    const dir = tempTree({});
    const count = { n: 0 };
    drawRecorded(asDoc(new FakeDoc()), 'tampered', draw(count), diskDrawings(dir, 'v1'));
    const [file] = readdirSync(path.join(dir, 'drawings'));
    for (const bad of ['[["end",[]]]', '[["addContent",["0 0 m"]]]', '[["moveTo",[{"x":[1]}]]] junk', '{}']) {
      writeFileSync(path.join(dir, 'drawings', file!), bad);
      forgetRecordings();
      const doc = new FakeDoc();
      drawRecorded(asDoc(doc), 'tampered', draw(count), diskDrawings(dir, 'v1'));
      expect(doc.ops).toEqual(['3 4 m', '[1 2] d']);
    }
    expect(count.n).toBe(5);
    expect(isDrawing([['moveTo', [1, 2]], ['restoreFill']])).toBe(true);
    expect(isDrawing([['fillColor', [() => 0]]])).toBe(false);
    expect(isDrawing([['pipe', []]])).toBe(false);
  });

  it('takes as a drawing only calls with the arguments pdfkit draws with, saves and restores paired', () => {
    // What svg-to-pdfkit's drawings and the chart recorder (charts/context.ts) make.
    const good = [
      ['save', []],
      ['transform', [1, 0, 0, -1, 0, 160]],
      ['translate', [2, 3]],
      ['scale', [0.5]],
      ['fillColor', [[178, 24, 43], 1]],
      ['fillColor', ['#b2182b', 1]],
      ['strokeColor', [[0, 0, 0], 0.5]],
      ['lineWidth', [0.4]],
      ['lineCap', ['butt']],
      ['lineJoin', ['miter']],
      ['miterLimit', [10]],
      ['dash', [[], { phase: 0 }]],
      ['dash', [[3, 1.5], { phase: 0.5 }]],
      ['undash', []],
      ['moveTo', [1, 2]],
      ['bezierCurveTo', [1, 2, 3, 4, 5, 6]],
      ['lineTo', [1, 2]],
      ['closePath', []],
      ['fill', ['nonzero']],
      ['fill', ['even-odd']],
      ['clip', []],
      ['stroke', []],
      ['restore', []],
      ['restoreFill'],
    ];
    expect(isDrawing(good)).toBe(true);
    // pdfkit writes these into the page as they are, or throws on them at every build.
    const bad: unknown[][] = [
      ['fillColor', [['1 0 0 rg 0 0 5000 5000 re f 0']]],
      ['fillColor', [['0', '0', '0']]],
      ['fillColor', ['red; 0 0 m']],
      ['fillColor', ['#b2182b', 2]],
      ['lineCap', [['Q Q Q Q 0']]],
      ['lineJoin', ['sharp']],
      ['dash', [['a', 'b']]],
      ['dash', [[0, 2]]],
      ['dash', [[2], { phase: 'x' }]],
      ['opacity', ['x']],
      ['lineWidth', [-1]],
      ['moveTo', [null, 2]],
      ['lineTo', [1]],
      ['bezierCurveTo', [1, 2, 3, 4, 5, '6']],
      ['fill', ['0 0 m']],
      ['stroke', ['#000000']],
      ['rotate', [1, { origin: [0, 0] }]],
    ];
    for (const call of bad) expect(isDrawing([call]), JSON.stringify(call)).toBe(false);
    // A NaN read back from JSON is null; a restore of more than was saved, or a save never restored, is refused.
    expect(isDrawing(JSON.parse(JSON.stringify([['lineTo', [Number.NaN, 1]]])))).toBe(false);
    expect(
      isDrawing([
        ['restore', []],
        ['save', []],
      ]),
    ).toBe(false);
    expect(isDrawing([['save', []]])).toBe(false);
    expect(
      isDrawing([
        ['save', []],
        ['restore', []],
        ['restore', []],
      ]),
    ).toBe(false);
  });
});

describe('a replay on a pdfkit document', () => {
  it("writes the page's content as the calls made one by one write it, in one piece", async () => {
    const { default: PDFDocument } = (await import('pdfkit')) as unknown as {
      default: new (o: object) => Record<string, unknown> & { end(): void };
    };
    const calls: DrawCall[] = [
      ['save', []],
      ['fillColor', ['#336699', 1]],
      ['moveTo', [10, 20]],
      ['bezierCurveTo', [1.5, 2.25, 3.125, 4, 5, 6]],
      ['lineTo', [30.0004, 40]],
      ['fill', []],
      ['restoreFill'],
      ['strokeOpacity', [0.5]],
      ['rect', [1, 2, 3, 4]],
      ['stroke', []],
      ['restore', []],
    ];
    const content = (doc: Record<string, unknown>) =>
      Buffer.concat((doc.page as { content: { buffer: Buffer[] } }).content.buffer).toString('latin1');
    const one = new PDFDocument({ compress: false });
    const fill = one._fillColor;
    for (const call of calls)
      if (call[0] === 'restoreFill') one._fillColor = fill;
      else (one[call[0]] as (...a: unknown[]) => unknown).apply(one, call[1] as unknown[]);
    const pieces = (one.page as { content: { buffer: Buffer[] } }).content.buffer.length;
    const two = new PDFDocument({ compress: false });
    replay(two, calls);
    expect(content(two)).toBe(content(one));
    expect(content(two)).toContain('1.5 2.25 3.125 4 5 6 c');
    // …in one buffer, not one an operator; and the document's own writer is back.
    expect((two.page as { content: { buffer: Buffer[] } }).content.buffer.length).toBeLessThan(pieces);
    expect(Object.prototype.hasOwnProperty.call(two, 'addContent')).toBe(false);
    one.end();
    two.end();
  });
});
