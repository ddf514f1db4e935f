import type { Drawn, StructTag } from '../typeset/model.js';
import type { PdfKitDoc, PdfStructContent, PdfStructElement } from './pdfmake/internals.js';
import type { Links } from './links.js';

type Artifact = 'Pagination' | 'Layout';

/**
 * Writes the tagged PDF's marked content and structure tree as the pages are drawn. Each run of drawn items of
 * one structure element on a page is one marked-content sequence (an MCID) of that element, whatever page or
 * column it is on, so a paragraph over two columns and a page is one P with three pieces; everything without an
 * element is an artifact: furniture (running head, its rule, folio) as Pagination, rules and a repeated table
 * header as Layout. After the last page, `finish` builds the tree in reading order (the typesetter's order of the
 * elements) under one Document element.
 */
export class Tagger {
  private open: StructTag | Artifact | undefined;
  private readonly contents = new Map<StructTag, PdfStructContent[]>();
  /** Elements made while drawing (a Link, for its annotation), and the page their annotation is on. */
  private readonly early = new Map<StructTag, { el: PdfStructElement; page: PdfKitDoc['page'] }>();

  constructor(
    private readonly pdf: PdfKitDoc,
    private readonly links?: Links,
  ) {}

  /**
   * Before `d` is drawn: ends the sequence of the item before when `d` belongs elsewhere, and opens its own. A
   * tagged line with an ActualText span is a sequence of its own: poppler's structure-text reader ends a
   * sequence at the first EMC inside it, so a second line in the same sequence would be lost to it. (The span
   * stays inside the line's own q/Q, where draw-text.ts writes it: an ActualText opened outside the line's
   * transformation puts the text in the wrong place for pdftotext.)
   */
  enter(d: Drawn): void {
    if (d.kind === 'bookmark' || d.kind === 'anchor' || d.kind === 'link') return;
    const want: StructTag | Artifact =
      d.kind === 'text' || d.kind === 'chart' || d.kind === 'image'
        ? (d.tag ?? (d.kind === 'text' && d.furniture ? 'Pagination' : 'Layout'))
        : d.furniture
          ? 'Pagination'
          : 'Layout';
    const spans = d.kind === 'text' && d.line.actual !== undefined;
    if (want === this.open && !(spans && typeof want !== 'string')) return;
    this.close();
    this.open = want;
    if (typeof want === 'string') {
      this.pdf.markContent('Artifact', { type: want });
      return;
    }
    const mc = this.pdf.markStructureContent(want.role, want.lang ? { lang: want.lang } : {});
    const list = this.contents.get(want);
    if (list) list.push(mc);
    else this.contents.set(want, [mc]);
  }

  /**
   * A link annotation to a named destination, with its text as /Contents (PDF/UA), and its OBJR in its Link
   * element, which is made now: pdfkit writes the annotation's /StructParent when it is made.
   */
  link(d: Extract<Drawn, { kind: 'link' }>): void {
    let structParent: PdfStructElement | undefined;
    if (d.tag) {
      let early = this.early.get(d.tag);
      if (!early) this.early.set(d.tag, (early = { el: this.pdf.struct(d.tag.role), page: this.pdf.page }));
      structParent = early.el;
    }
    this.pdf.goTo(d.x, d.y, d.width, d.height, d.dest, {
      // A String object: pdfkit writes a plain string as a name.
      Contents: new String(d.contents),
      ...(structParent ? { structParent } : {}),
    });
  }

  /** Ends the open sequence (at the end of a page: marked content never spans pages). */
  close(): void {
    if (this.open === undefined) return;
    this.pdf.endMarkedContent();
    this.open = undefined;
  }

  /**
   * The structure tree: Document, then every element that has content (or a descendant that has, or is a part
   * of a table that has), children in reading order and before the element's own content (a figure's caption
   * before its drawing).
   */
  finish(structure: readonly StructTag[]): void {
    this.close();
    const kids = new Map<StructTag | undefined, StructTag[]>();
    for (const t of structure) {
      const list = kids.get(t.parent);
      if (list) list.push(t);
      else kids.set(t.parent, [t]);
    }
    const liveMemo = new Map<StructTag, boolean>();
    const live = (t: StructTag): boolean => {
      let v = liveMemo.get(t);
      if (v === undefined) {
        v = this.contents.has(t) || (kids.get(t) ?? []).some(live) || (this.links?.of(t).length ?? 0) > 0;
        liveMemo.set(t, v);
      }
      return v;
    };
    const make = (t: StructTag, inTable: boolean): PdfStructElement => {
      const el =
        this.early.get(t)?.el ??
        this.pdf.struct(t.role, {
          ...(t.alt ? { alt: t.alt } : {}),
          ...(t.lang ? { lang: t.lang } : {}),
          ...(t.scope ? { scope: t.scope } : {}),
        });
      // A String object: pdfkit writes a plain string as a name.
      if (t.id) el.dictionary.data.ID = new String(t.id);
      // A table cell's spans: the Table attributes RowSpan and ColSpan (pdfkit writes only Scope itself).
      if (t.rowSpan || t.colSpan) {
        const data = el.dictionary.data;
        data.A = {
          ...(data.A as object | undefined),
          O: 'Table',
          ...(t.rowSpan ? { RowSpan: t.rowSpan } : {}),
          ...(t.colSpan ? { ColSpan: t.colSpan } : {}),
        };
      }
      const table = inTable || t.role === 'Table';
      for (const k of kids.get(t) ?? []) if (table || live(k)) this.attach(el, make(k, table), k);
      for (const mc of this.contents.get(t) ?? []) el.add(mc);
      // Its links (each a Link with its annotations), after its text.
      for (const link of this.links?.of(t) ?? []) el.add(link);
      return el;
    };
    const root = this.pdf.struct('Document');
    for (const t of kids.get(undefined) ?? []) if (live(t)) root.add(make(t, false));
    this.pdf.addStructure(root);
  }

  /**
   * Adds `child` (the element of `tag`) to `parent`. An element with an annotation is ended and so written right
   * away, while its annotation's page is the current one: pdfkit takes an OBJR's /Pg from the current page.
   */
  private attach(parent: PdfStructElement, child: PdfStructElement, tag: StructTag): void {
    const early = this.early.get(tag);
    if (!early) {
      parent.add(child);
      return;
    }
    child.end();
    const current = this.pdf.page;
    this.pdf.page = early.page;
    try {
      parent.add(child);
    } finally {
      this.pdf.page = current;
    }
  }
}
