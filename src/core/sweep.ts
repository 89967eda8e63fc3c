/**
 * The building blocks of the built-in `sweep` proposer: how each hyperparameter of train.py
 * may move (its rule), its one-constant neighbours, and sweep keys (`A=1;B=2`) that can be
 * made again on a newer run head. The stages that pick among them are in sweep-proposer.ts.
 */
import { parseValue, readConstants, setConstant, type TrainConstant } from "./train-constants.js";

export interface SweepCandidate {
  name: string;
  oldRaw: string;
  newRaw: string;
  /** `NAME=<newRaw>`: what the run remembers as tried. */
  key: string;
  /** Plain text, e.g. `MATRIX_LR 0.04 → 0.056`. */
  description: string;
}

const LOG_FACTORS = [0.5, 0.7, 1.4, 2];
const RATIO_STEPS = [-0.1, -0.05, 0.05, 0.1];
/** Additive steps make no sense below this: 1e-8 + 0.05 is not a neighbour of 1e-8. */
const SMALLEST_ADDITIVE = 0.05;
/** Ints below this move by ±1; larger ones are halved and doubled. */
const SMALL_INT = 16;

// SEED changes only the noise, never the idea; EVAL names change the measuring stick itself,
// so results before and after would not be comparable.
const SKIPPED = /SEED|EVAL/;
const LR = /(^|_)LR(_|$)/;
const FRACTION = /(^|_)(RATIO|FRAC|FRACTION)$/;
const COUNT = /DEPTH|LAYER/;

export type Rule = "skip" | "ratio" | "log" | "step" | "double" | "scale";

export function ruleFor(c: TrainConstant): Rule {
  const inUnit = c.value >= 0 && c.value <= 1;
  if (SKIPPED.test(c.name)) return "skip";
  if (FRACTION.test(c.name) && inUnit) return "ratio";
  if (LR.test(c.name)) return c.value > 0 ? "log" : "ratio";
  if (c.kind === "float") {
    if (c.value === 0 || (inUnit && c.value >= SMALLEST_ADDITIVE)) return "ratio";
    return c.value > 0 ? "log" : "skip";
  }
  if (c.value < 0) return "skip";
  if (COUNT.test(c.name)) return "step";
  if (c.kind === "pow2") return "double";
  return c.value < SMALL_INT ? "step" : "scale";
}

/** All values the sweep may try for one constant, as text ready to put into train.py. */
export function mutationsOf(c: TrainConstant): string[] {
  const raws = rawMutations(c);
  return [...new Set(raws)].filter((raw) => raw !== c.raw);
}

function rawMutations(c: TrainConstant): string[] {
  switch (ruleFor(c)) {
    case "skip":
      return [];
    case "log":
      return LOG_FACTORS.map((f) => formatFloat(c.value * f, c.raw));
    case "ratio":
      return ratioNeighbours(c.value).map((v) => formatFloat(v, c.raw));
    case "step":
      return [c.value - 1, c.value + 1].filter((v) => keepsSign(c.value, v)).map(intText(c.raw));
    case "double":
      return doubled(c);
    case "scale":
      return [Math.round(c.value / 2), c.value * 2]
        .filter((v) => keepsSign(c.value, v))
        .map(intText(c.raw));
  }
}

/** A positive value must stay positive: 0 workers or 0 layers is a crash, not an experiment. */
export function keepsSign(original: number, next: number): boolean {
  return original > 0 ? next > 0 : next >= 0;
}

function ratioNeighbours(value: number): number[] {
  const clamped = RATIO_STEPS.map((d) => Math.min(1, Math.max(0, roundTo(value + d, 6))));
  return clamped.filter((v) => v !== value);
}

function doubled(c: TrainConstant): string[] {
  const power = /^(2\s*\*\*\s*)(\d+)$/.exec(c.raw);
  if (power) {
    const k = Number(power[2]);
    // 2**0 = 1 is as small as a size gets: a negative exponent would make it a fraction.
    return [k - 1, k + 1].filter((e) => e >= 0).map((e) => power[1] + e);
  }
  return [c.value / 2, c.value * 2].filter((v) => v >= 1).map(intText(c.raw));
}

