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
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t: string) => void stack.at(-1)!.children.push(t));
  parser.on('error', (e: Error) => {
    diagnostic ??= syntaxError(e, stack, `line ${parser.line}, column ${parser.column}`, markup);
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

/** The diagnostic for a saxes error, at the innermost open element that has a template place. */
function syntaxError(e: Error, stack: readonly RawElement[], at: string, markup: RenderedMarkup): Diagnostic {
  const open = [...stack].reverse().find((el) => el.place);
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
