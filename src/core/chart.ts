/**
 * progress.svg: the chart users know from autoresearch's analysis notebook, drawn as a
 * self-contained SVG string (no fonts, scripts or images to fetch) so it renders on GitHub.
 */
import type { LedgerRow } from "./results-tsv.js";

export interface ChartOptions {
  width?: number;
  height?: number;
}

interface Point {
  /** Experiment index with crashes left out, 0 = baseline. */
  index: number;
  row: LedgerRow;
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const DEFAULT_SIZE = { width: 1200, height: 600 };
const MIN_SIZE = { width: 480, height: 320 };
const MARGIN = { top: 56, right: 24, bottom: 64, left: 88 };
const FONT = "Helvetica, Arial, sans-serif";
const COLOR = {
  text: "#222222",
  axis: "#444444",
  grid: "#e6e6e6",
  discarded: "#b3b3b3",
  kept: "#2ecc71",
  keptEdge: "#1e8449",
  best: "#27ae60",
  label: "#1a7a3a",
};
const LABEL_MAX = 28;
const LABEL_FONT = 11;
/** Rough advance of one character at LABEL_FONT, enough to keep labels apart. */
const LABEL_CHAR_WIDTH = 6.2;
const LABEL_GAP = 7;
/** Smallest y range: with 4-decimal tick labels, anything tighter repeats labels. */
const MIN_Y_PAD = 0.0003;
const OUTLIER_SPANS = 3;
const MIN_OUTLIER_GAP = 0.01;

export function renderProgressSvg(rows: readonly LedgerRow[], opts: ChartOptions = {}): string {
  const width = dimension(opts.width, DEFAULT_SIZE.width, MIN_SIZE.width);
  const height = dimension(opts.height, DEFAULT_SIZE.height, MIN_SIZE.height);
  const points = rows
    .filter((row) => row.status !== "crash")
    .map((row, index): Point => ({ index, row }));
  const parts = [openSvg(width, height), title(rows, width)];
  if (points.length === 0) {
    const message =
      rows.length === 0 ? "No experiments yet" : "No finished experiments yet: every one crashed";
    parts.push(centeredText(message, width, height));
  } else {
    parts.push(plot(points, frameFor(points, width, height)).join("\n"));
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** Whole pixels, never so small that the axes and legend collide; a bad value falls back to the default. */
function dimension(value: number | undefined, fallback: number, min: number): number {
  return Number.isFinite(value) ? Math.max(min, Math.round(value!)) : fallback;
}

// N counts every experiment in the ledger, crashes included, so the title matches
// results.tsv line for line; K counts the kept ones, the baseline among them.
function title(rows: readonly LedgerRow[], width: number): string {
  const kept = rows.filter((row) => row.status === "keep").length;
  const text = `Autoresearch Progress: ${rows.length} Experiments, ${kept} Kept Improvements`;
  return `<text x="${n(width / 2)}" y="32" text-anchor="middle" font-size="18" font-weight="bold">${escapeXml(text)}</text>`;
}

function openSvg(width: number, height: number): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" fill="${COLOR.text}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ].join("\n");
}

function centeredText(message: string, width: number, height: number): string {
  return `<text x="${n(width / 2)}" y="${n(height / 2)}" text-anchor="middle" font-size="16" fill="#666666">${escapeXml(message)}</text>`;
}

function frameFor(points: readonly Point[], width: number, height: number): Frame {
  const [yMin, yMax] = yDomain(points);
  return {
    width,
    height,
    left: MARGIN.left,
    right: width - MARGIN.right,
    top: MARGIN.top,
    bottom: height - MARGIN.bottom,
    xMin: -0.5,
    xMax: Math.max(points.length - 1, 1) + 0.5,
    yMin,
    yMax,
  };
}

/**
 * Padded range of val_bpb. Kept points always fit; a discarded run far worse than the
 * baseline would squash every real improvement into one line, so discards more than three
 * kept-ranges (at least 0.01) above the worst kept point are drawn clipped at the top edge.
 */
function yDomain(points: readonly Point[]): [number, number] {
  const values = points.map((p) => p.row.valBpb);
  const kept = points.filter((p) => p.row.status === "keep").map((p) => p.row.valBpb);
  const low = values.reduce((a, b) => Math.min(a, b));
  const worstKept = (kept.length > 0 ? kept : values).reduce((a, b) => Math.max(a, b));
  const span = worstKept - low;
  const ceiling = worstKept + Math.max(span * OUTLIER_SPANS, MIN_OUTLIER_GAP);
  // reduce, not Math.max(...values): a ledger of 100k+ rows would overflow the call stack.
  const high = values.filter((v) => v <= ceiling).reduce((a, b) => Math.max(a, b), worstKept);
  const pad = Math.max((high - low) * 0.08, MIN_Y_PAD);
  return [low - pad, high + pad];
}

function sx(f: Frame, index: number): number {
  return f.left + ((index - f.xMin) / (f.xMax - f.xMin)) * (f.right - f.left);
}

function sy(f: Frame, value: number): number {
  const clamped = Math.min(f.yMax, Math.max(f.yMin, value));
  return f.bottom - ((clamped - f.yMin) / (f.yMax - f.yMin)) * (f.bottom - f.top);
}

function plot(points: readonly Point[], f: Frame): string[] {
  const kept = points.filter((p) => p.row.status === "keep");
  const discarded = points.filter((p) => p.row.status !== "keep");
  const clipped = discarded.some((p) => p.row.valBpb > f.yMax);
  const legend = legendBox(f, points, clipped);
  return [
    ...yAxis(f),
    ...xAxis(f, points.length),
    ...discardedDots(discarded, f),
    runningBestLine(kept, points.length - 1, f),
    ...keptDots(kept, f),
    ...keptLabels(kept, f, legend),
    ...legendItems(legend, clipped),
  ];
}

/** The 1-2-5 step that gives closest to `target` intervals over `range`, never below `minStep`. */
function niceStep(range: number, target: number, minStep: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(range / target));
  const steps = [1, 2, 5, 10].map((m) => Math.max(m * magnitude, minStep));
  const misfit = (step: number) => Math.abs(Math.log(range / step / target));
  return steps.reduce((best, step) => (misfit(step) < misfit(best) ? step : best));
}

