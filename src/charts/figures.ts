import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedData } from '../data/load.js';
import type { Block, DocumentTree, Figure } from '../document/types.js';
import type { FontSet } from '../fonts/fonts.js';
import type { Theme } from '../theme/theme.js';
import { figureSlot, type Geometry } from '../page/geometry.js';
import { LimitExceeded, type BuildLimits } from '../build/limits.js';
import {
  chartCacheKey,
  defaultCacheDir,
  fromDisk,
  fromMemory,
  themeFingerprint,
  toDisk,
  toMemory,
} from './cache.js';
import { chartFamily, type ChartImage, type RenderSettings, type RenderedChart } from './family.js';
import { readChartSpec, templateLocation, type ChartSpec } from './spec.js';

/**
 * Characters of a chart's text that its font lacks. Canvas would draw them from whatever system font has
 * them (wrong forms) or as empty boxes (tofu), so each is a warning at the data value that holds it.
 */
function missingGlyphs(
  spec: ChartSpec,
  pointer: string,
  fonts: FontSet,
  theme: Theme,
  data: LoadedData,
): Diagnostic[] {
  const fam = chartFamily(fonts, theme);
  const out: Diagnostic[] = [];
  const texts: [string, string][] = [
    ...spec.labels.map((l, i): [string, string] => [l, `${pointer}/labels/${i}`]),
    ...spec.series.map((s, i): [string, string] => [s.name, `${pointer}/series/${i}/name`]),
  ];
  for (const [text, p] of texts) {
    const lacking = [...new Set([...text])].filter(
      (ch) => !/\s/.test(ch) && !(fam.regular.has(ch.codePointAt(0)!) && fam.bold.has(ch.codePointAt(0)!)),
    );
    if (!lacking.length) continue;
    out.push(
      warning(
        'chart:missing-glyph',
        `the chart font (${fam.name}) has no ${lacking
          .map((ch) => `"${ch}" (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`)
          .join(', ')}: the chart shows an empty box`,
        {
          place: data.placeOf(p),
          pointer: p,
          hint: 'use another character, or a chart font that has it (theme chart.font, fonts/fonts.yaml)',
        },
      ),
    );
  }
  return out;
}

/** How renderFigures renders and caches; every field has a default. */
export interface FigureOptions {
  /** Disk cache folder (charts go in `<dir>/charts/`); false for none. Default: see defaultCacheDir(). */
  cacheDir?: string | false;
  /** Reuse renders kept in memory by earlier builds in this process (default true). */
  memoryCache?: boolean;
  /** Output format and PNG resolution; default the theme's `chart.format` and `chart.dpi`. */
  format?: RenderSettings['format'];
  dpi?: number;
  /** The build's limits: checked before each chart, and the figures' least page count against the page limit. */
  limits?: BuildLimits;
}

/** What the chart stage did, for `--verbose` and the benchmark. `rendered + cached` = charts made. */
export interface ChartStats {
  /** Figures in the document (with good data). */
  figures: number;
  /** Charts drawn by Chart.js in this call. */
  rendered: number;
  /** Charts taken from a cache: `fromMemory + fromDisk`. */
  cached: number;
  fromMemory: number;
  fromDisk: number;
  /** Milliseconds spent drawing (cache hits excluded). */
  renderMs: number;
}

/**
 * Renders every <figure> in the tree at the width it will be set in (its column, or the type area) and a
 * height of whole body lines, from the cache where it can. Bad chart data gives diagnostics with the data
 * path and the template line; the other figures still render. Never throws for bad data.
 */
export async function renderFigures(
  tree: DocumentTree,
  data: LoadedData,
  theme: Theme,
  fonts: FontSet,
  geo: Geometry,
  options: FigureOptions = {},
): Promise<{ charts: Map<Figure, RenderedChart>; diagnostics: Diagnostic[]; stats: ChartStats }> {
  const charts = new Map<Figure, RenderedChart>();
  const diagnostics: Diagnostic[] = [];
  const stats: ChartStats = { figures: 0, rendered: 0, cached: 0, fromMemory: 0, fromDisk: 0, renderMs: 0 };
  const settings: RenderSettings = {
    format: options.format ?? theme.chart.format,
    dpi: options.dpi ?? theme.chart.dpi,
  };
  const dir = options.cacheDir ?? defaultCacheDir();
  const memory = options.memoryCache ?? true;
  let fingerprint: string | undefined;

  // Chart.js (and canvas, a native module, for a PNG chart) is loaded on the first chart not in a cache.
  let render: typeof import('./render.js') | undefined;
  const make = async (b: Figure, columns: number | undefined): Promise<void> => {
    options.limits?.checkTime();
    const { spec, diagnostics: d } = readChartSpec(data, b.data, b.place);
    diagnostics.push(...d);
    if (!spec) return;
    diagnostics.push(...missingGlyphs(spec, b.data, fonts, theme, data));
    stats.figures++;
    const { width, height } = figureSlot(b, columns, theme, geo);
    fingerprint ??= themeFingerprint(theme, fonts);
    const key = chartCacheKey(spec, width, height, settings, fingerprint);
    let image: ChartImage | undefined = memory ? fromMemory(key) : undefined;
    if (image) stats.fromMemory++;
    else if (dir && (image = fromDisk(dir, key, settings, width, height))) stats.fromDisk++;
    if (!image) {
      render ??= await import('./render.js');
      const t = performance.now();
      try {
        image = render.renderChart(spec, width, height, fonts, theme, settings);
      } catch (e) {
        const where = templateLocation(b.place);
        diagnostics.push(
          error('chart:render', `the chart could not be drawn: ${(e as Error).message}`, {
            place: b.place ?? { file: data.file },
            pointer: b.data,
            hint: `check the figure's data${where ? ` and the <figure> at ${where}` : ''}`,
          }),
        );
        return;
      }
      stats.renderMs += performance.now() - t;
      stats.rendered++;
      if (dir) toDisk(dir, key, image);
    }
    if (memory) toMemory(key, image);
    charts.set(b, { ...image, pointer: b.data, spec, width, height });
  };

  // A figure is drawn at the size typeset gives it: across the type area, or in a column of <columns>.
  const figures: [Figure, number | undefined][] = [];
  const walk = (blocks: readonly Block[], columns: number | undefined) => {
    for (const b of blocks) {
      if (b.type === 'columns') walk(b.children, b.count ?? geo.columns);
      else if (b.type === 'section') walk(b.children, columns);
      else if (b.type === 'figure') figures.push([b, columns]);
    }
  };
  walk(tree.children, undefined);
  if (options.limits) checkFigurePages(figures, theme, geo, options.limits);
  for (const [b, columns] of figures) await make(b, columns);
  stats.cached = stats.fromMemory + stats.fromDisk;
  stats.renderMs = Math.round(stats.renderMs * 10) / 10;
  return { charts, diagnostics, stats };
}

/**
 * Stops before drawing any chart when the figures alone cannot fit in the page limit: each takes at least its
 * slot's lines of its column, or of the page when it spans it (text ignored).
 */
function checkFigurePages(
  figures: readonly [Figure, number | undefined][],
  theme: Theme,
  geo: Geometry,
  limits: BuildLimits,
): void {
  let pages = 0;
  for (const [b, columns] of figures) {
    const slot = figureSlot(b, columns, theme, geo);
    // A figure across the type area takes its lines of the page; one in a column, of that column only.
    const share = columns === undefined || slot.spansPage ? 1 : Math.max(1, columns);
    pages += slot.height / geo.pitch / (geo.slots * share);
  }
  const least = Math.ceil(pages - 1e-9);
  if (least > limits.maxPages)
    throw new LimitExceeded(
      'limit:pages',
      `the document's ${figures.length} figures alone need at least ${least} pages, more than the limit of ${limits.maxPages}`,
    );
}
