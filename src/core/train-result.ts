import type { CrashReason, TrainResult, TrainStatus } from "./result-marker.js";
import type { Summary } from "./summary.js";

export interface RunMeta {
  pr: number | null;
  headSha: string;
  runId: string;
  runAttempt: number;
  startedAt: string;
  finishedAt: string;
}

const EMPTY_METRICS = {
  peak_vram_mb: null,
  training_seconds: null,
  total_seconds: null,
  mfu_percent: null,
  total_tokens_M: null,
  num_steps: null,
  num_params_M: null,
  depth: null,
} as const;

/** The result object the action reports, from what the run produced (or why it did not run). */
export function buildTrainResult(
  outcome: {
    status: TrainStatus;
    reason: CrashReason | null;
    message: string;
    summary: Summary | null;
    anomalous: boolean;
  },
  meta: RunMeta,
): TrainResult {
  const ok = outcome.status === "ok" && outcome.summary !== null;
  const metrics = outcome.summary
    ? {
        peak_vram_mb: outcome.summary.peak_vram_mb,
        training_seconds: outcome.summary.training_seconds,
        total_seconds: outcome.summary.total_seconds,
        mfu_percent: outcome.summary.mfu_percent,
        total_tokens_M: outcome.summary.total_tokens_M,
        num_steps: outcome.summary.num_steps,
        num_params_M: outcome.summary.num_params_M,
        depth: outcome.summary.depth,
      }
    : EMPTY_METRICS;
  return {
    v: 1,
    status: outcome.status,
    crash_reason: ok ? null : outcome.reason,
    message: outcome.message,
    val_bpb: ok ? round(outcome.summary!.val_bpb, 6) : 0,
    memory_gb: ok ? round((outcome.summary!.peak_vram_mb ?? 0) / 1024, 1) : 0,
    ...metrics,
    anomalous: outcome.anomalous,
    pr: meta.pr,
    head_sha: meta.headSha,
    run_id: meta.runId,
    run_attempt: meta.runAttempt,
    started_at: meta.startedAt,
    finished_at: meta.finishedAt,
  };
}

/** The action's outputs, formatted as results.tsv formats them. */
export function resultOutputs(result: TrainResult): Record<string, string> {
  const text = (n: number | null) => (n === null ? "" : String(n));
  return {
    status: result.status,
    "crash-reason": result.crash_reason ?? "",
    val_bpb: result.val_bpb.toFixed(6),
    memory_gb: result.memory_gb.toFixed(1),
    peak_vram_mb: text(result.peak_vram_mb),
    training_seconds: text(result.training_seconds),
    total_seconds: text(result.total_seconds),
    anomalous: String(result.anomalous),
    "result-json": JSON.stringify(result),
  };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/**
 * A training process outlived SIGKILL: it may still write to the GPU, the workspace or the
 * result, so the numbers are never trusted.
 */
export function withEscapedProcess(result: TrainResult, message: string): TrainResult {
  return {
    ...result,
    status: "crash",
    crash_reason: "escaped-process",
    message,
    val_bpb: 0,
    memory_gb: 0,
    anomalous: false,
  };
}
