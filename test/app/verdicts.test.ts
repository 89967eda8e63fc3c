// Keep, discard and crash as a user sees them: merge or close, labels, the verdict check and
// comment, the chat digest and the results.tsv row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Experiment,
  type FileChange,
  ledgerRows,
  raiseAtImport,
  type Scenario,
  setConstants,
  startPastBaseline,
  startScenario,
  stopChecked,
} from "../support/app-scenarios.js";

const TAG = "v";
const BASELINE = `autoresearch/${TAG}--1-baseline`;

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({ config: { proposer: "none" } });
  await startPastBaseline(s, TAG);
}, 150_000);
afterAll(() => stopChecked(s));

/** Pushes an experiment branch and waits for the app to decide it. */
async function experiment(
  name: string,
  files: Record<string, FileChange>,
  message: string,
): Promise<Experiment> {
  await s.pushExperiment(TAG, name, files, message);
  const decided = await s.waitForDecision(TAG, `autoresearch/${TAG}--${name}`, 120_000);
  await s.sandbox.settle({ timeoutMs: 60_000 });
  return s.experimentFor(TAG, decided.pr.pull_request!.head.ref)!;
}

function verdictCheck(e: Experiment) {
  const checks = s.sandbox.state
    .checkRuns(e.state.head_sha)
    .filter((c) => c.name === "autoresearch / verdict");
  expect(checks).toHaveLength(1);
  return checks[0];
}

/** The ledger row of one experiment, by its trained commit. */
function ledgerRow(e: Experiment): string[] | undefined {
  return ledgerRows(s.ledger(TAG)).find((row) => row[0] === e.state.head_sha.slice(0, 7));
}

const bpb = (v: number) => v.toFixed(6);
const delta = (v: number) => `${v >= 0 ? "+" : "-"}${Math.abs(v).toFixed(6)}`;

