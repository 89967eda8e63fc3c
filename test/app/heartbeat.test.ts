// The heartbeat: a training past its timeout is cancelled and recorded as a timeout crash.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ledgerRows,
  type Scenario,
  setConstants,
  startPastBaseline,
  startScenario,
  stopChecked,
} from "../support/app-scenarios.js";

const TAG = "hb";
const TIMEOUT_MINUTES = 2;

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({
    config: { proposer: "none", timeoutMinutes: TIMEOUT_MINUTES, queuedAlertMinutes: 60 },
  });
  await startPastBaseline(s, TAG);
}, 150_000);
afterAll(() => stopChecked(s));

/** Hangs a pushed experiment's training and moves the app's clock past its timeout. */
async function hangPastTimeout(name: string): Promise<string> {
  const branch = `autoresearch/${TAG}--${name}`;
  // A clock moved by an earlier test would make the new run look hours old from its first pass.
  s.resetClock();
  // The training waits until the test opens its gate, which it never does.
  s.closeGate(branch);
  await s.pushExperiment(
    TAG,
    name,
    { "train.py": setConstants({ LEARNING_RATE: "12.0" }) },
    `LEARNING_RATE 8.0 → 12.0 (${name})`,
  );
  await s.waitFor(
    "the training to start",
    () =>
      s.runsFor(branch).some((r) => r.status === "in_progress") &&
      s.experimentFor(TAG, branch)?.state.phase === "training",
    90_000,
  );
  // The last event that makes the app look at the run again: its own experiment label. Once it
  // is handled, only the heartbeat will.
  const pr = s.experimentFor(TAG, branch)!.pr.number;
  await s.waitFor("the app's label event on the PR to be handled", () =>
    s.sandbox.state.deliveries.some(
      (d) =>
        d.event === "pull_request" &&
        d.action === "labeled" &&
        (d.payload.pull_request as { number: number }).number === pr,
    ),
  );
  await s.app().idle();
  // Past timeoutMinutes plus the app's grace, on the app's clock only.
  s.advanceClock(TIMEOUT_MINUTES + 10);
  await new Promise((r) => setTimeout(r, 1000));
  await s.app().idle();
  expect(s.experimentFor(TAG, branch)?.state.phase).toBe("training");
  return branch;
}

async function expectTimeoutCrash(branch: string): Promise<void> {
  await s.waitFor(
    "the workflow run to be cancelled",
    () => s.runsFor(branch).every((r) => r.status === "completed"),
    60_000,
  );
  await s.sandbox.settle({ timeoutMs: 60_000 });
  const { pr, state } = s.experimentFor(TAG, branch)!;
  expect(s.runsFor(branch).map((r) => r.conclusion)).toEqual(["cancelled"]);
  expect(state.phase).toBe("decided");
  expect(state.result).toMatchObject({ status: "crash", crash_reason: "timeout" });
  expect(state.verdict?.status).toBe("crash");
  expect(state.verdict?.reason).toContain("cancelled");
  expect(pr.state).toBe("closed");
  expect(pr.pull_request?.merged).toBe(false);
  expect(pr.labels).toContain("autoresearch:crash");
  const check = s.sandbox.state
    .checkRuns(state.head_sha)
    .find((c) => c.name === "autoresearch / verdict");
  expect(check).toMatchObject({ conclusion: "failure", output: { title: "crash (timeout)" } });
  expect(ledgerRows(s.ledger(TAG)).at(-1)).toEqual([
    state.head_sha.slice(0, 7),
    "0.000000",
    "0.0",
    "crash",
    pr.title,
  ]);
}

describe("heartbeat", { timeout: 150_000 }, () => {
  it("cancels a training stuck past timeoutMinutes on the serverless heartbeat (repository_dispatch) and records a timeout crash", async () => {
    const branch = await hangPastTimeout("hang");
    await s.sandbox.octokit().repos.createDispatchEvent({
      owner: s.sandbox.repo.owner,
      repo: s.sandbox.repo.name,
      event_type: "autoresearch-heartbeat",
    });
    await expectTimeoutCrash(branch);
    s.sandbox.assertNoViolations();
  });

  // The in-process timer walks the app's installations and their repositories, then the runs.
  it("cancels it on the in-process heartbeat() too", async () => {
    const branch = await hangPastTimeout("hang-again");
    try {
      await s.app().heartbeat();
      await expectTimeoutCrash(branch);
    } finally {
      const unexpected = s.sandbox.violations.filter(
        (v) => !/\/app\/installations|\/installation\/repositories/.test(v.where),
      );
      expect(unexpected).toEqual([]);
      s.sandbox.clearViolations();
    }
  });
});
