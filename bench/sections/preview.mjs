// The live preview's save → repaint: a template file written, until Chromium shows the new pages (the page notes
// when the build started, when it came, and when the pages in view were drawn). Needs dist/ and /usr/bin/chromium;
// without a browser only the server's part (save → build done, over the event stream) is measured.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL } from 'node:url';
import { median, round, root, samplePack, sampleData, tempDir } from '../lib.mjs';

const CHROMIUM = '/usr/bin/chromium';

/** Starts `briefing preview` on a copy of the sample; resolves with its address and the process. */
async function startPreview(dir) {
  const server = spawn(
    process.execPath,
    [path.join(root, 'dist/cli/bin.js'), 'preview', 'pack', '--data', 'data.yaml', '--port', '0'],
    {
      cwd: dir,
      env: { ...process.env, BRIEFING_CACHE_DIR: path.join(dir, 'cache') },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (b) => {
      out += b;
      const m = /preview at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    server.on('exit', (c) => reject(new Error(`preview exited with ${c}`)));
  });
  return { server, url };
}

/** The server's part: save → the build's outcome on the event stream. */
function eventTimes(url) {
  const waiters = [];
  const req = http.get(new URL('/events', url), (res) => {
    let buf = '';
    res.on('data', (b) => {
      buf += b;
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const state = JSON.parse(buf.slice(6, i));
        buf = buf.slice(i + 2);
        if (!state.building) waiters.shift()?.(Date.now());
      }
    });
  });
  return { next: () => new Promise((r) => waiters.push(r)), close: () => req.destroy() };
}

export default {
  name: 'preview',
  title: 'the live preview: save → pages repainted in Chromium',
  async run(ctx) {
    const dir = tempDir();
    cpSync(samplePack, path.join(dir, 'pack'), { recursive: true });
    cpSync(sampleData, path.join(dir, 'data.yaml'));
    const masthead = path.join(dir, 'pack/partials/masthead.hbs');
    const original = readFileSync(masthead, 'utf8');
    const edit = (i) =>
      writeFileSync(
        masthead,
        original.replace('<kicker>{{kicker}}</kicker>', `<kicker>{{kicker}} ${i}</kicker>`),
      );
    const { server, url } = await startPreview(dir);
    const runs = { built: [], total: [], watch: [], build: [], paint: [] };
    let browser;
    try {
      if (existsSync(CHROMIUM)) {
        const { chromium } = await import('playwright-core');
        browser = await chromium.launch({
          executablePath: CHROMIUM,
          args: ['--no-sandbox', '--disable-gpu'],
        });
        const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
        await page.goto(url);
        await page.waitForSelector('body[data-drawn="1"]', { timeout: 60_000 });
        for (let i = 0; i <= ctx.runs; i++) {
          const saved = Date.now();
          edit(i);
          await page.waitForSelector(`body[data-version="${i + 2}"]`, { timeout: 60_000 });
          const t = await page.evaluate(() => ({ ...globalThis.document.body.dataset }));
          // The pages out of view are drawn after the repaint: let them finish, as they would between two saves.
          await page.waitForSelector(`body[data-drawn="${i + 2}"]`, { timeout: 60_000 });
          await sleep(200);
          if (i === 0) continue; // warm-up
          runs.total.push(t.repaintedAt - saved);
          runs.watch.push(t.buildingAt - saved);
          runs.build.push(t.builtAt - t.buildingAt);
          runs.paint.push(t.repaintedAt - t.builtAt);
        }
      } else {
        ctx.log(`${CHROMIUM} is missing: measuring the server's part only`);
        const events = eventTimes(url);
        await sleep(300);
        for (let i = 0; i <= ctx.runs; i++) {
          const done = events.next();
          const saved = Date.now();
          edit(i);
          const at = await done;
          if (i > 0) runs.built.push(at - saved);
        }
        events.close();
      }
    } finally {
      await browser?.close();
      server.kill('SIGTERM');
    }
    const m = (xs) => (xs.length ? round(median(xs), 0) : null);
    return {
      columns: ['save →', 'median ms', 'min ms'],
      rows: browser
        ? [
            ['build started (watch, debounce)', m(runs.watch), Math.min(...runs.watch)],
            ['build done (in the page)', m(runs.build), Math.min(...runs.build)],
            ['pages in view drawn (fetch, pdf.js)', m(runs.paint), Math.min(...runs.paint)],
            ['repainted: total', m(runs.total), Math.min(...runs.total)],
          ]
        : [['build done (server, no browser)', m(runs.built), Math.min(...runs.built)]],
      notes: [
        `median of ${ctx.runs} saves of a partial of the sample (after one warm-up), the page 900×1000 at fit width`,
      ],
      data: browser
        ? { totalMs: m(runs.total), watchMs: m(runs.watch), buildMs: m(runs.build), paintMs: m(runs.paint) }
        : { builtMs: m(runs.built) },
    };
  },
};
