import path from 'node:path';
import type { Place } from '../diagnostics/diagnostic.js';
import type { LoadedData } from '../data/load.js';
import { escapePointerToken } from '../data/load.js';
import { plainText, type Block, type DocumentTree } from '../document/types.js';
import type { Box, Composition } from '../typeset/model.js';

/** A place as the preview page shows it: the path relative to the working folder, the absolute one for links. */
export interface PlaceJson {
  file: string;
  path: string;
  line?: number;
  column?: number;
  /** A table cell (`B4`, `三月!C5`). */
  cell?: string;
}

/**
 * A page element's box in points from the page's top left (one per element and column on a page), with where it
 * came from: the markup element's place in the template, and the data value it shows.
 */
export interface SourceBox {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The markup element's kind (`paragraph`, `heading`, `figure`, `kpi` …). */
  what: string;
  template: PlaceJson;
  data?: { pointer: string; place?: PlaceJson };
}

/** What the markup element made at a template place shows of the data: its text, or its chart's pointer. */
interface Element {
  /** The markup element's kind: `paragraph`, `heading`, `figure`, `kpi` … */
  kind: string;
  text: string;
  pointer?: string;
}

export function placeJson(place: Place, cwd = process.cwd()): PlaceJson {
  const abs = path.resolve(cwd, place.file);
  return {
    file: path.relative(cwd, abs) || abs,
    path: abs,
    ...(place.start ? { line: place.start.line, column: place.start.column } : {}),
    ...(place.cell !== undefined ? { cell: place.cell } : {}),
  };
}

/** Every markup element of the tree by its place object (each element has its own, even in an `{{#each}}`). */
function elementsOf(blocks: readonly Block[], out = new Map<Place, Element>()): Map<Place, Element> {
  for (const b of blocks) {
    if (b.place) out.set(b.place, { kind: b.type, ...elementOf(b) });
    if (b.type === 'section' || b.type === 'columns') elementsOf(b.children, out);
    if (b.type === 'lead') elementsOf(b.children, out);
    if (b.type === 'kpis')
      for (const k of b.items) if (k.place) out.set(k.place, { kind: 'kpi', text: `${k.value} ${k.label}` });
  }
  return out;
}

function elementOf(b: Block): Omit<Element, 'kind'> {
  switch (b.type) {
    case 'figure':
      return { text: '', pointer: b.data };
    case 'table':
      return { text: b.rows.map((r) => r.map((c) => plainText(c.children)).join('\t')).join('\n') };
    case 'kpis':
      return { text: b.items.map((k) => `${k.value} ${k.label}`).join('\n') };
    case 'image':
      return { text: b.alt };
    case 'lead':
      return { text: b.children.map((p) => plainText(p.children)).join('\n') };
    case 'toc':
      return { text: b.title ?? '' };
    case 'box':
      return { text: b.children.map((c) => elementOf(c).text).join('\n') };
    case 'section':
    case 'columns':
    case 'pagebreak':
      return { text: '' };
    default:
      return { text: plainText(b.children) };
  }
}

/** Every string of the data (two characters or more) with its pointer, longest first. */
function dataStrings(value: unknown): { pointer: string; text: string }[] {
  const out: { pointer: string; text: string }[] = [];
  const walk = (v: unknown, pointer: string): void => {
    if (typeof v === 'string') {
      if (v.trim().length >= 2) out.push({ pointer, text: v.trim() });
    } else if (v && typeof v === 'object')
      for (const [k, x] of Array.isArray(v) ? v.entries() : Object.entries(v))
        walk(x, `${pointer}/${escapePointerToken(String(k))}`);
  };
  walk(value, '');
  return out.sort((a, b) => b.text.length - a.text.length);
}

/**
 * The boxes of the page elements that came from a markup element, page by page, each with its template place and
 * the data value it shows: a chart's spec, else the longest data string its text contains (what a template's
 * `{{…}}` put there).
 */
export function sourceBoxes(
  layout: { doc: Composition; tree: DocumentTree; data: LoadedData },
  cwd = process.cwd(),
): SourceBox[] {
  const elements = elementsOf(layout.tree.children);
  const strings = dataStrings(layout.data.value);
  const dataOf = new Map<Place, SourceBox['data'] | undefined>();
  const dataFor = (place: Place): SourceBox['data'] | undefined => {
    if (dataOf.has(place)) return dataOf.get(place);
    const el = elements.get(place);
    const pointer =
      el?.pointer ?? (el?.text ? strings.find((s) => el.text.includes(s.text))?.pointer : undefined);
    const found =
      pointer === undefined ? undefined : { pointer, place: placeJson(layout.data.placeOf(pointer), cwd) };
    dataOf.set(place, found);
    return found;
  };
  const out: SourceBox[] = [];
  layout.doc.pages.forEach((page, i) => {
    // One box per element and column: a paragraph set over two columns is two boxes, not one over the gutter.
    const merged = new Map<Place, Map<number, Box[]>>();
    for (const b of page.boxes) {
      if (!b.place || b.width <= 0 || b.height <= 0) continue;
      const byFrame = merged.get(b.place) ?? new Map<number, Box[]>();
      merged.set(b.place, byFrame);
      byFrame.set(b.frame.x, [...(byFrame.get(b.frame.x) ?? []), b]);
    }
    for (const [place, byFrame] of merged)
      for (const boxes of byFrame.values()) {
        const x = Math.min(...boxes.map((b) => b.x));
        const y = Math.min(...boxes.map((b) => b.y));
        const data = dataFor(place);
        out.push({
          page: i + 1,
          x: round(x),
          y: round(y),
          width: round(Math.max(...boxes.map((b) => b.x + b.width)) - x),
          height: round(Math.max(...boxes.map((b) => b.y + b.height)) - y),
          what: elements.get(place)?.kind ?? boxes[0]!.what,
          template: placeJson(place, cwd),
          ...(data ? { data } : {}),
        });
      }
  });
  return out;
}

const round = (n: number) => Math.round(n * 10) / 10;
