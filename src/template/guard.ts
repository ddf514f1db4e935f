import Handlebars from 'handlebars';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedData } from '../data/load.js';
import type { TemplatePack } from './pack.js';

// The text guard: `{{value}}` of an object or a list is an error where the template prints it, not
// "[object Object]" in the document.

/** The helper every escaped `{{value}}` goes through: text and numbers pass, an object or a list is an error. */
const TEXT_HELPER = '__text';

/** `{{value}}` printing an object or a list, which would read "[object Object]" or "a,b,c" in the document. */
export class ObjectAsText extends Error {
  constructor(
    readonly at: string,
    readonly value: object,
  ) {
    super(`prints ${Array.isArray(value) ? 'a list' : 'an object'} as text`);
  }
}

/** The parts of Handlebars' JavaScript compiler that the text guard reaches (handlebars 4.7). */
interface CompilerInternals {
  options: { [FILE_OPTION]?: number };
  source: { currentLocation?: hbs.AST.SourceLocation };
  pushSource(source: unknown): void;
  appendToBuffer(parts: unknown[]): unknown;
  aliasable(name: string): unknown;
  popStack(): unknown;
}
export const FILE_OPTION = '__briefingFile';

/**
 * A Handlebars environment whose compiled templates pass every escaped output through `__text` with the place
 * of the `{{…}}` that prints it, so that an object or a list is reported there rather than printed as
 * "[object Object]". Lookups are untouched: strict mode still reports a missing field as before.
 */
export function guardedHandlebars(): typeof Handlebars {
  const hb = Handlebars.create();
  const Base = (hb as unknown as { JavaScriptCompiler: new () => CompilerInternals }).JavaScriptCompiler;
  function Guarded(this: CompilerInternals) {
    Base.call(this);
  }
  Guarded.prototype = Object.create(Base.prototype as object) as object;
  (Guarded.prototype as { compiler: unknown }).compiler = Guarded;
  (Guarded.prototype as { appendEscaped: () => void }).appendEscaped = function (this: CompilerInternals) {
    const loc = this.source.currentLocation;
    const at = JSON.stringify(
      `${this.options[FILE_OPTION] ?? 0}:${loc?.start.line ?? 0}:${(loc?.start.column ?? 0) + 1}`,
    );
    this.pushSource(
      this.appendToBuffer([
        this.aliasable('container.escapeExpression'),
        `(helpers.${TEXT_HELPER}(`,
        this.popStack(),
        `, { at: ${at} }))`,
      ]),
    );
  };
  (hb as unknown as { JavaScriptCompiler: unknown }).JavaScriptCompiler = Guarded;
  // Handlebars wraps registered helpers and sets `lookupProperty` on their last argument: an object.
  hb.registerHelper(TEXT_HELPER, (value: unknown, where: { at: string }) => {
    if (value !== null && typeof value === 'object' && !(value instanceof hb.SafeString))
      throw new ObjectAsText(where.at, value);
    return value;
  });
  return hb;
}

/** An object or a list printed as text, at the template place that prints it, with the data's place as a note. */
export function objectAsTextDiagnostic(
  e: ObjectAsText,
  pack: TemplatePack,
  sources: readonly string[],
  data: LoadedData,
): Diagnostic {
  const [index, line, column] = e.at.split(':').map(Number) as [number, number, number];
  const file = sources[index]!;
  const text =
    file === pack.template.file
      ? pack.template.text
      : [...pack.partials.values()].find((p) => p.file === file)?.text;
  // The expression as written: `{{ byline }}` → byline.
  const written =
    /^\{\{~?\s*([^}~]*?)\s*~?\}\}/.exec((text?.split('\n')[line - 1] ?? '').slice(column - 1))?.[1] ??
    'value';
  const pointer = data.pointers.get(e.value);
  const list = Array.isArray(e.value);
  return error('template:object-as-text', `{{${written}}} ${e.message}`, {
    place: { file, start: { line, column } },
    ...(pointer !== undefined
      ? {
          related: [{ place: data.placeOf(pointer), message: `the ${list ? 'list' : 'object'} in the data` }],
        }
      : {}),
    hint: list
      ? `loop over it: {{#each ${written}}}…{{this}}…{{/each}}`
      : `print one of its fields, e.g. {{${written}.${Object.keys(e.value)[0] ?? 'name'}}}`,
  });
}
