import { createHash } from 'node:crypto';
import type { Content, TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces.js';
import { fontBuffer } from '../fonts/shared.js';
import { FALLBACK_METRICS, lineBox, type FontSet } from '../fonts/fonts.js';
import type { BuildLimits } from '../limits.js';
import type { Furniture, TypesetDocument } from '../typeset/context.js';
import type { Pdfmake } from './pdfmake/internals.js';
import { installPdfmake, setActiveLimits } from './pdfmake/install.js';

/**
 * Font files go to pdfmake through its virtual file system, as bytes: pdfmake then reads no file itself, and
 * pdfkit gets the same Buffer for a face in every document, so it parses each face once (fonts/shared.ts).
 */
function fontDictionary(pdfmake: Pdfmake, fonts: FontSet): TFontDictionary {
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
  for (const [name, fam] of fonts.families)
    dict[name] = {
      normal: virtual(fam.regular.file),
      bold: virtual(fam.bold.file),
      italics: virtual(fam.regular.file),
      bolditalics: virtual(fam.bold.file),
    };
  return dict;
}

function header(f: Furniture) {
  return (page: number): Content => {
    // Running head from page 2 on: report name left, date right, a hairline under both.
    if (page === 1) return { text: '' };
    const [left, top, right] = f.margins;
    const width = f.pageWidth - left - right;
    const style = {
      font: f.running.font,
      bold: f.running.bold,
      fontSize: f.running.size,
      color: f.running.color,
    };
    const lineHeight = f.running.size * 1.6;
    // The running head's line box is taken as Noto Sans SC's whatever its family (the house style sets it in sans).
    const box = lineBox(FALLBACK_METRICS.sans);
    return {
      stack: [
        // The date is drawn first and the report name second, pulled up onto the same baseline: two separate
        // texts in the content stream, so text extraction never reads them as one line with a gap.
        {
          text: f.runningRight,
          alignment: 'right',
          ...style,
          lineHeight: lineHeight / (f.running.size * box),
        },
        {
          text: f.runningLeft,
          alignment: 'left',
          ...style,
          lineHeight: lineHeight / (f.running.size * box),
          margin: [0, -lineHeight, 0, 0],
        },
        {
          canvas: [
            { type: 'line', x1: 0, y1: 3, x2: width, y2: 3, lineWidth: 0.5, lineColor: f.running.rule },
          ],
        },
      ],
      margin: [left, Math.max(top - f.running.size * 2.6, 8), right, 0],
    };
  };
}

function footer(f: Furniture) {
  return (page: number, pages: number): Content => ({
    text: `第 ${page} 页 / 共 ${pages} 页`,
    alignment: 'center',
    font: f.folio.font,
    bold: f.folio.bold,
    fontSize: f.folio.size,
    color: f.folio.color,
    margin: [0, Math.max(f.margins[3] / 2 - f.folio.size, 4), 0, 0],
  });
}

/** Documents wait here for their turn: pdfmake (fonts, the CJK layout, the limits) is one per process. */
let turn: Promise<unknown> = Promise.resolve();

/**
 * Lays out and writes the PDF into memory, within the build's limits (pages as they are added, time line by
 * line). pdfmake reads no file and never the network: fonts are handed over as bytes, charts inline, and both its
 * URL and its local-file policies deny everything. Documents of concurrent builds are made one after another.
 */
export function emitPdf(doc: TypesetDocument, fonts: FontSet, limits: BuildLimits): Promise<Buffer> {
  const mine = turn.then(() => emitOne(doc, fonts, limits));
  turn = mine.catch(() => undefined);
  return mine;
}

async function emitOne(doc: TypesetDocument, fonts: FontSet, limits: BuildLimits): Promise<Buffer> {
  const pdfmake = installPdfmake();
  pdfmake.setFonts(fontDictionary(pdfmake, fonts));
  pdfmake.setUrlAccessPolicy(() => false);
  // Fonts arrive as bytes and charts as inline SVG or data URLs: pdfmake reads no file and fetches nothing.
  pdfmake.setLocalAccessPolicy(() => false);
  const definition: TDocumentDefinitions = {
    ...doc.definition,
    header: header(doc.furniture),
    footer: footer(doc.furniture),
  };
  setActiveLimits(limits);
  try {
    return await pdfmake.createPdf(definition).getBuffer();
  } finally {
    setActiveLimits(undefined);
  }
}
