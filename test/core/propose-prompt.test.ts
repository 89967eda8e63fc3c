import { describe, expect, it } from "vitest";
import {
  buildPromptData,
  diffTargets,
  MAX_PATCH_CHARS,
  type PromptInput,
  patchText,
  type TrailPull,
} from "../../src/core/propose-prompt.js";
import type { TrainResult } from "../../src/core/result-marker.js";
import type { ExperimentState, VerdictStatus } from "../../src/core/state-block.js";
import { renderAgentPrompt } from "../../src/views/agent-prompt.js";
import { experimentState } from "../support/fixtures.js";

const SHA = (n: number) => `${String(n).repeat(7)}${"0".repeat(33)}`;

function result(n: number, valBpb: number | null): TrainResult {
  return {
    v: 1,
    status: valBpb === null ? "crash" : "ok",
    crash_reason: valBpb === null ? "oom" : null,
    message: valBpb === null ? "CUDA out of memory" : "ok",
    val_bpb: valBpb ?? 0,
    memory_gb: valBpb === null ? 0 : 44,
    peak_vram_mb: valBpb === null ? null : 45056,
    training_seconds: 300,
    total_seconds: 325,
    mfu_percent: null,
    total_tokens_M: null,
    num_steps: null,
    num_params_M: null,
    depth: null,
    anomalous: false,
    pr: n + 10,
    head_sha: SHA(n),
    run_id: String(n),
    run_attempt: 1,
    started_at: "2025-11-26T01:00:00Z",
    finished_at: "2025-11-26T01:06:00Z",
  };
}

function state(
  n: number,
  description: string,
  patch: Partial<ExperimentState> = {},
): ExperimentState {
  return experimentState({
    n,
    description,
    source: n === 0 ? "baseline" : "agent",
    base_sha: SHA(9),
    head_sha: SHA(n),
    ...patch,
  });
}

/** A decided experiment n as PR n + 10, decided at minute n (unless told otherwise). */
function decided(
  n: number,
  description: string,
  status: VerdictStatus,
  valBpb: number | null,
  minute = n,
): TrailPull {
  return {
    pr: n + 10,
    title: description,
    open: false,
    state: state(n, description, {
      phase: "decided",
      result: result(n, valBpb),
      verdict: { status, reason: "…", delta: null, best: null, flags: [] },
      decided_at: `2025-11-26T02:${String(minute).padStart(2, "0")}:00Z`,
    }),
  };
}

const trail: TrailPull[] = [
  decided(0, "baseline", "keep", 0.9979),
  decided(1, "increase LR to 0.04", "keep", 0.9932),
  // Decided after #3, though opened before it: history follows decisions.
  decided(2, "switch to GeLU", "discard", 1.005, 4),
  decided(3, "double model width", "crash", null, 3),
  { pr: 14, title: "wider hash", open: true, state: state(4, "wider hash", { phase: "training" }) },
  { pr: 15, title: "pushed by hand", open: true, state: null },
  {
    pr: 16,
    title: "touches prepare.py",
    open: false,
    state: state(5, "touches prepare.py", { phase: "rejected" }),
  },
];

const input = (patch: Partial<PromptInput> = {}): PromptInput => ({
  tag: "nov26",
  n: 7,
  baseSha: "abcdef0123456789abcdef0123456789abcdef01",
  allowedPaths: ["train.py"],
  descriptionPath: "/runner/_temp/autoresearch-description.txt",
  program: "# program\n\nLower val_bpb.\n",
  trail,
  patches: new Map([
    [11, "--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-LR = 0.02\n+LR = 0.04"],
    [12, "--- a/train.py\n+++ b/train.py\n@@ -5 +5 @@\n-act = relu\n+act = gelu"],
  ]),
  ...patch,
});

describe("diffTargets", () => {
  it("picks the last kept and the last discarded experiment, in decision order", () => {
    const targets = diffTargets(trail);
    expect([targets.kept?.pr, targets.discarded?.pr]).toEqual([11, 12]);
  });

  it("has nothing to show before the first decision", () => {
    expect(diffTargets(trail.slice(4))).toEqual({ kept: null, discarded: null });
  });
});

