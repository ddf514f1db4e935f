// The chart cache: a cold render of the sample's charts, then again from disk (a new run) and from memory.
import process from 'node:process';
import path from 'node:path';
import { median, now, round, sampleFigures, tempDir, samplePack, sampleData } from '../lib.mjs';

export default {
  name: 'cache',
  title: 'the chart cache: cold, from disk (next run), from memory (same process)',
  async run(ctx) {
    const { renderFigures } = await import('../../dist/charts/figures.js');
    const { clearChartMemoryCache } = await import('../../dist/charts/cache.js');
    const { buildReport } = await import('../../dist/pipeline/pipeline.js');
    const { tree, data, theme, fonts, geo } = await sampleFigures();
    const stage = (dir) => renderFigures(tree, data, theme, fonts, geo, { cacheDir: dir });
    const results = { cold: [], disk: [], memory: [] };
    const stats = {};
    for (let i = 0; i < ctx.runs; i++) {
      const dir = tempDir();
      clearChartMemoryCache();
      let t = now();
      stats.cold = (await stage(dir)).stats;
      results.cold.push(now() - t);
      clearChartMemoryCache(); // as if a new process
      t = now();
      stats.disk = (await stage(dir)).stats;
      results.disk.push(now() - t);
      t = now();
      stats.memory = (await stage(dir)).stats;
      results.memory.push(now() - t);
    }
    // Whole builds of the sample: first run with an empty cache, then a rebuild in a new process.
    const env = process.env.BRIEFING_CACHE_DIR;
    const builds = { cold: [], disk: [] };
    try {
      await buildReport({ templateDir: samplePack, dataFile: sampleData, write: false }); // warm-up
      for (let i = 0; i < Math.max(3, Math.ceil(ctx.runs / 2)); i++) {
        process.env.BRIEFING_CACHE_DIR = path.join(tempDir(), 'cache');
        clearChartMemoryCache();
        let t = now();
        await buildReport({ templateDir: samplePack, dataFile: sampleData, write: false });
        builds.cold.push(now() - t);
        clearChartMemoryCache();
        t = now();
        await buildReport({ templateDir: samplePack, dataFile: sampleData, write: false });
        builds.disk.push(now() - t);
      }
    } finally {
      if (env === undefined) delete process.env.BRIEFING_CACHE_DIR;
      else process.env.BRIEFING_CACHE_DIR = env;
    }
    const row = (name, what) => [
      name,
      round(median(results[what]), 1),
      stats[what].rendered,
      stats[what].cached,
    ];
    return {
      columns: ['chart stage', 'ms', 'rendered', 'cached'],
      rows: [
        row('cold (empty cache)', 'cold'),
        row('next run (disk)', 'disk'),
        row('same process (memory)', 'memory'),
        ['whole build, cold', round(median(builds.cold), 1), stats.cold.rendered, 0],
        ['whole build, rebuild', round(median(builds.disk), 1), 0, stats.cold.rendered],
      ],
      notes: [
        `median of ${ctx.runs} (builds: ${builds.cold.length}); a rebuild with unchanged charts renders none`,
      ],
      data: {
        chartStageMs: {
          cold: round(median(results.cold), 2),
          disk: round(median(results.disk), 2),
          memory: round(median(results.memory), 2),
        },
        stats,
        buildMs: { cold: round(median(builds.cold), 1), rebuild: round(median(builds.disk), 1) },
      },
    };
  },
};
