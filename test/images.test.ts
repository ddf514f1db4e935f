import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCanvas } from 'canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../src/pipeline/pipeline.js';
import { loadImage, MAX_IMAGE_BYTES } from '../src/images/load.js';
import { poppler } from './support/pdf.js';
import { tempTree } from './support/tmp.js';

const root = path.resolve(import.meta.dirname, '..');
const monthly = path.join(root, 'templates/monthly-report');

/** A small raster drawn with canvas: a red square on white, `w` × `h` pixels. */
function raster(type: 'image/png' | 'image/jpeg', w = 60, h = 30): Buffer {
  const c = createCanvas(w, h);
  const g = c.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, w, h);
  g.fillStyle = '#ff0000';
  g.fillRect(0, 0, w / 2, h);
  return type === 'image/png' ? c.toBuffer('image/png') : c.toBuffer('image/jpeg');
}

/** A PNG whose header claims `w` × `h` pixels, followed by nothing: what a decompression bomb shows first. */
function pngHeader(w: number, h: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  b[24] = 8;
  b[25] = 2;
  return b;
}

const SVG =
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"><rect width="50" height="50" fill="#00f"/></svg>';
const place = { file: 'template.hbs', start: { line: 3, column: 5 } };

describe('loading an <image> file of the pack', () => {
  const pack = tempTree({
    'a.png': raster('image/png', 40, 20),
    'images/b.jpg': raster('image/jpeg', 30, 60),
    'c.svg': SVG,
    'mm.svg':
      '<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="10mm"><rect width="5" height="5"/></svg>',
    'anim.gif': Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
    'bomb.png': pngHeader(50_000, 50_000),
    'side.png': pngHeader(20_000, 10),
    'entities.svg': '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg viewBox="0 0 1 1">&a;</svg>',
    'text.svg': '<svg viewBox="0 0 10 10"><text x="0" y="8">公司</text></svg>',
    'damaged.png': (() => {
      const b = raster('image/png');
      for (let i = 40; i < b.length - 20; i++) b[i]! ^= 0x5a;
      return b;
    })(),
    'truncated.jpg': raster('image/jpeg', 80, 80).subarray(0, 300),
    'nosize.svg': '<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>',
    'huge.svg': `<svg viewBox="0 0 1 1"><!--${'x'.repeat(MAX_IMAGE_BYTES)}--></svg>`,
    'folder/x.txt': 'x',
  });
  const outside = tempTree({ 'secret.png': raster('image/png') });
  symlinkSync(path.join(outside, 'secret.png'), path.join(pack, 'link.png'));
  const load = (src: string) => loadImage(src, pack, place);
  const code = (src: string) => load(src).diagnostics.map((d) => d.code);

  it('reads PNG, JPEG and SVG, at 96 pixels to the inch or the size the SVG gives', () => {
    expect(load('a.png').image).toMatchObject({ format: 'png', width: 30, height: 15 });
    expect(load('images/b.jpg').image).toMatchObject({ format: 'jpeg', width: 22.5, height: 45 });
    expect(load('./c.svg').image).toMatchObject({ format: 'svg', width: 75, height: 37.5 });
    const mm = load('mm.svg').image!;
    expect(mm.width).toBeCloseTo((20 * 72) / 25.4);
    expect(mm.height).toBeCloseTo((10 * 72) / 25.4);
    expect(load('a.png').diagnostics).toEqual([]);
  });

  it('refuses a path out of the pack: .., absolute, a URL, a symbolic link', () => {
    for (const src of [
      '../secret.png',
      'images/../../x.png',
      '/etc/passwd',
      'http://example.com/a.png',
      'link.png',
    ])
      expect(code(src), src).toEqual(['image:outside-pack']);
    const d = load('link.png').diagnostics[0]!;
    expect(d.place).toEqual(place);
    expect(d.hint).toMatch(/copy the image into the pack/);
  });

  it('reports a missing file, a folder, another format, a decompression bomb, an oversized file', () => {
    expect(code('logo.png')).toEqual(['image:missing']);
    expect(code('folder')).toEqual(['image:missing']);
    expect(code('anim.gif')).toEqual(['image:format']);
    expect(code('folder/x.txt')).toEqual(['image:format']);
    expect(code('entities.svg')).toEqual(['image:format']);
    expect(code('nosize.svg')).toEqual(['image:format']);
    // Damaged files are found here, not by the emitter (which would stop with an internal error).
    expect(code('damaged.png')).toEqual(['image:format']);
    expect(code('truncated.jpg')).toEqual(['image:format']);
    expect(load('text.svg').diagnostics[0]!.message).toMatch(/SVG with <text>/);
    // 2.5 billion pixels claimed by a 33-byte file: refused from the header, before any decoding.
    expect(load('bomb.png').diagnostics[0]!.message).toMatch(/50000 × 50000 pixels/);
    expect(code('side.png')).toEqual(['image:too-large']);
    expect(code('huge.svg')).toEqual(['image:too-large']);
  });
});

/** The monthly report pack with a body that shows a PNG, a JPEG and an SVG of its own. */
function packWithImages(body: string): string {
  const dir = tempTree({});
  const pack = path.join(dir, 'pack');
  cpSync(monthly, pack, { recursive: true });
  mkdirSync(path.join(pack, 'img'));
  writeFileSync(path.join(pack, 'img/chart.png'), raster('image/png', 300, 150));
  writeFileSync(path.join(pack, 'img/photo.jpg'), raster('image/jpeg', 200, 200));
  writeFileSync(path.join(pack, 'img/plan.svg'), SVG);
  const template = readFileSync(path.join(pack, 'template.hbs'), 'utf8');
  writeFileSync(
    path.join(pack, 'template.hbs'),
    template.replace('<body columns="1">', `<body columns="1">${body}`),
  );
  return pack;
}

