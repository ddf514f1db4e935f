import { createHash } from 'node:crypto';
import type { TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces.js';
import { fontBuffer } from '../fonts/shared.js';
import type { FontSet } from '../fonts/fonts.js';
import type { BuildLimits } from '../build/limits.js';
import type { Composition, Drawn, FaceRef } from '../typeset/model.js';
import { drawText } from './draw-text.js';
import type { Pdfmake, PdfKitDoc, PdfKitFont, PdfKitImage, SvgToPdfkit } from './pdfmake/internals.js';
import { installPdfmake, PDFMAKE_VERSION } from './pdfmake/install.js';
import { DEFAULT_STANDARDS, type PdfStandards } from '../build/standards.js';
import { declareStandards } from './standards.js';
import { Tagger } from './tagged.js';
import { patchEmbeddedFont } from './embed.js';
import { keepDeflatedStreams } from './deflated.js';
import { drawRecorded, replay } from './replay.js';
import type { DrawCall } from '../charts/drawing.js';
import { diskDrawings, type DrawingStore } from './drawing-store.js';
import { Links } from './links.js';
import { drawRect } from './shapes.js';

/**
 * Font files go to pdfmake through its virtual file system, as bytes: pdfmake then reads no file itself, and
 * pdfkit gets the same Buffer for a face in every document, so it parses each face once (fonts/shared.ts).
 */
function fontDictionary(pdfmake: Pdfmake, fonts: FontSet, used: ReadonlySet<string>): TFontDictionary {
  const vfs = pdfmake.virtualfs;
  const virtual = (file: string): string => {
    const bytes = fontBuffer(file);
    const name = `briefing-font-${createHash('sha1')
      .update(`${file}|${bytes.length}|${bytes.subarray(0, 4096).toString('hex')}`)
      .digest('hex')}.ttf`;
    if (!vfs.existsSync(name)) vfs.writeFileSync(name, bytes);
    return name;
  };
  const dict: TFontDictionary = {};
  // Only the families the document sets text in (and the first, pdfmake's default): a Simplified Chinese
  // document does not read the Traditional faces' files.
  const first = [...fonts.families.keys()][0];
  for (const [name, fam] of fonts.families) {
    if (name !== first && !used.has(name)) continue;
    dict[name] = {
      normal: virtual(fam.regular.file),
      bold: virtual(fam.bold.file),
      italics: virtual(fam.regular.file),
      bolditalics: virtual(fam.bold.file),
    };
  }
  return dict;
}

/** The font families the document's text is set in. */
function familiesOf(doc: Composition): Set<string> {
  const used = new Set<string>();
  for (const page of doc.pages)
    for (const item of page.items)
      if (item.kind === 'text') for (const r of item.line.runs) used.add(r.face.family);
  return used;
}

/** Documents wait here for their turn: pdfmake (its font dictionary) is one per process. */
let turn: Promise<unknown> = Promise.resolve();

/**
 * Writes the typeset document into a PDF in memory: pdfmake creates the document (page size, metadata, language,
 * the font dictionary) and Briefing draws every page as typeset placed it, through pdfkit's own API, checking the
 * limits page by page. The PDF is always tagged (structure tree, reading order, artifacts: tagged.ts) and shows
 * its title in the viewer's title bar; `standards` says which conformance its metadata declares (standards.ts).
 * pdfmake reads no file and never the network: fonts are handed over as bytes, charts are inline, and both its
 * URL and its local-file policies deny everything. Documents of concurrent builds are made one after another.
 */
export function emitPdf(
  doc: Composition,
  fonts: FontSet,
  limits: BuildLimits,
  standards: PdfStandards = DEFAULT_STANDARDS,
  cacheDir: string | false = false,
): Promise<Buffer> {
  const mine = turn.then(() => emitOne(doc, fonts, limits, standards, cacheDir));
  turn = mine.catch(() => undefined);
  return mine;
}

async function emitOne(
  doc: Composition,
  fonts: FontSet,
  limits: BuildLimits,
  standards: PdfStandards,
  cacheDir: string | false,
): Promise<Buffer> {
  const { pdfmake, svgToPdfkit } = installPdfmake();
  const svg: SvgDrawer = {
    toPdfkit: svgToPdfkit,
    ...(cacheDir ? { store: diskDrawings(cacheDir, PDFMAKE_VERSION) } : {}),
  };
  pdfmake.setFonts(fontDictionary(pdfmake, fonts, familiesOf(doc)));
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
  const { geometry: geo, meta } = doc;
  const definition: TDocumentDefinitions = {
    pageSize: { width: geo.pageWidth, height: geo.pageHeight },
    pageMargins: 0,
    language: doc.lang,
    // PDF 1.7 (ISO 32000-1, which PDF/UA-1 and PDF/A-2 build on); pdfkit writes no XMP metadata for 1.3.
    version: '1.7',
    tagged: true,
    displayTitle: true,
    info: {
      title: meta.title,
      ...(meta.author ? { author: meta.author } : {}),
      ...(meta.subject ? { subject: meta.subject } : {}),
      ...(meta.keywords ? { keywords: meta.keywords } : {}),
      creator: 'Briefing',
      producer: 'Briefing (pdfmake)',
      creationDate: meta.creationDate,
      modDate: meta.creationDate,
    },
    // One empty page; Briefing draws it and adds the others.
    content: [],
    defaultStyle: { font: [...fonts.families.keys()][0]! },
  };
  const pdf = (await pdfmake.createPdf(definition).getStream()) as unknown as PdfKitDoc;
  keepDeflatedStreams(pdf.page.dictionary);
  const cache = new Map<string, PdfKitFont>();
  const fontFor = (face: FaceRef): PdfKitFont => {
    const key = `${face.family}|${face.bold}`;
    let f = cache.get(key);
    if (!f) {
      cache.set(key, (f = pdf.provideFont(face.family, face.bold, false)));
      patchEmbeddedFont(f);
    }
    return f;
  };
  const links = new Links(pdf);
  const tagger = new Tagger(pdf, links);
  for (const [i, page] of doc.pages.entries()) {
    limits.checkPages(i + 1);
    if (i > 0)
      pdf.addPage({
        size: [geo.pageWidth, geo.pageHeight],
        margins: { top: 0, left: 0, right: 0, bottom: 0 },
      });
    for (const item of page.items) {
      if (item.kind === 'link') tagger.link(item);
      tagger.enter(item);
      const drawing = draw(pdf, item, fontFor, svg);
      if (drawing) await drawing;
      if (item.kind === 'text' && item.line.links) {
        const size = Math.max(0, ...item.line.runs.map((r) => r.size));
        links.annotate({ x: item.x, baseline: item.baseline, size, links: item.line.links, tag: item.tag });
      }
    }
    tagger.close();
  }
  tagger.finish(doc.structure ?? []);
  declareStandards(pdf, standards, meta.creationDate);
  return finish(pdf);
}

/**
 * Draws a PNG or JPEG in its box; resolves when pdfkit has written it whole. pdfkit decodes a PNG with transparency
 * (or interlaced) asynchronously and numbers its soft mask when the decoding ends: two such images could swap
 * numbers from one build to the next, and the same input gave different bytes. Waiting for each image before
 * anything else is drawn numbers its objects in the order of the document.
 */
function drawImage(
  pdf: PdfKitDoc,
  bytes: Buffer,
  box: { x: number; y: number; width: number; height: number },
) {
  const image = pdf.openImage(bytes);
  const finalize = image.finalize;
  // A JPEG is written as it is embedded; a PNG when its pixels are decoded (at once, or later).
  const written = finalize
    ? new Promise<void>((resolve) => {
        image.finalize = function (this: PdfKitImage) {
          finalize.call(this);
          resolve();
        };
      })
    : undefined;
  pdf.image(image, box.x, box.y, { width: box.width, height: box.height });
  return written;
}

/** Draws one placed thing on the current page; an image returns when it is written (drawImage). */
function draw(
  pdf: PdfKitDoc,
  d: Drawn,
  fontFor: (face: FaceRef) => PdfKitFont,
  svg: SvgDrawer,
): Promise<void> | undefined {
  switch (d.kind) {
    case 'text':
      drawText(pdf, fontFor, d.line, d.x, d.baseline);
      return;
    case 'rule':
      pdf
        .save()
        .lineWidth(d.width)
        .lineCap('butt')
        .strokeColor(d.color)
        .moveTo(d.x1, d.y1)
        .lineTo(d.x2, d.y2)
        .stroke()
        .restore();
      return;
    case 'rect':
      drawRect(pdf, d);
      return;
    case 'chart':
      if (d.chart.png) return drawImage(pdf, d.chart.png, d);
      if (d.chart.drawing && d.chart.box) drawChart(pdf, d.chart.drawing, d.chart.box, d);
      return;
    case 'image':
      // A file of the pack (images/load.ts checked its place, size and format): PNG and JPEG through pdfkit,
      // SVG like a chart's drawing, never opening a file it names.
      if (d.image.bytes) return drawImage(pdf, d.image.bytes, d);
      drawSvg(pdf, svg, d.image.svg!, d);
      return;
    case 'bookmark':
      pdf.outline.addItem(d.title, { expanded: false });
      return;
    case 'anchor':
      // Where a table of contents' entry leads: the view's top left at the heading.
      pdf.addNamedDestination(d.name, 'XYZ', d.x, d.y, null);
  }
}

/**
 * An SVG image drawn at a size in points: its root's width and height set to it, its viewBox (the drawing's
 * own coordinates) kept, or made from the old size, so that svg-to-pdfkit scales the drawing into the box.
 */
export function sized(svg: string, width: number, height: number): string {
  return svg.replace(/<svg\b[^>]*>/, (tag) => {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    let out = tag;
    if (attr('viewBox') === undefined) {
      const w = parseFloat(attr('width') ?? '');
      const h = parseFloat(attr('height') ?? '');
      if (Number.isFinite(w) && Number.isFinite(h))
        out = out.replace(/^<svg\b/, `<svg viewBox="0 0 ${w} ${h}"`);
    }
    const set = (t: string, name: string, v: number) =>
      new RegExp(`\\s${name}="[^"]*"`).test(t)
        ? t.replace(new RegExp(`(\\s${name}=)"[^"]*"`), `$1"${v}"`)
        : t.replace(/^<svg\b/, `<svg ${name}="${v}"`);
    return set(set(out, 'width', width), 'height', height);
  });
}

/** Ends the document and collects its bytes. */
function finish(pdf: PdfKitDoc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    pdf.end();
  });
}

