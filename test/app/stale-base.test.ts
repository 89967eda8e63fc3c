// Two GPUs: two experiments train at once; one that would keep on an outdated base is trained
// again on the new run head before it may merge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkNight } from "../../sandbox/invariants.js";
import {
  ledgerRows,
  type Scenario,
  setConstants,
  startScenario,
} from "../support/app-scenarios.js";

const TAG = "stale";
const RUN_BRANCH = `autoresearch/${TAG}`;
const FIRST = `${RUN_BRANCH}--lr16`;
const SECOND = `${RUN_BRANCH}--lr16-warmup0`;

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({ config: { proposer: "none", concurrency: 2 }, runners: 2 });
  await s.start(TAG);
  await s.waitForDecision(TAG, `${RUN_BRANCH}--1-baseline`, 90_000);
  await s.sandbox.settle({ timeoutMs: 60_000 });
}, 150_000);
afterAll(async () => {
  s.openGate(FIRST);
  s.openGate(SECOND);
  try {
    s.sandbox.assertNoViolations();
  } finally {
    await s.stop();
  }
});

describe("stale base", { timeout: 180_000 }, () => {
  it("retrains a winner made on an old head on top of the new one before merging it", async () => {
    const { sandbox } = s;
    s.closeGate(FIRST);
    s.closeGate(SECOND);
    // Both made on the same run head; the second also wins against the first's result.
    await s.pushExperiment(
      TAG,
      "lr16",
      { "train.py": setConstants({ LEARNING_RATE: "16.0" }) },
      "LEARNING_RATE 8.0 → 16.0",
    );
    await s.pushExperiment(
      TAG,
      "lr16-warmup0",
      { "train.py": setConstants({ LEARNING_RATE: "16.0", WARMUP_RATIO: "0.0" }) },
      "LEARNING_RATE 8.0 → 16.0 and no warmup",
    );
    await s.waitFor(
      "both experiments to train at once",
      () =>
        [FIRST, SECOND].every(
          (b) =>
            s.runsFor(b).some((r) => r.status === "in_progress") &&
            s.experimentFor(TAG, b)?.state.phase === "training",
        ),
      90_000,
    );
    const staleHead = s.experimentFor(TAG, SECOND)!.pr.pull_request!.head.sha;

    s.openGate(FIRST);
    const first = await s.waitForDecision(TAG, FIRST, 120_000);
    await s.waitFor(
      "the first to be merged",
      () => !!s.experimentFor(TAG, FIRST)?.pr.pull_request?.merged,
    );
    expect(first.state.verdict?.status).toBe("keep");
    const newHead = (await sandbox.git.sha(RUN_BRANCH))!;

    s.openGate(SECOND);
    const second = await s.waitForDecision(TAG, SECOND, 150_000);
    await sandbox.settle({ timeoutMs: 60_000 });

    // Trained twice: first on the old head, then on a head that contains the first's merge.
    const runs = s.runsFor(SECOND);
    expect(runs.map((r) => r.conclusion)).toEqual(["success", "success"]);
    expect(runs[0].head_sha).toBe(staleHead);
    expect(runs[1].head_sha).not.toBe(staleHead);
    expect(await sandbox.world.git.isAncestor(newHead, runs[1].head_sha)).toBe(true);

    const { pr, state } = s.experimentFor(TAG, SECOND)!;
    expect(second.state.verdict?.status).toBe("keep");
    expect(state.result?.head_sha).toBe(runs[1].head_sha);
    expect(state.verdict?.best).toBe(first.state.result?.val_bpb);
    expect(pr.pull_request?.merged).toBe(true);
    expect(ledgerRows(s.ledger(TAG)).map((r) => [r[0], r[3], r[4]])).toEqual([
      [expect.any(String), "keep", "baseline"],
      [expect.any(String), "keep", "LEARNING_RATE 8.0 → 16.0"],
      [runs[1].head_sha.slice(0, 7), "keep", "LEARNING_RATE 8.0 → 16.0 and no warmup"],
    ]);
    expect((await checkNight(sandbox, TAG)).problems).toEqual([]);
  });
});
