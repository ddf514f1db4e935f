import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../src/pipeline/pipeline.js';
import { layoutCounts } from '../src/paginate/kept.js';
import { dataParseCounts } from '../src/data/load-file.js';
import { pdftotext, readGlyphs, readPdf, type Glyph } from './support/pdf.js';
import { classify, noBreakAfter, noBreakBefore } from '../src/cjk/classes.js';
import { tempTree } from './support/tmp.js';
import { briefingIn } from './support/cli.js';

const root = path.resolve(import.meta.dirname, '..');
const pack = path.join(root, 'templates/annual-briefing');
const sample = path.join(root, 'data/hengyang-2020.yaml');
const sampleText = readFileSync(sample, 'utf8');
const cli = path.join(root, 'dist/cli/bin.js');
const run = promisify(execFile);

/** Runs the compiled CLI; never throws, returns the exit code and output. */
const briefing = (...args: string[]) => briefingIn(root, ...args);

describe('the sample briefing', () => {
  let pdf: Buffer;
  let read: Awaited<ReturnType<typeof readPdf>>;
  beforeAll(async () => {
    const r = await buildReport({ templateDir: pack, dataFile: sample, write: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    pdf = r.pdf!;
    read = await readPdf(pdf);
  });

  it('has the reference text in reading order, exactly as written (pdftotext)', async () => {
    const text = await pdftotext(pdf, '-raw');
    const wanted = [
      '转正',
      '2021年1月11日 星期一',
      '本报记者',
      ...'①②③④⑤⑥⑦⑧⑨'.split('').map((c) => `措施${c}：`),
    ];
    let from = 0;
    for (const w of wanted) {
      const at = text.indexOf(w, from);
      expect(at, `${w} after offset ${from}`).toBeGreaterThanOrEqual(0);
      from = at + w.length;
    }
    // The pull quote sits between sections 4 and 5.
    const quote = text.indexOf('同心协力 聚能向正');
    expect(quote).toBeGreaterThan(text.indexOf('措施④'));
    expect(quote).toBeLessThan(text.indexOf('措施⑤'));
  });

  it('gives back every paragraph of the data character for character, no spaces added', async () => {
    // Running heads and folios interrupt a paragraph that crosses a page, and so does a figure set between its
    // lines (at a column top): drop them (a figure is its caption to its source line), then join the lines.
    let inFigure = false;
    const text = (await pdftotext(pdf, '-raw'))
      .replace(/\f/g, '')
      .split('\n')
      .filter((l) => !/^转正 · 2020 衡阳 年度热词|^2021年1月11日 星期一$|^第 \d+ 页/.test(l))
      .filter((l) => {
        if (/^图\d+\u3000/.test(l)) inFigure = true;
        const keep = !inFigure;
        if (/^数据来源：/.test(l)) inFigure = false;
        return keep;
      })
      .join('');
    const paragraphs = [...sampleText.matchAll(/^ {6}- (.{40,})$/gm)].map((m) => m[1]!);
    expect(paragraphs.length).toBeGreaterThanOrEqual(20);
    for (const p of paragraphs) expect(text).toContain(p);
  });

  it('numbers figures as text captions and names their sources', async () => {
    const text = await pdftotext(pdf, '-raw');
    for (const n of [1, 2, 3, 4]) expect(text).toMatch(new RegExp(`图${n}\u3000\\S`));
    expect(text).toContain('数据来源：衡阳市统计局');
  });

  it('carries metadata, a bookmark per section, a running head and folios', async () => {
    expect(read.info.Title).toBe('转正——2020衡阳年度热词');
    expect(read.info.Author).toBe('刘畅 / 衡阳日报');
    expect(read.info.Keywords).toContain('年度热词');
    expect(pdf.toString('latin1')).toMatch(/\/Lang \(zh-CN\)/);
    expect(read.outline).toHaveLength(9);
    expect(read.outline[0]).toMatch(/^措施①：/);
    expect(read.pages.length).toBeGreaterThanOrEqual(2);
    const page = async (n: number) => pdftotext(pdf, '-raw', '-f', String(n), '-l', String(n));
    const page2 = await page(2);
    expect(page2).toContain('转正 · 2020 衡阳 年度热词');
    expect(page2).toContain('2021年1月11日 星期一');
    expect(page2).toContain(`第 2 页 / 共 ${read.numPages} 页`);
    expect(await page(1)).not.toContain('转正 · 2020');
  });

  it('embeds only subset TrueType fonts from fonts/ and no others', () => {
    const raw = pdf.toString('latin1');
    const baseFonts = [...raw.matchAll(/\/BaseFont \/([^\s/>]+)/g)].map((m) => m[1]!);
    expect(baseFonts.length).toBeGreaterThan(0);
    for (const f of new Set(baseFonts)) expect(f).toMatch(/^[A-Z]{6}\+Noto(Serif|Sans)SC-(Regular|Bold)$/);
    expect(raw.match(/\/FontFile2/g)?.length).toBe(new Set(baseFonts).size);
  });

  it('lays body text in columns of whole characters', async () => {
    const glyphPages = await readGlyphs(pdf);
    // Body lines start at the left edge of one of the columns; two distinct starts on a page.
    const lefts = new Set(
      read.pages[1]!.filter((i) => /^[\u4e00-\u9fff]/.test(i.str)).map((i) => Math.round(i.x)),
    );
    expect(lefts.size).toBeGreaterThanOrEqual(2);

    // The same from the glyphs of every page: body lines (10.5 pt) split at the 2-em gutter.
    const em = 10.5;
    const lines = glyphPages.flatMap((page) => {
      const rows = new Map<string, Glyph[]>();
      for (const g of page.filter((x) => Math.abs(x.size - em) < 0.01))
        rows.set(g.y.toFixed(1), [...(rows.get(g.y.toFixed(1)) ?? []), g]);
      return [...rows.values()].flatMap((row) => {
        row.sort((a, b) => a.x - b.x);
        const split: Glyph[][] = [[]];
        for (const g of row) {
          const prev = split.at(-1)!.at(-1);
          if (prev && g.x - (prev.x + prev.advance) > 1.5 * em) split.push([]);
          split.at(-1)!.push(g);
        }
        return split.map((l) => ({ start: l[0]!.x, end: l.at(-1)!.x + l.at(-1)!.advance }));
      });
    });
    expect(lines.length).toBeGreaterThan(100);
    // Every line starts at a column's left edge or one 2-em paragraph indent in: the theme's two columns.
    const starts = [...new Set(lines.map((l) => l.start.toFixed(2)))].map(Number);
    const columnLefts = starts
      .filter((s) => !starts.some((t) => Math.abs(s - t - 2 * em) < 0.01))
      .sort((a, b) => a - b);
    expect(columnLefts).toHaveLength(2);
    const columnOf = (x: number) => (x < columnLefts[1]! - 0.01 ? 0 : 1);
    // Right edges: where most lines of a column end (justified lines are flush); no line goes past one.
    const rights = [0, 1].map((c) => {
      const ends = lines.filter((l) => columnOf(l.start) === c).map((l) => l.end.toFixed(2));
      const count = (e: string) => ends.filter((x) => x === e).length;
      return Number(ends.reduce((a, b) => (count(b) > count(a) ? b : a)));
    });
    for (const l of lines)
      expect(l.end, `line at ${l.start}`).toBeLessThanOrEqual(rights[columnOf(l.start)]! + 0.01);
    // Whole characters: each column's width and the gutter are whole multiples of the body size.
    const whole = (pt: number) => Math.abs(pt / em - Math.round(pt / em)) * em;
    for (const c of [0, 1]) expect(whole(rights[c]! - columnLefts[c]!), `column ${c}`).toBeLessThan(0.01);
    expect(whole(columnLefts[1]! - rights[0]!), 'gutter').toBeLessThan(0.01);
    expect(Math.round((columnLefts[1]! - rights[0]!) / em)).toBe(2);
    // Justified: most lines (all but paragraph ends) reach that edge.
    const flush = lines.filter((l) => Math.abs(l.end - rights[columnOf(l.start)]!) < 0.01).length;
    expect(flush / lines.length).toBeGreaterThan(0.6);
  });

  it('keeps body baselines on one grid across columns, around heads, quotes and figures (clreq T3)', () => {
    const pitch = 10.5 * 1.7;
    let checked = 0;
    for (const [n, page] of read.pages.entries()) {
      // Body lines (10.5 pt) set the grid; from page 2, heads (12 pt) and the pull quote (21 pt) must sit on it.
      const sizes = n === 0 ? [10.5] : [10.5, 12, 21];
      const on = (i: { size: number }) => sizes.some((s) => Math.abs(i.size - s) < 0.01);
      const body = page.filter((i) => Math.abs(i.size - 10.5) < 0.01 && i.str.trim());
      if (body.length < 3) continue;
      const y0 = Math.max(...body.map((i) => i.y));
      for (const { y } of page.filter((i) => on(i) && i.str.trim())) {
        const k = (y0 - y) / pitch;
        expect(Math.abs(k - Math.round(k)) * pitch, `baseline at ${y} off the grid of ${y0}`).toBeLessThan(
          0.05,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('sets its body text to clreq: no prohibited line edges, half-width line ends, ¼ em Han–Latin gaps', async () => {
    const pages = await readGlyphs(pdf);
    const lines: Glyph[][] = [];
    for (const page of pages) {
      // Body glyphs (10.5 pt) by baseline, split into columns where a gap is wider than 2 em.
      const rows = new Map<string, Glyph[]>();
      for (const g of page.filter((x) => Math.abs(x.size - 10.5) < 0.01))
        rows.set(g.y.toFixed(1), [...(rows.get(g.y.toFixed(1)) ?? []), g]);
      for (const row of rows.values()) {
        row.sort((a, b) => a.x - b.x);
        let cur: Glyph[] = [];
        for (const g of row) {
          const prev = cur.at(-1);
          if (prev && g.x - (prev.x + prev.advance) > 21) {
            lines.push(cur);
            cur = [];
          }
          cur.push(g);
        }
        if (cur.length) lines.push(cur);
      }
    }
    expect(lines.length).toBeGreaterThan(100);
    const gaps: number[] = [];
    let halfWidthEnds = 0;
    for (const l of lines) {
      const text = l.map((g) => g.ch).join('');
      expect(noBreakBefore(classify(l[0]!.ch)), text).toBe(false);
      expect(noBreakAfter(classify(l.at(-1)!.ch)), text).toBe(false);
      const last = l.at(-1)!;
      // A full line (ending at a column's right edge, 287.14 or 549.64 pt) ends with a half-width stop.
      if (
        '。，、：；！？”）》'.includes(last.ch) &&
        [287.14, 549.64].some((e) => Math.abs(last.x + last.advance - e) < 0.2)
      ) {
        expect(last.advance, text).toBeCloseTo(5.25, 1);
        halfWidthEnds++;
      }
      l.slice(1).forEach((b, k) => {
        const a = l[k]!;
        const han = (c: string) => /\p{Script=Han}/u.test(c);
        const western = (c: string) => /[A-Za-z0-9]/.test(c);
        if ((han(a.ch) && western(b.ch)) || (western(a.ch) && han(b.ch)))
          gaps.push((b.x - a.x - a.advance) / 10.5);
      });
    }
    expect(halfWidthEnds).toBeGreaterThan(5);
    expect(gaps.length).toBeGreaterThan(50);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0.12);
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    expect(mean).toBeGreaterThanOrEqual(0.2);
    expect(mean).toBeLessThanOrEqual(0.3);
  });

  it('is reproducible: two builds give identical bytes', async () => {
    const [layouts, parses] = [layoutCounts(), dataParseCounts()];
    const again = await buildReport({ templateDir: pack, dataFile: sample, write: false });
    expect(Buffer.compare(again.pdf!, pdf)).toBe(0);
    // …also when the second takes what the process kept from the first: its data and its page layouts.
    expect(layoutCounts()).toMatchObject({ searched: layouts.searched, kept: layouts.kept + 1 });
    expect(dataParseCounts()).toMatchObject({ parsed: parses.parsed, kept: parses.kept + 1 });
    expect(read.info.CreationDate).toMatch(/^D:20210111/);
  });
});

describe('other data that follows the contract', () => {
  it('builds with the same template: JSON, other lengths, optional parts left out', async () => {
    const data = {
      kicker: '年度观察',
      headline: '破局',
      deck: '2023 某市 年度热词',
      date: '2024-01-08',
      lead: ['一段较短的导语，说明全年主要数据：GDP增长5.2%。'],
      byline: { label: '通讯员', name: '欧阳明' },
      sections: Array.from({ length: 4 }, (_, i) => ({
        title: `第${i + 1}件事`,
        paragraphs: ['这是正文段落，内容长度不一。'.repeat(i * 5 + 1)],
      })),
      pullQuote: { text: '奋楫者先', afterSection: 2 },
    };
    const dir = tempTree({ 'other.json': JSON.stringify(data, null, 2) });
    const r = await buildReport({
      templateDir: pack,
      dataFile: path.join(dir, 'other.json'),
      outFile: path.join(dir, 'o.pdf'),
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const text = await pdftotext(readFileSync(path.join(dir, 'o.pdf')), '-raw');
    expect(text).toContain('2024年1月8日 星期一');
    expect(text).toContain('措施④');
    expect(text).not.toContain('措施⑤');
    expect(text).toContain('奋楫者先');
  });
});

describe('fonts and figures', () => {
  it('reports a character that no configured font has, and still builds', async () => {
    const dir = tempTree({ 'rare.yaml': sampleText.replace('疫情突如其来', '疫情突如其来𠮷') });
    const r = await buildReport({ templateDir: pack, dataFile: path.join(dir, 'rare.yaml'), write: false });
    expect(r.ok).toBe(true);
    const missing = r.diagnostics.filter((d) => d.code === 'font:missing-glyph');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).toContain('U+20BB7');
    // It names where the character came from in the data, and the template line that set it.
    expect(missing[0]).toMatchObject({
      pointer: '/sections/0/paragraphs/0',
      place: { file: path.join(dir, 'rare.yaml') },
    });
    expect(missing[0]!.place!.start!.line).toBeGreaterThan(10);
    const related = missing[0]!.related ?? [];
    expect(related.map((r) => [r.place.file, r.message])).toEqual([
      [path.join(pack, 'partials', 'section.hbs'), 'set by the template here'],
    ]);
    expect(related[0]!.place.start!.line).toBeGreaterThan(0);
  });

  it('--strict turns that warning into an error: exit 1, nothing written', async () => {
    const dir = tempTree({ 'rare.yaml': sampleText.replace('疫情突如其来', '疫情突如其来𠮷') });
    const out = path.join(dir, 'rare.pdf');
    const loose = await briefing('build', pack, '--data', path.join(dir, 'rare.yaml'), '--out', out);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toContain('warning[font:missing-glyph]');
    const { rmSync } = await import('node:fs');
    rmSync(out);
    const strict = await briefing(
      'build',
      pack,
      '--data',
      path.join(dir, 'rare.yaml'),
      '--out',
      out,
      '--strict',
    );
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/rare\.yaml:\d+:\d+: error\[font:missing-glyph\]/);
    expect(existsSync(out)).toBe(false);
  });

  it('stops on figure data whose series and labels differ in length, naming the data path', async () => {
    const dir = tempTree({ 'bad.yaml': sampleText.replace('values: [1.7, 3.0, 2.6]', 'values: [1.7, 3.0]') });
    const r = await buildReport({ templateDir: pack, dataFile: path.join(dir, 'bad.yaml'), write: false });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({
      code: 'chart:length-mismatch',
      pointer: '/sections/2/figures/0/series/0/values',
      place: { file: path.join(dir, 'bad.yaml') },
    });
    expect(r.diagnostics[0]!.place!.start!.line).toBeGreaterThan(20);
  });
});

describe('the command line', () => {
  it('builds to the default path out/<data-name>.pdf', async () => {
    const dir = tempTree({ 'mini.yaml': sampleText });
    const r = await run(process.execPath, [cli, 'build', pack, '--data', path.join(dir, 'mini.yaml')], {
      cwd: dir,
    });
    expect(r.stdout).toMatch(/wrote out\/mini\.pdf \(\d+ pages/);
    expect(statSync(path.join(dir, 'out/mini.pdf')).size).toBeGreaterThan(10_000);
  });

  it('exits 2 on usage errors', async () => {
    expect((await briefing()).code).toBe(2);
    expect((await briefing('build', pack)).code).toBe(2);
    const misspelt = await briefing('bild', pack, '--data', sample);
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toContain('unknown command "bild": did you mean build?');
    expect((await briefing('build', pack, '--data', sample, '--colour')).code).toBe(2);
  });

  it('documents the exit codes in --help', async () => {
    const r = await briefing('build', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0\s+built/);
    expect(r.stdout).toMatch(/1\s+the input is wrong/);
    expect(r.stdout).toMatch(/2\s+usage error/);
    expect(r.stdout).toContain('--data');
  });

  const broken: [string, (s: string) => string, string, RegExp][] = [
    [
      'broken YAML',
      (s) => s.replace('headline: 转正', 'headline: [转正'),
      'data:syntax',
      /bad\.yaml:\d+:\d+: error\[data:syntax\]/,
    ],
    [
      'a schema violation',
      (s) => s.replace('  afterSection: 4', '  afterSection: four'),
      'data:type-mismatch',
      /bad\.yaml:\d+:17: error\[data:type-mismatch\]: expected integer, got string "four" \(at \/pullQuote\/afterSection\)/,
    ],
  ];
  for (const [what, mutate, code, pattern] of broken)
    it(`exits 1 on ${what}, names file:line:col, and writes nothing`, async () => {
      const dir = tempTree({ 'bad.yaml': mutate(sampleText), 'keep.pdf': 'previous build' });
      const r = await briefing(
        'build',
        pack,
        '--data',
        path.join(dir, 'bad.yaml'),
        '--out',
        path.join(dir, 'new.pdf'),
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(pattern);
      expect(existsSync(path.join(dir, 'new.pdf'))).toBe(false);
      // A failed build never touches an existing output.
      const r2 = await briefing(
        'build',
        pack,
        '--data',
        path.join(dir, 'bad.yaml'),
        '--out',
        path.join(dir, 'keep.pdf'),
        '--format',
        'json',
      );
      expect(r2.code).toBe(1);
      expect((JSON.parse(r2.stdout) as { diagnostics: { code: string }[] }).diagnostics[0]!.code).toBe(code);
      expect(readFileSync(path.join(dir, 'keep.pdf'), 'utf8')).toBe('previous build');
    });

  it('exits 1 on a Handlebars syntax error with the template file:line:col, and writes nothing', async () => {
    const dir = tempTree({
      'pack/template.hbs': '<briefing>\n  {{#each sections}}\n  <p>{{title}</p>\n  {{/each}}\n</briefing>\n',
    });
    const out = path.join(dir, 'x.pdf');
    const r = await briefing('build', path.join(dir, 'pack'), '--data', sample, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/template\.hbs:3:\d+: error\[template:syntax\]/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports every schema violation at once', async () => {
    const bad = sampleText
      .replace('date: 2021-01-11', 'date: 2021/01/11')
      .replace('kicker:', 'kickr:')
      .replace(/values: \[1\.7, 3\.0, 2\.6\]/, 'values: [1.7, "3.0%", 2.6]');
    const dir = tempTree({ 'bad.yaml': bad });
    const r = await briefing(
      'build',
      pack,
      '--data',
      path.join(dir, 'bad.yaml'),
      '--format',
      'json',
      '--out',
      path.join(dir, 'x.pdf'),
    );
    const codes = (
      JSON.parse(r.stdout) as { diagnostics: { code: string; pointer: string }[] }
    ).diagnostics.map((d) => `${d.code} ${d.pointer}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'data:missing-field ',
        'data:unknown-field /kickr',
        'data:format /date',
        'data:type-mismatch /sections/2/figures/0/series/0/values/1',
      ]),
    );
  });

  it('writes the output atomically: no temporary file is left behind', async () => {
    const dir = tempTree({});
    const out = path.join(dir, 'a', 'b.pdf');
    const r = await briefing('build', pack, '--data', sample, '--out', out);
    expect(r.code).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readFileSync(out).subarray(-6).toString()).toMatch(/%%EOF/);
    writeFileSync(path.join(dir, 'marker'), '');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(path.join(dir, 'a'))).toEqual(['b.pdf']);
  });
});

describe('what a build loads', () => {
  // No build loads canvas (a native module whose loading cost ~40 ms of every cold build) for a vector chart:
  // Chart.js draws into a recording (charts/context.ts), and only a PNG chart needs a canvas. Text set
  // before is measured and drawn from the faces' records, so fontkit's Unicode tables (complex-script shaping)
  // wait for a text no record has; its WOFF2 decompressor and pdfkit's AES wait for a use that never comes.
  const WATCHED = ['canvas/', 'chartjs-node-canvas/', 'unicode-properties/', 'brotli/', '@noble/ciphers/'];
  const loaded = async (cacheDir: string, job = { pack, data: sample }, watched = WATCHED) => {
    const script = `
      const { buildReport } = await import(${JSON.stringify(path.join(root, 'dist/pipeline/pipeline.js'))});
      const r = await buildReport({ templateDir: ${JSON.stringify(job.pack)}, dataFile: ${JSON.stringify(job.data)}, write: false });
      if (!r.ok) throw new Error('the build failed');
      const { createRequire, default: Module } = await import('node:module');
      const cache = Object.entries(createRequire(import.meta.url).cache);
      const watched = ${JSON.stringify(watched)};
      // A module stood in for (src/fonts/deferred.ts) is in the cache, but is no module until it is used.
      console.log(JSON.stringify(watched.filter((m) =>
        cache.some(([f, mod]) => f.includes('/node_modules/' + m) && mod instanceof Module))));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, BRIEFING_CACHE_DIR: cacheDir },
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as string[];
  };

  it('never loads canvas for vector charts, and the shaping tables only for text not set before', async () => {
    const dir = tempTree({});
    expect(await loaded(dir)).toEqual(['unicode-properties/']);
    expect(await loaded(dir)).toEqual([]);
  }, 60_000);

  it("reads a workbook with exceljs's workbook alone, not its streaming reader and writer", async () => {
    // The package's index also loads unzipper and archiver (and ~400 modules of polyfills under them): 195
    // instead of 85 ms of a worker's first report with a workbook.
    const job = {
      pack: path.join(root, 'templates/monthly-report'),
      data: path.join(root, 'data/monthly/zhuhui/2025-01.yaml'),
    };
    expect(await loaded(tempTree({}), job, ['exceljs/', 'jszip/', 'unzipper/', 'archiver/'])).toEqual([
      'exceljs/',
      'jszip/',
    ]);
  }, 60_000);
});

describe('font sets kept for a process', () => {
  // A process keeps a font set while its files are unchanged (src/fonts/fonts.ts); where an npm: face is found
  // depends on the working folder too.
  const liberation = path.join(root, 'node_modules/pdfjs-dist/standard_fonts');
  it('looks for an npm: face from the working folder of each load', async () => {
    // Two projects with a font package of the same name, one without: the face is each one's own, or missing.
    const dir = tempTree({
      'conf/fonts.yaml': 'families:\n  serif: { regular: npm:fakefont/Regular.ttf }\n',
      'a/node_modules/fakefont/package.json': '{"name":"fakefont","version":"1.0.0"}',
      'a/node_modules/fakefont/Regular.ttf': readFileSync(
        path.join(liberation, 'LiberationSans-Regular.ttf'),
      ),
      'b/node_modules/fakefont/package.json': '{"name":"fakefont","version":"1.0.0"}',
      'b/node_modules/fakefont/Regular.ttf': readFileSync(path.join(liberation, 'LiberationSans-Bold.ttf')),
      'c/.keep': '',
    });
    const script = `
      const { loadFontSet } = await import(${JSON.stringify(path.join(root, 'dist/fonts/fonts.js'))});
      const out = [];
      for (const cwd of ['a', 'b', 'c']) {
        process.chdir(${JSON.stringify(dir)} + '/' + cwd);
        const r = loadFontSet(${JSON.stringify(path.join(dir, 'conf/fonts.yaml'))});
        out.push(r.fonts?.families.get('serif')?.regular.file ?? r.diagnostics.map((d) => d.code).join());
      }
      console.log(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual([
      path.join(dir, 'a/node_modules/fakefont/Regular.ttf'),
      path.join(dir, 'b/node_modules/fakefont/Regular.ttf'),
      'font:file-missing',
    ]);
  });
});
