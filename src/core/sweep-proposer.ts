/**
 * The built-in `sweep` proposer, in stages chosen from the run's history of sweep experiments:
 *
 * 1. neighbourhood — one constant nudged around the current best, each `NAME=value` once;
 * 2. pattern — adaptive steps per constant: right after a kept step, the same step doubled
 *    (it jumps the queue: momentum is worth one experiment); after failures around a
 *    constant, half the smallest failed step, down to a floor;
 * 3. combine — the best near-misses applied together, pairs first, then triples;
 * 4. perturb — seeded changes of 2-4 constants at once, shrinking as the stage goes on. It
 *    never ends, so the sweep never runs dry.
 *
 * A variant is never proposed twice: every proposal's train.py is compared by git blob sha
 * with everything the run tried. Same (seed, n, history, source, tried) → same proposal.
 */
import type { SweepStage } from "./state-block.js";
import {
  applyChanges,
  formatFloat,
  intText,
  type KeyPart,
  keepsSign,
  mixSeed,
  mulberry32,
  parseSweepKey,
  roundTo,
  ruleFor,
  shuffle,
  sweepCandidates,
} from "./sweep.js";
import { parseValue, readConstants, type TrainConstant } from "./train-constants.js";
import { gitBlobSha } from "./variant-id.js";

/** One sweep experiment of the run, in experiment order. */
export interface SweepEntry {
  key: string;
  /** `NAME old → new`, several joined by ", ": where a step's starting value is read from. */
  description: string;
  /** null: not decided yet (queued, training) or never trained. */
  status: "keep" | "discard" | "crash" | null;
  /** val_bpb minus the best at the time; null for crashes and undecided ones. */
  delta: number | null;
  stage?: SweepStage | null;
}

export interface SweepInput {
  /** train.py at the run branch head, i.e. the current best. */
  source: string;
  history: readonly SweepEntry[];
  /** Git blob shas of every train.py the run has tried (any proposer). */
  tried: ReadonlySet<string>;
  seed: number;
  /** Experiment number: with the seed it fixes the order, so a retry proposes the same thing. */
  n: number;
}

export interface SweepProposal {
  source: string;
  description: string;
  /** `NAME=value`, or `A=1;B=2` (sorted by name) for several constants. */
  key: string;
  stage: SweepStage;
  /** Git blob sha of the proposed train.py: its identity. */
  blob: string;
}

/** What the dashboard says about each stage. */
export const SWEEP_STAGE_NOTES: Record<SweepStage, string> = {
  neighbourhood: "neighbourhood stage (one-constant changes around the current best)",
  pattern: "pattern stage (bigger steps after a kept change, smaller ones after failures)",
  combine: "combine stage (pairs, then triples of near-misses)",
  perturb: "perturb stage (seeded changes of 2-4 constants at once, shrinking; never runs dry)",
};

/** Near-misses combined at most: 15 pairs and 20 triples. */
const COMBINE_POOL = 6;
/** Perturbations after which their scale has halved. */
const PERTURB_HALF_LIFE = 24;
/** Perturbation scale in units of a constant's neighbourhood step: from 2× down to ¼. */
const PERTURB_START = 2;
const PERTURB_END = 0.25;
const PERTURB_ATTEMPTS = 4000;

/**
 * How a constant moves, on a scale where steps add up: log for rates and large ints,
 * the exponent for powers of two, the value itself for ratios and small counts.
 */
interface Axis {
  /** The neighbourhood's smaller step on this scale. */
  unit: number;
  /** Steps smaller than this are not worth a training run. */
  floor: number;
  at(value: number): number;
  /** The value text at a point of the scale, or null when the constant cannot hold it. */
  raw(u: number): string | null;
}

