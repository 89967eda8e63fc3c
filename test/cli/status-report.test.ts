import { describe, expect, it } from "vitest";
import {
  buildStatusReport,
  formatStatusReport,
  type StatusPull,
} from "../../src/cli/status-report.js";
import type { TrainResult } from "../../src/core/result-marker.js";
import type { RunState } from "../../src/core/run-state.js";
import type { ExperimentState, VerdictStatus } from "../../src/core/state-block.js";
import { experimentState } from "../support/fixtures.js";

const RUN: RunState = {
  v: 1,
  tag: "nov26",
  status: "running",
  branch: "autoresearch/nov26",
  base_branch: "main",
  gist_id: "g1",
  ledger: "gist",
  next_n: 7,
  started_at: "2025-11-26T20:00:00.000Z",
  started_by: "octocat",
  proposer_failures: 0,
  notes: ["old note", "#3 requeued after a runner died", "resumed by octocat", "kept #4"],
};

function result(valBpb: number, sha: string): TrainResult {
  return {
    v: 1,
    status: "ok",
    crash_reason: null,
    message: "ok",
    val_bpb: valBpb,
    memory_gb: 44,
    peak_vram_mb: 45060,
    training_seconds: 300,
    total_seconds: 325,
    mfu_percent: 39.8,
    total_tokens_M: 499.6,
    num_steps: 953,
    num_params_M: 50.3,
    depth: 8,
    anomalous: false,
    pr: 1,
    head_sha: sha,
    run_id: "1",
    run_attempt: 1,
    started_at: "2025-11-26T20:00:00.000Z",
    finished_at: "2025-11-26T20:05:00.000Z",
  };
}

function pull(
  number: number,
  n: number,
  description: string,
  phase: ExperimentState["phase"],
  extra: Partial<ExperimentState> = {},
): StatusPull {
  const sha = `${String(n).repeat(7)}${"0".repeat(33)}`;
  return {
    number,
    title: description,
    state: phase === "queued" || phase === "training" ? "open" : "closed",
    experiment: experimentState({
      n,
      description,
      source: n === 1 ? "baseline" : "sweep",
      base_sha: "b".repeat(40),
      head_sha: sha,
      phase,
      attempts: phase === "queued" ? 0 : 1,
      dispatched_at: phase === "queued" ? null : "2025-11-26T21:00:00.000Z",
      ...extra,
    }),
  };
}

function decided(
  number: number,
  n: number,
  description: string,
  status: VerdictStatus,
  valBpb: number | null,
  decidedAt: string,
): StatusPull {
  const sha = `${String(n).repeat(7)}${"0".repeat(33)}`;
  return pull(number, n, description, "decided", {
    result: valBpb === null ? null : result(valBpb, sha),
    verdict: {
      status,
      reason: `${status} because of the numbers`,
      delta: valBpb === null ? null : valBpb - 0.9979,
      best: 0.9979,
      flags: [],
    },
    decided_at: decidedAt,
  });
}

const PULLS: StatusPull[] = [
  decided(2, 1, "baseline", "keep", 0.9979, "2025-11-26T20:10:00.000Z"),
  decided(3, 2, "increase LR to 0.04", "keep", 0.9932, "2025-11-26T20:20:00.000Z"),
  // Decided before #3: the report follows decision order, not numbers.
  decided(4, 3, "switch to GeLU\tactivation", "discard", 1.005, "2025-11-26T20:15:00.000Z"),
  decided(5, 4, "double model width", "crash", null, "2025-11-26T20:30:00.000Z"),
  pull(6, 5, "touches prepare.py", "rejected", { note: "outside allowedPaths" }),
  pull(7, 6, "warmup 0.05", "training"),
  pull(8, 7, "weight decay 0.01", "queued"),
  { number: 9, title: "pushed idea", state: "open", experiment: null },
  { number: 10, title: "closed without state", state: "closed", experiment: null },
];

const input = {
  repo: "acme/research",
  run: RUN,
  dashboard: { number: 1, url: "https://github.com/acme/research/issues/1" },
  pulls: PULLS,
  now: "2025-11-26T21:12:30.000Z",
};

