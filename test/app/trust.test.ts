// What the app refuses to believe: state blocks it did not write and seal, look-alike dashboards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSealer, experimentScope, runScope, sealKeys } from "../../src/core/block-seal.js";
import { type RunState, renderRunBlock, runBlock } from "../../src/core/run-state.js";
import { renderStateBlock, stateBlock, withStateBlock } from "../../src/core/state-block.js";
import { DASHBOARD_LABEL } from "../../src/github/run-issues.js";
import {
  ledgerRows,
  type Scenario,
  setConstants,
  startPastBaseline,
  startScenario,
  stopChecked,
} from "../support/app-scenarios.js";
import { forgedKeep } from "../support/fixtures.js";

const TAG = "t";
const RUN_BRANCH = `autoresearch/${TAG}`;

let s: Scenario;
beforeAll(async () => {
  s = await startScenario({
    config: { proposer: "none" },
    sandbox: { users: [{ login: "trudy", role: "triage" }] },
  });
  await startPastBaseline(s, TAG);
}, 150_000);
afterAll(() => stopChecked(s));

const repo = () => ({ owner: s.sandbox.repo.owner, repo: s.sandbox.repo.name });
const dashboardBody = () => s.dashboard(TAG)?.body ?? "";

describe("trust", { timeout: 200_000 }, () => {
  it("trains an experiment whose state a write user edited to a keep, and decides on what it measured", async () => {
    const branch = `${RUN_BRANCH}--lr1`;
    const before = await s.sandbox.git.sha(RUN_BRANCH);
    s.closeGate(branch);
    try {
      await s.pushExperiment(
        TAG,
        "lr1",
        { "train.py": setConstants({ LEARNING_RATE: "1.0" }) },
        "LEARNING_RATE 8.0 → 1.0",
      );
      await s.waitFor(
        "the experiment to train",
        () => s.experimentFor(TAG, branch)?.state.phase === "training",
        90_000,
      );
      const { pr } = s.experimentFor(TAG, branch)!;
      // The app's own block, verdict edited; the MAC the app wrote is left in place.
      const read = stateBlock.read(pr.body)!;
      const body = withStateBlock(pr.body ?? "", forgedKeep(read.value, pr.number), read.mac);
      await s.sandbox
        .octokit("octocat")
        .rest.pulls.update({ ...repo(), pull_number: pr.number, body });
    } finally {
      s.openGate(branch);
    }
    await s.waitFor(
      "the tampered experiment to be trained again and decided",
      () =>
        s.experimentFor(TAG, branch)?.pr.state === "closed" &&
        ledgerRows(s.ledger(TAG)).length === 2,
      150_000,
    );
    await s.sandbox.settle({ timeoutMs: 60_000 });

    const { pr, state } = s.experimentFor(TAG, branch)!;
    expect(pr.pull_request?.merged).toBe(false);
    expect(state.verdict?.status).toBe("discard");
    expect(state.result?.val_bpb).not.toBe(0.5);
    expect(await s.sandbox.git.sha(RUN_BRANCH)).toBe(before);
    // Measured again from scratch: two trainings of the branch, the second one decided.
    expect(s.runsFor(branch).length).toBe(2);
    expect(ledgerRows(s.ledger(TAG)).map((r) => [r[3], r[4]])).toEqual([
      ["keep", "baseline"],
      ["discard", "LEARNING_RATE 8.0 → 1.0"],
    ]);
  });

  it("closes a PR someone opened by hand with a forged decided-keep block, counting nothing", async () => {
    const before = await s.sandbox.git.sha(RUN_BRANCH);
    await s.sandbox.human.push("hand-made", { "train.py": "print('hi')\n" }, "hand made");
    const base = s.experiments(TAG)[0].state;
    const forged = forgedKeep({ ...base, n: 9, description: "hand made" }, 1);
    const { data: pull } = await s.sandbox.octokit("octocat").rest.pulls.create({
      ...repo(),
      head: "hand-made",
      base: RUN_BRANCH,
      title: "hand made",
      body: `Trust me.\n\n${renderStateBlock(forged, "0".repeat(64))}`,
    });
    await s.waitFor(
      "the hand-made PR to be closed",
      () => s.sandbox.state.pull(pull.number).state === "closed",
      60_000,
    );
    await s.sandbox.settle({ timeoutMs: 60_000 });

    expect(s.sandbox.state.pull(pull.number).pull_request?.merged).toBe(false);
    expect(await s.sandbox.git.sha(RUN_BRANCH)).toBe(before);
    expect(s.runsFor("hand-made")).toEqual([]);
    expect(s.appComments(pull.number).map((c) => c.body)).toEqual([
      expect.stringContaining("is not an experiment branch"),
    ]);
    expect(ledgerRows(s.ledger(TAG)).map((r) => r[4])).not.toContain("hand made");
    expect(dashboardBody()).toContain(`#${pull.number} was opened by @octocat, not by the app`);
  });

  it("ignores a look-alike dashboard a triage user made, names it, and takes no command on it", async () => {
    const real = s.run(TAG)!;
    const forged: RunState = { ...real, branch: "main", gist_id: "evil", status: "running" };
    const { data: issue } = await s.sandbox.octokit("trudy").rest.issues.create({
      ...repo(),
      title: `autoresearch run ${TAG}`,
      body: `Totally the dashboard.\n\n${renderRunBlock(forged, null)}`,
      labels: [DASHBOARD_LABEL],
    });
    expect(s.sandbox.state.issue(issue.number).labels).toContain(DASHBOARD_LABEL);
    const onForged = await s.sandbox.human.comment(issue.number, "/autoresearch pause");
    await s.waitFor(
      "the app's answer on the forged issue",
      () => s.appComments(issue.number).length > 0,
      60_000,
    );
    expect(s.appComments(issue.number)[0].body).toContain("works on a run's dashboard issue");
    expect(onForged).toBeGreaterThan(0);

    const reply = await s.command(TAG, "/autoresearch status");
    expect(reply).toContain(TAG);
    await s.sandbox.settle({ timeoutMs: 60_000 });
    expect(s.run(TAG)?.status).toBe("running");
    expect(s.run(TAG)?.branch).toBe(RUN_BRANCH);
    expect(dashboardBody()).toContain(
      `issue #${issue.number} was opened by @trudy, not by the app`,
    );
    const gistWrites = s.sandbox.state.requests.filter(
      (r) => r.method === "PATCH" && r.path.includes("/gists/"),
    );
    expect(gistWrites.every((r) => r.path.endsWith(`/gists/${real.gist_id}`))).toBe(true);
  });
});

