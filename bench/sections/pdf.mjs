// The sample PDF with vector charts and with raster charts: size, pages and build time (no chart cache).
import process from 'node:process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kb, median, now, packWith, round, sampleData, samplePack, tempDir } from '../lib.mjs';

export const VARIANTS = [
  ['none', 'no charts (baseline)', undefined],
  ['svg', 'vector (SVG)', undefined],
  ['png300', 'raster PNG 300 dpi', 'chart: { format: png, dpi: 300 }'],
  ['png600', 'raster PNG 600 dpi', 'chart: { format: png, dpi: 600 }'],
];

/** Builds the sample in one chart format with the chart cache off; memoized, and written to a file. */
export async function samplePdf(ctx, name) {
  return ctx.memo(`pdf:${name}`, async () => {
    const { buildReport } = await import('../../dist/pipeline/pipeline.js');
    const { clearChartMemoryCache } = await import('../../dist/charts/cache.js');
    const extra = VARIANTS.find((v) => v[0] === name)[2];
    const pack = extra ? packWith(extra) : samplePack;
    let dataFile = sampleData;
    if (name === 'none') {
      // The same sample without its figures: what the rest of the document weighs.
      const YAML = (await import('yaml')).default;
      const doc = YAML.parse(readFileSync(sampleData, 'utf8'));
      for (const s of doc.sections) delete s.figures;
      dataFile = path.join(tempDir(), 'no-figures.yaml');
      writeFileSync(dataFile, YAML.stringify(doc));
    }
    const env = process.env.BRIEFING_CACHE_DIR;
    process.env.BRIEFING_CACHE_DIR = 'off';
    try {
      const ms = [];
      const charts = [];
      let result;
      for (let i = 0; i < Math.max(3, Math.ceil(ctx.runs / 2)); i++) {
        clearChartMemoryCache();
        const t = now();
        result = await buildReport({ templateDir: pack, dataFile, write: false });
        ms.push(now() - t);
        charts.push(result.timings.charts);
        if (!result.ok) throw new Error(`bench: the sample did not build (${name})`);
      }
      const file = path.join(tempDir(), `sample-${name}.pdf`);
      writeFileSync(file, result.pdf);
      const pages = (result.pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
      return {
        file,
        bytes: result.pdf.length,
        pages,
        buildMs: median(ms),
        chartsMs: median(charts),
        figures: result.figures ?? [],
      };
    } finally {
      if (env === undefined) delete process.env.BRIEFING_CACHE_DIR;
      else process.env.BRIEFING_CACHE_DIR = env;
    }
  });
}

export default {
  name: 'pdf',
  title: 'the sample PDF with vector and with raster charts',
  async run(ctx) {
    const data = {};
    for (const [name] of VARIANTS) {
      const r = await samplePdf(ctx, name);
      data[name] = {
        bytes: r.bytes,
        pages: r.pages,
        buildMs: round(r.buildMs, 1),
        chartsMs: round(r.chartsMs, 1),
      };
    }
    const base = data.svg.bytes;
    for (const [name] of VARIANTS) data[name].chartBytes = data[name].bytes - data.none.bytes;
    return {
      columns: ['charts', 'PDF KB', 'vs SVG', 'charts KB', 'pages', 'build ms', 'charts stage ms'],
      rows: VARIANTS.map(([name, label]) => [
        label,
        kb(data[name].bytes),
        `${data[name].bytes >= base ? '+' : ''}${round(((data[name].bytes - base) / base) * 100, 0)}%`,
        kb(data[name].chartBytes),
        data[name].pages,
        data[name].buildMs,
        data[name].chartsMs,
      ]),
      notes: [
        `charts KB: PDF size minus the same document without figures`,
        `build: median of ${Math.max(3, Math.ceil(ctx.runs / 2))} whole builds in memory (no write), chart cache off`,
      ],
      data,
    };
  },
};
