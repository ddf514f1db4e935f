import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import type { FormatsPlugin } from 'ajv-formats';
import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import type { Code } from '../diagnostics/codes.js';
import { nearest } from '../diagnostics/suggest.js';
import { escapePointerToken, resolvePointer, type LoadedData } from '../data/load.js';
import { standaloneCodeOption, ValidatorStore } from './standalone.js';

// ajv (~15 ms to load) is loaded only to compile a schema the cache folder does not have compiled.
const require = createRequire(import.meta.url);
function newAjv(options: object): AjvClass {
  const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
  const formats = require('ajv-formats') as FormatsPlugin & { default?: FormatsPlugin };
  const ajv = new Ajv(options);
  (formats.default ?? formats)(ajv);
  return ajv;
}

/** A compiled JSON Schema for a template pack's data. */
export interface CompiledSchema {
  file: string;
  validate: ValidateFunction;
}

/** Compiles a pack's `schema.json`; a broken schema is a template-pack error, not a data error. */
const compiled = new Map<string, ValidateFunction>();
const OPTIONS = { allErrors: true, strict: false, allowUnionTypes: true, verbose: true };

export function compileSchema(
  file: string,
  schema: unknown,
  cacheDir?: string | false,
): { schema?: CompiledSchema; diagnostics: Diagnostic[] } {
  // Compiling a schema generates code (about 35 ms); a process that builds many reports compiles each once, and
  // a new process loads what an earlier one compiled from the cache folder.
  const key = JSON.stringify(schema);
  const known = compiled.get(key);
  if (known) return { schema: { file, validate: known }, diagnostics: [] };
  const store = new ValidatorStore(cacheDir);
  const kept = store.read(schema, OPTIONS);
  if (kept) {
    compiled.set(key, kept);
    return { schema: { file, validate: kept }, diagnostics: [] };
  }
  const ajv = newAjv({ ...OPTIONS, ...(cacheDir ? { code: standaloneCodeOption() } : {}) });
  try {
    const validate = ajv.compile(schema as object);
    compiled.set(key, validate);
    if (cacheDir) store.write(schema, OPTIONS, ajv, validate);
    return { schema: { file, validate }, diagnostics: [] };
  } catch (e) {
    return {
      diagnostics: [
        error('schema:invalid', `the pack's JSON Schema does not compile: ${(e as Error).message}`, {
          place: { file },
          hint: 'schema.json must be a valid JSON Schema (draft-07 or 2019-09 keywords)',
        }),
      ],
    };
  }
}

/** Forgets the schemas compiled in this process (tests). */
export function clearCompiledSchemas(): void {
  compiled.clear();
}

/** Checks data against the schema and returns every violation at once, each with its pointer and position. */
export function validateData(schema: CompiledSchema, data: LoadedData): Diagnostic[] {
  if (schema.validate(data.value)) return [];
  const errors = schema.validate.errors ?? [];
  // ajv reports both the failing branch and the enclosing anyOf/oneOf; the branch errors are enough.
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const d = toDiagnostic(e, data);
    const key = `${d.pointer}|${d.code}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `${typeof value} ${JSON.stringify(value) ?? typeof value}`;
}

function toDiagnostic(e: ErrorObject, data: LoadedData): Diagnostic {
  const params = e.params as Record<string, unknown>;
  let pointer = e.instancePath;
  let code: Code = 'data:constraint';
  let message = e.message ?? 'invalid value';
  let hint: string | undefined;
  let atKey = false;
  let place: Place | undefined;
  switch (e.keyword) {
    case 'required': {
      const prop = String(params.missingProperty);
      code = 'data:missing-field';
      message = `missing required field "${prop}"`;
      hint = `add "${prop}:" to ${pointer === '' ? 'the top level' : `the mapping at ${pointer}`}`;
      // A row read from a table has a place for the field even when its cell is empty: point at the cell.
      const cell = data.placeOf(`${pointer}/${escapePointerToken(prop)}`);
      if (cell.start) {
        place = cell;
        hint = `fill in the "${prop}" cell`;
      }
      break;
    }
    case 'additionalProperties': {
      const prop = String(params.additionalProperty);
      const parentSchema = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const known = Object.keys(parentSchema?.properties ?? {});
      const close = nearest(prop, known);
      code = 'data:unknown-field';
      message = `unknown field "${prop}"`;
      pointer = `${pointer}/${escapePointerToken(prop)}`;
      atKey = true;
      hint = close ? `did you mean "${close}"?` : `allowed fields here: ${known.join(', ')}`;
      break;
    }
    case 'type': {
      code = 'data:type-mismatch';
      message = `expected ${String(params.type)}, got ${describe(resolvePointer(data.value, pointer))}`;
      if (params.type === 'number' || params.type === 'integer')
        hint = 'write numbers without quotes, units or thousands separators (3.0, not "3.0%")';
      else if (params.type === 'string') hint = 'quote the value to make it text';
      break;
    }
    case 'format': {
      code = 'data:format';
      message = `expected a ${String(params.format)}, got ${describe(resolvePointer(data.value, pointer))}`;
      if (params.format === 'date') hint = 'write dates as YYYY-MM-DD, for example 2021-01-11';
      break;
    }
    case 'enum':
      code = 'data:enum';
      message = `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describe(resolvePointer(data.value, pointer))}`;
      break;
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minimum':
    case 'maximum':
    case 'pattern':
      message = `${message}, got ${describe(resolvePointer(data.value, pointer))}`;
      break;
    default:
      break;
  }
  return error(code, message, {
    place: place ?? data.placeOf(pointer, { key: atKey, nearest: true }),
    pointer,
    ...(hint ? { hint } : {}),
  });
}
