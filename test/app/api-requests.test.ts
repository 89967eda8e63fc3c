// The app's GitHub API cost per experiment: printed for the record, bounded so a regression to
// work that grows with the length of the night (re-reading every PR's comments on every pass,
// say) fails here before it meets GitHub's rate limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkNight } from "../../sandbox/invariants.js";
import { type Scenario, startScenario } from "../support/app-scenarios.js";

const TAG = "api";
const EXPERIMENTS = 4;

let s: Scenario;
beforeAll(async () => {
  // examples/tiny's own config: sweep proposals, one GPU.
  s = await startScenario();
}, 60_000);
afterAll(async () => {
  try {
    s.sandbox.assertNoViolations();
  } finally {
    await s.stop();
  }
});

describe("API requests", { timeout: 240_000 }, () => {
  it("stays under a generous bound per decided experiment over a small night", async () => {
    const { sandbox } = s;
    await s.start(TAG);
    const decided = () => s.experiments(TAG).filter((e) => e.state.phase === "decided").length;
    await s.waitFor(`${EXPERIMENTS} decided experiments`, () => decided() >= EXPERIMENTS, 180_000);
    expect(await s.command(TAG, "/autoresearch stop")).toContain("Stopped");
    await sandbox.settle({ timeoutMs: 120_000 });
    expect((await checkNight(sandbox, TAG)).problems).toEqual([]);

    const requests = s.appRequests();
    const perExperiment = requests.length / decided();
    const byOperation = new Map<string, number>();
    for (const r of requests) {
      const op = r.operationId ?? `${r.method} ${r.path}`;
      byOperation.set(op, (byOperation.get(op) ?? 0) + 1);
    }
    const top = [...byOperation].sort((a, b) => b[1] - a[1]).slice(0, 8);
    // The ledger gist goes through GIST_TOKEN (octocat's here), not the installation token.
    const gist = sandbox.state.requests.filter(
      (r) => r.actor === "octocat" && r.operationId?.startsWith("gists/"),
    ).length;
    console.log(
      `app API requests: ${requests.length} for ${decided()} decided experiments = ${perExperiment.toFixed(1)} per experiment (+ ${gist} gist requests); most: ${top.map(([op, n]) => `${op} ${n}`).join(", ")}`,
    );
    expect(requests.length).toBeGreaterThan(0);
    expect(perExperiment).toBeLessThan(150);
    // The app made every change of this sweep night, so it knows each one's size: no PR's files
    // are read to judge it; labels ride on state writes; the ledger is written only when it changed.
    expect(byOperation.get("pulls/list-files") ?? 0).toBe(0);
    expect(byOperation.get("issues/add-labels") ?? 0).toBe(0);
    expect(gist).toBeLessThanOrEqual(decided() + 2);
  });
});