export function roundTo(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

/** At most 4 significant digits and no float noise (0.04 × 1.4 is 0.056, not 0.055999999). */
export function formatFloat(value: number, originalRaw: string): string {
  const compact = Number(value.toPrecision(4));
  if (/[eE]/.test(originalRaw)) return compact.toExponential().replace("e+", "e");
  const text = String(compact);
  // Keep a float a float in Python: 1.0, not 1.
  return /[.eE]/.test(text) || !/[.eE]/.test(originalRaw) ? text : `${text}.0`;
}

export function intText(originalRaw: string): (value: number) => string {
  const grouped = originalRaw.includes("_");
  return (value) => {
    const text = String(Math.round(value));
    return grouped ? text.replace(/\B(?=(\d{3})+(?!\d))/g, "_") : text;
  };
}

/** Every possible one-constant change, in source order (last assignment of a name wins). */
export function sweepCandidates(source: string): SweepCandidate[] {
  const byName = new Map<string, TrainConstant>();
  for (const c of readConstants(source)) {
    byName.delete(c.name);
    byName.set(c.name, c);
  }
  return [...byName.values()].flatMap((c) =>
    mutationsOf(c).map((newRaw) => ({
      name: c.name,
      oldRaw: c.raw,
      newRaw,
      key: `${c.name}=${newRaw}`,
      description: `${c.name} ${c.raw} → ${newRaw}`,
    })),
  );
}

/** mulberry32: a tiny 32-bit PRNG, good enough to order a few dozen candidates reproducibly. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mixSeed(seed: number, n: number): number {
  return (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul((n | 0) + 1, 0x85ebca6b)) >>> 0;
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** One `NAME=raw` of a sweep key. */
export interface KeyPart {
  name: string;
  raw: string;
}

/** `A=1;B=2` → its parts; null when any part is not `NAME=raw`. */
export function parseSweepKey(key: string): KeyPart[] | null {
  const parts: KeyPart[] = [];
  for (const text of key.split(";")) {
    const eq = text.indexOf("=");
    if (eq <= 0 || eq === text.length - 1) return null;
    parts.push({ name: text.slice(0, eq), raw: text.slice(eq + 1) });
  }
  return parts;
}

/** The key of a set of changes: parts sorted by name, `A=1;B=2`. */
export function sweepKey(parts: readonly KeyPart[]): string {
  return [...parts]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => `${p.name}=${p.raw}`)
    .join(";");
}

/**
 * The changes applied to `source` (the current best): parts whose constant already has that
 * value are left out. Null when a constant is missing, a value cannot be written, or nothing
 * changes. The description lists each change as `NAME old → new`, by name, joined by ", ".
 */
export function applyChanges(
  source: string,
  parts: readonly KeyPart[],
): { source: string; key: string; description: string } | null {
  const constants = readConstants(source);
  const changes: { name: string; from: string; to: string }[] = [];
  for (const part of parts) {
    const current = constants.findLast((c) => c.name === part.name);
    if (!current) return null;
    // 0.50 for 0.5 is new text, not a new value: it would train the same thing again.
    if (current.raw !== part.raw && parseValue(part.raw).value !== current.value)
      changes.push({ name: part.name, from: current.raw, to: part.raw });
  }
  if (changes.length === 0) return null;
  changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let next = source;
  try {
    for (const c of changes) next = setConstant(next, c.name, c.to);
  } catch {
    return null;
  }
  return {
    source: next,
    key: sweepKey(changes.map((c) => ({ name: c.name, raw: c.to }))),
    description: changes.map((c) => `${c.name} ${c.from} → ${c.to}`).join(", "),
  };
}

/**
 * A sweep proposal is "set NAME to value" (several at once: `A=1;B=2`): on a newer run head it
 * is simply made again there, instead of merging heads. Null when a constant is gone or every
 * constant already has its value; parts already on the head are left out of the description.
 */
export function applySweepKey(
  source: string,
  key: string,
): { source: string; description: string } | null {
  const parts = parseSweepKey(key);
  const applied = parts === null ? null : applyChanges(source, parts);
  return applied === null ? null : { source: applied.source, description: applied.description };
}
