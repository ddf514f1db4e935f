import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import type { Block, DocumentTree, Inline, Kpi, Paragraph, TableCell } from '../document/types.js';
import { SRC_ATTR, type RenderedMarkup } from '../template/render.js';
import { normalizeInlines } from './inline.js';

type Content = 'inline' | 'empty' | 'blocks' | readonly string[];

interface ElementSpec {
  attrs: readonly string[];
  required?: readonly string[];
  content: Content;
}

const BLOCKS = [
  'kicker',
  'headline',
  'deck',
  'dateline',
  'lead',
  'byline',
  'kpis',
  'body',
  'section',
  'heading',
  'p',
  'pullquote',
  'figure',
  'table',
  'pagebreak',
];

/** Every markup element, its attributes and what it may contain (docs/templates.md documents the same). */
export const ELEMENTS: Readonly<Record<string, ElementSpec>> = {
  briefing: {
    attrs: ['lang', 'title', 'author', 'subject', 'keywords', 'date', 'running'],
    content: 'blocks',
  },
  kicker: { attrs: [], content: 'inline' },
  headline: { attrs: [], content: 'inline' },
  deck: { attrs: [], content: 'inline' },
  dateline: { attrs: [], content: 'inline' },
  lead: { attrs: [], content: ['p'] },
  byline: { attrs: [], content: 'inline' },
  kpis: { attrs: [], content: ['kpi'] },
  kpi: { attrs: ['value', 'label'], required: ['value', 'label'], content: 'empty' },
  body: { attrs: ['columns'], content: 'blocks' },
  section: { attrs: [], content: 'blocks' },
  heading: { attrs: [], content: 'inline' },
  p: { attrs: ['indent'], content: 'inline' },
  pullquote: { attrs: [], content: 'inline' },
  figure: { attrs: ['data', 'lines'], required: ['data'], content: 'empty' },
  table: { attrs: ['header', 'widths'], content: ['tr'] },
  tr: { attrs: [], content: ['td', 'th'] },
  td: { attrs: ['align'], content: 'inline' },
  th: { attrs: ['align'], content: 'inline' },
  pagebreak: { attrs: [], content: 'empty' },
  b: { attrs: [], content: 'inline' },
  em: { attrs: [], content: 'inline' },
  br: { attrs: [], content: 'empty' },
};

const INLINE = new Set(['b', 'em', 'br']);

/** HTML habits editors bring along, and the element Briefing has for each. */
const HTML_HABITS: Readonly<Record<string, string>> = {
  para: 'p',
  paragraph: 'p',
  h1: 'headline',
  h2: 'heading',
  h3: 'heading',
  h4: 'heading',
  blockquote: 'pullquote',
  quote: 'pullquote',
  img: 'figure',
  chart: 'figure',
  strong: 'b',
  i: 'em',
  div: 'section',
  article: 'section',
  header: 'kicker',
  hr: 'pagebreak',
  tbody: 'table',
  thead: 'table',
};

interface RawElement {
  name: string;
  attrs: Record<string, string>;
  place: Place | undefined;
  children: (RawElement | string)[];
}