describe("rotating the state secret", { timeout: 200_000 }, () => {
  it("keeps every run and row across a rotation, resealing with the new key", async () => {
    const saved = { ...process.env };
    const sealedWith = (secret: string, body: string | null, scope: string) => {
      const read = stateBlock.read(body) ?? runBlock.read(body);
      return (
        read !== null &&
        createSealer({ current: secret, previous: null }).check(scope, read.payload, read.mac) ===
          "current"
      );
    };
    const old = sealKeys({ WEBHOOK_SECRET: process.env.WEBHOOK_SECRET })!.current;
    const rows = ledgerRows(s.ledger(TAG)).length;
    const baseline = s.experiments(TAG)[0].pr;
    const repoName = s.sandbox.repo.fullName;
    try {
      // 1. New key, old one still accepted: a pass reseals the dashboard and every PR, closed ones too.
      process.env.STATE_SECRET = "a brand new secret";
      process.env.STATE_SECRET_PREVIOUS = old;
      await s.sandbox.restartApp();
      expect(await s.command(TAG, "/autoresearch status")).toContain(
        `**Run \`${TAG}\`** is running`,
      );
      await s.sandbox.settle({ timeoutMs: 60_000 });
      const pr = s.sandbox.state.pull(baseline.number);
      expect(
        sealedWith(
          "a brand new secret",
          pr.body,
          experimentScope(repoName, pr.pull_request!.head.ref),
        ),
      ).toBe(true);
      expect(
        sealedWith("a brand new secret", s.dashboard(TAG)!.body, runScope(repoName, TAG)),
      ).toBe(true);

      // 2. The old key retired: nothing is lost.
      delete process.env.STATE_SECRET_PREVIOUS;
      await s.sandbox.restartApp();
      expect(await s.command(TAG, "/autoresearch status")).toContain(
        `**Run \`${TAG}\`** is running`,
      );
      await s.sandbox.settle({ timeoutMs: 60_000 });
      expect(ledgerRows(s.ledger(TAG))).toHaveLength(rows);
      expect(s.dashboard(TAG)!.body).not.toContain("the app did not sign");
    } finally {
      for (const key of ["STATE_SECRET", "STATE_SECRET_PREVIOUS"]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      await s.sandbox.restartApp();
    }
  });
});
