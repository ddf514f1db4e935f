import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDataText } from '../src/data/load.js';
import { loadPack } from '../src/template/pack.js';
import { forgetCompiledPacks, renderTemplate } from '../src/template/render.js';
import { parseMarkup } from '../src/markup/parse.js';
import { tempTree } from './support/tmp.js';

function render(files: Record<string, string>, yaml = 'title: 标题\nitems: [甲, 乙]\n') {
  const dir = tempTree(files);
  const { pack, diagnostics } = loadPack(dir);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const loaded = parseDataText(path.join(dir, 'd.yaml'), new TextEncoder().encode(yaml));
  if (!loaded.ok) throw new Error('bad test data');
  return { dir, ...renderTemplate(pack!, loaded.data) };
}

describe('Handlebars stage', () => {
  it('renders data into markup, escaping it', () => {
    const r = render({ 'template.hbs': '<briefing><p>{{title}}</p></briefing>' }, 'title: A & B <c>\n');
    expect(r.markup!.text).toContain('A &amp; B &lt;c&gt;');
  });

  it('names the partial file, line and column of a misspelled field (strict mode)', () => {
    const r = render({
      'template.hbs': '<briefing>\n{{> body}}\n</briefing>',
      'partials/body.hbs': '<section>\n  <p>{{titel}}</p>\n</section>\n',
    });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: 'template:undefined',
      place: { file: path.join(r.dir, 'partials/body.hbs'), start: { line: 2, column: 8 } },
      hint: expect.stringContaining('"title"') as unknown,
    });
  });

  it('compiles a pack once and renders each data with its own helpers and places', () => {
    const dir = tempTree({
      'template.hbs': '<briefing>\n{{> body}}\n</briefing>',
      'partials/body.hbs': '<section>\n  <p>{{title}} {{number n 1}}</p>\n</section>\n',
    });
    const { pack } = loadPack(dir);
    const data = (yaml: string) => {
      const loaded = parseDataText(path.join(dir, 'd.yaml'), new TextEncoder().encode(yaml));
      if (!loaded.ok) throw new Error('bad test data');
      return loaded.data;
    };
    expect(renderTemplate(pack!, data('title: 一\nn: 1\n')).markup!.text).toContain('一 1.0');
    expect(renderTemplate(pack!, data('title: 二\nn: 2.25\n')).markup!.text).toContain('二 2.3');
    // A later data's mistake is still reported at its template place, through the pack compiled before.
    const bad = renderTemplate(pack!, data('title: 三\nn: [1]\n'));
    expect(bad.diagnostics[0]).toMatchObject({
      place: { file: path.join(dir, 'partials/body.hbs'), start: { line: 2 } },
    });
    expect(renderTemplate(loadPack(dir).pack!, data('title: 四\nn: 4\n')).markup!.text).toContain('四 4.0');
  });

  it('points a syntax error at the unclosed block', () => {
    const r = render({ 'template.hbs': '<briefing>\n  {{#each items}}\n  <p>{{this}}</p>\n</briefing>\n' });
    expect(r.diagnostics[0]).toMatchObject({
      code: 'template:syntax',
      place: { start: { line: 2, column: 3 } },
    });
  });

  it('reports a missing partial with a suggestion', () => {
    const r = render({
      'template.hbs': '<briefing>\n{{> sectoin}}</briefing>',
      'partials/section.hbs': '<p>x</p>',
    });
    expect(r.diagnostics[0]).toMatchObject({
      code: 'template:missing-partial',
      hint: 'did you mean "section"?',
      place: { start: { line: 2 } },
    });
  });

  it('refuses unescaped output, which could inject markup', () => {
    const r = render({ 'template.hbs': '<briefing>\n<p>{{{title}}}</p></briefing>' });
    expect(r.diagnostics[0]).toMatchObject({
      code: 'template:unescaped',
      place: { start: { line: 2, column: 4 } },
    });
  });

  it('stops a partial that includes itself', () => {
    const r = render({
      'template.hbs': '<briefing>{{> loop}}</briefing>',
      'partials/loop.hbs': '{{> loop}}',
    });
    expect(r.diagnostics[0]?.code).toBe('template:recursion');
  });
});