describe("status report", () => {
  it("sums up the run from its PR trail", () => {
    const report = buildStatusReport(input);
    expect(report.best).toEqual({
      pr: 3,
      n: 2,
      description: "increase LR to 0.04",
      val_bpb: 0.9932,
      commit: "2222222",
    });
    expect(report.counts).toEqual({
      decided: 4,
      kept: 2,
      discarded: 1,
      crashed: 1,
      rejected: 1,
      in_flight: 1,
      queued: 1,
    });
    expect(report.in_flight).toEqual([
      { pr: 7, n: 6, description: "warmup 0.05", attempts: 1, minutes_since_dispatch: 12 },
    ]);
    expect(report.queued).toEqual([{ pr: 8, n: 7, description: "weight decay 0.01" }]);
    expect(report.not_yet_adopted).toEqual([{ pr: 9, title: "pushed idea" }]);
    expect(report.last_verdicts.map((v) => v.pr)).toEqual([5, 3, 4, 2]);
    expect(report.notes).toHaveLength(3);
  });

  it("keeps only the newest verdicts asked for", () => {
    const report = buildStatusReport({ ...input, lastVerdicts: 2 });
    expect(report.last_verdicts.map((v) => [v.pr, v.status, v.val_bpb])).toEqual([
      [5, "crash", null],
      [3, "keep", 0.9932],
    ]);
  });

  it("renders as text", () => {
    expect(formatStatusReport(buildStatusReport(input))).toMatchInlineSnapshot(`
      "Run nov26 in acme/research: running
        dashboard  #1 https://github.com/acme/research/issues/1
        branch     autoresearch/nov26 (started 2025-11-26T20:00:00.000Z by octocat)
        best       val_bpb 0.993200: increase LR to 0.04 (#3, 2222222)
        decided    4: 2 kept, 1 discarded, 1 crashed; 1 closed without training
        in flight  #7 warmup 0.05 (attempt 1, dispatched 12 min ago)
        queued     #8 weight decay 0.01
        arriving   #9 pushed idea (pushed, the app checks and queues it next)

      Last verdicts, newest first:
        #5 crash — double model width
            crash because of the numbers
        #3 keep 0.993200 (-0.004700) increase LR to 0.04
            keep because of the numbers
        #4 discard 1.005000 (+0.007100) switch to GeLU activation
            discard because of the numbers
        #2 keep 0.997900 (±0.000000) baseline
            keep because of the numbers

      Recent events:
        - #3 requeued after a runner died
        - resumed by octocat
        - kept #4"
    `);
  });

  it("gives the noise floor and does not count re-measurements of the run head", () => {
    const remeasure = (number: number, n: number, val: number, at: string): StatusPull => {
      const p = decided(number, n, "re-measure the run head (noise floor)", "remeasure", val, at);
      const verdict = { ...p.experiment!.verdict!, best: 0.9932, delta: val - 0.9932 };
      return { ...p, experiment: { ...p.experiment!, source: "remeasure", verdict } };
    };
    const report = buildStatusReport({
      ...input,
      pulls: [
        ...PULLS,
        remeasure(11, 8, 0.9944, "2025-11-26T20:40:00.000Z"),
        remeasure(12, 9, 0.9928, "2025-11-26T20:50:00.000Z"),
      ],
    });
    // Values 0.9932, 0.9944, 0.9928: median 0.9932, deviations 0, 0.0012, 0.0004 → 0.0004.
    expect(report.noise_floor).toEqual({ mad: 0.0004, remeasures: 2, confirmed: 0 });
    expect(report.counts).toMatchObject({ decided: 4, kept: 2, discarded: 1, crashed: 1 });
    expect(report.last_verdicts[0]).toMatchObject({ pr: 12, status: "remeasure" });
    const text = formatStatusReport(report);
    expect(text).toContain(
      "  noise      val_bpb MAD 0.000400 from 2 re-measurements of the run head\n",
    );
    expect(buildStatusReport(input).noise_floor).toBeNull();
  });

  it("says so when nothing happened yet", () => {
    const text = formatStatusReport(
      buildStatusReport({ ...input, run: { ...RUN, status: "paused", notes: [] }, pulls: [] }),
    );
    expect(text).toMatchInlineSnapshot(`
      "Run nov26 in acme/research: paused (nothing new is dispatched until \`autoresearch resume\`)
        dashboard  #1 https://github.com/acme/research/issues/1
        branch     autoresearch/nov26 (started 2025-11-26T20:00:00.000Z by octocat)
        best       nothing kept yet
        decided    0: 0 kept, 0 discarded, 0 crashed
        in flight  none
        queued     none"
    `);
  });
});
