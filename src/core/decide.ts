import type { Config } from "./config.js";
import { formatBpb, formatDelta } from "./digest.js";
import { noiseMultipleText } from "./noise.js";
import type { TrainResult } from "./result-marker.js";
import type { Verdict, VerdictStatus } from "./state-block.js";

export interface DecisionInput {
  result: TrainResult;
  /** The run's best kept val_bpb; null when this is the first measurement. */
  best: number | null;
  policy: Config["policy"];
  /** Lines of the allowed paths added and removed, against the PR base. */
  diff: { added: number; removed: number };
  /** The diff only changes a random seed assignment. */
  seedOnly: boolean;
  /** The run branch moved since this PR's base. */
  baseIsStale: boolean;
  /** val_bpb of earlier runs of this same head (confirmation runs), oldest first. */
  earlier?: readonly number[];
  /** The run's noise floor (see noise.ts), null until some code was measured twice. */
  noise?: number | null;
}

export type Decision =
  | { kind: "verdict"; verdict: Verdict }
  /** A stale base that would keep: update the branch and train again before merging. */
  | { kind: "retrain"; reason: string }
  /** A small gain: train the same head again before deciding (policy.confirm). */
  | { kind: "confirm"; reason: string };

// val_bpb comes printed with 6 decimals, so gaps this small are float noise, not gains:
// without it 0.9979 - 0.0005 would not equal 0.9974 and boundaries would flip at random.
const EPSILON = 1e-9;

/** The verdict on one training result, by the run's policy. Pure. */
export function decide(input: DecisionInput): Decision {
  const { best } = input;
  if (input.result.status !== "ok") {
    return { kind: "verdict", verdict: failed(input.result, input.result.status, best) };
  }
  // With confirmation runs the change is judged by the mean of all its measurements.
  const runs = [...(input.earlier ?? []), input.result.val_bpb];
  const result = { ...input.result, val_bpb: roundBpb(mean(runs)) };

  const flags = [
    ...(result.anomalous ? ["anomalous"] : []),
    ...(input.seedOnly ? ["seed-only"] : []),
  ];
  const judged = judge({ ...input, result });
  const measured =
    runs.length > 1 ? `mean of ${runs.length} runs (${runs.map(formatBpb).join(", ")}): ` : "";
  const delta = best === null ? null : roundBpb(result.val_bpb - best);
  const noise = input.noise ?? null;
  const againstNoise =
    delta === null || noise === null ? "" : `; ${noiseMultipleText(delta, noise)}`;
  const reason = measured + judged.reason + againstNoise + anomalyNote(result);
  const verdict = (status: VerdictStatus): Decision => ({
    kind: "verdict",
    verdict: { status, reason, delta, best, flags, ...(noise === null ? {} : { noise }) },
  });

  if (!judged.keep) return verdict("discard");
  const { confirm } = input.policy;
  if (best !== null && best - result.val_bpb < confirm.below && runs.length <= confirm.runs) {
    return {
      kind: "confirm",
      reason: `${measured}the gain ${formatBpb(best - result.val_bpb)} is below policy.confirm.below ${formatBpb(confirm.below)}: training it again (run ${runs.length + 1} of ${confirm.runs + 1}) before it may keep`,
    };
  }
  if (input.baseIsStale) {
    return {
      kind: "retrain",
      reason: `the run branch moved since this PR's base; ${judged.reason}, so it is trained again on the new head before it may merge`,
    };
  }
  return verdict("keep");
}

/**
 * The record of a re-measurement of the unchanged run head (policy.baselineEvery): never kept or
 * discarded, only compared with the value the head's code recorded when it was kept.
 */
