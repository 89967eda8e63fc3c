import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import { decide, decideRemeasure } from "../../src/core/decide.js";
import {
  type NoiseFloor,
  noiseFloor,
  noiseFloorText,
  noiseMultiple,
  noiseMultipleText,
  recordedValueAt,
  remeasureDue,
} from "../../src/core/noise.js";
import { type DecidedExperiment, ledgerRows } from "../../src/core/schedule.js";
import type { ExperimentState, VerdictStatus } from "../../src/core/state-block.js";
import { crashResult, experimentState, okResult } from "../support/fixtures.js";

const T0 = Date.parse("2026-11-26T00:00:00.000Z");
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

/** One trail entry: experiment n, decided at minute n unless told otherwise. */
function decided(
  n: number,
  status: VerdictStatus,
  val: number,
  over: Partial<ExperimentState> & { best?: number | null } = {},
): DecidedExperiment {
  const { best = null, ...state } = over;
  return {
    n,
    pr: n + 100,
    state: experimentState({
      n,
      source: status === "remeasure" ? "remeasure" : "sweep",
      phase: "decided",
      result: status === "crash" ? crashResult("oom") : okResult({ val_bpb: val }),
      verdict: { status, reason: "", delta: null, best, flags: [] },
      decided_at: at(n),
      dispatched_at: at(n - 1),
      ...state,
    }),
  };
}

function pending(n: number, source: ExperimentState["source"]): DecidedExperiment {
  return { n, pr: n + 100, state: experimentState({ n, source, phase: "queued" }) };
}

const keep = (n: number, val: number) => decided(n, "keep", val);
const discard = (n: number, val: number) => decided(n, "discard", val);
const remeasure = (n: number, val: number, recorded: number) =>
  decided(n, "remeasure", val, { best: recorded });

describe("noiseFloor: pooled median absolute deviation of re-measurements", () => {
  it.each<[string, DecidedExperiment[], NoiseFloor | null]>([
    ["no re-measurement yet", [keep(1, 1.0), discard(2, 1.1)], null],
    [
      "one re-measurement: half the gap to the recorded value",
      [keep(1, 1.0), remeasure(2, 1.004, 1.0)],
      { mad: 0.002, remeasures: 1, confirmed: 0 },
    ],
    [
      "an exact match: zero",
      [keep(1, 1.0), remeasure(2, 1.0, 1.0)],
      { mad: 0, remeasures: 1, confirmed: 0 },
    ],
    [
      "three of one head: deviations from the group's median",
      // values 1.000, 1.002, 1.006, 1.001 → median 1.0015 → deviations .0015 .0005 .0045 .0005 → median .001
      [keep(1, 1.0), remeasure(2, 1.002, 1.0), remeasure(3, 1.006, 1.0), remeasure(4, 1.001, 1.0)],
      { mad: 0.001, remeasures: 3, confirmed: 0 },
    ],
    [
      "two heads are two groups: a moved head is not noise",
      // groups {1.0, 1.002} and {0.9, 0.904}: deviations .001 .001 .002 .002 → median .0015
      [keep(1, 1.0), remeasure(2, 1.002, 1.0), keep(3, 0.9), remeasure(4, 0.904, 0.9)],
      { mad: 0.0015, remeasures: 2, confirmed: 0 },
    ],
    [
      "a crashed re-measurement is no sample",
      [
        keep(1, 1.0),
        remeasure(2, 1.004, 1.0),
        decided(3, "crash", 0, { source: "remeasure", best: 1.0 }),
      ],
      { mad: 0.002, remeasures: 1, confirmed: 0 },
    ],
    [
      "a change still waiting for its confirmation run is no sample yet",
      [keep(1, 1.0), decided(2, "discard", 1.01, { confirmations: [1.0] })],
      null,
    ],
    [
      "a change policy.confirm trained twice is a sample of its own",
      [keep(1, 1.0), decided(2, "discard", 1.002, { runs: [0.998, 1.006] })],
      { mad: 0.004, remeasures: 0, confirmed: 1 },
    ],
    [
      "re-measurements and confirmed changes pool",
      // groups {1.0, 1.002} and {0.99, 0.996, 0.993}: deviations .001 .001 .003 .003 0 → median .001
      [
        keep(1, 1.0),
        remeasure(2, 1.002, 1.0),
        decided(3, "keep", 0.993, { runs: [0.99, 0.996, 0.993] }),
      ],
      { mad: 0.001, remeasures: 1, confirmed: 1 },
    ],
  ])("%s", (_name, trail, expected) => {
    expect(noiseFloor(trail)).toEqual(expected);
  });
});

