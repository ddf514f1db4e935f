import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { breakParagraph, layoutParagraph } from '../src/cjk/breaker.js';
import { placeLine, type LaidLine } from '../src/cjk/justify.js';
import { prepare, type Measurer } from '../src/cjk/prepare.js';
import { splitOverlong } from '../src/cjk/overlong.js';
import { breakVariants } from '../src/cjk/variants.js';
import { noBreakAfter, noBreakBefore } from '../src/cjk/classes.js';
import { tokenize, type Token } from '../src/cjk/tokens.js';
import { measurer } from './support/cjk.js';

const EM = 10;
const tok = (text: string) => tokenize([{ text, style: 0 }]);
const texts = (ts: readonly Token[]) => ts.map((t) => t.text);

function lay(text: string, widthEm: number, indentEm = 0, justify = true) {
  const opts = { width: widthEm * EM, indent: indentEm * EM, justify };
  const p = splitOverlong(prepare(tok(text), measurer), 0, opts);
  const tokens = p.tokens;
  const lines = layoutParagraph(p, 0, opts);
  return { tokens, p, lines, text: (l: LaidLine) => l.tokens.map((t) => tokens[t.index]!.text).join('') };
}

describe('tokens', () => {
  const cases: [string, string[]][] = [
    ['2020年GDP增长3.0%', ['2020', '年', 'GDP', '增', '长', '3.0%']],
    ['他说——不是。等等……好', ['他', '说', '——', '不', '是', '。', '等', '等', '……', '好']],
    ['1—11月', ['1', '—', '11', '月']],
    ['𠮷野家', ['𠮷', '野', '家']],
    ['COVID-19疫情与A/B测试', ['COVID-19', '疫', '情', '与', 'A/B', '测', '试']],
    ['9347.64亿元，占11.39%。', ['9347.64', '亿', '元', '，', '占', '11.39%', '。']],
    ['iPhone 12 Pro发布', ['iPhone', ' ', '12', ' ', 'Pro', '发', '布']],
    ['比尔·盖茨', ['比', '尔', '·', '盖', '茨']],
    ['加快+1.3个，下降-5%', ['加', '快', '+1.3', '个', '，', '下', '降', '-5%']],
  ];
  for (const [input, want] of cases) it(`splits ${input}`, () => expect(texts(tok(input))).toEqual(want));

  it('never splits a surrogate pair or a combining sequence', () => {
    expect(texts(tok('a\u0301𠮷'))).toEqual(['a\u0301', '𠮷']);
  });
});

describe('breaks in Western text (UAX #14 and its tailoring)', () => {
  /** The text with " | " where a line may break (spaces at breaks kept on the left). */
  const breaks = (text: string) => {
    const ts = tok(text);
    return ts
      .map((t, i) => (i > 0 && t.breakBefore ? '|' : '') + (t.source ?? t.text) + (t.hyphen ? '‐' : ''))
      .join('');
  };
  it('breaks after spaces, never at no-break spaces or word joiners', () => {
    expect(breaks('set in 7.875\u00a0pt type')).toBe('set |in |7.875\u00a0pt |type');
    expect(breaks('10\u202f000 rows, x\u2060y')).toBe('10\u202f000 |rows, |x\u2060y');
  });
  it('never starts a line with closing punctuation, a hyphen or a dash of any script', () => {
    for (const t of ['see [1] ) here', 'a ] b', 'word — word', 'x — y', 'a - b', 'so —— yes', 'wait … no'])
      for (const piece of breaks(t).split('|').slice(1)) expect(piece, t).not.toMatch(/^[)\]}—–\-…,.;:!?%]/u);
  });
  it('keeps A/B, and/or, COVID-19, v1.2-beta and 1–2 whole; breaks after a prose hyphen', () => {
    expect(breaks('A/B and/or')).toBe('A/B |and/or');
    expect(breaks('COVID-19 v1.2-beta 1–2')).toBe('COVID-19 |v1.2-beta |1–2');
    expect(breaks('state-of-the-art e-mail')).toBe('state-|of-|the-|art |e-mail');
  });
  it('breaks URLs and e-mail addresses only at natural points, never with a hyphen', () => {
    expect(breaks('https://www.example.org/a/b?id=1&x=2#top')).toBe(
      'https:|//www.|example.|org|/a|/b?|id|=1|&x|=2|#top',
    );
    expect(breaks('press.office@example.gov.cn')).toBe('press.|office|@example.|gov.|cn');
  });
  it('hyphenates prose words by TeX patterns (drawn hyphen, not in the text), English by default', () => {
    expect(breaks('internationalization')).toBe('in‐|ter‐|na‐|tion‐|al‐|iza‐|tion');
    expect(tokenize([{ text: 'Silbentrennung', style: 0, lang: 'de' }]).map((t) => t.text)).toEqual([
      'Sil',
      'ben',
      'tren',
      'nung',
    ]);
    // Acronyms, identifiers and short words are left alone.
    expect(breaks('NASA iPhone foo_bar text')).toBe('NASA |iPhone |foo_bar |text');
  });
});

