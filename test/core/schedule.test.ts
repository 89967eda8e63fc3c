import { describe, expect, it } from "vitest";
import { type TrainResult, TrainResultSchema } from "../../src/core/result-marker.js";
import type { LedgerRow } from "../../src/core/results-tsv.js";
import type { RunStatus } from "../../src/core/run-state.js";
import {
  bestKept,
  type DecidedExperiment,
  dispatchLimit,
  experimentStep,
  ledgerRows,
  refillPlan,
  type Step,
  type StepInput,
  TIMEOUT_MARGIN_MINUTES,
  type TrainingFacts,
} from "../../src/core/schedule.js";
import {
  type ExperimentState,
  ExperimentStateSchema,
  type Verdict,
} from "../../src/core/state-block.js";
import { crashResult as crashOf, experimentState, okResult } from "../support/fixtures.js";

const NOW = "2025-11-26T12:00:00.000Z";
const minutesAgo = (minutes: number) => new Date(Date.parse(NOW) - minutes * 60_000).toISOString();

const HEAD = "b2c3d4e5f60718293a4b5c6d7e8f901234567890";
const OTHER_HEAD = "ffeeddccbbaa99887766554433221100ffeeddcc";
const TIMEOUT = 60;
const QUEUED_ALERT = 30;

// Factories parse through the real schemas, so a fixture that drifts from the contract fails loudly.
function result(over: Partial<TrainResult> = {}): TrainResult {
  return TrainResultSchema.parse(
    okResult({ head_sha: HEAD, started_at: minutesAgo(10), finished_at: minutesAgo(4), ...over }),
  );
}

function crashResult(over: Partial<TrainResult> = {}): TrainResult {
  return TrainResultSchema.parse(
    crashOf("oom", { message: "CUDA out of memory", ...over }, result()),
  );
}

function experiment(over: Partial<ExperimentState> = {}): ExperimentState {
  return ExperimentStateSchema.parse(
    experimentState({
      n: 3,
      description: "raise matrix LR to 0.05",
      source: "agent",
      base_sha: "0123456789abcdef0123456789abcdef01234567",
      head_sha: HEAD,
      phase: "training",
      attempts: 1,
      dispatched_at: minutesAgo(5),
      key: null,
      decided_at: null,
      note: null,
      ...over,
    }),
  );
}

function verdict(status: Verdict["status"]): Verdict {
  return { status, reason: `${status} for the test`, delta: null, best: null, flags: [] };
}

function decided(
  status: Verdict["status"],
  decidedAt: string,
  over: Partial<ExperimentState> = {},
): ExperimentState {
  return experiment({
    phase: "decided",
    verdict: verdict(status),
    result: status === "crash" ? crashResult() : result(),
    decided_at: decidedAt,
    ...over,
  });
}

type Run = NonNullable<TrainingFacts["latest"]>;
const run = (over: Partial<Run> = {}): Run => ({
  id: 4242,
  status: "in_progress",
  conclusion: null,
  startedAt: minutesAgo(3),
  ...over,
});
const facts = (over: Partial<TrainingFacts> = {}): TrainingFacts => ({
  runsTotal: 1,
  latest: run(),
  result: null,
  rejections: [],
  ...over,
});

function stepInput(over: {
  experiment?: Partial<ExperimentState>;
  pull?: Partial<StepInput["pull"]>;
  training?: TrainingFacts | null;
}): StepInput {
  return {
    experiment: experiment(over.experiment),
    pull: { state: "open", merged: false, headSha: HEAD, ...over.pull },
    training: over.training === undefined ? facts() : over.training,
    now: NOW,
    timeoutMinutes: TIMEOUT,
    queuedAlertMinutes: QUEUED_ALERT,
  };
}

