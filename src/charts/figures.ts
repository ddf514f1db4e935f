import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedData } from '../data/load.js';
import type { Block, DocumentTree, Figure } from '../document/types.js';
import type { FontSet } from '../fonts/fonts.js';
import type { Theme } from '../theme/theme.js';
import { columnWidthOf, type Geometry } from '../typeset/geometry.js';
import { readChartSpec, renderChart, type RenderedChart } from './render.js';

/**
 * Renders every <figure> in the tree at the width it will be set in (its column, or the type area) and a
 * height of whole body lines. Bad chart data gives diagnostics; the other figures still render.
 */
export function renderFigures(
  tree: DocumentTree,
  data: LoadedData,
  theme: Theme,
  fonts: FontSet,
  geo: Geometry,
): { charts: Map<Figure, RenderedChart>; diagnostics: Diagnostic[] } {
  const charts = new Map<Figure, RenderedChart>();
  const diagnostics: Diagnostic[] = [];
  const walk = (blocks: readonly Block[], width: number) => {
    for (const b of blocks) {
      if (b.type === 'columns') walk(b.children, columnWidthOf(geo, theme.body.gutter, b.count));
      else if (b.type === 'section') walk(b.children, width);
      else if (b.type === 'figure') {
        const { spec, diagnostics: d } = readChartSpec(data, b.data, b.place);
        diagnostics.push(...d);
        if (!spec) continue;
        const height = (b.lines ?? theme.chart.heightLines) * geo.pitch;
        charts.set(b, {
          pointer: b.data,
          spec,
          svg: renderChart(spec, width, height, fonts, theme),
          width,
          height,
        });
      }
    }
  };
  walk(tree.children, geo.textWidth);
  return { charts, diagnostics };
}
