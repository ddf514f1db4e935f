import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** One text run as pdf.js reports it: string and position on the page (points, origin bottom-left). */
export interface TextItem {
  str: string;
  x: number;
  y: number;
  /** Font size in points (from the text matrix). */
  size: number;
  /** Advance of the run in points, TJ adjustments included. */
  width: number;
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
                width: it.width,
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

/** One glyph as drawn: its character, page position (origin, y up) and advance, TJ adjustments included. */
export interface Glyph {
  ch: string;
  x: number;
  y: number;
  /** Advance in points: the glyph's width plus any TJ number that follows it. */
  advance: number;
  size: number;
}

type Matrix = [number, number, number, number, number, number];
const mul = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];

/**
 * Reads every glyph of every page from pdf.js's operator list with a small text-state interpreter (CTM, Tm,
 * Tf, Tc and TJ numbers): positions and advances as drawn, independent of how text extraction joins runs. A TJ
 * number that moves the pen back narrows the glyph before it; one that moves it on is space after the glyph.
 */
export async function readGlyphs(bytes: Uint8Array): Promise<Glyph[][]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    fontExtraProperties: true,
  }).promise;
  const OPS = pdfjs.OPS;
  const out: Glyph[][] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const ops = await page.getOperatorList();
    const glyphs: Glyph[] = [];
    let ctm: Matrix = [1, 0, 0, 1, 0, 0];
    const stack: [Matrix, number][] = [];
    let tm: Matrix = [1, 0, 0, 1, 0, 0];
    let size = 0;
    let tc = 0;
    let x = 0;
    for (let i = 0; i < ops.fnArray.length; i++) {
      const fn = ops.fnArray[i];
      const a = ops.argsArray[i] as unknown[];
      // Tc is graphics state: q saves it and Q restores it, with the CTM.
      if (fn === OPS.save) stack.push([ctm, tc]);
      else if (fn === OPS.restore) [ctm, tc] = stack.pop() ?? [ctm, tc];
      else if (fn === OPS.transform) ctm = mul(a.slice(0, 6) as Matrix, ctm);
      else if (fn === OPS.beginText) {
        tm = [1, 0, 0, 1, 0, 0];
        x = 0;
      } else if (fn === OPS.setTextMatrix) {
        tm = Array.from(a.length >= 6 ? a : (a[0] as number[])).slice(0, 6) as Matrix;
        x = 0;
      } else if (fn === OPS.setFont) size = Math.abs(a[1] as number);
      else if (fn === OPS.setCharSpacing) tc = a[0] as number;
      else if (fn === OPS.showText) {
        const m = mul(tm, ctm);
        let last: Glyph | undefined;
        for (const g of a[0] as ({ unicode: string; width: number } | number)[]) {
          if (typeof g === 'number') {
            const d = (-g * size) / 1000;
            x += d;
            // The pen moved back after a glyph: the glyph is set narrower (a compressed mark). Moving it on is
            // space after the glyph (justification, the Han–Latin gap), not part of the glyph's advance.
            if (last && d < 0) last.advance += d * m[0];
            continue;
          }
          const adv = (g.width * size) / 1000 + tc;
          last = {
            ch: g.unicode,
            x: x * m[0] + m[4],
            y: x * m[1] + m[5],
            advance: adv * m[0],
            size: size * Math.abs(m[3]),
          };
          glyphs.push(last);
          x += adv;
        }
      }
    }
    out.push(glyphs);
  }
  await doc.destroy();
  return out;
}

/** Text as poppler's pdftotext gives it (what copy and paste give in most viewers); `-raw` keeps content order. */
export async function pdftotext(bytes: Uint8Array, ...args: string[]): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'briefing-pdftotext-'));
  const file = path.join(dir, 'in.pdf');
  writeFileSync(file, bytes);
  try {
    return await new Promise<string>((resolve, reject) =>
      execFile('pdftotext', [...args, file, '-'], { maxBuffer: 64 << 20 }, (err, stdout) =>
        err ? reject(new Error(`pdftotext failed: ${err.message}`)) : resolve(stdout),
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a poppler tool (pdfinfo, pdffonts …) on a PDF's bytes and returns what it prints. */
export async function poppler(tool: string, bytes: Uint8Array, ...args: string[]): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'briefing-poppler-'));
  const file = path.join(dir, 'in.pdf');
  writeFileSync(file, bytes);
  try {
    return await new Promise<string>((resolve, reject) =>
      execFile(tool, [...args, file], { maxBuffer: 64 << 20 }, (err, stdout) =>
        err ? reject(new Error(`${tool} failed: ${err.message}`)) : resolve(stdout),
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An element of the structure tree as `pdfinfo -struct-text` prints it: its type, attributes, text lines, children. */
export interface StructNode {
  role: string;
  attributes: string[];
  /** The text of its own marked content, a string per marked-content sequence (a line of Briefing's). */
  text: string[];
  children: StructNode[];
}

/** The structure tree of a PDF as poppler reads it (`pdfinfo -struct-text`), under a root with role "". */
export async function structText(bytes: Uint8Array): Promise<StructNode> {
  const out = await poppler('pdfinfo', bytes, '-struct-text');
  const root: StructNode = { role: '', attributes: [], text: [], children: [] };
  const stack: [number, StructNode][] = [[-1, root]];
  for (const raw of out.split('\n')) {
    if (!raw.trim()) continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    // An element's text and attributes are indented under it, after its children's.
    while (stack.length > 1 && stack.at(-1)![0] >= indent) stack.pop();
    const top = stack.at(-1)![1];
    if (line.startsWith('"')) top.text.push(JSON.parse(line) as string);
    else if (line.startsWith('/')) top.attributes.push(line);
    else {
      const node: StructNode = { role: line.replace(/[:\s].*$/, ''), attributes: [], text: [], children: [] };
      top.children.push(node);
      stack.push([indent, node]);
    }
  }
  return root;
}

/** Every element of a tree, depth first in reading order. */
export function structNodes(node: StructNode): StructNode[] {
  return [node, ...node.children.flatMap(structNodes)];
}

/** The text of an element and its descendants, in reading order. */
export function structString(node: StructNode): string {
  return node.text.join('') + node.children.map(structString).join('');
}
