import { BuildLimits } from '../../src/build/limits.js';
import { DEFAULT_FONTS_CONFIG } from '../../src/build/paths.js';
import { emitPdf } from '../../src/emit/pdf.js';
import { loadFontSet } from '../../src/fonts/fonts.js';
import { computeGeometry } from '../../src/page/geometry.js';
import { DEFAULT_THEME } from '../../src/theme/theme.js';
import type { Composition, PageOut } from '../../src/typeset/model.js';
import { prepareText, setLines } from '../../src/typeset/text.js';

/** A width sweep: each paragraph at each width (in characters of `size`), one paragraph a page. */
export interface Sweep {
  paragraphs: readonly string[];
  widths: readonly number[];
  size: number;
  /** The lines' left edge on the page (points). */
  left: number;
  /** The page's size: tall enough for the longest paragraph at the narrowest width. */
  page: [number, number];
  title: string;
  /** The family and the language the paragraphs are set in (default serif, zh-CN). */
  family?: string;
  lang?: string;
}

/**
 * The sweep set by the engine and drawn by the emitter, as a build draws body text (justified, 2 em indent,
 * serif, a pitch of 1.7): page n holds paragraph n % paragraphs.length at width widths[n / paragraphs.length].
 */
export async function sweepPdf(s: Sweep): Promise<Buffer> {
  const { fonts } = loadFontSet(DEFAULT_FONTS_CONFIG);
  const pages: PageOut[] = [];
  for (const w of s.widths)
    for (const text of s.paragraphs) {
      const prepared = prepareText(fonts!, [
        {
          text,
          face: { family: s.family ?? 'serif', bold: false },
          size: s.size,
          color: '#000000',
          ...(s.lang ? { lang: s.lang } : {}),
        },
      ]);
      const lines = setLines(prepared, { width: w * s.size, indent: 2 * s.size, justify: true });
      pages.push({
        items: lines.map((line, k) => ({ kind: 'text', x: s.left, baseline: 60 + k * 1.7 * s.size, line })),
        boxes: [],
      });
    }
  const geometry = computeGeometry({ ...DEFAULT_THEME, page: { ...DEFAULT_THEME.page, size: s.page } })!;
  const doc: Composition = {
    lang: s.lang ?? 'zh-CN',
    meta: { title: s.title, creationDate: new Date(0) },
    geometry,
    pages,
    furniture: {
      runningLeft: '',
      runningRight: '',
      running: { font: s.family ?? 'sans', bold: false, size: 8, color: '#000000', rule: '#000000' },
      folio: { ...DEFAULT_THEME.folio, font: s.family ?? 'sans', size: 8, color: '#000000' },
    },
    families: new Set([s.family ?? 'serif']),
  };
  return emitPdf(doc, fonts!, new BuildLimits());
}
