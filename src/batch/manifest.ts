import { readFileSync } from 'node:fs';
import path from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
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

/**
 * Reads a batch manifest and expands it into jobs. Paths in the manifest are relative to it; output patterns
 * are relative to the output folder. Variables: `{period}` (YYYY-MM) and one per key of `vars`.
 */
export function readManifest(
  file: string,
  outDir: string,
  choice: PeriodChoice = {},
): { jobs: Job[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
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
  const at = (pointer: string) => loaded.data.placeOf(pointer);
  const root = loaded.data.value as Record<string, unknown> | null;
  const groups: [Group, string][] = [];
  if (root && Array.isArray(root.reports))
    (root.reports as Group[]).forEach((g, i) => groups.push([g, `/reports/${i}`]));
  else if (root) groups.push([root as unknown as Group, '']);
  const base = path.dirname(file);
  for (const c of [choice.period, choice.from, choice.to])
    if (c !== undefined && !MONTH.test(c))
      return {
        jobs: [],
        diagnostics: [
          error('batch:period', `"${c}" is not a month`, { hint: 'write months as YYYY-MM, e.g. 2025-03' }),
        ],
      };

  const jobs: Job[] = [];
  const seen = new Map<string, string>();
  for (const [g, p] of groups) {
    for (const key of ['template', 'data', 'out'] as const)
      if (typeof g[key] !== 'string' || g[key] === '')
        diagnostics.push(
          error('batch:manifest', `missing "${key}"`, {
            place: at(p),
            pointer: `${p}/${key}`,
            hint: 'a manifest needs template (a pack folder), data and out (path patterns with {period} and other variables)',
          }),
        );
    if (diagnostics.length) continue;
    let periods: string[] | undefined;
    if (choice.period) periods = [choice.period];
    else if (choice.from || choice.to)
      periods = monthsBetween(choice.from ?? choice.to!, choice.to ?? choice.from!);
    else if (Array.isArray(g.periods)) periods = g.periods.map(String);
    else if (g.periods && typeof g.periods === 'object') {
      const { from, to } = g.periods;
      if (!MONTH.test(String(from)) || !MONTH.test(String(to))) {
        diagnostics.push(
          error('batch:period', 'periods need from and to as YYYY-MM', {
            place: at(`${p}/periods`),
            pointer: `${p}/periods`,
          }),
        );
        continue;
      }
      periods = monthsBetween(String(from), String(to));
    }
    const usesPeriod = /\{period\}/.test(g.data) || /\{period\}/.test(g.out);
    if (usesPeriod && !periods) {
      diagnostics.push(
        error('batch:period', 'the patterns use {period} but no period is given', {
          place: at(p),
          hint: 'pass --period YYYY-MM or --from/--to, or add periods: { from: YYYY-MM, to: YYYY-MM } to the manifest',
        }),
      );
      continue;
    }
    // Every combination of the variables' values, period first.
    let combos: Record<string, string>[] = [{}];
    const axes: [string, string[]][] = [];
    if (usesPeriod) axes.push(['period', periods!]);
    for (const [name, values] of Object.entries(g.vars ?? {})) axes.push([name, (values ?? []).map(String)]);
    for (const [name, values] of axes)
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
    for (const vars of combos) {
      const data = fill(g.data, vars);
      const out = fill(g.out, vars);
      if (data === undefined || out === undefined) {
        diagnostics.push(
          error('batch:variable', 'a pattern uses a variable the manifest does not define', {
            place: at(p),
            hint: `variables here: ${['period', ...Object.keys(g.vars ?? {})].map((v) => `{${v}}`).join(', ')}`,
          }),
        );
        break;
      }
      const outFile = path.resolve(outDir, out);
      const id = path.relative(outDir, outFile);
      if (id.startsWith('..') || path.isAbsolute(id)) {
        diagnostics.push(
          error('batch:output-outside', `${out} would be written outside the output folder`, {
            place: at(`${p}/out`),
            pointer: `${p}/out`,
            hint: 'out patterns are relative to the output folder (--out-dir); remove ../ from them',
          }),
        );
        break;
      }
      if (seen.has(id)) {
        diagnostics.push(
          error('batch:duplicate-output', `two reports would both write ${id}`, {
            place: at(p),
            related: [
              { place: { file: path.resolve(base, seen.get(id)!) }, message: `the other report's data file` },
            ],
            hint: 'add a variable to the out pattern',
          }),
        );
        break;
      }
      seen.set(id, data);
      jobs.push({
        id,
        templateDir: path.resolve(base, g.template),
        dataFile: path.resolve(base, data),
        outFile,
        vars,
      });
    }
  }
  return { jobs, diagnostics };
}
