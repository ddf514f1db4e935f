import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
} from 'chart.js';
import type { FontFamily } from '../fonts/fonts.js';
import { RecordingContext } from './context.js';
import type { ChartImage } from './family.js';
import type { PrintChartConfig } from './config.js';

let ready = false;

/**
 * Chart.js as Briefing draws with it: no animation, no resizing, one unit a point, and only what its charts use
 * (charts/config.ts: bar, line, pie and doughnut charts on category and linear axes, with a legend). Every plugin
 * registered is called at each of a chart's dozens of steps: Chart.js's title, subtitle, tooltip, filler,
 * decimation and colours plugins, which Briefing's charts switch off or never need, cost a tenth of each chart.
 */
function setUp(): void {
  if (ready) return;
  Chart.register(
    BarController,
    LineController,
    PieController,
    DoughnutController,
    ArcElement,
    BarElement,
    LineElement,
    PointElement,
    CategoryScale,
    LinearScale,
    Legend,
  );
  Chart.defaults.animation = false;
  Chart.defaults.responsive = false;
  Chart.defaults.devicePixelRatio = 1;
  ready = true;
}

/**
 * Draws a chart with Chart.js straight into a recording (context.ts): the drawing as pdfkit calls and the words
 * to set as text, `w` × `h` points. No canvas, no SVG: the PDF step replays the calls. Same inputs, same calls.
 */
export function renderVector(
  config: PrintChartConfig,
  w: number,
  h: number,
  fam: FontFamily,
  family: string,
): ChartImage {
  setUp();
  Chart.defaults.font.family = family;
  const ctx = new RecordingContext(w, h, fam);
  const chart = new Chart(ctx as unknown as ConstructorParameters<typeof Chart>[0], config);
  chart.destroy();
  return { format: 'svg', drawing: ctx.finish(), texts: ctx.texts, box: [w, h] };
}
