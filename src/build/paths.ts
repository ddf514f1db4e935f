import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Briefing's installation folder: it holds `fonts/`, `templates/`, `package.json` and the compiled `dist/`. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Briefing's own font configuration, used when a build names none. */
export const DEFAULT_FONTS_CONFIG = path.join(PACKAGE_ROOT, 'fonts', 'fonts.yaml');

/** The default output path for a data file: `out/<data-name>.pdf` under the working folder. */
export function defaultOutFile(dataFile: string): string {
  return path.join('out', `${path.basename(dataFile, path.extname(dataFile))}.pdf`);
}
