/**
 * The preview page: a bar (status, zoom), the pages (drawn by pdf.js, each with its text layer), the diagnostics
 * list and the panel that shows where a clicked element came from. Its script is /preview.mjs (client.ts); the
 * text layer's rules are pdf.js's own (web/pdf_viewer.css), cut to what a text layer needs.
 */
export const PREVIEW_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>Briefing preview</title>
<style>
  body { margin: 0; background: #5a5a5a; font: 13px/1.5 system-ui, sans-serif; }
  #bar { position: sticky; top: 0; z-index: 4; background: #222; color: #ddd; padding: 6px 12px; display: flex;
    gap: 16px; align-items: center; }
  #bar .ok { color: #9be39b; } #bar .fail { color: #ff8d8d; }
  #bar button, #bar select { font: inherit; background: #333; color: #ddd; border: 1px solid #555; border-radius: 3px; }
  #zoom { margin-left: auto; display: flex; gap: 4px; align-items: center; }
  /* As wide as the widest page (zoomed in, the window scrolls sideways to every part of it), centred when narrower. */
  #pages { display: flex; flex-direction: column; align-items: center; gap: 16px; padding: 16px;
    width: max-content; min-width: 100%; box-sizing: border-box; }
  .page { position: relative; background: white; box-shadow: 0 2px 8px rgba(0,0,0,.5); flex: none; }
  .page canvas { display: block; width: 100%; height: 100%; }
  .page .mark { position: absolute; outline: 2px solid #1a73e8; background: rgba(26,115,232,.08); pointer-events: none; z-index: 2; }
  #problems { position: fixed; left: 16px; right: 16px; top: 44px; z-index: 3; background: #fff4f4; color: #700;
    border: 2px solid #c00; padding: 8px 16px; max-height: 50vh; overflow: auto; box-shadow: 0 4px 16px rgba(0,0,0,.4); }
  #problems.warnings { background: #fffbea; color: #5a4300; border-color: #d8a800; top: auto; bottom: 16px; max-height: 30vh; }
  #problems h2 { font-size: 13px; margin: 0 0 4px; }
  #diagnostics { margin: 0; padding: 0 0 0 1.5em; font: 12.5px/1.5 ui-monospace, monospace; }
  #diagnostics li { margin: 2px 0; }
  #diagnostics .code { font-weight: bold; }
  #diagnostics .where, #source .where { color: inherit; }
  #diagnostics .hint { display: block; opacity: .8; white-space: pre-wrap; }
  #source { position: fixed; right: 16px; bottom: 16px; z-index: 3; background: #fff; color: #222; width: 420px;
    border: 1px solid #888; border-radius: 4px; padding: 8px 12px; box-shadow: 0 4px 16px rgba(0,0,0,.4);
    font: 12.5px/1.6 ui-monospace, monospace; }
  #source dt { font-weight: bold; font-family: system-ui, sans-serif; }
  #source dd { margin: 0 0 4px; word-break: break-all; }
  #source button { float: right; }
  [hidden] { display: none !important; }
  /* pdf.js's text layer (pdf_viewer.css): transparent text over the canvas, to select and to find. */
  .textLayer { position: absolute; text-align: initial; inset: 0; overflow: clip; opacity: 1; line-height: 1;
    text-size-adjust: none; forced-color-adjust: none; transform-origin: 0 0; caret-color: CanvasText; z-index: 1;
    --min-font-size: 1; --text-scale-factor: calc(var(--total-scale-factor) * var(--min-font-size));
    --min-font-size-inv: calc(1 / var(--min-font-size)); }
  .textLayer :is(span, br) { color: transparent; position: absolute; white-space: pre; cursor: text; transform-origin: 0% 0%; }
  .textLayer > :not(.markedContent), .textLayer .markedContent span:not(.markedContent) { z-index: 1;
    --font-height: 0; font-size: calc(var(--text-scale-factor) * var(--font-height)); --scale-x: 1; --rotate: 0deg;
    transform: rotate(var(--rotate)) scaleX(var(--scale-x)) scale(var(--min-font-size-inv)); }
  .textLayer .markedContent { display: contents; }
  .textLayer ::selection { background: rgba(0, 0, 255, 0.25); }
  .textLayer br::selection { background: transparent; }
  .textLayer .endOfContent { display: block; position: absolute; inset: 100% 0 0; z-index: 0; cursor: default; user-select: none; }
  .textLayer.selecting .endOfContent { top: 0; }
</style>
</head>
<body data-version="0">
<div id="bar">
  <span id="status">building…</span><span id="info"></span>
  <span id="zoom">
    <button id="zoom-out" title="zoom out (ctrl+wheel)">−</button>
    <select id="zoom-level" title="zoom">
      <option value="fit">fit width</option><option value="0.5">50 %</option><option value="0.75">75 %</option>
      <option value="1">100 %</option><option value="1.25">125 %</option><option value="1.5">150 %</option>
      <option value="2">200 %</option><option value="3">300 %</option>
    </select>
    <button id="zoom-in" title="zoom in (ctrl+wheel)">+</button>
  </span>
</div>
<section id="problems" hidden><h2 id="problems-title"></h2><ol id="diagnostics"></ol></section>
<aside id="source" hidden>
  <button id="source-close" title="close">×</button>
  <dl>
    <dt>element</dt><dd id="source-what"></dd>
    <dt>template</dt><dd><a class="where" id="source-template"></a></dd>
    <dt>data</dt><dd><span id="source-pointer"></span> <a class="where" id="source-data"></a></dd>
  </dl>
</aside>
<div id="pages"></div>
<script type="module" src="/preview.mjs"></script>
</body>
</html>
`;
