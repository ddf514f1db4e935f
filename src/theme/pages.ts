/** Named page sizes in points (portrait): what `page.size` may name besides [width, height]. */
export const PAGE_SIZES: Readonly<Record<string, [number, number]>> = {
  A3: [841.89, 1190.55],
  A4: [595.28, 841.89],
  A5: [419.53, 595.28],
  B5: [498.9, 708.66],
  LETTER: [612, 792],
};
