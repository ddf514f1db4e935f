import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import type { DocumentTree } from '../document/types.js';
import { SRC_ATTR, type RenderedMarkup } from '../template/render.js';
import { checkElement } from './check.js';
import { ROOT, type RawElement } from './elements.js';
import { toDocument } from './tree.js';

/**
 * Parses the rendered markup into a document tree; problems point at the template line that made them. It never
 * throws on what a template wrote: well-formedness (saxes), then the element table's rules (check.ts), then the
 * tree (tree.ts), stopping with diagnostics at the first of these that finds any.
 */
export function parseMarkup(markup: RenderedMarkup): { tree?: DocumentTree; diagnostics: Diagnostic[] } {
  const read = readElements(markup);
  if ('diagnostic' in read) return { diagnostics: [read.diagnostic] };
  const top = read.top;
  if (top.length !== 1 || top[0]!.name !== ROOT)
    return {
      diagnostics: [
        error('markup:root', `the template must produce one <${ROOT}> element`, {
          place: top[0]?.place ?? { file: markup.sources[0]! },
          hint: `wrap the whole template in <${ROOT}>…</${ROOT}>`,
        }),
      ],
    };
  const diagnostics: Diagnostic[] = [];
  checkElement(top[0]!, diagnostics);
  // A mistake inside {{#each}} repeats once per item: report each template location once.
  const unique = new Map<string, Diagnostic>();
  for (const d of diagnostics)
    unique.set(
      `${d.code}|${d.message}|${d.place?.file}:${d.place?.start?.line}:${d.place?.start?.column}`,
      d,
    );
  if (diagnostics.length) return { diagnostics: [...unique.values()] };
  return toDocument(top[0]!);
}

/** Reads the markup's elements with saxes, each with its template place; the first syntax error stops it. */
function readElements(markup: RenderedMarkup): { top: RawElement[] } | { diagnostic: Diagnostic } {
  const placeOf = (attrs: Record<string, string>): Place | undefined => {
    const m = /^(\d+):(\d+):(\d+)$/.exec(attrs[SRC_ATTR] ?? '');
    if (!m) return undefined;
    const file = markup.sources[Number(m[1])];
    return file ? { file, start: { line: Number(m[2]), column: Number(m[3]) } } : undefined;
  };
  const root: RawElement = { name: '#root', attrs: {}, place: undefined, children: [] };
  const stack: RawElement[] = [root];
  const parser = new SaxesParser({ xmlns: false, position: true });
  let diagnostic: Diagnostic | undefined;
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
  // saxes closes an element left open when its parent's close tag comes, then reports the close tag as
  // unexpected: the element closed at the error's own position is the one the template forgot to close.
  let lastClosed: { el: RawElement; parent: RawElement; at: number } | undefined;
  parser.on('closetag', () => {
    const el = stack.pop()!;
    lastClosed = { el, parent: stack.at(-1)!, at: parser.position };
  });
  parser.on('text', (t: string) => void stack.at(-1)!.children.push(t));
  parser.on('error', (e: Error) => {
    const closing = /unexpected close tag/.test(e.message)
      ? /<\/([^\s>]+)\s*>$/.exec(markup.text.slice(0, parser.position))?.[1]
      : undefined;
    // A close tag that matches no open element at all: say so, at the element it came in.
    if (closing !== undefined && !stack.some((el) => el.name === closing) && lastClosed?.el.name !== closing)
      diagnostic ??= strayClose(
        closing,
        lastClosed?.at === parser.position ? lastClosed.el : stack.at(-1)!,
        markup,
      );
    const implicit = closing !== undefined && lastClosed?.at === parser.position ? lastClosed : undefined;
    diagnostic ??= implicit
      ? leftOpen(implicit.el, implicit.parent, markup)
      : syntaxError(e, stack, `line ${parser.line}, column ${parser.column}`, markup);
  });
  try {
    parser.write(markup.text).close();
  } catch {
    // saxes throws after reporting through the error handler; the diagnostic is already recorded.
  }
  return diagnostic
    ? { diagnostic }
    : { top: root.children.filter((c): c is RawElement => typeof c !== 'string') };
}

/** A close tag that closes nothing: at the element it stands in. */
function strayClose(name: string, inside: RawElement, markup: RenderedMarkup): Diagnostic {
  return error('markup:syntax', `</${name}> closes no open element`, {
    place: inside.place ?? { file: markup.sources[0]! },
    hint: `remove </${name}>, or add the <${name}> it should close${inside.name !== '#root' ? ` inside <${inside.name}>` : ''}`,
  });
}

/** An element left open inside its parent: at the element's template place, with the parent's as a note. */
function leftOpen(el: RawElement, parent: RawElement, markup: RenderedMarkup): Diagnostic {
  return error('markup:syntax', `<${el.name}> is never closed`, {
    place: el.place ?? parent.place ?? { file: markup.sources[0]! },
    ...(parent.place && parent.name !== '#root'
      ? { related: [{ place: parent.place, message: `its parent <${parent.name}> ends before it` }] }
      : {}),
    hint: `add </${el.name}> before </${parent.name}>, or write <${el.name}/> if it has no content`,
  });
}

/** The diagnostic for a saxes error, at the innermost open element that has a template place. */
function syntaxError(e: Error, stack: readonly RawElement[], at: string, markup: RenderedMarkup): Diagnostic {
  const open = [...stack].reverse().find((el) => el.place);
  // A bare & starts an entity that never ends: saxes then reads the rest as its name and reports unclosed tags.
  if (
    /unclosed tag|unexpected end/.test(e.message) &&
    /&(?!(?:[A-Za-z][\w.-]*|#\d+|#x[0-9a-fA-F]+);)/.test(markup.text)
  )
    return error('markup:syntax', "a bare & in the template's text", {
      ...(open?.place ? { place: open.place } : { place: { file: markup.sources[0]! } }),
      hint: 'write & as &amp; in the template (text from the data is escaped for you)',
    });
  const detail = e.message.replace(/^\d+:\d+: /, '');
  const unclosed =
    /unclosed tag: (\S+)/.exec(detail) ??
    (/unexpected close tag/.test(detail) && stack.length > 1 ? ['', stack.at(-1)!.name] : null);
  return error(
    'markup:syntax',
    unclosed ? `<${unclosed[1]}> is never closed` : `the template's markup is not well-formed: ${detail}`,
    {
      ...(open?.place ? { place: open.place } : { place: { file: markup.sources[0]! } }),
      hint: unclosed
        ? `add </${unclosed[1]}>, or write <${unclosed[1]}/> if it has no content`
        : `the error is at ${at} of the rendered markup; check tags near the template line shown (write & as &amp;)`,
    },
  );
}
