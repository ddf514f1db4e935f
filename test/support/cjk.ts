import { createRequire } from 'node:module';
import path from 'node:path';
import { fontkitMeasurer } from '../../src/cjk/measure.js';

const require = createRequire(import.meta.url);
const pkgDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** Noto Serif SC Regular at 10 pt (style 0) and Noto Sans SC Bold at 10 pt (style 1), measured with fontkit. */
export const SERIF = path.join(
  pkgDir('@expo-google-fonts/noto-serif-sc'),
  '400Regular/NotoSerifSC_400Regular.ttf',
);
export const SANS_BOLD = path.join(
  pkgDir('@expo-google-fonts/noto-sans-sc'),
  '700Bold/NotoSansSC_700Bold.ttf',
);
export const measurer = fontkitMeasurer([
  { file: SERIF, size: 10 },
  { file: SANS_BOLD, size: 10 },
]);
