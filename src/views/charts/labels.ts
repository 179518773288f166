// Point labels that never overlap and never clip: each label tries a few places around its
// point (above, below, right, left, the diagonals, then further out) and takes the first where it
// stays inside the plot area and clear of every label placed before it and of every marker. A
// label that fits nowhere is left out of the picture (it stays in the hover text and the data
// table beside the chart) and reported, rather than drawn over another.
//
// placeLabels is pure (pixel geometry, tested in tests/unit/chart-labels.test.ts); labelChart
// reads the frame plotly actually drew (plot size and axis ranges after automargin and
// autorange) and adds the labels as annotations.
import type { PlotlyModule } from './plotly';

export interface LabelPoint {
  x: number;
  y: number;
  text: string;
  /** Which y axis the point reads on ('y' or 'y2'). */
  yaxis?: 'y' | 'y2';
}

export interface Axis {
  range: [number, number];
  log?: boolean;
}

export interface Frame {
  /** The plot area in pixels. */
  width: number;
  height: number;
  x: Axis;
  y: Axis;
  y2?: Axis;
  fontSize: number;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PlacedLabel {
  point: LabelPoint;
  /** The label's centre, in pixels from the plot area's top-left corner. */
  cx: number;
  cy: number;
  box: Box;
}

/** Where on a (possibly log) axis of `pixels` length a value falls. Log ranges are in decades, as plotly keeps them. */
function toPixel(v: number, axis: Axis, pixels: number, flip: boolean): number {
  const t = axis.log ? Math.log10(v) : v;
  const f = (t - axis.range[0]) / (axis.range[1] - axis.range[0]);
  return flip ? (1 - f) * pixels : f * pixels;
}

export function pointPixel(p: Pick<LabelPoint, 'x' | 'y' | 'yaxis'>, frame: Frame): { px: number; py: number } {
  const yAxis = p.yaxis === 'y2' && frame.y2 ? frame.y2 : frame.y;
  return { px: toPixel(p.x, frame.x, frame.width, false), py: toPixel(p.y, yAxis, frame.height, true) };
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** A label's size in pixels, from its length (an average glyph is about 0.6 em wide). */
export function labelSize(text: string, fontSize: number): { w: number; h: number } {
  return { w: Math.ceil(Array.from(text).length * fontSize * 0.6) + 4, h: Math.ceil(fontSize * 1.3) };
}

export function placeLabels(
  points: LabelPoint[],
  frame: Frame,
  obstacles: Pick<LabelPoint, 'x' | 'y' | 'yaxis'>[] = [],
  markerRadius = 6,
): { placed: PlacedLabel[]; left: LabelPoint[] } {
  const markers: Box[] = [...points, ...obstacles].map((p) => {
    const { px, py } = pointPixel(p, frame);
    return { x0: px - markerRadius, y0: py - markerRadius, x1: px + markerRadius, y1: py + markerRadius };
  });
  const placed: PlacedLabel[] = [];
  const left: LabelPoint[] = [];
  // Labels of points near the top go first: they have the fewest places to go.
  const order = [...points].sort((a, b) => pointPixel(a, frame).py - pointPixel(b, frame).py);
  for (const point of order) {
    const { px, py } = pointPixel(point, frame);
    if (!Number.isFinite(px) || !Number.isFinite(py)) {
      left.push(point);
      continue;
    }
    const { w, h } = labelSize(point.text, frame.fontSize);
    const gap = markerRadius + 2;
    const candidates: [number, number][] = [];
    for (const k of [1, 2, 3]) {
      const dy = gap + h / 2 + (k - 1) * h;
      const dx = gap + w / 2 + (k - 1) * 8;
      candidates.push([0, -dy], [0, dy], [dx, 0], [-dx, 0], [dx, -dy], [-dx, -dy], [dx, dy], [-dx, dy]);
    }
    let done = false;
    for (const [dx, dy] of candidates) {
      const cx = px + dx;
      const cy = py + dy;
      const box = { x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2 };
      if (box.x0 < 0 || box.y0 < 0 || box.x1 > frame.width || box.y1 > frame.height) continue;
      if (placed.some((l) => overlaps(l.box, box)) || markers.some((m) => overlaps(m, box))) continue;
      placed.push({ point, cx, cy, box });
      done = true;
      break;
    }
    if (!done) left.push(point);
  }
  return { placed, left };
}

interface FullAxis {
  range: [number, number];
  type: string;
}

/** The frame plotly drew in `root` (its internal full layout: plot size after automargin, ranges after autorange). */
export function frameOf(root: HTMLElement, fontSize: number): Frame | null {
  const full = (root as HTMLElement & { _fullLayout?: Record<string, unknown> })._fullLayout;
  const size = full?._size as { w: number; h: number } | undefined;
  const x = full?.xaxis as FullAxis | undefined;
  const y = full?.yaxis as FullAxis | undefined;
  const y2 = full?.yaxis2 as FullAxis | undefined;
  if (!size || !x || !y) return null;
  const axis = (a: FullAxis): Axis => ({ range: [Number(a.range[0]), Number(a.range[1])], log: a.type === 'log' });
  return { width: size.w, height: size.h, x: axis(x), y: axis(y), ...(y2 ? { y2: axis(y2) } : {}), fontSize };
}

/**
 * Adds point labels to a drawn chart as annotations placed by placeLabels; returns the labels
 * that did not fit (so the caller can say where they are instead).
 */
export async function labelChart(
  Plotly: PlotlyModule,
  root: HTMLElement,
  points: LabelPoint[],
  options: { fontSize?: number; obstacles?: LabelPoint[] } = {},
): Promise<LabelPoint[]> {
  const fontSize = options.fontSize ?? 11;
  const frame = frameOf(root, fontSize);
  if (!frame) return points;
  const { placed, left } = placeLabels(points, frame, options.obstacles);
  const annotations: Record<string, unknown>[] = placed.map((l) => {
    const { px, py } = pointPixel(l.point, frame);
    return {
      x: frame.x.log ? Math.log10(l.point.x) : l.point.x,
      y: (l.point.yaxis === 'y2' && frame.y2 ? frame.y2 : frame.y).log ? Math.log10(l.point.y) : l.point.y,
      xref: 'x',
      yref: l.point.yaxis ?? 'y',
      text: l.point.text,
      showarrow: false,
      xanchor: 'center',
      yanchor: 'middle',
      xshift: l.cx - px,
      yshift: py - l.cy,
      font: { size: fontSize },
    };
  });
  // Labels with no room are named once, just above the plot area, so none is silently missing.
  const unlabelled = left.map((p) => p.text).filter(Boolean);
  if (unlabelled.length) {
    annotations.push({
      x: 0,
      y: 1,
      xref: 'paper',
      yref: 'paper',
      text: `Not labelled (no room): ${unlabelled.join(', ')}`,
      showarrow: false,
      xanchor: 'left',
      yanchor: 'bottom',
      xshift: 0,
      yshift: 2,
      font: { size: Math.max(9, fontSize - 1) },
    });
  }
  await Plotly.relayout(root, { annotations });
  return left;
}
