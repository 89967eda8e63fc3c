import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);

// src/core/train-result.ts
var EMPTY_METRICS = {
  peak_vram_mb: null,
  training_seconds: null,
  total_seconds: null,
  mfu_percent: null,
  total_tokens_M: null,
  num_steps: null,
  num_params_M: null,
  depth: null
};
function buildTrainResult(outcome, meta) {
  const ok = outcome.status === "ok" && outcome.summary !== null;
  const metrics = outcome.summary ? {
    peak_vram_mb: outcome.summary.peak_vram_mb,
    training_seconds: outcome.summary.training_seconds,
    total_seconds: outcome.summary.total_seconds,
    mfu_percent: outcome.summary.mfu_percent,
    total_tokens_M: outcome.summary.total_tokens_M,
    num_steps: outcome.summary.num_steps,
    num_params_M: outcome.summary.num_params_M,
    depth: outcome.summary.depth
  } : EMPTY_METRICS;
  return {
    v: 1,
    status: outcome.status,
    crash_reason: ok ? null : outcome.reason,
    message: outcome.message,
    val_bpb: ok ? round(outcome.summary.val_bpb, 6) : 0,
    memory_gb: ok ? round((outcome.summary.peak_vram_mb ?? 0) / 1024, 1) : 0,
    ...metrics,
    anomalous: outcome.anomalous,
    pr: meta.pr,
    head_sha: meta.headSha,
    run_id: meta.runId,
    run_attempt: meta.runAttempt,
    started_at: meta.startedAt,
    finished_at: meta.finishedAt
  };
}
function resultOutputs(result) {
  const text = (n) => n === null ? "" : String(n);
  return {
    status: result.status,
    "crash-reason": result.crash_reason ?? "",
    val_bpb: result.val_bpb.toFixed(6),
    memory_gb: result.memory_gb.toFixed(1),
    peak_vram_mb: text(result.peak_vram_mb),
    training_seconds: text(result.training_seconds),
    total_seconds: text(result.total_seconds),
    anomalous: String(result.anomalous),
    "result-json": JSON.stringify(result)
  };
}
function round(value, decimals) {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
function withEscapedProcess(result, message) {
  return {
    ...result,
    status: "crash",
    crash_reason: "escaped-process",
    message,
    val_bpb: 0,
    memory_gb: 0,
    anomalous: false
  };
}

export {
  buildTrainResult,
  resultOutputs,
  withEscapedProcess
};