/** Parses the rendered markup into a document tree; problems point at the template line that made them. */
export function parseMarkup(markup: RenderedMarkup): { tree?: DocumentTree; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const placeOf = (attrs: Record<string, string>): Place | undefined => {
    const m = /^(\d+):(\d+):(\d+)$/.exec(attrs[SRC_ATTR] ?? '');
    if (!m) return undefined;
    const file = markup.sources[Number(m[1])];
    return file ? { file, start: { line: Number(m[2]), column: Number(m[3]) } } : undefined;
  };

  const root: RawElement = { name: '#root', attrs: {}, place: undefined, children: [] };
  const stack: RawElement[] = [root];
  const parser = new SaxesParser({ xmlns: false, position: true });
  let failed = false;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const el: RawElement = {
      name: tag.name,
      attrs: { ...tag.attributes },
      place: placeOf(tag.attributes),
      children: [],
    };
    stack.at(-1)!.children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t: string) => void stack.at(-1)!.children.push(t));
  parser.on('error', (e: Error) => {
    if (failed) return;
    failed = true;
    const open = [...stack].reverse().find((el) => el.place);
    const detail = e.message.replace(/^\d+:\d+: /, '');
    const unclosed =
      /unclosed tag: (\S+)/.exec(detail) ??
      (/unexpected close tag/.test(detail) && stack.length > 1 ? ['', stack.at(-1)!.name] : null);
    diagnostics.push(
      error(
        'markup:syntax',
        unclosed ? `<${unclosed[1]}> is never closed` : `the template's markup is not well-formed: ${detail}`,
        {
          ...(open?.place ? { place: open.place } : { place: { file: markup.sources[0]! } }),
          hint: unclosed
            ? `add </${unclosed[1]}>, or write <${unclosed[1]}/> if it has no content`
            : `the error is at line ${parser.line}, column ${parser.column} of the rendered markup; check tags near the template line shown (write & as &amp;)`,
        },
      ),
    );
  });
  try {
    parser.write(markup.text).close();
  } catch {
    // saxes throws after reporting through the error handler; the diagnostic is already recorded.
  }
  if (failed) return { diagnostics };
  const top = root.children.filter((c): c is RawElement => typeof c !== 'string');
  if (top.length !== 1 || top[0]!.name !== 'briefing') {
    diagnostics.push(
      error('markup:root', 'the template must produce one <briefing> element', {
        place: top[0]?.place ?? { file: markup.sources[0]! },
        hint: 'wrap the whole template in <briefing>…</briefing>',
      }),
    );
    return { diagnostics };
  }
  const briefing = top[0]!;
  checkElement(briefing, diagnostics);
  // A mistake inside {{#each}} repeats once per item: report each template location once.
  const unique = new Map<string, Diagnostic>();
  for (const d of diagnostics)
    unique.set(
      `${d.code}|${d.message}|${d.place?.file}:${d.place?.start?.line}:${d.place?.start?.column}`,
      d,
    );
  if (diagnostics.length) return { diagnostics: [...unique.values()] };
  const meta: DocumentTree['meta'] = {};
  for (const k of ['title', 'author', 'subject', 'keywords', 'date', 'running'] as const) {
    const v = briefing.attrs[k];
    if (v !== undefined && v.trim() !== '') meta[k] = v.trim();
  }
  const d = meta.date;
  if (d !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(d)) {
    diagnostics.push(
      error('markup:attribute-value', `<briefing date="${d}">: expected YYYY-MM-DD`, {
        ...(briefing.place ? { place: briefing.place } : {}),
        hint: 'pass the data field as it is: date="{{date}}"',
      }),
    );
    return { diagnostics };
  }
  return { tree: { lang: briefing.attrs.lang ?? 'zh-CN', meta, children: toBlocks(briefing) }, diagnostics };
}

function checkElement(el: RawElement, out: Diagnostic[]): void {
  const spec = ELEMENTS[el.name]!;
  for (const [name, value] of Object.entries(el.attrs)) {
    if (name === SRC_ATTR || spec.attrs.includes(name)) continue;
    const close = nearest(name, spec.attrs);
    out.push(
      error('markup:unknown-attribute', `<${el.name}> has no attribute "${name}"`, {
        ...(el.place ? { place: el.place } : {}),
        hint: close
          ? `did you mean "${close}"?`
          : spec.attrs.length
            ? `allowed: ${spec.attrs.join(', ')}`
            : `<${el.name}> takes no attributes`,
      }),
    );
    void value;
  }
  for (const req of spec.required ?? [])
    if (!(req in el.attrs))
      out.push(
        error(
          'markup:missing-attribute',
          `<${el.name}> needs a "${req}" attribute`,
          el.place ? { place: el.place } : {},
        ),
      );
  const allowed: readonly string[] =
    spec.content === 'inline'
      ? [...INLINE]
      : spec.content === 'empty'
        ? []
        : spec.content === 'blocks'
          ? BLOCKS
          : spec.content;
  for (const child of el.children) {
    if (typeof child === 'string') {
      if (spec.content !== 'inline' && child.trim() !== '')
        out.push(
          error(
            'markup:stray-text',
            `text is not allowed directly inside <${el.name}>: "${child.trim().slice(0, 20)}"`,
            {
              ...(el.place ? { place: el.place } : {}),
              hint:
                spec.content === 'blocks'
                  ? 'put running text in <p>…</p>'
                  : `<${el.name}> may contain ${describeContent(spec.content)}`,
            },
          ),
        );
      continue;
    }
    if (!(child.name in ELEMENTS)) {
      const close = HTML_HABITS[child.name.toLowerCase()] ?? nearest(child.name, Object.keys(ELEMENTS));
      out.push(
        error('markup:unknown-element', `unknown element <${child.name}>`, {
          ...(child.place ? { place: child.place } : {}),
          hint: close ? `did you mean <${close}>?` : 'see docs/templates.md for the elements Briefing knows',
        }),
      );
      continue;
    }
    if (
      !allowed.includes(child.name) ||
      (el.name === 'section' && child.name === 'section') ||
      (el.name === 'body' && child.name === 'body')
    ) {
      out.push(
        error('markup:misplaced', `<${child.name}> is not allowed inside <${el.name}>`, {
          ...(child.place ? { place: child.place } : {}),
          hint: `<${el.name}> may contain ${describeContent(spec.content)}`,
        }),
      );
      continue;
    }
    checkElement(child, out);
  }
  const lines = el.attrs.lines;
  if (
    el.name === 'figure' &&
    lines !== undefined &&
    !(Number.isInteger(Number(lines)) && Number(lines) >= 3 && Number(lines) <= 60)
  )
    out.push(
      error(
        'markup:attribute-value',
        `<figure lines="${lines}">: expected a whole number of body lines from 3 to 60`,
        el.place ? { place: el.place } : {},
      ),
    );
  const align = el.attrs.align;
  if (
    (el.name === 'td' || el.name === 'th') &&
    align !== undefined &&
    !['left', 'center', 'right'].includes(align)
  )
    out.push(
      error(
        'markup:attribute-value',
        `<${el.name} align="${align}">: expected left, center or right`,
        el.place ? { place: el.place } : {},
      ),
    );
  const widths = el.attrs.widths;
  if (el.name === 'table' && widths !== undefined && !widths.split(',').every((w) => Number(w.trim()) > 0))
    out.push(
      error(
        'markup:attribute-value',
        `<table widths="${widths}">: expected positive numbers separated by commas, e.g. "3,2,2"`,
        el.place ? { place: el.place } : {},
      ),
    );
  const cols = el.attrs.columns;
  if (
    el.name === 'body' &&
    cols !== undefined &&
    !(Number.isInteger(Number(cols)) && Number(cols) >= 1 && Number(cols) <= 6)
  )
    out.push(
      error(
        'markup:attribute-value',
        `<body columns="${cols}">: expected a whole number from 1 to 6`,
        el.place ? { place: el.place } : {},
      ),
    );
}

