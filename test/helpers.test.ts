import { describe, expect, it } from 'vitest';
import { digitsByHand, digitsByIntl, formatCnUnits, groupDigits } from '../src/format/numbers.js';
import { chineseNumeral, circled, makeHelpers, parseDate } from '../src/template/helpers.js';

describe('template helpers', () => {
  const h = makeHelpers(new WeakMap());
  const opts = {}; // Handlebars passes its options object last

  it('numbers sections with circled digits', () => {
    expect([1, 2, 9, 10, 20].map(circled)).toEqual(['①', '②', '⑨', '⑩', '⑳']);
    expect(circled(21)).toBe('(21)');
  });

  it('writes the dateline with the weekday', () => {
    expect(h.dateline!('2021-01-11', opts)).toBe('2021年1月11日 星期一');
    expect(h.dateline!('2020-02-29', opts)).toBe('2020年2月29日 星期六');
    expect(h.weekday!('2024-12-25', opts)).toBe('星期三');
  });

  it('takes 0 to 20 decimals, whole', () => {
    for (const d of [-1, 21, 1.5])
      for (const helper of ['number', 'percent', 'signedPercent', 'cnUnits'])
        expect(() => void h[helper]!(1.99, d, opts), `${helper} ${d}`).toThrow(
          `{{${helper}}} takes 0 to 20 decimals`,
        );
    expect(h.number!(1.99, 0, opts)).toBe('2');
    expect(h.number!(1.5, 20, opts)).toBe('1.50000000000000000000');
  });

  it('rejects impossible dates', () => {
    expect(() => parseDate('2021-02-30', 'dateline')).toThrow(/not a calendar date/);
    expect(() => parseDate('11/01/2021', 'dateline')).toThrow(/YYYY-MM-DD/);
  });

  it('writes Chinese numerals', () => {
    expect([0, 7, 10, 11, 20, 21, 105, 1000, 2020].map(chineseNumeral)).toEqual([
      '零',
      '七',
      '十',
      '十一',
      '二十',
      '二十一',
      '一百零五',
      '一千',
      '二千零二十',
    ]);
  });

  it('formats numbers the Chinese way', () => {
    expect(groupDigits(9347.64)).toBe('9,347.64');
    expect(groupDigits(3, 1)).toBe('3.0');
    expect(formatCnUnits(59592000000)).toBe('595.92亿');
    expect(formatCnUnits(375000)).toBe('37.5万');
    expect(h.percent!(3, opts)).toBe('3.0%');
  });

  it('writes 万 and 亿 as the charts do: separators for plain numbers, none before a unit', () => {
    // One formatter (src/format/numbers.ts) behind {{cnUnits}} and the chart labels.
    expect(h.cnUnits!(934764000000, opts)).toBe('9347.64亿');
    expect(h.cnUnits!(12345678, opts)).toBe('1234.57万');
    expect(h.cnUnits!(7410, opts)).toBe('7,410');
    expect(h.cnUnits!(123456789, 4, opts)).toBe('1.2346亿');
    expect(formatCnUnits(3, { decimals: 1 })).toBe('3.0');
    // Rounding is of the number as written; a negative rounded to zero has no sign.
    expect(h.number!(1.005, 2, opts)).toBe('1.01');
    expect(h.number!(-0.001, 1, opts)).toBe('0.0');
    expect(h.cnUnits!(-59592000000, opts)).toBe('\u2212595.92亿');
  });

  it('sets two-character names with an ideographic space', () => {
    expect(h.personName!('刘畅', opts)).toBe('刘\u3000畅');
    expect(h.personName!('欧阳修', opts)).toBe('欧阳修');
    expect(h.personName!('刘\u3000畅', opts)).toBe('刘\u3000畅');
  });

  it('joins lists', () => {
    expect(h.join!(['衡阳', 2020], ', ', opts)).toBe('衡阳, 2020');
    expect(h.join!('already text', opts)).toBe('already text');
  });
});

describe('arithmetic, comparison and month helpers', () => {
  const h = makeHelpers(new WeakMap());
  const o = {};
  it('computes and compares', () => {
    expect(h.div!(3602.5, 3545, o)).toBeCloseTo(1.0162, 4);
    expect(() => void h.div!(1, 0, o)).toThrow(/divide by zero/);
    expect(h.sub!(5, 2, o)).toBe(3);
    expect(h.lt!(95.8, 100, o)).toBe(true);
    expect(h.and!(1, 'x', o)).toBe(true);
    expect(h.or!(0, '', o)).toBe(false);
  });
  it('writes signed percentages and months', () => {
    expect([8.66, -2.2, 0].map((v): unknown => h.signedPercent!(v, o))).toEqual([
      '+8.7%',
      '\u22122.2%',
      '0.0%',
    ]);
    expect(h.cnMonth!('2025-03', o)).toBe('2025年3月');
    expect(() => void h.cnMonth!('2025-13', o)).toThrow(/YYYY-MM/);
    expect(h.concat!('珠晖', ' ', 2025, o)).toBe('珠晖 2025');
  });
});

describe('numbers written without ICU', () => {
  // The formatters write digits by hand (an ICU number formatter costs ~15 ms to set up); ICU stays the judge.
  it('writes every number as Intl.NumberFormat en-US does', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const values = [
      0, -0, 1.005, 2.675, 0.5, 1.5, 2.5, -2.5, 9.995, 999.995, 99999.5, 0.045, 1.45, 8.1, 595.92,
    ];
    values.push(123456789.987, 1e20, 1e21, 0.000001, 1e-7, -0.001, Number.MAX_SAFE_INTEGER, 0.1 + 0.2);
    for (let i = 0; i < 3000; i++) {
      let v = (random() - 0.3) * 10 ** Math.floor(random() * 14 - 4);
      if (i % 3 === 0) v = Math.round(v * 1000) / 1000;
      if (i % 5 === 0) v = Math.round(v * 100) / 100 + 0.005; // ties at the third decimal
      values.push(v);
    }
    const settings = [
      [0, 0],
      [0, 1],
      [1, 1],
      [2, 2],
      [0, 2],
      [0, 20],
      [3, 3],
    ] as const;
    const differ: string[] = [];
    for (const v of values)
      for (const [min, max] of settings)
        for (const grouping of [true, false]) {
          const want = digitsByIntl(v, min, max, grouping);
          const got = digitsByHand(v, min, max, grouping);
          if (got !== want) differ.push(`${v} (${min}–${max}, ${grouping}): ${got}, not ${want}`);
        }
    expect(differ).toEqual([]);
    expect(digitsByHand(1.005, 2, 2, true)).toBe('1.01');
    expect(digitsByHand(-9999.996, 2, 2, true)).toBe('-10,000.00');
  });
});
