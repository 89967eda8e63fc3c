import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ExperimentState } from "../../src/core/state-block.js";
import { applySweepKey, sweepCandidates } from "../../src/core/sweep.js";
import { sweepHistoryOf, triedBlobsOf } from "../../src/core/sweep-history.js";
import {
  currentSweepStage,
  proposeSweep,
  type SweepEntry,
  type SweepProposal,
} from "../../src/core/sweep-proposer.js";
import { readConstants } from "../../src/core/train-constants.js";
import { gitBlobSha, variantId } from "../../src/core/variant-id.js";

const fixture = readFileSync(new URL("../fixtures/train.py", import.meta.url), "utf8");

const constantValue = (source: string, name: string) =>
  readConstants(source).findLast((c) => c.name === name)!.value;

/** The sweep's own history entry for a proposal, decided as given. */
function entry(
  p: Pick<SweepProposal, "key" | "description"> & { stage?: SweepProposal["stage"] },
  status: SweepEntry["status"],
  delta: number | null = null,
): SweepEntry {
  return { key: p.key, description: p.description, status, delta, stage: p.stage ?? null };
}

/** The one-constant change `key` made on `source`, as the sweep would describe it. */
function change(source: string, key: string): { key: string; description: string } {
  return { key, description: applySweepKey(source, key)!.description };
}

/** Every neighbourhood change of the fixture, discarded with delta 0.001·i (i from 1). */
function neighbourhoodAllDiscarded(): SweepEntry[] {
  return sweepCandidates(fixture).map((c, i) => entry(c, "discard", 0.001 * (i + 1)));
}

interface Night {
  proposals: SweepProposal[];
  history: SweepEntry[];
  head: string;
}

/** A night of `count` proposals; `judge` decides each (keep moves the head). */
function night(
  seed: number,
  count: number,
  judge: (n: number, p: SweepProposal) => { status: "keep" | "discard" | "crash"; delta: number },
): Night {
  let head = fixture;
  const history: SweepEntry[] = [];
  const tried = new Set<string>();
  const proposals: SweepProposal[] = [];
  for (let n = 1; n <= count; n++) {
    const p = proposeSweep({ source: head, history, tried, seed, n });
    if (p === null) throw new Error(`no proposal at n=${n}`);
    proposals.push(p);
    tried.add(p.blob);
    const verdict = judge(n, p);
    history.push(entry(p, verdict.status, verdict.status === "crash" ? null : verdict.delta));
    if (verdict.status === "keep") head = p.source;
  }
  return { proposals, history, head };
}

/** Keeps one in ten early in the night and one in 300 later, deterministically from n. */
function fakeJudge(n: number): { status: "keep" | "discard" | "crash"; delta: number } {
  const r = (Math.imul(n, 2654435761) >>> 0) / 4294967296;
  if (r < (n <= 200 ? 0.1 : 0.003)) return { status: "keep", delta: -0.01 * r };
  if (r > 0.97) return { status: "crash", delta: 0 };
  return { status: "discard", delta: r / 10 };
}

describe("which stage proposes, from the history", () => {
  const kept = change(fixture, "MATRIX_LR=0.056");
  const afterKeep = applySweepKey(fixture, kept.key)!.source;

  it.each<[string, string, () => SweepEntry[], SweepProposal["stage"]]>([
    ["nothing tried yet", fixture, () => [], "neighbourhood"],
    [
      "a few changes discarded",
      fixture,
      () => neighbourhoodAllDiscarded().slice(0, 5),
      "neighbourhood",
    ],
    ["right after a kept step: momentum", afterKeep, () => [entry(kept, "keep", -0.01)], "pattern"],
    ["every one-constant change discarded", fixture, neighbourhoodAllDiscarded, "pattern"],
  ])("%s → %s", (_label, source, history, stage) => {
    expect(
      proposeSweep({ source, history: history(), tried: new Set(), seed: 3, n: 9 })!.stage,
    ).toBe(stage);
  });

  it("goes neighbourhood → pattern → combine → perturb when nothing is kept, and stays in perturb", () => {
    const { proposals } = night(11, 200, () => ({ status: "discard", delta: 0.01 }));
    const stages = proposals.map((p) => p.stage);
    const order = stages.filter((s, i) => s !== stages[i - 1]);
    expect(order).toEqual(["neighbourhood", "pattern", "combine", "perturb"]);
    expect(stages.filter((s) => s === "neighbourhood")).toHaveLength(38);
  });

  it("returns to the neighbourhood of a new best after a kept perturbation", () => {
    const { history } = night(5, 150, () => ({ status: "discard", delta: 0.01 }));
    const last = history.at(-1)!;
    expect(last.stage).toBe("perturb");
    const newBest = applySweepKey(fixture, last.key)!.source;
    history[history.length - 1] = { ...last, status: "keep", delta: -0.02 };
    const next = proposeSweep({ source: newBest, history, tried: new Set(), seed: 5, n: 151 })!;
    // Momentum first: the kept perturbation again, its steps doubled.
    expect(next.stage).toBe("pattern");
    expect(next.key.split(";").map((p) => p.split("=")[0])).toEqual(
      last.key.split(";").map((p) => p.split("=")[0]),
    );
    history.push(entry(next, "discard", 0.01));
    const after = proposeSweep({ source: newBest, history, tried: new Set(), seed: 5, n: 152 })!;
    expect(after.stage).toBe("neighbourhood");
  });

  it("says the stage of the latest proposal", () => {
    expect(currentSweepStage([])).toBeNull();
    const h = [
      { ...entry(kept, "discard", 0.1), stage: "neighbourhood" as const },
      { ...entry(kept, null), stage: "combine" as const },
      { ...entry(kept, null), stage: null },
    ];
    expect(currentSweepStage(h)).toBe("combine");
  });
});