describe("verdicts", { timeout: 150_000 }, () => {
  it("keeps the baseline: merged, labelled keep, the first ledger row", async () => {
    const baseline = s.experimentFor(TAG, BASELINE)!;
    expect(baseline.state.verdict?.status).toBe("keep");
    expect(baseline.pr.state).toBe("closed");
    expect(baseline.pr.pull_request?.merged).toBe(true);
    expect(baseline.pr.labels).toContain("autoresearch:keep");
    expect(verdictCheck(baseline)).toMatchObject({ status: "completed", conclusion: "success" });
    const row = ledgerRow(baseline);
    expect(row).toEqual([
      baseline.state.head_sha.slice(0, 7),
      bpb(baseline.state.result!.val_bpb),
      expect.stringMatching(/^\d+\.\d$/),
      "keep",
      "baseline",
    ]);
  });

  it("merges a kept experiment with exactly the head it trained", async () => {
    const before = (await s.sandbox.git.sha(`autoresearch/${TAG}`))!;
    const best = s.experimentFor(TAG, BASELINE)!.state.result!.val_bpb;
    const kept = await experiment(
      "lr16",
      { "train.py": setConstants({ LEARNING_RATE: "16.0" }) },
      "LEARNING_RATE 8.0 → 16.0",
    );

    expect(kept.state.verdict).toMatchObject({ status: "keep", best });
    expect(kept.state.result!.val_bpb).toBeLessThan(best);
    const pull = kept.pr.pull_request!;
    expect(pull.merged).toBe(true);
    expect(kept.state.result!.head_sha).toBe(pull.head.sha);
    // The squash commit on the run branch holds the tested train.py, on top of the old head.
    const head = await s.sandbox.git.sha(`autoresearch/${TAG}`);
    expect(pull.merge_commit_sha).toBe(head);
    const merge = await s.sandbox.world.git.readCommit(head!);
    expect(merge.parents).toEqual([before]);
    expect(await s.sandbox.git.readFile(head!, "train.py")).toBe(
      await s.sandbox.git.readFile(pull.head.sha, "train.py"),
    );
    expect(kept.pr.labels).toEqual(expect.arrayContaining(["autoresearch", "autoresearch:keep"]));
    expect(verdictCheck(kept)).toMatchObject({
      conclusion: "success",
      output: { title: expect.stringMatching(/^keep: val_bpb \d\.\d{6} \(-0\.\d{6}\)$/) },
    });
    expect(ledgerRow(kept)).toEqual([
      pull.head.sha.slice(0, 7),
      bpb(kept.state.result!.val_bpb),
      expect.stringMatching(/^\d+\.\d$/),
      "keep",
      "LEARNING_RATE 8.0 → 16.0",
    ]);
  });

  it("closes a discarded experiment unmerged, with the digest in its verdict comment", async () => {
    const before = await s.sandbox.git.sha(`autoresearch/${TAG}`);
    const discarded = await experiment(
      "lr1",
      { "train.py": setConstants({ LEARNING_RATE: "1.0" }) },
      "LEARNING_RATE 16.0 → 1.0",
    );

    const { n, verdict, result } = discarded.state;
    expect(verdict?.status).toBe("discard");
    expect(discarded.pr.state).toBe("closed");
    expect(discarded.pr.pull_request?.merged).toBe(false);
    expect(discarded.pr.labels).toContain("autoresearch:discard");
    expect(discarded.pr.labels).not.toContain("autoresearch:keep");
    expect(await s.sandbox.git.sha(`autoresearch/${TAG}`)).toBe(before);
    expect(verdictCheck(discarded)).toMatchObject({ conclusion: "neutral" });

    const best = verdict!.best!;
    const digest = [
      `Experiment #${n}: LEARNING_RATE 16.0 → 1.0`,
      `val_bpb: ${bpb(best)} → ${bpb(result!.val_bpb)} (${delta(result!.val_bpb - best)})`,
      "Status: discard",
    ].join("\n");
    const comments = s.appComments(discarded.pr.number).map((c) => c.body);
    const verdictComment = comments.find((c) => c.includes("autoresearch:verdict"));
    expect(verdictComment).toContain(`### ⚪ discard: experiment #${n}, LEARNING_RATE 16.0 → 1.0`);
    expect(verdictComment).toContain(digest);
    expect(verdictComment).toContain(verdict!.reason);
    expect(s.sandbox.notifications.map((m) => (m.body as { text: string }).text)).toContain(
      `[${TAG}] ${digest}`,
    );
    expect(ledgerRow(discarded)).toEqual([
      discarded.state.head_sha.slice(0, 7),
      bpb(result!.val_bpb),
      expect.stringMatching(/^\d+\.\d$/),
      "discard",
      "LEARNING_RATE 16.0 → 1.0",
    ]);
  });

  it("records a train.py that raises as a crash: closed, labelled, ledger row 0.000000 0.0 crash", async () => {
    const crashed = await experiment(
      "boom",
      { "train.py": raiseAtImport },
      "double the model width",
    );

    expect(crashed.state.verdict?.status).toBe("crash");
    expect(crashed.state.result).toMatchObject({ status: "crash", crash_reason: "traceback" });
    expect(crashed.pr.state).toBe("closed");
    expect(crashed.pr.pull_request?.merged).toBe(false);
    expect(crashed.pr.labels).toContain("autoresearch:crash");
    expect(verdictCheck(crashed)).toMatchObject({
      conclusion: "failure",
      output: { title: "crash (traceback)" },
    });
    const comments = s.appComments(crashed.pr.number).map((c) => c.body);
    expect(comments.find((c) => c.includes("autoresearch:verdict"))).toContain(
      `### 💥 crash: experiment #${crashed.state.n}, double the model width`,
    );
    expect(ledgerRow(crashed)).toEqual([
      crashed.state.head_sha.slice(0, 7),
      "0.000000",
      "0.0",
      "crash",
      "double the model width",
    ]);
  });

  it("retries twice when the runner dies mid-training, then records a crash flagged infra", async () => {
    s.sandbox.faults.killRunnerDuringNextJobs(3);
    const lost = await experiment(
      "lost",
      { "train.py": setConstants({ BATCH_SIZE: "16" }) },
      "BATCH_SIZE 32 → 16",
    );

    const runs = s.runsFor(`autoresearch/${TAG}--lost`);
    expect(runs.map((r) => [r.status, r.conclusion])).toEqual([
      ["completed", "failure"],
      ["completed", "failure"],
      ["completed", "failure"],
    ]);
    expect(lost.state).toMatchObject({ attempts: 3, phase: "decided" });
    expect(lost.state.verdict).toMatchObject({ status: "crash", flags: ["infra"] });
    expect(lost.state.result).toMatchObject({ status: "infra", crash_reason: "runner-error" });
    expect(lost.pr.state).toBe("closed");
    expect(lost.pr.labels).toContain("autoresearch:crash");
    expect(ledgerRow(lost)).toEqual([
      lost.state.head_sha.slice(0, 7),
      "0.000000",
      "0.0",
      "crash",
      "BATCH_SIZE 32 → 16",
    ]);
  });

  it("keeps one ledger row per decided experiment, in decision order", () => {
    expect(ledgerRows(s.ledger(TAG)).map((r) => [r[3], r[4]])).toEqual([
      ["keep", "baseline"],
      ["keep", "LEARNING_RATE 8.0 → 16.0"],
      ["discard", "LEARNING_RATE 16.0 → 1.0"],
      ["crash", "double the model width"],
      ["crash", "BATCH_SIZE 32 → 16"],
    ]);
  });
});
