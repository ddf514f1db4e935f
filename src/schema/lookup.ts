/**
 * What a pack's JSON Schema asks for at a place in the data, without validating: the fields of the objects in an
 * array and the JSON types of each. Tables read from CSV and XLSX files use it to match their header to the
 * field names and to read a cell as a number only where the schema wants one. Local `$ref`s are followed and
 * `allOf`/`anyOf`/`oneOf` branches are merged (a field is a number if any branch says so).
 */

type Schema = Record<string, unknown>;

/** The fields of the objects a schema allows at a place. */
export interface FieldSet {
  /** Field name → the JSON types the schema allows for it (empty: any). */
  fields: Map<string, Set<string>>;
  /** Fields every object must have. */
  required: Set<string>;
  /** True when no other field is allowed (`additionalProperties: false`). */
  closed: boolean;
}

const isSchema = (s: unknown): s is Schema => s !== null && typeof s === 'object' && !Array.isArray(s);

/** Resolves a local JSON pointer reference (`#/definitions/x`, `#/$defs/x`) in the root schema. */
function deref(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isSchema(cur)) return undefined;
    cur = cur[token];
  }
  return isSchema(cur) ? cur : undefined;
}

/** A schema and every schema it stands for: its `$ref` target and its `allOf`/`anyOf`/`oneOf` branches. */
function expand(root: Schema, schema: unknown, depth = 0, out: Schema[] = []): Schema[] {
  if (!isSchema(schema) || depth > 32) return out;
  out.push(schema);
  if (typeof schema.$ref === 'string') expand(root, deref(root, schema.$ref), depth + 1, out);
  for (const key of ['allOf', 'anyOf', 'oneOf'])
    if (Array.isArray(schema[key])) for (const s of schema[key] as unknown[]) expand(root, s, depth + 1, out);
  return out;
}

/** The schemas that apply to the value at a JSON pointer in the data (empty when the schema says nothing). */
export function schemasAt(root: unknown, pointer: string): Schema[] {
  if (!isSchema(root)) return [];
  let current = expand(root, root);
  const tokens = pointer === '' ? [] : pointer.slice(1).split('/');
  for (const raw of tokens) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const next: Schema[] = [];
    for (const s of current) {
      if (/^\d+$/.test(token)) {
        const i = Number(token);
        if (Array.isArray(s.prefixItems) && i < s.prefixItems.length) expand(root, s.prefixItems[i], 0, next);
        else if (Array.isArray(s.items)) {
          if (i < s.items.length) expand(root, s.items[i], 0, next);
          else expand(root, s.additionalItems, 0, next);
        } else expand(root, s.items, 0, next);
      }
      const props = isSchema(s.properties) ? s.properties : undefined;
      if (props && Object.prototype.hasOwnProperty.call(props, token)) expand(root, props[token], 0, next);
      else if (isSchema(s.patternProperties)) {
        for (const [pattern, sub] of Object.entries(s.patternProperties))
          if (safeTest(pattern, token)) expand(root, sub, 0, next);
      }
      if (isSchema(s.additionalProperties) && !(props && token in props))
        expand(root, s.additionalProperties, 0, next);
    }
    current = next;
    if (current.length === 0) return [];
  }
  return current;
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return false;
  }
}

/** The JSON types a set of schemas allows (from `type`, `const` and `enum`); empty when any type will do. */
export function typesOf(schemas: readonly Schema[]): Set<string> {
  const out = new Set<string>();
  const jsonType = (v: unknown) =>
    v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v;
  for (const s of schemas) {
    if (typeof s.type === 'string') out.add(s.type);
    else if (Array.isArray(s.type)) for (const t of s.type) if (typeof t === 'string') out.add(t);
    if ('const' in s) out.add(jsonType(s.const));
    if (Array.isArray(s.enum)) for (const v of s.enum) out.add(jsonType(v));
  }
  return out;
}

/** The fields of the items of the array at `pointer` (a table's rows), or undefined when the schema names none. */
export function rowFieldsAt(root: unknown, pointer: string): FieldSet | undefined {
  if (!isSchema(root)) return undefined;
  const items = schemasAt(root, `${pointer}/0`);
  const objects = items.filter((s) => isSchema(s.properties));
  if (objects.length === 0) return undefined;
  const fields = new Map<string, Set<string>>();
  const required = new Set<string>();
  let closed = false;
  for (const s of items) {
    if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string') required.add(r);
    if (s.additionalProperties === false) closed = true;
  }
  for (const s of objects)
    for (const name of Object.keys(s.properties as Schema)) {
      if (!fields.has(name))
        fields.set(
          name,
          typesOf(schemasAt(root, `${pointer}/0/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`)),
        );
    }
  return { fields, required, closed };
}