describe("pattern stage", () => {
  it.each([
    // 0.04 → 0.056 is ×1.4 on a log scale: doubled, ×1.96 from 0.056; ×0.7 doubled is ×0.49.
    ["MATRIX_LR=0.056", "MATRIX_LR=0.1098"],
    ["MATRIX_LR=0.028", "MATRIX_LR=0.01372"],
    // Ratios add: +0.05 kept, +0.1 next.
    ["WEIGHT_DECAY=0.25", "WEIGHT_DECAY=0.35"],
    // Counts add: 8 → 9 kept, 9 → 11 next.
    ["DEPTH=9", "DEPTH=11"],
    // Powers of two move by their exponent: 2**19 → 2**20 kept, then 2**22.
    ["TOTAL_BATCH_SIZE=2**20", "TOTAL_BATCH_SIZE=2**22"],
  ])("after keeping %s, grows the step ×2 in the same direction: %s", (keptKey, grown) => {
    const kept = change(fixture, keptKey);
    const source = applySweepKey(fixture, keptKey)!.source;
    const p = proposeSweep({
      source,
      history: [entry(kept, "keep", -0.01)],
      tried: new Set(),
      seed: 1,
      n: 2,
    })!;
    expect(p).toMatchObject({ stage: "pattern", key: grown });
  });

  it("does not grow a kept step once the constant has failed since", () => {
    const kept = change(fixture, "MATRIX_LR=0.056");
    const source = applySweepKey(fixture, kept.key)!.source;
    const failed = change(source, "MATRIX_LR=0.1098");
    const p = proposeSweep({
      source,
      history: [entry(kept, "keep", -0.01), entry(failed, "discard", 0.01)],
      tried: new Set(),
      seed: 1,
      n: 3,
    })!;
    expect(p.stage).toBe("neighbourhood");
  });

  it("after failures, halves the smallest failed step down to a floor", () => {
    const history = neighbourhoodAllDiscarded();
    const tried = new Set<string>();
    const proposals: SweepProposal[] = [];
    for (let n = 1; n < 60; n++) {
      const p = proposeSweep({ source: fixture, history, tried, seed: 2, n })!;
      if (p.stage !== "pattern") break;
      proposals.push(p);
      tried.add(p.blob);
      history.push(entry(p, "discard", 0.05));
    }
    const lr = proposals
      .filter((p) => p.key.startsWith("MATRIX_LR="))
      .map((p) => constantValue(p.source, "MATRIX_LR") / 0.04)
      .sort((a, b) => a - b);
    // ×1.4 failed: ×1.4^½ both ways, then ×1.4^¼; ×1.4^⅛ is under the 5% floor.
    expect(lr.map((f) => Math.log(f) / Math.log(1.4))).toEqual([
      expect.closeTo(-0.5, 2),
      expect.closeTo(-0.25, 2),
      expect.closeTo(0.25, 2),
      expect.closeTo(0.5, 2),
    ]);
    const ratio = proposals
      .filter((p) => p.key.startsWith("WEIGHT_DECAY="))
      .map((p) => p.key)
      .sort();
    expect(ratio).toEqual([
      "WEIGHT_DECAY=0.175",
      "WEIGHT_DECAY=0.1875",
      "WEIGHT_DECAY=0.2125",
      "WEIGHT_DECAY=0.225",
    ]);
    // A count cannot move by less than 1: no smaller steps for DEPTH.
    expect(proposals.filter((p) => p.key.startsWith("DEPTH="))).toEqual([]);
    expect(proposals.every((p) => !p.key.includes(";"))).toBe(true);
  });
});

