/**
 * Where a chart's value labels go, and which are drawn: each label measured into a box, none over another label
 * or a mark (bars, segments, line points), a point's label above, below, right or left of it (the first place
 * that is clear), a slice's label only when it lies wholly inside the slice (see docs/charts.md, "Value
 * labels"). The value-label plugin (`plugins.ts`) draws what is accepted here.
 */
import type { Chart, Element } from 'chart.js';
import { textOn } from '../theme/color.js';
import { arcGeometry, barGeometry, position } from './elements.js';

/** Where a value label goes: over a bar, beside a horizontal one, inside a segment or slice, over a point. */
export type LabelKind = 'bar' | 'hbar' | 'segment' | 'point' | 'slice' | 'total' | 'none';

/** The options of the value-label plugin, precomputed from the spec (Chart.js passes them through). */
export interface LabelOptions {
  mode: boolean | 'auto';
  /** One per series. */
  kinds: readonly LabelKind[];
  /** Per series, per label: the value as printed, and the fill it sits on (for segments and slices). */
  texts: readonly (readonly string[])[];
  fills: readonly (readonly string[])[];
  /** Totals over stacked bars, one per label (empty when not stacked). */
  totals: readonly string[];
  font: string;
  size: number;
  color: string;
}

export interface Box {
  l: number;
  t: number;
  r: number;
  b: number;
}

/** A value label placed but not yet drawn; lower `rank` wins where two would overlap. */
export interface Tag {
  text: string;
  x: number;
  y: number;
  align: CanvasTextAlign;
  baseline: CanvasTextBaseline;
  color: string;
  box: Box;
  rank: number;
  kind: LabelKind;
  /** Drawn on a white ground (labels of points, which may sit over bars and lines). */
  ground: boolean;
  /** Too tight beside its bar: in `auto`, the bars go unlabelled. */
  cramped?: boolean;
  /** Places a point's label may take instead, in order of preference (the first is where it stands). */
  alternatives?: Pick<Tag, 'x' | 'y' | 'align' | 'baseline' | 'box'>[];
}

/** The label of one element: its kind, text, value and the fill it may sit on. */
interface LabelAt {
  kind: LabelKind;
  text: string;
  value: number;
  fill: string;
}

/** Where a label is anchored, before it is measured into a box. */
type Anchor = Omit<Tag, 'box' | 'rank' | 'ground' | 'color'> & { color?: string };

const overlap = (a: Box, b: Box) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;

/** Collects the value labels of one chart, measured into boxes. */
class Tags {
  readonly all: Tag[] = [];
  private readonly h: number;

  constructor(
    private readonly ctx: CanvasRenderingContext2D,
    private readonly cfg: LabelOptions,
  ) {
    this.h = cfg.size * 1.1;
  }

  width(text: string): number {
    return this.ctx.measureText(text).width;
  }

  place(t: Anchor, rank: number): Tag {
    const { h } = this;
    const w = this.width(t.text);
    const l = t.align === 'center' ? t.x - w / 2 : t.align === 'right' ? t.x - w : t.x;
    const top = t.baseline === 'bottom' ? t.y - h : t.baseline === 'middle' ? t.y - h / 2 : t.y;
    const tag = {
      color: this.cfg.color,
      ...t,
      box: { l: l - 1, t: top, r: l + w + 1, b: top + h },
      rank,
      ground: t.kind === 'point',
    };
    this.all.push(tag);
    return tag;
  }
}