describe('markup stage', () => {
  it('points an unknown element at the template line that produced it', () => {
    const r = render({
      'template.hbs': '<briefing>\n  {{#each items}}\n  <para>{{this}}</para>\n  {{/each}}\n</briefing>',
    });
    const parsed = parseMarkup(r.markup!);
    expect(parsed.diagnostics[0]).toMatchObject({
      code: 'markup:unknown-element',
      hint: 'did you mean <p>?',
      place: { file: path.join(r.dir, 'template.hbs'), start: { line: 3, column: 3 } },
    });
  });

  it('reports unknown attributes and misplaced elements', () => {
    const r = render({
      'template.hbs': '<briefing>\n<p indnt="no">x</p>\n<lead><heading>h</heading></lead>\n</briefing>',
    });
    const codes = parseMarkup(r.markup!).diagnostics.map((d) => [d.code, d.place?.start?.line]);
    expect(codes).toEqual([
      ['markup:unknown-attribute', 2],
      ['markup:misplaced', 3],
    ]);
  });

  it('drops template line breaks between Chinese characters but keeps spaces', () => {
    const r = render({
      'template.hbs':
        '<briefing><p>\n  衡阳\n  年度热词 2020 <b>GDP</b>\n  增长\n</p><deck>2020 衡阳</deck></briefing>',
    });
    const tree = parseMarkup(r.markup!).tree!;
    expect(tree.children[0]).toMatchObject({
      type: 'paragraph',
      children: [
        { type: 'text', value: '衡阳年度热词 2020 ' },
        { type: 'strong', children: [{ type: 'text', value: 'GDP' }] },
        { type: 'text', value: '增长' },
      ],
    });
    expect(tree.children[1]).toMatchObject({
      type: 'deck',
      children: [{ type: 'text', value: '2020 衡阳' }],
    });
  });
});

describe('compiled packs kept in the cache folder', () => {
  const files = {
    'template.hbs': '<briefing>\n<h1>{{title}}</h1>\n{{#each items}}{{> item n=../n}}{{/each}}\n</briefing>',
    'partials/item.hbs': '<p>{{name}} {{number n 1}}</p>\n',
  };
  const renderIn = (dir: string, cache: string | false, yaml: string) => {
    const loaded = parseDataText(path.join(dir, 'd.yaml'), new TextEncoder().encode(yaml));
    if (!loaded.ok) throw new Error('bad test data');
    return renderTemplate(loadPack(dir).pack!, loaded.data, cache);
  };

  it('render what a fresh compile renders, errors and their places included', () => {
    const dir = tempTree(files);
    const cache = tempTree({});
    const inputs = [
      'title: 标题\nitems: [{name: 甲}, {name: 乙}]\nn: 2.25\n',
      'title: 标题\nitems: [{name: 甲}, {name: {a: 1}}]\nn: 2\n', // an object printed as text, in the partial
      'title: 标题\nitems: [{nome: 甲}]\nn: 2\n', // name missing: strict mode, in the partial
      'titel: 标题\nitems: []\nn: 1\n', // title missing, in the template
    ];
    const fresh = inputs.map((yaml) => {
      forgetCompiledPacks();
      return renderIn(dir, false, yaml);
    });
    forgetCompiledPacks();
    renderIn(dir, cache, inputs[0]!);
    expect(readdirSync(path.join(cache, 'templates'))).toHaveLength(1);
    const kept = inputs.map((yaml) => {
      forgetCompiledPacks();
      return renderIn(dir, cache, yaml);
    });
    expect(kept).toEqual(fresh);
    expect(fresh[0]!.markup!.text).toContain('<p');
    expect(
      fresh
        .slice(1)
        .map((r) => [path.basename(r.diagnostics[0]!.place!.file), r.diagnostics[0]!.place!.start]),
    ).toEqual([
      ['item.hbs', { line: 1, column: 4 }],
      ['item.hbs', { line: 1, column: 6 }],
      ['template.hbs', { line: 2, column: 7 }],
    ]);
  });

  it('compiles afresh over a damaged file, and keeps nothing Handlebars cannot compile', () => {
    const dir = tempTree(files);
    const cache = tempTree({});
    forgetCompiledPacks();
    const good = renderIn(dir, cache, 'title: 一\nitems: [甲]\nn: 1\n');
    const [name] = readdirSync(path.join(cache, 'templates'));
    writeFileSync(path.join(cache, 'templates', name!), 'module.exports = { main: 1 };');
    forgetCompiledPacks();
    expect(renderIn(dir, cache, 'title: 一\nitems: [甲]\nn: 1\n')).toEqual(good);

    // Two arguments to a partial: Handlebars' compiler refuses it, reported where the render reports it.
    const odd = tempTree({
      'template.hbs': '<briefing>\n{{> item a b}}\n</briefing>',
      'partials/item.hbs': 'x',
    });
    const oddCache = tempTree({});
    forgetCompiledPacks();
    const r = renderIn(odd, oddCache, 'a: 1\nb: 2\n');
    expect(r.diagnostics[0]).toMatchObject({
      code: 'template:render',
      message: expect.stringContaining('partial') as unknown,
    });
    expect(readdirSync(path.join(oddCache, 'templates'))).toEqual([]);
  });
});
