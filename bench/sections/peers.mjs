// Briefing side by side with its peers on the same document: the sample briefing made by Briefing, by a
// hand-written pdfmake definition (bench/peers/raw-pdfmake.mjs) and by Typst (bench/peers/typst.mjs). Time (a
// fresh process, and repeated builds in a warm one), PDF size, pages, and Chinese typesetting quality read back
// from each PDF with pdf.js. Every build runs in a child process of its own: Briefing patches pdfmake when its
// modules load, so the raw pdfmake peer must never share a process with it. The three tools are measured in
// turns, round by round, so that the machine's noise falls on all of them alike.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';
import { kb, median, now, round, root, sampleData, samplePack, tempDir } from '../lib.mjs';

const fontsDir = path.join(root, 'node_modules/@expo-google-fonts');
const checker = path.resolve(root, '../shared/tools/cjk-measure/run.sh');
const url = (p) => JSON.stringify(pathToFileURL(path.join(root, p)).href);
const WARMUPS = 2;
const BODY_SIZE = 10.5;

/**
 * The tools. `setup` is module code run in the child: it defines `build(cached)`, which makes the PDF once and
 * returns `{ pdf, chartsMs? }`; `cached: false` empties the tool's own caches first (a fresh build in a warm
 * process), `true` keeps them (a repeated build of the same input).
 */
const TOOLS = [
  {
    key: 'briefing',
    label: 'Briefing',
    setup: `
      const { buildReport } = await import(${url('dist/index.js')});
      const { clearChartMemoryCache } = await import(${url('dist/charts/cache.js')});
      const { forgetLayouts } = await import(${url('dist/paginate/kept.js')});
      const { forgetDrawnLines } = await import(${url('dist/emit/draw-text.js')});
      async function build(cached, dataFile = ${JSON.stringify(sampleData)}) {
        if (!cached) {
          clearChartMemoryCache();
          forgetLayouts();
          forgetDrawnLines();
        }
        const r = await buildReport({
          templateDir: ${JSON.stringify(samplePack)}, dataFile, write: false, cacheDir: false,
        });
        if (!r.ok) throw new Error('the sample did not build: ' + JSON.stringify(r.diagnostics.slice(0, 3)));
        return { pdf: r.pdf, chartsMs: r.timings.charts };
      }`,
  },
  {
    key: 'rawPdfmake',
    label: 'raw pdfmake',
    setup: `
      const { buildRawPdfmake } = await import(${url('bench/peers/raw-pdfmake.mjs')});
      async function build() {
        return { pdf: await buildRawPdfmake({ fontsDir: ${JSON.stringify(fontsDir)} }) };
      }`,
  },
  {
    key: 'typst',
    label: 'Typst',
    setup: `
      const { buildTypst } = await import(${url('bench/peers/typst.mjs')});
      async function build(cached) {
        return { pdf: buildTypst({ fontsDir: ${JSON.stringify(fontsDir)}, keepCache: cached }) };
      }`,
  },
];

/** Order of the tools in round `r`: rotated, so that none always goes first. */
const rotated = (r) => TOOLS.map((_, i) => TOOLS[(i + r) % TOOLS.length]);

function failure(tool, what, code, stderr) {
  return new Error(`bench peers: ${tool.label} ${what} failed (exit ${code})\n${stderr.slice(-2000)}`);
}

/** Cold: a fresh `node` from spawn until it has written the PDF (it says so on stdout). */
function coldRun(tool, outFile) {
  const script = `
    import { writeFileSync } from 'node:fs';
    ${tool.setup}
    const { pdf } = await build(false);
    writeFileSync(process.env.PEER_OUT, pdf);
    process.stdout.write('written\\n');`;
  return new Promise((resolve, reject) => {
    const t = now();
    let ms;
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, PEER_OUT: outFile, BRIEFING_CACHE_DIR: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => {
      stdout += d;
      if (ms === undefined && stdout.includes('written\n')) ms = now() - t;
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && ms !== undefined ? resolve(ms) : reject(failure(tool, 'cold build', code, stderr)),
    );
  });
}

