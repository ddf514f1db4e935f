/** The geometry of a canvas drawing: affine matrices as a canvas keeps them, and arcs as Bézier curves. */

/** A canvas matrix [a, b, c, d, e, f]: x' = a·x + c·y + e, y' = b·x + d·y + f. */
export type Matrix = [a: number, b: number, c: number, d: number, e: number, f: number];
export type Point = [x: number, y: number];
export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

export const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];

export const apply = (m: Matrix, x: number, y: number): Point => [
  m[0] * x + m[2] * y + m[4],
  m[1] * x + m[3] * y + m[5],
];

/** Bézier segments of an elliptical arc (at most a quarter turn each), in the ellipse's own frame. */
export function arcCurves(
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  rotation: number,
  start: number,
  sweep: number,
): { from: Point; curves: [number, number, number, number, number, number][] } {
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  const at = (t: number, dx = 0, dy = 0): Point => {
    const x = rx * (Math.cos(t) + dx);
    const y = ry * (Math.sin(t) + dy);
    return [cx + x * cos - y * sin, cy + x * sin + y * cos];
  };
  const n = Math.max(1, Math.ceil(Math.abs(sweep) / (Math.PI / 2) - 1e-9));
  const step = sweep / n;
  const k = (4 / 3) * Math.tan(step / 4);
  const curves: [number, number, number, number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const t0 = start + i * step;
    const t1 = t0 + step;
    const p1 = at(t0, -k * Math.sin(t0), k * Math.cos(t0));
    const p2 = at(t1, k * Math.sin(t1), -k * Math.cos(t1));
    const p3 = at(t1);
    curves.push([p1[0], p1[1], p2[0], p2[1], p3[0], p3[1]]);
  }
  return { from: at(start), curves };
}

/** The arc's sweep as a canvas draws it: clockwise unless `ccw`, a full turn at most. */
export function canvasSweep(start: number, end: number, ccw: boolean): number {
  const turn = 2 * Math.PI;
  if (!ccw && end - start >= turn) return turn;
  if (ccw && start - end >= turn) return -turn;
  let sweep = (end - start) % turn;
  if (!ccw && sweep < 0) sweep += turn;
  if (ccw && sweep > 0) sweep -= turn;
  return sweep;
}
