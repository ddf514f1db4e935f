import { layoutParagraph } from '../cjk/breaker.js';
import { placeLine, type LaidLine } from '../cjk/justify.js';
import { prepare, type Measurer, type Prepared } from '../cjk/prepare.js';
import { splitOverlong } from '../cjk/overlong.js';
import { tokenize } from '../cjk/tokens.js';
import { breakVariants } from '../cjk/variants.js';
import { punctuationStyle } from '../cjk/lang.js';
import { faceOf, FALLBACK_METRICS, type FontFace, type FontSet } from '../fonts/fonts.js';
import { docStoreOpen, storedEntry, storeEntry } from '../build/doc-store.js';
import type { FaceRef, LinkSpan, LinkTarget, SetLine, SetRun } from './model.js';
import { finite, isObject, isSetLines } from './stored-lines.js';

/** A run of text in one style, as the engine takes it: a face, a size, a colour and tracking (points a token). */
export interface StyledText {
  text: string;
  face: FaceRef;
  size: number;
  color: string;
  tracking?: number;
  /** Language (BCP 47) of the run: its Latin words hyphenate by that language's patterns (English if none). */
  lang?: string;
  /** A note's reference mark, raised this many points above the baseline (the engine keeps it with its text). */
  rise?: number;
  /** The `<link>` the run is the text of. */
  link?: LinkTarget;
}

/** How to set lines: the measure, the first-line indent, justified or aligned, and the limits' check. */
export interface SetOptions {
  width: number;
  indent?: number;
  justify?: boolean;
  align?: 'left' | 'center' | 'right';
  check?: () => void;
}

/**
 * A text ready to be broken at any width: the engine's prepared paragraph — made when first needed: a text whose
 * lines come from the document's store (build/doc-store.ts) needs none — and the styles of its tokens.
 */
export interface PreparedText {
  readonly prepared: Prepared;
  readonly styles: readonly StyledText[];
}

class KeptText implements PreparedText {
  #prepared: Prepared | undefined;
  #storeKey: string | false | undefined;
  /** The limits' check of the build that last asked for this text: the one it would be prepared in. */
  check: (() => void) | undefined;

  constructor(
    private readonly fonts: FontSet,
    readonly styles: readonly StyledText[],
    check: (() => void) | undefined,
  ) {
    this.check = check;
  }

  get prepared(): Prepared {
    if (!this.#prepared) {
      textCounts.prepared++;
      this.#prepared = prepareUncached(this.fonts, this.styles, this.check, punctuationLangOf(this.styles));
    }
    return this.#prepared;
  }

