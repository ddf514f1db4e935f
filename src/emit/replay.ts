import type { DrawCall as Call } from '../charts/drawing.js';
import type { DrawingStore } from './drawing-store.js';
import type { PdfKitDoc } from './pdfmake/internals.js';

/** Drawings recorded by key; `null`: the drawing did something a replay could not repeat. */
const recordings = new Map<string, readonly Call[] | null>();
/** A preview or worker session draws the same few images again and again; a batch, different ones. */
const MAX_RECORDINGS = 64;

class NotReplayable extends Error {}

/**
 * Draws with `draw` (svg-to-pdfkit drawing a pack's SVG image) once, recording the pdfkit calls it makes; the next
 * document of the process that draws the same thing (same key: the SVG and its box) gets the recorded calls
 * replayed, without parsing the SVG again. The state the drawing depends on (the page size, the transformation
 * matrix, the fill colour) is part of the key. A drawing that reads or writes anything else of the document
 * (its resources, a gradient or image object it is given back, the page's annotations) is drawn each time. With
 * a `store` (drawing-store.ts), recordings are also kept on disk for later processes.
 */
export function drawRecorded(
  pdf: PdfKitDoc,
  key: string,
  draw: (doc: PdfKitDoc) => void,
  store?: DrawingStore,
): void {
  const doc = pdf as unknown as Record<string, unknown>;
  const full = `${key}|${pdf.page.width}x${pdf.page.height}|${JSON.stringify(doc._ctm)}|${JSON.stringify(doc._fillColor)}`;
  let kept = recordings.get(full);
  if (kept === undefined && store) {
    kept = store.read(full);
    if (kept) keep(full, kept);
  }
  if (kept) return replay(doc, kept);
  if (kept === null) return draw(pdf);
  const calls: Call[] = [];
  const state = { ok: true };
  draw(recorder(doc, calls, state) as unknown as PdfKitDoc);
  keep(full, state.ok ? calls : null);
  if (state.ok) store?.write(full, calls);
}

function keep(key: string, calls: readonly Call[] | null): void {
  recordings.set(key, calls);
  if (recordings.size > MAX_RECORDINGS) recordings.delete(recordings.keys().next().value!);
}

/** Forgets the recordings of this process (tests: the next drawing is read from the store or drawn). */
export function forgetRecordings(): void {
  recordings.clear();
}

/**
 * Makes a recorded drawing's calls on a document (the fill colour it had is what `restoreFill` puts back). What
 * the calls write to the page's content goes there in one piece at the end, in the same order (pdfkit makes a
 * buffer of each operator it writes; a chart's drawing has thousands).
 */
export function replay(doc: Record<string, unknown>, calls: readonly Call[]): void {
  const fill = doc._fillColor;
  const ops: string[] = [];
  const write = doc.addContent as (this: unknown, op: string) => unknown;
  const own = Object.prototype.hasOwnProperty.call(doc, 'addContent');
  doc.addContent = (op: string) => {
    ops.push(op);
    return doc;
  };
  try {
    for (const call of calls) {
      if (call[0] === 'restoreFill') doc._fillColor = fill;
      else (doc[call[0]] as (...a: unknown[]) => unknown).apply(doc, call[1] as unknown[]);
    }
  } finally {
    if (own) doc.addContent = write;
    else delete doc.addContent;
    if (ops.length) write.call(doc, ops.join('\n'));
  }
}

/** A copy of a call's argument, or NotReplayable for anything but numbers, strings, booleans, arrays and records. */
function copy(v: unknown): unknown {
  if (v === null || v === undefined || ['number', 'string', 'boolean'].includes(typeof v)) return v;
  if (Array.isArray(v)) return v.map(copy);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
  throw new NotReplayable();
}

/** The document as the drawing sees it: every call recorded, every read it cannot repeat marking it unreplayable. */
function recorder(doc: Record<string, unknown>, calls: Call[], state: { ok: boolean }): object {
  const fillAtStart = doc._fillColor;
  const page = doc.page as Record<string, unknown>;
  const pageView = new Proxy(page, {
    get(target, prop) {
      if (prop !== 'width' && prop !== 'height') state.ok = false;
      return target[prop as string];
    },
  });
  const proxy: object = new Proxy(doc, {
    get(target, prop) {
      const value = target[prop as string];
      if (typeof value === 'function')
        return (...args: unknown[]) => {
          if (state.ok)
            try {
              calls.push([prop as string, args.map(copy)]);
            } catch (e) {
              if (!(e instanceof NotReplayable)) throw e;
              state.ok = false;
            }
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result === target) return proxy;
          if (result !== undefined) state.ok = false;
          return result;
        };
      if (prop === 'page') return pageView;
      if (prop !== '_ctm' && prop !== '_fillColor') state.ok = false;
      return value;
    },
    set(target, prop, value) {
      if (prop === '_fillColor' && value === fillAtStart) calls.push(['restoreFill']);
      else state.ok = false;
      target[prop as string] = value;
      return true;
    },
  });
  return proxy;
}
