import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import { parseDataText } from '../data/load.js';

/** One report of a batch: what to build from what, and the variables that named it. */
export interface Job {
  /** Stable identity: the output path relative to the output folder. */
  id: string;
  templateDir: string;
  dataFile: string;
  outFile: string;
  vars: Record<string, string>;
}

/** A group of reports in the manifest: one template, path patterns, and the values of each variable. */
interface Group {
  template: string;
  data: string;
  out: string;
  periods?: { from: string; to: string } | string[];
  vars?: Record<string, (string | number)[]>;
}

/** Which periods to build: one month, a range, or what the manifest says. */
export interface PeriodChoice {
  period?: string;
  from?: string;
  to?: string;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Months from `from` to `to` inclusive, as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

function fill(pattern: string, vars: Record<string, string>): string | undefined {
  let missing = false;
  const out = pattern.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

/** Where a manifest diagnostic points: the value at a JSON pointer of the manifest. */
type At = (pointer: string) => Place;

/**
 * Reads a batch manifest and expands it into jobs. Paths in the manifest are relative to it; output patterns
 * are relative to the output folder. Variables: `{period}` (YYYY-MM) and one per key of `vars`.
 */
export function readManifest(
  file: string,
  outDir: string,
  choice: PeriodChoice = {},
): { jobs: Job[]; diagnostics: Diagnostic[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return {
      jobs: [],
      diagnostics: [error('batch:manifest-missing', 'batch manifest not found', { place: { file } })],
    };
  }
  const loaded = parseDataText(file, bytes);
  if (!loaded.ok) return { jobs: [], diagnostics: loaded.diagnostics };
  for (const c of [choice.period, choice.from, choice.to])
    if (c !== undefined && !MONTH.test(c))
      return {
        jobs: [],
        diagnostics: [
          error('batch:period', `"${c}" is not a month`, { hint: 'write months as YYYY-MM, e.g. 2025-03' }),
        ],
      };
  const at: At = (pointer) => loaded.data.placeOf(pointer);
  const root = loaded.data.value as Record<string, unknown> | null;
  const groups: [Group, string][] = [];
  if (root && Array.isArray(root.reports))
    (root.reports as Group[]).forEach((g, i) => groups.push([g, `/reports/${i}`]));
  else if (root) groups.push([root as unknown as Group, '']);

  const expansion: Expansion = {
    base: path.dirname(file),
    outDir,
    at,
    jobs: [],
    diagnostics: [],
    seen: new Map(),
  };
  for (const [g, p] of groups) {
    for (const key of ['template', 'data', 'out'] as const)
      if (typeof g[key] !== 'string' || g[key] === '')
        expansion.diagnostics.push(
          error('batch:manifest', `missing "${key}"`, {
            place: at(p),
            pointer: `${p}/${key}`,
            hint: 'a manifest needs template (a pack folder), data and out (path patterns with {period} and other variables)',
          }),
        );
    if (expansion.diagnostics.length) continue;
    const periods = periodsOf(g, p, choice, at);
    if ('diagnostic' in periods) expansion.diagnostics.push(periods.diagnostic);
    else expandGroup(g, p, periods.periods, expansion);
  }
  return { jobs: expansion.jobs, diagnostics: expansion.diagnostics };
}

/** The months a group is built for: those chosen on the command line, else the manifest's; or what is wrong. */
function periodsOf(
  g: Group,
  p: string,
  choice: PeriodChoice,
  at: At,
): { periods: string[] | undefined } | { diagnostic: Diagnostic } {
  let periods: string[] | undefined;
  if (choice.period) periods = [choice.period];
  else if (choice.from || choice.to)
    periods = monthsBetween(choice.from ?? choice.to!, choice.to ?? choice.from!);
  else if (Array.isArray(g.periods)) periods = g.periods.map(String);
  else if (g.periods && typeof g.periods === 'object') {
    const { from, to } = g.periods;
    if (!MONTH.test(String(from)) || !MONTH.test(String(to)))
      return {
        diagnostic: error('batch:period', 'periods need from and to as YYYY-MM', {
          place: at(`${p}/periods`),
          pointer: `${p}/periods`,
        }),
      };
    periods = monthsBetween(String(from), String(to));
  }
  if ((/\{period\}/.test(g.data) || /\{period\}/.test(g.out)) && !periods)
    return {
      diagnostic: error('batch:period', 'the patterns use {period} but no period is given', {
        place: at(p),
        hint: 'pass --period YYYY-MM or --from/--to, or add periods: { from: YYYY-MM, to: YYYY-MM } to the manifest',
      }),
    };
  return { periods };
}

/** The manifest's jobs so far, and what expanding them found wrong. */
interface Expansion {
  base: string;
  outDir: string;
  at: At;
  jobs: Job[];
  diagnostics: Diagnostic[];
  /** Output id → the data file of the report that writes it. */
  seen: Map<string, string>;
}

/** One job per combination of the group's variables' values (period first); stops at its first mistake. */
function expandGroup(g: Group, p: string, periods: string[] | undefined, x: Expansion): void {
  let combos: Record<string, string>[] = [{}];
  const axes: [string, string[]][] = [];
  if (/\{period\}/.test(g.data) || /\{period\}/.test(g.out)) axes.push(['period', periods!]);
  for (const [name, values] of Object.entries(g.vars ?? {})) axes.push([name, (values ?? []).map(String)]);
  for (const [name, values] of axes) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  for (const vars of combos) {
    const data = fill(g.data, vars);
    const out = fill(g.out, vars);
    if (data === undefined || out === undefined) {
      x.diagnostics.push(
        error('batch:variable', 'a pattern uses a variable the manifest does not define', {
          place: x.at(p),
          hint: `variables here: ${['period', ...Object.keys(g.vars ?? {})].map((v) => `{${v}}`).join(', ')}`,
        }),
      );
      return;
    }
    const outFile = path.resolve(x.outDir, out);
    const id = path.relative(x.outDir, outFile);
    const through = id.startsWith('..') || path.isAbsolute(id) ? '' : linkOutside(x.outDir, outFile);
    if (through !== undefined) {
      x.diagnostics.push(
        error('batch:output-outside', `${out} would be written outside the output folder${through}`, {
          place: x.at(`${p}/out`),
          pointer: `${p}/out`,
          hint: through
            ? 'an output folder must not link elsewhere: replace the link with a folder, or choose another --out-dir'
            : 'out patterns are relative to the output folder (--out-dir); remove ../ from them',
        }),
      );
      return;
    }
    if (x.seen.has(id)) {
      x.diagnostics.push(
        error('batch:duplicate-output', `two reports would both write ${id}`, {
          place: x.at(p),
          related: [
            {
              place: { file: path.resolve(x.base, x.seen.get(id)!) },
              message: `the other report's data file`,
            },
          ],
          hint: 'add a variable to the out pattern',
        }),
      );
      return;
    }
    x.seen.set(id, data);
    x.jobs.push({
      id,
      templateDir: path.resolve(x.base, g.template),
      dataFile: path.resolve(x.base, data),
      outFile,
      vars,
    });
  }
}

/**
 * Whether a symbolic link inside the output folder takes `outFile` outside it: ` (through the link <name>)`, or
 * undefined when the file stays inside. The folders that exist are resolved; those still to be made cannot link.
 */
function linkOutside(outDir: string, outFile: string): string | undefined {
  let existing = path.dirname(outFile);
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  // Nothing of the output folder exists yet, or only the folder itself: no link inside it.
  const inside = path.relative(path.resolve(outDir), existing);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  let root: string;
  let real: string;
  try {
    root = existsSync(outDir) ? realpathSync(outDir) : path.resolve(outDir);
    real = realpathSync(existing);
  } catch {
    return undefined;
  }
  const rel = path.relative(root, real);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return undefined;
  const link = path.relative(outDir, existing) || path.basename(existing);
  return ` (through the link ${link})`;
}
