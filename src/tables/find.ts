import { escapePointerToken } from '../data/load.js';

// Finding table references needs no table library: the pipeline loads the table readers only for data that has
// one (exceljs's workbook alone costs a build nearly a tenth of a second to load).

/** True for a plain object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export const isReference = (v: unknown): v is Record<string, unknown> =>
  isObject(v) &&
  (Object.prototype.hasOwnProperty.call(v, '$csv') || Object.prototype.hasOwnProperty.call(v, '$xlsx'));

/** Every table reference in a data value, in document order, with its JSON pointer. */
export function findTableReferences(value: unknown): { pointer: string; ref: Record<string, unknown> }[] {
  const out: { pointer: string; ref: Record<string, unknown> }[] = [];
  const walk = (v: unknown, pointer: string) => {
    if (isReference(v)) out.push({ pointer, ref: v });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${pointer}/${i}`));
    else if (isObject(v))
      for (const [k, x] of Object.entries(v)) walk(x, `${pointer}/${escapePointerToken(k)}`);
  };
  walk(value, '');
  return out;
}
