import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreview, type Preview } from '../src/preview/server.js';
import { BuildFailure } from '../src/diagnostics/diagnostic.js';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');

/** A GET with a chosen Host header: what a page on another site gets after rebinding its name to 127.0.0.1. */
function get(url: string, pathname: string, host: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: u.hostname, port: u.port, path: pathname, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      // The event stream never ends: its first message is enough.
      res.on('data', () => pathname === '/events' && res.destroy());
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
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

  for (const pathname of ['/', '/document.pdf', '/state', '/events'])
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
    type State = { version: number; ok: boolean; building: boolean; diagnostics: { text: string }[] };
    const until = async (done: (s: State) => boolean): Promise<State> => {
      for (;;) {
        const s = JSON.parse((await get(preview.url, '/state', host)).body) as State;
        if (!s.building && done(s)) return s;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      expect(await until((s) => s.version === 1)).toMatchObject({ ok: true });
      writeFileSync(path.join(dir, 'data/t.csv'), 'name,actual\n门店,2\n');
      expect(await until((s) => s.version === 2)).toMatchObject({ ok: true });
      writeFileSync(path.join(dir, 'data/t.csv'), 'name,actual\n门店,两\n');
      const broken = await until((s) => !s.ok);
      expect(broken.diagnostics[0]!.text).toMatch(/t\.csv:2:2: error\[data:table-number\]/);
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