describe("experimentStep", () => {
  const limit = TIMEOUT + TIMEOUT_MARGIN_MINUTES;

  it.each<[string, Parameters<typeof stepInput>[0], Step]>([
    // Decided or rejected: only a missing merge/close is left to do.
    [
      "decided, PR still open → apply the verdict",
      { experiment: { phase: "decided", verdict: verdict("keep"), result: result() } },
      { kind: "apply" },
    ],
    [
      "decided, PR merged → idle",
      {
        experiment: { phase: "decided", verdict: verdict("keep"), result: result() },
        pull: { state: "closed", merged: true },
      },
      { kind: "idle" },
    ],
    [
      "decided, PR closed unmerged → idle",
      {
        experiment: { phase: "decided", verdict: verdict("discard"), result: result() },
        pull: { state: "closed" },
      },
      { kind: "idle" },
    ],
    [
      "decided, open, head moved → still apply (the verdict stands)",
      {
        experiment: { phase: "decided", verdict: verdict("keep"), result: result() },
        pull: { headSha: OTHER_HEAD },
      },
      { kind: "apply" },
    ],
    [
      "rejected, PR open → idle",
      { experiment: { phase: "rejected", note: "changed prepare.py" } },
      { kind: "idle" },
    ],
    [
      "rejected, PR closed → idle",
      { experiment: { phase: "rejected" }, pull: { state: "closed" } },
      { kind: "idle" },
    ],
    // Closed without a verdict: superseded or stopped, nothing to do.
    [
      "queued, PR closed unmerged → idle",
      { experiment: { phase: "queued", dispatched_at: null }, pull: { state: "closed" } },
      { kind: "idle" },
    ],
    [
      "training, PR closed unmerged → idle",
      { pull: { state: "closed" }, training: facts({ latest: run({ status: "completed" }) }) },
      { kind: "idle" },
    ],
    // A new commit on the PR must be trained from scratch.
    [
      "queued, head moved → head-moved",
      { experiment: { phase: "queued", dispatched_at: null }, pull: { headSha: OTHER_HEAD } },
      { kind: "head-moved", headSha: OTHER_HEAD },
    ],
    [
      "training with a result for the old head, head moved → head-moved",
      {
        pull: { headSha: OTHER_HEAD },
        training: facts({
          latest: run({ status: "completed", conclusion: "success" }),
          result: result(),
        }),
      },
      { kind: "head-moved", headSha: OTHER_HEAD },
    ],
    [
      "queued, same head → ready",
      { experiment: { phase: "queued", dispatched_at: null }, training: null },
      { kind: "ready" },
    ],
    // Dispatched, but GitHub has not created the run yet.
    [
      "training, no facts yet → training",
      { training: null },
      { kind: "training", waitingMinutes: 5 },
    ],
    [
      "training, never dispatched (no time) → training without a wait",
      { experiment: { dispatched_at: null }, training: null },
      { kind: "training", waitingMinutes: null },
    ],
    [
      "2nd attempt, GitHub still shows only the 1st run (with its result) → training",
      {
        experiment: { attempts: 2, dispatched_at: minutesAgo(2) },
        training: facts({
          runsTotal: 1,
          latest: run({ status: "completed", conclusion: "success" }),
          result: result(),
        }),
      },
      { kind: "training", waitingMinutes: 2 },
    ],
    [
      "2nd attempt not created after queuedAlertMinutes - 1 → training",
      {
        experiment: { attempts: 2, dispatched_at: minutesAgo(QUEUED_ALERT - 1) },
        training: facts({ runsTotal: 1 }),
      },
      { kind: "training", waitingMinutes: QUEUED_ALERT - 1 },
    ],
    [
      "2nd attempt not created after exactly queuedAlertMinutes → stuck",
      {
        experiment: { attempts: 2, dispatched_at: minutesAgo(QUEUED_ALERT) },
        training: facts({ runsTotal: 1 }),
      },
      { kind: "stuck", waitingMinutes: QUEUED_ALERT },
    ],
    [
      "no facts after 45 minutes → stuck",
      { experiment: { dispatched_at: minutesAgo(45) }, training: null },
      { kind: "stuck", waitingMinutes: 45 },
    ],
    [
      "runs counted but no latest run, long wait → stuck",
      {
        experiment: { dispatched_at: minutesAgo(45) },
        training: facts({ runsTotal: 1, latest: null }),
      },
      { kind: "stuck", waitingMinutes: 45 },
    ],
    // The run exists.
    [
      "run queued for 10 minutes → training",
      {
        experiment: { dispatched_at: minutesAgo(10) },
        training: facts({ latest: run({ status: "queued", startedAt: null }) }),
      },
      { kind: "training", waitingMinutes: 10 },
    ],
    [
      "run queued for 45 minutes (no free runner) → stuck",
      {
        experiment: { dispatched_at: minutesAgo(45) },
        training: facts({ latest: run({ status: "queued", startedAt: null }) }),
      },
      { kind: "stuck", waitingMinutes: 45 },
    ],
    [
      "run in progress long after dispatch, within the timeout → training, not stuck",
      {
        experiment: { dispatched_at: minutesAgo(45) },
        training: facts({ latest: run({ startedAt: minutesAgo(40) }) }),
      },
      { kind: "training", waitingMinutes: 45 },
    ],
    [
      "in progress for exactly timeout + margin → training",
      {
        experiment: { dispatched_at: minutesAgo(limit + 1) },
        training: facts({ latest: run({ startedAt: minutesAgo(limit) }) }),
      },
      { kind: "training", waitingMinutes: limit + 1 },
    ],
    [
      "in progress for timeout + margin + 1 → timed-out",
      {
        experiment: { dispatched_at: minutesAgo(limit + 2) },
        training: facts({ latest: run({ id: 77, startedAt: minutesAgo(limit + 1) }) }),
      },
      { kind: "timed-out", runId: 77, minutes: limit + 1 },
    ],
    [
      "in progress past the timeout but within the margin → training",
      {
        experiment: { dispatched_at: minutesAgo(TIMEOUT + 3) },
        training: facts({ latest: run({ startedAt: minutesAgo(TIMEOUT + 2) }) }),
      },
      { kind: "training", waitingMinutes: TIMEOUT + 3 },
    ],
    // A run waiting for a runner has used no GPU time: run_started_at (set when the run
    // was created) says nothing about training, so a long queue is an alert, never a timeout.
    [
      "run queued for 3 hours, run_started_at 3 hours ago → stuck, not timed-out",
      {
        experiment: { dispatched_at: minutesAgo(180) },
        training: facts({
          latest: run({ status: "queued", startedAt: minutesAgo(180), updatedAt: minutesAgo(180) }),
        }),
      },
      { kind: "stuck", waitingMinutes: 180 },
    ],
    [
      "run waiting for an environment approval for 3 hours → stuck, not timed-out",
      {
        experiment: { dispatched_at: minutesAgo(180) },
        training: facts({ latest: run({ status: "waiting", startedAt: minutesAgo(180) }) }),
      },
      { kind: "stuck", waitingMinutes: 180 },
    ],
    [
      "run pending behind a concurrency group past the timeout, under the alert → training",
      {
        experiment: { dispatched_at: minutesAgo(QUEUED_ALERT - 1) },
        training: facts({
          latest: run({ status: "pending", startedAt: minutesAgo(QUEUED_ALERT - 1) }),
        }),
      },
      { kind: "training", waitingMinutes: QUEUED_ALERT - 1 },
    ],
    [
      "in progress for 2 minutes after 3 hours in the queue → training",
      {
        experiment: { dispatched_at: minutesAgo(182) },
        training: facts({ latest: run({ startedAt: minutesAgo(182), updatedAt: minutesAgo(2) }) }),
      },
      { kind: "training", waitingMinutes: 182 },
    ],
    [
      "in progress just under timeout + margin after a long queue → training",
      {
        experiment: { dispatched_at: minutesAgo(180) },
        training: facts({
          latest: run({ startedAt: minutesAgo(180), updatedAt: minutesAgo(limit) }),
        }),
      },
      { kind: "training", waitingMinutes: 180 },
    ],
    [
      "in progress past timeout + margin after a long queue → timed-out, counted from leaving it",
      {
        experiment: { dispatched_at: minutesAgo(180) },
        training: facts({
          latest: run({ id: 78, startedAt: minutesAgo(180), updatedAt: minutesAgo(limit + 1) }),
        }),
      },
      { kind: "timed-out", runId: 78, minutes: limit + 1 },
    ],
    [
      "in progress, a re-run attempt started after the last update → counts from run_started_at",
      {
        experiment: { dispatched_at: minutesAgo(180) },
        training: facts({
          latest: run({ startedAt: minutesAgo(3), updatedAt: minutesAgo(limit + 30) }),
        }),
      },
      { kind: "training", waitingMinutes: 180 },
    ],
    // The run finished.
    [
      "completed with the marker for this run → result",
      {
        training: facts({
          latest: run({ id: 4242, status: "completed", conclusion: "success" }),
          result: result({ run_id: "4242" }),
        }),
      },
      { kind: "result", result: result({ run_id: "4242" }) },
    ],
    [
      "completed with a marker left by an older run → no-result",
      {
        experiment: { attempts: 2 },
        training: facts({
          runsTotal: 2,
          latest: run({ id: 4243, status: "completed", conclusion: "success" }),
          result: result({ run_id: "4242" }),
        }),
      },
      { kind: "no-result", runId: 4243, conclusion: "success" },
    ],
    [
      "completed (failure) without a marker → no-result",
      {
        training: facts({
          latest: run({ id: 4242, status: "completed", conclusion: "failure" }),
          result: null,
        }),
      },
      { kind: "no-result", runId: 4242, conclusion: "failure" },
    ],
    [
      "completed (cancelled, no conclusion yet) without a marker → no-result",
      {
        training: facts({ latest: run({ status: "completed", conclusion: null }), result: null }),
      },
      { kind: "no-result", runId: 4242, conclusion: null },
    ],
  ])("%s", (_name, over, expected) => {
    expect(experimentStep(stepInput(over))).toEqual(expected);
  });
});

