/** Colour arithmetic for print: how light a colour prints in greyscale, tints, and readable text on it. */

/** `#rgb` or `#rrggbb` → [r, g, b] in 0–255; anything else → undefined. */
export function parseHex(c: string): [number, number, number] | undefined {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c.trim());
  if (!m) return undefined;
  const h = m[1]!.length === 3 ? [...m[1]!].map((x) => x + x).join('') : m[1]!;
  const n = parseInt(h, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const linear = (c: number) => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};

/** Relative luminance Y (sRGB, 0 black to 1 white). */
export function luminance(c: string): number {
  const rgb = parseHex(c);
  if (!rgb) return 0;
  return 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
}

/**
 * CIE lightness L* (0 black to 100 white): how dark a colour prints in greyscale. Two colours whose L*
 * differ by less than about 10 look the same on a black-and-white page.
 */
export function lightness(c: string): number {
  const y = luminance(c);
  return y > 216 / 24389 ? 116 * Math.cbrt(y) - 16 : (y * 24389) / 27;
}

/** The smallest L* difference between any two of the colours (Infinity for fewer than two). */
export function minLightnessGap(colors: readonly string[]): number {
  let gap = Infinity;
  for (let i = 0; i < colors.length; i++)
    for (let j = i + 1; j < colors.length; j++)
      gap = Math.min(gap, Math.abs(lightness(colors[i]!) - lightness(colors[j]!)));
  return gap;
}

/** Mixes a colour with another (white or black): share 1 is the colour, 0 is `toward`. */
function mix(c: string, share: number, toward: 0 | 255): string {
  const rgb = parseHex(c);
  if (!rgb) return c;
  const hex = (v: number) =>
    Math.round(toward + (v - toward) * share)
      .toString(16)
      .padStart(2, '0');
  return '#' + rgb.map(hex).join('');
}

/** Mixes a colour with white: share 1 is the colour, 0 is white. Opaque, so it prints without transparency. */
export function tint(c: string, share: number): string {
  return mix(c, share, 255);
}

/** Mixes a colour with black: share 1 is the colour, 0 is black. */
export function shade(c: string, share: number): string {
  return mix(c, share, 0);
}

/** Text colour that reads on a fill: white on dark fills, the text colour on light ones. */
export function textOn(fill: string, text: string): string {
  return lightness(fill) < 55 ? '#ffffff' : text;
}

/** Colours light enough to need an outline on white paper. */
export function needsOutline(c: string): boolean {
  return lightness(c) > 85;
}
