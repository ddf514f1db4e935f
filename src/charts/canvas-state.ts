import { color as parseColor } from 'chart.js/helpers';
import type { DrawCall } from './drawing.js';
import type { Matrix } from './geometry.js';

/** The drawing state of the recording context (context.ts): what a canvas keeps and what the PDF was given. */

/** What a canvas save() keeps. */
export interface State {
  m: Matrix;
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  lineCap: string;
  lineJoin: string;
  miterLimit: number;
  globalAlpha: number;
  font: string;
  textAlign: string;
  textBaseline: string;
  dash: number[];
  lineDashOffset: number;
}

/** The graphics state written into the PDF so far (mirrors its q/Q nesting): only changes are written. */
export interface Written {
  fill: string;
  fillOpacity: number;
  stroke: string;
  strokeOpacity: number;
  lineWidth: number;
  lineCap: string;
  lineJoin: string;
  miterLimit: number;
  dash: string;
}

export const PDF_DEFAULTS: Written = {
  fill: '#000000',
  fillOpacity: 1,
  stroke: '#000000',
  strokeOpacity: 1,
  lineWidth: 1,
  lineCap: 'butt',
  lineJoin: 'miter',
  miterLimit: 10,
  dash: JSON.stringify([[], 0]),
};

const hex2 = (v: number) =>
  Math.round(Math.min(255, Math.max(0, v)))
    .toString(16)
    .padStart(2, '0');

/** A CSS colour as pdfkit takes it (#rrggbb) and its alpha; a gradient or pattern cannot be recorded. */
function cssColor(style: unknown): [string, number] {
  if (typeof style !== 'string') throw new TypeError('a chart colour must be a CSS colour string');
  const c = parseColor(style);
  if (!c.valid) throw new TypeError(`"${style}" is not a colour`);
  const { r, g, b, a } = c.rgb;
  return [`#${hex2(r)}${hex2(g)}${hex2(b)}`, a];
}

/**
 * The pdfkit calls that make the PDF's graphics state what a fill or a stroke with the canvas `state` needs,
 * given what was `written` before (updated): colours with their opacity; for a stroke, also width, caps, joins
 * and dashes, in chart coordinates.
 */
export function styleCalls(op: 'fill' | 'stroke', state: State, written: Written): DrawCall[] {
  const calls: DrawCall[] = [];
  const w = written;
  const [colour, alpha] = cssColor(op === 'fill' ? state.fillStyle : state.strokeStyle);
  const opacity = alpha * state.globalAlpha;
  if (op === 'fill') {
    if (colour !== w.fill || opacity !== w.fillOpacity) {
      calls.push(['fillColor', [colour, opacity]]);
      w.fill = colour;
      w.fillOpacity = opacity;
    }
    return calls;
  }
  if (colour !== w.stroke || opacity !== w.strokeOpacity) {
    calls.push(['strokeColor', [colour, opacity]]);
    w.stroke = colour;
    w.strokeOpacity = opacity;
  }
  // Widths and dashes are in user space: scaled as the current matrix scales (Chart.js only translates and
  // rotates its lines, so this is the plain width).
  const [a, b, c, d] = state.m;
  const scale = Math.sqrt(Math.abs(a * d - b * c));
  const width = state.lineWidth * scale;
  if (width !== w.lineWidth) calls.push(['lineWidth', [(w.lineWidth = width)]]);
  if (state.lineCap !== w.lineCap) calls.push(['lineCap', [(w.lineCap = state.lineCap)]]);
  if (state.lineJoin !== w.lineJoin) calls.push(['lineJoin', [(w.lineJoin = state.lineJoin)]]);
  if (state.miterLimit !== w.miterLimit) calls.push(['miterLimit', [(w.miterLimit = state.miterLimit)]]);
  const dash = state.dash.map((x) => x * scale);
  const phase = state.lineDashOffset * scale;
  const key = JSON.stringify([dash, phase]);
  if (key !== w.dash) {
    w.dash = key;
    if (!dash.length || dash.every((x) => x === 0)) calls.push(['undash', []]);
    // pdfkit refuses zero lengths (a dot with a round cap): a hundredth of a point draws the same.
    else calls.push(['dash', [dash.map((x) => Math.max(x, 0.01)), { phase }]]);
  }
  return calls;
}

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const oneOf =
  (...values: string[]) =>
  (v: unknown) =>
    values.includes(v as string);

/**
 * The canvas properties that are the drawing state, saved and restored with it: a value a canvas refuses (a width
 * of 0, an unknown cap) is ignored, as a canvas ignores it, and the last good one stays.
 */
const PROPERTIES: Record<Exclude<keyof State, 'm' | 'dash'>, (v: unknown) => boolean> = {
  // A colour string a canvas cannot read is ignored; a gradient or pattern is kept (and refused when painted).
  fillStyle: (v) => typeof v !== 'string' || parseColor(v).valid,
  strokeStyle: (v) => typeof v !== 'string' || parseColor(v).valid,
  lineWidth: positive,
  lineCap: oneOf('butt', 'round', 'square'),
  lineJoin: oneOf('miter', 'round', 'bevel'),
  miterLimit: positive,
  globalAlpha: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  font: (v) => typeof v === 'string',
  textAlign: oneOf('start', 'end', 'left', 'right', 'center'),
  textBaseline: oneOf('alphabetic', 'top', 'hanging', 'middle', 'ideographic', 'bottom'),
  lineDashOffset: (v) => typeof v === 'number' && Number.isFinite(v),
};
/** Defines the state's canvas properties on a context class whose instances keep their state in `state`. */
export function defineStateProperties(proto: object): void {
  for (const [name, valid] of Object.entries(PROPERTIES))
    Object.defineProperty(proto, name, {
      get(this: { state: State }) {
        return this.state[name as keyof State];
      },
      set(this: { state: State }, v: unknown) {
        if (valid(v)) (this.state as unknown as Record<string, unknown>)[name] = v;
      },
    });
}
