import Handlebars from 'handlebars';
import { error, type Diagnostic, type Point } from '../diagnostics/diagnostic.js';
import type { Code } from '../diagnostics/codes.js';
import type { LoadedData } from '../data/load.js';
import { nearest } from '../diagnostics/suggest.js';
import { DataValueError, makeHelpers } from './helpers.js';
import { FILE_OPTION, guardedHandlebars, ObjectAsText, objectAsTextDiagnostic } from './guard.js';
import type { SourceFile, TemplatePack } from './pack.js';
import { evaluateSpec, TemplateStore, type TemplateSpec } from './precompiled.js';

/** The markup Handlebars produced, and the source files its `__src` location attributes refer to. */
export interface RenderedMarkup {
  text: string;
  /** Index used in `__src="i:line:col"` → template or partial file. */
  sources: readonly string[];
}

/** Name of the attribute through which every element carries its template location. */
export const SRC_ATTR = '__src';

type Ast = hbs.AST.Program;
type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/**
 * Adds `__src="file:line:col"` to every start tag in the template's literal text, so that errors found after
 * Handlebars has run (an unknown element, say) can still name the line in the template that produced them.
 * It rewrites the parsed AST, not the text, so Handlebars' own error locations stay those of the file.
 */
function annotate(node: unknown, fileIndex: number): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach((n) => annotate(n, fileIndex));
    return;
  }
  const n = node as { type?: string; value?: string; original?: string; loc?: hbs.AST.SourceLocation };
  if (n.type === 'ContentStatement' && typeof n.value === 'string' && n.loc) {
    const original = n.original ?? n.value;
    const shift = Math.max(0, original.indexOf(n.value));
    const start = n.loc.start; // line 1-based, column 0-based
    n.value = n.value.replace(/<([A-Za-z][\w-]*)/g, (m: string, _name: string, idx: number) => {
      const before = original.slice(0, shift + idx);
      const nl = before.lastIndexOf('\n');
      const line = start.line + (before.match(/\n/g)?.length ?? 0);
      const column = nl === -1 ? start.column + before.length + 1 : before.length - nl;
      return `${m} ${SRC_ATTR}="${fileIndex}:${line}:${column}"`;
    });
    return;
  }
  for (const [k, v] of Object.entries(node))
    if (k !== 'loc' && v && typeof v === 'object') annotate(v, fileIndex);
}

/** Locates a Handlebars parse error: "Parse error on line N" plus the caret frame that follows it. */
function parseErrorPoint(message: string, text: string): Point {
  const lineMatch = /on line (\d+)/.exec(message);
  const line = lineMatch ? Number(lineMatch[1]) : 1;
  const lines = text.split('\n');
  const msgLines = message.split('\n');
  const frame = msgLines[1] ?? '';
  const caret = (msgLines[2] ?? '').indexOf('^');
  const before = frame.slice(0, caret).replace(/^\.\.\./, '');
  const lineText = lines[line - 1] ?? '';
  for (let col = lineText.length; col >= 0; col--) {
    const head = lineText.slice(0, col);
    const k = Math.min(head.length, before.length);
    if (k > 0 && head.endsWith(before.slice(before.length - k))) return { line, column: col + 1 };
  }
  return { line, column: Math.max(1, lineText.length + 1) };
}

/** Finds the last `{{#block}}` that is never closed, which is what "got 'EOF'" parse errors mean. */
function unclosedBlock(text: string): { name: string; point: Point } | undefined {
  const stack: { name: string; offset: number }[] = [];
  const re = /\{\{~?\s*([#/^])\s*(?:>\s*)?([\w.-]+)|\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (!m[1]) continue;
    if (m[1] === '#') stack.push({ name: m[2]!, offset: m.index });
    else if (m[1] === '/') {
      const i = stack.map((s) => s.name).lastIndexOf(m[2]!);
      if (i >= 0) stack.splice(i);
    }
  }
  const open = stack.at(-1);
  if (!open) return undefined;
  const head = text.slice(0, open.offset);
  const nl = head.lastIndexOf('\n');
  return { name: open.name, point: { line: (head.match(/\n/g)?.length ?? 0) + 1, column: open.offset - nl } };
}

/** Finds `{{{x}}}` or `{{& x}}`: unescaped data could break the markup or inject elements. */
function findUnescaped(node: unknown): hbs.AST.MustacheStatement | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const n = node as { type?: string; escaped?: boolean };
  if (n.type === 'MustacheStatement' && n.escaped === false) return node as hbs.AST.MustacheStatement;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'loc') continue;
    const found = findUnescaped(v);
    if (found) return found;
  }
  return undefined;
}

