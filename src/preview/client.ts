/**
 * The preview page's script (/preview.mjs). It listens for builds over server-sent events and draws a new PDF in
 * place: the pages in the window first (then the page counts as repainted), the others after, each swapped for
 * its old self only when drawn, so the reader never sees a blank page and keeps the place. Each page is a pdf.js
 * canvas under a pdf.js text layer (select, find with the browser). Zoom: fit width or a percentage (100 % is
 * the page at its size: 96 CSS pixels an inch), by the select, the buttons or ctrl+wheel. Diagnostics are listed
 * with code, message and place; a failed build's list stands over the last good pages. A click on an element of
 * a page shows its template place and the data value it shows (/sources.json), with editor links.
 *
 * (No backticks or backslashes below: this is a TypeScript template literal.)
 */
export const PREVIEW_SCRIPT = `
import * as pdfjs from '/pdf.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.mjs';
// One worker for every build's document: starting one (and parsing pdf.js's worker code) costs more than opening.
const worker = new pdfjs.PDFWorker();

const $ = (id) => document.getElementById(id);
const pages = $('pages');
const status = $('status');
const info = $('info');
const CSS_PER_PT = 96 / 72;
const ZOOMS = ['fit', '0.5', '0.75', '1', '1.25', '1.5', '2', '3'];
let zoom = 'fit';
let doc;          // the pdf.js document shown
let shown = 0;    // its version
let generation = 0;
let sources = { version: 0, boxes: [] };
let queue = Promise.resolve();

/** CSS pixels per point for a page of this width (points). */
function scaleFor(widthPt) {
  if (zoom !== 'fit') return Number(zoom) * CSS_PER_PT;
  return Math.max(0.1, (document.documentElement.clientWidth - 32) / widthPt);
}

/** The reader's place: which page is at the top of the window, and how far into it. */
function place() {
  for (const [i, p] of [...pages.children].entries()) {
    const r = p.getBoundingClientRect();
    if (r.bottom > 40) return { page: i, offset: Math.max(0, (40 - r.top) / r.height) };
  }
  return { page: 0, offset: 0 };
}
function restore(keep) {
  const target = pages.children[Math.min(keep.page, pages.children.length - 1)];
  if (!target) return;
  const r = target.getBoundingClientRect();
  window.scrollTo(window.scrollX, window.scrollY + r.top - 40 + keep.offset * r.height);
}

/** Gives a page's slot the size the page will have, so that the layout is right before it is drawn. */
function size(slot, pdfPage) {
  const vp = pdfPage.getViewport({ scale: scaleFor(pdfPage.view[2] - pdfPage.view[0]) });
  slot.style.width = vp.width + 'px';
  slot.style.height = vp.height + 'px';
}

/** Draws one page: its canvas (at the screen's pixel ratio) and its text layer. */
async function draw(pdfPage, n) {
  const scale = scaleFor(pdfPage.view[2] - pdfPage.view[0]);
  const viewport = pdfPage.getViewport({ scale });
  const dpr = window.devicePixelRatio || 1;
  const div = document.createElement('div');
  div.className = 'page';
  div.dataset.page = String(n);
  div.dataset.scale = String(scale);
  div.style.width = viewport.width + 'px';
  div.style.height = viewport.height + 'px';
  div.style.setProperty('--scale-factor', String(scale));
  div.style.setProperty('--total-scale-factor', String(scale));
  const canvas = document.createElement('canvas');
  canvas.width = Math.floor(viewport.width * dpr);
  canvas.height = Math.floor(viewport.height * dpr);
  const text = document.createElement('div');
  text.className = 'textLayer';
  div.append(canvas, text);
  // The drawing and the text layer are made at the same time.
  await Promise.all([
    pdfPage.render({
      canvas,
      canvasContext: canvas.getContext('2d'),
      viewport,
      ...(dpr !== 1 ? { transform: [dpr, 0, 0, dpr, 0, 0] } : {}),
    }).promise,
    new pdfjs.TextLayer({ textContentSource: pdfPage.streamTextContent(), container: text, viewport }).render(),
  ]);
  return div;
}

/** Which pages (0-based) are in the window now, in order; the others after them. */
function order(count) {
  const seen = [];
  const rest = [];
  for (let i = 0; i < count; i++) {
    const r = pages.children[i].getBoundingClientRect();
    (r.bottom > 0 && r.top < window.innerHeight ? seen : rest).push(i);
  }
  return { first: seen.length ? seen : rest.splice(0, 1), rest };
}

/** Draws a document into the page in place: the pages in the window first, then the others. */
async function paint(next, version) {
  const gen = ++generation;
  const keep = place();
  const pdfPages = await Promise.all(Array.from({ length: next.numPages }, (_, i) => next.getPage(i + 1)));
  if (gen !== generation) return false;
  while (pages.children.length > pdfPages.length) pages.lastElementChild.remove();
  while (pages.children.length < pdfPages.length) {
    const slot = document.createElement('div');
    slot.className = 'page';
    pages.append(slot);
  }
  pdfPages.forEach((p, i) => size(pages.children[i], p));
  restore(keep);
  const { first, rest } = order(pdfPages.length);
  // The pages in the window together, swapped in at once: the reader sees one new state, not a page at a time.
  const drawn = await Promise.all(first.map((i) => draw(pdfPages[i], i + 1)));
  if (gen !== generation) return false;
  first.forEach((i, k) => pages.children[i].replaceWith(drawn[k]));
  if (version !== undefined) repainted(version);
  for (const i of rest) {
    const fresh = await draw(pdfPages[i], i + 1);
    if (gen !== generation) return false;
    pages.children[i].replaceWith(fresh);
  }
  document.body.dataset.drawn = String(version ?? shown);
  return true;
}

/** The wall-clock time (ms since 1970), for the save → repaint measurement of the tests and the benchmark. */
const clock = () => String(Math.round(performance.timeOrigin + performance.now()));

function repainted(version) {
  shown = version;
  document.body.dataset.version = String(version);
  document.body.dataset.repaintedAt = clock();
}

async function load(version) {
  const [data, map] = await Promise.all([
    fetch('/document.pdf?v=' + version).then((r) => r.arrayBuffer()),
    fetch('/sources.json?v=' + version).then((r) => r.json()),
  ]);
  const next = await pdfjs.getDocument({ data, worker }).promise;
  const old = doc;
  doc = next;
  sources = map;
  const done = await paint(next, version);
  if (old && old !== next) old.destroy();
  return done;
}

function setZoom(value) {
  if (value === zoom || !doc) return;
  zoom = value;
  $('zoom-level').value = value;
  hideSource();
  queue = queue.then(() => paint(doc)).catch((e) => console.error(e));
}
function step(by) {
  const now = zoom === 'fit' ? nearestZoom() : ZOOMS.indexOf(zoom);
  setZoom(ZOOMS[Math.min(ZOOMS.length - 1, Math.max(1, now + by))]);
}
/** The fixed zoom nearest to what fit width shows now. */
function nearestZoom() {
  const p = pages.children[0];
  const s = p ? Number(p.dataset.scale) / CSS_PER_PT : 1;
  let best = 1;
  for (let i = 1; i < ZOOMS.length; i++) if (Math.abs(Number(ZOOMS[i]) - s) < Math.abs(Number(ZOOMS[best]) - s)) best = i;
  return best;
}
$('zoom-level').onchange = (e) => setZoom(e.target.value);
$('zoom-in').onclick = () => step(1);
$('zoom-out').onclick = () => step(-1);
window.addEventListener('wheel', (e) => {
  if (!e.ctrlKey) return;
  e.preventDefault();
  step(e.deltaY < 0 ? 1 : -1);
}, { passive: false });
let resizing;
window.addEventListener('resize', () => {
  if (zoom !== 'fit' || !doc) return;
  clearTimeout(resizing);
  resizing = setTimeout(() => { queue = queue.then(() => paint(doc)).catch((e) => console.error(e)); }, 150);
});

/** A place as text (file:line:col, or the cell) and as an editor link. */
function where(p) {
  return p.file + (p.cell !== undefined ? '!' + p.cell : p.line ? ':' + p.line + ':' + p.column : '');
}
let editor = '';
function link(a, p) {
  a.textContent = where(p);
  if (editor && p.path && p.line) {
    a.href = editor.replaceAll('{path}', encodeURI(p.path)).replaceAll('{line}', String(p.line))
      .replaceAll('{column}', String(p.column));
    a.title = 'open in the editor';
  } else {
    a.removeAttribute('href');
    a.title = '';
  }
}

function listDiagnostics(state) {
  const list = $('diagnostics');
  list.replaceChildren(...state.diagnostics.map((d) => {
    const j = d.json;
    const li = document.createElement('li');
    li.className = j.severity;
    li.dataset.code = j.code;
    const code = document.createElement('span');
    code.className = 'code';
    code.textContent = j.severity + '[' + j.code + ']';
    li.append(code, ' ' + j.message + (j.pointer !== undefined ? ' (at ' + (j.pointer || '/') + ')' : ''));
    if (j.file) {
      const a = document.createElement('a');
      a.className = 'where';
      link(a, { file: j.file, path: d.path, line: j.line, column: j.column, cell: j.cell });
      li.append(' — ', a);
    }
    for (const r of j.related || []) {
      const note = document.createElement('span');
      note.className = 'hint';
      note.textContent = 'note: ' + where(r) + ': ' + r.message;
      li.append(note);
    }
    for (const h of j.hints || []) {
      const hint = document.createElement('span');
      hint.className = 'hint';
      hint.textContent = 'hint: ' + h;
      li.append(hint);
    }
    return li;
  }));
  const errors = state.diagnostics.filter((d) => d.json.severity === 'error').length;
  const warnings = state.diagnostics.length - errors;
  $('problems-title').textContent = (state.ok ? '' : "The build failed; the pages are the last good build's. ") +
    [errors ? errors + (errors === 1 ? ' error' : ' errors') : '', warnings ? warnings + (warnings === 1 ? ' warning' : ' warnings') : '']
      .filter(Boolean).join(', ');
  $('problems').className = state.ok ? 'warnings' : 'errors';
  $('problems').hidden = state.diagnostics.length === 0;
}

function show(state) {
  editor = state.editor;
  if (state.building) {
    status.textContent = 'building…';
    status.className = '';
    document.body.dataset.buildingAt = clock();
    return;
  }
  document.body.dataset.builtAt = clock();
  listDiagnostics(state);
  if (state.ok) {
    status.textContent = 'built';
    status.className = 'ok';
    info.textContent = 'v' + state.version + ' · ' + state.pages + ' pages · ' + state.ms + ' ms';
    if (state.version !== shown) queue = queue.then(() => load(state.version)).catch((e) => console.error(e));
  } else {
    status.textContent = 'build failed — showing the last good pages';
    status.className = 'fail';
  }
  document.body.dataset.ok = String(state.ok);
}

/** Click-to-source: the smallest element box under the pointer, and its places. */
function hideSource() {
  $('source').hidden = true;
  for (const m of pages.querySelectorAll('.mark')) m.remove();
}
$('source-close').onclick = hideSource;
pages.addEventListener('click', (e) => {
  if (String(window.getSelection()) !== '') return;
  const page = e.target.closest('.page');
  if (!page || !page.dataset.page) return;
  const r = page.getBoundingClientRect();
  const scale = Number(page.dataset.scale);
  const x = (e.clientX - r.left) / scale;
  const y = (e.clientY - r.top) / scale;
  const n = Number(page.dataset.page);
  const slack = 2;
  const hits = sources.boxes.filter((b) => b.page === n && x >= b.x - slack && x <= b.x + b.width + slack &&
    y >= b.y - slack && y <= b.y + b.height + slack);
  hits.sort((a, b) => a.width * a.height - b.width * b.height);
  hideSource();
  const hit = hits[0];
  if (!hit) return;
  const mark = document.createElement('div');
  mark.className = 'mark';
  Object.assign(mark.style, { left: hit.x * scale + 'px', top: hit.y * scale + 'px', width: hit.width * scale + 'px', height: hit.height * scale + 'px' });
  page.append(mark);
  $('source-what').textContent = hit.what;
  link($('source-template'), hit.template);
  $('source-pointer').textContent = hit.data ? hit.data.pointer || '/' : '—';
  if (hit.data && hit.data.place) link($('source-data'), hit.data.place);
  else { $('source-data').textContent = ''; $('source-data').removeAttribute('href'); }
  $('source').hidden = false;
});

new EventSource('/events').onmessage = (e) => show(JSON.parse(e.data));
`;