export function axisOf(c: TrainConstant): Axis | null {
  const int = intText(c.raw);
  switch (ruleFor(c)) {
    case "skip":
      return null;
    case "log":
      return {
        unit: Math.log(1.4),
        floor: Math.log(1.05),
        at: Math.log,
        raw: (u) => finitePositive(Math.exp(u), (v) => formatFloat(v, c.raw)),
      };
    case "ratio":
      return {
        unit: 0.05,
        floor: 0.01,
        at: (v) => v,
        raw: (u) =>
          Number.isFinite(u) ? formatFloat(Math.min(1, Math.max(0, roundTo(u, 6))), c.raw) : null,
      };
    case "step":
      return {
        unit: 1,
        floor: 1,
        at: (v) => v,
        raw: (u) => wholeKeepingSign(c.value, Math.round(u), int),
      };
    case "double": {
      const power = /^(2\s*\*\*\s*)\d+$/.exec(c.raw);
      return {
        unit: 1,
        floor: 1,
        at: Math.log2,
        raw: (u) => {
          const e = Math.round(u);
          if (!Number.isFinite(e) || e < 0 || e > 62) return null;
          return power ? power[1] + e : int(2 ** e);
        },
      };
    }
    case "scale":
      return {
        unit: Math.log(2),
        floor: Math.log(1.1),
        at: Math.log,
        raw: (u) => wholeKeepingSign(c.value, Math.round(Math.exp(u)), int),
      };
  }
}

function finitePositive(v: number, text: (v: number) => string): string | null {
  return Number.isFinite(v) && v > 0 ? text(v) : null;
}

function wholeKeepingSign(original: number, v: number, text: (v: number) => string): string | null {
  return Number.isSafeInteger(v) && keepsSign(original, v) ? text(v) : null;
}

/** One constant's move in a past experiment; `from` is null when the description does not say. */
interface Move {
  name: string;
  from: string | null;
  to: string;
}

const DESCRIBED_CHANGE = /^([A-Z][A-Z0-9_]*) (.+) → (.+)$/;

/** Parsed once per entry object: a long night asks about the same history on every proposal. */
const parsedMoves = new WeakMap<SweepEntry, Move[]>();

function movesOf(entry: SweepEntry): Move[] {
  const known = parsedMoves.get(entry);
  if (known) return known;
  const moves = parseMoves(entry);
  parsedMoves.set(entry, moves);
  return moves;
}

function parseMoves(entry: SweepEntry): Move[] {
  const parts = parseSweepKey(entry.key) ?? [];
  const from = new Map<string, string>();
  for (const text of entry.description.split(", ")) {
    const m = DESCRIBED_CHANGE.exec(text);
    if (m) from.set(m[1], m[2]);
  }
  return parts.map((p) => ({ name: p.name, from: from.get(p.name) ?? null, to: p.raw }));
}

/** The step a move took on the constant's axis, or null when unknown. */
function stepOf(axis: Axis, move: Move): number | null {
  if (move.from === null) return null;
  const step = axis.at(parseValue(move.to).value) - axis.at(parseValue(move.from).value);
  return Number.isFinite(step) && step !== 0 ? step : null;
}

interface Context {
  source: string;
  /** Last assignment of each name wins, as in sweepCandidates. */
  constants: Map<string, TrainConstant>;
  tunable: TrainConstant[];
  decided: SweepEntry[];
  /** Index in `decided` of the last keep that moved each constant. */
  lastKeep: Map<string, number>;
  /** Index in `decided` of the last decided change of each constant. */
  lastTouch: Map<string, number>;
  /** Index in `decided` of the last failed one-constant change of each constant. */
  lastFailure: Map<string, number>;
  random: () => number;
}

