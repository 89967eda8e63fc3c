// GET /healthz on the app as Probot serves it: 200 while a run's passes go through, 503 once they
// fail three times in a row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Scenario,
  startPastBaseline,
  startScenario,
  stopChecked,
} from "../support/app-scenarios.js";

const TAG = "health";
let s: Scenario;
beforeAll(async () => {
  s = await startScenario({ config: { proposer: "none" } });
  await startPastBaseline(s, TAG);
}, 150_000);
afterAll(() => stopChecked(s));

async function healthz(): Promise<{ status: number; body: Record<string, unknown> }> {
  const base = s.sandbox.appInstances()[0].url.replace(/\/api\/github\/webhooks$/, "");
  const response = await fetch(`${base}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("GET /healthz", () => {
  it("is 200 with the run's last good pass, then 503 after three failed passes in a row", async () => {
    const key = `${s.sandbox.repo.fullName}#${TAG}`;
    const before = await healthz();
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ ok: true, failing: [] });
    const record = (before.body.runs as Record<string, { lastOkAt: string | null }>)[key];
    expect(record).toMatchObject({ consecutiveFailures: 0 });
    expect(record.lastOkAt).toBeTruthy();

    // Every request of the app fails from now on (404 is not retried): each pass fails.
    s.sandbox.faults.failNextRequests(100_000, { status: 404, who: "app" });
    // A person's PR onto the run branch: opened, closed, reopened, one pass each.
    await s.sandbox.human.push("notes", { "NOTES.md": "notes\n" }, "notes");
    const pr = await s.sandbox.human.openPull({
      head: "notes",
      base: `autoresearch/${TAG}`,
      title: "notes",
    });
    await s.sandbox.settle();
    const octokit = s.sandbox.octokit();
    const repo = { owner: s.sandbox.repo.owner, repo: s.sandbox.repo.name, pull_number: pr };
    await octokit.pulls.update({ ...repo, state: "closed" });
    await s.sandbox.settle();
    await octokit.pulls.update({ ...repo, state: "open" });
    await s.sandbox.settle();

    const after = await healthz();
    expect(after.status).toBe(503);
    expect(after.body).toMatchObject({ ok: false, failing: [key] });
    const failed = (after.body.runs as Record<string, Record<string, unknown>>)[key];
    expect(failed.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect(failed.lastOkAt).toBe(record.lastOkAt);
    expect(String(failed.lastError)).not.toBe("");
  }, 120_000);
});
