import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Block, DocumentTree, Inline } from '../document/types.js';
import { DOCUMENT, ELEMENTS, type Build, type RawElement } from './elements.js';
import { normalizeInlines } from './inline.js';

const build: Build = { inlines: toInlines, blocks: toBlocks };

/** Builds the document tree from a checked root element, through the table's rules. */
export function toDocument(root: RawElement): { tree?: DocumentTree; diagnostics: Diagnostic[] } {
  return DOCUMENT.document(root, build);
}

function toInlines(el: RawElement): Inline[] {
  const out: Inline[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') out.push({ type: 'text', value: c });
    else {
      const rule = ELEMENTS[c.name];
      if (rule?.kind === 'inline') out.push(rule.inline(c, build));
    }
  }
  return normalizeInlines(out);
}

function toBlocks(el: RawElement): Block[] {
  const out: Block[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    const rule = ELEMENTS[c.name];
    if (rule?.kind === 'block') out.push(rule.block(c, build));
  }
  return out;
}
