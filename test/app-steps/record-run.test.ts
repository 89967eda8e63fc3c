import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type InMemoryGitHub, inMemoryGitHub } from "../../sandbox/in-memory.js";
import type { AppDeps } from "../../src/app/app-deps.js";
import { recordVerdict } from "../../src/app/apply-verdict.js";
import { LEDGER_FILE, recordRun } from "../../src/app/record-run.js";
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