describe("dispatchLimit", () => {
  it.each([
    { concurrency: 1, preDispatch: true, baselineMeasured: false, limit: 1 },
    { concurrency: 4, preDispatch: true, baselineMeasured: false, limit: 1 },
    { concurrency: 1, preDispatch: true, baselineMeasured: true, limit: 2 },
    { concurrency: 4, preDispatch: true, baselineMeasured: true, limit: 8 },
    { concurrency: 4, preDispatch: false, baselineMeasured: true, limit: 4 },
  ])(
    "$concurrency runner(s), preDispatch $preDispatch, baseline measured $baselineMeasured → $limit",
    (row) => {
      expect(dispatchLimit(row)).toBe(row.limit);
    },
  );
});

describe("refillPlan", () => {
  type PlanInput = Parameters<typeof refillPlan>[0];
  const plan = (over: Partial<PlanInput>): PlanInput => ({
    status: "running",
    inFlight: 0,
    ready: 0,
    concurrency: 1,
    queueDepth: 1,
    ...over,
  });

  it.each<[string, Partial<PlanInput>, { dispatch: number; propose: number }]>([
    [
      "paused: nothing, even with free GPUs and ready PRs",
      { status: "paused", ready: 3 },
      { dispatch: 0, propose: 0 },
    ],
    ["stopped: nothing", { status: "stopped", concurrency: 4 }, { dispatch: 0, propose: 0 }],
    [
      "the GPU never waits: concurrency 2, 1 in flight, 0 ready, depth 1",
      { concurrency: 2, inFlight: 1, ready: 0, queueDepth: 1 },
      { dispatch: 0, propose: 2 },
    ],
    [
      "empty start: fill the GPU and the queue",
      { concurrency: 1, queueDepth: 1 },
      { dispatch: 0, propose: 2 },
    ],
    [
      "one ready, one free: dispatch it and refill the queue",
      { concurrency: 1, ready: 1, queueDepth: 1 },
      { dispatch: 1, propose: 1 },
    ],
    [
      "free slots limit dispatch, surplus ready covers the queue",
      { concurrency: 2, ready: 5, queueDepth: 1 },
      { dispatch: 2, propose: 0 },
    ],
    [
      "ready limits dispatch",
      { concurrency: 3, inFlight: 1, ready: 1, queueDepth: 2 },
      { dispatch: 1, propose: 3 },
    ],
    [
      "all GPUs busy, queue full → nothing",
      { concurrency: 2, inFlight: 2, ready: 1, queueDepth: 1 },
      { dispatch: 0, propose: 0 },
    ],
    [
      "all GPUs busy, queue empty → propose queueDepth",
      { concurrency: 2, inFlight: 2, ready: 0, queueDepth: 3 },
      { dispatch: 0, propose: 3 },
    ],
    [
      "more in flight than concurrency (lowered mid-run) → no dispatch, never negative",
      { concurrency: 1, inFlight: 3, ready: 0, queueDepth: 1 },
      { dispatch: 0, propose: 1 },
    ],
    [
      "more ready than needed → propose 0, never negative",
      { concurrency: 1, inFlight: 3, ready: 4, queueDepth: 1 },
      { dispatch: 0, propose: 0 },
    ],
    [
      "queueDepth 0: only fill free GPUs",
      { concurrency: 2, queueDepth: 0 },
      { dispatch: 0, propose: 2 },
    ],
  ])("%s", (_name, over, expected) => {
    expect(refillPlan(plan(over))).toEqual(expected);
  });

  it("over a grid of inputs: dispatch fits, nothing is negative, free GPUs and the queue are covered", () => {
    const status: RunStatus = "running";
    for (let concurrency = 1; concurrency <= 3; concurrency++)
      for (let inFlight = 0; inFlight <= 4; inFlight++)
        for (let ready = 0; ready <= 4; ready++)
          for (let queueDepth = 0; queueDepth <= 3; queueDepth++) {
            const input = { status, concurrency, inFlight, ready, queueDepth };
            const { dispatch, propose } = refillPlan(input);
            const free = Math.max(0, concurrency - inFlight);
            expect(dispatch, JSON.stringify(input)).toBe(Math.min(free, ready));
            expect(propose, JSON.stringify(input)).toBeGreaterThanOrEqual(0);
            // After dispatching, ready + proposals must cover the free GPUs left and the queue.
            expect(ready - dispatch + propose, JSON.stringify(input)).toBeGreaterThanOrEqual(
              free - dispatch + queueDepth,
            );
          }
  });
});

