/**
 * The geometry of Chart.js elements once the layout is final, read through `getProps` (Chart.js types a
 * dataset's elements as Element<AnyObject>, props of any type): for the plugins that draw shapes and for the
 * placement of value labels.
 */
import type { Element } from 'chart.js';

/** The geometry of a bar (for a point or a slice: x and y, its centre) once the layout is final. */
export interface BarGeometry {
  x: number;
  y: number;
  base: number;
  width: number;
  height: number;
}

/** Where an element stands (Chart.js types a dataset's elements as Element<AnyObject>, props of any type). */
export function position(el: Element): { x: number; y: number } {
  return el.getProps<('x' | 'y')[]>(['x', 'y'], true);
}

/** The angles and radii of a slice. */
export interface ArcGeometry {
  startAngle: number;
  endAngle: number;
  innerRadius: number;
  outerRadius: number;
}

/** Where a bar is drawn: its value end (x or y), its base, and its thickness. */
export function barGeometry(el: Element): BarGeometry {
  return el.getProps<(keyof BarGeometry)[]>(['x', 'y', 'base', 'width', 'height'], true);
}

/** Where a slice is drawn: its angles and radii. */
export function arcGeometry(el: Element): ArcGeometry {
  return el.getProps<(keyof ArcGeometry)[]>(['startAngle', 'endAngle', 'innerRadius', 'outerRadius'], true);
}
