import type { Length } from '../document/types.js';
import type { AttrRule, RawElement } from './elements.js';

// The values attributes take, shared by the element rules (elements.ts).

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

/** What `<link href>` may point at: a web address or an e-mail address (no file, no script, no relative path). */
export const LINK_HREF = /^(https?:\/\/[^\s/?#]+[^\s]*|mailto:[^\s@]+@[^\s@]+)$/i;

/** `<link href>`: required, and one of LINK_HREF's addresses. */
export const HREF: AttrRule = {
  required: true,
  value: {
    valid: (v) => LINK_HREF.test(v.trim()),
    expected: 'expected an http:// or https:// address or a mailto: address',
  },
};

const LENGTH = /^(\d+(?:\.\d+)?)(mm|pt|em)$/;

/** An `<image>` length (`30mm`, `48pt`, `3em`), or undefined. */
export function length(v: string | undefined): Length | undefined {
  const m = v === undefined ? null : LENGTH.exec(v.trim());
  return m && Number(m[1]) > 0 ? { value: Number(m[1]), unit: m[2] as Length['unit'] } : undefined;
}

/**
 * A colour: `#rgb`, `#rrggbb` or the name of a palette entry of the theme (checked against the palette when the
 * document is typeset, where the theme is known: `markup:attribute-value` with the element's place).
 */
export const COLOR_VALUE = /^(#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?|[A-Za-z][\w-]*)$/;

export const COLOR: AttrRule = {
  value: {
    valid: (v) => COLOR_VALUE.test(v.trim()),
    expected: 'expected a colour: "#rrggbb", "#rgb" or a palette name such as "accent"',
  },
};

const THICKNESS = /^(\d+(?:\.\d+)?)(mm|pt)?$/;

/** A border width or padding (`0.5pt`, `1mm`, `6`: points; `0` for none) in points, or undefined. */
export function thickness(v: string | undefined): number | undefined {
  const m = v === undefined ? null : THICKNESS.exec(v.trim());
  return m ? Number(m[1]) * (m[2] === 'mm' ? 72 / 25.4 : 1) : undefined;
}

export const THICK: AttrRule = {
  value: {
    valid: (v) => thickness(v) !== undefined && thickness(v)! <= 72,
    expected: 'expected a length in pt or mm up to 72 pt, e.g. "0.75pt", "3mm" or "0"',
  },
};

/** The element children of an element (its text is checked away or is whitespace). */
export const elementsIn = (el: RawElement): RawElement[] =>
  el.children.filter((x): x is RawElement => typeof x !== 'string');
