/**
 * Colour for diagnostics on a terminal: `error` red, `warning` yellow, `note:` and `hint:` dim-cyan. Off when the
 * stream is not a TTY or NO_COLOR is set (https://no-color.org); FORCE_COLOR=1 turns it on, FORCE_COLOR=0 off.
 */
export function colorOn(stream: NodeJS.WriteStream = process.stderr, env = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

const SGR = { red: '\u001b[1;31m', yellow: '\u001b[1;33m', cyan: '\u001b[36m', reset: '\u001b[0m' } as const;

/** A formatted diagnostic (formatDiagnostic's lines) with its severity and note/hint labels coloured. */
export function paint(text: string, on: boolean): string {
  if (!on) return text;
  return text
    .replace(/\b(error)(\[[^\]]+\])/g, `${SGR.red}$1$2${SGR.reset}`)
    .replace(/\b(warning)(\[[^\]]+\])/g, `${SGR.yellow}$1$2${SGR.reset}`)
    .replace(/^(\s+)(note|hint):/gm, `$1${SGR.cyan}$2:${SGR.reset}`);
}
