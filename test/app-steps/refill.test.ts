import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type InMemoryGitHub, inMemoryGitHub } from "../../sandbox/in-memory.js";
import { refill } from "../../src/app/refill.js";
import { isTracked } from "../../src/app/run-view.js";
import { tinySeedDir } from "../support/app-scenarios.js";
import { passOf, pastBaseline, testDeps } from "../support/in-memory-app.js";

let fake: InMemoryGitHub | undefined;
let seedDir: string | undefined;
afterEach(async () => {
  fake?.assertNoViolations();
  await fake?.close();
  if (seedDir) rmSync(seedDir, { recursive: true, force: true });
  fake = seedDir = undefined;
});

/**
 * After the baseline is kept: `concurrency` trained at once (twice that with preDispatch: one
 * more per GPU waits in the Actions queue) and `queueDepth` more kept ready.
 */
const PLANS = [
  { concurrency: 1, queueDepth: 1, preDispatch: false, training: 1, queued: 1 },
  { concurrency: 1, queueDepth: 1, preDispatch: true, training: 2, queued: 1 },
  { concurrency: 2, queueDepth: 0, preDispatch: false, training: 2, queued: 0 },
];

describe("refill (in memory)", () => {
  it.each(PLANS)(
    "concurrency $concurrency, queueDepth $queueDepth, preDispatch $preDispatch: $training training and $queued ready, and a second pass opens nothing",
    async ({ concurrency, queueDepth, preDispatch, training, queued }) => {
      seedDir = tinySeedDir({
        concurrency,
        queueDepth,
        policy: { minImprovement: 0.0005, preDispatch },
      });
      fake = await inMemoryGitHub({ seedDir });
      const deps = testDeps();
      await pastBaseline(fake, deps, "plan");

      const pass = await passOf(fake, deps, "plan");
      const proposals = pass.pulls
        .filter(isTracked)
        .filter((p) => p.state === "open" && p.experiment.source === "sweep");
      const phases = proposals.map((p) => p.experiment.phase);
      expect(phases.filter((p) => p === "training")).toHaveLength(training);
      expect(phases.filter((p) => p === "queued")).toHaveLength(queued);
      // Each training was dispatched once, for its own PR, and waits for a runner.
      const dispatched = [...fake.world.runs.values()].map((r) => Number(r.inputs.pr));
      const trainingPrs = proposals
        .filter((p) => p.experiment.phase === "training")
        .map((p) => p.number);
      expect(dispatched.filter((pr) => trainingPrs.includes(pr)).sort()).toEqual(
        trainingPrs.sort(),
      );
      expect(
        proposals
          .filter((p) => p.experiment.phase === "training")
          .every((p) => fake?.world.runs.get(p.experiment.run_id ?? 0)?.status === "queued"),
      ).toBe(true);

      // Nothing was decided meanwhile: the next pass has nothing to propose or dispatch.
      const pulls = fake.world.issues.size;
      const runs = fake.world.runs.size;
      await refill(pass);
      expect(fake.world.issues.size).toBe(pulls);
      expect(fake.world.runs.size).toBe(runs);
    },
  );
});
