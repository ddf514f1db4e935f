import { createRequire } from 'node:module';

/**
 * Modules pdfkit and fontkit load when they load but use only for what a build seldom does: fontkit's WOFF2
 * decompressor (brotli, for `.woff2` faces), the Unicode character properties fontkit shapes complex scripts
 * with and classifies glyphs made from characters by (a face's record answers most of those), and pdfkit's AES
 * (encrypted PDFs). Together ~25 ms of every cold start. Each is put in Node's module cache as a stand-in that
 * loads the real module the first time it is used and forwards everything to it.
 */
const DEFERRED: { parent: string; request: string }[] = [
  { parent: 'fontkit', request: 'brotli/decompress.js' },
  { parent: 'fontkit', request: 'unicode-properties' },
  { parent: 'pdfkit', request: '@noble/ciphers/aes' },
];

/** Installs the stand-ins; `paths` are the files of pdfkit and fontkit, as the caller resolved them. Once. */
export function deferModules(paths: { pdfkit: string; fontkit: string }): void {
  for (const { parent, request } of DEFERRED) {
    const require = createRequire(paths[parent as keyof typeof paths]);
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
    // brotli's module is a function; the others are objects of functions.
    const target = request.startsWith('brotli') ? () => undefined : {};
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
