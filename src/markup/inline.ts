import type { Inline } from '../document/types.js';

// Chinese characters and the punctuation set among them: a line break next to one is not a space.
const HAN = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef\u2014\u2026\u201c\u201d\u00b7]/u;

/**
 * Collapses the whitespace of a block's inline content, across inline boundaries (a space before <b> and a
 * newline after it are judged by the characters on both sides): a run with a line break vanishes next to a
 * Chinese character (a newline in the template is not a space in Chinese) and becomes one space elsewhere; other
 * runs become one space unless they hold an ideographic space; the block's ends and the sides of a <br/> are
 * trimmed.
 */
export function normalizeInlines(inlines: Inline[]): Inline[] {
  const runs: { value: string; start: number }[] = [];
  let all = '';
  const gather = (xs: Inline[]) => {
    for (const x of xs) {
      if (x.type === 'text') {
        runs.push({ value: x.value, start: all.length });
        all += x.value;
      } else if (x.type === 'break') all += '\u0000';
      else gather(x.children);
    }
  };
  gather(inlines);
  // One slot per UTF-16 code unit, so run offsets stay valid; whitespace is never part of a surrogate pair.
  const slots: string[] = all.split('');
  for (const m of all.matchAll(/\s+/g)) {
    const a = m.index;
    const ws = m[0];
    const before = all[a - 1] ?? '\u0000';
    const after = all[a + ws.length] ?? '\u0000';
    let rep: string;
    if (before === '\u0000' || after === '\u0000') rep = '';
    else if (!ws.includes('\n')) rep = ws.includes('\u3000') ? ws : ' ';
    else rep = HAN.test(before) || HAN.test(after) ? '' : ' ';
    slots[a] = rep;
    for (let i = a + 1; i < a + ws.length; i++) slots[i] = '';
  }
  let r = 0;
  const rebuild = (xs: Inline[]): Inline[] =>
    xs.flatMap((x): Inline[] => {
      if (x.type === 'text') {
        const run = runs[r++]!;
        const value = slots.slice(run.start, run.start + run.value.length).join('');
        return value ? [{ type: 'text', value }] : [];
      }
      if (x.type === 'break') return [x];
      // Spread, so an inline element with fields besides its children keeps them.
      return [{ ...x, children: rebuild(x.children) }];
    });
  return rebuild(inlines);
}
