import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseDataText } from '../src/data/load.js';
import { clearCompiledSchemas, compileSchema, validateData } from '../src/schema/validate.js';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');
const packs = [
  ['annual-briefing', 'data/hengyang-2020.yaml'],
  ['monthly-report', 'data/monthly-sample.yaml'],
] as const;

/** The sample's data with one mistake of each kind the schemas check, one document a mistake. */
function mistakes(sample: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const edit = (f: (d: Record<string, unknown>) => void) => {
    const d = structuredClone(sample);
    f(d);
    out.push(d);
  };
  const keys = Object.keys(sample);
  edit((d) => delete d[keys[0]!]); // a required property missing
  edit((d) => (d[keys[1]!] = 5)); // a wrong type
  edit((d) => (d.surplus = 'x')); // an unknown property
  edit((d) => (d.date = '2021-13-45')); // a bad date format
  edit((d) => (d.lang = 'not a tag!')); // a pattern
  edit((d) => (d.sections = Array.from({ length: 25 }, () => (d.sections as unknown[])[0]))); // too many
  edit((d) => (d.sections = [{}])); // nested required
  edit((d) => (d.meta = { keywords: { a: 1 } })); // oneOf
  edit((d) => (d.pullQuote = { text: '', afterSection: 0 })); // minLength, minimum
  edit((d) => (d.sections = [{ title: 't', paragraphs: ['p'], figures: [{ type: 'radar' }] }])); // enum, nested
  return out;
}

describe('compiled schema validators kept in the cache folder', () => {
  it.each(packs)('report exactly what a fresh compile reports (%s)', (pack, sampleFile) => {
    const schemaFile = path.join(root, 'templates', pack, 'schema.json');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as unknown;
    const dir = tempTree({});
    clearCompiledSchemas();
    const fresh = compileSchema(schemaFile, schema, dir).schema!;
    expect(readdirSync(path.join(dir, 'schemas'))).toHaveLength(1);
    clearCompiledSchemas();
    const kept = compileSchema(schemaFile, schema, dir).schema!;
    expect(kept.validate).not.toBe(fresh.validate);
    expect(kept.validate.schema).toEqual(schema);
    const sample = YAML.parse(readFileSync(path.join(root, sampleFile), 'utf8')) as Record<string, unknown>;
    let reported = 0;
    for (const [i, doc] of [sample, ...mistakes(sample)].entries()) {
      const loaded = parseDataText(`doc${i}.yaml`, Buffer.from(YAML.stringify(doc)));
      if (!loaded.ok) throw new Error('the test document does not load');
      const expected = validateData(fresh, loaded.data);
      expect(validateData(kept, loaded.data)).toEqual(expected);
      reported += expected.length;
    }
    expect(reported).toBeGreaterThan(10);
  });

  it('compiles afresh when the kept file is damaged, and keeps nothing in a folder others may write to', () => {
    const schemaFile = path.join(root, 'templates/monthly-report/schema.json');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as unknown;
    const dir = tempTree({});
    clearCompiledSchemas();
    compileSchema(schemaFile, schema, dir);
    const file = path.join(dir, 'schemas', readdirSync(path.join(dir, 'schemas'))[0]!);
    writeFileSync(file, 'module.exports = (');
    clearCompiledSchemas();
    const again = compileSchema(schemaFile, schema, dir).schema!;
    expect(again.validate({})).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain('module.exports');
    expect(readFileSync(file, 'utf8').length).toBeGreaterThan(1000);

    const open = tempTree({});
    chmodSync(open, 0o777);
    clearCompiledSchemas();
    compileSchema(schemaFile, schema, open);
    expect(readdirSync(open)).toEqual(['schemas']);
    expect(readdirSync(path.join(open, 'schemas'))).toEqual([]);
  });
});
