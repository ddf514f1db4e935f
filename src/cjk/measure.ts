import * as fontkit from 'fontkit';
import type { Measurer } from './prepare.js';

/** A style for `fontkitMeasurer`: a font file and a size in points. */
export interface FontStyle {
  file: string;
  size: number;
}

/** Measures with fontkit directly (for tests and benchmarks of the engine outside pdfmake). */
export function fontkitMeasurer(styles: readonly FontStyle[]): Measurer {
  const fonts = styles.map((s) => {
    const f = fontkit.openSync(s.file);
    if (!('layout' in f)) throw new Error(`${s.file} is a font collection`);
    return f;
  });
  const cache = new Map<string, number>();
  return {
    width(text, style, features) {
      const key = `${style}|${features.join(',')}|${text}`;
      let w = cache.get(key);
      if (w === undefined) {
        const f = fonts[style]!;
        w = (f.layout(text, [...features]).advanceWidth / f.unitsPerEm) * styles[style]!.size;
        cache.set(key, w);
      }
      return w;
    },
    em: (style) => styles[style]!.size,
  };
}