describe("remeasureDue: every N decided experiments", () => {
  it.each<[string, DecidedExperiment[], number, boolean]>([
    ["off at 0", [keep(1, 1), discard(2, 1.1), discard(3, 1.1)], 0, false],
    ["nothing kept yet: no head worth measuring", [decided(1, "crash", 0)], 1, false],
    ["N decided since the start, the baseline included", [keep(1, 1), discard(2, 1.1)], 2, true],
    ["fewer than N", [keep(1, 1)], 2, false],
    [
      "counted since the last re-measurement",
      [keep(1, 1), discard(2, 1.1), remeasure(3, 1, 1), discard(4, 1.1)],
      2,
      false,
    ],
    [
      "due again after N more",
      [keep(1, 1), discard(2, 1.1), remeasure(3, 1, 1), discard(4, 1.1), keep(5, 0.9)],
      2,
      true,
    ],
    [
      "a crashed re-measurement resets the count too",
      [keep(1, 1), discard(2, 1.1), decided(3, "crash", 0, { source: "remeasure" })],
      2,
      false,
    ],
    ["never two on their way", [keep(1, 1), discard(2, 1.1), pending(3, "remeasure")], 2, false],
    [
      "pending experiments do not count",
      [keep(1, 1), pending(2, "sweep"), pending(3, "sweep")],
      2,
      false,
    ],
    [
      "counted in decision order, not by number",
      [
        keep(1, 1),
        discard(2, 1.1),
        remeasure(3, 1, 1),
        decided(4, "discard", 1.1, { decided_at: at(2.5) }),
        discard(5, 1.1),
      ],
      2,
      false,
    ],
  ])("%s", (_name, trail, every, expected) => {
    expect(remeasureDue(trail, every)).toBe(expected);
  });
});

describe("recordedValueAt: the kept value the re-measurement trained", () => {
  const trail = [keep(1, 1.0), keep(3, 0.95), discard(4, 0.99), keep(6, 0.9)];
  it.each<[string, string | null, number | null]>([
    ["before anything was kept", at(0), null],
    ["after the baseline", at(2), 1.0],
    ["a keep decided in the same pass as the dispatch was merged before it", at(3), 0.95],
    ["a later keep was not on the head it trained", at(5), 0.95],
    ["never dispatched: the current best", null, 0.9],
  ])("%s", (_name, dispatchedAt, expected) => {
    expect(recordedValueAt(trail, dispatchedAt)).toBe(expected);
  });
});

describe("noiseFloorText", () => {
  it.each([
    [
      { mad: 0.0006, remeasures: 1, confirmed: 0 },
      "val_bpb MAD 0.000600 from 1 re-measurement of the run head",
    ],
    [
      { mad: 0.0012, remeasures: 3, confirmed: 0 },
      "val_bpb MAD 0.001200 from 3 re-measurements of the run head",
    ],
    [
      { mad: 0.0012, remeasures: 0, confirmed: 1 },
      "val_bpb MAD 0.001200 from the repeated runs of 1 confirmed change",
    ],
    [
      { mad: 0.0012, remeasures: 2, confirmed: 3 },
      "val_bpb MAD 0.001200 from 2 re-measurements of the run head and the repeated runs of 3 confirmed changes",
    ],
  ])("%j", (noise, expected) => {
    expect(noiseFloorText(noise)).toBe(expected);
  });
});

