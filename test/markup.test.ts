import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDataText } from '../src/data/load.js';
import type { Diagnostic, Place } from '../src/diagnostics/diagnostic.js';
import { hintsOf } from '../src/diagnostics/format.js';
import { DOCUMENT, ELEMENTS, ROOT } from '../src/markup/elements.js';
import { parseMarkup } from '../src/markup/parse.js';
import { loadPack } from '../src/template/pack.js';
import { renderTemplate, type RenderedMarkup } from '../src/template/render.js';
import { tempTree } from './support/tmp.js';

interface Case {
  title: string;
  template: string;
  expected: string;
}

/** Reads the fixture file: "=== title", the template, "---", the expected diagnostics. */
function readCases(file: string): Case[] {
  const cases: Case[] = [];
  for (const chunk of readFileSync(file, 'utf8').split(/^=== /m).slice(1)) {
    const [head, rest = ''] = chunk.split(/^---$/m);
    const nl = head!.indexOf('\n');
    cases.push({
      title: head!.slice(0, nl),
      template: head!.slice(nl + 1).replace(/\n$/, ''),
      expected: rest.trim(),
    });
  }
  return cases;
}

/** One diagnostic as the fixture writes it: place, code, message, then notes and hints on their own lines. */
function show(d: Diagnostic, dir: string): string {
  const file = d.place ? path.relative(dir, d.place.file) : '-';
  const at = d.place?.start ? `${file}:${d.place.start.line}:${d.place.start.column}` : file;
  const line = `${at} ${d.severity}[${d.code}]: ${d.message}`;
  const notes = (d.related ?? []).map((r) => {
    const f = path.relative(dir, r.place.file);
    return `  note: ${r.place.start ? `${f}:${r.place.start.line}:${r.place.start.column}` : f}: ${r.message}`;
  });
  return [line, ...notes, ...hintsOf(d).map((h) => `  hint: ${h}`)].join('\n');
}

/** The diagnostics of a one-file pack's markup, as the fixture writes them. */
function diagnose(template: string): string {
  const dir = tempTree({ 'template.hbs': template });
  const parsed = parseMarkup(render(dir));
  expect(parsed.tree === undefined).toBe(parsed.diagnostics.length > 0);
  return parsed.diagnostics.map((d) => show(d, dir)).join('\n') || '(none)';
}

/** Renders the pack in `dir` (one template file) over a small data set. */
function render(dir: string): RenderedMarkup {
  const { pack } = loadPack(dir);
  const loaded = parseDataText(path.join(dir, 'd.yaml'), new TextEncoder().encode('items: [甲, 乙]\n'));
  if (!pack || !loaded.ok) throw new Error('bad fixture pack');
  const { markup, diagnostics } = renderTemplate(pack, loaded.data);
  if (!markup) throw new Error(`template error: ${diagnostics.map((d) => d.message).join('; ')}`);
  return markup;
}

/** The tree of a markup that parses, as the fixture writes it: lang and meta, then one block per line. */
function tree(template: string): string {
  const dir = tempTree({ 'template.hbs': template });
  const parsed = parseMarkup(render(dir));
  if (!parsed.tree) return parsed.diagnostics.map((d) => show(d, dir)).join('\n');
  const { lang, meta, children } = parsed.tree;
  const short = (k: string, v: unknown) =>
    k === 'place' ? `${(v as Place).start?.line}:${(v as Place).start?.column}` : v;
  return [JSON.stringify({ lang, meta }), ...children.map((b) => JSON.stringify(b, short))].join('\n');
}

describe('markup diagnostics (test/fixtures/markup-diagnostics.txt)', () => {
  for (const c of readCases(path.resolve(import.meta.dirname, 'fixtures/markup-diagnostics.txt')))
    it(c.title, () => {
      expect(diagnose(c.template)).toBe(c.expected);
    });
});

describe('markup trees (test/fixtures/markup-trees.txt)', () => {
  for (const c of readCases(path.resolve(import.meta.dirname, 'fixtures/markup-trees.txt')))
    it(c.title, () => {
      expect(tree(c.template)).toBe(c.expected);
    });
});

describe('the element table (src/markup/elements.ts)', () => {
  const names = Object.keys(ELEMENTS);

  it('has one root, the document element', () => {
    expect(names.filter((n) => ELEMENTS[n]!.kind === 'root')).toEqual([ROOT]);
    expect(ELEMENTS[ROOT]).toBe(DOCUMENT);
  });

  it('names only known elements in content models and exceptions', () => {
    for (const rule of Object.values(ELEMENTS)) {
      if (typeof rule.content !== 'string') for (const n of rule.content) expect(names).toContain(n);
      for (const n of rule.except ?? []) expect(names).toContain(n);
    }
  });

  it('lists every part element in some parent’s content', () => {
    const listed = Object.values(ELEMENTS).flatMap((r) => (typeof r.content === 'string' ? [] : r.content));
    for (const n of names.filter((n) => ELEMENTS[n]!.kind === 'part')) expect(listed).toContain(n);
  });

  it('gives each alias to one element, and no alias is an element’s own name', () => {
    const aliases = Object.values(ELEMENTS).flatMap((r) => r.aliases ?? []);
    expect(new Set(aliases).size).toBe(aliases.length);
    for (const a of aliases) {
      expect(a).toBe(a.toLowerCase());
      expect(names).not.toContain(a);
    }
  });
});