export function decideRemeasure(input: {
  result: TrainResult;
  /** The kept val_bpb of the run head it trained; null if nothing was kept by then. */
  recorded: number | null;
}): Verdict {
  const { result, recorded } = input;
  if (result.status !== "ok") {
    const verdict = failed(result, result.status, recorded);
    return { ...verdict, flags: ["remeasure", ...verdict.flags] };
  }
  const val = formatBpb(result.val_bpb);
  const delta = recorded === null ? null : roundBpb(result.val_bpb - recorded);
  const reason =
    recorded === null || delta === null
      ? `re-measured the run head: val_bpb ${val}; nothing was kept to compare it with`
      : `re-measured the run head unchanged: val_bpb ${val} against its recorded ${formatBpb(recorded)} (${formatDelta(delta)}), a sample of the noise floor; never merged`;
  return {
    status: "remeasure",
    reason: reason + anomalyNote(result),
    delta,
    best: recorded,
    flags: ["remeasure", ...(result.anomalous ? ["anomalous"] : [])],
  };
}

const FAILURE: Record<Exclude<TrainResult["status"], "ok">, { what: string; flags: string[] }> = {
  crash: { what: "training crashed", flags: [] },
  infra: { what: "the runner could not train", flags: ["infra"] },
  rejected: { what: "the runner refused to train", flags: ["rejected"] },
};

function failed(result: TrainResult, status: keyof typeof FAILURE, best: number | null): Verdict {
  const { what, flags } = FAILURE[status];
  const cause = `${what} (${result.crash_reason ?? "unknown reason"})`;
  const message = result.message.trim();
  return {
    status: "crash",
    reason: message ? `${cause}: ${message}` : cause,
    delta: null,
    best,
    flags: [...flags, ...(result.anomalous ? ["anomalous"] : [])],
  };
}

interface Judgement {
  keep: boolean;
  reason: string;
}

function judge(input: DecisionInput): Judgement {
  const val = input.result.val_bpb;
  const { best, policy } = input;
  if (best === null) {
    return {
      keep: true,
      reason: `first measurement of the run: val_bpb ${formatBpb(val)} is the best to beat`,
    };
  }
  if (input.seedOnly && policy.seedOnly === "discard") {
    return {
      keep: false,
      reason: `only a random seed changed, so val_bpb ${formatBpb(val)} against best ${formatBpb(best)} (${formatDelta(val - best)}) is noise, not an improvement (policy.seedOnly: discard)`,
    };
  }
  const net = input.diff.added - input.diff.removed;
  const gain = best - val;
  if (net < 0) return judgeSimpler(val, best, -net);
  const needed = policy.minImprovement + (net > 0 ? policy.simplicityCostPerLine * net : 0);
  const keep = gain - needed > EPSILON;
  const lines = net > 0 ? `for +${net} ${net === 1 ? "line" : "lines"}` : "with no net added lines";
  const comparison = compare(val, best, keep ? "" : "only ");
  return { keep, reason: `${comparison} (needed more than ${formatBpb(needed)} ${lines})` };
}

/** Equal results with less code are a win: simpler changes keep when no worse. */
function judgeSimpler(val: number, best: number, fewer: number): Judgement {
  const keep = val - best <= EPSILON;
  const lines = `${fewer} fewer ${fewer === 1 ? "line" : "lines"}`;
  return keep
    ? { keep, reason: `${compare(val, best)} with ${lines}: simpler code wins` }
    : { keep, reason: `${compare(val, best)}, even with ${lines}` };
}

function compare(val: number, best: number, qualifier = ""): string {
  const gain = best - val;
  const head = `val_bpb ${formatBpb(val)}`;
  if (Math.abs(gain) <= EPSILON) return `${head} ties best ${formatBpb(best)}`;
  const by = formatBpb(Math.abs(gain));
  return gain > 0
    ? `${head} beats best ${formatBpb(best)} by ${qualifier}${by}`
    : `${head} is worse than best ${formatBpb(best)} by ${by}`;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** To val_bpb's printed precision, so stored deltas read 0.0047, not 0.0047000000000000375. */
function roundBpb(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function anomalyNote(result: TrainResult): string {
  if (!result.anomalous) return "";
  return result.training_seconds === null
    ? "; the run was flagged anomalous"
    : `; training took ${result.training_seconds.toFixed(1)} s, flagged anomalous`;
}
