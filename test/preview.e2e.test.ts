import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
// scripts/setup.sh installs Debian's chromium; in CI its absence is a failure, not a skip.
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh`);

describe.skipIf(!haveBrowser)('briefing preview in a real browser', () => {
  let dir: string;
  let server: ChildProcess;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = tempTree({});
    cpSync(path.join(root, 'templates/annual-briefing'), path.join(dir, 'pack'), { recursive: true });
    cpSync(path.join(root, 'data/hengyang-2020.yaml'), path.join(dir, 'data.yaml'));
    server = spawn(
      process.execPath,
      [path.join(root, 'dist/cli/bin.js'), 'preview', 'pack', '--data', 'data.yaml', '--port', '0'],
      {
        cwd: dir,
        env: { ...process.env, BRIEFING_CACHE_DIR: path.join(dir, 'cache') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /preview at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.on('exit', (c) => reject(new Error(`preview exited with ${c}`)));
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
  });

  it('shows the pages, follows an edit, and shows a broken template over the last good pages', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
    await page.goto(url);
    // The first build: every page drawn, the text there.
    await page.waitForSelector('body[data-version="1"]', { timeout: 30_000 });
    expect(await page.locator('#pages canvas').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#text').textContent()).toContain('转正');

    // Scroll into page 2, then edit a partial: the page follows by itself and keeps the place.
    await page.evaluate(() =>
      window.scrollTo(
        0,
        document.querySelectorAll('canvas')[1]!.getBoundingClientRect().top + window.scrollY + 200,
      ),
    );
    const before = await page.evaluate(() => window.scrollY);
    const masthead = path.join(dir, 'pack/partials/masthead.hbs');
    writeFileSync(
      masthead,
      readFileSync(masthead, 'utf8').replace(
        '<kicker>{{kicker}}</kicker>',
        '<kicker>{{kicker}} 编辑预览</kicker>',
      ),
    );
    await page.waitForSelector('body[data-version="2"]', { timeout: 30_000 });
    // (pdf.js puts spaces where tracking opens gaps; compare without them.)
    expect((await page.locator('#text').textContent())?.replace(/\s/g, '')).toContain('编辑预览');
    expect(Math.abs((await page.evaluate(() => window.scrollY)) - before)).toBeLessThan(40);

    // Break the template: the error names the file and line, and the last good pages stay.
    const section = path.join(dir, 'pack/partials/section.hbs');
    writeFileSync(section, readFileSync(section, 'utf8').replace('{{title}}', '{{titel}}'));
    await page.waitForSelector('#errors:not([hidden])', { timeout: 30_000 });
    const error = await page.locator('#errors').textContent();
    expect(error).toMatch(/section\.hbs:3:\d+: error\[template:undefined\]/);
    expect(error).toContain('did you mean "title"');
    expect(await page.locator('#pages canvas').count()).toBeGreaterThanOrEqual(3);
    expect(await page.evaluate(() => document.body.dataset.version)).toBe('2');
    await page.screenshot({ path: path.join(dir, 'broken.png') });

    // Mend it: the error goes away and a new version is shown.
    writeFileSync(section, readFileSync(section, 'utf8').replace('{{titel}}', '{{title}}'));
    await page.waitForSelector('body[data-version="3"]', { timeout: 30_000 });
    expect(await page.locator('#errors').isHidden()).toBe(true);
  }, 120_000);
});
