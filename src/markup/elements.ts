import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import type { Block, DocumentTree, Inline, Kpi, Paragraph } from '../document/types.js';
import { COLOR, elementsIn, HREF, LANG, length, THICK, thickness, wholeNumber } from './values.js';
import { CELL, checkSpans, rowsOf, tableCell } from './table.js';

/** An element as the markup wrote it, before it is checked: its name, attributes, template place and content. */
export interface RawElement {
  name: string;
  attrs: Record<string, string>;
  place: Place | undefined;
  children: (RawElement | string)[];
}

/** What an element may contain: text with the inline elements, nothing, any block, or the elements listed. */
export type Content = 'inline' | 'empty' | 'blocks' | readonly string[];

/** One attribute of an element: whether it must be there, and which values it takes. */
export interface AttrRule {
  /** Without it the element is refused (`markup:missing-attribute`). */
  required?: true;
  /** Its values: any other is `markup:attribute-value`, `<name attr="value">: ${expected}`. */
  value?: { valid: (value: string) => boolean; expected: string };
}

/** What a rule's tree builder is given to build an element's content with the table's other rules. */
export interface Build {
  /** The element's content as inline nodes, its whitespace collapsed. */
  inlines(el: RawElement): Inline[];
  /** The element's block children as block nodes. */
  blocks(el: RawElement): Block[];
}

interface RuleBase {
  /** Checks of the element as a whole, after its attributes and content (a table's spans). */
  check?: (el: RawElement) => Diagnostic[];
  /** Its attributes, in the order hints list them. */
  attrs: Readonly<Record<string, AttrRule>>;
  content: Content;
  /** Elements its content model allows but it refuses as direct children (a section in a section). */
  except?: readonly string[];
  /** Names editors bring from HTML (lower case): an unknown element by one of them gets "did you mean" this. */
  aliases?: readonly string[];
}

/** The document element: it becomes the document tree, with its attributes as metadata. */
export interface RootRule extends RuleBase {
  kind: 'root';
  document: (el: RawElement, b: Build) => { tree?: DocumentTree; diagnostics: Diagnostic[] };
}

/** An element that stands wherever blocks may (content `'blocks'`) and becomes a block node. */
export interface BlockRule extends RuleBase {
  kind: 'block';
  block: (el: RawElement, b: Build) => Block;
}

/** An element that stands inside text (content `'inline'`) and becomes an inline node. */
export interface InlineRule extends RuleBase {
  kind: 'inline';
  inline: (el: RawElement, b: Build) => Inline;
}

/** An element that stands only inside the parents that list it, and is built by the parent's rule. */
export interface PartRule extends RuleBase {
  kind: 'part';
}

/** How the parser checks an element and turns it into a tree node. */
export type ElementRule = RootRule | BlockRule | InlineRule | PartRule;

/** The name of the document element, which the whole markup must be. */
export const ROOT = 'briefing';

const META = ['title', 'author', 'subject', 'keywords', 'date', 'running'] as const;

/** The element's place, and its language where it says one, spread into its node. */
const placed = (el: RawElement): { place?: Place; lang?: string } => ({
  ...(el.place ? { place: el.place } : {}),
  ...(el.attrs.lang ? { lang: el.attrs.lang } : {}),
});

/** The element's language, spread into its node (placed() spreads it too). */
const langOf = (el: RawElement): { lang?: string } => (el.attrs.lang ? { lang: el.attrs.lang } : {});

/** A footnote stands only in a paragraph's own text (not in heads, tables, <b>, <em> or another footnote). */
const NOTES = ['footnote'] as const;

const textBlock =
  (type: 'kicker' | 'headline' | 'deck' | 'dateline' | 'byline' | 'heading' | 'pullquote') =>
  (el: RawElement, b: Build): Block => ({ type, children: b.inlines(el), ...placed(el) });

function paragraph(el: RawElement, b: Build): Paragraph {
  return {
    type: 'paragraph',
    children: b.inlines(el),
    indent: el.attrs.indent !== 'no',
    ...langOf(el),
    ...placed(el),
  };
}

function briefing(el: RawElement, b: Build): { tree?: DocumentTree; diagnostics: Diagnostic[] } {
  const meta: DocumentTree['meta'] = {};
  for (const k of META) {
    const v = el.attrs[k];
    if (v !== undefined && v.trim() !== '') meta[k] = v.trim();
  }
  const d = meta.date;
  // Checked last, on the trimmed value: a blank date is no date, and a wrong one is reported only once the
  // rest of the markup is right.
  if (d !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(d))
    return {
      diagnostics: [
        error('markup:attribute-value', `<briefing date="${d}">: expected YYYY-MM-DD`, {
          ...placed(el),
          hint: 'pass the data field as it is: date="{{date}}"',
        }),
      ],
    };
  return { tree: { lang: el.attrs.lang ?? 'zh-CN', meta, children: b.blocks(el) }, diagnostics: [] };
}

