import type { LinkTarget, StructTag } from '../typeset/model.js';
import type { PdfKitDoc, PdfRef, PdfStructElement } from './pdfmake/internals.js';

/** A line drawn with links: where it stands (its left edge, its baseline), its size, and its links. */
interface LinkedLine {
  x: number;
  baseline: number;
  size: number;
  links: readonly { target: LinkTarget; x: number; width: number }[];
  tag?: StructTag | undefined;
}

/**
 * The link annotations of the PDF (`<link href>`): a URI link over each piece of a link's text (one per line it
 * is set on), printable, without a border, its /Contents the link's text. In the tagged PDF every link is a
 * `Link` element inside the element of its text (a P), holding its annotations as object references (OBJR), as
 * PDF/UA asks; the text itself stays in the P's marked content, where copy and paste and the reading order have
 * it. pdfkit writes an OBJR's page as the page current when the tree is written (the last page), so each is
 * given its own page here.
 */
export class Links {
  private readonly elements = new Map<LinkTarget, PdfStructElement>();
  private readonly byTag = new Map<StructTag, PdfStructElement[]>();

  constructor(private readonly pdf: PdfKitDoc) {}

  /** Puts the annotations of a drawn line's links on the current page. */
  annotate(line: LinkedLine): void {
    for (const l of line.links) {
      const el = line.tag ? this.element(l.target, line.tag) : undefined;
      this.pdf.link(
        line.x + l.x,
        line.baseline - 0.88 * line.size,
        l.width,
        line.size,
        asciiUri(l.target.href),
        {
          // A String object: pdfkit writes it as a PDF text string (UTF-16 for Chinese).
          Contents: new String(l.target.text || l.target.href),
          ...(el ? { structParent: el } : {}),
        },
      );
    }
  }

  /** The Link elements inside the element `tag`, in the order their text comes. */
  of(tag: StructTag): readonly PdfStructElement[] {
    return this.byTag.get(tag) ?? [];
  }

  private element(target: LinkTarget, parent: StructTag): PdfStructElement {
    let el = this.elements.get(target);
    if (!el) {
      el = this.pdf.struct('Link');
      this.elements.set(target, el);
      const list = this.byTag.get(parent);
      if (list) list.push(el);
      else this.byTag.set(parent, [el]);
    }
    // The OBJR this annotation becomes names the page it is on, not the page current when the tree is written.
    const page = this.pdf.page.dictionary;
    const raw = el as unknown as RawElement;
    const flush = raw._flushChild.bind(raw);
    if (!raw.pages) {
      raw.pages = [];
      raw._flushChild = (child: unknown) => {
        const before = raw.dictionary.data.K?.length ?? 0;
        flush(child);
        const k = raw.dictionary.data.K;
        const added = k?.[before] as { Type?: string; Pg?: unknown } | undefined;
        if (k && k.length > before && added?.Type === 'OBJR') added.Pg = raw.pages!.shift() ?? added.Pg;
      };
    }
    raw.pages.push(page);
    return el;
  }
}

/** What of pdfkit's PDFStructureElement the OBJR page fix reaches into (pdfkit 0.19, PDFMAKE_VERSION pins it). */
interface RawElement {
  _flushChild(child: unknown): void;
  dictionary: { data: { K?: unknown[] | null } };
  pages?: PdfRef[];
}

/** A URI as the PDF's URI action needs it, 7-bit ASCII: anything else (a Chinese path) percent-encoded as UTF-8. */
export function asciiUri(href: string): string {
  return href.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}
