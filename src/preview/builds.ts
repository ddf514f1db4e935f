import type http from 'node:http';
import path from 'node:path';
import { cacheDirFor } from '../build/cache-dir.js';
import { pruneIfDue } from '../build/cache-prune.js';
import { buildReport } from '../pipeline/pipeline.js';
import { diagnosticToJson, formatDiagnostic } from '../diagnostics/format.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sourceBoxes, type SourceBox } from './sources.js';

/** What to preview: the same inputs as `briefing build`. */
export interface PreviewOptions {
  templateDir: string;
  dataFile: string;
  fontsConfig?: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /**
   * The link a place opens in the editor: a URL with `{path}`, `{line}` and `{column}`; `none` for no links.
   * Default VS Code's, `vscode://file{path}:{line}:{column}`.
   */
  editor?: string;
  /** Milliseconds to wait after the last change before rebuilding (default 20: a save's events come together). */
  debounceMs?: number;
  log?: (line: string) => void;
}

/** A diagnostic as the page lists it: the CLI's text, the JSON object, and the absolute path for editor links. */
export interface DiagnosticEntry {
  text: string;
  json: Record<string, unknown>;
  path?: string;
}

/** The state the page shows: the last good PDF's version, and the last build's outcome. */
export interface BuildState {
  version: number;
  ok: boolean;
  building: boolean;
  pages: number;
  ms: number;
  diagnostics: DiagnosticEntry[];
  /** The editor link's pattern (PreviewOptions.editor), '' for none. */
  editor: string;
}

export const VSCODE_LINK = 'vscode://file{path}:{line}:{column}';

export function diagnosticEntry(d: Diagnostic): DiagnosticEntry {
  return {
    text: formatDiagnostic(d),
    json: diagnosticToJson(d),
    ...(d.place ? { path: path.resolve(d.place.file) } : {}),
  };
}

/**
 * The preview's builds: one at a time, a change during a build queues one more; the last good PDF (and the map of
 * its page elements to their sources) is kept and every outcome is sent to the pages listening on /events.
 */
export class Builds {
  pdf: Buffer | undefined;
  /** The last good PDF's page elements with their template and data places (JSON, for /sources.json). */
  sources = '{"version":0,"boxes":[]}';
  readonly state: BuildState;
  readonly clients = new Set<http.ServerResponse>();
  running: Promise<void> | undefined;
  private again = false;
  /** Told the tables each build read (the watcher follows them before the build is done). */
  onTables: (files: readonly string[]) => Promise<void> | void = () => undefined;

  constructor(
    private readonly options: PreviewOptions,
    private readonly fontsConfig: string,
    private readonly log: (line: string) => void,
  ) {
    const editor = options.editor ?? VSCODE_LINK;
    this.state = { version: 0, ok: false, building: false, pages: 0, ms: 0, diagnostics: [], editor };
    if (editor === 'none') this.state.editor = '';
  }

  /** Builds now, or once more after the build in progress. */
  rebuild(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.buildOnce();
      } while (this.again);
      this.running = undefined;
    })();
    return this.running;
  }

  /** Sends the state to every listening page. */
  broadcast(): void {
    const data = `data: ${JSON.stringify(this.state)}\n\n`;
    for (const c of this.clients) c.write(data);
  }

  /** Whether no build has run yet in this preview. */
  private firstBuild = true;

  private async buildOnce(): Promise<void> {
    const state = this.state;
    state.building = true;
    this.broadcast();
    const started = performance.now();
    let layout: { sources: SourceBox[]; pages: number } | undefined;
    try {
      const r = await buildReport({
        templateDir: this.options.templateDir,
        dataFile: this.options.dataFile,
        fontsConfig: this.fontsConfig,
        write: false,
        // The first build takes what the document's last build kept on disk (and keeps this one's); later ones
        // have it in memory, and would only spend time writing it after each edit.
        keepDocument: this.firstBuild,
        onLayout: (l) => (layout = { sources: sourceBoxes(l), pages: l.doc.pages.length }),
      });
      state.ok = r.ok;
      await this.onTables(r.tables ?? []);
      state.diagnostics = r.diagnostics.map(diagnosticEntry);
      if (r.ok && r.pdf) {
        this.pdf = r.pdf;
        state.version++;
        this.sources = JSON.stringify({ version: state.version, boxes: layout?.sources ?? [] });
        state.pages = layout?.pages ?? 0;
      }
    } catch (e) {
      state.ok = false;
      state.diagnostics = [
        {
          text: `internal error: ${(e as Error).message}`,
          json: { severity: 'error', code: 'internal', message: (e as Error).message },
        },
      ];
    }
    state.ms = Math.round(performance.now() - started);
    state.building = false;
    this.firstBuild = false;
    this.log(
      state.ok
        ? `built v${state.version} in ${state.ms} ms`
        : `build failed: ${state.diagnostics[0]?.text ?? ''}`,
    );
    this.broadcast();
    // A preview may run for days: its builds keep the cache folder to its limit, as the one-shot commands do.
    pruneIfDue(cacheDirFor());
  }
}