/** Places the label of one element (bar, segment, point or slice) of a dataset, if it has room. */
function placeLabel(tags: Tags, cfg: LabelOptions, horizontal: boolean, el: Element, at: LabelAt): void {
  const { kind, text, value: v } = at;
  const p = barGeometry(el);
  const { x, y } = p;
  if (kind === 'bar')
    tags.place(
      { kind, text, x, y: v < 0 ? y + 2 : y - 2, align: 'center', baseline: v < 0 ? 'top' : 'bottom' },
      1,
    );
  else if (kind === 'hbar') {
    const tag = tags.place(
      { kind, text, x: v < 0 ? x - 3 : x + 3, y, align: v < 0 ? 'right' : 'left', baseline: 'middle' },
      1,
    );
    // A label beside a bar much thinner than the text reads as belonging to the next bar too.
    if (p.height < cfg.size * 0.85) tag.cramped = true;
  } else if (kind === 'segment') {
    const long = Math.abs(p.base - (horizontal ? x : y));
    const across = horizontal ? p.height : p.width;
    const w = tags.width(text);
    const [along, side] = horizontal ? [w + 4, cfg.size + 2] : [cfg.size + 2, w + 4];
    if (v === 0 || long < along || across < side) return;
    tags.place(
      {
        kind,
        text,
        x: horizontal ? (x + p.base) / 2 : x,
        y: horizontal ? y : (y + p.base) / 2,
        align: 'center',
        baseline: 'middle',
        color: textOn(at.fill, cfg.color),
      },
      2,
    );
  } else if (kind === 'point') {
    const above = { x, y: y - 5, align: 'center', baseline: 'bottom' } as const;
    const below = { x, y: y + 5, align: 'center', baseline: 'top' } as const;
    const places = [
      ...(v < 0 ? [below, above] : [above, below]),
      { x: x + 5, y, align: 'left', baseline: 'middle' } as const,
      { x: x - 5, y, align: 'right', baseline: 'middle' } as const,
    ];
    const tag = tags.place({ kind, text, ...places[0]! }, 0);
    tag.alternatives = places.map((pl) => {
      const probe = tags.place({ kind, text, ...pl }, 0);
      tags.all.pop();
      return { ...pl, box: probe.box };
    });
  } else if (kind === 'slice') placeSliceLabel(tags, cfg, el, at);
}