function describeContent(c: Content): string {
  if (c === 'inline') return 'text with <b>, <em> and <br/>';
  if (c === 'empty') return 'nothing (write it as <x/>)';
  if (c === 'blocks') return 'block elements such as <p>, <heading>, <figure>';
  return c.map((n) => `<${n}>`).join(', ');
}

function toInlines(el: RawElement): Inline[] {
  const out: Inline[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') out.push({ type: 'text', value: c });
    else if (c.name === 'br') out.push({ type: 'break' });
    else out.push({ type: c.name === 'b' ? 'strong' : 'emphasis', children: toInlines(c) });
  }
  return normalizeInlines(out);
}

function toBlocks(el: RawElement): Block[] {
  const out: Block[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    const place = c.place ? { place: c.place } : {};
    switch (c.name) {
      case 'kicker':
      case 'headline':
      case 'deck':
      case 'dateline':
      case 'byline':
      case 'heading':
      case 'pullquote':
        out.push({ type: c.name, children: toInlines(c), ...place });
        break;
      case 'p':
        out.push(paragraph(c));
        break;
      case 'lead':
        out.push({
          type: 'lead',
          children: c.children.filter((x): x is RawElement => typeof x !== 'string').map(paragraph),
          ...place,
        });
        break;
      case 'kpis':
        out.push({
          type: 'kpis',
          items: c.children
            .filter((x): x is RawElement => typeof x !== 'string')
            .map((k): Kpi => ({
              value: k.attrs.value!,
              label: k.attrs.label!,
              ...(k.place ? { place: k.place } : {}),
            })),
          ...place,
        });
        break;
      case 'body':
        out.push({
          type: 'columns',
          children: toBlocks(c),
          ...(c.attrs.columns ? { count: Number(c.attrs.columns) } : {}),
          ...place,
        });
        break;
      case 'section':
        out.push({ type: 'section', children: toBlocks(c), ...place });
        break;
      case 'figure':
        out.push({
          type: 'figure',
          data: c.attrs.data!,
          ...(c.attrs.lines ? { lines: Number(c.attrs.lines) } : {}),
          ...place,
        });
        break;
      case 'table': {
        const rows = c.children
          .filter((x): x is RawElement => typeof x !== 'string')
          .map((tr) =>
            tr.children
              .filter((x): x is RawElement => typeof x !== 'string')
              .map((cell): TableCell => {
                const align = cell.attrs.align;
                return {
                  children: toInlines(cell),
                  header: cell.name === 'th',
                  ...(align === 'left' || align === 'center' || align === 'right' ? { align } : {}),
                };
              }),
          );
        const widths = c.attrs.widths?.split(',').map((w) => Number(w.trim()));
        out.push({
          type: 'table',
          header: c.attrs.header !== 'no',
          rows,
          ...(widths ? { widths } : {}),
          ...place,
        });
        break;
      }
      case 'pagebreak':
        out.push({ type: 'pagebreak', ...place });
        break;
    }
  }
  return out;
}

function paragraph(el: RawElement): Paragraph {
  return {
    type: 'paragraph',
    children: toInlines(el),
    indent: el.attrs.indent !== 'no',
    ...(el.place ? { place: el.place } : {}),
  };
}