const at = (hh: string) => `2025-11-26T${hh}:00.000Z`;
const entry = (n: number, state: ExperimentState): DecidedExperiment => ({
  n,
  pr: 100 + n,
  state: { ...state, n },
});

describe("ledgerRows", () => {
  const trail: DecidedExperiment[] = [
    entry(7, decided("discard", at("11:00"), { description: "seven" })),
    entry(2, experiment({ phase: "queued", dispatched_at: null, description: "queued" })),
    entry(1, decided("keep", at("09:00"), { description: "baseline" })),
    entry(3, experiment({ phase: "training", description: "training" })),
    entry(
      4,
      experiment({ phase: "rejected", description: "rejected", note: "changed prepare.py" }),
    ),
    entry(6, decided("keep", at("11:00"), { description: "six" })),
    entry(5, decided("crash", at("10:00"), { description: "crash" })),
  ];

  it("has one row per decided experiment, in decided_at order with n breaking ties", () => {
    expect(ledgerRows(trail).map((r) => r.description)).toEqual([
      "baseline",
      "crash",
      "six",
      "seven",
    ]);
  });

  it("orders by decided_at, not by n or input order", () => {
    const late = entry(
      1,
      decided("discard", at("12:00"), { description: "first PR, decided last" }),
    );
    const early = entry(
      9,
      decided("keep", at("08:00"), { description: "ninth PR, decided first" }),
    );
    expect(ledgerRows([late, early]).map((r) => r.description)).toEqual([
      "ninth PR, decided first",
      "first PR, decided last",
    ]);
  });

  it.each<[string, ExperimentState, LedgerRow]>([
    [
      "keep: numbers from the result, 7-char commit from result.head_sha",
      decided("keep", at("09:00"), {
        head_sha: OTHER_HEAD,
        result: result({ head_sha: HEAD, val_bpb: 0.9932, peak_vram_mb: 45260.8 }),
      }),
      {
        commit: "b2c3d4e",
        valBpb: 0.9932,
        memoryGb: 45260.8 / 1024,
        status: "keep",
        description: "raise matrix LR to 0.05",
      },
    ],
    [
      'result head_sha "unknown" → commit from state.head_sha',
      decided("discard", at("09:00"), {
        head_sha: OTHER_HEAD,
        result: result({ head_sha: "unknown", val_bpb: 1.01, peak_vram_mb: 2048 }),
      }),
      {
        commit: "ffeeddc",
        valBpb: 1.01,
        memoryGb: 2,
        status: "discard",
        description: "raise matrix LR to 0.05",
      },
    ],
    [
      "crash: zeros even when the result measured memory",
      decided("crash", at("09:00"), {
        result: crashResult({ val_bpb: 0, peak_vram_mb: 80000 }),
      }),
      {
        commit: "b2c3d4e",
        valBpb: 0,
        memoryGb: 0,
        status: "crash",
        description: "raise matrix LR to 0.05",
      },
    ],
    [
      "crash without any result → zeros, commit from state.head_sha",
      decided("crash", at("09:00"), { head_sha: OTHER_HEAD, result: null }),
      {
        commit: "ffeeddc",
        valBpb: 0,
        memoryGb: 0,
        status: "crash",
        description: "raise matrix LR to 0.05",
      },
    ],
  ])("%s", (_name, state, row) => {
    expect(ledgerRows([entry(1, state)])).toEqual([row]);
  });

  it.each<[string, ExperimentState]>([
    ["queued", experiment({ phase: "queued", dispatched_at: null })],
    ["training", experiment({ phase: "training" })],
    ["rejected", experiment({ phase: "rejected", note: "changed prepare.py" })],
    ["decided without a verdict", experiment({ phase: "decided", decided_at: at("09:00") })],
    [
      "re-queued, still carrying a stale verdict",
      experiment({ phase: "queued", verdict: verdict("keep"), decided_at: at("09:00") }),
    ],
  ])("leaves out %s experiments", (_name, state) => {
    expect(ledgerRows([entry(1, state)])).toEqual([]);
  });
});

