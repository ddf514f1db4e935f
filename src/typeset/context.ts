import { error, warning, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import type { Code } from '../diagnostics/codes.js';
import {
  plainText,
  type DocumentTree,
  type Figure,
  type ImageBlock,
  type TextBlock,
} from '../document/types.js';
import type { LoadedImage } from '../images/load.js';
import type { FontSet } from '../fonts/fonts.js';
import { resolveColor, type Theme } from '../theme/theme.js';
import type { RenderedChart } from '../charts/family.js';
import { computeGeometry, type Geometry } from '../page/geometry.js';
import type { BuildLimits } from '../build/limits.js';
import type { Composition, DocumentMeta, Furniture } from './model.js';
import { regionsOf } from './regions.js';
import { assemble } from './assemble.js';
import { addFurniture } from './furniture.js';
import { Structure } from './structure.js';
import type { StructTag } from './model.js';
import { tocState, type TocState } from './toc.js';
import { startTextBuild } from './text.js';

export type { Composition, DocumentMeta, Furniture } from './model.js';

/** What every block's layout reads (theme, fonts, geometry, charts) and adds to (diagnostics, figure numbers). */
export interface Ctx {
  theme: Theme;
  fonts: FontSet;
  geo: Geometry;
  charts: ReadonlyMap<Figure, RenderedChart>;
  /** The `<image>` files, read and checked (images/load.ts). */
  images: ReadonlyMap<ImageBlock, LoadedImage>;
  diagnostics: Diagnostic[];
  /** Characters already reported as missing from every font. */
  missing: Set<string>;
  figureNo: number;
  /** Footnotes numbered so far (their marks count through the document). */
  noteNo: number;
  /** Throws when the build is past its time limit (long loops call it). */
  check: () => void;
  limits: BuildLimits | undefined;
  /** Families text is set in. */
  families: Set<string>;
  /** The document's language (BCP 47, `<briefing lang>`): its Latin words hyphenate by it (English for zh-*). */
  lang: string;
  /** The structure elements (tagged PDF), and the element the blocks being set stand in (a section). */
  structure: Structure;
  parent?: StructTag | undefined;
  /** The tables of contents' entries and pages (typeset/toc.ts), when the document has a `<toc>`. */
  toc?: TocState;
}

/** Layout passes at most for a document with a table of contents (its own length can move the headings). */
const TOC_PASSES = 4;

/** A layout problem as a warning (`--strict` makes it an error), at the template place of what caused it. */
export function layoutWarning(
  ctx: Ctx,
  code: Code,
  message: string,
  place: Place | undefined,
  hint: string,
): void {
  ctx.diagnostics.push(warning(code, message, { ...(place ? { place } : {}), hint }));
}

/**
 * Typesets the document tree: every block set in lines of the engine and measured in whole lines of the body
 * pitch, the masthead fitted to the page, the body text made up into pages by the page builder (src/paginate),
 * and everything placed checked to lie inside its box. The result is what the emitter draws.
 */
export function typeset(
  tree: DocumentTree,
  theme: Theme,
  fonts: FontSet,
  charts: ReadonlyMap<Figure, RenderedChart>,
  meta: DocumentMeta,
  limits?: BuildLimits,
  images: ReadonlyMap<ImageBlock, LoadedImage> = new Map(),
): { doc?: Composition; diagnostics: Diagnostic[] } {
  startTextBuild();
  const geo = computeGeometry(theme);
  if (!geo)
    return {
      diagnostics: [warning('theme:page-size', `unknown page size ${JSON.stringify(theme.page.size)}`)],
    };
  const fresh = (): Ctx => ({
    theme,
    fonts,
    geo,
    charts,
    images,
    diagnostics: [],
    missing: new Set(),
    figureNo: 0,
    noteNo: 0,
    check: () => limits?.checkTime(),
    limits,
    families: new Set(),
    lang: tree.lang,
    structure: new Structure(),
  });
  const toc = tocState(tree);
  let ctx: Ctx = { ...fresh(), ...(toc ? { toc } : {}) };
  for (const family of usedFamilies(theme))
    if (!fonts.families.has(family))
      ctx.diagnostics.push(
        error('theme:unknown-font', `the theme sets text in "${family}", which fonts.yaml does not define`, {
          place: { file: fonts.configFile },
          hint: `families defined: ${[...fonts.families.keys()].join(', ')}`,
        }),
      );
  if (ctx.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: ctx.diagnostics };
  let pages = assemble(regionsOf(tree.children, ctx), ctx);
  // A table of contents prints the pages its headings landed on in the pass before; the pages are made again
  // until the numbers printed are where the headings are (its own length may move them), a bounded number of times.
  for (let pass = 1; toc && !settled(toc); pass++) {
    if (pass === TOC_PASSES) {
      layoutWarning(
        ctx,
        'layout:toc-pages',
        `the table of contents' page numbers did not settle in ${TOC_PASSES} passes`,
        toc.place,
        'a few lines more or less before the headings settle them',
      );
      break;
    }
    toc.printed = toc.landed;
    toc.pages = pages.length;
    toc.landed = new Map();
    ctx = { ...fresh(), toc };
    pages = assemble(regionsOf(tree.children, ctx), ctx);
  }
  addFurniture(pages, furniture(tree, theme, meta), ctx);
  return {
    doc: {
      lang: tree.lang,
      meta,
      geometry: geo,
      pages,
      furniture: furniture(tree, theme, meta),
      families: ctx.families,
      structure: ctx.structure.tags,
    },
    diagnostics: ctx.diagnostics,
  };
}

/** The families the theme sets text in. */
function usedFamilies(theme: Theme): Set<string> {
  const styles = [
    theme.body,
    theme.kicker,
    theme.headline,
    theme.deck,
    theme.dateline,
    theme.lead,
    theme.byline,
    theme.kpi.value,
    theme.kpi.label,
    theme.heading,
    theme.pullquote,
    theme.caption,
    theme.source,
    theme.footnote,
    theme.running,
    theme.folio,
  ];
  return new Set(styles.map((s) => s.font));
}

/** The running head (from page 2: the report's name and its date) and the folio, in the theme's styles. */
function furniture(tree: DocumentTree, theme: Theme, meta: DocumentMeta): Furniture {
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
      format: theme.folio.format,
      first: theme.folio.first,
    },
  };
}

/** Whether every entry of the table of contents printed the page its heading landed on. */
function settled(toc: TocState): boolean {
  if (!toc.printed) return false;
  return toc.entries.every((e) => toc.printed!.get(e.node) === toc.landed.get(e.node));
}