function yAxis(f: Frame): string[] {
  const step = niceStep(f.yMax - f.yMin, 5, 0.0001);
  const out = [`<g id="y-axis" font-size="12" text-anchor="end">`];
  for (let k = Math.ceil(f.yMin / step - 1e-9); k * step <= f.yMax + 1e-12; k++) {
    const y = n(sy(f, k * step));
    out.push(
      `<line x1="${n(f.left)}" y1="${y}" x2="${n(f.right)}" y2="${y}" stroke="${COLOR.grid}"/>`,
    );
    out.push(`<text x="${n(f.left - 8)}" y="${y}" dy="4">${(k * step).toFixed(4)}</text>`);
  }
  const midY = n((f.top + f.bottom) / 2);
  out.push(
    `<line x1="${n(f.left)}" y1="${n(f.top)}" x2="${n(f.left)}" y2="${n(f.bottom)}" stroke="${COLOR.axis}"/>`,
    `<text x="22" y="${midY}" transform="rotate(-90 22 ${midY})" text-anchor="middle" font-size="14">Validation BPB (lower is better)</text>`,
    "</g>",
  );
  return out;
}

function xAxis(f: Frame, count: number): string[] {
  const step = niceStep(count, 10, 1);
  const out = [`<g id="x-axis" font-size="12" text-anchor="middle">`];
  for (let i = 0; i < count; i += step) {
    const x = n(sx(f, i));
    out.push(
      `<line x1="${x}" y1="${n(f.bottom)}" x2="${x}" y2="${n(f.bottom + 5)}" stroke="${COLOR.axis}"/>`,
    );
    out.push(`<text x="${x}" y="${n(f.bottom + 20)}">${i}</text>`);
  }
  out.push(
    `<line x1="${n(f.left)}" y1="${n(f.bottom)}" x2="${n(f.right)}" y2="${n(f.bottom)}" stroke="${COLOR.axis}"/>`,
    `<text x="${n((f.left + f.right) / 2)}" y="${n(f.height - 16)}" font-size="14">Experiment #</text>`,
    "</g>",
  );
  return out;
}

function tooltip(p: Point): string {
  return `<title>#${p.index} ${escapeXml(p.row.description)}: ${p.row.valBpb.toFixed(6)} (${p.row.status})</title>`;
}

function discardedDots(points: readonly Point[], f: Frame): string[] {
  const dots = points.map((p) => {
    const x = sx(f, p.index);
    const y = sy(f, p.row.valBpb);
    // Off the top of the scale: a small up-pointing triangle on the edge says "worse than shown".
    if (p.row.valBpb > f.yMax) {
      return `<path d="M${n(x)} ${n(y)}l3.5 6h-7z">${tooltip(p)}</path>`;
    }
    return `<circle cx="${n(x)}" cy="${n(y)}" r="3">${tooltip(p)}</circle>`;
  });
  return [`<g id="discarded" fill="${COLOR.discarded}" fill-opacity="0.8">`, ...dots, "</g>"];
}

function keptDots(points: readonly Point[], f: Frame): string[] {
  const dots = points.map(
    (p) =>
      `<circle cx="${n(sx(f, p.index))}" cy="${n(sy(f, p.row.valBpb))}" r="6">${tooltip(p)}</circle>`,
  );
  return [
    `<g id="kept" fill="${COLOR.kept}" stroke="${COLOR.keptEdge}" stroke-width="1">`,
    ...dots,
    "</g>",
  ];
}

