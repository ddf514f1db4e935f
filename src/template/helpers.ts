import type { HelperDelegate } from 'handlebars';
import { formatCnUnits, groupDigits } from '../format/numbers.js';

const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';
const DIGITS = '零一二三四五六七八九';
const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

function toNumber(v: unknown, helper: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new Error(`{{${helper}}} needs a number, got ${JSON.stringify(v)}`);
  return n;
}

/** A count of decimals: a whole number from 0 to 20 (what a number can be written with). */
function toDecimals(v: unknown, helper: string): number {
  const n = toNumber(v, helper);
  if (!Number.isInteger(n) || n < 0 || n > 20)
    throw new Error(`{{${helper}}} takes 0 to 20 decimals, got ${JSON.stringify(v)}`);
  return n;
}

/** A data value the template rejected ({{dataError}}): a data error at its pointer, not a template error. */
export class DataValueError extends Error {
  constructor(
    readonly pointer: string,
    message: string,
  ) {
    super(message);
    this.name = 'DataValueError';
  }
}

/** Parses `YYYY-MM-DD` into its parts; anything else is an error that names the helper. */
export function parseDate(v: unknown, helper: string): { y: number; m: number; d: number; weekday: number } {
  const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) : null;
  if (!m) throw new Error(`{{${helper}}} needs a date written YYYY-MM-DD, got ${JSON.stringify(v)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    throw new Error(`{{${helper}}}: ${String(v)} is not a calendar date`);
  return { y, m: mo, d, weekday: date.getUTCDay() };
}

/** 1 → ①, …, 20 → ⑳; beyond that a parenthesised number. */
export function circled(n: number): string {
  return Number.isInteger(n) && n >= 1 && n <= 20 ? CIRCLED[n - 1]! : `(${n})`;
}

/** Chinese numerals for whole numbers 0–99 999: 11 → 十一, 21 → 二十一, 105 → 一百零五. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99999) return String(n);
  if (n < 10) return DIGITS[n]!;
  const units = ['', '十', '百', '千', '万'];
  const digits = String(n).split('').map(Number);
  let out = '';
  let zero = false;
  digits.forEach((dg, i) => {
    const unit = units[digits.length - 1 - i]!;
    if (dg === 0) {
      zero = true;
      return;
    }
    if (zero && out) out += '零';
    zero = false;
    out += DIGITS[dg]! + unit;
  });
  return n >= 10 && n < 20 ? out.replace(/^一十/, '十') : out;
}

/** Template helpers; documented in docs/templates.md. Handlebars passes its options hash last. */
export function makeHelpers(pointers: WeakMap<object, string>): Record<string, HelperDelegate> {
  const args = (a: unknown[]) => a.slice(0, -1);
  return {
    circled: (n: unknown) => circled(toNumber(n, 'circled')),
    inc: (n: unknown) => toNumber(n, 'inc') + 1,
    cnNumeral: (n: unknown) => chineseNumeral(toNumber(n, 'cnNumeral')),
    /** Thousands separators; a fixed number of decimals, or every one the number has: 9,347.64. */
    number: (...a: unknown[]) => {
      const [n, d] = args(a);
      return groupDigits(toNumber(n, 'number'), d === undefined ? undefined : toDecimals(d, 'number'));
    },
    percent: (...a: unknown[]) => {
      const [n, d] = args(a);
      return `${toNumber(n, 'percent').toFixed(d === undefined ? 1 : toDecimals(d, 'percent'))}%`;
    },
    /** 万/亿 units for large amounts, at most `d` decimals (2): 59592000000 → 595.92亿 (src/format/numbers.ts). */
    cnUnits: (...a: unknown[]) => {
      const [n, d] = args(a);
      return formatCnUnits(toNumber(n, 'cnUnits'), {
        maxDecimals: d === undefined ? 2 : toDecimals(d, 'cnUnits'),
      });
    },
    cnDate: (v: unknown) => {
      const { y, m, d } = parseDate(v, 'cnDate');
      return `${y}年${m}月${d}日`;
    },
    weekday: (v: unknown) => WEEKDAYS[parseDate(v, 'weekday').weekday]!,
    dateline: (v: unknown) => {
      const { y, m, d, weekday } = parseDate(v, 'dateline');
      return `${y}年${m}月${d}日 ${WEEKDAYS[weekday]!}`;
    },
    /** A two-character Chinese name is set with an ideographic space between, as newspapers do. */
    personName: (v: unknown) => {
      const s = typeof v === 'string' ? v.trim() : '';
      const chars = [...s];
      return chars.length === 2 && /\p{Script=Han}/u.test(s) ? chars.join('\u3000') : s;
    },
    eq: (a: unknown, b: unknown) => a === b,
    gt: (a: unknown, b: unknown) => toNumber(a, 'gt') > toNumber(b, 'gt'),
    lt: (a: unknown, b: unknown) => toNumber(a, 'lt') < toNumber(b, 'lt'),
    gte: (a: unknown, b: unknown) => toNumber(a, 'gte') >= toNumber(b, 'gte'),
    lte: (a: unknown, b: unknown) => toNumber(a, 'lte') <= toNumber(b, 'lte'),
    and: (...a: unknown[]) => args(a).every(Boolean),
    or: (...a: unknown[]) => args(a).some(Boolean),
    not: (v: unknown) => !v,
    add: (a: unknown, b: unknown) => toNumber(a, 'add') + toNumber(b, 'add'),
    sub: (a: unknown, b: unknown) => toNumber(a, 'sub') - toNumber(b, 'sub'),
    mul: (a: unknown, b: unknown) => toNumber(a, 'mul') * toNumber(b, 'mul'),
    div: (a: unknown, b: unknown) => {
      const d = toNumber(b, 'div');
      if (d === 0) throw new Error(`{{div}} cannot divide by zero (${JSON.stringify(a)} / 0)`);
      return toNumber(a, 'div') / d;
    },
    /** A signed percentage for changes: 3.2 → +3.2%, -1.05 → -1.1%, 0 → 0.0%. */
    signedPercent: (...a: unknown[]) => {
      const [n, d] = args(a);
      const v = toNumber(n, 'signedPercent');
      const s = `${Math.abs(v).toFixed(d === undefined ? 1 : toDecimals(d, 'signedPercent'))}%`;
      return v > 0 ? `+${s}` : v < 0 ? `\u2212${s}` : s;
    },
    /** A month: "2025-03" (or a date) → 2025年3月. */
    cnMonth: (v: unknown) => {
      const m = typeof v === 'string' ? /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(v) : null;
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 12)
        throw new Error(`{{cnMonth}} needs a month written YYYY-MM, got ${JSON.stringify(v)}`);
      return `${Number(m[1])}年${Number(m[2])}月`;
    },
    /** Joins its arguments into one string: {{concat unit.name " " (cnMonth period)}}. */
    concat: (...a: unknown[]) =>
      args(a)
        .map((x) => (x === undefined || x === null ? '' : String(x as string)))
        .join(''),
    /** Joins a list with a separator (default "、"); a plain string passes through. */
    join: (...a: unknown[]) => {
      const [list, sep] = args(a);
      if (typeof list === 'string') return list;
      if (!Array.isArray(list)) throw new Error(`{{join}} needs a list, got ${JSON.stringify(list)}`);
      return list.map(String).join(typeof sep === 'string' ? sep : '、');
    },
    /**
     * Rejects a data value the template cannot use, as a data error at the value's place: {{dataError pullQuote
     * "afterSection" "there is no such section"}} inside an {{#unless}} that checks it.
     */
    dataError: (...a: unknown[]) => {
      const [object, key, message] = args(a);
      if (object === null || typeof object !== 'object')
        throw new Error(
          '{{dataError}} needs the data object that holds the value, then its key and a message',
        );
      const at = pointers.get(object);
      if (at === undefined) throw new Error('{{dataError}}: this value does not come from the data file');
      throw new DataValueError(
        `${at}/${String(key)}`,
        typeof message === 'string' ? message : 'invalid value',
      );
    },
    /** The JSON pointer of a data object or list, for elements that read data directly (`<figure data=…>`). */
    ptr: (v: unknown) => {
      if (v === null || typeof v !== 'object')
        throw new Error('{{ptr}} needs an object or list from the data');
      const p = pointers.get(v);
      if (p === undefined) throw new Error('{{ptr}}: this value does not come from the data file');
      return p;
    },
  };
}
