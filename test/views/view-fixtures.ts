import type { TrainResult } from "../../src/core/result-marker.js";
import type { RunState } from "../../src/core/run-state.js";
import type { ExperimentState } from "../../src/core/state-block.js";
import {
  experimentState as buildExperimentState,
  okResult as buildOkResult,
} from "../support/fixtures.js";

// The view tests render one shared result and experiment: the defaults of test/support/fixtures.ts.
export const okResult: TrainResult = buildOkResult();
export const experimentState: ExperimentState = buildExperimentState();

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