/**
 * The best val_bpb so far, as a step through the kept points: flat until the next kept
 * point that is better, then straight down. A kept point that is not better (kept for
 * simplicity) leaves the line where it is, so it never goes up.
 */
function runningBestLine(kept: readonly Point[], lastIndex: number, f: Frame): string {
  if (kept.length === 0) return `<path id="running-best" d=""/>`;
  let best = kept[0].row.valBpb;
  let d = `M${n(sx(f, kept[0].index))} ${n(sy(f, best))}`;
  for (const p of kept.slice(1)) {
    if (p.row.valBpb >= best) continue;
    best = p.row.valBpb;
    d += `H${n(sx(f, p.index))}V${n(sy(f, best))}`;
  }
  if (lastIndex > kept.at(-1)!.index) d += `H${n(sx(f, lastIndex))}`;
  return `<path id="running-best" d="${d}" fill="none" stroke="${COLOR.best}" stroke-width="2" stroke-opacity="0.8"/>`;
}

export function shortenLabel(text: string, max = LABEL_MAX): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars
    .slice(0, max - 1)
    .join("")
    .trimEnd();
  return `${head}…`;
}

interface Vec {
  x: number;
  y: number;
}

/** Where a label may go relative to its point: `angle` is the SVG rotation of its baseline. */
const LABEL_SPOTS = [
  { dx: 1, dy: -1, angle: -30, anchor: "start" },
  { dx: -1, dy: 1, angle: -30, anchor: "end" },
  { dx: -1, dy: -1, angle: 30, anchor: "end" },
] as const;

interface Placement {
  anchor: Vec;
  angle: number;
  textAnchor: "start" | "end";
  /** The text's baseline as a segment, from the anchor to the other end of the text. */
  from: Vec;
  to: Vec;
}

function place(
  cx: number,
  cy: number,
  length: number,
  spot: (typeof LABEL_SPOTS)[number],
): Placement {
  const anchor = { x: cx + spot.dx * LABEL_GAP, y: cy + spot.dy * LABEL_GAP };
  const rad = (spot.angle * Math.PI) / 180;
  const run = { x: Math.cos(rad) * length, y: Math.sin(rad) * length };
  const other = {
    x: anchor.x + (spot.anchor === "start" ? run.x : -run.x),
    y: anchor.y + (spot.anchor === "start" ? run.y : -run.y),
  };
  return { anchor, angle: spot.angle, textAnchor: spot.anchor, from: anchor, to: other };
}

function distanceToSegment(p: Vec, a: Vec, b: Vec): number {
  const ab = { x: b.x - a.x, y: b.y - a.y };
  const t = Math.max(
    0,
    Math.min(1, ((p.x - a.x) * ab.x + (p.y - a.y) * ab.y) / (ab.x ** 2 + ab.y ** 2 || 1)),
  );
  return Math.hypot(p.x - a.x - t * ab.x, p.y - a.y - t * ab.y);
}

function cross(o: Vec, a: Vec, b: Vec): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

function segmentsCross(a: Placement, b: Placement): boolean {
  return (
    cross(a.from, a.to, b.from) * cross(a.from, a.to, b.to) < 0 &&
    cross(b.from, b.to, a.from) * cross(b.from, b.to, a.to) < 0
  );
}

/** Two baselines closer than a line of text overlap. */
function collides(a: Placement, b: Placement): boolean {
  if (segmentsCross(a, b)) return true;
  const gap = Math.min(
    distanceToSegment(a.from, b.from, b.to),
    distanceToSegment(a.to, b.from, b.to),
    distanceToSegment(b.from, a.from, a.to),
    distanceToSegment(b.to, a.from, a.to),
  );
  return gap < LABEL_FONT + 2;
}

function inside(p: Vec, box: Box): boolean {
  return p.x >= box.x0 && p.x <= box.x1 && p.y >= box.y0 && p.y <= box.y1;
}

function samples(c: Placement): Vec[] {
  return [0, 0.5, 1].map((t) => ({
    x: c.from.x + t * (c.to.x - c.from.x),
    y: c.from.y + t * (c.to.y - c.from.y),
  }));
}

/**
 * A label crossing one neighbour is still legible; one that would cross two or more, or
 * leave the picture, is left out (its point keeps the full description as a tooltip), so
 * a long run with hundreds of kept points does not turn into a wall of text.
 */
const MAX_LABEL_OVERLAPS = 0;

/**
 * Labels run up-right at 30° from their kept point, where the chart is usually empty
 * (earlier points sit up-left, later ones down-right, as in the notebook). When that spot
 * is taken by another label, leaves the picture or hides under the legend, the label goes
 * down-left, or up-left, whichever is freest.
 */