describe("buildPromptData", () => {
  it("summarises the run from its PR trail", () => {
    const data = buildPromptData(input());
    expect(data).toMatchObject({
      runBranch: "autoresearch/nov26",
      baseSha7: "abcdef0",
      best: { valBpb: "0.993200", description: "increase LR to 0.04", pr: 11 },
      counts: { decided: 4, kept: 2, discarded: 1, crashed: 1 },
      inFlight: [
        { pr: 14, description: "wider hash" },
        { pr: 15, description: "pushed by hand" },
      ],
      lastKept: { pr: 11, valBpb: "0.993200", patch: expect.stringContaining("+LR = 0.04") },
      lastDiscarded: { pr: 12, valBpb: "1.005000", patch: expect.stringContaining("+act = gelu") },
    });
    expect(data.history?.split("\n")).toEqual([
      "commit\tval_bpb\tmemory_gb\tstatus\tdescription",
      "0000000\t0.997900\t44.0\tkeep\tbaseline",
      "1111111\t0.993200\t44.0\tkeep\tincrease LR to 0.04",
      "3333333\t0.000000\t0.0\tcrash\tdouble model width",
      "2222222\t1.005000\t44.0\tdiscard\tswitch to GeLU",
    ]);
  });

  it("gives the noise floor and leaves re-measurements of the run head out", () => {
    const remeasured: TrailPull = {
      pr: 17,
      title: "re-measure the run head (noise floor)",
      open: false,
      state: state(6, "re-measure the run head (noise floor)", {
        source: "remeasure",
        phase: "decided",
        result: result(6, 0.9944),
        verdict: { status: "remeasure", reason: "…", delta: 0.0012, best: 0.9932, flags: [] },
        decided_at: "2025-11-26T02:06:00Z",
      }),
    };
    const waiting: TrailPull = {
      pr: 18,
      title: "re-measure the run head (noise floor)",
      open: true,
      state: state(7, "re-measure the run head (noise floor)", { source: "remeasure" }),
    };
    const data = buildPromptData(input({ trail: [...trail, remeasured, waiting] }));
    expect(data.noise).toBe("0.000600");
    expect(data.counts.decided).toBe(4);
    expect(data.history).not.toContain("re-measure");
    expect(data.inFlight.map((e) => e.pr)).toEqual([14, 15]);
    expect(renderAgentPrompt(data)).toContain(
      "Noise floor: training the unchanged run head again moves `val_bpb` by about 0.000600",
    );
    expect(buildPromptData(input()).noise).toBeNull();
  });

  it("says so when nothing was decided yet and there is no program.md", () => {
    const data = buildPromptData(input({ trail: [], program: "  \n", patches: new Map() }));
    expect(data).toMatchObject({
      program: null,
      best: null,
      history: null,
      inFlight: [],
      lastKept: null,
      lastDiscarded: null,
      counts: { decided: 0, kept: 0, discarded: 0, crashed: 0 },
    });
  });

  it("cuts a long diff at a line and points at the PR", () => {
    const long = Array.from({ length: 2000 }, (_, i) => `+line ${i}`).join("\n");
    const data = buildPromptData(input({ patches: new Map([[11, long]]) }));
    const patch = data.lastKept!.patch;
    expect(patch.length).toBeLessThan(MAX_PATCH_CHARS + 100);
    expect(patch).toMatch(
      /\+line \d+\n… \(diff cut at 8000 characters: the whole change is PR #11\)$/,
    );
  });
});

describe("patchText", () => {
  it("joins the PR's files into one unified diff", () => {
    expect(
      patchText([
        { filename: "train.py", patch: "@@ -1 +1 @@\n-a\n+b" },
        { filename: "weights.bin" },
      ]),
    ).toBe(
      "--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-a\n+b\n--- a/weights.bin\n+++ b/weights.bin\n(no textual diff: binary or too large)",
    );
  });
});

describe("renderAgentPrompt", () => {
  it("renders the program, the rules, the history and both diffs", () => {
    expect(renderAgentPrompt(buildPromptData(input()))).toMatchSnapshot();
  });

  it("renders a run's first proposal", () => {
    const prompt = renderAgentPrompt(
      buildPromptData(input({ trail: trail.slice(4, 5), program: null, patches: new Map() })),
    );
    expect(prompt).toContain("No experiment has been kept yet");
    expect(prompt).toContain("No experiment has been decided yet.");
    expect(prompt).toContain("- PR #14: wider hash");
    expect(prompt).not.toContain("program.md)");
    expect(prompt).not.toContain("The last kept change");
  });

  it("keeps a diff fence closed whatever backticks the diff holds", () => {
    const sneaky = "--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n+s = '```'";
    const prompt = renderAgentPrompt(buildPromptData(input({ patches: new Map([[11, sneaky]]) })));
    expect(prompt).toContain("````diff\n");
  });
});
