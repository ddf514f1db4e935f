import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { buildReport } from '../pipeline/pipeline.js';
import { DEFAULT_FONTS_CONFIG } from '../build/paths.js';
import { diagnosticToJson, formatDiagnostic } from '../diagnostics/format.js';
import { BuildFailure, error } from '../diagnostics/diagnostic.js';
import { PREVIEW_PAGE } from './page.js';

/** What to preview: the same inputs as `briefing build`. */
export interface PreviewOptions {
  templateDir: string;
  dataFile: string;
  fontsConfig?: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Milliseconds to wait after the last change before rebuilding. */
  debounceMs?: number;
  log?: (line: string) => void;
}

/** The state the page shows: the last good PDF's version, and the last build's outcome. */
interface BuildState {
  version: number;
  ok: boolean;
  building: boolean;
  pages: number;
  ms: number;
  diagnostics: { text: string; json: Record<string, unknown> }[];
}

/** A running preview: its address and a way to stop it. */
export interface Preview {
  url: string;
  close(): Promise<void>;
  /** Resolves after the build in progress (if any) and any queued rebuild have finished. */
  idle(): Promise<void>;
}

const require = createRequire(import.meta.url);

function pdfjsFile(name: string): string {
  return path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'build', name);
}

/**
 * The preview's builds: one at a time, a change during a build queues one more; the last good PDF is kept and
 * every outcome is sent to the pages listening on /events.
 */
class Builds {
  pdf: Buffer | undefined;
  readonly state: BuildState = { version: 0, ok: false, building: false, pages: 0, ms: 0, diagnostics: [] };
  readonly clients = new Set<http.ServerResponse>();
  running: Promise<void> | undefined;
  private again = false;
  /** Told the tables each build read (the watcher follows them before the build is done). */
  onTables: (files: readonly string[]) => Promise<void> | void = () => undefined;

  constructor(
    private readonly options: PreviewOptions,
    private readonly fontsConfig: string,
    private readonly log: (line: string) => void,
  ) {}

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

  private async buildOnce(): Promise<void> {
    const state = this.state;
    state.building = true;
    this.broadcast();
    const started = performance.now();
    try {
      const r = await buildReport({
        templateDir: this.options.templateDir,
        dataFile: this.options.dataFile,
        fontsConfig: this.fontsConfig,
        write: false,
      });
      state.ok = r.ok;
      await this.onTables(r.tables ?? []);
      state.diagnostics = r.diagnostics.map((d) => ({
        text: formatDiagnostic(d),
        json: diagnosticToJson(d),
      }));
      if (r.ok && r.pdf) {
        this.pdf = r.pdf;
        state.version++;
        state.pages = r.pdf.toString('latin1').match(/\/Type \/Page[^s]/g)?.length ?? 0;
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
    this.log(
      state.ok
        ? `built v${state.version} in ${state.ms} ms`
        : `build failed: ${state.diagnostics[0]?.text ?? ''}`,
    );
    this.broadcast();
  }
}

/**
 * Serves a page on 127.0.0.1 that shows the PDF's pages (rendered in the browser by pdf.js), rebuilds when the
 * template pack, the data or the fonts change, and tells the page over server-sent events. A failed build keeps
 * the last good PDF and sends its diagnostics, which the page shows over the pages.
 */
export async function startPreview(options: PreviewOptions): Promise<Preview> {
  const log = options.log ?? (() => {});
  const fontsConfig = options.fontsConfig ?? DEFAULT_FONTS_CONFIG;
  const builds = new Builds(options, fontsConfig, log);

  let timer: NodeJS.Timeout | undefined;
  const watchedTables = new Set<string>();
  const watchers: FSWatcher[] = [];
  const closeWatchers = () => Promise.all(watchers.map((w) => w.close()));
  /** Follows changes to `paths`, resolving once the watch is in place (a save right after is not missed). */
  const follow = async (paths: string[]) => {
    const w = watch(paths, {
      ignoreInitial: true,
      awaitWriteFinish: { stabilityThreshold: 40, pollInterval: 10 },
    });
    watchers.push(w);
    w.on('all', (event, file) => {
      log(`${event}: ${path.relative(process.cwd(), file)}`);
      clearTimeout(timer);
      timer = setTimeout(() => void builds.rebuild(), options.debounceMs ?? 120);
    });
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
  };
  await follow([
    path.resolve(options.templateDir),
    path.resolve(options.dataFile),
    path.dirname(fontsConfig),
  ]);
  // The tables the data refers to are inputs too: follow changes to them (and to tables added later).
  builds.onTables = async (files) => {
    const fresh = files.filter((t) => !watchedTables.has(t));
    for (const t of fresh) watchedTables.add(t);
    if (fresh.length) await follow(fresh);
  };

  let allowedHosts: ReadonlySet<string> = new Set();
  const server = http.createServer((req, res) => {
    // DNS rebinding: a page on any web site can make the browser send requests here under its own name. Only
    // requests that name this server (by loopback address or localhost, with its port) are answered.
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      res
        .writeHead(421, { 'content-type': 'text/plain' })
        .end('misdirected request: this preview answers only to its own address\n');
      return;
    }
    serve(req, res, builds);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Loopback only: the preview serves the user's files and must not be reachable from the network.
      server.listen(options.port ?? 4173, '127.0.0.1', () => resolve());
    });
  } catch (e) {
    // Nothing may keep the process alive after a failed start: the watcher is closed with the server.
    clearTimeout(timer);
    await closeWatchers();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new BuildFailure([
        error(
          'preview:port',
          code === 'EADDRINUSE'
            ? `port ${options.port ?? 4173} on 127.0.0.1 is in use`
            : `no permission to listen on port ${options.port ?? 4173}`,
          { hint: 'choose another with --port (--port 0 takes any free port), or stop the other preview' },
        ),
      ]);
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  allowedHosts = previewHosts(port);
  await builds.rebuild();
  return {
    url: `http://127.0.0.1:${port}/`,
    idle: async () => {
      while (builds.running) await builds.running;
    },
    close: async () => {
      clearTimeout(timer);
      await closeWatchers();
      for (const c of builds.clients) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers one request of the preview page: the page, pdf.js, the document, the state and the event stream. */
function serve(req: http.IncomingMessage, res: http.ServerResponse, builds: Builds): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  switch (url.pathname) {
    case '/':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PREVIEW_PAGE);
      return;
    case '/pdf.mjs':
    case '/pdf.worker.mjs':
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(readFileSync(pdfjsFile(url.pathname === '/pdf.mjs' ? 'pdf.min.mjs' : 'pdf.worker.min.mjs')));
      return;
    case '/document.pdf':
      if (!builds.pdf) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no successful build yet');
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'cache-control': 'no-store',
        'x-version': String(builds.state.version),
      });
      res.end(builds.pdf);
      return;
    case '/state':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(builds.state));
      return;
    case '/events':
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(`data: ${JSON.stringify(builds.state)}\n\n`);
      builds.clients.add(res);
      req.on('close', () => builds.clients.delete(res));
      return;
    default:
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

/** The Host headers the preview answers to: its loopback address and localhost, with its port. */
export function previewHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}
