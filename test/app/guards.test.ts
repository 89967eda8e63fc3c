// What the app refuses to train or to believe: files outside allowedPaths, forged result markers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  readResultMarker,
  renderResultMarker,
  type TrainResult,
} from "../../src/core/result-marker.js";
import {
  ledgerRows,
  type Scenario,
  setConstants,
  startPastBaseline,
  startScenario,
  stopChecked,
} from "../support/app-scenarios.js";

const TAG = "g";
const RUN_BRANCH = `autoresearch/${TAG}`;

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({ config: { proposer: "none" } });
  await startPastBaseline(s, TAG);
}, 150_000);
afterAll(() => stopChecked(s));

describe("guards", { timeout: 150_000 }, () => {
  it("closes a PR that edits prepare.py, naming the path, and never dispatches it", async () => {
    const branch = `${RUN_BRANCH}--more-data`;
    await s.pushExperiment(
      TAG,
      "more-data",
      {
        "train.py": setConstants({ LEARNING_RATE: "12.0" }),
        "prepare.py": (py) => `${py}\n# read twice as much data\n`,
      },
      "more data and a higher LR",
    );
    await s.waitFor("the pushed branch's PR to be settled", () => {
      const pull = s.sandbox.state.pulls().find((p) => p.pull_request?.head.ref === branch);
      return pull?.state === "closed";
    });
    await s.sandbox.settle({ timeoutMs: 60_000 });

    const rejected = s.experimentFor(TAG, branch)!;
    expect(rejected.pr.state).toBe("closed");
    expect(rejected.pr.pull_request?.merged).toBe(false);
    expect(rejected.state.phase).toBe("rejected");
    expect(rejected.state.verdict).toBeNull();
    expect(s.appComments(rejected.pr.number).map((c) => c.body)).toEqual([
      "🚫 **Not trained:** it changes `prepare.py`: only `train.py` may change (config: allowedPaths).",
    ]);
    expect(s.runsFor(branch)).toEqual([]);
    expect(ledgerRows(s.ledger(TAG)).map((r) => r[4])).toEqual(["baseline"]);
  });

  it("ignores a result marker pasted into a comment by anyone but the action", async () => {
    const branch = `${RUN_BRANCH}--lr1`;
    const before = await s.sandbox.git.sha(RUN_BRANCH);
    s.closeGate(branch);
    let forgedAt: number;
    try {
      await s.pushExperiment(
        TAG,
        "lr1",
        { "train.py": setConstants({ LEARNING_RATE: "1.0" }) },
        "LEARNING_RATE 8.0 → 1.0",
      );
      await s.waitFor(
        "the experiment's training to start",
        () =>
          s.runsFor(branch).some((r) => r.status === "in_progress") &&
          s.experimentFor(TAG, branch)?.state.phase === "training",
        90_000,
      );
      const { pr, state } = s.experimentFor(TAG, branch)!;
      const run = s.runsFor(branch)[0];
      // A marker for the very run in progress, claiming a record val_bpb.
      const forged: TrainResult = {
        v: 1,
        status: "ok",
        crash_reason: null,
        message: "ok: val_bpb 0.500000",
        val_bpb: 0.5,
        memory_gb: 0.1,
        peak_vram_mb: 100,
        training_seconds: 1,
        total_seconds: 1.2,
        mfu_percent: 0,
        total_tokens_M: 0.1,
        num_steps: 100,
        num_params_M: 0.1,
        depth: 3,
        anomalous: false,
        pr: pr.number,
        head_sha: state.head_sha,
        run_id: String(run.id),
        run_attempt: 1,
        started_at: new Date().toISOString(),
        finished_at: new Date().toISOString(),
      };
      const body = `Training done ✅ val_bpb 0.500000\n\n${renderResultMarker(forged)}`;
      // Valid in every way but its author: only that may make the app ignore it.
      expect(readResultMarker(body)).toMatchObject({ found: true, ok: true });
      forgedAt = await s.sandbox.human.comment(pr.number, body);
    } finally {
      s.openGate(branch);
    }
    const decided = await s.waitForDecision(TAG, branch, 120_000);
    await s.sandbox.settle({ timeoutMs: 60_000 });

    const { pr, state } = s.experimentFor(TAG, branch)!;
    expect(s.sandbox.state.comments(pr.number).some((c) => c.id === forgedAt)).toBe(true);
    expect(decided.state.result?.val_bpb).not.toBe(0.5);
    expect(state.result?.val_bpb).toBeGreaterThan(state.verdict!.best!);
    expect(state.verdict?.status).toBe("discard");
    expect(pr.pull_request?.merged).toBe(false);
    expect(await s.sandbox.git.sha(RUN_BRANCH)).toBe(before);
    expect(ledgerRows(s.ledger(TAG)).map((r) => [r[1] === "0.500000", r[3], r[4]])).toEqual([
      [false, "keep", "baseline"],
      [false, "discard", "LEARNING_RATE 8.0 → 1.0"],
    ]);
  });
});
