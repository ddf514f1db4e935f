/**
 * A recorded drawing: the pdfkit calls that draw a picture — paths, colours, the graphics state — as plain data,
 * so that it can be kept on disk and replayed into any document. Charts are recorded as Chart.js draws them
 * (context.ts); a pack's SVG images, as svg-to-pdfkit draws them (emit/replay.ts).
 */

/** One recorded pdfkit call: the method's name and its arguments, or the fill colour put back (svg-to-pdfkit). */
export type DrawCall = readonly [method: string, args: readonly unknown[]] | readonly ['restoreFill'];

/**
 * The pdfkit calls a kept drawing may make. A file that names any other (or gives them anything but numbers,
 * strings, booleans and lists and records of them) is not replayed, so a kept drawing can only draw, whatever its
 * file says.
 */
const DRAWING_CALLS = new Set([
  'save',
  'restore',
  'translate',
  'scale',
  'rotate',
  'transform',
  'moveTo',
  'lineTo',
  'bezierCurveTo',
  'quadraticCurveTo',
  'closePath',
  'rect',
  'clip',
  'fill',
  'stroke',
  'fillAndStroke',
  'fillColor',
  'strokeColor',
  'fillOpacity',
  'strokeOpacity',
  'opacity',
  'lineWidth',
  'lineCap',
  'lineJoin',
  'miterLimit',
  'dash',
  'undash',
]);

const plain = (v: unknown): boolean =>
  v === null ||
  ['number', 'string', 'boolean'].includes(typeof v) ||
  (Array.isArray(v) && v.every(plain)) ||
  (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(plain));

/** Whether a parsed file is a list of allowed calls with plain arguments. */
export function isDrawing(v: unknown): v is DrawCall[] {
  return (
    Array.isArray(v) &&
    v.every(
      (c) =>
        Array.isArray(c) &&
        ((c.length === 1 && c[0] === 'restoreFill') ||
          (c.length === 2 && DRAWING_CALLS.has(c[0] as string) && Array.isArray(c[1]) && plain(c[1]))),
    )
  );
}