describe("noise multiples", () => {
  it.each<[number, number, string]>([
    [-0.0047, 0.002, "the gain is 2.4× the noise floor (MAD 0.002000)"],
    [0.0005, 0.002, "the loss is 0.3× the noise floor (MAD 0.002000)"],
    [-0.05, 0.002, "the gain is 25× the noise floor (MAD 0.002000)"],
    [0, 0.002, "no change, against a noise floor of MAD 0.002000"],
    [
      -0.001,
      0,
      "repeated trainings of unchanged code have matched exactly so far (noise floor MAD 0.000000)",
    ],
  ])("delta %d against %d", (delta, noise, expected) => {
    expect(noiseMultipleText(delta, noise)).toBe(expected);
  });

  it.each<[number | null, number | null | undefined, string | null]>([
    [-0.0047, 0.002, "2.4×"],
    [0.004, 0.002, "2.0×"],
    [null, 0.002, null],
    [-0.0047, null, null],
    [-0.0047, undefined, null],
    [-0.0047, 0, null],
  ])("cell for delta %s, noise %s", (delta, noise, expected) => {
    expect(noiseMultiple(delta, noise)).toBe(expected);
  });
});

describe("decide against the noise floor", () => {
  const base = {
    best: 0.9979,
    policy: DEFAULT_CONFIG.policy,
    diff: { added: 1, removed: 1 },
    seedOnly: false,
    baseIsStale: false,
  };
  it.each<[string, number, number | null, VerdictStatus, string | null]>([
    [
      "a keep states its gain in multiples",
      0.9932,
      0.002,
      "keep",
      "; the gain is 2.4× the noise floor (MAD 0.002000)",
    ],
    [
      "a discard states its loss in multiples",
      0.9989,
      0.002,
      "discard",
      "; the loss is 0.5× the noise floor (MAD 0.002000)",
    ],
    ["no floor measured yet: nothing said", 0.9932, null, "keep", null],
  ])("%s", (_name, val, noise, status, suffix) => {
    const decision = decide({ ...base, result: okResult({ val_bpb: val }), noise });
    if (decision.kind !== "verdict") throw new Error(`expected a verdict, got ${decision.kind}`);
    expect(decision.verdict.status).toBe(status);
    if (suffix === null) {
      expect(decision.verdict.reason).not.toContain("noise floor");
      expect(decision.verdict.noise).toBeUndefined();
    } else {
      expect(decision.verdict.reason.endsWith(suffix)).toBe(true);
      expect(decision.verdict.noise).toBe(noise);
    }
  });

  it("the first measurement has no best, so no multiple", () => {
    const decision = decide({
      ...base,
      best: null,
      result: okResult({ val_bpb: 1 }),
      noise: 0.002,
    });
    expect(decision.kind === "verdict" && decision.verdict.reason).not.toContain("noise floor");
  });
});

describe("decideRemeasure", () => {
  it("records the re-measured value against the kept one, never keep or discard", () => {
    const verdict = decideRemeasure({ result: okResult({ val_bpb: 0.9991 }), recorded: 0.9979 });
    expect(verdict).toEqual({
      status: "remeasure",
      reason:
        "re-measured the run head unchanged: val_bpb 0.999100 against its recorded 0.997900 (+0.001200), a sample of the noise floor; never merged",
      delta: 0.0012,
      best: 0.9979,
      flags: ["remeasure"],
    });
  });

  it("a crash is a crash, flagged as a re-measurement", () => {
    const verdict = decideRemeasure({ result: crashResult("oom"), recorded: 0.9979 });
    expect(verdict.status).toBe("crash");
    expect(verdict.flags[0]).toBe("remeasure");
    expect(verdict.delta).toBeNull();
  });

  it("says so when nothing was kept to compare with", () => {
    const verdict = decideRemeasure({ result: okResult({ val_bpb: 1 }), recorded: null });
    expect(verdict).toMatchObject({ status: "remeasure", delta: null, best: null });
    expect(verdict.reason).toContain("nothing was kept");
  });
});

describe("results.tsv leaves re-measurements out", () => {
  it("one row per experiment, none per re-measurement (crashed ones included)", () => {
    const rows = ledgerRows([
      keep(1, 1.0),
      remeasure(2, 1.001, 1.0),
      discard(3, 1.1),
      decided(4, "crash", 0, { source: "remeasure" }),
    ]);
    expect(rows.map((r) => r.status)).toEqual(["keep", "discard"]);
  });
});
