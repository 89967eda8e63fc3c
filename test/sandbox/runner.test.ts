import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Octokit } from "@octokit/rest";
import type { ApplicationFunction } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/harness.js";
import type { RunnerOptions } from "../../sandbox/runner.js";
import { branchWith, start, statusOf } from "./sandbox-fixtures.js";

let sb: SandboxHandle | undefined;
afterEach(async () => {
  const current = sb;
  sb = undefined;
  if (!current) return;
  try {
    current.assertNoViolations();
  } finally {
    await current.stop();
  }
});

const repo = { owner: "acme", repo: "research" };

/**
 * The app the tests drive: on `issues.opened` it builds an experiment branch through the git
 * data API, opens a PR and dispatches the training workflow for it; it records workflow_run
 * events it receives.
 */
function experimentApp(
  runs: { action: string; conclusion: string | null; runId: number }[],
): ApplicationFunction {
  return (app) => {
    app.on("issues.opened", async (context) => {
      const { data: ref } = await context.octokit.rest.git.getRef(
        context.repo({ ref: "heads/main" }),
      );
      const { data: parent } = await context.octokit.rest.git.getCommit(
        context.repo({ commit_sha: ref.object.sha }),
      );
      const { data: tree } = await context.octokit.rest.git.createTree(
        context.repo({
          base_tree: parent.tree.sha,
          tree: [
            { path: "train.py", mode: "100644", type: "blob", content: "LEARNING_RATE = 0.05\n" },
          ],
        }),
      );
      const { data: commit } = await context.octokit.rest.git.createCommit(
        context.repo({ message: "lr 0.05", tree: tree.sha, parents: [parent.sha] }),
      );
      const branch = `autoresearch/test/${context.payload.issue.number}-lr`;
      await context.octokit.rest.git.createRef(
        context.repo({ ref: `refs/heads/${branch}`, sha: commit.sha }),
      );
      const { data: pr } = await context.octokit.rest.pulls.create(
        context.repo({ title: "lr 0.05", head: branch, base: "main" }),
      );
      await context.octokit.rest.actions.createWorkflowDispatch(
        context.repo({
          workflow_id: "train.yml",
          ref: branch,
          inputs: { "pull-request": String(pr.number) },
        }),
      );
    });
    app.on("workflow_run", async (context) => {
      runs.push({
        action: context.payload.action,
        conclusion: context.payload.workflow_run.conclusion,
        runId: context.payload.workflow_run.id,
      });
    });
  };
}

async function startWith(runners: Partial<RunnerOptions> = {}, seed?: number) {
  const runs: { action: string; conclusion: string | null; runId: number }[] = [];
  sb = await start({ app: experimentApp(runs), runners, seed });
  return { sb, runs };
}

