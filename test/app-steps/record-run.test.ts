import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type InMemoryGitHub, inMemoryGitHub } from "../../sandbox/in-memory.js";
import { type AppDeps, appCaches } from "../../src/app/app-deps.js";
import { recordVerdict } from "../../src/app/apply-verdict.js";
import { LEDGER_FILE, recordRun } from "../../src/app/record-run.js";
import { refill } from "../../src/app/refill.js";
import { isTracked, type RunPass, type Tracked } from "../../src/app/run-view.js";
import { readLedgerSection } from "../../src/core/run-state.js";
import { createGistStore } from "../../src/github/gist-store.js";
import { ledgerRows } from "../support/app-scenarios.js";
import { passOf, pastBaseline, resultFor, testDeps } from "../support/in-memory-app.js";

let fake: InMemoryGitHub;
beforeAll(async () => {
  fake = await inMemoryGitHub();
});
afterEach(() => fake.assertNoViolations());
afterAll(() => fake?.close());

/** Where the ledger goes: the dashboard issue without GIST_TOKEN, a gist with one (octocat's). */
const LEDGERS: { where: "issue" | "gist"; deps: () => AppDeps }[] = [
  { where: "issue", deps: () => testDeps() },
  {
    where: "gist",
    deps: () => testDeps({ gist: createGistStore(fake.asUser("octocat").octokit) }),
  },
];

describe("recordRun (in memory)", () => {
  it.each(LEDGERS)(
    "writes the ledger to the $where, one row per decision, and a pass with nothing new writes nothing",
    async ({ where, deps: depsFor }) => {
      const deps = depsFor();
      const tag = `ledger-${where}`;
      const { pass, proposal } = await pastBaseline(fake, deps, tag);
      expect(pass.run.ledger).toBe(where);
      await recordVerdict(pass, proposal, resultFor(proposal, 0.9991), {
        status: "discard",
        reason: "worse",
        delta: 0.0012,
        best: 0.9979,
        flags: [],
      });

      const { tsv } = await recordRun(await passOf(fake, deps, tag));
      expect(ledgerRows(tsv).map(([, bpb, , status]) => [bpb, status])).toEqual([
        ["0.997900", "keep"],
        ["0.999100", "discard"],
      ]);
      const dashboard = [...fake.world.issues.values()].find(
        (i) => !i.pull_request && i.title === `autoresearch run ${tag}`,
      );
      if (where === "issue") expect(readLedgerSection(dashboard?.body)).toBe(tsv);
      else {
        expect(readLedgerSection(dashboard?.body)).toBeNull();
        const gist = fake.world.gists.get(pass.run.gist_id ?? "");
        expect(gist?.files[LEDGER_FILE]).toBe(tsv);
      }

      // A redelivered webhook's pass: the same trail, so the same ledger, and no write at all.
      const since = fake.requests.length;
      expect((await recordRun(await passOf(fake, deps, tag))).tsv).toBe(tsv);
      const writes = fake.requests
        .slice(since)
        .filter((r) => r.method !== "GET")
        .map((r) => r.operationId);
      expect(writes).toEqual([]);
    },
  );
});

describe("recordRun's pace (in memory)", () => {
  it("rewrites the tables at most every dashboardEverySeconds while trainings fly, and what is urgent at once", async () => {
    let clock = Date.parse("2026-12-01T03:00:00Z");
    const deps = testDeps({ caches: appCaches(), now: () => new Date(clock) });
    const tag = "paced";
    await pastBaseline(fake, deps, tag);
    const dashboardWrites = (since: number, number: number) =>
      fake.requests
        .slice(since)
        .filter(
          (r) =>
            r.method === "PATCH" &&
            r.route === "/repos/{owner}/{repo}/issues/{issue_number}" &&
            r.path.endsWith(`/issues/${number}`),
        ).length;
    const step = async (change: (pass: RunPass) => Promise<void> | void) => {
      const pass = await passOf(fake, deps, tag);
      await change(pass);
      const since = fake.requests.length;
      await recordRun(pass);
      return dashboardWrites(since, pass.dashboard.number);
    };

    // This instance has not written it yet (as after a restart): written.
    expect(await step(() => {})).toBe(1);
    // A second training dispatched ahead 10 s later: only the tables change, so it waits.
    clock += 10_000;
    expect(await step((pass) => refill(pass))).toBe(0);
    expect(await step(() => {})).toBe(0);
    // A warning is news: written at once.
    expect(await step((pass) => void pass.alerts.push("⚠️ something to see"))).toBe(1);
    clock += 10_000;
    expect(await step(() => {})).toBe(1); // the warning went away: also news
    // A discard while another trains waits too; 60 s after the last write the tables catch up.
    const discard = async (pass: RunPass, pull: Tracked) =>
      recordVerdict(pass, pull, resultFor(pull, 0.9995), {
        status: "discard",
        reason: "worse",
        delta: 0.0016,
        best: 0.9979,
        flags: [],
      });
    const training = (pass: RunPass) =>
      pass.pulls
        .filter(isTracked)
        .filter((p) => p.state === "open" && p.experiment.phase === "training");
    expect(
      await step(async (pass) => {
        const flying = training(pass);
        expect(flying.length).toBeGreaterThan(1);
        await discard(pass, flying[0]);
      }),
    ).toBe(0);
    clock += 60_000;
    expect(await step(() => {})).toBe(1);
    expect(await step(() => {})).toBe(0); // nothing changed

    // Nothing in flight: no later pass is sure to come, so the last one writes.
    clock += 1_000;
    expect(
      await step(async (pass) => {
        for (const pull of training(pass)) await discard(pass, pull);
      }),
    ).toBe(1);
  });
});
