// Render time of each chart of the sample, vector and raster, with no cache: what a cold build pays.
import { Buffer } from 'node:buffer';
import { kb, round, sampleFigures, time } from '../lib.mjs';

export default {
  name: 'charts',
  title: 'render time per chart of the sample (median, no cache)',
  async run(ctx) {
    const { renderChart } = await import('../../dist/charts/render.js');
    const { figures, fonts, theme } = await sampleFigures();
    const formats = [
      ['svg', { format: 'svg', dpi: 300 }],
      ['png300', { format: 'png', dpi: 300 }],
      ['png600', { format: 'png', dpi: 600 }],
    ];
    const data = [];
    for (const f of figures) {
      const row = { figure: `图${f.no}`, type: f.spec.type, width: round(f.width), height: round(f.height) };
      for (const [name, settings] of formats) {
        const t = await time(() => renderChart(f.spec, f.width, f.height, fonts, theme, settings), ctx.runs);
        row[`${name}Ms`] = round(t.median, 2);
        // A vector chart's size: its recorded drawing and words as the chart cache keeps them.
        row[`${name}Bytes`] =
          t.result.format === 'png'
            ? t.result.png.length
            : Buffer.byteLength(JSON.stringify({ drawing: t.result.drawing, texts: t.result.texts }));
      }
      data.push(row);
    }
    const sum = (k) => data.reduce((s, r) => s + r[k], 0);
    const columns = [
      'figure',
      'type',
      'size pt',
      'vector ms',
      'png300 ms',
      'png600 ms',
      'vector KB',
      'png300 KB',
      'png600 KB',
    ];
    const rows = data.map((r) => [
      r.figure,
      r.type,
      `${r.width}×${r.height}`,
      r.svgMs,
      r.png300Ms,
      r.png600Ms,
      kb(r.svgBytes),
      kb(r.png300Bytes),
      kb(r.png600Bytes),
    ]);
    rows.push([
      'all',
      '',
      '',
      round(sum('svgMs'), 1),
      round(sum('png300Ms'), 1),
      round(sum('png600Ms'), 1),
      kb(sum('svgBytes')),
      kb(sum('png300Bytes')),
      kb(sum('png600Bytes')),
    ]);
    return {
      columns,
      rows,
      notes: [
        `median of ${ctx.runs} renders after one warm-up; ms per chart; vector KB: the recorded drawing and words (svg* in the JSON)`,
      ],
      data: {
        perChart: data,
        total: {
          svgMs: round(sum('svgMs'), 1),
          png300Ms: round(sum('png300Ms'), 1),
          png600Ms: round(sum('png600Ms'), 1),
        },
      },
    };
  },
};
