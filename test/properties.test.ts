import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDataText } from '../src/data/load.js';
import { parseMarkup } from '../src/markup/parse.js';
import { layoutParagraph } from '../src/cjk/breaker.js';
import { prepare } from '../src/cjk/prepare.js';
import { splitOverlong } from '../src/cjk/overlong.js';
import { tokenize } from '../src/cjk/tokens.js';
import { buildReport } from '../src/pipeline/pipeline.js';
import { measurer } from './support/cjk.js';
import { pdftotext } from './support/pdf.js';
import { tempTree } from './support/tmp.js';

// Bounded in CI; FC_RUNS=2000 npx vitest run test/properties.test.ts for a longer search.
const RUNS = Number(process.env.FC_RUNS ?? 150);

/** Text the way Chinese reports mix it: Han, marks of every class, Latin, digits, spaces, rare characters. */
const piece = fc.constantFrom(
  ...'衡阳市经济转正增长发展项目投资创新改革开放'.split(''),
  ...'，。、：；！？“”‘’（）《》【】—～·／…'.split(''),
  '——',
  '……',
  'GDP',
  '3.0%',
  '2020',
  '9347.64',
  'COVID-19',
  ' ',
  '𠮷',
  'https://example.com/a/b',
  'é',
);
const chinese = fc.array(piece, { minLength: 1, maxLength: 80 }).map((a) => a.join(''));

describe('properties: any input either builds or yields diagnostics, never an exception', () => {
  it('the data loader', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, isJson) => {
        const r = parseDataText(isJson ? 'd.json' : 'd.yaml', bytes);
        if (!r.ok) expect(r.diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const r = parseDataText('d.yaml', new TextEncoder().encode(text));
        if (!r.ok) for (const d of r.diagnostics) expect(d.place?.file).toBe('d.yaml');
      }),
      { numRuns: RUNS },
    );
  });

  it('the markup parser', () => {
    const tag = fc.constantFrom(
      '<briefing>',
      '</briefing>',
      '<p>',
      '</p>',
      '<section>',
      '</section>',
      '<b>',
      '</b>',
      '<br/>',
      '<heading>',
      '</heading>',
      '<figure data="/x"/>',
      '<table>',
      '<tr>',
      '<td>',
      '</td>',
      '</tr>',
      '</table>',
      '<x>',
      '&amp;',
      '&bogus;',
      '<',
      '>',
      '"',
    );
    const markup = fc.array(fc.oneof(tag, chinese), { maxLength: 40 }).map((a) => a.join(''));
    fc.assert(
      fc.property(markup, (text) => {
        const r = parseMarkup({ text, sources: ['t.hbs'] });
        expect(r.tree !== undefined || r.diagnostics.length > 0).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('the CJK engine: terminates, keeps every character, never runs past the margin', () => {
    fc.assert(
      fc.property(chinese, fc.integer({ min: 4, max: 30 }), fc.boolean(), (text, widthEm, justify) => {
        const opts = { width: widthEm * 10, indent: 20, justify };
        const p = splitOverlong(prepare(tokenize([{ text, style: 0 }]), measurer), 0, opts);
        const lines = layoutParagraph(p, 0, opts);
        const joined = lines.map((l) => l.tokens.map((t) => p.tokens[t.index]!.text).join('')).join('');
        expect(joined.replace(/ /g, '')).toBe(text.replace(/ /g, ''));
        for (const [i, l] of lines.entries()) {
          const indent = i === 0 ? 20 : 0;
          // Single tokens wider than the line are cut, so every line fits (rounding aside).
          expect(l.width - indent).toBeLessThanOrEqual(opts.width - indent + 0.01);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('properties: text survives the round trip into the PDF', () => {
  it('copy and paste (pdftotext) gives back every paragraph exactly', async () => {
    const dir = tempTree({
      'pack/template.hbs':
        '<briefing date="2024-01-01"><body columns="2">{{#each paras}}<p>{{this}}</p>{{/each}}</body></briefing>',
    });
    const noSpaces = chinese.filter((t) => !/ /.test(t) && t.trim() !== '');
    await fc.assert(
      fc.asyncProperty(fc.array(noSpaces, { minLength: 1, maxLength: 4 }), async (paras) => {
        const data = path.join(dir, 'd.json');
        const { writeFileSync } = await import('node:fs');
        writeFileSync(data, JSON.stringify({ paras }));
        const r = await buildReport({
          templateDir: path.join(dir, 'pack'),
          dataFile: data,
          write: false,
          cacheDir: false,
        });
        expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
        const text = (await pdftotext(r.pdf!, '-raw'))
          .replace(/第 \d+ 页 \/ 共 \d+ 页/g, '')
          .replace(/[\n\f]/g, '');
        for (const p of paras) expect(text).toContain(p);
      }),
      { numRuns: Math.min(RUNS, 12) },
    );
  }, 120_000);
});

// Keep the sample's text in the alphabet's spirit: a guard that the fixture data above still parses.
it('the sample data loads', () => {
  const bytes = readFileSync(path.resolve(import.meta.dirname, '../data/hengyang-2020.yaml'));
  expect(parseDataText('hengyang-2020.yaml', bytes).ok).toBe(true);
});
