import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { DEFAULT_FONTS_CONFIG } from '../build/paths.js';
import { BuildFailure, error } from '../diagnostics/diagnostic.js';
import { Builds, type PreviewOptions } from './builds.js';
import { serve } from './routes.js';

export type { PreviewOptions } from './builds.js';

/** A running preview: its address and a way to stop it. */
export interface Preview {
  url: string;
  close(): Promise<void>;
  /** Resolves after the build in progress (if any) and any queued rebuild have finished. */
  idle(): Promise<void>;
}

/**
 * Serves a page on 127.0.0.1 that shows the PDF's pages (rendered in the browser by pdf.js), rebuilds when the
 * template pack, the data or the fonts change, and tells the page over server-sent events. A failed build keeps
 * the last good PDF and sends its diagnostics, which the page shows over the pages.
 */
export async function startPreview(options: PreviewOptions): Promise<Preview> {
  const editorFault = editorProblem(options.editor);
  if (editorFault) throw new BuildFailure([editorFault]);
  const log = options.log ?? (() => {});
  const fontsConfig = options.fontsConfig ?? DEFAULT_FONTS_CONFIG;
  const builds = new Builds(options, fontsConfig, log);

  let timer: NodeJS.Timeout | undefined;
  const watchedTables = new Set<string>();
  const watchers: FSWatcher[] = [];
  const closeWatchers = () => Promise.all(watchers.map((w) => w.close()));
  /** Follows changes to `paths`, resolving once the watch is in place (a save right after is not missed). */
  const follow = async (paths: string[]) => {
    // No awaitWriteFinish: its stability wait (and polling) cost more than the build. A save caught half-written
    // fails or builds once more when its last write's event comes, so the last build is always of the whole file.
    const w = watch(paths, { ignoreInitial: true });
    watchers.push(w);
    w.on('all', (event, file) => {
      log(`${event}: ${path.relative(process.cwd(), file)}`);
      clearTimeout(timer);
      timer = setTimeout(() => void builds.rebuild(), options.debounceMs ?? 20);
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

/** What is wrong with an --editor link pattern, if anything. */
export function editorProblem(editor: string | undefined) {
  if (editor === undefined || editor === 'none') return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(editor)?.[1]?.toLowerCase();
  if (scheme && !['javascript', 'data', 'vbscript', 'blob'].includes(scheme)) return undefined;
  return error(
    'preview:editor',
    scheme ? `--editor: a ${scheme}: link would run code in the page` : `--editor: "${editor}" is no URL`,
    {
      hint: 'give a URL with {path}, {line} and {column}, e.g. vscode://file{path}:{line}:{column} or idea://open?file={path}&line={line}; or none',
    },
  );
}

/** The Host headers the preview answers to: its loopback address and localhost, with its port. */
export function previewHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}
