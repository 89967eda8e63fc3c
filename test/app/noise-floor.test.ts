// policy.baselineEvery as a user sees it: every N decided experiments the app trains the run head
// again unchanged, closes that PR unmerged, keeps it out of results.tsv, shows the spread on the
// dashboard, and later verdicts state their gain in multiples of it. examples/tiny is
// deterministic, so its simulated run-to-run noise (TINY_NOISE) is on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRunBlock } from "../../src/core/run-state.js";
import {
  type Experiment,
  ledgerRows,
  type Scenario,
  setConstants,
  startPastBaseline,
  startScenario,
  stopChecked,
} from "../support/app-scenarios.js";

const TAG = "noise";
const RUN_BRANCH = `autoresearch/${TAG}`;

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({
    config: { proposer: "none", policy: { baselineEvery: 2 } },
    runnerEnv: { TINY_NOISE: "0.003" },
  });
  await startPastBaseline(s, TAG);
}, 150_000);
afterAll(() => stopChecked(s));

const remeasures = () => s.experiments(TAG).filter((e) => e.state.source === "remeasure");

async function pushAndDecide(
  name: string,
  constants: Record<string, string>,
  options: { settle: boolean } = { settle: true },
): Promise<Experiment> {
  await s.pushExperiment(TAG, name, { "train.py": setConstants(constants) }, name);
  await s.waitForDecision(TAG, `${RUN_BRANCH}--${name}`, 120_000);
  if (options.settle) await s.sandbox.settle({ timeoutMs: 60_000 });
  return s.experimentFor(TAG, `${RUN_BRANCH}--${name}`)!;
}

