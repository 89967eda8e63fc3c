import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type InMemoryGitHub, inMemoryGitHub } from "../../sandbox/in-memory.js";
import { applyVerdict, RunMovedError, recordVerdict, save } from "../../src/app/apply-verdict.js";
import type { Verdict } from "../../src/core/state-block.js";
import { readVerdictMarker } from "../../src/views/verdict-comment.js";
import { crashResult } from "../support/fixtures.js";
import {
  passOf,
  pastBaseline,
  resultFor,
  testDeps,
  trackedPull,
} from "../support/in-memory-app.js";

let fake: InMemoryGitHub;
const deps = testDeps();
beforeAll(async () => {
  fake = await inMemoryGitHub();
});
afterEach(() => fake.assertNoViolations());
afterAll(() => fake?.close());

const verdictComments = (n: number) =>
  [...fake.world.comments.values()].filter(
    (c) => c.issue_number === n && readVerdictMarker(c.body) !== null,
  );
/** Requests that wrote to PR `n` itself (its body, labels, state), after request `since`. */
const writesTo = (n: number, since: number) =>
  fake.requests
    .slice(since)
    .filter(
      (r) =>
        r.method !== "GET" &&
        (r.path === `/repos/acme/research/pulls/${n}` ||
          r.path.startsWith(`/repos/acme/research/issues/${n}`)) &&
        !r.path.endsWith("/comments"),
    );

const verdictChecks = (sha: string) =>
  [...fake.world.checkRuns.values()].filter(
    (c) => c.name === "autoresearch / verdict" && c.head_sha === sha,
  );

const CLOSING: { status: Verdict["status"]; valBpb: number | null }[] = [
  { status: "discard", valBpb: 0.9991 },
  { status: "crash", valBpb: null },
];

