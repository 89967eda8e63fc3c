import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type InMemoryGitHub, inMemoryGitHub } from "../../sandbox/in-memory.js";
import type { AppDeps } from "../../src/app/app-deps.js";
import { recordVerdict } from "../../src/app/apply-verdict.js";
import { proposeFromSweep } from "../../src/app/open-experiment.js";
import { isTracked, type RunPass, type Tracked } from "../../src/app/run-view.js";
import { applySweepKey } from "../../src/core/sweep.js";
import { commitFiles, containsCommit } from "../../src/github/repo.js";
import { tinySeedDir } from "../support/app-scenarios.js";
import { baselineResult } from "../support/fixtures.js";
import { passOf, startedRun, testDeps } from "../support/in-memory-app.js";

let fake: InMemoryGitHub | undefined;
let seedDir: string | undefined;
afterEach(async () => {
  fake?.assertNoViolations();
  await fake?.close();
  if (seedDir) rmSync(seedDir, { recursive: true, force: true });
  fake = seedDir = undefined;
});

const TAG = "contents";

/** A run whose baseline is kept: its next pass, with a sweep proposal to open. */
async function keptBaseline(github: InMemoryGitHub, deps: AppDeps): Promise<RunPass> {
  const { pass, baseline } = await startedRun(github, deps, TAG);
  await recordVerdict(
    pass,
    baseline,
    baselineResult({ pr: baseline.number, head_sha: baseline.experiment.head_sha }),
    { status: "keep", reason: "the baseline", delta: null, best: null, flags: [] },
  );
  return passOf(github, deps, TAG);
}

/** The app's writes since request `since`: operation and status (method and path when unrouted). */
function writesSince(github: InMemoryGitHub, since: number): string[] {
  return github.requests
    .slice(since)
    .filter((r) => r.method !== "GET" && r.actorKind === "installation")
    .map((r) => `${r.operationId ?? `${r.method} ${r.path}`} ${r.status}`);
}

/** Opens the pass's next sweep proposal: the PR, and the writes it cost. */
async function propose(
  github: InMemoryGitHub,
  pass: RunPass,
): Promise<{ pull: Tracked; writes: string[] }> {
  const since = github.requests.length;
  expect(await proposeFromSweep(pass)).toBe(true);
  const pull = pass.pulls.at(-1);
  if (!pull || !isTracked(pull)) throw new Error("no experiment PR was opened");
  return { pull, writes: writesSince(github, since) };
}

/** The PR's branch is one commit on the run head, setting train.py as its sweep key says. */
async function expectOneCommitOnRunHead(github: InMemoryGitHub, pass: RunPass, pull: Tracked) {
  const head = pull.experiment.head_sha;
  expect(await github.world.git.getRef(`refs/heads/${pull.headRef}`)).toBe(head);
  expect(pull.headSha).toBe(head);
  expect(pull.experiment.base_sha).toBe(pass.head);
  expect((await github.world.git.readCommit(head)).parents).toEqual([pass.head]);
  const text = async (sha: string) => {
    const file = await github.world.git.readPath(sha, "train.py");
    if (file?.type !== "file") throw new Error(`no train.py at ${sha}`);
    return file.content.toString("utf8");
  };
  const expected = applySweepKey(await text(pass.head), pull.experiment.key ?? "");
  expect(expected).not.toBeNull();
  expect(await text(head)).toBe(expected?.source);
  expect((await github.world.git.diffFiles(pass.head, head)).map((f) => f.filename)).toEqual([
    "train.py",
  ]);
}

