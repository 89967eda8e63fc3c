import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { type DecisionInput, decide } from "../../src/core/decide.js";
import type { TrainResult } from "../../src/core/result-marker.js";
import { crashResult, okResult } from "../support/fixtures.js";

const ok = okResult();

function input(over: {
  val?: number;
  best?: number | null;
  added?: number;
  removed?: number;
  policy?: Partial<DecisionInput["policy"]>;
  seedOnly?: boolean;
  baseIsStale?: boolean;
  result?: Partial<TrainResult>;
}): DecisionInput {
  return {
    result: { ...ok, val_bpb: over.val ?? ok.val_bpb, ...over.result },
    best: over.best === undefined ? 0.9979 : over.best,
    policy: { ...DEFAULT_CONFIG.policy, ...over.policy },
    diff: { added: over.added ?? 0, removed: over.removed ?? 0 },
    seedOnly: over.seedOnly ?? false,
    baseIsStale: over.baseIsStale ?? false,
  };
}

const statusOf = (d: ReturnType<typeof decide>) =>
  d.kind === "verdict" ? d.verdict.status : "retrain";

describe("decide: keep or discard by net added lines", () => {
  // Default policy: minImprovement 0, simplicityCostPerLine 0.00005.
  it.each([
    // net > 0: needs more than 0.00005 per net added line
    ["+10 lines, gain 0.004700 > 0.000500", { val: 0.9932, added: 10 }, "keep"],
    ["+10 lines, gain exactly 0.000500 (boundary)", { val: 0.9974, added: 10 }, "discard"],
    ["+10 lines, gain 0.000501", { val: 0.997399, added: 10 }, "keep"],
    ["+10 lines, gain 0.000499", { val: 0.997401, added: 10 }, "discard"],
    ["+20 lines, gain exactly 0.001 (the seed's example)", { val: 0.9969, added: 20 }, "discard"],
    ["+12 added -2 removed = +10 net, gain 0.0006", { val: 0.9973, added: 12, removed: 2 }, "keep"],
    ["+1 line, worse", { val: 0.998, added: 1 }, "discard"],
    // net == 0: strictly lower than best - minImprovement
    ["0 net lines, gain 0.000001", { val: 0.997899, added: 3, removed: 3 }, "keep"],
    ["0 net lines, tie", { val: 0.9979, added: 3, removed: 3 }, "discard"],
    ["0 net lines, worse", { val: 0.998, added: 3, removed: 3 }, "discard"],
    [
      "0 net lines, gain exactly minImprovement (boundary)",
      { val: 0.9969, policy: { minImprovement: 0.001 } },
      "discard",
    ],
    [
      "0 net lines, gain above minImprovement",
      { val: 0.996899, policy: { minImprovement: 0.001 } },
      "keep",
    ],
    // net < 0: simpler code keeps when no worse, whatever minImprovement says
    ["-4 lines, tie (boundary)", { val: 0.9979, removed: 4 }, "keep"],
    ["-4 lines, better", { val: 0.99, removed: 4 }, "keep"],
    ["-4 lines, worse by 0.000001", { val: 0.997901, removed: 4 }, "discard"],
    [
      "-1 line, tiny gain under minImprovement",
      { val: 0.9978, removed: 1, policy: { minImprovement: 0.01 } },
      "keep",
    ],
  ] as const)("%s → %s", (_name, over, expected) => {
    expect(statusOf(decide(input(over)))).toBe(expected);
  });
});

describe("decide: reasons carry the numbers", () => {
  it.each([
    [
      { val: 0.9932, added: 10 },
      "val_bpb 0.993200 beats best 0.997900 by 0.004700 (needed more than 0.000500 for +10 lines)",
    ],
    [
      { val: 0.9975, added: 10 },
      "val_bpb 0.997500 beats best 0.997900 by only 0.000400 (needed more than 0.000500 for +10 lines)",
    ],
    [
      { val: 1.005, added: 1 },
      "val_bpb 1.005000 is worse than best 0.997900 by 0.007100 (needed more than 0.000050 for +1 line)",
    ],
    [
      { val: 0.9979 },
      "val_bpb 0.997900 ties best 0.997900 (needed more than 0.000000 with no net added lines)",
    ],
    [
      { val: 0.9979, removed: 1 },
      "val_bpb 0.997900 ties best 0.997900 with 1 fewer line: simpler code wins",
    ],
    [
      { val: 0.9985, removed: 5 },
      "val_bpb 0.998500 is worse than best 0.997900 by 0.000600, even with 5 fewer lines",
    ],
  ] as const)("%o", (over, reason) => {
    const decision = decide(input(over));
    expect(decision.kind === "verdict" && decision.verdict.reason).toBe(reason);
  });

  it("records delta (rounded to 6 decimals) and the best it compared against", () => {
    expect(decide(input({ val: 0.9932, added: 10 }))).toEqual({
      kind: "verdict",
      verdict: {
        status: "keep",
        reason: expect.any(String),
        delta: -0.0047,
        best: 0.9979,
        flags: [],
      },
    });
  });
});

describe("decide: first measurement", () => {
  it("keeps whatever it measures, with no delta", () => {
    expect(decide(input({ best: null, val: 1.2, added: 500 }))).toEqual({
      kind: "verdict",
      verdict: {
        status: "keep",
        reason: "first measurement of the run: val_bpb 1.200000 is the best to beat",
        delta: null,
        best: null,
        flags: [],
      },
    });
  });
});

