import { createRequire } from 'node:module';

/**
 * Modules pdfkit and fontkit load when they load but use only for what a build seldom does: fontkit's WOFF2
 * decompressor (brotli, for `.woff2` faces), the Unicode character properties fontkit shapes complex scripts
 * with and classifies glyphs made from characters by (a face's record answers most of those), and pdfkit's AES
 * (encrypted PDFs). Together ~25 ms of every cold start. Each is put in Node's module cache as a stand-in that
 * loads the real module the first time it is used and forwards everything to it.
 */
export interface Deferred {
  /** The module that requires it, by the name `deferModules` is given its file under. */
  parent: string;
  request: string;
  /** What the module's exports are: a function (brotli's) or an object of them. */
  kind: 'function' | 'object';
}

export const DEFERRED: readonly Deferred[] = [
  { parent: 'fontkit', request: 'brotli/decompress.js', kind: 'function' },
  { parent: 'fontkit', request: 'unicode-properties', kind: 'object' },
  { parent: 'pdfkit', request: '@noble/ciphers/aes', kind: 'object' },
];

/**
 * Installs the stand-ins; `parents` are the files of the requiring modules (pdfkit and fontkit, as the caller
 * resolved them). A module already loaded, or not found, is left alone.
 */
export function deferModules(parents: Record<string, string>, list: readonly Deferred[] = DEFERRED): void {
  for (const { parent, request, kind } of list) {
    const from = parents[parent];
    if (!from) continue;
    const require = createRequire(from);
    let file: string;
    try {
      file = require.resolve(request);
    } catch {
      continue;
    }
    if (require.cache[file]) continue;
    let real: unknown;
    const load = (): Record<PropertyKey, unknown> => {
      if (real === undefined) {
        delete require.cache[file];
        real = require(file);
      }
      return real as Record<PropertyKey, unknown>;
    };
    const target = kind === 'function' ? () => undefined : {};
    const stub = new Proxy(target, {
      apply: (_t, self, args) => Reflect.apply(load() as unknown as (...a: unknown[]) => unknown, self, args),
      get: (_t, key) => Reflect.get(load(), key),
      has: (_t, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_t, key) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), key);
        return d && { ...d, configurable: true };
      },
    });
    require.cache[file] = {
      id: file,
      filename: file,
      loaded: true,
      exports: stub,
      children: [],
      paths: [],
      path: file,
    } as unknown as NodeJS.Module;
  }
}