describe('context rules (prepare)', () => {
  const featuresOf = (text: string) => {
    const tokens = tok(text);
    const p = prepare(tokens, measurer);
    return Object.fromEntries(tokens.map((t, i) => [`${i}${t.text}`, p.features[i]!.join('+')]));
  };

  it('sets dashes full width and the interpunct half width, centred', () => {
    expect(featuresOf('1—1')).toMatchObject({ '1—': 'fwid' });
    expect(featuresOf('他——我')).toMatchObject({ '1——': 'fwid' });
    expect(featuresOf('尔·盖')).toMatchObject({ '1·': 'fwid+halt' });
    const p = prepare(tok('——·'), measurer);
    expect(p.width[0]).toBeCloseTo(2 * EM, 1); // clreq: the 破折号 is 2 em
    // Noto Serif SC's interpunct is proportional (0.327 em): it is centred in a ½ em cell.
    expect(p.width[1]).toBeCloseTo(0.5 * EM, 1);
    expect(p.offset[1]).toBeCloseTo((0.5 - 0.327) * EM * 0.5, 1);
    // Noto Sans SC Bold has the full-width form: fwid + halt give ½ em with no offset.
    const q = prepare(tokenize([{ text: '·', style: 1 }]), measurer);
    expect(q.width[0]).toBeCloseTo(0.5 * EM, 1);
    expect(q.offset[0]).toBe(0);
  });

  it('compresses adjacent marks to 1.5 em on the blank side (clreq 3.1.6)', () => {
    for (const pair of ['。”', '”，', '）。', '》，', '”“', '：“', '（“']) {
      const p = prepare(tok(`字${pair}字`), measurer);
      expect(p.width[1]! + p.width[2]!, pair).toBeCloseTo(1.5 * EM, 1);
    }
    // Closing then opening: the closing mark gives up its right blank; opening pairs compress the second.
    expect(featuresOf('”“')).toEqual({ '0”': 'halt', '1“': '' });
    expect(featuresOf('（“')).toEqual({ '0（': '', '1“': 'halt' });
  });

  it('puts ¼ em between Han and Western text, shrinkable to ⅛ em, and none next to punctuation', () => {
    const p = prepare(tok('年GDP，3个'), measurer);
    expect(p.glue[1]).toBeCloseTo(0.25 * EM);
    expect(p.glueShrink[1]).toBeCloseTo(0.125 * EM);
    expect(p.glue[2]).toBe(0); // GDP，
    expect(p.glue[3]).toBe(0); // ，3
    expect(p.glue[4]).toBeCloseTo(0.25 * EM); // 3个
  });

  it('never breaks before closing marks, stops, — ～ · ／, or after opening marks', () => {
    const tokens = tok('他说：“好。”我～你·他／她—它（注）');
    const p = prepare(tokens, measurer);
    for (let j = 1; j < tokens.length; j++) {
      const forbidden = noBreakBefore(tokens[j]!.cls) || noBreakAfter(tokens[j - 1]!.cls);
      expect(p.breakable[j], `${tokens[j - 1]!.text}|${tokens[j]!.text}`).toBe(!forbidden);
    }
    // The opening quote may start a line (clreq: QU tailored to OP for Chinese).
    expect(p.breakable[3]).toBe(true);
  });
});

