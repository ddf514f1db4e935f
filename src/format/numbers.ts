/**
 * Number formats for print, shared by the template helpers (text) and the charts, so a number reads the same
 * in a paragraph, a table and a chart. The house rule:
 * - A plain number has thousands separators (9,347.64; 7,410), as tables and chart axes print them.
 * - From 10 000 a number may be written with 万 (10⁴) or 亿 (10⁸), and then has no separators: 12345亿,
 *   1234.57万, as Chinese newspapers and statistical communiqués write it (GB/T 15835-2011 lets non-technical
 *   text leave digits ungrouped; a comma every three digits inside a count of 万 or 亿, which group by four,
 *   mixes two systems: 12,345亿 reads as twelve thousand 亿 only after a second look).
 * - Rounding is of the number as written (1.005 → 1.01, 1.15 → 1.2), never of its binary approximation, and a
 *   negative number that rounds to zero loses its sign (-0.001 → 0.0); a negative number is written with the
 *   minus sign U+2212 (−5.2), not the hyphen-minus.
 * This module imports nothing: templates render before charts, and neither imports the other.
 */

// Number.toLocaleString with options builds a formatter each call (costly in charts' many ticks): keep them.
const formatters = new Map<string, Intl.NumberFormat>();

function intlDigits(v: number, min: number, max: number, grouping: boolean): string {
  const key = `${min}:${max}:${grouping}`;
  let f = formatters.get(key);
  if (!f)
    formatters.set(
      key,
      (f = new Intl.NumberFormat('en-US', {
        minimumFractionDigits: min,
        maximumFractionDigits: max,
        useGrouping: grouping,
      })),
    );
  return f.format(v);
}

/**
 * What `Intl.NumberFormat('en-US')` writes, without it: ICU takes the number's shortest decimal form (the one
 * String() gives), rounds it half away from zero to `max` decimals, drops trailing zeros down to `min` and groups
 * the integer part by three. The first formatter a process makes costs ~15 ms of ICU set-up. Numbers String()
 * writes with an exponent (below 10⁻⁶, from 10²¹), and decimals ICU refuses (its RangeError), go to ICU.
 */
function plainDigits(v: number, min: number, max: number, grouping: boolean): string {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(String(Math.abs(v)));
  // ICU also says what is wrong with decimals it cannot write (below 0, over 20, a minimum over the maximum).
  const decimals = Number.isInteger(min) && Number.isInteger(max) && min >= 0 && max <= 20 && min <= max;
  if (!m || !decimals) return intlDigits(v, min, max, grouping);
  let int = m[1]!;
  let frac = m[2] ?? '';
  if (frac.length > max) {
    const up = frac.charCodeAt(max) >= 53; /* '5' */
    frac = frac.slice(0, max);
    if (up) {
      // Add one unit in the last place kept, carrying left through the fraction into the integer part.
      const all = (int + frac).split('');
      let i = all.length - 1;
      while (i >= 0 && all[i] === '9') all[i--] = '0';
      if (i >= 0) all[i] = String(Number(all[i]) + 1);
      else all.unshift('1');
      int = all.slice(0, all.length - frac.length).join('');
      frac = all.slice(all.length - frac.length).join('');
    }
  }
  frac = frac.replace(/0+$/, '');
  if (frac.length < min) frac = frac.padEnd(min, '0');
  if (grouping) int = int.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${v < 0 || Object.is(v, -0) ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

function digits(v: number, min: number, max: number, grouping: boolean): string {
  const s = plainDigits(v, min, max, grouping);
  // -0, or a negative rounded to zero: "-0.0" is no number a reader writes. A negative number takes the minus
  // sign U+2212 (as wide as +, never broken from its digits), not the hyphen-minus.
  return /^-[0.,]*$/.test(s) ? s.slice(1) : s.replace(/^-/, '\u2212');
}

/** For tests: the same numbers through ICU. */
export const digitsByIntl = (v: number, min: number, max: number, grouping: boolean): string =>
  intlDigits(v, min, max, grouping);

/** For tests: the same numbers without ICU (as every formatter here writes them). */
export const digitsByHand = plainDigits;

/** A number with exactly `decimals` decimals, with thousands separators unless `grouping` is false. */
export function fixedDigits(v: number, decimals: number, grouping = true): string {
  return digits(v, decimals, decimals, grouping);
}

/** Thousands separators and a fixed number of decimals, or (left out) every decimal the number has: 9,347.64. */
export function groupDigits(v: number, decimals?: number): string {
  return decimals === undefined ? digits(v, 0, 20, true) : fixedDigits(v, decimals);
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

/** The scale a number of this magnitude is written on. */
export function scaleFor(maxAbs: number): CnScale {
  if (maxAbs >= 1e8) return { divisor: 1e8, suffix: '亿' };
  if (maxAbs >= 1e4) return { divisor: 1e4, suffix: '万' };
  return { divisor: 1, suffix: '' };
}

/** How formatCnUnits writes decimals. */
export interface CnUnitsOptions {
  /** Below 10 000: exactly this many decimals (a chart label keeps the data's precision: 3.0). */
  decimals?: number | undefined;
  /** Otherwise at most this many, trailing zeros dropped (default 2): 37.5万, 595.92亿. */
  maxDecimals?: number | undefined;
}

/**
 * One number in Chinese units: below 10 000 as it is, with thousands separators (7,410); from 10 000 in 万
 * and from 10⁸ in 亿, without separators (37.5万, 595.92亿, 9347.64亿). The one formatter behind the
 * `cnUnits` template helper and the charts' value labels.
 */
export function formatCnUnits(v: number, options: CnUnitsOptions = {}): string {
  const max = options.maxDecimals ?? 2;
  const { divisor, suffix } = scaleFor(Math.abs(v));
  if (suffix) return digits(v / divisor, 0, max, false) + suffix;
  return options.decimals === undefined ? digits(v, 0, max, true) : fixedDigits(v, options.decimals);
}
