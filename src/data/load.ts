import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { error, pointAt, type Diagnostic, type Place, type Point } from '../diagnostics/diagnostic.js';

/** Where a data value and (for object members) its key stand in the source file. */
export interface ValuePosition {
  value: Point;
  key?: Point;
}

/** The data file, parsed: its value plus a JSON-pointer index of source positions. */
export interface LoadedData {
  file: string;
  value: unknown;
  /** JSON pointer → position of the value (and of its key, for object members). */
  positions: ReadonlyMap<string, ValuePosition>;
  /** Every object and array in `value` → its JSON pointer (for helpers that need a data path). */
  pointers: WeakMap<object, string>;
  /**
   * Where a value stands, for a diagnostic: its file and position (of its key with `key`), or the file alone when
   * the pointer is not in it. `nearest`: a missing value's place is its nearest ancestor's.
   */
  placeOf(pointer: string, options?: { key?: boolean; nearest?: boolean }): Place;
}

/** Where a value read from a table (a CSV or XLSX file the data refers to) stands: its cell, and its header. */
export interface TablePlace {
  value: Place;
  key?: Place;
}

/**
 * The place of a value in a data file, from its positions: see LoadedData.placeOf. `tables` places the values
 * that came from tables (src/tables/) in their files' cells; it is asked first.
 */
export function placeIn(
  file: string,
  positions: ReadonlyMap<string, ValuePosition>,
  tables?: ReadonlyMap<string, TablePlace>,
): LoadedData['placeOf'] {
  return (pointer, options = {}) => {
    let p = pointer;
    for (;;) {
      const cell = tables?.get(p);
      if (cell) return options.key ? (cell.key ?? cell.value) : cell.value;
      const pos = positions.get(p);
      if (pos) return { file, start: options.key ? (pos.key ?? pos.value) : pos.value };
      if (!options.nearest || p === '') return { file };
      p = p.slice(0, p.lastIndexOf('/'));
    }
  };
}

export type LoadResult = { ok: true; data: LoadedData } | { ok: false; diagnostics: Diagnostic[] };

/** Escapes one JSON-pointer reference token (RFC 6901). */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Parses data text (already read); the file name decides JSON (`.json`) or YAML (anything else). */
export function parseDataText(file: string, bytes: Uint8Array): LoadResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    return {
      ok: false,
      diagnostics: [
        error('data:encoding', `invalid UTF-8 at byte ${bad}`, {
          place: { file, start: pointAt(prefix, prefix.length) },
          hint: 'save the file as UTF-8 (data exported as GBK or Latin-1 must be converted first)',
        }),
      ],
    };
  }
  // A byte-order mark is legal in UTF-8 files that Windows tools write; it is not part of the data.
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);

  const isJson = path.extname(file).toLowerCase() === '.json';
  if (isJson) {
    try {
      JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const m = /position (\d+)/.exec(msg);
      const offset = m ? Number(m[1]) : text.length;
      return {
        ok: false,
        diagnostics: [
          error(
            'data:syntax',
            `invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '')}`,
            {
              place: { file, start: pointAt(text, offset) },
              hint: 'JSON needs double-quoted keys and strings and no trailing commas',
            },
          ),
        ],
      };
    }
  }

  // YAML merge keys (`<<: *defaults`) are merged as YAML 1.1 tools do; in JSON, "<<" is an ordinary key.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true, merge: !isJson });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((e) =>
        error('data:syntax', `invalid ${isJson ? 'JSON' : 'YAML'}: ${yamlMessage(e.message)}`, {
          place: { file, start: pointAt(text, e.pos[0]) },
          hint: yamlHint(e.code),
        }),
      ),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // An alias to a missing anchor (*x), or an alias bomb past maxAliasCount.
    return {
      ok: false,
      diagnostics: [
        error('data:syntax', `invalid ${isJson ? 'JSON' : 'YAML'}: ${(e as Error).message}`, {
          place: { file, start: pointAt(text, 0) },
          hint: 'YAML aliases (*name) need an anchor (&name) earlier in the file; quote values that start with * or &',
        }),
      ],
    };
  }
  const positions = new Map<string, ValuePosition>();
  indexPositions(doc.contents, '', text, positions, undefined);
  const pointers = new WeakMap<object, string>();
  indexPointers(value, '', pointers);
  const placeOf = placeIn(file, positions);
  const control = [...checkText(value, '', placeOf), ...checkIntegers(value, text, positions, placeOf)];
  if (control.length) return { ok: false, diagnostics: control };
  return { ok: true, data: { file, value, positions, pointers, placeOf } };
}

/**
 * Control characters cannot be set (and XML, which templates produce, forbids most of them): says where they are
 * rather than drop them silently, and where text is ill-formed Unicode. Tabs and line breaks are fine.
 */