describe("recordVerdict / applyVerdict (in memory)", () => {
  it.each(CLOSING)(
    "closes a $status experiment with its state, labels and closing in one write, the verdict posted once",
    async ({ status, valBpb }) => {
      const tag = `closing-${status}`;
      const { pass, proposal } = await pastBaseline(fake, deps, tag);
      const result =
        valBpb === null
          ? crashResult("oom", { pr: proposal.number, head_sha: proposal.experiment.head_sha })
          : resultFor(proposal, valBpb);
      const verdict: Verdict = {
        status,
        reason: `test ${status}`,
        delta: valBpb === null ? null : valBpb - 0.9979,
        best: 0.9979,
        flags: [],
      };
      const since = fake.requests.length;
      await recordVerdict(pass, proposal, result, verdict);

      expect(writesTo(proposal.number, since)).toHaveLength(1);
      const pr = fake.world.issue(proposal.number);
      expect(pr.state).toBe("closed");
      expect(pr.labels).toEqual(expect.arrayContaining(["autoresearch", `autoresearch:${status}`]));
      expect(verdictComments(proposal.number)).toHaveLength(1);

      // The next pass reads it back as decided and closed: nothing more to write or post.
      const again = await passOf(fake, deps, tag);
      const read = trackedPull(again, proposal.number);
      expect(read).toMatchObject({ state: "closed", experiment: { phase: "decided" } });
      expect(read.experiment.verdict?.status).toBe(status);
    },
  );

  it("posts a keep's verdict once when its merge is applied by a later pass", async () => {
    const tag = "keep-twice";
    const { pass, proposal } = await pastBaseline(fake, deps, tag);
    const decided = {
      ...proposal.experiment,
      phase: "decided" as const,
      result: resultFor(proposal, 0.99),
      verdict: {
        status: "keep" as const,
        reason: "better",
        delta: -0.0079,
        best: 0.9979,
        flags: [],
      },
      decided_at: pass.now,
    };
    // A pass wrote the keep down, then lost the run's lease: it posts, but must not merge.
    await save(pass, proposal, decided);
    const runHead = pass.head;
    await expect(applyVerdict({ ...pass, guard: { lost: () => true } }, proposal)).rejects.toThrow(
      RunMovedError,
    );
    expect(verdictComments(proposal.number)).toHaveLength(1);
    expect(fake.world.issue(proposal.number).state).toBe("open");

    // The next pass applies it: merged exactly the trained head, the verdict not posted again.
    const next = await passOf(fake, deps, tag);
    await applyVerdict(next, trackedPull(next, proposal.number));
    expect(verdictComments(proposal.number)).toHaveLength(1);
    expect(fake.world.pull(proposal.number)).toMatchObject({ state: "closed" });
    expect(next.head).not.toBe(runHead);
    expect(await fake.world.git.getRef(`refs/heads/${pass.run.branch}`)).toBe(next.head);
  });

  // A pass stops at any of the verdict's writes (the request refused), the next pass decides the
  // same result again (`posted` as the PR's comments then say): one comment, one check, closed.
  it.each([
    { stoppedAt: "the comment", path: /\/comments$/, commented: false },
    { stoppedAt: "the check run", path: /\/check-runs$/, commented: true },
    { stoppedAt: "the state write", path: /\/issues\/\d+$/, commented: true },
  ])(
    "a discard stopped at $stoppedAt is posted once when decided again",
    async ({ stoppedAt, path, commented }) => {
      const tag = `stopped-${stoppedAt.replace(/\W+/g, "-")}`;
      const { pass, proposal } = await pastBaseline(fake, deps, tag);
      const verdict: Verdict = {
        status: "discard",
        reason: "worse",
        delta: 0.0012,
        best: 0.9979,
        flags: [],
      };
      const result = resultFor(proposal, 0.9991);
      fake.faults.failNextRequests(1, {
        method: path.source.includes("issues") ? "PATCH" : "POST",
        path,
        status: 404,
      });
      await expect(recordVerdict(pass, proposal, result, verdict)).rejects.toMatchObject({
        status: 404,
      });
      expect(verdictComments(proposal.number)).toHaveLength(commented ? 1 : 0);

      const again = await passOf(fake, deps, tag);
      const since = fake.requests.length;
      await recordVerdict(
        again,
        trackedPull(again, proposal.number),
        result,
        verdict,
        null,
        commented,
      );
      expect(verdictComments(proposal.number)).toHaveLength(1);
      const checks = verdictChecks(proposal.experiment.head_sha);
      expect(checks).toHaveLength(1);
      expect(checks[0]).toMatchObject({
        conclusion: "neutral",
        external_id: `${tag}#${proposal.experiment.n}@1`,
      });
      expect(fake.world.issue(proposal.number).state).toBe("closed");
      // Only a retry that found its comment looks for the check run first.
      const looked = fake.requests
        .slice(since)
        .filter((r) => r.path.endsWith("/check-runs") && r.method === "GET");
      expect(looked).toHaveLength(commented ? 1 : 0);
    },
  );

  it("a keep whose check run failed gets it from the pass that merges it, once", async () => {
    const tag = "keep-check-failed";
    const { pass, proposal } = await pastBaseline(fake, deps, tag);
    const verdict: Verdict = {
      status: "keep",
      reason: "better",
      delta: -0.0079,
      best: 0.9979,
      flags: [],
    };
    fake.faults.failNextRequests(1, { method: "POST", path: /\/check-runs$/, status: 404 });
    await expect(
      recordVerdict(pass, proposal, resultFor(proposal, 0.99), verdict),
    ).rejects.toMatchObject({ status: 404 });
    expect(verdictChecks(proposal.experiment.head_sha)).toHaveLength(0);

    const next = await passOf(fake, deps, tag);
    await applyVerdict(next, trackedPull(next, proposal.number));
    expect(verdictComments(proposal.number)).toHaveLength(1);
    expect(verdictChecks(proposal.experiment.head_sha)).toMatchObject([{ conclusion: "success" }]);
    expect(fake.world.pull(proposal.number)).toMatchObject({ state: "closed" });
  });
});
