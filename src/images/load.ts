import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { error, type Diagnostic, type Place } from '../diagnostics/diagnostic.js';
import type { Block, ImageBlock } from '../document/types.js';

/** An image file of the pack, checked and read: PNG or JPEG bytes, or SVG text, and its natural size in points. */
export interface LoadedImage {
  format: 'png' | 'jpeg' | 'svg';
  /** The file's bytes (PNG, JPEG), drawn by pdfkit. */
  bytes?: Buffer;
  /** The SVG's text, drawn by svg-to-pdfkit. */
  svg?: string;
  /** Its size at 96 pixels to the inch (a pixel is ¾ pt), or as the SVG gives it. */
  width: number;
  height: number;
}

/** The largest image file read (bytes). */
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
/** The most pixels a PNG or JPEG may have (read from its header before anything decodes it), and the longest side. */
export const MAX_IMAGE_PIXELS = 40_000_000;
export const MAX_IMAGE_SIDE = 12_000;

const PX = 0.75;
const UNITS: Record<string, number> = { '': PX, px: PX, pt: 1, mm: 72 / 25.4, cm: 72 / 2.54, in: 72, pc: 12 };

/** A PNG's width and height from its IHDR chunk (bytes 16–23), or undefined when it is not a PNG. */
function pngSize(b: Buffer): { width: number; height: number } | undefined {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length < 24 || sig.some((x, i) => b[i] !== x) || b.toString('latin1', 12, 16) !== 'IHDR')
    return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** A JPEG's width and height from its first start-of-frame segment, or undefined when it is not a JPEG. */
function jpegSize(b: Buffer): { width: number; height: number } | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const m = b[i + 1]!;
    if (m === 0xff) {
      i++;
      continue;
    }
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2;
      continue;
    }
    // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    if (m === 0xd9 || m === 0xda) return undefined;
    i += 2 + b.readUInt16BE(i + 2);
  }
  return undefined;
}

const require = createRequire(import.meta.url);

/**
 * Why a PNG or JPEG does not decode (a damaged or truncated file), or undefined when it does: decoded once here
 * with canvas (libpng, libjpeg: checksums and the compressed data), after its header passed the pixel limit, so
 * that the emitter never meets a file it cannot draw.
 */
function decodeFailure(bytes: Buffer): string | undefined {
  const { Image } = require('canvas') as typeof import('canvas');
  const img = new Image();
  let failure: string | undefined;
  img.onerror = (e: Error) => {
    failure = e.message;
  };
  img.src = bytes;
  return failure ?? (img.complete && img.width > 0 ? undefined : 'it has no pixels');
}

