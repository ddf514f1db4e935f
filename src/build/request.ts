/**
 * What to build, as every way into Briefing asks for it — `briefing build`, the library's `buildReport`, a report
 * of a batch handed to a worker process, a build job on the queue: a template pack over a data file, into a PDF,
 * with the fonts, the strictness and the limits to build it with. Paths are as the caller gives them (the CLI and
 * library resolve them against the working folder; batch and queue jobs carry absolute paths).
 */
export interface ReportRequest {
  /** The template pack folder (holds template.hbs). */
  templateDir: string;
  /** The data file (.yaml, .yml or .json). */
  dataFile: string;
  /** The output PDF; for `buildReport`, default `out/<data-name>.pdf` under the working folder. */
  outFile?: string;
  /** Font configuration; default Briefing's own `fonts/fonts.yaml`. */
  fontsConfig?: string;
  /** Treat warnings (a character no font has, a layout that could not be fitted) as errors: nothing is written. */
  strict?: boolean;
  /** Stop (with a diagnostic) past this many pages; default 1000. */
  maxPages?: number;
  /** Stop (with a diagnostic) after this long; default 120 s. */
  timeLimitMs?: number;
  /** Stop (with a diagnostic) when the build process uses more memory (resident, MB); default 4096. */
  maxMemoryMb?: number;
  /** Refuse a data file larger than this (MB); default 32. */
  maxDataMb?: number;
  /**
   * Folders (real paths) the tables a data file refers to must be inside, besides the data file's own folder:
   * a queue worker's read roots (src/queue/confine.ts).
   */
  readRoots?: readonly string[];
  /**
   * The standards the PDF declares (`ua1,a2u`, `ua1`, `a2b`, `none` …: build/standards.ts); default the theme's
   * `pdf.standard`. The PDF is tagged whatever this says.
   */
  pdfStandard?: string;
}