/** The RGB pixels of a page as pdftoppm renders it at 30 dpi. */
async function render(pdf: Buffer, page: number): Promise<[number, number, number][]> {
  const dir = tempTree({ 'in.pdf': pdf });
  const { stdout } = await promisify(execFile)(
    'pdftoppm',
    ['-r', '30', '-f', String(page), '-l', String(page), path.join(dir, 'in.pdf')],
    { encoding: 'buffer', maxBuffer: 64 << 20 },
  );
  // P6 <w> <h> 255\n then the bytes.
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(stdout.toString('latin1', 0, 40))!;
  const out: [number, number, number][] = [];
  for (let i = header[0].length; i + 2 < stdout.length; i += 3)
    out.push([stdout[i]!, stdout[i + 1]!, stdout[i + 2]!]);
  return out;
}

const dataFile = path.join(root, 'data/monthly-sample.yaml');

describe('a build with images', () => {
  it('numbers the objects of images with transparency in the order they are drawn, the same every build', async () => {
    // pdfkit decodes such a PNG asynchronously and numbers its soft mask when decoding ends: a large image drawn
    // first finished after a small one drawn next, and builds of the same input could differ.
    const noisy = (w: number, h: number) => {
      const c = createCanvas(w, h);
      const g = c.getContext('2d');
      const img = g.createImageData(w, h);
      let seed = 7;
      for (let i = 0; i < img.data.length; i++)
        img.data[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 255;
      g.putImageData(img, 0, 0);
      return c.toBuffer('image/png');
    };
    const pack = packWithImages(
      '<image src="img/big.png" alt="大图" width="40mm"/><image src="img/small.png" alt="小图" width="10mm"/>',
    );
    writeFileSync(path.join(pack, 'img/big.png'), noisy(1000, 1000));
    writeFileSync(path.join(pack, 'img/small.png'), noisy(16, 16));
    const masks = (pdf: Buffer) => {
      const byWidth = new Map<number, number>();
      for (const m of pdf
        .toString('latin1')
        .matchAll(/\/Subtype \/Image[^>]*?\/Width (\d+)[^>]*?\/SMask (\d+) 0 R/gs))
        byWidth.set(Number(m[1]), Number(m[2]));
      return byWidth;
    };
    const first = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const order = masks(first.pdf!);
    expect(order.get(1000)).toBeLessThan(order.get(16)!);
    const again = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(again.pdf!.equals(first.pdf!)).toBe(true);
  });

  it('draws them where they stand and tags each as a Figure with its alt text', async () => {
    const pack = packWithImages(
      '<image src="img/chart.png" alt="柱状示意" width="60mm"/><image src="img/photo.jpg" alt="办公楼照片" height="20mm"/>' +
        '<image src="img/plan.svg" alt="平面图" width="40mm"/>',
    );
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const pdf = r.pdf!;
    // The PNG and the JPEG are image XObjects (the JPEG kept as DCT); the SVG and the logo are drawn as vectors.
    const list = (await poppler('pdfimages', pdf, '-list'))
      .split('\n')
      .slice(2)
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[2] === 'image');
    expect(list.map((c) => `${c[3]}x${c[4]} ${c[8]}`)).toEqual(['300x150 image', '200x200 jpeg']);
    // The structure tree as pdf.js reads it: a Figure per image with its /Alt, the logo's first.
    const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
    const alts: string[] = [];
    type Node = { role?: string; alt?: string; children?: Node[] };
    const walk = (n: Node) => {
      if (n.role === 'Figure' && n.alt && !n.alt.startsWith('图')) alts.push(n.alt);
      for (const c of n.children ?? []) walk(c);
    };
    for (let i = 1; i <= doc.numPages; i++)
      walk((await (await doc.getPage(i)).getStructTree()) as unknown as Node);
    await doc.destroy();
    expect(alts).toEqual(['珠晖分公司的标志', '柱状示意', '办公楼照片', '平面图']);
    // The SVG's pure blue square (nothing else in the report is #0000ff) is drawn: pdftoppm shows it.
    const pixels = await render(pdf, 1);
    const blue = pixels.filter((p) => p[0] < 40 && p[1] < 40 && p[2] > 215).length;
    const red = pixels.filter((p) => p[0] > 215 && p[1] < 40 && p[2] < 40).length;
    expect(blue).toBeGreaterThan(50);
    expect(red).toBeGreaterThan(50);
  });

  it('stops with each bad image at its template place, nothing written', async () => {
    const pack = packWithImages(
      '<image src="img/none.png" alt="无"/><image src="../template.hbs" alt="外"/><image src="template.hbs" alt="格式"/>',
    );
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.place?.start?.line])).toEqual([
      ['image:missing', 11],
      ['image:outside-pack', 11],
      ['image:format', 11],
    ]);
    expect(r.diagnostics.every((d) => d.place?.file.endsWith('template.hbs'))).toBe(true);
  });

  it('sets an image wider than its column at the column width, with a warning', async () => {
    const pack = packWithImages('<image src="img/chart.png" alt="宽图" width="400mm"/>');
    const r = await buildReport({ templateDir: pack, dataFile, write: false, cacheDir: false });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.code === 'image:too-wide')).toHaveLength(1);
  });
});
