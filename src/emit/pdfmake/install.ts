import { createRequire } from 'node:module';
import { installFontSharing } from '../../fonts/shared.js';
import type { BuildLimits } from '../../limits.js';
import type { LayoutBuilder, LineClass, PagedContext, Pdfmake, PdfLine, Renderer } from './internals.js';
import { buildCjkLine, type CjkTextNode } from './line-builder.js';
import { canRenderDirectly, renderCjkLine } from './line-renderer.js';

/**
 * The pdfmake version whose internals this adapter was written against (internals.ts). `installPdfmake` refuses
 * any other version, and a test pins the two together, so an upgrade fails loudly instead of setting text wrongly.
 */
export const PDFMAKE_VERSION = '0.3.11';

const require = createRequire(import.meta.url);
let pdfmake: Pdfmake | undefined;

/**
 * The limits of the document being laid out and drawn. pdfmake is one per process and lays out synchronously, so
 * the emitter sets them around each document (src/emit/pdf.ts runs one document at a time).
 */
let limits: BuildLimits | undefined;

/** Sets (or clears) the limits the layout and the drawing check: pages as they are added, time line by line. */
export function setActiveLimits(l: BuildLimits | undefined): void {
  limits = l;
}

type Prototype = Record<string, unknown>;
type BuildNextLine = (this: LayoutBuilder, node: CjkTextNode) => PdfLine | null;
type RenderLine = (this: Renderer, line: PdfLine, x: number, y: number) => void;
type AddPage = (this: PagedContext, ...args: unknown[]) => unknown;

const prototypeOf = (file: string): Prototype =>
  (require(`pdfmake/js/${file}`) as { default: { prototype: Prototype } }).default.prototype;

/** The prototypes and methods the adapter replaces, all checked before any is touched. */
function internals() {
  const layoutBuilder = prototypeOf('LayoutBuilder.js');
  const renderer = prototypeOf('Renderer.js');
  const documentContext = prototypeOf('DocumentContext.js');
  const Line = (require('pdfmake/js/Line.js') as { default: LineClass }).default;
  const methods = {
    buildNextLine: layoutBuilder.buildNextLine as BuildNextLine | undefined,
    renderLine: renderer.renderLine as RenderLine | undefined,
    addPage: documentContext.addPage as AddPage | undefined,
  };
  const lost = [
    typeof methods.buildNextLine !== 'function' && 'LayoutBuilder.prototype.buildNextLine',
    typeof Line !== 'function' && 'Line',
    typeof methods.renderLine !== 'function' && 'Renderer.prototype.renderLine',
    typeof methods.addPage !== 'function' && 'DocumentContext.prototype.addPage',
  ].filter(Boolean);
  if (lost.length)
    throw new Error(`pdfmake internals changed: ${lost.join(', ')} missing (src/emit/pdfmake/internals.ts)`);
  return {
    layoutBuilder,
    renderer,
    documentContext,
    Line,
    buildNextLine: methods.buildNextLine!,
    renderLine: methods.renderLine!,
    addPage: methods.addPage!,
  };
}

/** Replaces the three methods: the engine's line builder and renderer, and the page limit on every added page. */
function patch(p: ReturnType<typeof internals>): void {
  const { buildNextLine, renderLine, addPage, Line } = p;
  p.layoutBuilder.buildNextLine = function (this: LayoutBuilder, node: CjkTextNode) {
    // Every text node with text goes through the engine (Briefing sets Chinese throughout) unless it says
    // cjk: false; a node with only empty strings keeps pdfmake's own behaviour.
    if (node.cjk === false) return buildNextLine.call(this, node);
    if (!node._cjkState && !(node._inlines ?? []).some((i) => i.text !== ''))
      return buildNextLine.call(this, node);
    return buildCjkLine(this, node, Line, limits);
  };
  p.renderer.renderLine = function (this: Renderer, line: PdfLine, x: number, y: number) {
    // Drawing a long document takes time too: the limit holds here as in the layout.
    limits?.checkTime();
    // Lines the engine built, unless they carry what only pdfmake draws (links, decorations, …).
    if (!canRenderDirectly(line)) return renderLine.call(this, line, x, y);
    renderCjkLine(this, line, x, y);
  };
  // Every page pdfmake adds, whatever made it (text, a table, a page break), counts against the page limit.
  p.documentContext.addPage = function (this: PagedContext, ...args: unknown[]) {
    const page = addPage.apply(this, args);
    limits?.checkPages(this.pages.length);
    return page;
  };
}

/**
 * pdfmake as Briefing uses it, loaded once per process in this order: font sharing first (pdfkit must load after
 * it, src/fonts/shared.ts), then the version check, then the CJK line builder, the line renderer and the page
 * limit patched into pdfmake's prototypes, then pdfmake itself. Load pdfmake only through here.
 */
export function installPdfmake(): Pdfmake {
  if (pdfmake) return pdfmake;
  installFontSharing();
  const pkg = require('pdfmake/package.json') as { version: string };
  if (pkg.version !== PDFMAKE_VERSION)
    throw new Error(
      `Briefing's CJK layout is written against pdfmake ${PDFMAKE_VERSION}, found ${pkg.version}: check src/emit/pdfmake/internals.ts against the new LayoutBuilder.buildNextLine, Line, Renderer.renderLine and DocumentContext.addPage, then update PDFMAKE_VERSION`,
    );
  patch(internals());
  pdfmake = require('pdfmake') as Pdfmake;
  return pdfmake;
}
