import path from 'node:path';
import type { Diagnostic, Place } from './diagnostic.js';

/**
 * A place as `file:line:col` (or `file`, or `book.xlsx!sheet!C5` for a workbook's cell), the path relative to
 * `cwd` unless `cwd` is `false`.
 */
export function placeText(place: Place, cwd: string | false = process.cwd()): string {
  const file =
    cwd !== false && path.isAbsolute(place.file) ? path.relative(cwd, place.file) || place.file : place.file;
  if (place.cell) return `${file}!${place.cell}`;
  return place.start ? `${file}:${place.start.line}:${place.start.column}` : file;
}

/** A diagnostic's hints as a list (none, one or several). */
export function hintsOf(d: Diagnostic): readonly string[] {
  if (d.hint === undefined) return [];
  return typeof d.hint === 'string' ? (d.hint ? [d.hint] : []) : d.hint;
}

/**
 * Renders one diagnostic the way compilers do: `file:line:col: error[code]: message`, then each related place as a
 * `note:` line and each hint as a `hint:` line. Paths are relative to `cwd`; `false` keeps them as they are
 * (absolute), for messages read on another machine.
 */
export function formatDiagnostic(d: Diagnostic, cwd: string | false = process.cwd()): string {
  const where = d.place ? `${placeText(d.place, cwd)}: ` : '';
  const notes = [
    ...(d.place?.header !== undefined ? [`column ${JSON.stringify(d.place.header)}`] : []),
    ...(d.pointer !== undefined ? [`at ${d.pointer === '' ? '/' : d.pointer}`] : []),
  ];
  const at = notes.length ? ` (${notes.join(', ')})` : '';
  let out = `${where}${d.severity}[${d.code}]: ${d.message}${at}`;
  for (const r of d.related ?? []) out += `\n  note: ${placeText(r.place, cwd)}: ${r.message}`;
  for (const h of hintsOf(d)) out += `\n  hint: ${h}`;
  return out;
}

/** A plain object for `--format json`: paths relative to `cwd`, positions 1-based. */
export function diagnosticToJson(d: Diagnostic, cwd = process.cwd()): Record<string, unknown> {
  const file = d.place
    ? path.isAbsolute(d.place.file)
      ? path.relative(cwd, d.place.file)
      : d.place.file
    : undefined;
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(file !== undefined ? { file } : {}),
    ...(d.place?.start ? { line: d.place.start.line, column: d.place.start.column } : {}),
    ...(d.place?.cell !== undefined ? { cell: d.place.cell } : {}),
    ...(d.place?.header !== undefined ? { header: d.place.header } : {}),
    ...(d.pointer !== undefined ? { pointer: d.pointer } : {}),
    ...(hintsOf(d).length > 0 ? { hint: hintsOf(d).join('; '), hints: hintsOf(d) } : {}),
    ...(d.related?.length
      ? {
          related: d.related.map((r) => ({
            file: path.isAbsolute(r.place.file) ? path.relative(cwd, r.place.file) : r.place.file,
            ...(r.place.start ? { line: r.place.start.line, column: r.place.start.column } : {}),
            ...(r.place.cell !== undefined ? { cell: r.place.cell } : {}),
            message: r.message,
          })),
        }
      : {}),
  };
}
