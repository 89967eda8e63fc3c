// The noise floor (policy.baselineEvery): how far val_bpb moves when nothing changed, measured by
// training the run head again, unchanged, every N experiments. Pure.
import { formatBpb } from "./digest.js";
import { type DecidedExperiment, decidedInOrder } from "./schedule.js";
import type { ExperimentState } from "./state-block.js";

export interface NoiseFloor {
  /**
   * Median absolute deviation of val_bpb: every measurement of the same code against that code's
   * median, pooled over the run. The same code is a run head (its kept value and re-measurements)
   * or a change policy.confirm trained more than once.
   */
  mad: number;
  /** Re-measurements of the run head among the samples. */
  remeasures: number;
  /** Experiments policy.confirm trained more than once, among the samples. */
  confirmed: number;
}

export const isRemeasure = (state: ExperimentState): boolean => state.source === "remeasure";

/** The run's noise floor from its trail, or null before any code was measured twice. */
export function noiseFloor(trail: readonly DecidedExperiment[]): NoiseFloor | null {
  // A run head's group: the value its kept experiment recorded, then each re-measurement.
  const heads = new Map<number, number[]>();
  const groups: number[][] = [];
  let remeasures = 0;
  let confirmed = 0;
  for (const { state } of decidedInOrder(trail)) {
    if (!isRemeasure(state)) {
      if ((state.runs?.length ?? 0) > 1) {
        groups.push(state.runs!);
        confirmed++;
      }
      continue;
    }
    const recorded = state.verdict!.best;
    if (state.verdict!.status !== "remeasure" || recorded === null) continue;
    if (state.result?.status !== "ok") continue;
    const group = heads.get(recorded) ?? [recorded];
    group.push(state.result.val_bpb);
    heads.set(recorded, group);
    remeasures++;
  }
  if (remeasures + confirmed === 0) return null;
  const deviations = [...heads.values(), ...groups].flatMap((values) => {
    const center = median(values);
    return values.map((v) => Math.abs(v - center));
  });
  return { mad: roundBpb(median(deviations)), remeasures, confirmed };
}

/**
 * Whether the run head is due to be re-measured: `every` decided experiments since the last
 * re-measurement (or since the run started), once a best exists and none is already on its way.
 */
export function remeasureDue(trail: readonly DecidedExperiment[], every: number): boolean {
  if (every <= 0) return false;
  const pending = trail.some(
    ({ state }) => isRemeasure(state) && state.phase !== "decided" && state.phase !== "rejected",
  );
  if (pending) return false;
  const decided = decidedInOrder(trail);
  if (!decided.some(({ state }) => state.verdict!.status === "keep")) return false;
  const lastRemeasure = decided.findLastIndex(({ state }) => isRemeasure(state));
  const since = decided.slice(lastRemeasure + 1).filter(({ state }) => !isRemeasure(state));
  return since.length >= every;
}

/**
 * The kept value a re-measurement trained: the run's best when it was last dispatched (keeps
 * decided later were not on the run head it trained). Null when nothing was kept by then.
 */
export function recordedValueAt(
  trail: readonly DecidedExperiment[],
  dispatchedAt: string | null,
): number | null {
  const kept = decidedInOrder(trail).filter(
    ({ state }) =>
      !isRemeasure(state) &&
      state.verdict!.status === "keep" &&
      (dispatchedAt === null || (state.decided_at ?? "") <= dispatchedAt),
  );
  return kept.at(-1)?.state.result?.val_bpb ?? null;
}

/** "val_bpb MAD 0.000600 from 2 re-measurements of the run head": the floor in one line. */
export function noiseFloorText(noise: NoiseFloor): string {
  return `val_bpb MAD ${formatBpb(noise.mad)} from ${noiseSources(noise)}`;
}

/** What the floor was measured from: "2 re-measurements of the run head and 1 confirmed change". */
export function noiseSources(noise: NoiseFloor): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const remeasured =
    noise.remeasures > 0
      ? plural(
          noise.remeasures,
          "re-measurement of the run head",
          "re-measurements of the run head",
        )
      : null;
  const confirmed =
    noise.confirmed > 0
      ? `the repeated runs of ${plural(noise.confirmed, "confirmed change", "confirmed changes")}`
      : null;
  return [remeasured, confirmed].filter((part) => part !== null).join(" and ");
}

/** "the gain is 2.4× the noise floor (MAD 0.001200)": a verdict's change against the noise. */
export function noiseMultipleText(delta: number, noise: number): string {
  const floor = `MAD ${formatBpb(noise)}`;
  if (noise <= 0) {
    return `repeated trainings of unchanged code have matched exactly so far (noise floor ${floor})`;
  }
  const multiple = `${formatMultiple(Math.abs(delta) / noise)} the noise floor (${floor})`;
  if (delta < 0) return `the gain is ${multiple}`;
  if (delta > 0) return `the loss is ${multiple}`;
  return `no change, against a noise floor of ${floor}`;
}

/** A multiple for a table cell: "2.4×", or null when there is no noise floor to divide by. */
export function noiseMultiple(
  delta: number | null,
  noise: number | null | undefined,
): string | null {
  if (delta === null || noise === null || noise === undefined || noise <= 0) return null;
  return formatMultiple(Math.abs(delta) / noise);
}

function formatMultiple(value: number): string {
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}×`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function roundBpb(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