  /**
   * Its key in a document's store: the faces by file, size and time, and the runs; false for a text with a link
   * (its lines carry the link's target, one object of the build's).
   */
  storeKey(): string | false {
    if (this.#storeKey !== undefined) return this.#storeKey;
    if (this.styles.some((r) => r.link)) return (this.#storeKey = false);
    const faces = this.styles.map((r) => faceFor(this.fonts, r.face)?.key ?? '-').join('\0');
    return (this.#storeKey = `${faces}\n${JSON.stringify(this.styles)}`);
  }
}

/** A face's metrics and measuring, with the house face's metrics for a family the configuration lacks. */
export function faceFor(fonts: FontSet, face: FaceRef): FontFace | undefined {
  return faceOf(fonts, face.family, face.bold);
}

/** The face's ascender in em (where pdfkit puts a baseline below a line's top); Noto's if the face is missing. */
export function ascenderOf(fonts: FontSet, face: FaceRef): number {
  return (faceFor(fonts, face) ?? FALLBACK_METRICS.serif).ascender;
}

/** Measures tokens with the configured faces: the same parsed fonts and shaping the PDF is drawn with. */
function measurerFor(fonts: FontSet, styles: readonly StyledText[]): Measurer {
  return {
    width(text, style, features) {
      const s = styles[style]!;
      const face = faceFor(fonts, s.face);
      // A family missing from the configuration is reported before layout; measure it as a full-width face.
      const em = face ? face.advance(text, features) : [...text].length;
      return em * s.size + (s.tracking ?? 0);
    },
    em: (style) => styles[style]!.size,
  };
}

/**
 * Prepared texts and their settings, kept across builds of a process (preview, workers, the library API): a
 * paragraph whose runs, faces and measure are as before is not tokenised, measured or broken again. The faces are
 * keyed by identity (fonts/fonts.ts keeps a parsed face while its file is unchanged), the runs by their content.
 * What is kept is frozen, so that no later stage can change a line another build will be given. The least
 * recently used go first, past 512 texts or past what this build and the one before used, whichever is more
 * (a document of 720 paragraphs is kept whole for its next build: its rebuild took 0.9 s when 512 were kept, 0.2
 * when all were), and never more than 8,192.
 */
const prepared = new Map<string, KeptText>();
const settings = new WeakMap<PreparedText, Map<string, unknown>>();
const MAX_PREPARED = 512;
const MAX_PREPARED_EVER = 8192;
/** The texts the build in progress used, and how many the one before it used (`startTextBuild`). */
const usedThisBuild = new Set<string>();
let usedLastBuild = 0;

/** Texts prepared (tokenised and measured) by this process: tests and benchmarks. */
export const textCounts = { prepared: 0 };

/** Forgets the texts kept in memory (tests; the benchmark's builds "with caches emptied"). */
export function forgetTexts(): void {
  prepared.clear();
  usedThisBuild.clear();
  usedLastBuild = 0;
}

/** Marks the start of a document's typesetting: the texts of the last one stay kept while this one runs. */
export function startTextBuild(): void {
  usedLastBuild = usedThisBuild.size;
  usedThisBuild.clear();
}
const faceIds = new WeakMap<FontFace, number>();
let lastFaceId = 0;

function faceKey(fonts: FontSet, runs: readonly StyledText[]): string {
  return runs
    .map((r) => {
      const face = faceFor(fonts, r.face);
      if (!face) return '-';
      let id = faceIds.get(face);
      if (id === undefined) faceIds.set(face, (id = ++lastFaceId));
      return id;
    })
    .join(',');
}

/**
 * `make()`'s result for this text and these options, made once while the text is kept — or taken from the
 * document's store on disk, when its last build made it and it is well formed (`stored`: the value frozen, or
 * undefined) —; `lines` lists its lines. What the build used is kept in the store for the next.
 */
function settled<T>(
  text: PreparedText,
  key: string,
  make: () => T,
  lines: (made: T) => SetLine[],
  stored: (value: unknown) => T | undefined,
): T {
  let kept = settings.get(text);
  if (!kept) settings.set(text, (kept = new Map<string, unknown>()));
  const storeKey = docStoreOpen() && text instanceof KeptText ? text.storeKey() : false;
  const entry = storeKey === false ? undefined : `${storeKey}\n${key}`;
  if (!kept.has(key)) kept.set(key, (entry !== undefined && stored(storedEntry(entry))) || make());
  else for (const line of lines(kept.get(key) as T)) givenAgain.add(line);
  const value = kept.get(key) as T;
  if (entry !== undefined) storeEntry(entry, value);
  return value;
}

/** Lines a later build was given again (kept from an earlier one): emit/draw-text.ts records how it drew them. */
const givenAgain = new WeakSet<SetLine>();

/** Whether this line was given to a build again, as kept from an earlier build of the process. */
export function keptLine(line: SetLine): boolean {
  return givenAgain.has(line);
}

/** Lines kept for later builds, frozen down to their runs (faces and feature lists are shared constants). */
function freezeLines(lines: SetLine[]): SetLine[] {
  for (const line of lines) {
    for (const run of line.runs) Object.freeze(run);
    Object.freeze(line.runs);
    Object.freeze(line);
  }
  return Object.freeze(lines) as SetLine[];
}

const optionsKey = (o: SetOptions) => `${o.width}|${o.indent ?? 0}|${o.justify ?? false}|${o.align ?? ''}`;

/**
 * Tokenises and measures styled text once (src/cjk): a line break (`\n`, from `<br/>`) ends a line there.
 * The punctuation style (where stops sit in the em box) follows the language of the text's first run.
 * The result can be broken at any width (setLines); it is kept for later builds of the process.
 */
export function prepareText(fonts: FontSet, runs: readonly StyledText[], check?: () => void): PreparedText {
  const key = `${faceKey(fonts, runs)}|${JSON.stringify(runs)}`;
  let text = prepared.get(key);
  if (text) {
    prepared.delete(key);
    text.check = check;
  } else text = new KeptText(fonts, runs, check);
  prepared.set(key, text);
  usedThisBuild.add(key);
  const keep = Math.min(MAX_PREPARED_EVER, Math.max(MAX_PREPARED, usedThisBuild.size + usedLastBuild));
  while (prepared.size > keep) prepared.delete(prepared.keys().next().value!);
  return text;
}

/**
 * A text prepared for this call only: not kept for later builds nor written to the document's store, and set
 * with the punctuation style of `lang` (the whole text's, when this is a part of it). For trial settings — the
 * parts of a head `phrase.ts` tries — that would otherwise fill the kept texts and the store.
 */
export function prepareTextOnce(
  fonts: FontSet,
  runs: readonly StyledText[],
  lang: string | undefined,
  check?: () => void,
): PreparedText {
  return { prepared: prepareUncached(fonts, runs, check, lang), styles: runs };
}

/** The language whose punctuation style a text is set in: its first run's with text. */
export function punctuationLangOf(runs: readonly StyledText[]): string | undefined {
  return runs.find((r) => r.text.trim() !== '')?.lang;
}

function prepareUncached(
  fonts: FontSet,
  runs: readonly StyledText[],
  check: (() => void) | undefined,
  lang: string | undefined,
): Prepared {
  const tokens = tokenize(
    runs.map((r, i) => ({
      text: r.text,
      style: i,
      ...(r.lang ? { lang: r.lang } : {}),
      ...(r.rise !== undefined ? { mark: true } : {}),
    })),
  );
  const hard = new Set<number>();
  tokens.forEach((t, k) => {
    if (t.text.includes('\n')) hard.add(k + 1);
  });
  // Where the stops sit is the paragraph's language's (its first run's): centred for Traditional Chinese.
  const punctuation = punctuationStyle(lang);
  return prepare(tokens, measurerFor(fonts, runs), hard, check, { punctuation });
}

/** Breaks prepared text into lines of the measure (optimal fit over the whole text) and sets each. */
export function setLines(text: PreparedText, opts: SetOptions): SetLine[] {
  return settled(
    text,
    `lines|${optionsKey(opts)}`,
    () => {
      const p = fit(text, opts);
      return freezeLines(
        layoutParagraph(p, 0, engineOptions(opts)).map((l) => toSetLine(p, text.styles, l, opts)),
      );
    },
    (lines) => lines,
    (value) => (isSetLines(value) ? freezeLines(value) : undefined),
  );
}

/**
 * The ways to set a paragraph in about as many lines as its best layout (a line fewer or more where the spacing
 * stays even and within 0.3 em), each with its lines and what it costs over the best; the best comes first.
 * Long paragraphs (over `maxLines`) have the best layout only.
 */
export function setVariants(
  text: PreparedText,
  opts: SetOptions,
  maxLines = 40,
): { lines: SetLine[]; cost: number }[] {
  return settled(
    text,
    `variants|${maxLines}|${optionsKey(opts)}`,
    () =>
      Object.freeze(
        variantsOf(text, opts, maxLines).map((v) =>
          Object.freeze({ lines: freezeLines(v.lines), cost: v.cost }),
        ),
      ) as { lines: SetLine[]; cost: number }[],
    (variants) => variants.flatMap((v) => v.lines),
    (value) => {
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        !value.every(
          (v: { lines?: unknown; cost?: unknown }) => isObject(v) && isSetLines(v.lines) && finite(v.cost),
        )
      )
        return undefined;
      // Frozen in place: the store knows the value it gave by identity (taken, not added).
      for (const v of value as { lines: SetLine[]; cost: number }[]) {
        freezeLines(v.lines);
        Object.freeze(v);
      }
      return Object.freeze(value) as { lines: SetLine[]; cost: number }[];
    },
  );
}

function variantsOf(
  text: PreparedText,
  opts: SetOptions,
  maxLines: number,
): { lines: SetLine[]; cost: number }[] {
  const p = fit(text, opts);
  const eo = engineOptions(opts);
  const best = layoutParagraph(p, 0, eo);
  const out = [{ lines: best.map((l) => toSetLine(p, text.styles, l, opts)), cost: 0 }];
  if (best.length < 2 || best.length > maxLines || !opts.justify) return out;
  const variants = breakVariants(p, eo, best.length + 2);
  const base = variants.find((v) => v.lines === best.length)?.demerits;
  if (base === undefined) return out;
  for (const v of variants) {
    if (Math.abs(v.lines - best.length) !== 1) continue;
    let a = 0;
    const lines = v.breaks.map((b, i) => {
      const l = placeLine(p, a, b, eo, i === v.breaks.length - 1 || p.forced[b] === true);
      a = b;
      return toSetLine(p, text.styles, l, opts);
    });
    // A line more or less costs something in itself, and more the worse its spacing is than the best's.
    out.push({ lines, cost: 15 + Math.min(200, Math.round((v.demerits - base) / 500)) });
  }
  return out;
}

function engineOptions(opts: SetOptions) {
  return {
    width: opts.width,
    indent: opts.indent ?? 0,
    justify: opts.justify ?? false,
    ...(opts.check ? { check: opts.check } : {}),
  };
}

/** The text with any word wider than the measure cut into pieces that fit (never past the margin). */
function fit(text: PreparedText, opts: SetOptions): Prepared {
  return splitOverlong(text.prepared, 0, engineOptions(opts));
}

function toSetLine(p: Prepared, styles: readonly StyledText[], l: LaidLine, opts: SetOptions): SetLine {
  const shift =
    opts.align === 'center' ? (opts.width - l.width) / 2 : opts.align === 'right' ? opts.width - l.width : 0;
  const runs: SetRun[] = [];
  const links: LinkSpan[] = [];
  for (const t of l.tokens) {
    const token = p.tokens[t.index]!;
    const s = styles[token.style]!;
    if (s.link) {
      // A link covers its tokens from the first's start to the last's end (the spaces between them too).
      const end = t.x + shift + p.measurer.width(token.text, token.style, t.features);
      const span = links.at(-1);
      if (span?.target === s.link) span.width = end - span.x;
      else links.push({ target: s.link, x: t.x + shift, width: end - t.x - shift });
    }
    const run: SetRun = {
      text: token.text,
      x: t.x + shift,
      face: s.face,
      size: s.size,
      color: s.color,
      features: t.features,
    };
    if (t.tracking) run.tracking = t.tracking;
    if (s.rise !== undefined) run.rise = s.rise;
    runs.push(run);
    // A hyphenated line ends with a hyphen the text does not have: drawn, but not in the copy-paste text.
    if (t.hyphen) {
      const w = p.measurer.width(token.text, token.style, t.features);
      runs.push({
        ...run,
        text: '-',
        x: t.x + shift + w + (t.tracking ?? 0) * p.inner[t.index]!,
        features: [],
      });
      delete runs.at(-1)!.tracking;
    }
  }
  const line: SetLine = { runs, width: l.width + shift, ...(links.length ? { links } : {}) };
  if (l.tokens.length > 0) {
    const first = l.tokens[0]!.index;
    let last = l.tokens.at(-1)!.index;
    // The space a line breaks at goes with the line it ends, so that the lines read one after another give the
    // text back as written (Western words stay apart; Chinese has no space to give).
    while (
      last + 1 < l.end &&
      p.tokens[last + 1]!.cls === 'space' &&
      !p.tokens[last + 1]!.text.includes('\n')
    )
      last++;
    line.actual = p.tokens
      .slice(first, last + 1)
      .map((t) => t.source ?? t.text)
      .join('');
  }
  return line;
}
