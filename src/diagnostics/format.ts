import path from 'node:path';
import type { Diagnostic } from './diagnostic.js';

/**
 * Renders one diagnostic the way compilers do: `file:line:col: error[code]: message`, then the hint. Paths are
 * relative to `cwd`; `false` keeps them as they are (absolute), for messages read on another machine.
 */
export function formatDiagnostic(d: Diagnostic, cwd: string | false = process.cwd()): string {
  let where = '';
  if (d.place) {
    const file =
      cwd !== false && path.isAbsolute(d.place.file)
        ? path.relative(cwd, d.place.file) || d.place.file
        : d.place.file;
    where = d.place.start ? `${file}:${d.place.start.line}:${d.place.start.column}: ` : `${file}: `;
  }
  const at = d.pointer !== undefined ? ` (at ${d.pointer === '' ? '/' : d.pointer})` : '';
  let out = `${where}${d.severity}[${d.code}]: ${d.message}${at}`;
  if (d.hint) out += `\n  hint: ${d.hint}`;
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
    ...(d.pointer !== undefined ? { pointer: d.pointer } : {}),
    ...(d.hint ? { hint: d.hint } : {}),
  };
}
