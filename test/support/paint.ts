import { createCanvas, Image } from 'canvas';
import type { ChartImage } from '../../src/charts/family.js';

/**
 * Paints a recorded chart (its pdfkit calls and its words) on a node-canvas the way a PDF viewer would, at one
 * pixel a point on white: tests compare it with Chart.js's own drawing on a canvas. A PDF path is used up by
 * the fill, stroke or clip that paints it; a canvas path is not, so each of those begins a new one here.
 */
export function paintRecorded(image: ChartImage, family: string): Uint8ClampedArray {
  const [w, h] = image.box!;
  const ctx = createCanvas(w, h).getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = ctx.strokeStyle = '#000000';
  let fillAlpha = 1;
  let strokeAlpha = 1;
  const alphas: [number, number][] = [];
  for (const call of image.drawing!) {
    const name = call[0];
    const a: readonly unknown[] = call[1] ?? [];
    const n = a as number[];
    switch (name) {
      case 'save':
        ctx.save();
        alphas.push([fillAlpha, strokeAlpha]);
        break;
      case 'restore':
        ctx.restore();
        [fillAlpha, strokeAlpha] = alphas.pop() ?? [1, 1];
        break;
      case 'moveTo':
        ctx.moveTo(n[0]!, n[1]!);
        break;
      case 'lineTo':
        ctx.lineTo(n[0]!, n[1]!);
        break;
      case 'bezierCurveTo':
        ctx.bezierCurveTo(n[0]!, n[1]!, n[2]!, n[3]!, n[4]!, n[5]!);
        break;
      case 'closePath':
        ctx.closePath();
        break;
      case 'fillColor':
        ctx.fillStyle = a[0] as string;
        fillAlpha = (a[1] as number | undefined) ?? 1;
        break;
      case 'strokeColor':
        ctx.strokeStyle = a[0] as string;
        strokeAlpha = (a[1] as number | undefined) ?? 1;
        break;
      case 'lineWidth':
        ctx.lineWidth = n[0]!;
        break;
      case 'lineCap':
        ctx.lineCap = a[0] as CanvasLineCap;
        break;
      case 'lineJoin':
        ctx.lineJoin = a[0] as CanvasLineJoin;
        break;
      case 'miterLimit':
        ctx.miterLimit = n[0]!;
        break;
      case 'dash':
        ctx.setLineDash(a[0] as number[]);
        ctx.lineDashOffset = (a[1] as { phase?: number } | undefined)?.phase ?? 0;
        break;
      case 'undash':
        ctx.setLineDash([]);
        break;
      case 'fill':
        ctx.globalAlpha = fillAlpha;
        ctx.fill(a[0] === 'even-odd' ? 'evenodd' : 'nonzero');
        ctx.beginPath();
        break;
      case 'stroke':
        ctx.globalAlpha = strokeAlpha;
        ctx.stroke();
        ctx.beginPath();
        break;
      case 'clip':
        ctx.clip(a[0] === 'even-odd' ? 'evenodd' : 'nonzero');
        ctx.beginPath();
        break;
      default:
        throw new Error(`a chart drawing made a call the test cannot paint: ${name}`);
    }
  }
  ctx.globalAlpha = 1;
  for (const t of image.texts ?? []) {
    ctx.font = `${t.bold ? 'bold ' : ''}${t.size}px "${family}"`;
    ctx.fillStyle = t.color;
    ctx.textAlign = t.align;
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(t.text, t.x, t.y);
  }
  return ctx.getImageData(0, 0, w, h).data;
}

/** The pixels of a PNG, RGBA. */
export function pixelsOf(png: Buffer): { width: number; height: number; data: Uint8ClampedArray } {
  const img = new Image();
  img.src = png;
  const ctx = createCanvas(img.width, img.height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

/**
 * How unlike two pictures of the same size are: of the pixels inked (darker than near-white) in either, the share
 * whose colours differ by more than `tolerance` in some channel.
 */
export function inkMismatch(a: Uint8ClampedArray, b: Uint8ClampedArray, tolerance = 96): number {
  let inked = 0;
  let differ = 0;
  for (let i = 0; i < a.length; i += 4) {
    const ink = (d: Uint8ClampedArray) => d[i]! < 235 || d[i + 1]! < 235 || d[i + 2]! < 235;
    if (!ink(a) && !ink(b)) continue;
    inked++;
    const diff = Math.max(
      Math.abs(a[i]! - b[i]!),
      Math.abs(a[i + 1]! - b[i + 1]!),
      Math.abs(a[i + 2]! - b[i + 2]!),
    );
    if (diff > tolerance) differ++;
  }
  return inked ? differ / inked : 0;
}
