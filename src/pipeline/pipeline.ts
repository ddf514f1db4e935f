import path from 'node:path';
import { DEFAULT_FONTS_CONFIG, defaultOutFile } from '../build/paths.js';
import { BuildFailure, error, hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { findStringPointer, type LoadedData } from '../data/load.js';
import { loadDataFile } from '../data/load-file.js';
import { findTableReferences } from '../tables/find.js';
import { validateData } from '../schema/validate.js';
import { loadPack, type TemplatePack } from '../template/pack.js';
import { renderTemplate } from '../template/render.js';
import { parseMarkup } from '../markup/parse.js';
import { cacheDirFor } from '../build/cache-dir.js';
import { getShaperVersions, saveRecords, useRecordDir } from '../fonts/face-record.js';
import { closeDocStore, openDocStore, type DocStoreUse } from '../build/doc-store.js';
import { familyFor, FontDamaged, loadFontSet, type FontSet } from '../fonts/fonts.js';
import { withPackFonts } from '../fonts/pack-fonts.js';
import { computeGeometry, type Geometry } from '../page/geometry.js';
import type { ChartStats } from '../charts/figures.js';
import type { RenderedChart } from '../charts/family.js';
import { loadImages } from '../images/load.js';
import { typeset, type DocumentMeta } from '../typeset/context.js';
import type { Composition } from '../typeset/model.js';
import { emitPdf } from '../emit/pdf.js';
import { parsePdfStandards } from '../build/standards.js';
import { outputDiagnostic, writeFileAtomic } from '../emit/write.js';
import { BuildLimits, LimitExceeded } from '../build/limits.js';
import type { ReportRequest } from '../build/request.js';
import { plainText, type Block, type DocumentTree, type Figure, type TextBlock } from '../document/types.js';
import { checkThemeFonts, type Theme } from '../theme/theme.js';

/** A report to build (src/build/request.ts) and how: written or only returned, checked only, its chart cache. */
export interface BuildOptions extends ReportRequest {
  /** Write the PDF to `outFile` (default true); false only returns the bytes. */
  write?: boolean;
  /** Creation date for the PDF; default `SOURCE_DATE_EPOCH`, else the document's date. Never the clock. */
  creationDate?: Date;
  /** Stop after typesetting: every check, no PDF (`briefing check`). */
  checkOnly?: boolean;
  /** Chart render cache folder, or false for none on disk; default BRIEFING_CACHE_DIR or ~/.cache/briefing. */
  cacheDir?: string | false;
  /** Told the laid-out document, its markup tree and its data once typesetting is done (the preview's map). */
  onLayout?: (layout: { doc: Composition; tree: DocumentTree; data: LoadedData }) => void;
  /**
   * Keep what this document's typesetting made (its paragraphs' lines, its page layouts) in the cache folder for
   * its next build in a new process (build/doc-store.ts): what `briefing build`, `check` and the preview do, for a
   * document rebuilt after an edit. Default false: a batch's reports are each built once.
   */
  keepDocument?: boolean;
}

/** The outcome of a build: the PDF (when it built) and every diagnostic, warnings included. */
export interface BuildResult {
  ok: boolean;
  outFile: string;
  pdf?: Buffer;
  diagnostics: Diagnostic[];
  /** Milliseconds spent in each stage, in pipeline order. */
  timings: Record<string, number>;
  /** Charts drawn and charts taken from the render cache. */
  charts?: ChartStats;
  /** The table files the data refers to ({ $csv: … }, { $xlsx: … }) that were read, as real paths. */
  tables?: string[];
  /** Where each chart was drawn: its page (1-based) and box in points from the page's top left, in order. */
  figures?: FigureBox[];
  /** With `keepDocument`: the settings and layouts taken from the document's last build, and those new. */
  documentStore?: DocStoreUse;
}

/**
 * Runs the typesetting with the document's store open when the build keeps it (`keepDocument`; build/doc-store.ts),
 * saved when it set the document without an error.
 */
function withDocStore<T extends { diagnostics: Diagnostic[] }>(
  options: BuildOptions,
  cacheDir: string | false,
  run: () => T,
): { result: T; use: DocStoreUse | undefined } {
  if (!options.keepDocument) return { result: run(), use: undefined };
  const files = [options.templateDir, options.dataFile, options.fontsConfig ?? DEFAULT_FONTS_CONFIG];
  openDocStore(cacheDir, files.map((f) => path.resolve(f)).join('\0'), getShaperVersions());
  let result: T | undefined;
  try {
    result = run();
    return { result, use: closeDocStore(!hasErrors(result.diagnostics)) };
  } finally {
    // Stopped by a limit or a bug: nothing is saved.
    if (result === undefined) closeDocStore(false);
  }
}

/** A chart's place in the PDF, as the page builder put it. */
export interface FigureBox {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The boxes of the composition's charts, page by page. */
function figureBoxes(doc: Composition): FigureBox[] {
  return doc.pages.flatMap((p, i) =>
    p.items.flatMap((d) =>
      d.kind === 'chart' ? [{ page: i + 1, x: d.x, y: d.y, width: d.width, height: d.height }] : [],
    ),
  );
}

/**
 * A character no font has usually comes from the data: point at the first data string that contains it, and
 * keep the template location (where it was set) as a related place.
 */
function locateInData(d: Diagnostic, data: LoadedData): Diagnostic {
  if (d.code !== 'font:missing-glyph' || d.actual === undefined) return d;
  const pointer = findStringPointer(data.value, d.actual);
  if (pointer === undefined) return d;
  return {
    ...d,
    place: data.placeOf(pointer),
    pointer,
    ...(d.place
      ? { related: [...(d.related ?? []), { place: d.place, message: 'set by the template here' }] }
      : {}),
  };
}

/** The tables the data refers to, read before the schema check so that it checks their rows too. */
async function readTables(data: LoadedData, pack: TemplatePack, roots: readonly string[] | undefined) {
  // The table readers (exceljs, csv-parse) are loaded only for data that has a table.
  if (findTableReferences(data.value).length === 0) return { data, files: [] as string[], diagnostics: [] };
  const { resolveTables } = await import('../tables/resolve.js');
  return resolveTables(data, { schema: pack.schema?.validate.schema, ...(roots ? { roots } : {}) });
}

/** The charts of a document that has figures; the chart stack (Chart.js, canvas) is loaded only then. */
async function drawCharts(
  tree: DocumentTree,
  data: LoadedData,
  theme: Theme,
  fonts: FontSet,
  geometry: Geometry,
  o: { cacheDir: string | false | undefined; outFile: string; limits: BuildLimits },
) {
  const { renderFigures } = await import('../charts/figures.js');
  return renderFigures(tree, data, theme, fonts, geometry, {
    cacheDir: o.cacheDir ?? cacheDirFor(o.outFile),
    limits: o.limits,
  });
}

/**
 * The standards the PDF declares: the request's (--pdf-standard), else the theme's (checked with the theme); a
 * request that names none Briefing knows stops the build.
 */
function standardsOf(given: string, diagnostics: Diagnostic[]) {
  const standards = parsePdfStandards(given);
  if (typeof standards === 'string')
    throw new BuildFailure([
      ...diagnostics,
      error('build:pdf-standard', `${standards} (--pdf-standard)`, {
        hint: 'give ua1,a2u (the default), ua1, a2u, a2b, ua1,a2b or none',
      }),
    ]);
  return standards;
}

/** Whether any block, at any depth, is a figure. */
function hasFigures(blocks: readonly Block[]): boolean {
  return blocks.some(
    (b) => b.type === 'figure' || ((b.type === 'section' || b.type === 'columns') && hasFigures(b.children)),
  );
}

/** The document's title, dates and keywords: the markup's, the headline for a title it does not give. */
function metaOf(tree: DocumentTree, creationDate: Date | undefined): DocumentMeta {
  return {
    title:
      tree.meta.title ??
      plainText(tree.children.find((b): b is TextBlock => b.type === 'headline')?.children ?? []),
    creationDate: creationDateFor(tree, creationDate),
    ...(tree.meta.author ? { author: tree.meta.author } : {}),
    ...(tree.meta.subject ? { subject: tree.meta.subject } : {}),
    ...(tree.meta.keywords ? { keywords: tree.meta.keywords } : {}),
    ...(tree.meta.running ? { running: tree.meta.running } : {}),
  };
}

/** Writes the PDF atomically; a file-system failure is a diagnostic naming the path (a bug is thrown on). */
async function write(outFile: string, pdf: Buffer, diagnostics: Diagnostic[]): Promise<void> {
  try {
    await writeFileAtomic(outFile, pdf);
  } catch (e) {
    const d = outputDiagnostic(outFile, e);
    if (!d) throw e;
    throw new BuildFailure([...diagnostics, d]);
  }
}

/** The theme's page cannot hold a column of its body size within its margins. */
function pageTooSmall(pack: TemplatePack): Diagnostic {
  return error('theme:page', 'the page is too small for the body size and margins', {
    place: pack.themePlace?.('/page') ?? { file: pack.themeFile },
    pointer: '/page',
    hint: 'use a larger page, smaller margins or a smaller body size',
  });
}

function creationDateFor(tree: DocumentTree, given: Date | undefined): Date {
  if (given) return given;
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  if (tree.meta.date) return new Date(`${tree.meta.date}T00:00:00Z`);
  return new Date(0);
}

const LIMIT_OPTION = {
  'limit:pages': '--max-pages',
  'limit:time': '--time-limit',
  'limit:memory': '--memory-limit',
} as const;

/** A limit's stop as a diagnostic, at the data file (what usually runs away), with the option that raises it. */
function limitDiagnostic(e: LimitExceeded, dataFile: string): Diagnostic {
  return error(e.code, e.message, {
    place: { file: path.resolve(dataFile) },
    hint: `check the data for runaway content, or raise the limit (${LIMIT_OPTION[e.code]})`,
  });
}

/**
 * The diagnostic of a build stopped midway: a runaway document, stopped by a limit in whichever stage it was
 * (typeset, page make-up, drawing), or a font file damaged past what its load checked; undefined for a bug.
 */
function stoppedBy(e: unknown, dataFile: string): Diagnostic | undefined {
  if (e instanceof LimitExceeded) return limitDiagnostic(e, dataFile);
  if (e instanceof FontDamaged)
    return error('font:unreadable', e.message, {
      place: { file: e.file },
      hint: 'replace the file with a good copy (reinstall its package, or download it again)',
    });
  return undefined;
}

/** The theme with its charts drawn in the document language's family (fonts.yaml `languages:`): Noto Sans TC for zh-Hant. */
function chartTheme(theme: Theme, fonts: FontSet, lang: string | undefined): Theme {
  const font = familyFor(fonts, theme.chart.font, lang);
  return font === theme.chart.font ? theme : { ...theme, chart: { ...theme.chart, font } };
}

/**
 * The pipeline, in order: template pack and fonts → data → tables → schema → Handlebars → markup → charts →
 * typeset → PDF → atomic write. Each stage collects all its diagnostics; the build stops between stages on errors.
 */
export async function buildReport(options: BuildOptions): Promise<BuildResult> {
  const outFile = path.resolve(options.outFile ?? defaultOutFile(options.dataFile));
  const diagnostics: Diagnostic[] = [];
  const timings: Record<string, number> = {};
  const started = performance.now();
  const limits = new BuildLimits(options.maxPages, options.timeLimitMs, started, options.maxMemoryMb);
  let t = started;
  const stage = <T>(name: string, result: T & { diagnostics: Diagnostic[] }): T => {
    const now = performance.now();
    timings[name] = Math.round((now - t) * 10) / 10;
    t = now;
    diagnostics.push(...result.diagnostics);
    return result;
  };
  let chartStats: ChartStats | undefined;
  let tables: string[] = [];
  const stop = () => {
    if (hasErrors(diagnostics)) throw new BuildFailure(diagnostics);
  };

  const cacheDir = options.cacheDir ?? cacheDirFor(outFile);
  // Text is measured and drawn from the faces' records in this cache (fonts/face-record.ts).
  useRecordDir(cacheDir);
  try {
    const { pack } = stage('pack', loadPack(options.templateDir, cacheDir));
    // Briefing's fonts (or --fonts), and the pack's own (its fonts/ folder).
    const { fonts } = stage(
      'fonts',
      withPackFonts(loadFontSet(options.fontsConfig ?? DEFAULT_FONTS_CONFIG), pack?.dir),
    );
    if (pack && fonts)
      stage('theme', {
        diagnostics: checkThemeFonts(pack.theme, [...fonts.families.keys()], pack.themePlace, pack.themeFile),
      });
    // The page is known from the theme alone: its faults come with the theme's others, before the data's.
    const geometry = pack ? computeGeometry(pack.theme) : undefined;
    if (pack && !geometry) diagnostics.push(pageTooSmall(pack));
    const loaded = await loadDataFile(path.resolve(options.dataFile), options.maxDataMb);
    stage('data', loaded.ok ? { diagnostics: [] } : loaded);
    stop();
    if (!pack || !fonts || !loaded.ok || !geometry) throw new BuildFailure(diagnostics);
    // Tables the data refers to, read before the schema check so that it checks their rows too.
    const resolved = await readTables(loaded.data, pack, options.readRoots);
    tables = resolved.files;
    stage('tables', resolved);
    stop();
    const data = resolved.data!;

    const standards = standardsOf(options.pdfStandard ?? pack.theme.pdf.standard, diagnostics);
    stage('schema', { diagnostics: pack.schema ? validateData(pack.schema, data) : [] });
    stop();
    const { markup } = stage('template', renderTemplate(pack, data, cacheDir));
    stop();
    const { tree } = stage('markup', parseMarkup(markup!));
    stop();
    const theme = chartTheme(pack.theme, fonts, tree!.lang);
    // The pack's image files, checked and read; their faults are reported with the charts'.
    const { images } = stage('images', loadImages(tree!.children, pack.dir));
    const drawn = hasFigures(tree!.children)
      ? stage(
          'charts',
          await drawCharts(tree!, data, theme, fonts, geometry, {
            cacheDir: options.cacheDir,
            outFile,
            limits,
          }),
        )
      : undefined;
    const charts = drawn?.charts ?? new Map<Figure, RenderedChart>();
    chartStats = drawn?.stats;
    stop();
    const meta = metaOf(tree!, options.creationDate);
    const kept = withDocStore(options, cacheDir, () =>
      typeset(tree!, theme, fonts, charts, meta, limits, images),
    );
    const typesetResult = kept.result;
    const { doc } = stage('typeset', {
      ...typesetResult,
      diagnostics: typesetResult.diagnostics.map((d) => locateInData(d, data)),
    });
    if (options.strict)
      diagnostics.forEach((d, i) => {
        if (d.severity === 'warning') diagnostics[i] = { ...d, severity: 'error' };
      });
    stop();
    options.onLayout?.({ doc: doc!, tree: tree!, data });
    if (options.checkOnly) {
      saveRecords();
      return {
        ok: true,
        outFile,
        diagnostics,
        timings,
        tables,
        ...(chartStats ? { charts: chartStats } : {}),
        ...(kept.use ? { documentStore: kept.use } : {}),
      };
    }
    const pdf = await emitPdf(doc!, fonts, limits, standards, cacheDir);
    stage('pdf', { diagnostics: [] });
    if (options.write !== false) {
      await write(outFile, pdf, diagnostics);
      stage('write', { diagnostics: [] });
    }
    saveRecords();
    return {
      ok: true,
      outFile,
      pdf,
      diagnostics,
      timings,
      tables,
      figures: figureBoxes(doc!),
      ...(chartStats ? { charts: chartStats } : {}),
      ...(kept.use ? { documentStore: kept.use } : {}),
    };
  } catch (e) {
    if (e instanceof BuildFailure)
      return { ok: false, outFile, diagnostics: [...e.diagnostics], timings, tables };
    const stopped = stoppedBy(e, options.dataFile);
    if (stopped) return { ok: false, outFile, diagnostics: [...diagnostics, stopped], timings, tables };
    throw e;
  }
}