describe("combine stage", () => {
  it("pairs the near-misses with the smallest delta first, then triples, on the current best", () => {
    const history = neighbourhoodAllDiscarded();
    const byDelta = [...history].sort((a, b) => a.delta! - b.delta!);
    // The best near-miss of each constant: ASPECT_RATIO=128 loses to ASPECT_RATIO=32.
    const best = byDelta.filter(
      (e, i) => byDelta.findIndex((o) => o.key.split("=")[0] === e.key.split("=")[0]) === i,
    );
    const proposals: SweepProposal[] = [];
    const tried = new Set<string>();
    for (let n = 1; n < 200 && proposals.length < 40; n++) {
      const p = proposeSweep({ source: fixture, history, tried, seed: 4, n })!;
      tried.add(p.blob);
      if (p.stage === "combine") proposals.push(p);
      else if (proposals.length > 0) {
        expect(p.stage).toBe("perturb");
        break;
      }
      history.push(entry(p, "discard", 1));
    }
    const first = proposals[0];
    const names = (key: string) => key.split(";").map((k) => k.split("=")[0]);
    expect(first.key).toBe([best[0].key, best[1].key].sort().join(";"));
    expect(first.description).toBe([best[0].description, best[1].description].sort().join(", "));
    expect(proposals[1].key).toBe([best[0].key, best[2].key].sort().join(";"));
    const sizes = proposals.map((p) => names(p.key).length);
    // 6 near-misses: 15 pairs, then 20 triples.
    expect(sizes).toEqual([...Array(15).fill(2), ...Array(20).fill(3)]);
    // Never two values for one constant.
    for (const p of proposals) expect(new Set(names(p.key)).size).toBe(names(p.key).length);
  });

  it("counts a discard that improved too little as the nearest miss", () => {
    const history = neighbourhoodAllDiscarded();
    history[20] = { ...history[20], delta: -0.0005 };
    history[30] = { ...history[30], delta: 0.0001 };
    const tried = new Set<string>();
    for (let n = 1; n < 200; n++) {
      const p = proposeSweep({ source: fixture, history, tried, seed: 4, n })!;
      tried.add(p.blob);
      if (p.stage === "combine") {
        expect(p.key).toBe([history[20].key, history[30].key].sort().join(";"));
        return;
      }
      history.push(entry(p, "discard", 1));
    }
    throw new Error("never reached the combine stage");
  });
});

describe("perturb stage", () => {
  const stepsOf = (p: SweepProposal) =>
    p.key.split(";").map((part) => {
      const name = part.split("=")[0];
      return Math.abs(Math.log(constantValue(p.source, name) / constantValue(fixture, name)));
    });

  it("changes 2-4 constants at once, with steps shrinking as the stage goes on", () => {
    const { proposals } = night(21, 600, () => ({ status: "discard", delta: 0.01 }));
    const perturbs = proposals.filter((p) => p.stage === "perturb");
    expect(perturbs.length).toBeGreaterThan(400);
    for (const p of perturbs) {
      expect(p.key.split(";").length).toBeLessThanOrEqual(4);
    }
    expect(perturbs.every((p) => p.key.split(";").length >= 2)).toBe(true);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const early = perturbs.slice(0, 100);
    const late = perturbs.slice(-100);
    expect(mean(late.flatMap(stepsOf).filter(Number.isFinite))).toBeLessThan(
      mean(early.flatMap(stepsOf).filter(Number.isFinite)) / 2,
    );
  });

  it("still proposes for a train.py with a single small constant", () => {
    const tiny = night2("DEPTH = 2  # layers\n", 200);
    expect(new Set(tiny.map((p) => p.blob)).size).toBe(200);
  });
});

/** A night on another train.py, everything discarded. */
function night2(source: string, count: number): SweepProposal[] {
  const history: SweepEntry[] = [];
  const tried = new Set<string>();
  const out: SweepProposal[] = [];
  for (let n = 1; n <= count; n++) {
    const p = proposeSweep({ source, history, tried, seed: 9, n });
    if (p === null) throw new Error(`no proposal at n=${n}`);
    out.push(p);
    tried.add(p.blob);
    history.push(entry(p, "discard", 0.01));
  }
  return out;
}