describe("bestKept", () => {
  const keepEarly = entry(5, decided("keep", at("09:00")));
  const keepLate = entry(2, decided("keep", at("10:00")));
  const discardLater = entry(6, decided("discard", at("11:00")));
  const crashLater = entry(7, decided("crash", at("12:00")));
  const queued = entry(8, experiment({ phase: "queued", dispatched_at: null }));
  const tieA = entry(3, decided("keep", at("13:00")));
  const tieB = entry(4, decided("keep", at("13:00")));

  it.each<[string, DecidedExperiment[], number | null]>([
    ["no experiments → null", [], null],
    ["only undecided → null", [queued], null],
    ["only discards and crashes → null", [discardLater, crashLater], null],
    ["one keep", [keepEarly, discardLater], 5],
    [
      "last keep in decision order, not the highest n or the last in input",
      [keepLate, keepEarly, discardLater, crashLater, queued],
      2,
    ],
    ["same decided_at: the higher n is later", [tieB, tieA, keepLate], 4],
  ])("%s", (_name, experiments, expectedN) => {
    expect(bestKept(experiments)?.n ?? null).toBe(expectedN);
  });

  it("returns the experiment itself (pr and state), not a copy", () => {
    expect(bestKept([keepEarly, keepLate])).toBe(keepLate);
  });
});
