import type { Out } from './lines.js';
import type { StructRole, StructTag } from './model.js';

/**
 * The structure elements of a document being typeset, one per markup element (and per part of one: a table's
 * rows and cells, a figure's caption), numbered in the order they are first asked for. Typesetting visits the
 * markup in its order, so that number is the article's reading order; a block set again (the masthead made
 * smaller to fit the front page) gets the same element back.
 */
export class Structure {
  readonly tags: StructTag[] = [];
  private readonly byNode = new WeakMap<object, Map<string, StructTag>>();

  /** The element of `node` (a markup node) in role `role`; `part` tells apart several of one node. */
  of(node: object, role: StructRole, parent?: StructTag, part = ''): StructTag {
    let parts = this.byNode.get(node);
    if (!parts) this.byNode.set(node, (parts = new Map<string, StructTag>()));
    const key = `${role}|${part}`;
    let tag = parts.get(key);
    if (!tag) {
      // An element whose markup names a language says it in the tags (/Lang), for a screen reader's voice.
      const lang = (node as { lang?: unknown }).lang;
      tag = {
        seq: this.tags.length,
        role,
        ...(parent ? { parent } : {}),
        ...(typeof lang === 'string' ? { lang } : {}),
      };
      this.tags.push(tag);
      parts.set(key, tag);
    }
    return tag;
  }
}

/** Marks the text and charts of `out` that have no element yet as pieces of `tag`; rules stay artifacts. */
export function tagOut<T extends Out>(out: T, tag: StructTag | undefined): T {
  if (tag)
    for (const item of out.items)
      if ((item.kind === 'text' || item.kind === 'chart' || item.kind === 'image') && !item.tag)
        item.tag = tag;
  return out;
}