describe("workflow dispatch and the runner", () => {
  it("runs the action on the PR head with the runner's environment contract, then completes the run", async () => {
    const { sb, runs } = await startWith();
    await sb.human.openIssue("go");
    await sb.settle();
    const [pr] = sb.state.pulls();
    const [run] = sb.state.runs();
    expect(run).toMatchObject({
      status: "completed",
      conclusion: "success",
      display_title: `train PR #${pr.number}`,
      head_branch: pr.pull_request!.head.ref,
      head_sha: pr.pull_request!.head.sha,
      runner: "sandbox-runner-1",
    });
    expect(runs.map((r) => [r.action, r.conclusion])).toEqual([
      ["requested", null],
      ["in_progress", null],
      ["completed", "success"],
    ]);
    const comment = sb.state.comments(pr.number)[0];
    expect(comment.user.login).toBe("github-actions[bot]");
    expect(comment.body).toContain("fake action: exit 0");
    expect(comment.body).toContain("train.py: present");
    expect(comment.body).toContain("cache: present");
    expect(comment.body).toContain(`"pull-request":"${pr.number}"`);
    expect(comment.body).toContain("token in env: no");
    expect(run.outputs).toEqual({ "exit-code": "0", summary: "line one\nline two" });
    expect(run.summary).toContain("### fake action");
    const job = sb.state
      .checkRuns(pr.pull_request!.head.sha)
      .find((c) => c.app.slug === "github-actions");
    expect(job).toMatchObject({ name: "train", status: "completed", conclusion: "success" });
  });

  it("revokes the job's GITHUB_TOKEN when the job ends", async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), "token-")), "token.txt");
    const { sb } = await startWith({ env: { FAKE_ACTION_TOKEN_FILE: tokenFile } });
    await sb.human.openIssue("go");
    await sb.settle();
    const token = readFileSync(tokenFile, "utf8");
    rmSync(dirname(tokenFile), { recursive: true, force: true });
    expect(token).toMatch(/^ghs_/);
    expect(
      await statusOf(new Octokit({ auth: token, baseUrl: sb.url }).issues.listForRepo(repo)),
    ).toBe(401);
  });

  it("ends the run as failure when the action fails", async () => {
    const { sb, runs } = await startWith({ commandWrapper: () => "echo boom >&2; exit 3" });
    await sb.human.openIssue("go");
    await sb.settle();
    expect(sb.state.runs()[0]).toMatchObject({
      conclusion: "failure",
      exit_code: 1,
      outputs: { "exit-code": "3" },
    });
    expect(sb.state.runs()[0].log).toContain("boom");
    expect(runs.at(-1)).toMatchObject({ action: "completed", conclusion: "failure" });
  });

  it("loses the runner mid-job: process group killed, run fails, no result comment", async () => {
    const { sb, runs } = await startWith({ commandWrapper: () => "sleep 30" });
    sb.faults.killRunnerDuringNextJobs(1, { minMs: 200, maxMs: 200 });
    await sb.human.openIssue("go");
    await sb.settle({ timeoutMs: 20_000 });
    const [pr] = sb.state.pulls();
    expect(sb.state.runs()[0].conclusion).toBe("failure");
    expect(sb.state.runs()[0].log).toContain("runner has received a shutdown signal");
    expect(sb.state.comments(pr.number)).toEqual([]);
    expect(runs.at(-1)).toMatchObject({ action: "completed", conclusion: "failure" });
  });

  it("cancels a run through the API (SIGINT to the process group first)", async () => {
    const { sb } = await startWith({ commandWrapper: () => "sleep 30", cancelGraceMs: [200, 200] });
    await sb.human.openIssue("go");
    const deadline = Date.now() + 10_000;
    while (sb.state.runs()[0]?.status !== "in_progress" && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const id = sb.state.runs()[0].id;
    const { status } = await sb.octokit().actions.cancelWorkflowRun({ ...repo, run_id: id });
    expect(status).toBe(202);
    await sb.settle({ timeoutMs: 20_000 });
    expect(sb.state.run(id)).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect(await statusOf(sb.octokit().actions.cancelWorkflowRun({ ...repo, run_id: id }))).toBe(
      409,
    );
  });

  it("replaces the training command with a crash when the crash rate says so (seeded)", async () => {
    const { sb } = await startWith({}, 3);
    sb.faults.setCrashRate(1);
    await sb.human.openIssue("go");
    await sb.settle();
    expect(sb.state.runs()[0].conclusion).toBe("failure");
    expect(sb.state.runs()[0].log).toContain("Traceback (most recent call last):");
  });

  it("leaves a run queued when no runner has the labels, without blocking settle()", async () => {
    const { sb, runs } = await startWith({ labels: ["self-hosted", "cpu"] });
    await sb.human.openIssue("go");
    await sb.settle();
    expect(sb.state.runs()[0]).toMatchObject({ status: "queued", conclusion: null });
    expect(runs.map((r) => r.action)).toEqual(["requested"]);
  });

  it("runs jobs on N runners concurrently", async () => {
    // Each job waits until both are running (a fixed sleep is flaky on a loaded machine): with
    // one runner at a time the first would give up after 60 s and fail.
    const gate = mkdtempSync(join(tmpdir(), "runner-gate-"));
    const both = `touch "${gate}/$$"; for i in $(seq 600); do [ "$(ls "${gate}" | wc -l)" -ge 2 ] && exit 0; sleep 0.1; done; exit 1`;
    const { sb } = await startWith({ count: 2, commandWrapper: () => both });
    await sb.human.openIssue("one");
    await sb.human.openIssue("two");
    await sb.settle({ timeoutMs: 90_000 });
    rmSync(gate, { recursive: true, force: true });
    expect(sb.state.runs().map((r) => r.conclusion)).toEqual(["success", "success"]);
    const names = sb.state
      .runs()
      .map((r) => r.runner)
      .sort();
    expect(names).toEqual(["sandbox-runner-1", "sandbox-runner-2"]);
  });
});

