import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type InMemoryGitHub, inMemoryGitHub } from "../../sandbox/in-memory.js";
import { appCaches } from "../../src/app/app-deps.js";
import { refill } from "../../src/app/refill.js";
import { isTracked } from "../../src/app/run-view.js";
import { dispatchTraining } from "../../src/github/workflows.js";
import { tinySeedDir } from "../support/app-scenarios.js";
import { passOf, pastBaseline, startedRun, testDeps } from "../support/in-memory-app.js";

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

describe("refill after a dispatch whose state write was lost", () => {
  // GitHub started the run, then the PR's state write failed (a 5xx burst) or the app stopped:
  // the PR still says queued. Dispatching it again would train it twice.
  it("a restarted instance adopts the run instead of dispatching again", async () => {
    seedDir = tinySeedDir({});
    fake = await inMemoryGitHub({ seedDir });
    const { pass, baseline } = await startedRun(fake, testDeps({ caches: appCaches() }), "lost");
    const workflow = pass.config.workflow;
    const { runId } = await dispatchTraining(fake.gh, workflow, baseline.headRef, {
      pr: String(baseline.number),
    });
    expect(baseline.experiment).toMatchObject({ phase: "queued", attempts: 0 });

    const restarted = testDeps({ caches: appCaches() });
    const runs = fake.world.runs.size;
    await refill(await passOf(fake, restarted, "lost"));
    expect(fake.world.runs.size).toBe(runs);
    const after = (await passOf(fake, restarted, "lost")).pulls
      .filter(isTracked)
      .find((p) => p.number === baseline.number);
    expect(after?.experiment).toMatchObject({ phase: "training", attempts: 1, run_id: runId });
  });

  it("the PRs an instance opened itself cost no listing of runs", async () => {
    seedDir = tinySeedDir({ concurrency: 1, queueDepth: 1, policy: { preDispatch: false } });
    fake = await inMemoryGitHub({ seedDir });
    const deps = testDeps({ caches: appCaches() });
    await pastBaseline(fake, deps, "count");
    const listings = () =>
      fake?.requests.filter((r) => r.operationId === "actions/list-workflow-runs").length ?? 0;
    // The sweep's proposals were opened and dispatched by this instance: nothing to count.
    expect(fake.world.runs.size).toBeGreaterThan(0);
    expect(listings()).toBe(0);
  });
});
