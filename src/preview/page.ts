/**
 * The preview page: renders the PDF's pages with pdf.js into canvases, listens for builds over server-sent
 * events, keeps the reader's place (page and offset) across reloads, and shows diagnostics over the last good
 * pages when a build fails.
 */
export const PREVIEW_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>Briefing preview</title>
<style>
  body { margin: 0; background: #5a5a5a; font: 13px/1.5 system-ui, sans-serif; }
  #bar { position: sticky; top: 0; z-index: 2; background: #222; color: #ddd; padding: 6px 12px; display: flex; gap: 16px; }
  #bar .ok { color: #9be39b; } #bar .fail { color: #ff8d8d; }
  #pages { display: flex; flex-direction: column; align-items: center; gap: 16px; padding: 16px; }
  #pages canvas { background: white; box-shadow: 0 2px 8px rgba(0,0,0,.5); max-width: 100%; }
  #errors { position: fixed; left: 16px; right: 16px; top: 44px; z-index: 3; background: #fff4f4; color: #700;
    border: 2px solid #c00; padding: 12px 16px; white-space: pre-wrap; font: 13px/1.5 ui-monospace, monospace;
    max-height: 60vh; overflow: auto; box-shadow: 0 4px 16px rgba(0,0,0,.4); }
  #errors[hidden], #text { display: none; }
</style>
</head>
<body data-version="0">
<div id="bar"><span id="status">building…</span><span id="info"></span></div>
<pre id="errors" hidden></pre>
<div id="pages"></div>
<div id="text"></div>
<script type="module">
import * as pdfjs from '/pdf.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.mjs';
const pages = document.getElementById('pages');
const errors = document.getElementById('errors');
const status = document.getElementById('status');
const info = document.getElementById('info');
const text = document.getElementById('text');
let shown = 0;
let rendering = Promise.resolve();

// The reader's place: which page is at the top of the window, and how far into it.
function place() {
  const canvases = [...pages.querySelectorAll('canvas')];
  for (const [i, c] of canvases.entries()) {
    const r = c.getBoundingClientRect();
    if (r.bottom > 40) return { page: i, offset: Math.max(0, (40 - r.top) / r.height) };
  }
  return { page: 0, offset: 0 };
}

async function render(version) {
  const keep = place();
  const data = await fetch('/document.pdf?v=' + version).then((r) => r.arrayBuffer());
  const doc = await pdfjs.getDocument({ data }).promise;
  const canvases = [];
  const texts = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const width = Math.min(pages.clientWidth - 32, 1000);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (width / base.width) * (window.devicePixelRatio || 1) });
    const canvas = document.createElement('canvas');
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    canvas.style.width = width + 'px';
    await page.render({ canvasContext: canvas.getContext('2d'), viewport }).promise;
    canvases.push(canvas);
    texts.push((await page.getTextContent()).items.map((i) => i.str).join(''));
  }
  pages.replaceChildren(...canvases);
  text.textContent = texts.join('\\n');
  const target = canvases[Math.min(keep.page, canvases.length - 1)];
  if (target) window.scrollTo(0, window.scrollY + target.getBoundingClientRect().top - 40 + keep.offset * target.getBoundingClientRect().height);
  shown = version;
  document.body.dataset.version = String(version);
}

function show(state) {
  if (state.building) { status.textContent = 'building…'; status.className = ''; return; }
  const problems = state.diagnostics.map((d) => d.text).join('\\n');
  if (state.ok) {
    errors.hidden = true;
    status.textContent = 'built';
    status.className = 'ok';
    info.textContent = 'v' + state.version + ' · ' + state.pages + ' pages · ' + state.ms + ' ms' + (problems ? ' · ' + state.diagnostics.length + ' warnings' : '');
    if (state.version !== shown) rendering = rendering.then(() => render(state.version)).catch((e) => console.error(e));
  } else {
    status.textContent = 'build failed — showing the last good pages';
    status.className = 'fail';
    errors.textContent = problems;
    errors.hidden = false;
  }
  document.body.dataset.ok = String(state.ok);
}

new EventSource('/events').onmessage = (e) => show(JSON.parse(e.data));
</script>
</body>
</html>
`;
