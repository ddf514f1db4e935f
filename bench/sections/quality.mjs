// Print quality: the first chart of each sample PDF rasterized at 1200 dpi (a 300 dpi chart at 400%) by
// poppler, compared with the vector chart: edge sharpness (gradient energy, vector = 100%) and the mean
// difference per pixel.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { round, tempDir } from '../lib.mjs';
import { VARIANTS, samplePdf } from './pdf.mjs';

const DPI = 1200;

function have(tool) {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Page and box (points, from the top left) of the first chart, as the page builder placed it (the build's own
 * layout result): no guessing from text extraction, whose word splitting differs between poppler versions.
 */
function firstChart(sample) {
  const box = sample.figures[0];
  if (!box) throw new Error('bench: the sample PDF has no chart');
  return box;
}

function gray(pdf, box) {
  const prefix = path.join(tempDir(), 'crop');
  const px = (pt) => String(Math.round((pt * DPI) / 72));
  execFileSync('pdftoppm', [
    '-gray',
    '-r',
    String(DPI),
    '-f',
    String(box.page),
    '-l',
    String(box.page),
    '-x',
    px(box.x),
    '-y',
    px(box.y),
    '-W',
    px(box.width),
    '-H',
    px(box.height),
    '-singlefile',
    pdf,
    prefix,
  ]);
  const buf = readFileSync(`${prefix}.pgm`);
  // P5 header: magic, width, height, maxval, each followed by whitespace.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 64).toString('latin1'));
  return { w: Number(header[1]), h: Number(header[2]), px: buf.subarray(header[0].length) };
}

/** Gradient energy: the sum of squared differences between neighbouring pixels. Blur spreads an edge over
 * more pixels with smaller steps, so it lowers this; a crisp edge keeps it. */
function energy(img) {
  let e = 0;
  for (let y = 0; y < img.h - 1; y++)
    for (let x = 0; x < img.w - 1; x++) {
      const i = y * img.w + x;
      const dx = img.px[i + 1] - img.px[i];
      const dy = img.px[i + img.w] - img.px[i];
      e += dx * dx + dy * dy;
    }
  return e;
}

function metrics(img, ref) {
  let diff = 0;
  for (let i = 0; i < img.px.length; i++) diff += Math.abs(img.px[i] - ref.px[i]);
  return {
    sharpnessPct: round((energy(img) / energy(ref)) * 100, 1),
    meanDiff: round(diff / img.px.length, 2),
  };
}

export default {
  name: 'quality',
  title: `the first chart at ${DPI} dpi (400% of 300 dpi), compared with the vector chart`,
  async run(ctx) {
    if (!have('pdftoppm'))
      return {
        columns: ['charts', 'note'],
        rows: [['—', 'needs poppler-utils (pdftoppm)']],
        data: null,
      };
    const svg = await samplePdf(ctx, 'svg');
    const box = firstChart(svg);
    const ref = gray(svg.file, box);
    const data = {};
    for (const [name] of VARIANTS) {
      if (name === 'none') continue;
      const img = gray((await samplePdf(ctx, name)).file, box);
      if (img.px.length !== ref.px.length) throw new Error('bench: crops differ in size');
      data[name] = metrics(img, ref);
    }
    return {
      columns: ['charts', 'edge sharpness % of vector', 'mean diff from vector (0–255)'],
      rows: VARIANTS.filter(([name]) => data[name]).map(([name, label]) => [
        label,
        data[name].sharpnessPct,
        data[name].meanDiff,
      ]),
      notes: [`crop: page ${box.page}, ${round(box.width)}×${round(box.height)} pt at ${DPI} dpi`],
      data: { dpi: DPI, ...data },
    };
  },
};
