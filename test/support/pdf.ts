import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** One text run as pdf.js reports it: string and position on the page (points, origin bottom-left). */
export interface TextItem {
  str: string;
  x: number;
  y: number;
  /** Font size in points (from the text matrix). */
  size: number;
  fontName: string;
}

/** Reads a PDF with pdf.js: per page, the text items in content order, plus document info and outline. */
export async function readPdf(bytes: Uint8Array) {
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  const pages: TextItem[][] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    pages.push(
      content.items.flatMap((it) =>
        'str' in it
          ? [
              {
                str: it.str,
                x: it.transform[4] as number,
                y: it.transform[5] as number,
                size: Math.hypot(it.transform[0] as number, it.transform[1] as number),
                fontName: it.fontName,
              },
            ]
          : [],
      ),
    );
  }
  const meta = await doc.getMetadata();
  const outline = (await doc.getOutline()) ?? [];
  const result = {
    numPages: doc.numPages,
    pages,
    info: meta.info as Record<string, unknown>,
    outline: outline.map((o) => o.title),
  };
  await doc.destroy();
  return result;
}

/** All text of the document in content order, runs joined without separators. */
export function allText(pages: TextItem[][]): string {
  return pages.map((p) => p.map((i) => i.str).join('')).join('\n');
}

/** Text of the type area only: drops running heads and folios (items within `band` points of the page edges). */
export function bodyText(pages: TextItem[][], pageHeight = 841.89, band = 50): string {
  return pages
    .map((p) =>
      p
        .filter((i) => i.y > band && i.y < pageHeight - band)
        .map((i) => i.str)
        .join(''),
    )
    .join('');
}
