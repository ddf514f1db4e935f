import type { FontFamily } from '../fonts/fonts.js';
import type { DrawCall } from './drawing.js';
import type { ChartText } from './family.js';
import { glyphOutlines, type Outline } from './outlines.js';
import { apply, arcCurves, canvasSweep, IDENTITY, multiply, type Matrix, type Point } from './geometry.js';
import { defineStateProperties, PDF_DEFAULTS, styleCalls, type State, type Written } from './canvas-state.js';
import { baselineShift, fontOf, textMetrics, type TextMetricsLike } from './canvas-text.js';

/**
 * The 2D canvas context Chart.js draws a chart into: instead of pixels or an SVG, it records the drawing as pdfkit
 * calls (drawing.ts) in chart coordinates (points from the top left), which the PDF step replays. Upright words are
 * taken out of the drawing and set as PDF text in the document's own subset font (searchable, crisp, small);
 * rotated words and a value axis's numbers are drawn as the chart font's glyph outlines. Only what Chart.js and
 * Briefing's plugins use is here: another canvas call is a TypeError, which the figure stage reports.
 */

type Segment = ['M' | 'L', number, number] | ['C', number, number, number, number, number, number] | ['Z'];

/** Whether every argument is a finite number: a canvas ignores a path or transformation call that is not. */
const finite = (...v: number[]) => v.every(Number.isFinite);

/**
 * The recording context. `calls` is the drawing; `texts`, the words set as PDF text. Coordinates are recorded
 * after the current transformation (a PDF path cannot change its matrix midway, a canvas path can).
 */
export class RecordingContext {
  readonly calls: DrawCall[] = [];
  readonly texts: ChartText[] = [];
  readonly canvas: {
    width: number;
    height: number;
    style: Record<string, string>;
    getContext(): RecordingContext;
  };
  /** @internal The current drawing state (its canvas properties are accessors of it). */
  state: State = {
    m: IDENTITY,
    fillStyle: '#000000',
    strokeStyle: '#000000',
    lineWidth: 1,
    lineCap: 'butt',
    lineJoin: 'miter',
    miterLimit: 10,
    globalAlpha: 1,
    font: '10px sans-serif',
    textAlign: 'start',
    textBaseline: 'alphabetic',
    dash: [],
    lineDashOffset: 0,
  };
  private stack: State[] = [];
  private written: Written = { ...PDF_DEFAULTS };
  private writtenStack: Written[] = [];
  private path: Segment[] = [];
  private current: Point | undefined;
  private subpathStart: Point | undefined;
  // Canvas properties Chart.js sets and Briefing's drawing ignores (the chart is drawn on white, once).
  globalCompositeOperation = 'source-over';
  imageSmoothingEnabled = true;
  shadowBlur = 0;
  shadowColor = 'rgba(0, 0, 0, 0)';
  shadowOffsetX = 0;
  shadowOffsetY = 0;
  direction = 'ltr';
  // The drawing state's canvas properties (defined below, on the prototype).
  declare fillStyle: unknown;
  declare strokeStyle: unknown;
  declare lineWidth: number;
  declare lineCap: string;
  declare lineJoin: string;
  declare miterLimit: number;
  declare globalAlpha: number;
  declare font: string;
  declare textAlign: string;
  declare textBaseline: string;
  declare lineDashOffset: number;

  constructor(
    width: number,
    height: number,
    private readonly family: FontFamily,
  ) {
    this.canvas = { width, height, style: {}, getContext: () => this };
  }

  setLineDash(segments: number[]): void {
    if (!segments.every((s) => Number.isFinite(s) && s >= 0)) return;
    this.state.dash = segments.length % 2 ? [...segments, ...segments] : [...segments];
  }
  getLineDash(): number[] {
    return [...this.state.dash];
  }

  save(): void {
    this.stack.push({ ...this.state, dash: [...this.state.dash] });
    this.writtenStack.push({ ...this.written });
    this.calls.push(['save', []]);
  }
  restore(): void {
    const s = this.stack.pop();
    if (!s) return;
    this.state = s;
    this.written = this.writtenStack.pop()!;
    // A save with nothing drawn since is no save at all.
    const last = this.calls[this.calls.length - 1];
    if (last?.[0] === 'save') this.calls.pop();
    else this.calls.push(['restore', []]);
  }