export function checkText(value: unknown, at: string, placeOf: LoadedData['placeOf']): Diagnostic[] {
  const control: Diagnostic[] = [];
  const scan = (v: unknown, pointer: string): void => {
    const bad = typeof v === 'string' ? illFormed(v) : undefined;
    if (bad) {
      control.push(
        error('data:ill-formed-text', `${bad} in text`, {
          place: placeOf(pointer),
          pointer,
          hint: 'a JSON or YAML escape such as "\\ud800" must come in a valid pair (e.g. "\\ud842\\udfb7" for 𠮷); remove it or write the character itself',
        }),
      );
    } else if (typeof v === 'string') {
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      const m = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/.exec(v);
      if (m) {
        control.push(
          error(
            'data:control-character',
            `control character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} in text`,
            {
              place: placeOf(pointer),
              pointer,
              hint: 'remove it from the data (it often comes from copying out of another program)',
            },
          ),
        );
      }
    } else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        const child = `${pointer}/${escapePointerToken(k)}`;
        const badKey = illFormed(k);
        if (badKey) {
          control.push(
            error('data:ill-formed-text', `${badKey} in a key`, {
              place: placeOf(child, { key: true }),
              // The key itself cannot be printed: show its code units.
              pointer: `${pointer}/${escapePointerToken(k.replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`))}`,
              hint: 'rename the key: keys must be well-formed Unicode text',
            }),
          );
        }
        scan(x, child);
      }
  };
  scan(value, at);
  return control;
}

/**
 * Integers past 2^53 cannot be kept exactly (12345678901234567890 would read as 12345678901234567000): each one
 * written as an integer literal in the source is an error at its place.
 */
function checkIntegers(
  value: unknown,
  text: string,
  positions: ReadonlyMap<string, ValuePosition>,
  placeOf: LoadedData['placeOf'],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const scan = (v: unknown, pointer: string): void => {
    if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) {
      const at = positions.get(pointer)?.value.offset;
      const literal =
        at === undefined ? undefined : /^[-+]?\d+(?![.\deE])/.exec(text.slice(at, at + 400))?.[0];
      if (literal)
        out.push(
          error('data:unsafe-integer', `the integer ${literal} is too large to keep exactly`, {
            place: placeOf(pointer),
            pointer,
            hint: `numbers are exact up to 9007199254740991 (2^53 − 1); quote an identifier to keep it as text ("${literal}"), or give an amount in larger units`,
          }),
        );
    } else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) scan(x, `${pointer}/${escapePointerToken(k)}`);
  };
  scan(value, '');
  return out;
}

function yamlMessage(message: string): string {
  // The yaml package appends " at line L, column C" and a code frame; we print our own location.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once in a mapping; remove or rename the repeated one';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return 'check indentation (spaces, not tabs) and that every "key: value" has a space after the colon';
    case 'TAB_AS_INDENT':
      return 'YAML indentation must use spaces, not tabs';
    default:
      return 'quote values that contain ": ", " #" or start with a special character such as * & ! | > @ `';
  }
}

function indexPositions(
  node: YamlNode | null,
  pointer: string,
  text: string,
  out: Map<string, ValuePosition>,
  key: Point | undefined,
): void {
  if (!node) return;
  const range = node.range;
  if (range)
    out.set(pointer, key ? { value: pointAt(text, range[0]), key } : { value: pointAt(text, range[0]) });
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = pair.key as YamlNode | null;
      const name = isScalar(k) ? String(k.value) : String(k);
      const keyPoint = k?.range ? pointAt(text, k.range[0]) : undefined;
      const child = pointer + '/' + escapePointerToken(name);
      if (pair.value) indexPositions(pair.value as YamlNode, child, text, out, keyPoint);
      else if (keyPoint) out.set(child, { value: keyPoint, key: keyPoint });
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) =>
      indexPositions(item as YamlNode, `${pointer}/${i}`, text, out, undefined),
    );
  }
}

/** Records the JSON pointer of every object and array in a value. */
export function indexPointers(value: unknown, pointer: string, out: WeakMap<object, string>): void {
  if (value === null || typeof value !== 'object') return;
  out.set(value, pointer);
  if (Array.isArray(value)) value.forEach((v, i) => indexPointers(v, `${pointer}/${i}`, out));
  else
    for (const [k, v] of Object.entries(value)) indexPointers(v, `${pointer}/${escapePointerToken(k)}`, out);
}

/** Byte offset of the first byte that is not well-formed UTF-8 (RFC 3629), or the length if none. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}

/** The pointer of the first string in the data (in document order) that contains `needle`. */
export function findStringPointer(value: unknown, needle: string, pointer = ''): string | undefined {
  if (typeof value === 'string') return value.includes(needle) ? pointer : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    const found = findStringPointer(v, needle, `${pointer}/${escapePointerToken(k)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Resolves a JSON pointer in a value; `undefined` when any step is missing. */
export function resolvePointer(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let cur: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, token)) return undefined;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur;
}

/**
 * What makes a string ill-formed Unicode text, or undefined when it is well formed: a lone surrogate (a JSON or
 * YAML `\ud800` escape without its pair) or a noncharacter (U+FDD0–U+FDEF, U+xFFFE and U+xFFFF of any plane:
 * never text, RFC 9839). Valid UTF-8 bytes never give these; escapes in the data can.
 */
export function illFormed(text: string): string | undefined {
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(text);
  if (lone) return `a lone surrogate U+${lone[0].charCodeAt(0).toString(16).toUpperCase()}`;
  const non =
    /[\ufdd0-\ufdef\ufffe\uffff]|[\ud83f\ud87f\ud8bf\ud8ff\ud93f\ud97f\ud9bf\ud9ff\uda3f\uda7f\udabf\udaff\udb3f\udb7f\udbbf\udbff][\udffe\udfff]/.exec(
      text,
    );
  if (non) return `the noncharacter U+${non[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return undefined;
}
