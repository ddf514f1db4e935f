import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempTree } from './tmp.js';

/** A small template pack for batch and queue tests: a headline and a section of paragraphs. */
export const MONTHLY_PACK = {
  'pack/template.hbs':
    '<briefing date="{{date}}"><headline>{{unit}} {{period}}</headline><body columns="2"><section><heading>概况</heading>{{#each paras}}<p>{{this}}</p>{{/each}}</section></body></briefing>',
  'pack/schema.json': JSON.stringify({
    type: 'object',
    required: ['unit', 'period', 'date', 'paras'],
    properties: {
      unit: { type: 'string' },
      period: { type: 'string' },
      date: { type: 'string', format: 'date' },
      paras: { type: 'array', items: { type: 'string' } },
    },
  }),
};

export interface MonthlyDataOptions {
  /** Paragraphs in the report: more make a build take longer. Default 1. */
  paras?: number;
  /** The `date` field (line 3 of the file), e.g. a wrong one. Default the 28th of the period. */
  date?: string;
  /** The paragraph text instead of the default one. */
  para?: string;
}

/** One data file (YAML) for MONTHLY_PACK. */
export function monthlyData(unit: string, period: string, options: MonthlyDataOptions = {}): string {
  const { paras = 1, date = `${period}-28` } = options;
  const para =
    options.para ??
    `${unit}${period}月度数据：营业收入增长3.5%，完成目标的102%；新签合同额同比增长12.4%，重点项目按期推进。`;
  return `unit: ${unit}\nperiod: '${period}'\ndate: '${date}'\nparas:\n${Array.from({ length: paras }, () => `  - ${para}`).join('\n')}\n`;
}

/** A temporary folder with MONTHLY_PACK, a data file per unit and month, and a manifest `batch.yaml`. */
export function monthlyTree(units: string[], periods: string[], paras = 1): string {
  const files: Record<string, string> = { ...MONTHLY_PACK };
  for (const u of units) for (const p of periods) files[`data/${u}/${p}.yaml`] = monthlyData(u, p, { paras });
  files['batch.yaml'] =
    `template: pack\ndata: 'data/{unit}/{period}.yaml'\nout: '{unit}/{period}.pdf'\nperiods: { from: '${periods[0]}', to: '${periods.at(-1)}' }\nvars:\n  unit: [${units.join(', ')}]\n`;
  return tempTree(files);
}

/**
 * The real monthly report (templates/monthly-report) of zhuhui, March 2025, built in this process from a copy of
 * its data changed by `edit` (the workbook it names beside it); the PDF's bytes. No disk cache.
 */
export async function buildMonthlyReport(edit: (yaml: string) => string = (y) => y): Promise<Buffer> {
  // Loaded here: the batch and queue tests that take only the pack above need none of the pipeline.
  const { buildReport } = await import('../../src/pipeline/pipeline.js');
  const root = path.resolve(import.meta.dirname, '..', '..');
  const data = path.join(root, 'data/monthly/zhuhui');
  const dir = tempTree({
    'd.yaml': edit(readFileSync(path.join(data, '2025-03.yaml'), 'utf8')),
    'departments-2025.xlsx': readFileSync(path.join(data, 'departments-2025.xlsx')),
  });
  const r = await buildReport({
    templateDir: path.join(root, 'templates/monthly-report'),
    dataFile: path.join(dir, 'd.yaml'),
    write: false,
    cacheDir: false,
  });
  if (!r.pdf)
    throw new Error(`the monthly report did not build: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.pdf;
}