/** An SVG's root element and its size in points (width/height, else the viewBox in pixels). */
function svgSize(
  text: string,
): { width: number; height: number } | 'no-svg' | 'entities' | 'text' | 'no-size' {
  if (/<!ENTITY/i.test(text)) return 'entities';
  // svg-to-pdfkit would set its text in a standard PDF font, unembedded and without Chinese.
  if (/<(?:[\w-]+:)?text\b/.test(text)) return 'text';
  const head = text.replace(/^\uFEFF/, '').replace(/<\?xml[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, '');
  const tag = /^\s*<svg\b[^>]*>/.exec(head)?.[0];
  if (!tag) return 'no-svg';
  const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`).exec(tag)?.[1];
  const length = (v: string | undefined) => {
    const m = v === undefined ? null : /^\s*([\d.]+)\s*(px|pt|mm|cm|in|pc)?\s*$/.exec(v);
    return m ? Number(m[1]) * UNITS[m[2] ?? '']! : undefined;
  };
  const box = attr('viewBox')
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  const bw = box && box.length === 4 && box[2]! > 0 ? box[2]! * PX : undefined;
  const bh = box && box.length === 4 && box[3]! > 0 ? box[3]! * PX : undefined;
  let width = length(attr('width'));
  let height = length(attr('height'));
  if (width === undefined && height === undefined) [width, height] = [bw, bh];
  else if (width === undefined && height && bw && bh) width = (height * bw) / bh;
  else if (height === undefined && width && bw && bh) height = (width * bh) / bw;
  if (!width || !height || !Number.isFinite(width) || !Number.isFinite(height)) return 'no-size';
  return { width, height };
}

/**
 * Reads the file an `<image src>` names, relative to the template pack: only inside the pack (no absolute path,
 * no `..`, no symbolic link that leads out), no larger than the limits (file size; a PNG's or JPEG's pixel
 * dimensions, read from its header before anything decodes it, so a small file that would inflate into a huge
 * bitmap is refused), and only PNG, JPEG or SVG, told by the file's first bytes.
 */
export function loadImage(
  src: string,
  packDir: string,
  place: Place | undefined,
): { image?: LoadedImage; diagnostics: Diagnostic[] } {
  const at = place ? { place } : {};
  const fail = (code: Parameters<typeof error>[0], message: string, hint: string) => ({
    diagnostics: [error(code, message, { ...at, hint })],
  });
  const parts = src.split(/[\\/]+/);
  if (
    path.isAbsolute(src) ||
    /^[a-zA-Z]:/.test(src) ||
    parts.includes('..') ||
    /^[a-z][a-z0-9+.-]*:/i.test(src)
  )
    return fail(
      'image:outside-pack',
      `<image src="${src}">: an image must be a file inside the template pack`,
      'put the file in the pack (e.g. images/logo.svg) and give its path relative to the pack folder',
    );
  const root = realpathSync(packDir);
  const file = path.resolve(root, src);
  if (!existsSync(file) || !statSync(file).isFile())
    return fail(
      'image:missing',
      `<image src="${src}">: no such file in the template pack`,
      `the path is relative to the pack folder ${packDir}; check the spelling and the file's place`,
    );
  const real = realpathSync(file);
  if (!real.startsWith(root + path.sep))
    return fail(
      'image:outside-pack',
      `<image src="${src}"> leads outside the template pack (a symbolic link)`,
      'a template pack may only read its own files: copy the image into the pack instead of linking to it',
    );
  const size = statSync(real).size;
  if (size > MAX_IMAGE_BYTES)
    return fail(
      'image:too-large',
      `<image src="${src}">: the file is ${(size / 1048576).toFixed(1)} MB, over the limit of ${MAX_IMAGE_BYTES / 1048576} MB`,
      'make the image smaller (a logo needs no more than a few hundred pixels; SVG for drawings)',
    );
  const bytes = readFileSync(real);
  const raster = pngSize(bytes) ?? jpegSize(bytes);
  if (raster) {
    const format = bytes[0] === 0x89 ? 'png' : 'jpeg';
    const { width, height } = raster;
    if (width === 0 || height === 0)
      return fail(
        'image:format',
        `<image src="${src}">: the ${format.toUpperCase()} has no pixels`,
        'export it again',
      );
    if (width * height > MAX_IMAGE_PIXELS || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE)
      return fail(
        'image:too-large',
        `<image src="${src}">: ${width} × ${height} pixels, over the limit of ${MAX_IMAGE_PIXELS / 1e6} million pixels (${MAX_IMAGE_SIDE} a side)`,
        'scale the image down: 300 pixels to the inch at its printed size is enough',
      );
    // canvas's own words for a failure are no help (libpng's "out of memory" for a bad checksum): not shown.
    if (decodeFailure(bytes))
      return fail(
        'image:format',
        `<image src="${src}">: the ${format.toUpperCase()} file is damaged: it does not decode`,
        'export or download the image again',
      );
    return { image: { format, bytes, width: width * PX, height: height * PX }, diagnostics: [] };
  }
  const text = bytes.toString('utf8');
  const svg = svgSize(text);
  if (svg === 'no-svg')
    return fail(
      'image:format',
      `<image src="${src}">: not a PNG, JPEG or SVG file`,
      'convert it to PNG (photos: JPEG; drawings and logos: SVG)',
    );
  if (svg === 'entities')
    return fail(
      'image:format',
      `<image src="${src}">: an SVG that declares XML entities`,
      'remove the <!DOCTYPE …> with its <!ENTITY …> declarations (Briefing does not expand them)',
    );
  if (svg === 'text')
    return fail(
      'image:format',
      `<image src="${src}">: an SVG with <text>, which would be set in a font the PDF does not embed`,
      'convert its text to outlines (Inkscape: Path → Object to Path), or write the text in the template',
    );
  if (svg === 'no-size')
    return fail(
      'image:format',
      `<image src="${src}">: the SVG gives no size (no width and height, no viewBox)`,
      'add a viewBox="0 0 W H" to its <svg> element',
    );
  return { image: { format: 'svg', svg: text, ...svg }, diagnostics: [] };
}

/** Reads every `<image>` of the document (each file once per element), with a diagnostic for each bad one. */
export function loadImages(
  blocks: readonly Block[],
  packDir: string,
): { images: Map<ImageBlock, LoadedImage>; diagnostics: Diagnostic[] } {
  const images = new Map<ImageBlock, LoadedImage>();
  const diagnostics: Diagnostic[] = [];
  const visit = (list: readonly Block[]) => {
    for (const b of list) {
      if (b.type === 'image') {
        const r = loadImage(b.src, packDir, b.place);
        diagnostics.push(...r.diagnostics);
        if (r.image) images.set(b, r.image);
      } else if (b.type === 'columns' || b.type === 'section') visit(b.children);
    }
  };
  visit(blocks);
  return { images, diagnostics };
}