describe("the noise floor (policy.baselineEvery: 2)", { timeout: 200_000 }, () => {
  let kept: Experiment;
  let remeasure: Experiment;

  it("re-measures nothing before N experiments are decided", async () => {
    expect(remeasures()).toEqual([]);
    expect(s.dashboard(TAG)!.body).toContain(
      "**Noise floor:** not measured yet: the run head is re-measured every 2 experiments.",
    );
  });

  it("after the second decision, trains the run head again unchanged and closes it unmerged", async () => {
    kept = await pushAndDecide("lr16", { LEARNING_RATE: "16.0" });
    expect(kept.state.verdict?.status).toBe("keep");
    await s.waitFor("a decided re-measurement", () =>
      remeasures().some((e) => e.state.phase === "decided" && e.pr.state === "closed"),
    );
    await s.sandbox.settle({ timeoutMs: 60_000 });
    expect(remeasures()).toHaveLength(1);
    remeasure = remeasures()[0];
    const { state, pr } = remeasure;

    // An empty commit on the run head as it was after the keep: nothing but the head is trained.
    const head = (await s.sandbox.git.sha(RUN_BRANCH))!;
    expect(state.base_sha).toBe(head);
    const [commit] = await s.sandbox.git.log(state.head_sha);
    expect(commit.parents).toEqual([head]);
    expect(await s.sandbox.git.readFile(state.head_sha, "train.py")).toBe(
      await s.sandbox.git.readFile(head, "train.py"),
    );
    expect(s.runsFor(pr.pull_request!.head.ref)).toHaveLength(1);

    // Compared with the value the kept experiment recorded, never merged, labelled as what it is.
    const recorded = kept.state.result!.val_bpb;
    expect(state.verdict).toMatchObject({ status: "remeasure", best: recorded });
    expect(state.verdict!.delta).toBeCloseTo(state.result!.val_bpb - recorded, 6);
    expect(state.result!.val_bpb).not.toBe(recorded);
    expect(pr.pull_request?.merged).toBe(false);
    expect(pr.labels).toContain("autoresearch:remeasure");
    expect(pr.labels).not.toContain("autoresearch:keep");
    const check = s.sandbox.state
      .checkRuns(state.head_sha)
      .find((c) => c.name === "autoresearch / verdict");
    expect(check).toMatchObject({ conclusion: "neutral" });
    expect(check?.output?.title).toMatch(
      /^remeasure: val_bpb \d+\.\d{6} \([+-]\d\.\d{6} from recorded\)$/,
    );
  });

  it("keeps the re-measurement out of results.tsv and shows the spread on the dashboard", () => {
    const rows = ledgerRows(s.ledger(TAG));
    expect(rows.map((r) => r[4])).toEqual(["baseline", "lr16"]);
    const dashboard = s.dashboard(TAG)!.body;
    // One sample: both measurements of the head deviate from their median by half the gap.
    const mad = Math.abs(remeasure.state.verdict!.delta!) / 2;
    expect(dashboard).toContain(
      `**Noise floor:** val_bpb of unchanged code moves by ${mad.toFixed(6)} (median absolute deviation, from 1 re-measurement of the run head; the run head is re-measured every 2 experiments). A Δ's (n×) is that change in multiples of it.`,
    );
    expect(dashboard).toContain("**Experiments:** 2 decided, 2 kept, 0 discarded, 0 crashed");
    expect(dashboard).toMatch(
      /\| #\d+ \| re-measure the run head \(noise floor\) \| \d\.\d{6} \| [+-]\d\.\d{6} \| remeasure \|/,
    );
    expect(readRunBlock(dashboard)?.status).toBe("running");
  });

  it("answers /autoresearch status with the noise floor, counting experiments only", async () => {
    const reply = await s.command(TAG, "/autoresearch status");
    const mad = (Math.abs(remeasure.state.verdict!.delta!) / 2).toFixed(6);
    expect(reply).toContain("- decided: 2 (2 kept)");
    expect(reply).toContain(
      `- noise floor: val_bpb MAD ${mad} from 1 re-measurement of the run head`,
    );
  });

  it("states the next verdict's gain in multiples of the noise floor", async () => {
    const next = await pushAndDecide("wd", { WEIGHT_DECAY: "0.0005" });
    const mad = Math.round((Math.abs(remeasure.state.verdict!.delta!) / 2) * 1e6) / 1e6;
    const verdict = next.state.verdict!;
    expect(verdict.noise).toBe(mad);
    const multiple = (Math.abs(verdict.delta!) / mad).toFixed(
      Math.abs(verdict.delta!) / mad >= 10 ? 0 : 1,
    );
    expect(verdict.reason).toContain(
      `the ${verdict.delta! < 0 ? "gain" : "loss"} is ${multiple}× the noise floor (MAD ${mad.toFixed(6)})`,
    );
    const comment = s
      .appComments(next.pr.number)
      .find((c) => c.body?.includes("autoresearch:verdict"));
    expect(comment?.body).toContain(`| delta / noise floor | ${multiple}× |`);
  });

  it("re-measures again after two more decisions, against the head's own recorded value", async () => {
    await pushAndDecide("warm", { WARMUP_RATIO: "0.0" });
    await s.waitFor(
      "a second decided re-measurement",
      () => remeasures().filter((e) => e.state.phase === "decided").length === 2,
    );
    await s.sandbox.settle({ timeoutMs: 60_000 });
    const second = remeasures().sort((a, b) => a.state.n - b.state.n)[1];
    const best = s
      .experiments(TAG)
      .filter((e) => e.state.verdict?.status === "keep")
      .sort((a, b) => (a.state.decided_at ?? "").localeCompare(b.state.decided_at ?? ""))
      .at(-1)!;
    expect(second.state.verdict?.best).toBe(best.state.result!.val_bpb);
    expect(s.dashboard(TAG)!.body).toContain("from 2 re-measurements of the run head;");
    expect(ledgerRows(s.ledger(TAG))).toHaveLength(4);
  });

  it("closes a re-measurement untrained when someone pushes commits onto it", async () => {
    // The next one is due after two more decisions; hold its training at the gate meanwhile.
    const maxN = () => Math.max(...s.experiments(TAG).map((e) => e.state.n));
    await pushAndDecide("ctx", { CONTEXT: "4" });
    const branch = `${RUN_BRANCH}--${maxN() + 2}-re-measure-the-run-head-noise-floor`;
    s.closeGate(branch);
    try {
      // No settling: the re-measurement's training waits at the gate.
      await pushAndDecide("bs", { BATCH_SIZE: "16" }, { settle: false });
      await s.waitFor(
        "the third re-measurement to train",
        () => s.experimentFor(TAG, branch)?.state.phase === "training",
      );
      const octokit = s.sandbox.octokit("octocat");
      const repo = { owner: s.sandbox.repo.owner, repo: s.sandbox.repo.name };
      const head = s.experimentFor(TAG, branch)!.state.head_sha;
      const { data: parent } = await octokit.git.getCommit({ ...repo, commit_sha: head });
      const { data: blob } = await octokit.git.createBlob({
        ...repo,
        content: setConstants({ LEARNING_RATE: "12.0" })(
          (await s.sandbox.git.readFile(head, "train.py"))!,
        ),
        encoding: "utf-8",
      });
      const { data: tree } = await octokit.git.createTree({
        ...repo,
        base_tree: parent.tree.sha,
        tree: [{ path: "train.py", mode: "100644", type: "blob", sha: blob.sha }],
      });
      const { data: commit } = await octokit.git.createCommit({
        ...repo,
        message: "sneak a change into the re-measurement",
        tree: tree.sha,
        parents: [head],
      });
      await octokit.git.updateRef({ ...repo, ref: `heads/${branch}`, sha: commit.sha });
      await s.waitFor("the re-measurement to be closed untrained", () => {
        const e = s.experimentFor(TAG, branch);
        return e?.state.phase === "rejected" && e.pr.state === "closed";
      });
    } finally {
      s.openGate(branch);
    }
    await s.sandbox.settle({ timeoutMs: 60_000 });
    const rejected = s.experimentFor(TAG, branch)!;
    expect(rejected.state.note).toContain("new commits on a re-measurement of the run head");
    expect(rejected.state.verdict).toBeNull();
    expect(rejected.pr.pull_request?.merged).toBe(false);
    // It never measured anything, so the run head is still due: a fresh one takes its place.
    const decidedRemeasures = remeasures().filter((e) => e.state.phase === "decided");
    expect(decidedRemeasures).toHaveLength(3);
    expect(decidedRemeasures.at(-1)!.state.n).toBeGreaterThan(rejected.state.n);
    expect(s.dashboard(TAG)!.body).toContain("from 3 re-measurements of the run head;");
  });
});