describe("a sweep proposal's commit (in memory)", () => {
  it("costs POST git/refs + PUT contents + POST pulls: no git/trees, no git/commits", async () => {
    seedDir = tinySeedDir({ concurrency: 1, queueDepth: 0, policy: { preDispatch: false } });
    fake = await inMemoryGitHub({ seedDir });
    const pass = await keptBaseline(fake, testDeps());

    const { pull, writes } = await propose(fake, pass);
    expect(writes).toEqual([
      "git/create-ref 201",
      "repos/create-or-update-file-contents 200",
      "pulls/create 201",
    ]);
    await expectOneCommitOnRunHead(fake, pass, pull);
    // The branch was made at the run head, then moved by the PUT: a push each, both the app's.
    const pushes = fake.events
      .filter((e) => e.event === "push" && e.payload.ref === `refs/heads/${pull.headRef}`)
      .map((e) => ({ created: e.payload.created, after: e.payload.after }));
    expect(pushes).toEqual([
      { created: true, after: pass.head },
      { created: false, after: pull.experiment.head_sha },
    ]);
    // Later passes know the commit is on the run head without asking (compare).
    const since = fake.requests.length;
    expect(await containsCommit(pass.gh, pass.head, pull.experiment.head_sha)).toBe(true);
    expect(fake.requests.length).toBe(since);
  });

  it("a branch left behind by a pass that stopped before its PR is moved to the run head, then the file PUT on it", async () => {
    seedDir = tinySeedDir({ concurrency: 1, queueDepth: 0, policy: { preDispatch: false } });
    fake = await inMemoryGitHub({ seedDir });
    const deps = testDeps();
    const stopped = await keptBaseline(fake, deps);
    const branches = async () =>
      (await fake?.world.git.listRefs("refs/heads/autoresearch/"))?.map((r) => r.ref) ?? [];
    const before = await branches();
    // The pass stops between its commit and its PR (its PR request never succeeds).
    fake.faults.failNextRequests(1, { method: "POST", path: /\/pulls$/, status: 404 });
    await expect(proposeFromSweep(stopped)).rejects.toMatchObject({ status: 404 });
    const [leftBehind] = (await branches()).filter((b) => !before.includes(b));
    const leftAt = await fake.world.git.getRef(leftBehind ?? "");
    // What it left holds the change already: a PUT of the run head's blob there would conflict.
    expect((await fake.world.git.readCommit(leftAt ?? "")).parents).toEqual([stopped.head]);

    const pass = await passOf(fake, deps, TAG);
    const { pull, writes } = await propose(fake, pass);
    expect(`refs/heads/${pull.headRef}`).toBe(leftBehind);
    expect(writes).toEqual([
      "git/create-ref 422",
      "git/update-ref 200",
      "repos/create-or-update-file-contents 200",
      "pulls/create 201",
    ]);
    // (The PUT was not refused: the branch was back at the run head, whose blob it named.)
    await expectOneCommitOnRunHead(fake, pass, pull);
  });

  it("a PUT that landed on something else than the run head (the branch moved meanwhile) is made again on it", async () => {
    seedDir = tinySeedDir({ concurrency: 1, queueDepth: 0, policy: { preDispatch: false } });
    fake = await inMemoryGitHub({ seedDir });
    const warnings: string[] = [];
    const deps = testDeps({
      log: { info() {}, warn: (m: string) => warnings.push(m), error() {} },
    });
    const pass = await keptBaseline(fake, deps);
    const hold = fake.faults.holdNextRequest("PUT", /\/contents\/train\.py$/);
    const opening = propose(fake, pass);
    await expect.poll(() => hold.held()).toBe(true);
    // Someone else moves the new branch on (another file): train.py's blob is still the same.
    const [branch] = (await fake.world.git.listRefs("refs/heads/autoresearch/"))
      .map((r) => r.ref)
      .filter((ref) => ref.includes("--"))
      .filter((ref) => !pass.pulls.some((p) => `refs/heads/${p.headRef}` === ref));
    const octocat = fake.asUser("octocat");
    const other = await commitFiles(octocat, pass.head, { "notes.md": "meanwhile\n" }, "meanwhile");
    await octocat.octokit.rest.git.updateRef({
      owner: "acme",
      repo: "research",
      ref: (branch ?? "").slice("refs/".length),
      sha: other,
    });
    hold.release();

    const { pull, writes } = await opening;
    expect(writes).toEqual([
      "git/create-ref 201",
      "repos/create-or-update-file-contents 200",
      "git/create-tree 201",
      "git/create-commit 201",
      "git/update-ref 200",
      "pulls/create 201",
    ]);
    await expectOneCommitOnRunHead(fake, pass, pull);
    expect(warnings).toEqual([
      expect.stringMatching(/contents API landed on .*, not the run head/),
    ]);
  });

  // 404: GitHub's contents API does not know a branch made a moment ago yet; 409 (retried by
  // Octokit first, as GitHub may answer it for a moment too) and 422: any other refusal.
  it.each([
    { status: 404, tries: 1, message: "Branch not found" },
    { status: 409, tries: 4, message: "train.py does not match" },
    { status: 422, tries: 1, message: "Validation Failed" },
  ])(
    "a PUT refused with $status falls back to git trees + commits + a forced ref update, with a warning",
    async ({ status, tries, message }) => {
      seedDir = tinySeedDir({ concurrency: 1, queueDepth: 0, policy: { preDispatch: false } });
      fake = await inMemoryGitHub({ seedDir });
      const warnings: string[] = [];
      const deps = testDeps({
        log: { info() {}, warn: (m: string) => warnings.push(m), error() {} },
      });
      const pass = await keptBaseline(fake, deps);
      fake.faults.failNextRequests(tries, {
        method: "PUT",
        path: /\/contents\/train\.py$/,
        status,
        message,
      });

      const { pull, writes } = await propose(fake, pass);
      expect(writes).toEqual([
        "git/create-ref 201",
        ...Array(tries).fill(`PUT /repos/acme/research/contents/train.py ${status}`),
        "git/create-tree 201",
        "git/create-commit 201",
        "git/update-ref 200",
        "pulls/create 201",
      ]);
      await expectOneCommitOnRunHead(fake, pass, pull);
      expect(warnings).toEqual([
        expect.stringMatching(
          new RegExp(
            `${pull.headRef}: the commit of train.py through the contents API was refused \\(${status}`,
          ),
        ),
      ]);
      const since = fake.requests.length;
      expect(await containsCommit(pass.gh, pass.head, pull.experiment.head_sha)).toBe(true);
      expect(fake.requests.length).toBe(since);
    },
  );
});
