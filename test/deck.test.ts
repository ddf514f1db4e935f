import { describe, expect, it } from 'vitest';
import { pdftotext } from './support/pdf.js';
import { buildMonthlyReport } from './support/monthly.js';

// A deck (the line of display text beside or under the headline) that takes two lines breaks where a reader
// pauses, after a clause's mark, as a newspaper's layout desk breaks it — not wherever the measure runs out.

/** The first page's lines (as pdftotext reads them) of the monthly report with this deck. */
async function firstPage(deck: string): Promise<string[]> {
  const pdf = await buildMonthlyReport((yaml) => yaml.replace(/^deck: .*$/m, `deck: '${deck}'`));
  return (await pdftotext(pdf, '-f', '1', '-l', '1')).split('\n').map((l) => l.trim());
}

/** The lines between the headline and the dateline. */
function deckOf(lines: string[]): string[] {
  const from = lines.findIndex((l) => l.startsWith('珠晖分公司'));
  const to = lines.findIndex((l) => /^\d{4}年\d+月\d+日/.test(l));
  return lines.slice(from + 1, to).filter((l) => l !== '');
}

describe('a deck of two lines', () => {
  it('breaks after its clause mark, not before a figure left alone', async () => {
    // Set to the measure beside the headline it would be 一季度收官，营收同比增长 / 8.1%.
    expect(deckOf(await firstPage('一季度收官，营收同比增长8.1%'))).toEqual([
      '一季度收官，',
      '营收同比增长8.1%',
    ]);
  });

  it('takes the break that makes its lines most even when it has several', async () => {
    expect(deckOf(await firstPage('收官，营收同比增长，超额完成目标'))).toEqual([
      '收官，营收同比增长，',
      '超额完成目标',
    ]);
  });

  it('is set as the engine sets it when no clause break fits, never starting a line with a mark', async () => {
    for (const deck of ['营收同比增长百分之八并超额完成目标', '营收增长8.1%，——超额完成目标']) {
      const lines = deckOf(await firstPage(deck));
      expect(lines.length, deck).toBe(2);
      expect(lines.join(''), deck).toBe(deck);
      expect(lines[1], deck).not.toMatch(/^[—，。、；：！？]/);
    }
  });
});
