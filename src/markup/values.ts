import type { Length } from '../document/types.js';
import type { AttrRule } from './elements.js';

/** Attribute values the element rules check (markup/elements.ts). */

export const wholeNumber = (min: number, max: number) => (v: string) =>
  Number.isInteger(Number(v)) && Number(v) >= min && Number(v) <= max;

export const ALIGN: AttrRule = {
  value: {
    valid: (v) => ['left', 'center', 'right'].includes(v),
    expected: 'expected left, center or right',
  },
};

/** A language tag (BCP 47: `zh-Hant`, `zh-TW`, `en`): the fonts, the punctuation style and /Lang follow it. */
export const LANG: AttrRule = {
  value: {
    valid: (v) => /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(v),
    expected: 'expected a language tag such as en, zh-CN or zh-Hant',
  },
};

const LENGTH = /^(\d+(?:\.\d+)?)(mm|pt|em)$/;

/** An `<image>` length (`30mm`, `48pt`, `3em`), or undefined. */
export function length(v: string | undefined): Length | undefined {
  const m = v === undefined ? null : LENGTH.exec(v.trim());
  return m && Number(m[1]) > 0 ? { value: Number(m[1]), unit: m[2] as Length['unit'] } : undefined;
}
