import { decimalsOf, fixedDigits, formatCnUnits, scaleFor } from '../format/numbers.js';

/** Chart ticks and value labels: the shared print formats (src/format/numbers.ts) with `%` for a `%` unit. */

/**
 * One number as a label: thousands separators below 10,000 (7,410), 万 and 亿 above (37.5万, 595.92亿), the
 * given decimals below 10,000 (3.0 stays 3.0), at most two decimals after 万 or 亿, `%` when the unit is `%`.
 */
export function formatChartNumber(v: number, decimals?: number, unit = ''): string {
  return formatCnUnits(v, { decimals }) + (unit === '%' ? '%' : '');
}

/**
 * Tick labels for a value axis: every tick on the same scale (0, 5000万, 1亿 would mix units, so it is
 * 0, 0.5亿, 1亿), chosen from the largest value on the axis, and every tick with the decimals of the finest
 * one (0.0, 0.5, 1.0 rather than 0, 0.5, 1). Give the axis' ticks as the second argument.
 */
export function axisFormatter(maxAbs: number, unit = ''): (v: number, ticks?: readonly number[]) => string {
  const { divisor, suffix } = scaleFor(maxAbs);
  const pct = unit === '%' ? '%' : '';
  // Rounded to 4 places so that floating-point noise (0.30000000000000004) does not count as decimals.
  const scaled = (v: number) => Number((v / divisor).toFixed(4));
  return (v, ticks = [v]) => {
    if (v === 0) return '0' + pct;
    // Separators only without a unit (2,000; 1500万), as formatCnUnits writes numbers.
    return fixedDigits(scaled(v), decimalsOf(ticks.map(scaled)), !suffix) + suffix + pct;
  };
}
