import type { Code } from './codes.js';

export type { Code } from './codes.js';

/**
 * A source position: 1-based line and column, 0-based offset (unist conventions). Columns count UTF-16 code units,
 * as the Language Server Protocol and most editors do (a character outside the BMP, such as 𠮷, counts two).
 */
export interface Point {
  line: number;
  column: number;
  offset?: number;
}

/**
 * Something a user can open: a file and, where known, a position in it. In a table read from a CSV file the
 * position is the row (line) and the field (column); in an XLSX workbook `cell` names the sheet and cell
 * (`三月!C5`, printed `book.xlsx!三月!C5`) and the position is its row and column number. `header` is the name
 * of the table column the place is in.
 */
export interface Place {
  file: string;
  start?: Point;
  cell?: string;
  header?: string;
}

export type Severity = 'error' | 'warning';

/** Another place a diagnostic concerns (where an element was opened, the other report writing a file), with a note. */
export interface Related {
  place: Place;
  message: string;
}

/**
 * One user-facing problem. `code` is stable (`stage:rule`, declared in codes.ts), `message` is short, `hint` says
 * how to fix it (one hint or several), `related` names other places it concerns, `pointer` is the JSON pointer of
 * the data value at fault (data diagnostics only).
 */
export interface Diagnostic {
  severity: Severity;
  code: Code;
  message: string;
  place?: Place;
  pointer?: string;
  hint?: string | readonly string[];
  related?: readonly Related[];
  /** The offending value itself, where it is short (a character no font has, say). */
  actual?: string;
}

/** Thrown between stages when a stage found errors; carries every diagnostic collected so far. */
export class BuildFailure extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics.find((d) => d.severity === 'error');
    super(first ? `${first.code}: ${first.message}` : 'build failed');
    this.name = 'BuildFailure';
    this.diagnostics = diagnostics;
  }
}

/** Convenience constructor for an error diagnostic. */
export function error(code: Code, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: 'error', code, message, ...extra };
}

/** Convenience constructor for a warning diagnostic. */
export function warning(code: Code, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: 'warning', code, message, ...extra };
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Converts a 0-based offset in `text` to a 1-based line and column (UTF-16 code units), in O(log lines). */
export function pointAt(text: string, offset: number): Point {
  const starts = lineStartsOf(text);
  const end = Math.min(Math.max(offset, 0), text.length);
  // Binary search for the last line that starts at or before the offset.
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= end) lo = mid;
    else hi = mid - 1;
  }
  const lineStart = starts[lo]!;
  return { line: lo + 1, column: end - lineStart + 1, offset: end };
}

// Line starts of the last text asked about: a data file's every value is located in the same text.
let lastText: string | undefined;
let lastStarts: number[] = [0];

function lineStartsOf(text: string): number[] {
  if (text === lastText) return lastStarts;
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  lastText = text;
  lastStarts = starts;
  return starts;
}
