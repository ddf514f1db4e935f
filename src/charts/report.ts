import path from 'node:path';
import { error, warning, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import type { Code } from '../diagnostics/codes.js';
import type { LoadedData } from '../data/load.js';
import { nearest } from '../diagnostics/suggest.js';

/** `file:line:col` of the <figure> element in the template, relative to the working folder. */
export function templateLocation(place: Place | undefined): string {
  if (!place) return '';
  const file = path.isAbsolute(place.file)
    ? path.relative(process.cwd(), place.file) || place.file
    : place.file;
  return place.start ? `${file}:${place.start.line}:${place.start.column}` : file;
}

/** Collects the diagnostics of one figure, each placed at its data value and naming the <figure>. */
export class FigureReport {
  readonly diagnostics: Diagnostic[] = [];
  /** Appended to every message: where the template asked for the figure. */
  readonly suffix: string;

  constructor(
    private readonly data: LoadedData,
    private readonly place: Place | undefined,
  ) {
    const figureAt = templateLocation(place);
    this.suffix = figureAt ? ` (figure at ${figureAt})` : '';
  }

  /** The file position of a data value, or of the nearest value that holds it. */
  private at(p: string): Place {
    return this.data.placeOf(p, { nearest: true });
  }

  /** An error: the figure is not drawn. */
  problem(code: Code, message: string, p: string, hint?: string): void {
    this.diagnostics.push(
      error(code, message + this.suffix, { place: this.at(p), pointer: p, ...(hint ? { hint } : {}) }),
    );
  }

  /** A warning: something is ignored, the figure is drawn. */
  notice(code: Code, message: string, p: string, hint?: string): void {
    this.diagnostics.push(
      warning(code, message + this.suffix, { place: this.at(p), pointer: p, ...(hint ? { hint } : {}) }),
    );
  }

  /** Warns about the keys of a figure or series that Briefing does not know, with the nearest known one. */
  unknownKeys(
    o: Record<string, unknown>,
    known: readonly string[],
    p: string,
    what: 'figure' | 'series',
  ): void {
    for (const k of Object.keys(o))
      if (!known.includes(k)) {
        const close = nearest(k, known);
        this.notice(
          'chart:unknown-key',
          `unknown ${what} key "${k}" is ignored`,
          `${p}/${k}`,
          close ? `did you mean "${close}"?` : `${what} keys: ${known.join(', ')}`,
        );
      }
  }

  get failed(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}
