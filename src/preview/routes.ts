import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Builds } from './builds.js';
import { PREVIEW_PAGE } from './page.js';
import { PREVIEW_SCRIPT } from './client.js';

const require = createRequire(import.meta.url);

/** A file of pdfjs-dist's build folder (served from node_modules: the preview works offline, without a CDN). */
function pdfjsFile(name: string): string {
  return path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'build', name);
}

const JS = 'text/javascript; charset=utf-8';

/**
 * The only files the preview serves, by exact path: its page, its script and pdf.js. Nothing is looked up in the
 * file system from a request's path, so no path (`/../`, `%2e%2e`, an absolute path) can reach another file.
 */
const ASSETS: ReadonlyMap<string, { type: string; body: () => string | Buffer }> = new Map([
  ['/', { type: 'text/html; charset=utf-8', body: () => PREVIEW_PAGE }],
  ['/preview.mjs', { type: JS, body: () => PREVIEW_SCRIPT }],
  ['/pdf.mjs', { type: JS, body: once(() => readFileSync(pdfjsFile('pdf.min.mjs'))) }],
  ['/pdf.worker.mjs', { type: JS, body: once(() => readFileSync(pdfjsFile('pdf.worker.min.mjs'))) }],
]);

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/**
 * Answers one request of the preview page: the page and its scripts, the document, the map of its page elements
 * to their sources, the state and the event stream. Anything else is 404; anything but GET and HEAD is 405.
 */
export function serve(req: http.IncomingMessage, res: http.ServerResponse, builds: Builds): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('method not allowed\n');
    return;
  }
  const pathname = (req.url ?? '/').split('?')[0]!;
  const asset = ASSETS.get(pathname);
  if (asset) {
    res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' }).end(asset.body());
    return;
  }
  switch (pathname) {
    case '/favicon.ico':
      res.writeHead(204).end();
      return;
    case '/document.pdf':
      if (!builds.pdf) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no successful build yet\n');
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'cache-control': 'no-store',
        'x-version': String(builds.state.version),
      });
      res.end(builds.pdf);
      return;
    case '/sources.json':
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(builds.sources);
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
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }
}