/** The rule of the document element, `<briefing>`. */
export const DOCUMENT: RootRule = {
  kind: 'root',
  attrs: { lang: LANG, title: {}, author: {}, subject: {}, keywords: {}, date: {}, running: {} },
  content: 'blocks',
  document: briefing,
};

/**
 * Every markup element, one rule each (docs/templates.md documents the same): its attributes, what it may
 * contain, where it may stand and how it becomes a tree node. Adding an element is adding an entry here.
 */
export const ELEMENTS: Readonly<Record<string, ElementRule>> = {
  briefing: DOCUMENT,
  kicker: {
    kind: 'block',
    attrs: { lang: LANG },
    content: 'inline',
    except: NOTES,
    aliases: ['header'],
    block: textBlock('kicker'),
  },
  headline: {
    kind: 'block',
    attrs: { lang: LANG },
    content: 'inline',
    except: NOTES,
    aliases: ['h1'],
    block: textBlock('headline'),
  },
  deck: { kind: 'block', attrs: { lang: LANG }, content: 'inline', except: NOTES, block: textBlock('deck') },
  dateline: {
    kind: 'block',
    attrs: { lang: LANG },
    content: 'inline',
    except: NOTES,
    block: textBlock('dateline'),
  },
  lead: {
    kind: 'block',
    attrs: { lang: LANG },
    content: ['p'],
    block: (el, b) => ({ type: 'lead', children: elementsIn(el).map((p) => paragraph(p, b)), ...placed(el) }),
  },
  byline: {
    kind: 'block',
    attrs: { lang: LANG },
    content: 'inline',
    except: NOTES,
    block: textBlock('byline'),
  },
  kpis: {
    kind: 'block',
    attrs: {},
    content: ['kpi'],
    block: (el) => ({
      type: 'kpis',
      items: elementsIn(el).map((k): Kpi => ({ value: k.attrs.value!, label: k.attrs.label!, ...placed(k) })),
      ...placed(el),
    }),
  },
  kpi: { kind: 'part', attrs: { value: { required: true }, label: { required: true } }, content: 'empty' },
  body: {
    kind: 'block',
    attrs: {
      columns: { value: { valid: wholeNumber(1, 6), expected: 'expected a whole number from 1 to 6' } },
    },
    content: 'blocks',
    except: ['body'],
    block: (el, b) => ({
      type: 'columns',
      children: b.blocks(el),
      ...(el.attrs.columns ? { count: Number(el.attrs.columns) } : {}),
      ...placed(el),
    }),
  },
  section: {
    kind: 'block',
    attrs: { lang: LANG },
    content: 'blocks',
    except: ['section'],
    aliases: ['div', 'article'],
    block: (el, b) => ({ type: 'section', children: b.blocks(el), ...langOf(el), ...placed(el) }),
  },
  heading: {
    kind: 'block',
    attrs: { lang: LANG },
    content: 'inline',
    except: NOTES,
    aliases: ['h2', 'h3', 'h4'],
    block: textBlock('heading'),
  },
  p: {
    kind: 'block',
    attrs: { indent: {}, lang: LANG },
    content: 'inline',
    aliases: ['para', 'paragraph'],
    block: paragraph,
  },
  pullquote: {
    kind: 'block',
    attrs: { lang: LANG },
    content: 'inline',
    except: NOTES,
    aliases: ['blockquote', 'quote'],
    block: textBlock('pullquote'),
  },
  figure: {
    kind: 'block',
    attrs: {
      data: { required: true },
      lines: {
        value: { valid: wholeNumber(3, 60), expected: 'expected a whole number of body lines from 3 to 60' },
      },
      span: {
        value: {
          valid: (v) => v === 'column' || v === 'page',
          expected: 'expected "column" (in its column, the default) or "page" (across the columns)',
        },
      },
    },
    content: 'empty',
    aliases: ['chart'],
    block: (el) => ({
      type: 'figure',
      data: el.attrs.data!,
      ...(el.attrs.lines ? { lines: Number(el.attrs.lines) } : {}),
      ...(el.attrs.span === 'page' ? { span: 'page' as const } : {}),
      ...placed(el),
    }),
  },
  image: {
    kind: 'block',
    attrs: {
      src: { required: true },
      alt: {
        required: true,
        value: { valid: (v) => v.trim() !== '', expected: 'expected words saying what the image shows' },
      },
      width: {
        value: {
          valid: (v) => v === 'column' || length(v) !== undefined,
          expected: 'expected a length in mm, pt or em (e.g. "30mm") or "column"',
        },
      },
      height: {
        value: {
          valid: (v) => length(v) !== undefined,
          expected: 'expected a length in mm, pt or em (e.g. "12mm")',
        },
      },
    },
    content: 'empty',
    aliases: ['img', 'logo', 'picture'],
    block: (el) => {
      const width = el.attrs.width === 'column' ? ('column' as const) : length(el.attrs.width);
      const height = length(el.attrs.height);
      return {
        type: 'image',
        src: el.attrs.src!,
        alt: el.attrs.alt!.trim(),
        ...(width ? { width } : {}),
        ...(height ? { height } : {}),
        ...placed(el),
      };
    },
  },
  table: {
    kind: 'block',
    attrs: {
      header: {},
      widths: {
        value: {
          valid: (v) => v.split(',').every((w) => Number(w.trim()) > 0),
          expected: 'expected positive numbers separated by commas, e.g. "3,2,2"',
        },
      },
    },
    content: ['tr'],
    aliases: ['tbody', 'thead'],
    check: checkSpans,
    block: (el, b) => {
      const rows = rowsOf(el).map((r) => r.map((cell) => tableCell(cell, b)));
      const widths = el.attrs.widths?.split(',').map((w) => Number(w.trim()));
      return {
        type: 'table',
        header: el.attrs.header !== 'no',
        rows,
        ...(widths ? { widths } : {}),
        ...placed(el),
      };
    },
  },
  tr: { kind: 'part', attrs: {}, content: ['td', 'th'] },
  td: { kind: 'part', attrs: CELL, content: 'inline', except: NOTES },
  th: { kind: 'part', attrs: CELL, content: 'inline', except: NOTES },
  box: {
    kind: 'block',
    attrs: { border: THICK, 'border-color': COLOR, background: COLOR, padding: THICK },
    content: ['heading', 'p', 'table', 'image', 'pullquote'],
    aliases: ['aside', 'sidebar', 'frame'],
    block: (el, b) => {
      const a = el.attrs;
      const border = thickness(a.border);
      const padding = thickness(a.padding);
      return {
        type: 'box',
        children: b.blocks(el),
        ...(border !== undefined ? { border } : {}),
        ...(a['border-color'] ? { borderColor: a['border-color'].trim() } : {}),
        ...(a.background ? { background: a.background.trim() } : {}),
        ...(padding !== undefined ? { padding } : {}),
        ...placed(el),
      };
    },
  },
  pagebreak: {
    kind: 'block',
    attrs: {},
    content: 'empty',
    aliases: ['hr'],
    block: (el) => ({ type: 'pagebreak', ...placed(el) }),
  },
  toc: {
    kind: 'block',
    attrs: {
      title: {},
      headline: {
        value: { valid: (v) => v === 'yes' || v === 'no', expected: 'expected "yes" or "no" (the default)' },
      },
    },
    content: 'empty',
    aliases: ['contents', 'nav'],
    block: (el) => ({
      type: 'toc',
      ...(el.attrs.title?.trim() ? { title: el.attrs.title.trim() } : {}),
      headline: el.attrs.headline === 'yes',
      ...placed(el),
    }),
  },
  b: {
    kind: 'inline',
    attrs: {},
    content: 'inline',
    except: NOTES,
    aliases: ['strong'],
    inline: (el, b) => ({ type: 'strong', children: b.inlines(el) }),
  },
  em: {
    kind: 'inline',
    attrs: {},
    content: 'inline',
    except: NOTES,
    aliases: ['i'],
    inline: (el, b) => ({ type: 'emphasis', children: b.inlines(el) }),
  },
  link: {
    kind: 'inline',
    attrs: { href: HREF },
    content: 'inline',
    except: NOTES,
    aliases: ['a'],
    inline: (el, b) => ({ type: 'link', href: el.attrs.href!.trim(), children: b.inlines(el) }),
  },
  br: { kind: 'inline', attrs: {}, content: 'empty', inline: () => ({ type: 'break' }) },
  footnote: {
    kind: 'inline',
    attrs: {},
    content: 'inline',
    except: NOTES,
    aliases: ['note', 'fn'],
    inline: (el, b) => ({
      type: 'footnote',
      children: b.inlines(el),
      ...(el.place ? { place: el.place } : {}),
    }),
  },
};
