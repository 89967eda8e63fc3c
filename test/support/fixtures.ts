// Shared test data for the two contracts every layer passes around: the action's TrainResult and a
// PR's ExperimentState. Builders return fresh objects, so a test may change its copy freely;
// overrides keep the key order of the defaults, which matters where a test compares rendered JSON.
import {
  CRASH_REASONS,
  type CrashReason,
  INFRA_REASONS,
  type TrainResult,
  type TrainStatus,
} from "../../src/core/result-marker.js";
import type { ExperimentState } from "../../src/core/state-block.js";

/** The experiment's PR head, as most fixtures name it. */
export const HEAD_SHA = "b2c3d4e5f60718293a4b5c6d7e8f901234567890";
/** The run branch's head the experiment was made on, and the head the baseline trained. */
export const BASE_SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

/** An ok run that beat the baseline: PR 12, val_bpb 0.9932. */
export function okResult(overrides: Partial<TrainResult> = {}): TrainResult {
  return {
    v: 1,
    status: "ok",
    crash_reason: null,
    message: "trained for 300.1 s",
    val_bpb: 0.9932,
    memory_gb: 44.2,
    peak_vram_mb: 45260.8,
    training_seconds: 300.1,
    total_seconds: 325.9,
    mfu_percent: 39.8,
    total_tokens_M: 499.6,
    num_steps: 953,
    num_params_M: 50.3,
    depth: 8,
    anomalous: false,
    pr: 12,
    head_sha: HEAD_SHA,
    run_id: "4242",
    run_attempt: 1,
    started_at: "2025-11-26T10:00:00Z",
    finished_at: "2025-11-26T10:05:26Z",
    ...overrides,
  };
}

/** The baseline's ok run (PR 7, val_bpb 0.9979) worded as the action writes it. */
export function baselineResult(overrides: Partial<TrainResult> = {}): TrainResult {
  return okResult({
    message: "val_bpb 0.997900 after 300.1 s of training.",
    val_bpb: 0.9979,
    memory_gb: 44,
    peak_vram_mb: 45060.2,
    pr: 7,
    head_sha: BASE_SHA,
    started_at: "2025-11-26T10:00:00.000Z",
    finished_at: "2025-11-26T10:05:26.000Z",
    ...overrides,
  });
}

/** Every measurement unknown, as when train.py never printed its summary. */
export const NO_METRICS = {
  peak_vram_mb: null,
  training_seconds: null,
  total_seconds: null,
  mfu_percent: null,
  total_tokens_M: null,
  num_steps: null,
  num_params_M: null,
  depth: null,
} satisfies Partial<TrainResult>;

function statusOf(reason: CrashReason | null): TrainStatus {
  if (reason === null || (CRASH_REASONS as readonly string[]).includes(reason)) return "crash";
  return (INFRA_REASONS as readonly string[]).includes(reason) ? "infra" : "rejected";
}

/**
 * `run` (okResult() unless given) ended without a usable val_bpb: the status follows from the
 * reason, val_bpb and memory_gb are 0 and the other measurements stay as they were.
 */
export function crashResult(
  reason: CrashReason | null,
  overrides: Partial<TrainResult> = {},
  run: TrainResult = okResult(),
): TrainResult {
  return {
    ...run,
    status: statusOf(reason),
    crash_reason: reason,
    message: `training failed (${reason ?? "unknown reason"})`,
    val_bpb: 0,
    memory_gb: 0,
    ...overrides,
  };
}

/** Experiment 2 of run nov26, a sweep variant waiting for the GPU. */
export function experimentState(overrides: Partial<ExperimentState> = {}): ExperimentState {
  return {
    v: 1,
    tag: "nov26",
    n: 2,
    description: "increase MATRIX_LR 0.04 → 0.056",
    source: "sweep",
    base_sha: BASE_SHA,
    head_sha: HEAD_SHA,
    phase: "queued",
    attempts: 0,
    infra_failures: 0,
    dispatched_at: null,
    result: null,
    verdict: null,
    ...overrides,
  };
}

/** What an attacker writes into a state block: decided, kept, with a record val_bpb (0.5). */
export function forgedKeep(state: ExperimentState, pr: number): ExperimentState {
  return {
    ...state,
    phase: "decided",
    result: okResult({ val_bpb: 0.5, pr, head_sha: state.head_sha }),
    verdict: { status: "keep", reason: "trust me", delta: -0.5, best: 1, flags: [] },
    decided_at: new Date().toISOString(),
  };
}