// Paragraphs for the sweep: the reference briefing's prose plus a torture test of every rule.
const sample = readFileSync(path.resolve(import.meta.dirname, '../data/hengyang-2020.yaml'), 'utf8');
const paragraphs = [
  '比尔·盖茨来到北京～上海。2020年1—11月，约2—3年。他说：“好。”我们做A／B测试。见《红楼梦》第三回（注：略）。他说——不是这样的。等等……好的。“投资促进周”“援企服务月”活动开展了。',
  ...[...sample.matchAll(/^ {6}- (.{60,})$/gm)].slice(0, 12).map((m) => m[1]!),
];

describe('line breaking over a width sweep (8–20 em)', () => {
  for (const [pi, text] of paragraphs.entries())
    it(`paragraph ${pi} obeys every rule at every width`, () => {
      // The spacing check below skips lines with a shrunk gap: count what it checked, so it cannot pass unseen.
      let justified = 0;
      let spacingChecked = 0;
      let stretchedChecked = 0;
      for (let w = 8; w <= 20; w++) {
        const { tokens, p, lines, text: lineText } = lay(text, w, 2);
        // Round trip: the lines give back the text (spaces at line edges aside).
        expect(lines.map(lineText).join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
        lines.forEach((l, li) => {
          const first = tokens[l.tokens[0]!.index]!;
          const last = tokens[l.tokens.at(-1)!.index]!;
          const where = `w=${w} line ${li}: ${lineText(l)}`;
          if (li > 0) expect(noBreakBefore(first.cls), where).toBe(false);
          if (!l.last) expect(noBreakAfter(last.cls), where).toBe(false);
          const target = w * EM - (li === 0 ? 2 * EM : 0);
          const indent = li === 0 ? 2 * EM : 0;
          // Never past the margin; justified lines flush at both edges.
          expect(l.width - indent, where).toBeLessThanOrEqual(target + 0.01);
          if (!l.last) expect(l.width - indent, where).toBeCloseTo(target, 2);
          // Even spacing: the extra space is the same in every gap of the line (clreq J3), at most ½ em.
          // (Adjacent compressed marks are not widened: their gaps are left out.)
          const gaps = l.tokens
            .slice(1)
            .map((t, k) =>
              p.stretchable[t.index]
                ? t.cell - l.tokens[k]!.cell - l.tokens[k]!.advance - p.glue[t.index]!
                : NaN,
            )
            .filter((g) => !Number.isNaN(g));
          if (!l.last) justified++;
          if (gaps.length && gaps.every((g) => g >= 0)) {
            expect(Math.max(...gaps) - Math.min(...gaps), where).toBeLessThan(0.01);
            expect(Math.max(...gaps), where).toBeLessThanOrEqual(0.5 * EM + 0.01);
            if (!l.last) spacingChecked++;
            if (!l.last && Math.max(...gaps) > 0.01) stretchedChecked++;
          }
          // A stop or closing mark at the end of a justified line is half width.
          if (!l.last && (last.cls === 'stop' || last.cls === 'close'))
            expect(l.tokens.at(-1)!.advance, where).toBeCloseTo(0.5 * EM, 1);
        });
        // No orphan (孤字): the last line has more than one character besides punctuation.
        if (lines.length > 1) {
          const lastLine = lines.at(-1)!;
          const content = lastLine.tokens.filter((t) => ['han', 'latin'].includes(tokens[t.index]!.cls));
          expect(content.length, `w=${w}: last line ${lineText(lastLine)}`).toBeGreaterThan(1);
        }
      }
      // Most justified lines had their spacing checked (each paragraph: 73–100 %), and lines that really took
      // extra space were among them (each paragraph: 21 or more over the 13 widths).
      expect(spacingChecked, `${spacingChecked} of ${justified} justified lines`).toBeGreaterThanOrEqual(
        justified / 2,
      );
      expect(stretchedChecked).toBeGreaterThanOrEqual(13);
    });
});

describe('fixtures', () => {
  // Each case: width in em | indent in em | text | expected lines joined by " / ".
  const file = path.resolve(import.meta.dirname, 'fixtures/cjk-lines.txt');
  const cases = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split(' | '));
  for (const [width, indent, text, expected] of cases)
    it(`${text} at ${width} em`, () => {
      const { lines, text: lineText } = lay(text!, Number(width), Number(indent));
      expect(lines.map(lineText).join(' / ')).toBe(expected);
    });
});

