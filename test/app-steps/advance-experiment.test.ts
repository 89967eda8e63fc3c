import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type InMemoryGitHub, inMemoryGitHub } from "../../sandbox/in-memory.js";
import { advance } from "../../src/app/advance-experiment.js";
import { commitFiles } from "../../src/github/repo.js";
import { passOf, pastBaseline, testDeps, trackedPull } from "../support/in-memory-app.js";

let fake: InMemoryGitHub;
const deps = testDeps();
beforeAll(async () => {
  fake = await inMemoryGitHub();
});
afterEach(() => fake.assertNoViolations());
afterAll(() => fake?.close());

/** Someone pushes to a proposal's branch while it trains; the next pass advances it. */
const PUSHES = [
  {
    name: "a change to train.py (allowed)",
    files: { "train.py": "print('tuned by hand')\n" },
    phase: "queued",
    state: "open",
  },
  {
    name: "a change to prepare.py (outside allowedPaths)",
    files: { "prepare.py": "print('not allowed')\n" },
    phase: "rejected",
    state: "closed",
  },
] as const;

describe("advance on a moved head (in memory)", () => {
  it.each(PUSHES)(
    "$name: the experiment ends $phase and $state",
    async ({ files, phase, state }) => {
      const tag = `moved-${phase}`;
      const { proposal } = await pastBaseline(fake, deps, tag);
      const octocat = fake.asUser("octocat");
      const pushed = await commitFiles(octocat, proposal.headSha, files, "by hand");
      await octocat.octokit.rest.git.updateRef({
        owner: "acme",
        repo: "research",
        ref: `heads/${proposal.headRef}`,
        sha: pushed,
      });

      const pass = await passOf(fake, deps, tag);
      const pull = trackedPull(pass, proposal.number);
      expect(pull.headSha).toBe(pushed);
      await advance(pass, pull);

      const after = trackedPull(await passOf(fake, deps, tag), proposal.number);
      expect(after.state).toBe(state);
      expect(after.experiment.phase).toBe(phase);
      if (phase === "queued") {
        // Requeued to train exactly the pushed head, with the old training forgotten.
        expect(after.experiment).toMatchObject({ head_sha: pushed, run_id: null, result: null });
      }
    },
  );
});
