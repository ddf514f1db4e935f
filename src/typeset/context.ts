import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { plainText, type DocumentTree, type Figure, type TextBlock } from '../document/types.js';
import type { FontSet } from '../fonts/fonts.js';
import { resolveColor, type Theme } from '../theme/theme.js';
import type { RenderedChart } from '../charts/render.js';
import { computeGeometry, type Geometry } from '../page/geometry.js';
import { blocks } from './blocks.js';
import { lineHeightFor } from './style.js';

/** Page furniture drawn on every page by the emitter (pdfmake needs functions for it). */
export interface Furniture {
  runningLeft: string;
  runningRight: string;
  running: { font: string; bold: boolean; size: number; color: string; rule: string };
  folio: { font: string; bold: boolean; size: number; color: string };
  margins: Geometry['margins'];
  pageWidth: number;
}

/** The typeset document: a serialisable pdfmake definition plus the page furniture. */
export interface TypesetDocument {
  definition: TDocumentDefinitions;
  furniture: Furniture;
  geometry: Geometry;
}

/** Document metadata, from `<briefing>` attributes. */
export interface DocumentMeta {
  title: string;
  author?: string;
  subject?: string;
  keywords?: string;
  creationDate: Date;
  running?: string;
}

/** Grid settings for a text node that is not body text (heads): every line one pitch, baselines on the body grid. */
export interface CjkGrid {
  pitch: number;
  /** Baseline offset of a body line from its top. */
  ascent: number;
  /** Pitches of space above the first line (dropped at the top of a column). */
  before: number;
}

/**
 * What a text node of the definition may carry for the CJK engine (src/emit/pdfmake/line-builder.ts reads it;
 * pdfmake passes unknown keys through). The engine sets every text node that has text, with or without these.
 */
export interface CjkNodeOptions {
  /** `false` hands the node back to pdfmake's own line builder. */
  cjk?: boolean;
  /** Put the lines on the body's baseline grid (heads). */
  cjkGrid?: CjkGrid;
  /** Height (pt) that must fit below the node in the same column, or it moves on (keep with next). */
  cjkKeepWithNext?: number;
}

/** What every block's layout reads (theme, fonts, geometry, charts) and adds to (diagnostics, figure numbers). */
export interface Ctx {
  theme: Theme;
  fonts: FontSet;
  geo: Geometry;
  charts: ReadonlyMap<Figure, RenderedChart>;
  diagnostics: Diagnostic[];
  /** Characters already reported as missing from every font. */
  missing: Set<string>;
  figureNo: number;
}

/** Where a block is set: its measure's width and, inside `<columns>`, their count (undefined: the type area). */
export interface Frame {
  width: number;
  columns: number | undefined;
}

/** Turns the document tree into a pdfmake definition: the house layout of a newspaper special report. */
export function typeset(
  tree: DocumentTree,
  theme: Theme,
  fonts: FontSet,
  charts: ReadonlyMap<Figure, RenderedChart>,
  meta: DocumentMeta,
): { doc?: TypesetDocument; diagnostics: Diagnostic[] } {
  const geo = computeGeometry(theme);
  if (!geo)
    return {
      diagnostics: [warning('theme:page-size', `unknown page size ${JSON.stringify(theme.page.size)}`)],
    };
  const ctx: Ctx = { theme, fonts, geo, charts, diagnostics: [], missing: new Set(), figureNo: 0 };
  const content = blocks(tree.children, ctx, { width: geo.textWidth, columns: undefined });
  const body = theme.body;
  const definition: TDocumentDefinitions = {
    pageSize: { width: geo.pageWidth, height: geo.pageHeight },
    pageMargins: geo.margins,
    language: tree.lang,
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
    defaultStyle: {
      font: body.font,
      fontSize: body.size,
      lineHeight: lineHeightFor(fonts, body.font, false, body.size, geo.pitch),
      color: resolveColor(theme, body.color),
    },
    content,
  };
  return {
    doc: { definition, geometry: geo, furniture: furniture(tree, theme, geo, meta) },
    diagnostics: ctx.diagnostics,
  };
}

/** The running head (from page 2: the report's name and its date) and the folio, in the theme's styles. */
function furniture(tree: DocumentTree, theme: Theme, geo: Geometry, meta: DocumentMeta): Furniture {
  const find = (type: TextBlock['type']) => tree.children.find((b): b is TextBlock => b.type === type);
  const [dateline, headline, deck] = [find('dateline'), find('headline'), find('deck')];
  const running = theme.running;
  return {
    runningLeft:
      meta.running ??
      [headline, deck]
        .filter(Boolean)
        .map((b) => plainText(b!.children))
        .join(' · '),
    runningRight: dateline ? plainText(dateline.children) : '',
    running: {
      font: running.font,
      bold: running.bold,
      size: running.size,
      color: resolveColor(theme, running.color),
      rule: resolveColor(theme, 'rule'),
    },
    folio: {
      font: theme.folio.font,
      bold: theme.folio.bold,
      size: theme.folio.size,
      color: resolveColor(theme, theme.folio.color),
    },
    margins: geo.margins,
    pageWidth: geo.pageWidth,
  };
}
