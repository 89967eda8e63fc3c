// Dashboard commands a maintainer comments on a run: pause, resume, status, rebuild, stop.
// The tests share one run and go in order; stop is last.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ledgerRows,
  type Scenario,
  setConstants,
  startPastBaseline,
  startScenario,
  stopChecked,
} from "../support/app-scenarios.js";

const TAG = "cmd";
const RUN_BRANCH = `autoresearch/${TAG}`;

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({ config: { proposer: "none" } });
  await startPastBaseline(s, TAG);
}, 150_000);
afterAll(() => stopChecked(s));

describe("dashboard commands", { timeout: 150_000 }, () => {
  it("refuses dashboard commands from mallory", async () => {
    const reply = await s.command(TAG, "/autoresearch pause", "mallory");
    expect(reply).toBe("@mallory only people with write access can run `/autoresearch` commands.");
    expect(s.run(TAG)?.status).toBe("running");
  });

  it("dispatches nothing while paused, and trains the waiting experiment on resume", async () => {
    const { sandbox } = s;
    const branch = `${RUN_BRANCH}--batch16`;
    expect(await s.command(TAG, "/autoresearch pause")).toContain("⏸️ Paused `cmd`");
    expect(s.run(TAG)?.status).toBe("paused");
    const runs = sandbox.state.runs().length;

    await s.pushExperiment(
      TAG,
      "batch16",
      { "train.py": setConstants({ BATCH_SIZE: "16" }) },
      "BATCH_SIZE 32 → 16",
    );
    await s.waitFor(
      "the pushed branch to become an experiment",
      () => !!s.experimentFor(TAG, branch),
    );
    await sandbox.settle({ timeoutMs: 60_000 });
    expect(sandbox.state.runs()).toHaveLength(runs);
    expect(s.experimentFor(TAG, branch)?.state.phase).toBe("queued");
    expect(s.experimentFor(TAG, branch)?.pr.state).toBe("open");

    expect(await s.command(TAG, "/autoresearch resume")).toBe("▶️ Resumed `cmd`.");
    const decided = await s.waitForDecision(TAG, branch, 120_000);
    expect(s.runsFor(branch)).toHaveLength(1);
    expect(decided.state.attempts).toBe(1);
    await sandbox.settle({ timeoutMs: 60_000 });
  });

  it("answers status with the run's best, counts and what is in flight", async () => {
    const rows = ledgerRows(s.ledger(TAG));
    const kept = rows.filter((r) => r[3] === "keep");
    const best = kept.at(-1)!;
    expect(await s.command(TAG, "/autoresearch status")).toBe(
      [
        "**Run `cmd`** is running.",
        `- best val_bpb: ${best[1]} (${best[4]})`,
        `- decided: ${rows.length} (${kept.length} kept)`,
        "- in flight: none; queued: none",
      ].join("\n"),
    );
  });

  it("rebuilds a tampered results.tsv from the PR trail", async () => {
    const { sandbox } = s;
    const gistId = s.run(TAG)!.gist_id!;
    const good = s.ledger(TAG);
    await sandbox.octokit().gists.update({
      gist_id: gistId,
      files: { "results.tsv": { content: "commit\tval_bpb\nlost\n" } },
    });
    expect(s.ledger(TAG)).not.toBe(good);

    const reply = await s.command(TAG, "/autoresearch rebuild");
    await sandbox.settle({ timeoutMs: 60_000 });
    const decided = s.experiments(TAG).filter((e) => e.state.phase === "decided").length;
    expect(reply).toBe(
      `🔁 Rebuilt \`results.tsv\` and the dashboard from ${s.experiments(TAG).length} PRs: ${decided} rows.`,
    );
    expect(s.ledger(TAG)).toBe(good);
  });

  it("stops: what waits for a runner is called back and closed untrained, the one training is decided, nothing stays open", async () => {
    const { sandbox } = s;
    const training = `${RUN_BRANCH}--decay0`;
    const waiting = `${RUN_BRANCH}--warmdown02`;
    s.closeGate(training);
    try {
      await s.pushExperiment(
        TAG,
        "decay0",
        { "train.py": setConstants({ WEIGHT_DECAY: "0.0" }) },
        "WEIGHT_DECAY 0.001 → 0.0",
      );
      await s.waitFor(
        "the first to train",
        () => s.experimentFor(TAG, training)?.state.phase === "training",
        90_000,
      );
      await s.pushExperiment(
        TAG,
        "warmdown02",
        { "train.py": setConstants({ WARMDOWN_RATIO: "0.2" }) },
        "WARMDOWN_RATIO 0.3 → 0.2",
      );
      // policy.preDispatch (the default): it is dispatched ahead and waits for the busy runner.
      await s.waitFor(
        "the second to be dispatched ahead, waiting for the runner",
        () =>
          s.experimentFor(TAG, waiting)?.state.phase === "training" &&
          s.runsFor(waiting).length === 1,
      );

      expect(await s.command(TAG, "/autoresearch stop")).toContain("⏹️ Stopped `cmd`");
      await s.waitFor(
        "the queued one to be closed",
        () => s.experimentFor(TAG, waiting)?.pr.state === "closed",
      );
    } finally {
      s.openGate(training);
    }
    await s.waitForDecision(TAG, training, 120_000);
    await sandbox.settle({ timeoutMs: 60_000 });
    // A branch pushed after the stop is not picked up.
    await s.pushExperiment(
      TAG,
      "late",
      { "train.py": setConstants({ SEED: "7" }) },
      "SEED 1337 → 7",
    );
    await sandbox.settle({ timeoutMs: 60_000 });

    expect(s.run(TAG)?.status).toBe("stopped");
    const stopped = s.experimentFor(TAG, waiting)!;
    expect(stopped.state).toMatchObject({ phase: "rejected", attempts: 1 });
    expect(s.appComments(stopped.pr.number).map((c) => c.body)).toEqual([
      "🚫 **Not trained:** the run was stopped while this experiment waited for a runner: its workflow run was cancelled.",
    ]);
    // Called back before a runner took it: it never trained.
    expect(s.runsFor(waiting).map((r) => r.conclusion)).toEqual(["cancelled"]);
    expect(s.experimentFor(TAG, training)?.state.phase).toBe("decided");
    expect(
      sandbox.state
        .pulls()
        .filter((p) => p.pull_request?.base.ref === RUN_BRANCH && p.state === "open"),
    ).toEqual([]);
    expect(
      sandbox.state.pulls().some((p) => p.pull_request?.head.ref === `${RUN_BRANCH}--late`),
    ).toBe(false);
  });
});