describe("concurrency groups and token permissions", () => {
  it("keeps one run in progress and one pending per group; a newer run cancels the pending one", async () => {
    sb = await start({ runners: { count: 2, commandWrapper: () => "sleep 1" } });
    await sb.human.openIssue("the fake action comments here"); // #1
    const dispatch = () =>
      sb!.octokit().actions.createWorkflowDispatch({
        ...repo,
        workflow_id: "train.yml",
        ref: "main",
        inputs: { "pull-request": "1" },
      });
    await dispatch();
    const deadline = Date.now() + 10_000;
    while (sb.state.runs()[0]?.status !== "in_progress" && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await dispatch();
    expect(sb.state.runs()[1].status).toBe("pending");
    await dispatch();
    await sb.settle({ timeoutMs: 30_000 });
    expect(sb.state.runs().map((r) => r.conclusion)).toEqual(["success", "cancelled", "success"]);
    const [first, , third] = sb.state.runs();
    expect(third.run_started_at >= first.updated_at).toBe(true);
  });

  it("gives GITHUB_TOKEN only read access when the workflow declares no permissions (GitHub's restricted default)", async () => {
    sb = await start();
    await branchWith(sb, "exp/no-perms", {
      ".github/workflows/train.yml": (await sb.git.readFile(
        "main",
        ".github/workflows/train.yml",
      ))!.replace(/permissions:\n( {2}.*\n)+/, ""),
    });
    const bot = await sb.installationOctokit();
    await bot.rest.pulls.create({ ...repo, title: "no perms", head: "exp/no-perms", base: "main" });
    await sb.octokit().actions.createWorkflowDispatch({
      ...repo,
      workflow_id: "train.yml",
      ref: "exp/no-perms",
      inputs: { "pull-request": "1" },
    });
    await sb.settle();
    expect(sb.state.runs()[0].log).toContain("comment: 403");
    expect(sb.state.runs()[0].conclusion).toBe("failure");
  });
});

describe("dispatch validation (GitHub's 4xx answers)", () => {
  it.each([
    ["an unknown input", "train.yml", "main", { "pull-request": "1", extra: "x" }, 422],
    ["a missing required input", "train.yml", "main", {}, 422],
    ["a number for a string input", "train.yml", "main", { "pull-request": 1 }, 422],
    ["a missing ref", "train.yml", "no-such-branch", { "pull-request": "1" }, 422],
    ["an unknown workflow", "nope.yml", "main", { "pull-request": "1" }, 404],
  ])("refuses %s", async (_label, workflow_id, ref, inputs, status) => {
    sb = await start();
    expect(
      await statusOf(
        sb.octokit().actions.createWorkflowDispatch({
          ...repo,
          workflow_id,
          ref,
          inputs: inputs as Record<string, string>,
        }),
      ),
    ).toBe(status);
  });

  it("refuses a workflow without a workflow_dispatch trigger at the ref", async () => {
    sb = await start();
    await branchWith(sb, "exp/no-dispatch", {
      ".github/workflows/train.yml": "on: push\njobs: {}\n",
    });
    expect(
      await statusOf(
        sb.octokit().actions.createWorkflowDispatch({
          ...repo,
          workflow_id: "train.yml",
          ref: "exp/no-dispatch",
          inputs: { "pull-request": "1" },
        }),
      ),
    ).toBe(422);
  });

  it("returns run details when asked, and lists runs with filters", async () => {
    sb = await start();
    const { data } = await sb
      .octokit()
      .request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
        ...repo,
        workflow_id: "train.yml",
        ref: "main",
        inputs: { "pull-request": "1" },
        return_run_details: true,
      });
    const runId = (data as { workflow_run_id: number }).workflow_run_id;
    await sb.settle();
    const { data: runs } = await sb
      .octokit()
      .actions.listWorkflowRuns({ ...repo, workflow_id: "train.yml", branch: "main" });
    expect(runs.workflow_runs.map((r) => r.id)).toEqual([runId]);
    const { data: none } = await sb
      .octokit()
      .actions.listWorkflowRunsForRepo({ ...repo, status: "in_progress" });
    expect(none.total_count).toBe(0);
  });
});
