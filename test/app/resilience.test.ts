// The app keeps no memory that matters: restarted mid-night, it rebuilds the run from GitHub and
// the night carries on with every invariant intact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkNight } from "../../sandbox/invariants.js";
import { type Scenario, setConstants, startScenario } from "../support/app-scenarios.js";

/** The serverless heartbeat: what resumes a run whose events were lost while the app was down. */
async function heartbeat(s: Scenario): Promise<void> {
  await s.sandbox.octokit().repos.createDispatchEvent({
    owner: s.sandbox.repo.owner,
    repo: s.sandbox.repo.name,
    event_type: "autoresearch-heartbeat",
  });
}

const decidedCount = (s: Scenario, tag: string) =>
  s.experiments(tag).filter((e) => e.state.phase === "decided").length;

describe("restart mid-night", { timeout: 240_000 }, () => {
  const TAG = "night";
  let s: Scenario;
  beforeAll(async () => {
    // examples/tiny's own config: the sweep proposer keeps the GPU busy while the run lives.
    s = await startScenario();
  }, 60_000);
  afterAll(async () => {
    try {
      s.sandbox.assertNoViolations();
    } finally {
      await s.stop();
    }
  });

  it("carries on after the app restarts with fresh memory, and the night's invariants hold", async () => {
    const { sandbox } = s;
    await s.start(TAG);
    await s.waitFor("two decided experiments", () => decidedCount(s, TAG) >= 2, 120_000);

    // A graceful restart: the old process finishes the pass it is in, then the new one starts.
    const old = s.app();
    await sandbox.stopApp();
    await old.idle();
    await sandbox.startApp();
    expect(s.app()).not.toBe(old);
    // Deliveries sent while the app was down are lost, as on GitHub: the heartbeat resumes the run.
    await heartbeat(s);
    const before = decidedCount(s, TAG);
    await s.waitFor(
      "two more decided experiments",
      () => decidedCount(s, TAG) >= before + 2,
      120_000,
    );

    expect(await s.command(TAG, "/autoresearch stop")).toContain("Stopped");
    await sandbox.settle({ timeoutMs: 120_000 });
    const report = await checkNight(sandbox, TAG);
    expect(report.problems).toEqual([]);
    expect(
      report.experiments.filter((e) => e.state.phase === "decided").length,
    ).toBeGreaterThanOrEqual(before + 2);
  });
});

describe("restart overlapping a pass", { timeout: 180_000 }, () => {
  const TAG = "overlap";
  const KEPT = `autoresearch/${TAG}--lr16`;
  let s: Scenario;
  let hold: { held(): boolean; release(): void } | undefined;
  beforeAll(async () => {
    s = await startScenario({ config: { proposer: "none" } });
    await s.start(TAG);
    await s.waitForDecision(TAG, `autoresearch/${TAG}--1-baseline`, 90_000);
    await s.sandbox.settle({ timeoutMs: 60_000 });
  }, 150_000);
  afterAll(async () => {
    hold?.release();
    try {
      s.sandbox.assertNoViolations();
    } finally {
      await s.stop();
    }
  });

  // The restart lands while the old process's pass is inside its merge: the old pass goes on
  // after the restart (its merge answered only then), the restarted app's pass follows it, and
  // the keep must stay a keep. The sandbox holds the merge request so the overlap happens every
  // time (a chat digest no longer holds a pass: it is sent alongside).
  it("keeps a merged experiment kept when the old process's pass goes on after the restart", async () => {
    const { sandbox } = s;
    const merge = sandbox.faults.holdNextRequest("PUT", /\/pulls\/\d+\/merge$/);
    hold = merge;
    await s.pushExperiment(
      TAG,
      "lr16",
      { "train.py": setConstants({ LEARNING_RATE: "16.0" }) },
      "LEARNING_RATE 8.0 → 16.0",
    );
    await s.waitFor("the keep's merge request to reach GitHub", () => merge.held(), 120_000);
    expect(s.experimentFor(TAG, KEPT)?.state.verdict?.status).toBe("keep");

    await sandbox.restartApp();
    await heartbeat(s);
    merge.release();
    await s.waitFor(
      "the held merge to land after the restart",
      () => !!s.experimentFor(TAG, KEPT)?.pr.pull_request?.merged,
    );
    await sandbox.settle({ timeoutMs: 60_000 });

    expect(s.experimentFor(TAG, KEPT)?.state.verdict?.status).toBe("keep");
    expect((await checkNight(sandbox, TAG)).problems).toEqual([]);
  });
});