function parseSource(src: SourceFile, fileIndex: number): { ast?: Ast; diagnostic?: Diagnostic } {
  try {
    const ast = Handlebars.parse(src.text);
    const raw = findUnescaped(ast);
    if (raw)
      return {
        diagnostic: error('template:unescaped', 'unescaped output ({{{…}}} or {{& …}}) is not allowed', {
          place: { file: src.file, start: { line: raw.loc.start.line, column: raw.loc.start.column + 1 } },
          hint: 'use {{…}}: Briefing escapes data so that it can never break or inject markup',
        }),
      };
    annotate(ast, fileIndex);
    return { ast };
  } catch (e) {
    const message = (e as Error).message;
    if (/got 'EOF'/.test(message)) {
      const open = unclosedBlock(src.text);
      if (open)
        return {
          diagnostic: error('template:syntax', `block {{#${open.name}}} is never closed`, {
            place: { file: src.file, start: open.point },
            hint: `add {{/${open.name}}} where the block should end`,
          }),
        };
    }
    const err = e as Error & { lineNumber?: number; column?: number };
    const mismatch = /^(\S+) doesn't match (\S+)/.exec(message);
    if (mismatch)
      return {
        diagnostic: error('template:syntax', `{{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}`, {
          place: {
            file: src.file,
            ...(err.lineNumber ? { start: { line: err.lineNumber, column: (err.column ?? 0) + 1 } } : {}),
          },
          hint: `close the block with {{/${mismatch[1]}}}`,
        }),
      };
    const got = /got '([A-Z_]+)'/.exec(message)?.[1];
    return {
      diagnostic: error(
        'template:syntax',
        `Handlebars syntax error: unexpected ${TOKENS[got ?? ''] ?? got ?? 'input'}`,
        {
          place: { file: src.file, start: parseErrorPoint(message, src.text) },
          hint: 'check that every {{ has its }} (and {{{ its }}}), and every {{#block}} its {{/block}}',
        },
      ),
    };
  }
}

const TOKENS: Record<string, string> = {
  EOF: 'end of file',
  INVALID: 'character inside {{ }}',
  CLOSE: '}}',
  CLOSE_UNESCAPED: '}}}',
  CLOSE_RAW_BLOCK: '}}}}',
  INVERSE: '{{else}}',
  OPEN_INVERSE_CHAIN: '{{else …}}',
  OPEN_ENDBLOCK: '{{/…}}',
  OPEN_BLOCK: '{{#…}}',
  OPEN: '{{',
  OPEN_UNESCAPED: '{{{',
  OPEN_PARTIAL: '{{>',
  CLOSE_SEXPR: ')',
  OPEN_SEXPR: '(',
  EQUALS: '=',
  ID: 'name',
};

function allKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (value && typeof value === 'object') {
    if (Array.isArray(value)) value.forEach((v) => allKeys(v, out));
    else
      for (const [k, v] of Object.entries(value)) {
        out.add(k);
        allKeys(v, out);
      }
  }
  return out;
}

const FILE_TAG = Symbol('briefing.templateFile');

/** A pack's Handlebars environment with its partials registered, and its main template compiled. */
interface CompiledPack {
  hb: typeof Handlebars;
  template: Handlebars.TemplateDelegate;
  sources: string[];
}

/**
 * Compiled packs by their sources (file names and texts): a preview or worker that renders the same pack again
 * compiles nothing. Handlebars compiles a template to JavaScript on its first use and keeps it; the helpers,
 * which hold the build's data places, are registered again for each render.
 */
const compiledPacks = new Map<string, CompiledPack>();
const MAX_COMPILED_PACKS = 16;

/** Forgets the packs compiled in this process (the next render reads the cache folder, or compiles). */
export function forgetCompiledPacks(): void {
  compiledPacks.clear();
}

