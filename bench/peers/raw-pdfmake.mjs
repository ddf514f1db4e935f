// The benchmark's first peer: the sample briefing as a hand-written pdfmake 0.3 document definition, set by
// plain pdfmake the way a user without Briefing would do it. Same text (data/hengyang-2020.yaml), same page,
// type area, sizes and colours as templates/annual-briefing, but pdfmake's own line breaking and justification.
// Charts are left out: each figure keeps its caption and source line and an empty rectangle of the chart's size
// (we compare typesetting, not charting).
//
// Imports nothing from dist/: Briefing patches pdfmake's line builder when its modules load, so this file must
// run in a process where they were never imported (the benchmark runs each peer in its own process).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pdfmake from 'pdfmake';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultFontsDir = path.join(root, 'node_modules/@expo-google-fonts');
export const defaultDataFile = path.join(root, 'data/hengyang-2020.yaml');

const mm = 72 / 25.4;
const RED = '#b5121b';
const TEXT = '#1a1a1a';
const MUTED = '#6b6b6b';

// Geometry of the sample: A4, two columns of 23 characters of 10.5 pt with a 2-character gutter, centred.
const PAGE = { width: 595.28, height: 841.89 };
const SIZE = 10.5;
const PITCH = 1.7 * SIZE; // baseline to baseline
const COLUMN = 23 * SIZE; // 241.5 pt
const GUTTER = 2 * SIZE;
const TEXT_WIDTH = 2 * COLUMN + GUTTER; // 504 pt
const SIDE = (PAGE.width - TEXT_WIDTH) / 2;
const MARGINS = [SIDE, 18 * mm, SIDE, 20 * mm];
const FIGURE_HEIGHT = 9 * PITCH; // the theme's chart height: 9 lines
// pdfmake's lineHeight multiplies the font's line box (ascender − descender, 1.437 em in Noto Serif SC).
const lineHeight = (pitch, size, box = 1.437) => pitch / (size * box);

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';