describe("decide: crashes", () => {
  it.each([
    [
      crashResult("oom", { message: "CUDA out of memory at step 12." }),
      "training crashed (oom): CUDA out of memory at step 12.",
      [],
    ],
    [
      crashResult("missing-data", { message: "run `uv run prepare.py` first" }),
      "the runner could not train (missing-data): run `uv run prepare.py` first",
      ["infra"],
    ],
    [
      crashResult("path-violation", { message: "prepare.py changed: only train.py may change" }),
      "the runner refused to train (path-violation): prepare.py changed: only train.py may change",
      ["rejected"],
    ],
    [crashResult(null, { message: "  " }), "training crashed (unknown reason)", []],
    [
      { ...crashResult("timeout", { message: "killed after 10 min." }), anomalous: true },
      "training crashed (timeout): killed after 10 min.",
      ["anomalous"],
    ],
  ] as const)("%#: %s", (result, reason, flags) => {
    expect(decide({ ...input({}), result, baseIsStale: true })).toEqual({
      kind: "verdict",
      verdict: { status: "crash", reason, delta: null, best: 0.9979, flags },
    });
  });

  it("crashes the baseline too, with no best to compare", () => {
    const d = decide({
      ...input({ best: null }),
      result: crashResult("nan", { message: "loss is NaN" }),
    });
    expect(d.kind === "verdict" && d.verdict).toMatchObject({ status: "crash", best: null });
  });
});

describe("decide: seed-only changes", () => {
  it("discards a seed-only gain when policy says discard", () => {
    const d = decide(input({ val: 0.99, seedOnly: true }));
    expect(d).toEqual({
      kind: "verdict",
      verdict: {
        status: "discard",
        reason:
          "only a random seed changed, so val_bpb 0.990000 against best 0.997900 (-0.007900) is noise, not an improvement (policy.seedOnly: discard)",
        delta: -0.0079,
        best: 0.9979,
        flags: ["seed-only"],
      },
    });
  });

  it("judges it like any change when policy allows, still flagged", () => {
    const d = decide(input({ val: 0.99, seedOnly: true, policy: { seedOnly: "allow" } }));
    expect(d.kind === "verdict" && d.verdict).toMatchObject({
      status: "keep",
      flags: ["seed-only"],
    });
  });

  it("does not retrain a stale seed-only change: it would not keep anyway", () => {
    expect(statusOf(decide(input({ val: 0.99, seedOnly: true, baseIsStale: true })))).toBe(
      "discard",
    );
  });
});

describe("decide: anomalous runs", () => {
  it("still decides, flags it and says why", () => {
    const d = decide(input({ val: 0.9932, result: { anomalous: true, training_seconds: 412.34 } }));
    expect(d.kind === "verdict" && d.verdict).toMatchObject({
      status: "keep",
      flags: ["anomalous"],
      reason: expect.stringMatching(/; training took 412\.3 s, flagged anomalous$/),
    });
  });
});

describe("decide: stale base", () => {
  it.each([
    ["would keep → retrain", { val: 0.9932, added: 10 }, "retrain"],
    ["would discard → discard as usual", { val: 0.9975, added: 10 }, "discard"],
    ["simpler and tied → retrain", { val: 0.9979, removed: 2 }, "retrain"],
  ] as const)("%s", (_name, over, expected) => {
    expect(statusOf(decide(input({ ...over, baseIsStale: true })))).toBe(expected);
  });

  it("explains the retrain with the numbers", () => {
    expect(decide(input({ val: 0.9932, added: 10, baseIsStale: true }))).toEqual({
      kind: "retrain",
      reason:
        "the run branch moved since this PR's base; val_bpb 0.993200 beats best 0.997900 by 0.004700 (needed more than 0.000500 for +10 lines), so it is trained again on the new head before it may merge",
    });
  });
});

describe("the noise gate (policy.confirm)", () => {
  const confirm = (below: number, runs = 2) => ({ confirm: { below, runs } });
  const at = (val: number, earlier: number[], below = 0.002) => ({
    ...input({ val, best: 0.9979, policy: confirm(below) }),
    earlier,
  });

  it.each([
    ["a small gain on its first run is trained again", at(0.9975, []), "confirm"],
    ["a small gain on its second run is trained again", at(0.9975, [0.9976]), "confirm"],
    ["after runs+1 measurements the mean decides: keep", at(0.9975, [0.9976, 0.9974]), "keep"],
    ["after runs+1 measurements the mean decides: discard", at(0.9975, [0.999, 0.9985]), "discard"],
    ["a gain above `below` keeps at once", at(0.994, []), "keep"],
    ["a loss is discarded without confirmation", at(0.999, []), "discard"],
    ["below 0 turns the gate off", at(0.9975, [], 0), "keep"],
  ])("%s", (_name, decisionInput, expected) => {
    const decision = decide(decisionInput);
    expect(decision.kind === "verdict" ? decision.verdict.status : decision.kind).toBe(expected);
  });

  it("judges by the mean and says so", () => {
    const decision = decide(at(0.9975, [0.9976, 0.9974]));
    if (decision.kind !== "verdict") throw new Error("expected a verdict");
    expect(decision.verdict.delta).toBeCloseTo(0.9975 - 0.9979, 6);
    expect(decision.verdict.reason).toMatch(
      /^mean of 3 runs \(0\.997600, 0\.997400, 0\.997500\): /,
    );
  });

  it("a first measurement never waits for confirmation", () => {
    const decision = decide({
      ...input({ val: 0.9975, best: null, policy: confirm(0.01) }),
      earlier: [],
    });
    expect(decision).toMatchObject({ kind: "verdict", verdict: { status: "keep" } });
  });
});