  // The transformation.
  translate(x: number, y: number): void {
    if (!finite(x, y)) return;
    this.state.m = multiply(this.state.m, [1, 0, 0, 1, x, y]);
  }
  rotate(angle: number): void {
    if (!finite(angle)) return;
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    this.state.m = multiply(this.state.m, [c, s, -s, c, 0, 0]);
  }
  scale(x: number, y: number): void {
    if (!finite(x, y)) return;
    this.state.m = multiply(this.state.m, [x, 0, 0, y, 0, 0]);
  }
  transform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    if (!finite(a, b, c, d, e, f)) return;
    this.state.m = multiply(this.state.m, [a, b, c, d, e, f]);
  }
  setTransform(a: number | Matrix = 1, b = 0, c = 0, d = 1, e = 0, f = 0): void {
    const m: Matrix = Array.isArray(a) ? a : [a, b, c, d, e, f];
    if (finite(...m)) this.state.m = m;
  }
  resetTransform(): void {
    this.state.m = IDENTITY;
  }
  getTransform(): { a: number; b: number; c: number; d: number; e: number; f: number } {
    const [a, b, c, d, e, f] = this.state.m;
    return { a, b, c, d, e, f };
  }

  // The path, in chart coordinates.
  beginPath(): void {
    this.path = [];
    this.current = undefined;
    this.subpathStart = undefined;
  }
  moveTo(x: number, y: number): void {
    if (!finite(x, y)) return;
    const p = apply(this.state.m, x, y);
    this.path.push(['M', p[0], p[1]]);
    this.current = this.subpathStart = p;
  }
  lineTo(x: number, y: number): void {
    if (!finite(x, y)) return;
    if (!this.current) return this.moveTo(x, y);
    const p = apply(this.state.m, x, y);
    this.path.push(['L', p[0], p[1]]);
    this.current = p;
  }
  bezierCurveTo(x1: number, y1: number, x2: number, y2: number, x: number, y: number): void {
    if (!finite(x1, y1, x2, y2, x, y)) return;
    if (!this.current) this.moveTo(x1, y1);
    const m = this.state.m;
    const [a, b, c] = [apply(m, x1, y1), apply(m, x2, y2), apply(m, x, y)];
    this.path.push(['C', a[0], a[1], b[0], b[1], c[0], c[1]]);
    this.current = c;
  }
  quadraticCurveTo(qx: number, qy: number, x: number, y: number): void {
    if (!finite(qx, qy, x, y)) return;
    if (!this.current) this.moveTo(qx, qy);
    // In the current user space: the start point back through the inverse matrix is not needed, since a
    // quadratic's cubic form is affine-invariant; raise it in chart coordinates.
    const [q, end] = [apply(this.state.m, qx, qy), apply(this.state.m, x, y)];
    const [sx, sy] = this.current!;
    this.path.push([
      'C',
      sx + (2 / 3) * (q[0] - sx),
      sy + (2 / 3) * (q[1] - sy),
      end[0] + (2 / 3) * (q[0] - end[0]),
      end[1] + (2 / 3) * (q[1] - end[1]),
      end[0],
      end[1],
    ]);
    this.current = end;
  }
  closePath(): void {
    if (!this.current) return;
    this.path.push(['Z']);
    this.current = this.subpathStart;
  }
  rect(x: number, y: number, w: number, h: number): void {
    if (!finite(x, y, w, h)) return;
    this.moveTo(x, y);
    this.lineTo(x + w, y);
    this.lineTo(x + w, y + h);
    this.lineTo(x, y + h);
    this.closePath();
  }
  arc(x: number, y: number, r: number, start: number, end: number, ccw = false): void {
    this.ellipse(x, y, r, r, 0, start, end, ccw);
  }
  ellipse(
    x: number,
    y: number,
    rx: number,
    ry: number,
    rotation: number,
    start: number,
    end: number,
    ccw = false,
  ): void {
    if (!finite(x, y, rx, ry, rotation, start, end)) return;
    if (rx < 0 || ry < 0) throw new RangeError('negative radius');
    const { from, curves } = arcCurves(x, y, rx, ry, rotation, start, canvasSweep(start, end, ccw));
    if (this.current) this.lineTo(from[0], from[1]);
    else this.moveTo(from[0], from[1]);
    for (const c of curves) this.bezierCurveTo(...c);
  }

  // Painting.
  fill(rule?: string): void {
    this.paint('fill', rule === 'evenodd' ? ['even-odd'] : []);
  }
  stroke(): void {
    this.paint('stroke', []);
  }
  clip(rule?: string): void {
    this.paint('clip', rule === 'evenodd' ? ['even-odd'] : []);
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    this.withPath(
      () => this.rect(x, y, w, h),
      () => this.fill(),
    );
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.withPath(
      () => this.rect(x, y, w, h),
      () => this.stroke(),
    );
  }
  /** Chart.js clears the canvas before it draws: the recording starts empty, so there is nothing to clear. */
  clearRect(): void {}

  /** Draws with a path of its own, leaving the current path as it was (fillRect, strokeRect, drawn text). */
  private withPath(build: () => void, paint: () => void): void {
    const kept = [this.path, this.current, this.subpathStart] as const;
    this.beginPath();
    build();
    paint();
    [this.path, this.current, this.subpathStart] = kept;
  }

  private paint(op: 'fill' | 'stroke' | 'clip', args: string[]): void {
    if (!this.path.length) return;
    if (op === 'fill' || op === 'stroke') this.calls.push(...styleCalls(op, this.state, this.written));
    // To a thousandth of a point (pdfkit would write six decimals): a quarter of the drawing's size, as exact in print.
    const r = (v: number) => Math.round(v * 1000) / 1000;
    for (const s of this.path) {
      if (s[0] === 'M') this.calls.push(['moveTo', [r(s[1]), r(s[2])]]);
      else if (s[0] === 'L') this.calls.push(['lineTo', [r(s[1]), r(s[2])]]);
      else if (s[0] === 'C') this.calls.push(['bezierCurveTo', s.slice(1).map((v) => r(v as number))]);
      else this.calls.push(['closePath', []]);
    }
    this.calls.push([op, args]);
  }

  // Text.
  private face() {
    return fontOf(this.state.font, this.family);
  }

  private baselineShift(size: number, face: FontFamily['regular']): number {
    return baselineShift(this.state.textBaseline, size, face);
  }

  measureText(text: string): TextMetricsLike {
    const { face, size } = this.face();
    return textMetrics(String(text), face, size, this.baselineShift(size, face));
  }

  fillText(text: string, x: number, y: number, maxWidth?: number): void {
    const s = String(text);
    if (s.trim() === '' || !this.drawable(x, y, maxWidth)) return;
    const [a, b, c, d, e, f] = this.state.m;
    const upright =
      Math.abs(b) < 1e-9 && Math.abs(c) < 1e-9 && Math.abs(a - 1) < 1e-9 && Math.abs(d - 1) < 1e-9;
    const color = typeof this.state.fillStyle === 'string' ? this.state.fillStyle : undefined;
    // A right-aligned column of bare numbers (a value axis's ticks) stays drawn: as text, text extractors read
    // it as a column of body lines ("10", "0", …) and take one for a number broken across lines.
    const axisNumber = this.state.textAlign === 'right' && !/\p{Script=Han}/u.test(s);
    const { face, size, bold } = this.face();
    // Text a canvas would squeeze into maxWidth is drawn squeezed.
    const fits = maxWidth === undefined || face.advance(s) * size <= maxWidth;
    if (upright && color !== undefined && !axisNumber && fits) {
      const align = this.state.textAlign;
      this.texts.push({
        text: s,
        x: x + e,
        y: y + this.baselineShift(size, face) + f,
        size,
        bold,
        color,
        align: align === 'center' ? 'center' : align === 'right' || align === 'end' ? 'right' : 'left',
      });
      return;
    }
    this.drawText(s, x, y, maxWidth, () => this.fill());
  }

  strokeText(text: string, x: number, y: number, maxWidth?: number): void {
    if (String(text).trim() !== '' && this.drawable(x, y, maxWidth))
      this.drawText(String(text), x, y, maxWidth, () => this.stroke());
  }

  /** Whether a canvas draws text at x, y within maxWidth: not at a non-finite place, nor in no width. */
  private drawable(x: number, y: number, maxWidth: number | undefined): boolean {
    return finite(x, y) && (maxWidth === undefined || (Number.isFinite(maxWidth) && maxWidth > 0));
  }

  /** The drawing, every save restored (a canvas need not restore what it saved; a PDF drawing must). */
  finish(): readonly DrawCall[] {
    while (this.stack.length) this.restore();
    return this.calls;
  }

  /** Text as the chart font's outlines, placed as a canvas places it. */
  private drawText(
    text: string,
    x: number,
    y: number,
    maxWidth: number | undefined,
    paint: () => void,
  ): void {
    const { face, size } = this.face();
    const outline: Outline = glyphOutlines(face.file, text);
    const width = outline.advance * size;
    const squeeze =
      maxWidth !== undefined && width > maxWidth && width > 0 ? Math.max(0, maxWidth) / width : 1;
    const align = this.state.textAlign;
    const start =
      align === 'center'
        ? (-width * squeeze) / 2
        : align === 'right' || align === 'end'
          ? -width * squeeze
          : 0;
    const baseline = y + this.baselineShift(size, face);
    const kept = this.state.m;
    // Glyph coordinates are in em, y up: into user space at the text's origin.
    this.state.m = multiply(kept, [size * squeeze, 0, 0, -size, x + start, baseline]);
    this.withPath(
      () => {
        for (const s of outline.segments) {
          if (s[0] === 'M') this.moveTo(s[1], s[2]);
          else if (s[0] === 'L') this.lineTo(s[1], s[2]);
          else if (s[0] === 'Q') this.quadraticCurveTo(s[1], s[2], s[3], s[4]);
          else if (s[0] === 'C') this.bezierCurveTo(s[1], s[2], s[3], s[4], s[5], s[6]);
          else this.closePath();
        }
      },
      () => {
        this.state.m = kept;
        paint();
      },
    );
    this.state.m = kept;
  }
}

defineStateProperties(RecordingContext.prototype);
