// Briefing's benchmark: `npm run bench` prints tables, `npm run bench -- --json` one JSON object.
// Options: --only charts,pdf (sections by name), --runs N (timed runs per measurement; default 7).
// A section is a module in ./sections exporting { name, title, run(ctx) } where run returns
// { columns, rows, notes?, data }: `rows` for the table, `data` for JSON. Add a section by listing it below.
import process from 'node:process';
import { removeTemps, table } from './lib.mjs';
import charts from './sections/charts.mjs';
import cache from './sections/cache.mjs';
import pdf from './sections/pdf.mjs';
import quality from './sections/quality.mjs';
import build from './sections/build.mjs';
import peers from './sections/peers.mjs';
import preview from './sections/preview.mjs';

const SECTIONS = [build, peers, charts, cache, pdf, quality, preview];

function parseArgs(argv) {
  const opts = { json: false, only: undefined, runs: 7 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--only') opts.only = argv[++i]?.split(',');
    else if (a.startsWith('--only=')) opts.only = a.slice(7).split(',');
    else if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a.startsWith('--runs=')) opts.runs = Number(a.slice(7));
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        `usage: npm run bench -- [--json] [--only ${SECTIONS.map((s) => s.name).join(',')}] [--runs N]\n`,
      );
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown option ${a}\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) {
    process.stderr.write('bench: --runs needs a whole number ≥ 1\n');
    process.exit(2);
  }
  const unknown = (opts.only ?? []).filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length) {
    process.stderr.write(
      `bench: unknown section ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
// Sections share what they build (e.g. the sample PDFs) through ctx.memo.
const memoStore = new Map();
const ctx = {
  runs: opts.runs,
  log: (msg) => process.stderr.write(`  ${msg}\n`),
  memo: async (key, make) => {
    if (!memoStore.has(key)) memoStore.set(key, await make());
    return memoStore.get(key);
  },
};
const out = {
  node: process.versions.node,
  platform: `${process.platform}-${process.arch}`,
  runs: opts.runs,
  sections: {},
};
try {
  for (const section of SECTIONS) {
    if (opts.only && !opts.only.includes(section.name)) continue;
    if (!opts.json) process.stderr.write(`${section.name}: ${section.title} …\n`);
    const r = await section.run(ctx);
    out.sections[section.name] = r.data;
    if (!opts.json) {
      process.stdout.write(`\n## ${section.name}: ${section.title}\n\n${table(r.columns, r.rows)}\n`);
      for (const n of r.notes ?? []) process.stdout.write(`${n}\n`);
    }
  }
} finally {
  removeTemps();
}
// Issue 6's headline numbers at the top level of the JSON object.
const HEADLINE = [
  'coldMs',
  'helpMs',
  'warmMs',
  'perPageMs',
  'batchPerSec',
  'batchPerSec1',
  'batchNewMonthPerSec',
  'pdfBytes',
  'peakRssMb',
];
if (out.sections.build) for (const key of HEADLINE) out[key] = out.sections.build[key];
if (opts.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
