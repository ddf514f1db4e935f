import { createRequire } from 'node:module';
import { installFontSharing } from '../../fonts/shared.js';
import type { Pdfmake, SvgToPdfkit } from './internals.js';

/**
 * The pdfmake version whose document and bundled svg-to-pdfkit this emitter was written against (internals.ts).
 * `installPdfmake` refuses any other version, and a test pins the two together, so an upgrade fails loudly.
 */
export const PDFMAKE_VERSION = '0.3.11';

const require = createRequire(import.meta.url);
let loaded: { pdfmake: Pdfmake; svgToPdfkit: SvgToPdfkit } | undefined;

/**
 * pdfmake as Briefing uses it, loaded once per process in this order: font sharing first (pdfkit must load after
 * it, src/fonts/shared.ts), then the version check, then pdfmake and its bundled svg-to-pdfkit. Load pdfmake only
 * through here.
 */
export function installPdfmake(): { pdfmake: Pdfmake; svgToPdfkit: SvgToPdfkit } {
  if (loaded) return loaded;
  installFontSharing();
  const pkg = require('pdfmake/package.json') as { version: string };
  if (pkg.version !== PDFMAKE_VERSION)
    throw new Error(
      `Briefing's emitter is written against pdfmake ${PDFMAKE_VERSION}, found ${pkg.version}: check src/emit/pdfmake/internals.ts (PDFDocument.provideFont, js/3rd-party/svg-to-pdfkit.js) against the new version, then update PDFMAKE_VERSION`,
    );
  const pdfmake = require('pdfmake') as Pdfmake;
  const svg = require('pdfmake/js/3rd-party/svg-to-pdfkit.js') as { default: SvgToPdfkit };
  if (typeof svg.default !== 'function')
    throw new Error('pdfmake internals changed: js/3rd-party/svg-to-pdfkit.js');
  loaded = { pdfmake, svgToPdfkit: svg.default };
  return loaded;
}
