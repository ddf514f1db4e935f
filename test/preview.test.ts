import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editorProblem, startPreview, type Preview } from '../src/preview/server.js';
import { BuildFailure } from '../src/diagnostics/diagnostic.js';
import type { SourceBox } from '../src/preview/sources.js';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');

/** A GET with a chosen Host header: what a page on another site gets after rebinding its name to 127.0.0.1. */
function get(
  url: string,
  pathname: string,
  host: string,
  method = 'GET',
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: pathname, method, headers: { host } },
      (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        // The event stream never ends: its first message is enough.
        res.on('data', () => pathname === '/events' && res.destroy());
        res.on('close', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the preview answers only to its own address (DNS rebinding)', () => {
  let preview: Preview;
  let port: string;
  beforeAll(async () => {
    process.env.BRIEFING_CACHE_DIR ??= path.join(tempTree({}), 'cache');
    preview = await startPreview({
      templateDir: path.join(root, 'templates/annual-briefing'),
      dataFile: path.join(root, 'data/hengyang-2020.yaml'),
      port: 0,
    });
    port = new URL(preview.url).port;
  });
  afterAll(() => preview.close());

  for (const pathname of [
    '/',
    '/preview.mjs',
    '/pdf.mjs',
    '/document.pdf',
    '/sources.json',
    '/state',
    '/events',
  ])
    it(`refuses ${pathname} to a foreign Host and serves it to its own`, async () => {
      for (const host of [
        'evil.example',
        `evil.example:${port}`,
        '127.0.0.1:1',
        `127.0.0.1.evil.example:${port}`,
        'localhost',
      ])
        expect((await get(preview.url, pathname, host)).status, host).toBe(421);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`])
        expect((await get(preview.url, pathname, host)).status, host).toBe(200);
    });

  it('serves only its own files: no path reaches the file system', async () => {
    const host = `127.0.0.1:${port}`;
    const secrets = [readFileSync(path.join(root, 'package.json'), 'utf8').slice(0, 40), 'root:x:0:0'];
    for (const pathname of [
      '/../package.json',
      '/..%2fpackage.json',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/pdf.mjs/../../package.json',
      '/pdf.mjs%2f..%2f..%2fpackage.json',
      '//etc/passwd',
      '/etc/passwd',
      '/package.json',
      '/node_modules/pdfjs-dist/package.json',
      '/build/pdf.mjs',
      '/src/preview/server.ts',
      '/templates/annual-briefing/theme.yaml',
      '/document.pdf/..',
      '/%00',
    ]) {
      const r = await get(preview.url, pathname, host);
      expect(r.status, pathname).toBe(404);
      for (const secret of secrets) expect(r.body, pathname).not.toContain(secret);
    }
    // pdf.js comes from pdfjs-dist in node_modules, not from a CDN; the page loads nothing from elsewhere.
    const pdfjs = await get(preview.url, '/pdf.mjs', host);
    expect(pdfjs.headers['content-type']).toMatch(/^text\/javascript/);
    expect(pdfjs.body).toContain('GlobalWorkerOptions');
    const pageHtml =
      (await get(preview.url, '/', host)).body + (await get(preview.url, '/preview.mjs', host)).body;
    expect(pageHtml).not.toMatch(/https?:\/\//);
  });

  it('answers only GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE'])
      expect((await get(preview.url, '/state', `127.0.0.1:${port}`, method)).status, method).toBe(405);
    expect((await get(preview.url, '/state', `127.0.0.1:${port}`, 'HEAD')).status).toBe(200);
  });

  it('maps each page element to its template place and the data it shows (/sources.json)', async () => {
    const r = await get(preview.url, '/sources.json', `127.0.0.1:${port}`);
    // The page's editor links: VS Code's by default.
    expect(JSON.parse((await get(preview.url, '/state', `127.0.0.1:${port}`)).body)).toMatchObject({
      editor: 'vscode://file{path}:{line}:{column}',
    });
    const map = JSON.parse(r.body) as { version: number; boxes: SourceBox[] };
    expect(map.version).toBe(1);
    const headings = map.boxes.filter((b) => b.what === 'heading');
    expect(headings.length).toBeGreaterThanOrEqual(4);
    const first = headings[0]!;
    expect(first).toMatchObject({
      page: 1,
      template: {
        path: path.join(root, 'templates/annual-briefing/partials/section.hbs'),
        line: 3,
        column: 3,
      },
      data: {
        pointer: '/sections/0/title',
        place: { path: path.join(root, 'data/hengyang-2020.yaml'), line: 12 },
      },
    });
    // Every heading of the {{#each}} has its own box and its own data, though all come from one template place.
    expect(new Set(headings.map((h) => h.data?.pointer)).size).toBe(headings.length);
    const chart = map.boxes.find((b) => b.what === 'figure');
    expect(chart?.data?.pointer).toMatch(/^\/sections\/\d+\/figures\/\d+$/);
    for (const b of map.boxes) {
      expect(b.width, b.what).toBeGreaterThan(0);
      expect(b.height, b.what).toBeGreaterThan(0);
    }
  });
});

describe('the preview follows the tables the data refers to', () => {
  it('rebuilds when a CSV table changes, and shows its error at the cell', async () => {
    process.env.BRIEFING_CACHE_DIR ??= path.join(tempTree({}), 'cache');
    const dir = tempTree({
      'pack/template.hbs':
        '<briefing date="2025-01-28"><headline>部门</headline><body columns="1"><section><heading>部门</heading>{{#each rows}}<p>{{name}}{{actual}}</p>{{/each}}</section></body></briefing>',
      'pack/schema.json': JSON.stringify({
        type: 'object',
        properties: {
          rows: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' }, actual: { type: 'number' } } },
          },
        },
      }),
      'data/d.yaml': 'rows: { $csv: t.csv }\n',
      'data/t.csv': 'name,actual\n门店,1\n',
    });
    const preview = await startPreview({
      templateDir: path.join(dir, 'pack'),
      dataFile: path.join(dir, 'data/d.yaml'),
      port: 0,
      debounceMs: 20,
      log: () => undefined,
    });
    const host = new URL(preview.url).host;
    type State = {
      version: number;
      ok: boolean;
      building: boolean;
      diagnostics: { text: string; json: Record<string, unknown>; path?: string }[];
    };
    const until = async (done: (s: State) => boolean): Promise<State> => {
      for (;;) {
        const s = JSON.parse((await get(preview.url, '/state', host)).body) as State;
        if (!s.building && done(s)) return s;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      expect(await until((s) => s.version === 1)).toMatchObject({ ok: true });
      // A value read from a table is placed at its cell.
      const map = JSON.parse((await get(preview.url, '/sources.json', host)).body) as { boxes: SourceBox[] };
      expect(map.boxes.find((b) => b.what === 'paragraph')?.data).toEqual({
        pointer: '/rows/0/name',
        place: {
          file: path.relative(process.cwd(), path.join(dir, 'data/t.csv')),
          path: path.join(dir, 'data/t.csv'),
          line: 2,
          column: 1,
        },
      });
      writeFileSync(path.join(dir, 'data/t.csv'), 'name,actual\n门店,2\n');
      expect(await until((s) => s.version === 2)).toMatchObject({ ok: true });
      writeFileSync(path.join(dir, 'data/t.csv'), 'name,actual\n门店,两\n');
      const broken = await until((s) => !s.ok);
      expect(broken.diagnostics[0]!.text).toMatch(/t\.csv:2:2: error\[data:table-number\]/);
      // The list the page shows: code, message and place, with the absolute path for the editor link.
      expect(broken.diagnostics[0]).toMatchObject({
        json: { severity: 'error', code: 'data:table-number', line: 2, column: 2 },
        path: path.join(dir, 'data/t.csv'),
      });
      // The last good build stays: its PDF and its map of sources, version 2.
      const pdf = await get(preview.url, '/document.pdf', host);
      expect([pdf.status, pdf.headers['x-version']]).toEqual([200, '2']);
      expect(JSON.parse((await get(preview.url, '/sources.json', host)).body)).toMatchObject({ version: 2 });
    } finally {
      await preview.close();
    }
  });
});

describe('a preview whose port is taken', () => {
  it('stops with a diagnostic naming the port, and leaves nothing running', async () => {
    const other = http.createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as { port: number }).port;
    try {
      const failure = await startPreview({
        templateDir: path.join(root, 'templates/annual-briefing'),
        dataFile: path.join(root, 'data/hengyang-2020.yaml'),
        port,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(BuildFailure);
      expect((failure as BuildFailure).diagnostics.map((d) => [d.code, d.message])).toEqual([
        ['preview:port', `port ${port} on 127.0.0.1 is in use`],
      ]);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });
});

describe('the preview --editor link', () => {
  it('takes a URL pattern or none, and refuses one that is no URL or would run code', async () => {
    expect(editorProblem(undefined)).toBeUndefined();
    expect(editorProblem('none')).toBeUndefined();
    expect(editorProblem('idea://open?file={path}&line={line}')).toBeUndefined();
    for (const bad of ['javascript:alert({path})', 'DATA:text/html,x', 'my editor {path}'])
      expect(editorProblem(bad)?.code, bad).toBe('preview:editor');
    const failure = await startPreview({
      templateDir: path.join(root, 'templates/annual-briefing'),
      dataFile: path.join(root, 'data/hengyang-2020.yaml'),
      port: 0,
      editor: 'javascript:alert(1)',
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((failure as BuildFailure).diagnostics.map((d) => d.code)).toEqual(['preview:editor']);
  });
});