function dateline(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日 ${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}`;
}

/** A two-character name is written with an ideographic space between, as the template does. */
function personName(s) {
  const chars = [...s.trim()];
  return chars.length === 2 ? chars.join('\u3000') : s.trim();
}

function fonts(fontsDir) {
  const serif = (w) => path.join(fontsDir, `noto-serif-sc/${w}/NotoSerifSC_${w}.ttf`);
  const sans = (w) => path.join(fontsDir, `noto-sans-sc/${w}/NotoSansSC_${w}.ttf`);
  return {
    serif: {
      normal: serif('400Regular'),
      bold: serif('700Bold'),
      italics: serif('400Regular'),
      bolditalics: serif('700Bold'),
    },
    sans: {
      normal: sans('400Regular'),
      bold: sans('700Bold'),
      italics: sans('400Regular'),
      bolditalics: sans('700Bold'),
    },
  };
}

const rule = (width, lineWidth, color, margin = [0, 0, 0, 0]) => ({
  canvas: [
    { type: 'line', x1: 0, y1: lineWidth / 2, x2: width, y2: lineWidth / 2, lineWidth, lineColor: color },
  ],
  margin,
});

function figure(fig, no) {
  const unit = fig.unit && fig.unit !== '%' ? `（单位：${fig.unit}）` : '';
  return {
    stack: [
      {
        text: `图${no}\u3000${fig.title}${unit}`,
        font: 'sans',
        bold: true,
        fontSize: 9,
        margin: [0, PITCH * 0.6, 0, 4],
      },
      // Placeholder where the chart goes: same size as Briefing's chart, drawn empty.
      {
        canvas: [
          { type: 'rect', x: 0, y: 0, w: COLUMN, h: FIGURE_HEIGHT, lineWidth: 0.5, lineColor: '#bfbfbf' },
        ],
      },
      ...(fig.source
        ? [
            {
              text: `数据来源：${fig.source}`,
              font: 'sans',
              fontSize: 7.875,
              color: MUTED,
              margin: [0, 3, 0, 6],
            },
          ]
        : []),
    ],
    unbreakable: true,
  };
}

/** The document definition, written out by hand from the data. */
export function rawDefinition(data) {
  const running = `${data.headline} · ${data.deck}`;
  const date = dateline(String(data.date));
  let figureNo = 0;
  const body = [];
  data.sections.forEach((section, i) => {
    body.push({
      text: [{ text: `措施${CIRCLED[i]}`, color: RED }, `：${section.title}`],
      font: 'sans',
      bold: true,
      fontSize: 12,
      lineHeight: lineHeight(PITCH, 12, 1.448),
      margin: [0, PITCH, 0, 0],
      outline: true,
    });
    for (const p of section.paragraphs) body.push({ text: p, alignment: 'justify', leadingIndent: 2 * SIZE });
    for (const fig of section.figures ?? []) body.push(figure(fig, ++figureNo));
    if (data.pullQuote && i + 1 === data.pullQuote.afterSection)
      body.push({
        table: {
          widths: ['*'],
          body: [
            [
              {
                text: data.pullQuote.text,
                font: 'serif',
                bold: true,
                fontSize: 21,
                color: RED,
                alignment: 'center',
                lineHeight: lineHeight(2 * PITCH, 21),
              },
            ],
          ],
        },
        layout: {
          hLineWidth: () => 1.5,
          hLineColor: () => RED,
          vLineWidth: () => 0,
          paddingLeft: () => 0,
          paddingRight: () => 0,
          paddingTop: () => 0,
          paddingBottom: () => 0,
        },
        margin: [0, PITCH, 0, PITCH],
        unbreakable: true,
      });
  });
  body[0].margin = [0, 0, 0, 0]; // no space above the first head

  return {
    pageSize: { width: PAGE.width, height: PAGE.height },
    pageMargins: MARGINS,
    language: 'zh-CN',
    info: {
      title: data.meta?.title ?? data.headline,
      author: data.meta?.author,
      subject: data.meta?.subject,
      keywords: (data.meta?.keywords ?? []).join(', '),
      creationDate: new Date(`${data.date}T00:00:00Z`),
    },
    defaultStyle: { font: 'serif', fontSize: SIZE, lineHeight: lineHeight(PITCH, SIZE), color: TEXT },
    header: (page) =>
      page === 1
        ? { text: '' }
        : {
            stack: [
              { text: date, alignment: 'right', font: 'sans', fontSize: 8.5, color: MUTED, lineHeight: 1 },
              {
                text: running,
                font: 'sans',
                fontSize: 8.5,
                color: MUTED,
                lineHeight: 1,
                margin: [0, -8.5 * 1.448, 0, 0],
              },
              rule(TEXT_WIDTH, 0.5, TEXT, [0, 3, 0, 0]),
            ],
            margin: [SIDE, MARGINS[1] - 8.5 * 2.6, SIDE, 0],
          },
    footer: (page, pages) => ({
      text: `第 ${page} 页 / 共 ${pages} 页`,
      alignment: 'center',
      font: 'sans',
      fontSize: 8.5,
      color: MUTED,
      margin: [0, MARGINS[3] / 2 - 8.5, 0, 0],
    }),
    content: [
      // Kicker between a heavy red rule and a hairline.
      rule(TEXT_WIDTH, 2.5, RED),
      {
        text: data.kicker,
        font: 'sans',
        bold: true,
        fontSize: 11,
        color: RED,
        characterSpacing: 0.3 * 11,
        margin: [0, 5, 0, 4],
      },
      rule(TEXT_WIDTH, 0.5, TEXT, [0, 0, 0, 6]),
      // Masthead: the headline word, deck and dateline beside it.
      {
        columns: [
          {
            width: 'auto',
            text: data.headline,
            font: 'sans',
            bold: true,
            fontSize: 132,
            color: RED,
            lineHeight: (1.16 + 0.14) / 1.448,
          },
          {
            width: '*',
            stack: [
              { text: data.deck, font: 'sans', bold: true, fontSize: 18, margin: [0, 0, 0, 6] },
              { text: date, font: 'sans', fontSize: 9.5, color: MUTED },
            ],
            margin: [1.5 * SIZE, 132 * 0.42, 0, 0],
          },
        ],
        columnGap: 0,
        margin: [0, 4, 0, 10],
      },
      // Lead: bold serif across the type area.
      {
        stack: data.lead.map((p) => ({
          text: p,
          bold: true,
          fontSize: 12,
          lineHeight: lineHeight(1.6 * 12, 12),
          alignment: 'justify',
          leadingIndent: 24,
        })),
        margin: [0, 4, 0, 6],
      },
      {
        text: [{ text: '■', color: RED }, `${data.byline.label} ${personName(data.byline.name)}`],
        font: 'sans',
        bold: true,
        fontSize: 11,
        margin: [0, 0, 0, 10],
      },
      // KPI strip.
      {
        table: {
          widths: data.kpis.map(() => '*'),
          body: [
            data.kpis.map((k) => ({
              stack: [
                { text: k.value, font: 'sans', bold: true, fontSize: 24, color: RED, lineHeight: 1 },
                { text: k.label, font: 'sans', fontSize: 8.5, color: MUTED },
              ],
              alignment: 'center',
            })),
          ],
        },
        layout: {
          hLineWidth: (i) => (i === 0 ? 1.5 : 0.5),
          hLineColor: (i) => (i === 0 ? RED : TEXT),
          vLineWidth: (i, node) => (i === 0 || i === node.table.widths.length ? 0 : 0.5),
          vLineColor: () => MUTED,
          paddingTop: () => 6,
          paddingBottom: () => 6,
        },
        margin: [0, 0, 0, PITCH],
      },
      // Body: two snaking columns, justified.
      {
        columns: [
          { width: COLUMN, stack: body },
          { width: COLUMN, text: '' },
        ],
        columnGap: GUTTER,
        snakingColumns: true,
      },
    ],
  };
}

/** Builds the sample with plain pdfmake; fonts are read from their files by pdfmake itself. */
export async function buildRawPdfmake({ fontsDir = defaultFontsDir, dataFile = defaultDataFile } = {}) {
  const data = YAML.parse(readFileSync(dataFile, 'utf8'));
  pdfmake.setFonts(fonts(fontsDir));
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => true);
  return pdfmake.createPdf(rawDefinition(data)).getBuffer();
}