/** Compiles the pack (template and partials) and renders it over the data, in Handlebars strict mode. */
export function renderTemplate(
  pack: TemplatePack,
  data: LoadedData,
  cacheDir?: string | false,
): { markup?: RenderedMarkup; diagnostics: Diagnostic[] } {
  const key = JSON.stringify([pack.template, [...pack.partials]]);
  let compiledPack = compiledPacks.get(key);
  if (!compiledPack) {
    const made = compilePack(pack, key, new TemplateStore(cacheDir));
    if (!made.compiled) return { diagnostics: made.diagnostics };
    compiledPack = made.compiled;
    compiledPacks.set(key, compiledPack);
    if (compiledPacks.size > MAX_COMPILED_PACKS) compiledPacks.delete(compiledPacks.keys().next().value!);
  }
  return render(compiledPack, pack, data);
}

/** Runs the compiled template of a partial, tagging its errors with the partial's file (error locations name it). */
function partialOf(compiled: Handlebars.TemplateDelegate, file: string): Handlebars.Template {
  const wrapped = (ctx: unknown, opts?: Handlebars.RuntimeOptions) => {
    try {
      return compiled(ctx, opts);
    } catch (e) {
      if (e && typeof e === 'object' && !(FILE_TAG in e)) (e as Record<symbol, string>)[FILE_TAG] = file;
      throw e;
    }
  };
  return wrapped;
}

/**
 * The pack's templates compiled (from the cache folder when it has them: `precompiled.ts`), its partials
 * registered in a guarded Handlebars environment.
 */
function compilePack(
  pack: TemplatePack,
  key: string,
  store: TemplateStore,
): { compiled?: CompiledPack; diagnostics: Diagnostic[] } {
  const hb = guardedHandlebars();
  const sources = [pack.template.file, ...[...pack.partials.values()].map((p) => p.file)];
  const template = (spec: TemplateSpec) => hb.template(spec);
  const kept = store.read(key, [...pack.partials.keys()]);
  if (kept) {
    for (const [name, src] of pack.partials)
      hb.registerPartial(name, partialOf(template(kept.partials[name]!), src.file));
    return { compiled: { hb, template: template(kept.main), sources }, diagnostics: [] };
  }
  const diagnostics: Diagnostic[] = [];
  const asts: [name: string | undefined, ast: Ast, file: number][] = [];
  const main = parseSource(pack.template, 0);
  if (main.diagnostic) diagnostics.push(main.diagnostic);
  else asts.push([undefined, main.ast!, 0]);
  [...pack.partials].forEach(([name, src], i) => {
    const parsed = parseSource(src, i + 1);
    if (parsed.diagnostic) diagnostics.push(parsed.diagnostic);
    else asts.push([name, parsed.ast!, i + 1]);
  });
  if (diagnostics.length > 0) return { diagnostics };
  const options = (file: number) =>
    ({ strict: true, preventIndent: true, [FILE_OPTION]: file }) as CompileOptions;
  // Compiled now, so that the code can be kept; a template Handlebars cannot compile (a partial call it does not
  // support, say) is compiled on first use instead, and its error reported where the render reports it.
  let specs: (string | undefined)[];
  try {
    // The precompiler's source text (Handlebars' types call it a specification).
    specs = asts.map(([, ast, file]) => hb.precompile(ast, options(file)) as unknown as string);
    store.write(
      key,
      specs[0]!,
      asts.slice(1).map(([name], k) => [name!, specs[k + 1]!]),
    );
  } catch {
    specs = [];
  }
  const compiled = asts.map(([, ast, file], k) =>
    specs[k] !== undefined ? template(evaluateSpec(specs[k])) : hb.compile(ast, options(file)),
  );
  asts
    .slice(1)
    .forEach(([name], k) =>
      hb.registerPartial(name!, partialOf(compiled[k + 1]!, pack.partials.get(name!)!.file)),
    );
  return { compiled: { hb, template: compiled[0]!, sources }, diagnostics };
}

