/**
 * The standards a PDF declares conformance to. The PDF is tagged whatever this says (a structure tree, reading
 * order, artifacts, /Alt on figures); this says only what its XMP metadata claims and what the claims need
 * added (an sRGB output intent for PDF/A).
 * - `ua1`: PDF/UA-1 (ISO 14289-1), `pdfuaid:part` 1.
 * - `a2u` (the default with `ua1`): PDF/A-2 level U (ISO 19005-2): archivable, every font embedded, and every
 *   character mapped to Unicode (ToUnicode, ActualText), so the text can be searched and copied for decades.
 *   Level A adds a logical structure checked against the whole of ISO 32000's tagging rules, which Briefing
 *   cannot validate here (no veraPDF): the structure is declared by PDF/UA instead (docs/accessibility.md).
 * - `a2b`: PDF/A-2 level B: the look only.
 */
export interface PdfStandards {
  ua1: boolean;
  pdfa?: '2u' | '2b';
}

export const DEFAULT_STANDARDS: PdfStandards = { ua1: true, pdfa: '2u' };

/** The names `--pdf-standard` and the theme's `pdf.standard` accept, comma-separated, or `none`. */
export const STANDARD_NAMES = ['ua1', 'a2u', 'a2b', 'none'] as const;

/**
 * Reads `ua1,a2u`, `ua1`, `a2b`, `none` …; a string (the message) for anything else: an unknown name, two PDF/A
 * levels at once, `none` with another name.
 */
export function parsePdfStandards(text: string): PdfStandards | string {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) return 'no standard given';
  const unknown = names.find((n) => !(STANDARD_NAMES as readonly string[]).includes(n));
  if (unknown) return `unknown PDF standard "${unknown}"`;
  if (names.includes('none')) return names.length === 1 ? { ua1: false } : '"none" cannot be combined';
  const levels = names.filter((n) => n.startsWith('a2'));
  if (levels.length > 1) return `one PDF/A level at a time, not ${levels.join(' and ')}`;
  const out: PdfStandards = { ua1: names.includes('ua1') };
  if (levels[0]) out.pdfa = levels[0] === 'a2u' ? '2u' : '2b';
  return out;
}
