import type { FlowItem } from '../../src/paginate/types.js';

/** A paragraph of n lines; by default with a variant one line longer (most CJK paragraphs have one). */
export const para = (n: number, longer = true): FlowItem => ({
  variants: longer ? [Array<number>(n).fill(1), Array<number>(n + 1).fill(1)] : [Array<number>(n).fill(1)],
  variantCost: longer ? [0, 20] : [0],
  breakable: true,
  minBefore: 2,
  minAfter: 2,
  keepWithNext: 0,
  spaceBefore: 0,
  spaceAfter: 0,
  repeatHeader: 0,
});