describe('pathological paragraphs stay bounded', () => {
  // A counting measurer: how much text the engine shapes is what its time grows with.
  const counting = () => {
    let chars = 0;
    const m: Measurer = {
      width: (text, style, features) => {
        chars += text.length;
        return measurer.width(text, style, features);
      },
      em: (style) => measurer.em(style),
    };
    return { m, shaped: () => chars };
  };

  it('cuts a word of 100,000 letters into lines shaping each letter about once (linear, not quadratic)', () => {
    const word = 'ab'.repeat(50_000);
    const { m, shaped } = counting();
    const opts = { width: 20 * EM, indent: 0, justify: true };
    const p = splitOverlong(prepare(tokenize([{ text: word, style: 0 }]), m), 0, opts);
    const lines = layoutParagraph(p, 0, opts);
    expect(lines.map((l) => l.tokens.map((t) => p.tokens[t.index]!.text).join('')).join('')).toBe(word);
    for (const l of lines) expect(l.width).toBeLessThanOrEqual(20 * EM + 0.01);
    // Shaping every candidate piece, as before, costs about (letters per line)² / 2 per line: 100× this.
    expect(shaped()).toBeLessThan(6 * word.length);
  });

  it('treats a word cut into several runs as one word', () => {
    const runs = Array.from({ length: 40 }, () => ({ text: 'x'.repeat(50), style: 0 }));
    const opts = { width: 15 * EM, indent: 0, justify: true };
    const p = splitOverlong(prepare(tokenize(runs), measurer), 0, opts);
    const lines = layoutParagraph(p, 0, opts);
    // Every line but the last is full: no short line where one run ended and the next began.
    for (const l of lines.slice(0, -1)) expect(l.width).toBeGreaterThan(15 * EM - 0.6 * EM);
  });

  it('calls the limit check inside long loops, so a runaway paragraph can be stopped', () => {
    let calls = 0;
    const check = () => {
      if (++calls > 3) throw new Error('stopped');
    };
    // 200,000 marks with no break opportunity between them: only the emergency pass can set them.
    const tokens = tokenize([{ text: '、'.repeat(200_000), style: 0 }]);
    expect(() => {
      const p = prepare(tokens, measurer, new Set(), check);
      layoutParagraph(p, 0, { width: 20 * EM, indent: 0, justify: true, check });
    }).toThrow('stopped');
    expect(calls).toBe(4);
  });
});

describe('variants: the same paragraph in a line more or fewer (looseness)', () => {
  const text =
    '2020年前三季度，衡阳市地区生产总值同比增长3.0%，增速比上半年加快1.3个百分点，高于全省平均水平0.4个百分点，居全省第2位。在疫情冲击之下，全市经济走出低谷、逐季回升，主要指标由负转正、稳中向好，“转正”成为这座城市2020年最有分量的年度热词。';
  it('offers the optimal layout and one a line longer, every line within the measure and evenly loose', () => {
    const opts = { width: 23 * EM, indent: 2 * EM, justify: true };
    const p = prepare(tok(text), measurer);
    const best = breakParagraph(p, 0, opts);
    const variants = breakVariants(p, opts);
    const counts = variants.map((v) => v.lines);
    expect(counts).toContain(best.length);
    expect(counts).toContain(best.length + 1);
    expect(variants.find((v) => v.lines === best.length)!.breaks).toEqual(best);
    for (const v of variants) {
      let a = 0;
      v.breaks.forEach((b, i) => {
        const line = placeLine(p, a, b, opts, i === v.breaks.length - 1);
        const indent = a === 0 ? 2 * EM : 0;
        expect(line.width - indent).toBeLessThanOrEqual(23 * EM - (a === 0 ? 2 * EM : 0) + 0.01);
        if (!line.last) expect(line.width).toBeCloseTo(23 * EM, 2);
        a = b;
      });
      expect(v.demerits).toBeGreaterThanOrEqual(variants.find((x) => x.lines === best.length)!.demerits);
    }
  });
});