describe("a long night", { timeout: 120_000 }, () => {
  it("never runs dry and never repeats a train.py over 3,000 proposals", () => {
    const { proposals, history } = night(7, 3000, fakeJudge);
    expect(proposals).toHaveLength(3000);
    const blobs = proposals.map((p) => p.blob);
    expect(new Set(blobs).size).toBe(3000);
    expect(blobs.includes(gitBlobSha(fixture))).toBe(false);
    for (const p of proposals.slice(0, 50)) expect(p.blob).toBe(gitBlobSha(p.source));
    expect(new Set(proposals.map((p) => p.stage))).toEqual(
      new Set(["neighbourhood", "pattern", "combine", "perturb"]),
    );
    expect(history.filter((e) => e.status === "keep").length).toBeGreaterThan(20);
  });

  it("is deterministic for a seed, and other seeds take other paths", () => {
    const keys = (seed: number) => night(seed, 120, fakeJudge).proposals.map((p) => p.key);
    expect(keys(3)).toEqual(keys(3));
    expect(keys(4)).not.toEqual(keys(3));
    expect(keys(4).slice(0, 10)).not.toEqual(keys(3).slice(0, 10));
  });

  it("skips a variant the run tried through another proposer (same train.py content)", () => {
    const first = proposeSweep({ source: fixture, history: [], tried: new Set(), seed: 8, n: 1 })!;
    const second = proposeSweep({
      source: fixture,
      history: [],
      tried: new Set([first.blob]),
      seed: 8,
      n: 1,
    })!;
    expect(second.blob).not.toBe(first.blob);
  });
});

describe("the sweep's memory in state blocks", () => {
  const state = (fields: Partial<ExperimentState>): ExperimentState => ({
    v: 1,
    tag: "t",
    n: 1,
    description: "MATRIX_LR 0.04 → 0.056",
    source: "sweep",
    base_sha: "a",
    head_sha: "b",
    phase: "queued",
    attempts: 0,
    infra_failures: 0,
    dispatched_at: null,
    result: null,
    verdict: null,
    key: "MATRIX_LR=0.056",
    ...fields,
  });
  const verdict = (status: "keep" | "discard" | "crash", delta: number | null) => ({
    status,
    reason: "r",
    delta,
    best: 1,
    flags: [],
  });

  it("reads the history in experiment order, undecided and rejected ones without a status", () => {
    const history = sweepHistoryOf([
      state({ n: 4, key: "DEPTH=9", description: "DEPTH 8 → 9", phase: "rejected" }),
      state({ n: 2, phase: "decided", verdict: verdict("discard", 0.01), stage: "pattern" }),
      state({ n: 3, key: "A=1;B=2", description: "A 0 → 1, B 3 → 2", phase: "training" }),
      state({ n: 1, source: "baseline", key: null }),
      state({ n: 5, source: "push", key: null, phase: "decided", verdict: verdict("keep", -1) }),
      state({ n: 6, key: "X=1", phase: "decided", verdict: verdict("crash", null) }),
    ]);
    expect(history).toEqual([
      {
        key: "MATRIX_LR=0.056",
        description: "MATRIX_LR 0.04 → 0.056",
        status: "discard",
        delta: 0.01,
        stage: "pattern",
      },
      { key: "A=1;B=2", description: "A 0 → 1, B 3 → 2", status: null, delta: null, stage: null },
      { key: "DEPTH=9", description: "DEPTH 8 → 9", status: null, delta: null, stage: null },
      {
        key: "X=1",
        description: "MATRIX_LR 0.04 → 0.056",
        status: "crash",
        delta: null,
        stage: null,
      },
    ]);
  });

  it("collects the train.py blobs every proposer recorded, ignoring blocks without one", () => {
    const blobs = triedBlobsOf(
      [
        state({ variant: variantId({ "train.py": "aaa" }, ["train.py"]) }),
        state({
          source: "agent",
          variant: variantId({ "train.py": "bbb", "m.py": "c" }, ["train.py", "m.py"]),
        }),
        state({ variant: null }),
        state({}),
        state({ variant: variantId({ "model.py": "ddd" }, ["model.py"]) }),
      ],
      "train.py",
    );
    expect(blobs).toEqual(new Set(["aaa", "bbb"]));
  });
});
