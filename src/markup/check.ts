import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { nearest } from '../diagnostics/suggest.js';
import { SRC_ATTR } from '../template/render.js';
import { ELEMENTS, type Content, type ElementRule, type RawElement } from './elements.js';

const names = Object.keys(ELEMENTS);
const BLOCKS = names.filter((n) => ELEMENTS[n]!.kind === 'block');
const INLINE = names.filter((n) => ELEMENTS[n]!.kind === 'inline');

/** The names editors bring from HTML and elsewhere, and the element each one means. */
const ALIASES: ReadonlyMap<string, string> = new Map(
  names.flatMap((n) => (ELEMENTS[n]!.aliases ?? []).map((alias): [string, string] => [alias, n])),
);

/** The elements a content model lets stand directly inside. */
function allowedIn(rule: ElementRule): readonly string[] {
  const c = rule.content;
  const allowed = c === 'inline' ? INLINE : c === 'empty' ? [] : c === 'blocks' ? BLOCKS : c;
  return rule.except ? allowed.filter((n) => !rule.except!.includes(n)) : allowed;
}

/** A content model in words, for hints: "text with <b>, <em> and <br/>". */
function describeContent(c: Content, except: readonly string[] = []): string {
  if (c === 'inline') {
    const tags = INLINE.filter((n) => !except.includes(n)).map((n) =>
      ELEMENTS[n]!.content === 'empty' ? `<${n}/>` : `<${n}>`,
    );
    return `text with ${tags.length > 1 ? `${tags.slice(0, -1).join(', ')} and ` : ''}${tags.at(-1)!}`;
  }
  if (c === 'empty') return 'nothing (write it as <x/>)';
  if (c === 'blocks') return 'block elements such as <p>, <heading>, <figure>';
  return c.map((n) => `<${n}>`).join(', ');
}

/**
 * Checks an element and its content against its rule in the table, depth first, adding a diagnostic for every
 * unknown or missing attribute, text or element where it may not stand, and attribute value out of range.
 */
export function checkElement(el: RawElement, out: Diagnostic[]): void {
  const rule = ELEMENTS[el.name]!;
  const place = el.place ? { place: el.place } : {};
  const attrs = Object.keys(rule.attrs);
  for (const name of Object.keys(el.attrs)) {
    if (name === SRC_ATTR || attrs.includes(name)) continue;
    const close = nearest(name, attrs);
    out.push(
      error('markup:unknown-attribute', `<${el.name}> has no attribute "${name}"`, {
        ...place,
        hint: close
          ? `did you mean "${close}"?`
          : attrs.length
            ? `allowed: ${attrs.join(', ')}`
            : `<${el.name}> takes no attributes`,
      }),
    );
  }
  for (const name of attrs)
    if (rule.attrs[name]!.required && !(name in el.attrs))
      out.push(
        error(
          'markup:missing-attribute',
          `<${el.name}> needs ${/^[aeiou]/.test(name) ? 'an' : 'a'} "${name}" attribute`,
          place,
        ),
      );
  for (const child of el.children) checkChild(el, rule, child, out);
  // Values are checked after the content, so their diagnostics follow those of the children.
  for (const name of attrs) {
    const value = el.attrs[name];
    const expect = rule.attrs[name]!.value;
    if (value !== undefined && expect && !expect.valid(value))
      out.push(error('markup:attribute-value', `<${el.name} ${name}="${value}">: ${expect.expected}`, place));
  }
  if (rule.check) out.push(...rule.check(el));
}

/** Checks one piece of an element's content: text, an unknown element, a misplaced one, or a known one. */
function checkChild(el: RawElement, rule: ElementRule, child: RawElement | string, out: Diagnostic[]): void {
  if (typeof child === 'string') {
    if (rule.content !== 'inline' && child.trim() !== '')
      out.push(
        error(
          'markup:stray-text',
          `text is not allowed directly inside <${el.name}>: "${child.trim().slice(0, 20)}"`,
          {
            ...(el.place ? { place: el.place } : {}),
            hint:
              rule.content === 'blocks'
                ? 'put running text in <p>…</p>'
                : `<${el.name}> may contain ${describeContent(rule.content, rule.except)}`,
          },
        ),
      );
    return;
  }
  if (!(child.name in ELEMENTS)) {
    const close = ALIASES.get(child.name.toLowerCase()) ?? nearest(child.name, names);
    out.push(
      error('markup:unknown-element', `unknown element <${child.name}>`, {
        ...(child.place ? { place: child.place } : {}),
        hint: close ? `did you mean <${close}>?` : 'see docs/templates.md for the elements Briefing knows',
      }),
    );
    return;
  }
  if (!allowedIn(rule).includes(child.name)) {
    out.push(
      error('markup:misplaced', `<${child.name}> is not allowed inside <${el.name}>`, {
        ...(child.place ? { place: child.place } : {}),
        hint: `<${el.name}> may contain ${describeContent(rule.content, rule.except)}`,
      }),
    );
    return;
  }
  checkElement(child, out);
}