/**
 * An SVG drawing in its box; it never opens a file: only images inside it (data: URIs) are drawn. The same
 * drawing in the same box is parsed once per process: later documents replay its recorded calls (replay.ts).
 */
function drawSvg(
  pdf: PdfKitDoc,
  svg: SvgDrawer,
  source: string,
  box: { x: number; y: number; width: number; height: number },
): void {
  pdf.save();
  const drawing = sized(source, box.width, box.height);
  drawRecorded(
    pdf,
    `${box.x},${box.y}|${drawing}`,
    (doc) =>
      svg.toPdfkit(doc, drawing, box.x, box.y, {
        width: box.width,
        height: box.height,
        assumePt: true,
        useCSS: false,
        imageCallback: (link) =>
          /^data:image\/(png|jpeg);base64,/.test(link) ? link.replace(/\s+/g, '') : '',
      }),
    svg.store,
  );
  pdf.restore();
}

/**
 * A chart's recorded drawing (charts/context.ts) scaled from the box it was drawn in into the figure's. pdfkit keeps
 * the fill colour it was last given outside the content stream: it is put back, so the text after the chart is
 * coloured as it asks, not as the chart's last shape was.
 */
function drawChart(
  pdf: PdfKitDoc,
  calls: readonly DrawCall[],
  [w, h]: readonly [number, number],
  box: { x: number; y: number; width: number; height: number },
): void {
  const doc = pdf as unknown as Record<string, unknown>;
  const fill = doc._fillColor;
  pdf.save();
  pdf.transform(w > 0 ? box.width / w : 1, 0, 0, h > 0 ? box.height / h : 1, box.x, box.y);
  replay(doc, calls);
  pdf.restore();
  doc._fillColor = fill;
}

/** svg-to-pdfkit, and where its recorded drawings are kept between processes (none: in this process only). */
interface SvgDrawer {
  toPdfkit: SvgToPdfkit;
  store?: DrawingStore;
}
