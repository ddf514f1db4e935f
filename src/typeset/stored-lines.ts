import type { SetLine } from './model.js';

/** Checks of what typeset/text.ts reads from a document's store on disk (build/doc-store.ts) before it uses it. */

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
export const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/**
 * Set lines as typeset/text.ts makes them (read from a document's store: anything else is set afresh). Loops, not
 * callbacks: it runs over every run of a document (7,000 in the sample) in a process that has just started.
 */
export function isSetLines(v: unknown): v is SetLine[] {
  if (!Array.isArray(v)) return false;
  for (const l of v as unknown[]) {
    if (!isObject(l) || !finite(l.width) || l.links !== undefined || !Array.isArray(l.runs)) return false;
    if (l.actual !== undefined && typeof l.actual !== 'string') return false;
    for (const r of l.runs as unknown[]) {
      if (!isObject(r) || typeof r.text !== 'string' || typeof r.color !== 'string') return false;
      if (!finite(r.x) || !finite(r.size) || !Array.isArray(r.features)) return false;
      const face = r.face;
      if (!isObject(face) || typeof face.family !== 'string' || typeof face.bold !== 'boolean') return false;
      for (const f of r.features as unknown[]) if (typeof f !== 'string') return false;
      if ((r.tracking !== undefined && !finite(r.tracking)) || (r.rise !== undefined && !finite(r.rise)))
        return false;
    }
  }
  return true;
}