function keptLabels(kept: readonly Point[], f: Frame, legend: Box): string[] {
  const canvas: Box = { x0: 2, y0: f.top - 16, x1: f.width - 2, y1: f.bottom - 2 };
  const placed: Placement[] = [];
  const out = [`<g id="labels" font-size="${LABEL_FONT}" fill="${COLOR.label}">`];
  for (const p of kept) {
    const text = shortenLabel(p.row.description);
    const length = Array.from(text).length * LABEL_CHAR_WIDTH;
    const cx = sx(f, p.index);
    const cy = sy(f, p.row.valBpb);
    const penalty = (c: Placement) =>
      placed.filter((q) => collides(c, q)).length +
      samples(c).filter((s) => !inside(s, canvas) || inside(s, legend)).length * 10;
    const chosen = LABEL_SPOTS.map((spot) => place(cx, cy, length, spot)).reduce((best, c) =>
      penalty(c) < penalty(best) ? c : best,
    );
    if (penalty(chosen) > MAX_LABEL_OVERLAPS) continue;
    placed.push(chosen);
    const { x, y } = chosen.anchor;
    out.push(
      `<text x="${n(x)}" y="${n(y)}" text-anchor="${chosen.textAnchor}" transform="rotate(${chosen.angle} ${n(x)} ${n(y)})">${escapeXml(text)}</text>`,
    );
  }
  out.push("</g>");
  return out;
}

/** The plot corner with the fewest points under it, upper right first: usually empty as val_bpb falls. */
function legendBox(f: Frame, points: readonly Point[], withClipped: boolean): Box {
  const w = 160;
  const h = withClipped ? 100 : 80;
  const xs = [f.right - 10 - w, f.left + 10];
  const ys = [f.top + 10, f.bottom - 10 - h];
  const corners: Box[] = [
    [xs[0], ys[0]],
    [xs[1], ys[1]],
    [xs[1], ys[0]],
    [xs[0], ys[1]],
  ].map(([x0, y0]) => ({ x0, y0, x1: x0 + w, y1: y0 + h }));
  const covered = (box: Box) =>
    points.filter((p) => inside({ x: sx(f, p.index), y: sy(f, p.row.valBpb) }, pad(box, 14)))
      .length;
  return corners.reduce((best, box) => (covered(box) < covered(best) ? box : best));
}

function pad(box: Box, by: number): Box {
  return { x0: box.x0 - by, y0: box.y0 - by, x1: box.x1 + by, y1: box.y1 + by };
}

function legendItems(box: Box, withClipped: boolean): string[] {
  const x = box.x0 + 18;
  const row = (i: number) => box.y0 + 18 + i * 20;
  const items = [
    `<circle cx="${n(x)}" cy="${n(row(0))}" r="3" fill="${COLOR.discarded}"/>`,
    `<text x="${n(x + 16)}" y="${n(row(0) + 4)}">Discarded</text>`,
    `<circle cx="${n(x)}" cy="${n(row(1))}" r="6" fill="${COLOR.kept}" stroke="${COLOR.keptEdge}"/>`,
    `<text x="${n(x + 16)}" y="${n(row(1) + 4)}">Kept</text>`,
    `<line x1="${n(x - 9)}" y1="${n(row(2))}" x2="${n(x + 9)}" y2="${n(row(2))}" stroke="${COLOR.best}" stroke-width="2"/>`,
    `<text x="${n(x + 16)}" y="${n(row(2) + 4)}">Running best</text>`,
  ];
  if (withClipped) {
    items.push(
      `<path d="M${n(x)} ${n(row(3) - 3)}l3.5 6h-7z" fill="${COLOR.discarded}"/>`,
      `<text x="${n(x + 16)}" y="${n(row(3) + 4)}">Discarded, off scale</text>`,
    );
  }
  return [
    `<g id="legend" font-size="12">`,
    `<rect x="${n(box.x0)}" y="${n(box.y0)}" width="${n(box.x1 - box.x0)}" height="${n(box.y1 - box.y0)}" fill="#ffffff" fill-opacity="0.9" stroke="#cccccc" rx="4"/>`,
    ...items,
    "</g>",
  ];
}

/** One decimal, no "-0": the same ledger always gives byte-identical SVG. */
function n(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return String(rounded === 0 ? 0 : rounded);
}

function escapeXml(text: string): string {
  return stripControlChars(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** XML 1.0 cannot hold C0 control characters other than tab and newline, even escaped. */
function stripControlChars(text: string): string {
  return Array.from(text)
    .filter((ch) => ch.charCodeAt(0) >= 0x20 || ch === "\t" || ch === "\n")
    .join("");
}