function render(
  { hb, template, sources }: CompiledPack,
  pack: TemplatePack,
  data: LoadedData,
): { markup?: RenderedMarkup; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  hb.registerHelper(makeHelpers(data.pointers));
  try {
    const text = template(data.value, {
      allowProtoPropertiesByDefault: false,
      allowProtoMethodsByDefault: false,
    });
    return { markup: { text, sources }, diagnostics };
  } catch (e) {
    if (e instanceof DataValueError) return { diagnostics: [dataValueDiagnostic(e, data)] };
    if (e instanceof ObjectAsText) return { diagnostics: [objectAsTextDiagnostic(e, pack, sources, data)] };
    const err = e as Error & { lineNumber?: number; column?: number; [FILE_TAG]?: string };
    const file = err[FILE_TAG] ?? pack.template.file;
    const src =
      file === pack.template.file ? pack.template : [...pack.partials.values()].find((p) => p.file === file)!;
    let start: Point | undefined = err.lineNumber
      ? { line: err.lineNumber, column: (err.column ?? 0) + 1 }
      : undefined;
    let code: Code = 'template:render';
    let message = err.message.replace(/ - \d+:\d+$/, '');
    let hint: string | undefined;
    const undef = /^"([^"]+)" not defined in/.exec(err.message);
    const partial = /^The partial (\S+) could not be found/.exec(err.message);
    const helper = /^Missing helper: "([^"]+)"/.exec(err.message);
    const line = start ? (src.text.split('\n')[start.line - 1] ?? '') : '';
    const calledWithArgs =
      undef && new RegExp(`\\{\\{~?[#]?\\s*${escapeRe(undef[1]!)}\\s+[^}\\s]`).test(line);
    if (undef && calledWithArgs) {
      // {{shout title}}: strict mode reports a missing helper as a missing field.
      code = 'template:unknown-helper';
      message = `unknown helper "${undef[1]}"`;
      const close = nearest(undef[1]!, Object.keys(makeHelpers(new WeakMap())));
      hint = close ? `did you mean "${close}"?` : 'see docs/templates.md for the helpers Briefing provides';
    } else if (undef) {
      code = 'template:undefined';
      message = `"${undef[1]}" is not defined in the data`;
      const close = nearest(undef[1]!, [...allKeys(data.value)]);
      hint = close
        ? `did you mean "${close}"? (optional fields need {{#if ${undef[1]}}}…{{/if}})`
        : "check the field name against the pack's schema.json; wrap optional fields in {{#if …}}";
    } else if (partial) {
      code = 'template:missing-partial';
      message = `partial "${partial[1]}" not found`;
      start ??= findInSource(src.text, new RegExp(`\\{\\{~?#?>\\s*${escapeRe(partial[1]!)}\\b`));
      const close = nearest(partial[1]!, [...pack.partials.keys()]);
      hint = close
        ? `did you mean "${close}"?`
        : `partials live in partials/<name>.hbs; found: ${[...pack.partials.keys()].join(', ') || 'none'}`;
    } else if (helper) {
      code = 'template:unknown-helper';
      message = `unknown helper "${helper[1]}"`;
      start ??= findInSource(src.text, new RegExp(`\\{\\{~?[#]?\\s*${escapeRe(helper[1]!)}\\s`));
      hint = 'see docs/templates.md for the helpers Briefing provides';
    } else if (/^\{\{(\w+)\}\}/.test(err.message)) {
      const name = /^\{\{(\w+)\}\}/.exec(err.message)![1]!;
      code = 'template:helper';
      start ??= findInSource(src.text, new RegExp(`\\{\\{~?[#(]?\\s*${name}\\s`));
      hint = 'check the value the helper is given; see docs/templates.md';
    } else if (
      err instanceof TypeError &&
      /Cannot read properties of (undefined|null) \(reading '([^']+)'\)/.test(err.message)
    ) {
      const field = /\(reading '([^']+)'\)/.exec(err.message)![1]!;
      code = 'template:undefined';
      message = `cannot read "${field}": the value before it is missing from the data`;
      start ??= findInSource(src.text, new RegExp(`[\\w@.]+\\.${escapeRe(field)}\\b`));
      hint = `a path like a.${field} needs "a" in the data; guard optional parts with {{#if a}}…{{/if}} or {{#with a}}`;
    } else if (err instanceof RangeError && /call stack/i.test(err.message)) {
      code = 'template:recursion';
      message = 'template recursion too deep (a partial that includes itself?)';
    }
    return {
      diagnostics: [
        error(code, message, { place: start ? { file, start } : { file }, ...(hint ? { hint } : {}) }),
      ],
    };
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function findInSource(text: string, re: RegExp): Point | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  const head = text.slice(0, m.index);
  return { line: (head.match(/\n/g)?.length ?? 0) + 1, column: m.index - head.lastIndexOf('\n') };
}

/** A value the template rejected with {{dataError}}, as a data error at the value in the data file. */
function dataValueDiagnostic(e: DataValueError, data: LoadedData): Diagnostic {
  return error('data:invalid', e.message, {
    place: data.placeOf(e.pointer),
    pointer: e.pointer,
    hint: 'the template cannot use this value: change it in the data',
  });
}
