/**
 * A recorded drawing: the pdfkit calls that draw a picture — paths, colours, the graphics state — as plain data,
 * so that it can be kept on disk and replayed into any document. Charts are recorded as Chart.js draws them
 * (context.ts); a pack's SVG images, as svg-to-pdfkit draws them (emit/replay.ts).
 */

/** One recorded pdfkit call: the method's name and its arguments, or the fill colour put back (svg-to-pdfkit). */
export type DrawCall = readonly [method: string, args: readonly unknown[]] | readonly ['restoreFill'];

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const unit = (v: unknown) => num(v) && v >= 0 && v <= 1;
const count =
  (n: number) =>
  (a: readonly unknown[]): boolean =>
    a.length === n && a.every(num);
const none = (a: readonly unknown[]) => a.length === 0;
const oneOf =
  (...names: string[]) =>
  (a: readonly unknown[]) =>
    a.length === 1 && names.includes(a[0] as string);
const RULES = ['nonzero', 'non-zero', 'evenodd', 'even-odd'];
const rule = (a: readonly unknown[]) => none(a) || oneOf(...RULES)(a);
/** A colour as pdfkit writes it safely: #rrggbb, or RGB (0–255) or CMYK (0–100) numbers. */
const colour = (v: unknown) =>
  (typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v)) ||
  (Array.isArray(v) && (v.length === 3 || v.length === 4) && v.every((x) => num(x) && x >= 0 && x <= 255));
const plainRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The pdfkit calls a kept drawing may make, each with the arguments it may take: finite numbers where pdfkit
 * expects numbers, colours and names it writes as they are only from the lists here. pdfkit writes some arguments
 * into the page unchecked (a colour array of strings, a line cap that is not a name), so a drawing whose file says
 * anything else is not replayed: a kept drawing can only draw.
 */
const DRAWING_CALLS: Record<string, (a: readonly unknown[]) => boolean> = {
  save: none,
  restore: none,
  closePath: none,
  undash: none,
  stroke: none,
  fill: rule,
  clip: rule,
  fillAndStroke: rule,
  translate: count(2),
  scale: (a) => (a.length === 1 || a.length === 2) && a.every(num),
  rotate: count(1),
  transform: count(6),
  moveTo: count(2),
  lineTo: count(2),
  bezierCurveTo: count(6),
  quadraticCurveTo: count(4),
  rect: count(4),
  fillColor: (a) => (a.length === 1 || a.length === 2) && colour(a[0]) && (a.length === 1 || unit(a[1])),
  strokeColor: (a) => (a.length === 1 || a.length === 2) && colour(a[0]) && (a.length === 1 || unit(a[1])),
  fillOpacity: (a) => a.length === 1 && unit(a[0]),
  strokeOpacity: (a) => a.length === 1 && unit(a[0]),
  opacity: (a) => a.length === 1 && unit(a[0]),
  lineWidth: (a) => a.length === 1 && num(a[0]) && a[0] >= 0,
  miterLimit: (a) => a.length === 1 && num(a[0]) && a[0] > 0,
  lineCap: oneOf('butt', 'round', 'square'),
  lineJoin: oneOf('miter', 'round', 'bevel'),
  dash: (a) =>
    (a.length === 1 || a.length === 2) &&
    ((num(a[0]) && a[0] > 0) || (Array.isArray(a[0]) && a[0].every((x) => num(x) && x > 0))) &&
    (a.length === 1 ||
      (plainRecord(a[1]) &&
        Object.entries(a[1]).every(
          ([k, v]) => (k === 'phase' && num(v)) || (k === 'space' && num(v) && v > 0),
        ))),
};

/**
 * Whether a parsed file is a drawing: a list of allowed calls with the arguments each takes (above), whose saves
 * and restores pair up (a restore of more than the drawing saved would undo the page's own state).
 */
export function isDrawing(v: unknown): v is DrawCall[] {
  if (!Array.isArray(v)) return false;
  let depth = 0;
  for (const c of v) {
    if (!Array.isArray(c)) return false;
    if (c.length === 1 && c[0] === 'restoreFill') continue;
    const check =
      c.length === 2 && typeof c[0] === 'string' && Object.hasOwn(DRAWING_CALLS, c[0]) && DRAWING_CALLS[c[0]];
    if (!check || !Array.isArray(c[1]) || !check(c[1] as unknown[])) return false;
    if (c[0] === 'save') depth++;
    if (c[0] === 'restore' && --depth < 0) return false;
  }
  return depth === 0;
}