/** The next proposal; null only when train.py has no constant the sweep may change. */
export function proposeSweep(input: SweepInput): SweepProposal | null {
  const constants = new Map<string, TrainConstant>();
  for (const c of readConstants(input.source)) {
    constants.delete(c.name);
    constants.set(c.name, c);
  }
  const tunable = [...constants.values()].filter((c) => axisOf(c) !== null);
  if (tunable.length === 0) return null;
  const decided = input.history.filter((e) => e.status !== null);
  const lastKeep = new Map<string, number>();
  const lastTouch = new Map<string, number>();
  const lastFailure = new Map<string, number>();
  decided.forEach((e, i) => {
    const moves = movesOf(e);
    for (const m of moves) lastTouch.set(m.name, i);
    if (e.status === "keep") for (const m of moves) lastKeep.set(m.name, i);
    else if (moves.length === 1) lastFailure.set(moves[0].name, i);
  });
  const ctx: Context = {
    source: input.source,
    constants,
    tunable,
    decided,
    lastKeep,
    lastTouch,
    lastFailure,
    random: mulberry32(mixSeed(input.seed, input.n)),
  };
  const head = gitBlobSha(input.source);
  // In flight (or never trained): proposed again on a newer head only through its own PR.
  const pending = new Set(input.history.filter((e) => e.status === null).map((e) => e.key));
  const accept = (parts: readonly KeyPart[], stage: SweepStage): SweepProposal | null => {
    const made = applyChanges(input.source, parts);
    if (made === null || pending.has(made.key)) return null;
    const blob = gitBlobSha(made.source);
    return blob === head || input.tried.has(blob) ? null : { ...made, stage, blob };
  };
  const staged: [SweepStage, KeyPart[][]][] = [
    ["pattern", growDrafts(ctx)],
    ["neighbourhood", neighbourhoodDrafts(ctx, input.history)],
    ["pattern", shrinkDrafts(ctx)],
    ["combine", combineDrafts(ctx)],
  ];
  for (const [stage, drafts] of staged) {
    for (const parts of drafts) {
      const proposal = accept(parts, stage);
      if (proposal) return proposal;
    }
  }
  const done = input.history.filter((e) => e.stage === "perturb").length;
  const scale = Math.max(PERTURB_END, PERTURB_START * 0.5 ** (done / PERTURB_HALF_LIFE));
  for (let attempt = 0; attempt < PERTURB_ATTEMPTS; attempt++) {
    // Every 100 misses the scale doubles: a small space (one int constant) still has new values.
    const wider = 2 ** Math.min(10, Math.floor(attempt / 100));
    const random = mulberry32(mixSeed(input.seed, input.n) ^ Math.imul(attempt + 1, 0x27d4eb2f));
    const proposal = accept(perturbDraft(tunable, random, scale * wider), "perturb");
    if (proposal) return proposal;
  }
  return null;
}

/** The stage the sweep is in: that of its latest proposal (null before the first one). */
export function currentSweepStage(history: readonly SweepEntry[]): SweepStage | null {
  return history.findLast((e) => e.stage)?.stage ?? null;
}

/**
 * Pattern, momentum: a kept change that is still the latest decided move of each of its
 * constants is repeated from the current best with its steps doubled.
 */
function growDrafts(ctx: Context): KeyPart[][] {
  const { lastTouch } = ctx;
  const drafts: KeyPart[][] = [];
  for (let i = ctx.decided.length - 1; i >= 0; i--) {
    const { status } = ctx.decided[i];
    const moves = movesOf(ctx.decided[i]);
    if (status !== "keep" || !moves.every((m) => lastTouch.get(m.name) === i)) continue;
    const parts = moves.flatMap((m) => {
      const c = ctx.constants.get(m.name);
      const axis = c && axisOf(c);
      const step = axis ? stepOf(axis, m) : null;
      const raw = c && axis && step !== null ? axis.raw(axis.at(c.value) + 2 * step) : null;
      return raw === null ? [] : [{ name: m.name, raw }];
    });
    if (parts.length > 0) drafts.push(parts);
  }
  return drafts;
}

/** Today's one-constant changes in a seeded order, each key once (and never back to a value a keep replaced). */
function neighbourhoodDrafts(ctx: Context, history: readonly SweepEntry[]): KeyPart[][] {
  const tried = new Set<string>();
  for (const entry of history) {
    tried.add(entry.key);
    if (entry.status !== "keep") continue;
    for (const m of movesOf(entry)) if (m.from !== null) tried.add(`${m.name}=${m.from}`);
  }
  return shuffle(sweepCandidates(ctx.source), ctx.random)
    .filter((c) => !tried.has(c.key))
    .map((c) => [{ name: c.name, raw: c.newRaw }]);
}

/**
 * Pattern, refinement: a constant whose one-constant changes failed since its last keep is
 * moved both ways by half its neighbourhood step, then a quarter, … down to its axis's floor.
 * A level is offered both ways before the next, smaller one.
 */