/** Warm: a child that stays up and builds on request; times are taken inside it, around the build only. */
function startWorker(tool) {
  const script = `
    import { writeFileSync } from 'node:fs';
    import { performance } from 'node:perf_hooks';
    ${tool.setup}
    process.on('message', async (m) => {
      try {
        const t = performance.now();
        const r = await build(m.cached, ...(m.dataFile ? [m.dataFile] : []));
        const ms = performance.now() - t;
        if (m.out) writeFileSync(m.out, r.pdf);
        process.send({ ms, bytes: r.pdf.length, chartsMs: r.chartsMs });
      } catch (e) {
        process.send({ error: String(e && e.stack || e) });
      }
    });
    process.on('disconnect', () => process.exit(0));
    process.send({ ready: true });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, BRIEFING_CACHE_DIR: 'off' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stdout.resume(); // nothing is expected on stdout; keep it out of the benchmark's own (--json) output
  child.stderr.on('data', (d) => (stderr += d));
  let pending;
  child.on('message', (m) => {
    const p = pending;
    pending = undefined;
    if (m.error) p?.reject(new Error(`bench peers: ${tool.label} build failed in the worker\n${m.error}`));
    else p?.resolve(m);
  });
  child.on('exit', (code) => pending?.reject(failure(tool, 'worker', code, stderr)));
  const ask = (msg) =>
    new Promise((resolve, reject) => {
      pending = { resolve, reject };
      if (msg) child.send(msg);
    });
  const ready = ask();
  return {
    ready,
    build: (cached, extra = {}) => ask({ cached, ...extra }),
    stop: () => {
      if (child.connected) child.disconnect();
      if (child.exitCode === null) setTimeout(() => child.exitCode === null && child.kill(), 5000).unref();
    },
  };
}

// ---------------------------------------------------------------- reading the PDFs back

const STOPS = '。．，、：；！？';
const CLOSING = '”’）》〉」』】〗〕］｝';
const OPENING = '“‘（《〈「『【〖〔［｛';
const NO_START = new Set([...STOPS, ...CLOSING, '—', '～', '／', '·', '…']);
const NO_END = new Set([...OPENING]);
const MARKS = new Set([...STOPS, ...CLOSING, ...OPENING, '—', '…', '～', '·']);
const isHan = (c) => /\p{Script=Han}/u.test(c);
const isLatin = (c) => /^[A-Za-z0-9]$/.test(c);

const mul = (m, n) => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];

/**
 * Every glyph as drawn, from pdf.js's operator list with a small text-state interpreter (the idea of
 * test/support/pdf.ts `readGlyphs`): page, character, origin, drawn advance (TJ numbers included), the
 * glyph's own width and its size; plus the names of the fonts used.
 */
async function readGlyphs(bytes) {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    fontExtraProperties: true,
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
  const OPS = pdfjs.OPS;
  const glyphs = [];
  const fonts = new Set();
  let pageWidth = 0;
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    pageWidth = page.view[2] - page.view[0];
    const ops = await page.getOperatorList();
    let ctm = [1, 0, 0, 1, 0, 0];
    const stack = [];
    let tm = [1, 0, 0, 1, 0, 0];
    let size = 0;
    let tc = 0;
    let x = 0;
    for (let i = 0; i < ops.fnArray.length; i++) {
      const fn = ops.fnArray[i];
      const a = ops.argsArray[i];
      // Tc and the font size belong to the graphics state: saved and restored with the CTM.
      if (fn === OPS.save) stack.push({ ctm, tc, size });
      else if (fn === OPS.restore) ({ ctm, tc, size } = stack.pop() ?? { ctm, tc, size });
      else if (fn === OPS.transform) ctm = mul(a.slice(0, 6), ctm);
      else if (fn === OPS.beginText) {
        tm = [1, 0, 0, 1, 0, 0];
        x = 0;
      } else if (fn === OPS.setTextMatrix) {
        tm = Array.from(a.length >= 6 ? a : a[0]).slice(0, 6);
        x = 0;
      } else if (fn === OPS.setFont) {
        size = Math.abs(a[1]);
        try {
          const f = page.commonObjs.get(a[0]);
          if (f?.name) fonts.add(f.name.replace(/^[A-Z]{6}\+/, ''));
        } catch {
          // not resolved: the name only feeds a note
        }
      } else if (fn === OPS.setCharSpacing) tc = a[0];
      else if (fn === OPS.showText) {
        const m = mul(tm, ctm);
        let last;
        for (const g of a[0]) {
          if (typeof g === 'number') {
            const d = (-g * size) / 1000;
            x += d;
            if (last) last.advance += d * m[0];
            continue;
          }
          const own = (g.width * size) / 1000;
          const adv = own + tc;
          last = {
            page: n,
            ch: g.unicode,
            x: x * m[0] + m[4],
            y: x * m[1] + m[5],
            advance: adv * m[0],
            width: own * m[0],
            size: size * Math.abs(m[3]),
          };
          glyphs.push(last);
          x += adv;
        }
      }
    }
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, pageWidth, glyphs, fonts: [...fonts].sort() };
}

/** Body lines (glyphs at the body size), by page, column and baseline, each sorted left to right. */
function bodyLines({ glyphs, pageWidth }) {
  const lines = new Map();
  for (const g of glyphs) {
    if (Math.abs(g.size - BODY_SIZE) > 0.05 || !g.ch.trim()) continue;
    const column = g.x < pageWidth / 2 ? 0 : 1;
    const key = `${g.page}|${column}|${Math.round(g.y * 2) / 2}`;
    if (!lines.has(key)) lines.set(key, Object.assign([], { column }));
    lines.get(key).push(g);
  }
  return [...lines.values()].map((l) => l.sort((a, b) => a.x - b.x));
}

/** Right edge of each column: the commonest right end of its lines (most lines are full and flush). */
function columnRights(lines) {
  const counts = [new Map(), new Map()];
  for (const l of lines) {
    const end = round(l.at(-1).x + l.at(-1).advance, 1);
    counts[l.column].set(end, (counts[l.column].get(end) ?? 0) + 1);
  }
  return counts.map((c) => [...c].sort((a, b) => b[1] - a[1])[0]?.[0] ?? Infinity);
}

/** The quality metrics of one PDF's body text. */
function quality(read) {
  const lines = bodyLines(read);
  const rights = columnRights(lines);
  const text = (l) => l.map((g) => g.ch).join('');
  const ex = (l, at) =>
    `p${l[0].page}: ${at === 'start' ? text(l).slice(0, 10) + '…' : '…' + text(l).slice(-10)}`;
  const q = {
    bodyLines: lines.length,
    lineStartViolations: 0,
    lineEndViolations: 0,
    lineEndMarks: 0,
    fullWidthLineEnds: 0,
    hanLatinPairs: 0,
    hanLatinNoGap: 0,
    hanLatinMeanGapEm: null,
    widestHanGapEm: 0,
    oneCharLines: 0,
    examples: { lineStart: [], lineEnd: [], fullWidthLineEnd: [], hanLatinNoGap: [], oneCharLine: [] },
  };
  let gapSum = 0;
  const note = (list, s) => list.length < 4 && list.push(s);
  for (const l of lines) {
    const first = l[0];
    const last = l.at(-1);
    if (NO_START.has(first.ch)) {
      q.lineStartViolations++;
      note(q.examples.lineStart, ex(l, 'start'));
    }
    if (NO_END.has(last.ch)) {
      q.lineEndViolations++;
      note(q.examples.lineEnd, ex(l, 'end'));
    }
    // A line that reaches the column's edge (not a paragraph's short last line) ending with a stop or closing
    // mark: how much of the column the mark takes. A mark that hangs past the edge (Typst) takes only its
    // inked half inside.
    const right = rights[l.column];
    const flush = last.x + last.advance >= right - 0.1 * last.size;
    if (flush && (STOPS.includes(last.ch) || CLOSING.includes(last.ch))) {
      q.lineEndMarks++;
      if ((Math.min(right, last.x + last.advance) - last.x) / last.size > 0.75) {
        q.fullWidthLineEnds++;
        note(q.examples.fullWidthLineEnd, ex(l, 'end'));
      }
    }
    if (l.filter((g) => !MARKS.has(g.ch)).length <= 1) {
      q.oneCharLines++;
      note(q.examples.oneCharLine, `p${first.page}: ${text(l)}`);
    }
    for (let i = 1; i < l.length; i++) {
      const [a, b] = [l[i - 1], l[i]];
      const gapEm = (b.x - (a.x + a.width)) / a.size;
      if ((isHan(a.ch) && isLatin(b.ch)) || (isLatin(a.ch) && isHan(b.ch))) {
        q.hanLatinPairs++;
        gapSum += gapEm;
        if (gapEm < 0.05) {
          q.hanLatinNoGap++;
          note(q.examples.hanLatinNoGap, `p${a.page}: ${a.ch}${b.ch}`);
        }
      } else if (isHan(a.ch) && isHan(b.ch)) q.widestHanGapEm = Math.max(q.widestHanGapEm, gapEm);
    }
  }
  q.hanLatinMeanGapEm = q.hanLatinPairs ? round(gapSum / q.hanLatinPairs, 2) : null;
  q.widestHanGapEm = round(q.widestHanGapEm, 2);
  return q;
}

/** The team's checker (../shared/tools/cjk-measure, not part of the repository): key numbers, if it is there. */
function runChecker(file) {
  if (!existsSync(checker)) return undefined;
  const r = spawnSync('bash', [checker, file, '--body-size', String(BODY_SIZE)], {
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0)
    return { error: (r.stderr || r.error?.message || `exit ${r.status}`).trim().slice(0, 300) };
  try {
    const j = JSON.parse(r.stdout);
    const pr = j.prohibited ?? {};
    const pu = j.punctuation ?? {};
    return {
      bodyLines: j.lines?.body,
      lineStart: pr.lineStart?.count,
      lineEnd: pr.lineEnd?.count,
      splitInseparable: pr.splitInseparable?.count,
      brokenWords: pr.brokenWesternWordOrNumber?.count,
      linesNotFlush: j.raggedness?.linesNotFlush_gt0_1pt,
      linesGapOverHalfEm: j.raggedness?.linesGapOverHalfEm,
      widestExtraGapEm: j.interCharSpacing?.maxExtraEm,
      fullWidthLineEnds: pu.lineEndStopOrClosing?.fullWidth,
      lineEndMarks: pu.lineEndStopOrClosing?.n,
      markPairsMeanEm: pu.consecutivePairs?.meanEm,
      hanLatinPairs: j.hanLatinSpacing?.pairs,
      hanLatinNoGap: j.hanLatinSpacing?.noSpace_lt0_05em,
      hanLatinMeanGapEm: j.hanLatinSpacing?.meanGapEm,
      oneCharLastLines: j.paragraphs?.orphanLines?.count,
      headsAtColumnFoot: j.paragraphs?.headingsAtColumnBottom?.count,
      offGrid: j.paragraphs?.baselineGrid?.offGrid,
    };
  } catch (e) {
    return { error: `unreadable output: ${String(e).slice(0, 200)}` };
  }
}

export default {
  name: 'peers',
  title: 'Briefing against raw pdfmake and Typst, same document',
  async run(ctx) {
    if (!existsSync(path.join(root, 'dist/index.js')))
      throw new Error('bench peers: dist/ is missing; run `npm run build` first');
    const { default: YAML } = await import('yaml');
    const dir = tempDir('briefing-peers-');
    const files = Object.fromEntries(TOOLS.map((t) => [t.key, path.join(dir, `${t.key}.pdf`)]));
    const cold = Object.fromEntries(TOOLS.map((t) => [t.key, []]));
    const warm = Object.fromEntries(TOOLS.map((t) => [t.key, []]));
    const warmCached = Object.fromEntries(TOOLS.map((t) => [t.key, []]));
    const chartsMs = [];

    // Cold, in turns: round r runs each tool once, in an order rotated by r.
    for (let r = 0; r < ctx.runs; r++)
      for (const t of rotated(r)) cold[t.key].push(await coldRun(t, files[t.key]));
    ctx.log(`cold: ${ctx.runs} rounds done`);

    // Warm: one worker per tool, warmed up, then in turns; first with the tools' caches emptied before each
    // build, then with them kept.
    const workers = Object.fromEntries(TOOLS.map((t) => [t.key, startWorker(t)]));
    let noFigures;
    try {
      await Promise.all(Object.values(workers).map((w) => w.ready));
      for (let i = 0; i < WARMUPS; i++) for (const t of TOOLS) await workers[t.key].build(false);
      for (let r = 0; r < ctx.runs; r++)
        for (const t of rotated(r)) {
          const m = await workers[t.key].build(false);
          warm[t.key].push(m.ms);
          if (t.key === 'briefing') chartsMs.push(m.chartsMs);
        }
      for (let r = 0; r < ctx.runs; r++)
        for (const t of rotated(r)) warmCached[t.key].push((await workers[t.key].build(true)).ms);
      // Briefing without its figures: how much of its PDF the seven vector charts weigh.
      const doc = YAML.parse(readFileSync(sampleData, 'utf8'));
      for (const s of doc.sections) delete s.figures;
      const dataFile = path.join(dir, 'no-figures.yaml');
      writeFileSync(dataFile, YAML.stringify(doc));
      noFigures = await workers.briefing.build(false, { dataFile });
    } finally {
      for (const w of Object.values(workers)) w.stop();
    }
    ctx.log(`warm: ${ctx.runs} rounds done`);

    const data = {};
    const checked = {};
    for (const t of TOOLS) {
      const bytes = readFileSync(files[t.key]);
      const read = await readGlyphs(bytes);
      const { examples, ...q } = quality(read);
      data[t.key] = {
        coldMs: round(median(cold[t.key]), 0),
        warmMs: round(median(warm[t.key]), 1),
        warmCachedMs: round(median(warmCached[t.key]), 1),
        pdfBytes: bytes.length,
        pages: read.pages,
        ...q,
        fonts: read.fonts,
        examples,
      };
      const c = runChecker(files[t.key]);
      if (c) checked[t.key] = c;
    }
    data.briefing.chartsMs = round(median(chartsMs), 1);
    data.briefing.pdfBytesWithoutFigures = noFigures.bytes;
    if (Object.keys(checked).length) for (const t of TOOLS) data[t.key].checker = checked[t.key];

    const labels = Object.fromEntries(TOOLS.map((t) => [t.key, t.label]));
    const d = (k) => data[k];
    const list = (xs) => (xs.length ? xs.join(' | ') : 'none');
    const notes = [
      `cold: a fresh \`node\` process from spawn until the PDF is written, median of ${ctx.runs}; warm: median of ${ctx.runs} builds in one kept process after ${WARMUPS} warm-ups, the tool's caches emptied before each (Briefing: chart memory cache, kept page layouts and drawn lines cleared, disk cache off; Typst: evictCache(0)); the three tools take turns, round by round`,
      `warm with caches kept (a repeated build of the same input): ${TOOLS.map((t) => `${t.label} ${d(t.key).warmCachedMs} ms`).join(', ')}`,
      `Briefing draws its 7 charts (vector, the charts stage: ${d('briefing').chartsMs} ms of its warm time); the peers draw an empty box of the same size in their place; Briefing without its figures: ${kb(d('briefing').pdfBytesWithoutFigures)} KB`,
      `quality columns: the body text (10.5 pt glyphs) read back with pdf.js; a line = glyphs of one page, column and baseline. bad starts: ${[...NO_START].join('')} at a line start; bad ends: ${OPENING} at a line end; full-width ends: a stop or closing mark ending a full line (one that reaches the column's edge) and taking over ¾ em of it; Han–Latin no gap: a Han character next to a Latin letter or digit with less than 0.05 em between; widest Han gap: the largest space added between two Han characters; lone lines: a line with one character besides punctuation`,
      `examples of bad line starts: ${TOOLS.map((t) => `${labels[t.key]}: ${list(d(t.key).examples.lineStart)}`).join('; ')}`,
      `examples of lone lines: ${TOOLS.map((t) => `${labels[t.key]}: ${list(d(t.key).examples.oneCharLine)}`).join('; ')}`,
      `fonts embedded: ${TOOLS.map((t) => `${labels[t.key]}: ${d(t.key).fonts.join(', ')}`).join('; ')}`,
    ];
    const { typstSource, typstFile } = await import('../peers/typst.mjs');
    if (readFileSync(typstFile, 'utf8') !== typstSource(YAML.parse(readFileSync(sampleData, 'utf8'))))
      notes.push(
        `${path.relative(root, typstFile)} differs from what the data gives now (the benchmark compiles the latter); regenerate it: node bench/peers/typst.mjs > ${path.relative(root, typstFile)}`,
      );
    if (!existsSync(checker))
      notes.push(`team checker: ${path.relative(root, checker)} is not there; skipped`);
    else
      for (const t of TOOLS) {
        const c = checked[t.key];
        notes.push(
          c.error
            ? `team checker, ${labels[t.key]}: failed (${c.error})`
            : `team checker, ${labels[t.key]}: line starts ${c.lineStart}, line ends ${c.lineEnd}, split ——/…… ${c.splitInseparable}, broken words ${c.brokenWords}, lines not flush ${c.linesNotFlush}, gaps over ½ em ${c.linesGapOverHalfEm}, widest extra gap ${c.widestExtraGapEm} em, full-width line ends ${c.fullWidthLineEnds}/${c.lineEndMarks}, mark pairs ${c.markPairsMeanEm} em, Han–Latin no gap ${c.hanLatinNoGap}/${c.hanLatinPairs} (mean ${c.hanLatinMeanGapEm} em), one-character last lines ${c.oneCharLastLines}, heads at a column foot ${c.headsAtColumnFoot}, off the grid ${c.offGrid}`,
        );
      }

    return {
      columns: [
        'tool',
        'cold ms',
        'warm ms',
        'PDF KB',
        'pages',
        'body lines',
        'bad starts',
        'bad ends',
        'full-width ends',
        'Han–Latin no gap',
        'Han–Latin em',
        'widest Han gap em',
        'lone lines',
      ],
      rows: TOOLS.map((t) => {
        const x = d(t.key);
        return [
          t.label,
          x.coldMs,
          x.warmMs,
          kb(x.pdfBytes),
          x.pages,
          x.bodyLines,
          x.lineStartViolations,
          x.lineEndViolations,
          x.fullWidthLineEnds,
          x.hanLatinNoGap,
          x.hanLatinMeanGapEm,
          x.widestHanGapEm,
          x.oneCharLines,
        ];
      }),
      notes,
      data,
    };
  },
};
