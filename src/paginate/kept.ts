import { createHash } from 'node:crypto';
import { docStoreOpen, storedEntry, storeEntry } from '../build/doc-store.js';
import type { Flow, FlowLayout, Frame, MakeupProblem } from './types.js';

/**
 * Flows laid out by this process, by their model as JSON (heights, rules, figures, frame and beam: nothing else
 * enters the page builder's search): a rebuild whose flows come out the same — the preview after an edit that
 * changed no paragraph's count of lines, a warm worker or the library building the same input again — takes the
 * layout instead of searching again (the sample's page builder: 7 ms of a 28 ms warm build). Each caller gets a
 * copy of its own. The most recently used are kept, 32 at most, keys of 4 M characters in all.
 */
const kept = new Map<string, FlowLayout>();
const KEPT_FLOWS = 32;
const KEPT_KEY_CHARS = 2 ** 20;
const KEPT_TOTAL_CHARS = 4 * 2 ** 20;
let keptChars = 0;
const counts = { searched: 0, kept: 0 };

/**
 * The layout of this flow (`input`: the flow, its frame and the search's width) as kept, or `search()`'s, then
 * kept. `check` is given the last page a kept layout reaches, as a search gives it each page it reaches: the page
 * limit may be lower than when the layout was kept.
 */
export function keptLayout(
  input: [Flow, Frame, number | null],
  check: ((page: number) => void) | undefined,
  search: () => FlowLayout,
): FlowLayout {
  let key: string | undefined;
  try {
    key = JSON.stringify(input);
  } catch {
    // Not plain data (the model's types say it always is): searched, not kept.
  }
  const hit = key === undefined ? undefined : kept.get(key);
  // The document's store on disk (build/doc-store.ts) keeps the layouts of its last build, by the model's hash.
  const entry =
    key === undefined || !docStoreOpen()
      ? undefined
      : `layout\n${createHash('sha256').update(key).digest('hex')}`;
  if (key !== undefined && hit) {
    counts.kept++;
    kept.delete(key);
    kept.set(key, hit);
    storeEntry(entry!, hit);
    check?.(hit.endPage);
    return structuredClone(hit);
  }
  const stored = entry === undefined ? undefined : storedEntry(entry);
  let layout: FlowLayout;
  if (isLayoutOf(stored, input[0])) {
    counts.kept++;
    check?.(stored.endPage);
    // Stored as it was read (taken, so the file is not written again), given as a copy.
    storeEntry(entry!, stored);
    layout = structuredClone(stored);
  } else {
    counts.searched++;
    layout = search();
  }
  const copy = structuredClone(layout);
  if (entry !== undefined) storeEntry(entry, copy);
  if (key !== undefined && key.length <= KEPT_KEY_CHARS) {
    kept.set(key, copy);
    keptChars += key.length;
    for (const [k] of kept) {
      if (kept.size <= KEPT_FLOWS && keptChars <= KEPT_TOTAL_CHARS) break;
      kept.delete(k);
      keptChars -= k.length;
    }
  }
  return layout;
}

const whole = (v: unknown) => Number.isInteger(v);
const PROBLEM_CODES = new Set<unknown>([
  'layout:widow',
  'layout:orphan',
  'layout:foot-gap',
  'layout:too-tall',
  'layout:keep',
  'layout:balance',
] satisfies MakeupProblem['code'][]);

/** A layout as the page builder makes them, whose items and figures are the flow's (read from a store on disk). */
function isLayoutOf(v: unknown, flow: Flow): v is FlowLayout {
  if (typeof v !== 'object' || v === null) return false;
  const l = v as Partial<FlowLayout>;
  return (
    Array.isArray(l.placements) &&
    Array.isArray(l.variants) &&
    Array.isArray(l.problems) &&
    whole(l.endPage) &&
    whole(l.endSlot) &&
    Number.isFinite(l.cost) &&
    l.variants.every(whole) &&
    l.problems.every(
      (p) =>
        typeof p === 'object' &&
        p !== null &&
        PROBLEM_CODES.has(p.code) &&
        whole(p.page) &&
        whole(p.column) &&
        (p.item === undefined || (whole(p.item) && p.item >= 0 && p.item < flow.items.length)) &&
        (p.float === undefined || (whole(p.float) && p.float >= 0 && p.float < flow.floats.length)),
    ) &&
    l.placements.every((p) => {
      if (typeof p !== 'object' || p === null || ![p.page, p.column, p.slot].every(whole)) return false;
      if (!Number.isFinite(p.height) || typeof p.what !== 'object' || p.what === null) return false;
      const w = p.what;
      if (w.kind === 'units')
        return whole(w.from) && whole(w.to) && w.item >= 0 && w.item < flow.items.length;
      if (w.kind === 'header') return whole(w.item) && w.item >= 0 && w.item < flow.items.length;
      if (w.kind === 'float') return whole(w.float) && w.float >= 0 && w.float < flow.floats.length;
      return w.kind === 'notes' && Array.isArray(w.refs);
    })
  );
}

/** How many flows were searched, and how many were taken as kept (tests, benchmarks). */
export function layoutCounts(): { searched: number; kept: number } {
  return { ...counts };
}

/** Forgets the kept layouts (the benchmark's builds "with caches emptied"). */
export function forgetLayouts(): void {
  kept.clear();
  keptChars = 0;
}