function shrinkDrafts(ctx: Context): KeyPart[][] {
  const drafts: KeyPart[][] = [];
  const failing = ctx.tunable.filter(
    (c) => (ctx.lastFailure.get(c.name) ?? -1) > (ctx.lastKeep.get(c.name) ?? -1),
  );
  const levels = failing.map((c) => {
    const axis = axisOf(c)!;
    const steps: KeyPart[][] = [];
    for (let step = axis.unit / 2; step >= axis.floor - 1e-9; step /= 2) {
      for (const direction of [-1, 1]) {
        const raw = axis.raw(axis.at(c.value) + direction * step);
        if (raw !== null) steps.push([{ name: c.name, raw }]);
      }
    }
    return steps;
  });
  // Constants in a seeded order, each one's levels largest first.
  for (const steps of shuffle(levels, ctx.random)) drafts.push(...steps);
  return drafts;
}

/**
 * The best near-misses, best first: kept changes the head no longer holds (unless a later
 * keep moved the same constant), then discards by smallest delta (a discard that improved too
 * little to keep comes first). Each is the part of its key the head does not have yet.
 */
function nearMisses(ctx: Context): KeyPart[][] {
  const { decided } = ctx;
  const keptLater = (i: number, name: string) => (ctx.lastKeep.get(name) ?? -1) > i;
  const kept = decided
    .map((e, i) => ({ e, i }))
    .filter(({ e, i }) => e.status === "keep" && movesOf(e).every((m) => !keptLater(i, m.name)))
    .reverse()
    .map(({ e }) => e);
  const discarded = decided
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.status === "discard" && e.delta !== null)
    .sort((a, b) => a.e.delta! - b.e.delta! || a.i - b.i)
    .map(({ e }) => e);
  const pool: KeyPart[][] = [];
  const taken = new Set<string>();
  for (const entry of [...kept, ...discarded]) {
    const parts = parseSweepKey(entry.key);
    if (!parts || parts.some((p) => !ctx.constants.has(p.name))) continue;
    const missing = parts.filter((p) => ctx.constants.get(p.name)!.raw !== p.raw);
    // One near-miss per constant (its best): any two in the pool combine.
    if (missing.length === 0 || missing.some((p) => taken.has(p.name))) continue;
    for (const p of missing) taken.add(p.name);
    pool.push(missing);
    if (pool.length === COMBINE_POOL) break;
  }
  return pool;
}

/** Pairs of near-misses, best pairs first, then triples. */
function combineDrafts(ctx: Context): KeyPart[][] {
  const pool = nearMisses(ctx);
  const combos: number[][] = [];
  for (let i = 0; i < pool.length; i++) {
    for (let j = i + 1; j < pool.length; j++) combos.push([i, j]);
  }
  const pairs = combos.length;
  for (let i = 0; i < pool.length; i++) {
    for (let j = i + 1; j < pool.length; j++) {
      for (let k = j + 1; k < pool.length; k++) combos.push([i, j, k]);
    }
  }
  const rank = (a: number[], b: number[]) =>
    a.reduce((s, x) => s + x, 0) - b.reduce((s, x) => s + x, 0) || a[0] - b[0] || a[1] - b[1];
  const ordered = [...combos.slice(0, pairs).sort(rank), ...combos.slice(pairs).sort(rank)];
  return ordered.map((combo) => combo.flatMap((i) => pool[i]));
}

/** 2-4 tunable constants (fewer when train.py has fewer), each moved by about `scale` steps. */
function perturbDraft(tunable: TrainConstant[], random: () => number, scale: number): KeyPart[] {
  const count = 2 + Math.floor(random() * 3);
  const parts: KeyPart[] = [];
  // A constant whose move rounds back to its value (a count moved by 0.4) leaves room for the next.
  for (const c of shuffle(tunable, random)) {
    if (parts.length === count) break;
    const axis = axisOf(c)!;
    const size = scale * axis.unit * (0.5 + random());
    const direction = random() < 0.5 ? -1 : 1;
    const raw = axis.raw(axis.at(c.value) + direction * size);
    if (raw !== null && raw !== c.raw && parseValue(raw).value !== c.value)
      parts.push({ name: c.name, raw });
  }
  return parts;
}
