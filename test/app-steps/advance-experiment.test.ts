import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  IN_MEMORY_BASE_URL,
  type InMemoryGitHub,
  inMemoryGitHub,
} from "../../sandbox/in-memory.js";
import { advance } from "../../src/app/advance-experiment.js";
import { appCaches } from "../../src/app/app-deps.js";
import { markersOf } from "../../src/core/heard-comments.js";
import { hear } from "../../src/core/heard-runs.js";
import { renderResultMarker } from "../../src/core/result-marker.js";
import { commitFiles } from "../../src/github/repo.js";
import { getRun } from "../../src/github/workflows.js";
import {
  APP_LOGIN,
  passOf,
  pastBaseline,
  resultFor,
  testDeps,
  trackedPull,
} from "../support/in-memory-app.js";

let fake: InMemoryGitHub;
const deps = testDeps();
beforeAll(async () => {
  fake = await inMemoryGitHub({
    users: [
      { login: "wendy", role: "write" },
      { login: "trudy", role: "triage" },
    ],
  });
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

describe("advance on a training whose run was heard of (in memory)", () => {
  const runReads = (since: number) =>
    fake.requests
      .slice(since)
      .filter(
        (r) => r.method === "GET" && r.route === "/repos/{owner}/{repo}/actions/runs/{run_id}",
      ).length;

  it("believes a queued run's webhook for a minute, then reads the run again", async () => {
    const caches = appCaches();
    const heardDeps = testDeps({ caches });
    const tag = "heard-run";
    const { proposal } = await pastBaseline(fake, heardDeps, tag);
    const runId = proposal.experiment.run_id ?? 0;
    const facts = await getRun(fake.gh, runId);
    if (!facts) throw new Error(`run ${runId} is not there`);
    const key = `acme/research#${runId}`;
    caches.heardRuns.set(key, hear(undefined, facts, Date.now()));

    // Heard just now (as the sandbox's workflow_run.requested would have told it): no read.
    let since = fake.requests.length;
    let pass = await passOf(fake, heardDeps, tag);
    await advance(pass, trackedPull(pass, proposal.number));
    expect(runReads(since)).toBe(0);
    expect(trackedPull(pass, proposal.number).experiment.phase).toBe("training");

    // Heard over a minute ago: the pass reads it.
    caches.heardRuns.set(key, hear(undefined, facts, Date.now() - 61_000));
    since = fake.requests.length;
    pass = await passOf(fake, heardDeps, tag);
    await advance(pass, trackedPull(pass, proposal.number));
    expect(runReads(since)).toBe(1);
  });
});

describe("advance on a finished training whose result was heard of (in memory)", () => {
  const commentLists = (since: number) =>
    fake.requests
      .slice(since)
      .filter(
        (r) =>
          r.method === "GET" && r.route === "/repos/{owner}/{repo}/issues/{issue_number}/comments",
      ).length;

  /** A run that finished, as its workflow_run.completed webhook told the instance. */
  async function finished(tag: string, caches: ReturnType<typeof appCaches>) {
    const heardDeps = testDeps({ caches });
    const { proposal } = await pastBaseline(fake, heardDeps, tag);
    const runId = proposal.experiment.run_id ?? 0;
    const facts = await getRun(fake.gh, runId);
    if (!facts) throw new Error(`run ${runId} is not there`);
    const done = { ...facts, status: "completed", conclusion: "success" };
    caches.heardRuns.set(`acme/research#${runId}`, hear(undefined, done, Date.now()));
    const result = { ...resultFor(proposal, 0.9991), run_id: String(runId) };
    return { heardDeps, proposal, runId, result };
  }
  const heardComment = (id: number, author: string, body: string) => ({
    id,
    author,
    markers: markersOf(body),
    updatedAt: new Date().toISOString(),
  });

  it("judges from the heard result comment without listing the PR's comments", async () => {
    const caches = appCaches();
    const { heardDeps, proposal, result } = await finished("heard-result", caches);
    caches.heardComments.set(`acme/research#${proposal.number}`, [
      heardComment(90, "github-actions[bot]", `Trained.\n${renderResultMarker(result)}`),
    ]);

    const since = fake.requests.length;
    const pass = await passOf(fake, heardDeps, "heard-result");
    await advance(pass, trackedPull(pass, proposal.number));
    expect(commentLists(since)).toBe(0);
    const after = trackedPull(await passOf(fake, heardDeps, "heard-result"), proposal.number);
    expect(after.experiment).toMatchObject({ phase: "decided", result: { val_bpb: 0.9991 } });
    expect(after.experiment.verdict?.status).toBe("discard");
    // Its own verdict comment is remembered at once: a retried verdict would not post it twice.
    const heard = caches.heardComments.get(`acme/research#${proposal.number}`) ?? [];
    expect(heard.map((c) => c.author)).toEqual(["github-actions[bot]", APP_LOGIN]);
  });

  it.each([
    ["a marker by someone who is not a result author", "mallory", true],
    ["the workflow bot's comment before it had the result", "github-actions[bot]", false],
  ])("%s: lists the comments and judges what GitHub has", async (_name, author, withMarker) => {
    const caches = appCaches();
    const tag = `heard-${author.replace(/\W/g, "")}`;
    const { heardDeps, proposal, result } = await finished(tag, caches);
    const forged = { ...result, val_bpb: 0.5 };
    caches.heardComments.set(`acme/research#${proposal.number}`, [
      heardComment(91, author, withMarker ? renderResultMarker(forged) : "Training…"),
    ]);

    const since = fake.requests.length;
    const pass = await passOf(fake, heardDeps, tag);
    await advance(pass, trackedPull(pass, proposal.number));
    // Listed: GitHub has no result for the run, so nothing is decided on the heard marker.
    expect(commentLists(since)).toBe(1);
    const after = trackedPull(await passOf(fake, heardDeps, tag), proposal.number);
    expect(after.experiment.result?.val_bpb).not.toBe(0.5);
  });

  // What the README's Security section says of write access: GitHub lets write (not triage) edit
  // anyone's comment, the action's result comment included, and its author stays the workflow bot.
  it.each([
    { editor: "wendy (write)", login: "wendy", refused: false, judged: 0.5 },
    { editor: "trudy (triage)", login: "trudy", refused: true, judged: 0.9991 },
  ])(
    "the action's result comment edited by $editor: judged $judged",
    async ({ login, refused, judged }) => {
      const caches = appCaches();
      const tag = `edited-by-${login}`;
      const { heardDeps, proposal, runId, result } = await finished(tag, caches);
      const job = new Octokit({
        auth: fake.auth.issueActionsToken(runId, { issues: "write", pull_requests: "write" }),
        baseUrl: IN_MEMORY_BASE_URL,
        request: { fetch: fake.fetch },
      });
      const { data: posted } = await job.rest.issues.createComment({
        owner: "acme",
        repo: "research",
        issue_number: proposal.number,
        body: `Trained.\n${renderResultMarker(result)}`,
      });
      expect(posted.user?.login).toBe("github-actions[bot]");
      const edit = fake.asUser(login).octokit.rest.issues.updateComment({
        owner: "acme",
        repo: "research",
        comment_id: posted.id,
        body: `Trained.\n${renderResultMarker({ ...result, val_bpb: 0.5 })}`,
      });
      if (refused) await expect(edit).rejects.toMatchObject({ status: 403 });
      else expect((await edit).data.user?.login).toBe("github-actions[bot]");

      const pass = await passOf(fake, heardDeps, tag);
      await advance(pass, trackedPull(pass, proposal.number));
      const after = trackedPull(await passOf(fake, heardDeps, tag), proposal.number);
      expect(after.experiment.result?.val_bpb).toBe(judged);
    },
  );
});