/** A slice's label at the middle of its ring (or at 62% of a pie's radius), if the slice has room for it. */
function placeSliceLabel(tags: Tags, cfg: LabelOptions, el: Element, at: LabelAt): void {
  const { x, y } = position(el);
  const a = arcGeometry(el);
  const inner = a.innerRadius;
  const outer = a.outerRadius;
  const mid = inner > 0 ? (inner + outer) / 2 : outer * 0.62;
  const angle = (a.startAngle + a.endAngle) / 2;
  const arc = (a.endAngle - a.startAngle) * mid;
  const w = tags.width(at.text);
  if (at.value === 0 || arc < Math.min(w, cfg.size * 1.2) + 4 || outer - inner < cfg.size + 2) return;
  // The whole label must lie inside its slice (never across a neighbour): every corner of its box, with a
  // little room, within the slice's angles and radii. A slice too small for it has its value in the legend.
  const cx = x + Math.cos(angle) * mid;
  const cy = y + Math.sin(angle) * mid;
  const h = cfg.size * 0.6 + 2;
  const norm = (v: number) => ((v % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  const span = a.endAngle - a.startAngle;
  for (const [dx, dy] of [
    [-w / 2 - 2, -h],
    [w / 2 + 2, -h],
    [-w / 2 - 2, h],
    [w / 2 + 2, h],
  ] as const) {
    const px = cx + dx - x;
    const py = cy + dy - y;
    const r = Math.hypot(px, py);
    if (r > outer - 1 || r < inner + 1) return;
    if (span < 2 * Math.PI - 1e-6 && norm(Math.atan2(py, px) - a.startAngle) > span) return;
  }
  tags.place(
    {
      kind: at.kind,
      text: at.text,
      x: x + Math.cos(angle) * mid,
      y: y + Math.sin(angle) * mid,
      align: 'center',
      baseline: 'middle',
      color: textOn(at.fill, cfg.color),
    },
    2,
  );
}

/** The total of each stack, beyond its end. */
function placeTotals(tags: Tags, chart: Chart, cfg: LabelOptions, horizontal: boolean): void {
  const bars = chart.data.datasets
    .map((_, i) => i)
    .filter((i) => cfg.kinds[i] === 'segment' && !chart.getDatasetMeta(i).hidden);
  cfg.totals.forEach((text, j) => {
    const ends = bars.map((i) => position(chart.getDatasetMeta(i).data[j]!));
    if (!ends.length) return;
    if (horizontal) {
      const x = Math.max(...ends.map((p) => p.x));
      tags.place({ kind: 'total', text, x: x + 3, y: ends[0]!.y, align: 'left', baseline: 'middle' }, 1);
    } else {
      const y = Math.min(...ends.map((p) => p.y));
      tags.place({ kind: 'total', text, x: ends[0]!.x, y: y - 2, align: 'center', baseline: 'bottom' }, 1);
    }
  });
}

/**
 * The labels to draw: by rank, none overlapping one already taken. In `auto`, bar labels only if every one
 * is narrower than its category and none overlaps another.
 */
function acceptTags(
  all: readonly Tag[],
  mode: LabelOptions['mode'],
  category: number,
  marks: readonly Box[],
): Tag[] {
  // A label over a bar, a point or a stack's end never covers a mark (segment and slice labels sit inside theirs).
  const onMark = (t: Tag) =>
    t.kind !== 'segment' && t.kind !== 'slice' && marks.some((m) => overlap(t.box, m));
  const barTags = all.filter((t) => t.kind === 'bar' || t.kind === 'hbar');
  const barsFit = barTags.every(
    (t, n) =>
      !t.cramped &&
      !onMark(t) &&
      (t.kind === 'hbar' ? t.box.b - t.box.t <= category : t.box.r - t.box.l <= category) &&
      barTags.every((u, m) => m === n || !overlap(t.box, u.box)),
  );
  const accepted: Tag[] = [];
  for (const t of [...all].sort((a, b) => a.rank - b.rank)) {
    if (mode === 'auto' && !barsFit && (t.kind === 'bar' || t.kind === 'hbar')) continue;
    if (t.alternatives) {
      // A point's label goes above, below, right or left of it: the first place clear of marks and labels.
      const free = t.alternatives.find(
        (a) => !marks.some((m) => overlap(a.box, m)) && !accepted.some((u) => overlap(a.box, u.box)),
      );
      if (!free) continue;
      Object.assign(t, free);
      accepted.push(t);
      continue;
    }
    if (onMark(t) || accepted.some((u) => overlap(t.box, u.box))) continue;
    accepted.push(t);
  }
  return accepted;
}

/** The marks labels must keep off: bars (and stacked segments) and line points. */
function markBoxes(chart: Chart, cfg: LabelOptions, horizontal: boolean): Box[] {
  const marks: Box[] = [];
  chart.data.datasets.forEach((ds, i) => {
    const meta = chart.getDatasetMeta(i);
    if (meta.hidden || cfg.kinds[i] === 'slice') return;
    for (const el of meta.data) {
      if (meta.type === 'bar' || ('type' in ds && ds.type === 'bar')) {
        const p = barGeometry(el);
        const [l, r] = horizontal
          ? [Math.min(p.x, p.base), Math.max(p.x, p.base)]
          : [p.x - p.width / 2, p.x + p.width / 2];
        const [t, b] = horizontal
          ? [p.y - p.height / 2, p.y + p.height / 2]
          : [Math.min(p.y, p.base), Math.max(p.y, p.base)];
        if (r - l > 0.5 && b - t > 0.5) marks.push({ l, t, r, b });
      } else {
        const { x, y } = position(el);
        marks.push({ l: x - 2.5, t: y - 2.5, r: x + 2.5, b: y + 2.5 });
      }
    }
  });
  return marks;
}

/**
 * Places every value label of a chart (measured with `ctx`, whose font is the labels') and keeps those that
 * are clear: the labels to draw, and the marks they were kept off.
 */
export function placeValueLabels(
  chart: Chart,
  ctx: CanvasRenderingContext2D,
  cfg: LabelOptions,
): { accepted: Tag[]; marks: Box[] } {
  const tags = new Tags(ctx, cfg);
  const horizontal = chart.options.indexAxis === 'y';
  let category = Infinity;
  const catScale = chart.scales[horizontal ? 'y' : 'x'];
  if (catScale && chart.data.labels?.length) category = catScale.width / chart.data.labels.length;

  chart.data.datasets.forEach((ds, i) => {
    const kind = cfg.kinds[i]!;
    const meta = chart.getDatasetMeta(i);
    if (kind === 'none' || meta.hidden) return;
    meta.data.forEach((el, j) => {
      const value = ds.data[j];
      const at = {
        kind,
        text: cfg.texts[i]![j]!,
        value: typeof value === 'number' ? value : 0,
        fill: cfg.fills[i]![j]!,
      };
      placeLabel(tags, cfg, horizontal, el, at);
    });
  });
  if (cfg.totals.length) placeTotals(tags, chart, cfg, horizontal);
  const marks = markBoxes(chart, cfg, horizontal);
  return { accepted: acceptTags(tags.all, cfg.mode, category, marks), marks };
}
