// The noise floor (policy.baselineEvery): how far val_bpb moves when nothing changed, measured by
// training the run head again, unchanged, every N experiments. Pure.
import { formatBpb } from "./digest.js";
import { type DecidedExperiment, decidedInOrder } from "./schedule.js";
import type { ExperimentState } from "./state-block.js";

export interface NoiseFloor {
  /**
   * Median absolute deviation of val_bpb: every measurement of the same code (the kept value of
   * a run head and its re-measurements) against that code's median, pooled over the run.
   */
  mad: number;
  /** Re-measurements it is computed from. */
  remeasures: number;
}

export const isRemeasure = (state: ExperimentState): boolean => state.source === "remeasure";

/** The run's noise floor from its trail, or null before the first successful re-measurement. */
export function noiseFloor(trail: readonly DecidedExperiment[]): NoiseFloor | null {
  // One group per re-measured value: the value the kept experiment recorded, then each re-run.
  const groups = new Map<number, number[]>();
  let remeasures = 0;
  for (const { state } of decidedInOrder(trail)) {
    const recorded = state.verdict!.best;
    if (!isRemeasure(state) || state.verdict!.status !== "remeasure" || recorded === null) continue;
    if (state.result?.status !== "ok") continue;
    const group = groups.get(recorded) ?? [recorded];
    group.push(state.result.val_bpb);
    groups.set(recorded, group);
    remeasures++;
  }
  if (remeasures === 0) return null;
  const deviations = [...groups.values()].flatMap((values) => {
    const center = median(values);
    return values.map((v) => Math.abs(v - center));
  });
  return { mad: roundBpb(median(deviations)), remeasures };
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
  const runs = noise.remeasures === 1 ? "re-measurement" : "re-measurements";
  return `val_bpb MAD ${formatBpb(noise.mad)} from ${noise.remeasures} ${runs} of the run head`;
}

/** "the gain is 2.4× the noise floor (MAD 0.001200)": a verdict's change against the noise. */
export function noiseMultipleText(delta: number, noise: number): string {
  const floor = `MAD ${formatBpb(noise)}`;
  if (noise <= 0) {
    return `re-measurements of the run head have matched exactly so far (noise floor ${floor})`;
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
