/** Chinese number formats for chart ticks and value labels: thousands separators, 万 and 亿, percent. */

/** Thousands separators, a fixed number of decimals (or as many as the number needs, up to 2). */
export function groupDigits(v: number, decimals?: number): string {
  const d = decimals ?? Math.min(decimalsOf([v]), 2);
  // -0 would print as "-0"; toLocaleString keeps the sign of a rounded negative (-0.001 → "-0.00").
  const fixed = Number(v.toFixed(d));
  return (Object.is(fixed, -0) ? 0 : fixed).toLocaleString('en-US', {
    minimumFractionDigits: d,
    maximumFractionDigits: d,
    useGrouping: true,
  });
}

/** Decimals the data is written with (3.0 and 2.6 → 1), capped at 2, so labels keep the data's precision. */
export function decimalsOf(values: readonly unknown[]): number {
  let d = 0;
  for (const v of values)
    if (typeof v === 'number' && Number.isFinite(v)) {
      const [, frac = '', exp] = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(v)) ?? [];
      d = Math.max(d, Math.max(0, frac.length - Number(exp ?? 0)));
    }
  return Math.min(d, 2);
}

/** A scale for large numbers: 亿 (10⁸) or 万 (10⁴); none below ten thousand. */
export interface CnScale {
  divisor: number;
  suffix: '' | '万' | '亿';
}

export function scaleFor(maxAbs: number): CnScale {
  if (maxAbs >= 1e8) return { divisor: 1e8, suffix: '亿' };
  if (maxAbs >= 1e4) return { divisor: 1e4, suffix: '万' };
  return { divisor: 1, suffix: '' };
}

/**
 * One number as a label: thousands separators below 10,000 (7,410), 万 and 亿 above (37.5万, 595.92亿), the
 * given decimals below 10,000 (3.0 stays 3.0), at most two decimals after 万 or 亿, `%` when the unit is `%`.
 */
export function formatChartNumber(v: number, decimals?: number, unit = ''): string {
  const pct = unit === '%' ? '%' : '';
  const { divisor, suffix } = scaleFor(Math.abs(v));
  if (!suffix) return groupDigits(v, decimals) + pct;
  const scaled = Number((v / divisor).toFixed(2));
  return groupDigits(scaled) + suffix + pct;
}

/**
 * Tick labels for a value axis: every tick on the same scale (0, 5,000万, 1亿 would mix units, so it is
 * 0, 0.5亿, 1亿), chosen from the largest value on the axis, and every tick with the decimals of the finest
 * one (0.0, 0.5, 1.0 rather than 0, 0.5, 1). Give the axis' ticks as the second argument.
 */
export function axisFormatter(maxAbs: number, unit = ''): (v: number, ticks?: readonly number[]) => string {
  const { divisor, suffix } = scaleFor(maxAbs);
  const pct = unit === '%' ? '%' : '';
  const scaled = (v: number) => Number((v / divisor).toFixed(4));
  return (v, ticks = [v]) => {
    if (v === 0) return '0' + pct;
    return groupDigits(scaled(v), decimalsOf(ticks.map(scaled))) + suffix + pct;
  };
}
