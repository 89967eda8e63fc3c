import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type InMemoryGitHub, inMemoryGitHub } from "../../sandbox/in-memory.js";
import { appCaches } from "../../src/app/app-deps.js";
import { recordVerdict } from "../../src/app/apply-verdict.js";
import { refill } from "../../src/app/refill.js";
import { isTracked } from "../../src/app/run-view.js";
import { commitFiles, readTextFile } from "../../src/github/repo.js";
import { dispatchTraining } from "../../src/github/workflows.js";
import { tinySeedDir } from "../support/app-scenarios.js";
import {
  passOf,
  pastBaseline,
  resultFor,
  startedRun,
  testDeps,
  trackedPull,
} from "../support/in-memory-app.js";

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

  it("remakes a ready sweep proposal on a new run head: its new title rides on its state write", async () => {
    seedDir = tinySeedDir({ concurrency: 1, queueDepth: 1, policy: { preDispatch: false } });
    fake = await inMemoryGitHub({ seedDir });
    const deps = testDeps();
    const { pass, proposal } = await pastBaseline(fake, deps, "remake");
    const ready = pass.pulls
      .filter(isTracked)
      .find((p) => p.state === "open" && p.experiment.phase === "queued");
    if (!ready) throw new Error("no proposal was kept ready");
    // The training proposal is kept: the ready one was made on the old run head.
    await recordVerdict(pass, proposal, resultFor(proposal, 0.99), {
      status: "keep",
      reason: "better",
      delta: -0.0079,
      best: 0.9979,
      flags: [],
    });

    // And someone moves the constant the ready one changes, on the run branch itself.
    const name = (ready.experiment.key ?? "").split("=")[0];
    const octocat = fake.asUser("octocat");
    const runHead = (await passOf(fake, deps, "remake")).head;
    const source = await readTextFile(octocat, "train.py", runHead);
    const moved = (source ?? "").replace(
      new RegExp(`^${name} = ([^ \n]+)`, "m"),
      (_line, value: string) => `${name} = ${value}1`,
    );
    expect(moved).not.toBe(source);
    const pushed = await commitFiles(octocat, runHead, { "train.py": moved }, "by hand");
    await octocat.octokit.rest.git.updateRef({
      owner: "acme",
      repo: "research",
      ref: `heads/${pass.run.branch}`,
      sha: pushed,
    });

    const next = await passOf(fake, deps, "remake");
    const since = fake.requests.length;
    await refill(next);

    const after = trackedPull(await passOf(fake, deps, "remake"), ready.number);
    expect(after.experiment).toMatchObject({ phase: "training", base_sha: next.head });
    // The value the ready one starts from moved: its description says so.
    expect(after.experiment.description).not.toBe(ready.experiment.description);
    expect(fake.world.issue(ready.number).title).toBe(after.experiment.description);
    // Two writes to the PR: the remade head with its title, then the dispatch.
    const writes = fake.requests
      .slice(since)
      .filter((r) => r.method !== "GET" && r.path.endsWith(`/${ready.number}`))
      .map((r) => `${r.method} ${r.route}`);
    expect(writes).toEqual([
      "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
    ]);
  });
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
