import type { TrainResult } from "../../src/core/result-marker.js";
import type { RunState } from "../../src/core/run-state.js";
import type { ExperimentState } from "../../src/core/state-block.js";

export const okResult: TrainResult = {
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
  head_sha: "b2c3d4e5f60718293a4b5c6d7e8f901234567890",
  run_id: "4242",
  run_attempt: 1,
  started_at: "2025-11-26T10:00:00Z",
  finished_at: "2025-11-26T10:05:26Z",
};

export const experimentState: ExperimentState = {
  v: 1,
  tag: "nov26",
  n: 2,
  description: "increase MATRIX_LR 0.04 → 0.056",
  source: "sweep",
  base_sha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
  head_sha: "b2c3d4e5f60718293a4b5c6d7e8f901234567890",
  phase: "queued",
  attempts: 0,
  infra_failures: 0,
  dispatched_at: null,
  result: null,
  verdict: null,
};

export const runState: RunState = {
  v: 1,
  tag: "nov26",
  status: "running",
  branch: "autoresearch/nov26",
  base_branch: "main",
  gist_id: null,
  ledger: "issue",
  next_n: 5,
  started_at: "2025-11-26T10:00:00Z",
  started_by: "alice",
  proposer_failures: 0,
  notes: ["started by alice from main"],
};