describe("a re-measurement that crashes", { timeout: 200_000 }, () => {
  let c: Scenario;
  beforeAll(async () => {
    c = await startScenario({
      config: { proposer: "none", policy: { baselineEvery: 1 } },
      sandbox: {
        runners: {
          // Only the re-measurement's training dies, the way a flaky GPU would take it down.
          commandWrapper: (command) =>
            `case "$GITHUB_REF_NAME" in *re-measure*) python3 -c "import sys; print('Traceback (most recent call last):'); print('RuntimeError: CUDA error: unspecified launch failure'); sys.exit(1)";; *) ${command};; esac`,
        },
      },
    });
    await startPastBaseline(c, TAG);
    await c.waitFor("the re-measurement to be decided", () =>
      c.experiments(TAG).some((e) => e.state.source === "remeasure" && e.state.phase === "decided"),
    );
    await c.sandbox.settle({ timeoutMs: 60_000 });
  }, 200_000);
  afterAll(() => stopChecked(c));

  it("is a crash on its PR, not a crashed experiment, and is not retried at once", () => {
    const all = c.experiments(TAG).filter((e) => e.state.source === "remeasure");
    expect(all).toHaveLength(1);
    const [{ state, pr }] = all;
    expect(state.verdict).toMatchObject({ status: "crash", flags: ["remeasure"] });
    expect(state.verdict?.reason).toContain("CUDA error: unspecified launch failure");
    expect(pr.state).toBe("closed");
    expect(pr.pull_request?.merged).toBe(false);
    expect(pr.labels).toContain("autoresearch:crash");
    const dashboard = c.dashboard(TAG)!.body;
    expect(dashboard).toContain("**Experiments:** 1 decided, 1 kept, 0 discarded, 0 crashed");
    expect(dashboard).toContain("**Noise floor:** not measured yet");
    expect(ledgerRows(c.ledger(TAG)).map((r) => r[3])).toEqual(["keep"]);
  });
});
