/**
 * Refs outside branches and tags (a lease in `refs/autoresearch/lock/<tag>`), and the workflow
 * run a dispatch with `return_run_details` names: what GitHub answers and announces.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/harness.js";
import { start, statusOf } from "./sandbox-fixtures.js";

let sb: SandboxHandle;
const repo = { owner: "acme", repo: "research" };

beforeAll(async () => {
  sb = await start();
});
afterEach(() => sb.assertNoViolations());
afterAll(async () => {
  await sb?.stop();
});

/** A commit made the way the app makes its lease: git data API, JSON message, main's tree. */
async function leaseCommit(message: object, parents: string[] = []): Promise<string> {
  const bot = await sb.installationOctokit();
  const { data: main } = await bot.rest.git.getRef({ ...repo, ref: "heads/main" });
  const { data: head } = await bot.rest.git.getCommit({ ...repo, commit_sha: main.object.sha });
  const { data } = await bot.rest.git.createCommit({
    ...repo,
    message: JSON.stringify(message),
    tree: head.tree.sha,
    parents,
  });
  return data.sha;
}

function refEvents(since: number) {
  return sb.state.deliveries
    .slice(since)
    .filter((d) => ["push", "create", "delete"].includes(d.event));
}

describe("a lease in refs/autoresearch/lock/<tag>", () => {
  it("is created, read, listed, renewed fast-forward only, and released, with no webhook", async () => {
    const bot = await sb.installationOctokit();
    await sb.settle();
    const before = sb.state.deliveries.length;
    const first = await leaseCommit({ owner: "replica-a", expires: 1 });
    const { data: created } = await bot.rest.git.createRef({
      ...repo,
      ref: "refs/autoresearch/lock/nov26",
      sha: first,
    });
    expect(created).toMatchObject({ ref: "refs/autoresearch/lock/nov26", object: { sha: first } });
    // A second create is how a second replica learns the lease is taken.
    expect(
      await statusOf(
        bot.rest.git.createRef({ ...repo, ref: "refs/autoresearch/lock/nov26", sha: first }),
      ),
    ).toBe(422);

    const { data: got } = await bot.rest.git.getRef({ ...repo, ref: "autoresearch/lock/nov26" });
    expect(got.object.sha).toBe(first);
    const { data: listed } = await bot.rest.git.listMatchingRefs({
      ...repo,
      ref: "autoresearch/lock/",
    });
    expect(listed.map((r) => r.ref)).toEqual(["refs/autoresearch/lock/nov26"]);

    // Renewal: a child of the current lease commit moves it (fast-forward).
    const renewed = await leaseCommit({ owner: "replica-a", expires: 2 }, [first]);
    await bot.rest.git.updateRef({
      ...repo,
      ref: "autoresearch/lock/nov26",
      sha: renewed,
      force: false,
    });
    // A stale replica renewing from the old commit is not a fast-forward: compare-and-swap fails.
    const stale = await leaseCommit({ owner: "replica-b", expires: 3 }, [first]);
    expect(
      await statusOf(
        bot.rest.git.updateRef({
          ...repo,
          ref: "autoresearch/lock/nov26",
          sha: stale,
          force: false,
        }),
      ),
    ).toBe(422);
    expect(await sb.git.sha("refs/autoresearch/lock/nov26")).toBe(renewed);

    await bot.rest.git.deleteRef({ ...repo, ref: "autoresearch/lock/nov26" });
    expect(await statusOf(bot.rest.git.getRef({ ...repo, ref: "autoresearch/lock/nov26" }))).toBe(
      404,
    );
    expect(
      await statusOf(bot.rest.git.deleteRef({ ...repo, ref: "autoresearch/lock/nov26" })),
    ).toBe(422);

    await sb.settle();
    // push/create/delete are for branches and tags only.
    expect(refEvents(before)).toEqual([]);
  });

  it("still announces branches (create + push) and tags (create + push, delete + push)", async () => {
    const bot = await sb.installationOctokit();
    await sb.settle();
    const before = sb.state.deliveries.length;
    const main = (await sb.git.sha("main"))!;
    await bot.rest.git.createRef({ ...repo, ref: "refs/tags/v-lease", sha: main });
    await bot.rest.git.deleteRef({ ...repo, ref: "tags/v-lease" });
    await sb.settle();
    expect(refEvents(before).map((d) => `${d.event}:${String(d.payload.ref)}`)).toEqual([
      "create:v-lease",
      "push:refs/tags/v-lease",
      "delete:v-lease",
      "push:refs/tags/v-lease",
    ]);
    expect(refEvents(before)[0].payload.ref_type).toBe("tag");
  });

  it("takes the path {ref} without refs/, and no revision syntax", async () => {
    const bot = await sb.installationOctokit();
    const main = (await sb.git.sha("main"))!;
    // `refs/heads/main` in the path names refs/refs/heads/main (github/rest-api-description#2746).
    expect(await statusOf(bot.rest.git.getRef({ ...repo, ref: "refs/heads/main" }))).toBe(404);
    expect(
      await statusOf(bot.rest.git.updateRef({ ...repo, ref: "refs/heads/main", sha: main })),
    ).toBe(422);
    expect(await statusOf(bot.rest.git.getRef({ ...repo, ref: "heads/main~1" }))).toBe(404);
  });

  it("refuses writes to refs/pull/*, GitHub's own read-only refs", async () => {
    const bot = await sb.installationOctokit();
    const main = (await sb.git.sha("main"))!;
    expect(
      await statusOf(bot.rest.git.createRef({ ...repo, ref: "refs/pull/999/head", sha: main })),
    ).toBe(422);
  });
});

describe("workflow_dispatch with return_run_details", () => {
  it("answers the id of the run it created; the run and its webhooks carry that id and path", async () => {
    await sb.settle();
    const before = sb.state.deliveries.length;
    const bot = await sb.installationOctokit();
    const main = (await sb.git.sha("main"))!;
    const { status, data } = await bot.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      {
        ...repo,
        workflow_id: "train.yml",
        ref: "main",
        inputs: { "pull-request": "1" },
        return_run_details: true,
      },
    );
    expect(status).toBe(200);
    const details = data as { workflow_run_id: number; run_url: string; html_url: string };
    expect(details.run_url).toBe(
      `${sb.url}/repos/acme/research/actions/runs/${details.workflow_run_id}`,
    );
    const { data: run } = await bot.rest.actions.getWorkflowRun({
      ...repo,
      run_id: details.workflow_run_id,
    });
    expect(run).toMatchObject({
      id: details.workflow_run_id,
      path: ".github/workflows/train.yml",
      head_sha: main,
      head_branch: "main",
      event: "workflow_dispatch",
    });
    await sb.settle();
    const runEvents = sb.state.deliveries.slice(before).filter((d) => d.event === "workflow_run");
    expect(runEvents.map((d) => d.action)).toEqual(["requested", "in_progress", "completed"]);
    for (const d of runEvents) {
      const wr = d.payload.workflow_run as { id: number; path: string; head_sha: string };
      expect(wr).toMatchObject({
        id: details.workflow_run_id,
        path: ".github/workflows/train.yml",
        head_sha: main,
      });
    }
  });
});
