// `/autoresearch start <tag>` as a user sees it on GitHub: what is created, and when nothing is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESULTS_HEADER } from "../../src/core/results-tsv.js";
import { type Scenario, startScenario } from "../support/app-scenarios.js";

let s: Scenario;
beforeAll(async () => {
  // Only the baseline and what a test pushes: every run here is quiet once its baseline is decided.
  s = await startScenario({ config: { proposer: "none" } });
});
afterAll(async () => {
  try {
    s.sandbox.assertNoViolations();
  } finally {
    await s.stop();
  }
});

/** What the app replied to one command comment. */
const replies = (issue: number) => s.appComments(issue).map((c) => c.body);
const runRefs = async (tag: string) =>
  (await s.sandbox.state.refs("refs/heads/autoresearch/")).filter(
    (r) => r.ref === `refs/heads/autoresearch/${tag}` || r.ref.includes(`/${tag}--`),
  );

describe("/autoresearch start", { timeout: 150_000 }, () => {
  it("creates the run branch at main's head, the dashboard, a header-only gist and an empty baseline PR", async () => {
    const { sandbox } = s;
    const mainSha = await sandbox.git.sha("main");
    const baselineBranch = "autoresearch/nov26--1-baseline";
    // Hold the baseline's training so the run is seen exactly as the start left it.
    s.closeGate(baselineBranch);
    try {
      const { issue } = await s.start("nov26");
      await s.waitFor(
        "the baseline's training to start",
        () =>
          s.runsFor(baselineBranch).some((r) => r.status === "in_progress") &&
          s.experimentFor("nov26", baselineBranch)?.state.phase === "training",
        90_000,
      );
      // The state block, its labels and the rest of that write land as one request returns.
      await s.app().idle();

      expect(await sandbox.git.sha("autoresearch/nov26")).toBe(mainSha);

      const dashboard = s.dashboard("nov26")!;
      expect(dashboard.state).toBe("open");
      expect(dashboard.title).toBe("autoresearch run nov26");
      expect(dashboard.labels).toContain("autoresearch:run");
      const run = s.run("nov26")!;
      expect(run).toMatchObject({
        tag: "nov26",
        status: "running",
        branch: "autoresearch/nov26",
        base_branch: "main",
        started_by: "octocat",
        ledger: "gist",
      });

      const gist = sandbox.state.gists().find((g) => g.id === run.gist_id)!;
      expect(gist.files["results.tsv"]).toBe(`${RESULTS_HEADER.join("\t")}\n`);
      expect(gist.files["progress.svg"]).toContain("<svg");

      const [baseline, ...others] = s.experiments("nov26");
      expect(others).toEqual([]);
      expect(baseline.pr.title).toBe("baseline");
      expect(baseline.pr.state).toBe("open");
      expect(baseline.pr.labels).toContain("autoresearch");
      expect(baseline.pr.pull_request).toMatchObject({
        head: { ref: baselineBranch },
        base: { ref: "autoresearch/nov26" },
      });
      expect(baseline.state).toMatchObject({ n: 1, source: "baseline", phase: "training" });
      // An empty commit on main's head: the code as it is.
      const head = await sandbox.world.git.readCommit(baseline.pr.pull_request!.head.sha);
      const main = await sandbox.world.git.readCommit(mainSha!);
      expect(head.parents).toEqual([mainSha]);
      expect(head.tree).toBe(main.tree);

      expect(replies(issue)).toEqual([
        expect.stringContaining(
          `Started run \`nov26\` on \`autoresearch/nov26\`: dashboard #${dashboard.number}, baseline #${baseline.pr.number}`,
        ),
      ]);
    } finally {
      s.openGate(baselineBranch);
    }
    await s.waitForDecision("nov26", baselineBranch, 90_000);
  });

  it("refuses a tag whose branch already exists, and creates nothing", async () => {
    const { sandbox } = s;
    const theirs = await sandbox.human.push(
      "autoresearch/taken",
      { "notes.txt": "somebody's work\n" },
      "notes",
    );
    const gists = sandbox.state.gists().length;
    const { issue } = await s.start("taken");
    await sandbox.settle({ timeoutMs: 90_000 });

    expect(replies(issue)).toEqual([
      expect.stringContaining(
        "Cannot start `taken`: the branch `autoresearch/taken` already exists. Pick another tag",
      ),
    ]);
    expect(await sandbox.git.sha("autoresearch/taken")).toBe(theirs);
    expect(await runRefs("taken")).toEqual([{ ref: "refs/heads/autoresearch/taken", sha: theirs }]);
    expect(s.dashboard("taken")).toBeUndefined();
    expect(s.experiments("taken")).toEqual([]);
    expect(sandbox.state.gists()).toHaveLength(gists);
  });

  it("refuses a user without write access (mallory, read)", async () => {
    const { sandbox } = s;
    const gists = sandbox.state.gists().length;
    const { issue } = await s.start("mallory1", "mallory");
    await sandbox.settle({ timeoutMs: 90_000 });

    expect(replies(issue)).toEqual([
      expect.stringContaining(
        "@mallory only people with write access can run `/autoresearch` commands.",
      ),
    ]);
    expect(await runRefs("mallory1")).toEqual([]);
    expect(s.dashboard("mallory1")).toBeUndefined();
    expect(sandbox.state.gists()).toHaveLength(gists);
  });

  it.each([
    ["Nov26", "characters a branch name cannot carry"],
    ["nov--26", 'contains "--"'],
    ["-nov26", 'starts with "-"'],
  ])("refuses the invalid tag %s with a reason", async (tag, reason) => {
    const { sandbox } = s;
    const refs = (await sandbox.state.refs()).length;
    const issues = sandbox.state.issues().length;
    const { issue } = await s.start(tag);
    await sandbox.settle({ timeoutMs: 90_000 });

    const [reply, ...more] = replies(issue);
    expect(more).toEqual([]);
    expect(reply).toContain(`Cannot start \`${tag}\`:`);
    expect(reply).toContain(reason);
    expect(await sandbox.state.refs()).toHaveLength(refs);
    // Only the test's own issue is new: no dashboard, no PR.
    expect(sandbox.state.issues()).toHaveLength(issues + 1);
  });

  it("starts one run when the same start comment is delivered twice, then redelivered", async () => {
    const { sandbox } = s;
    const issue = await sandbox.human.openIssue("Research dup");
    await sandbox.settle({ timeoutMs: 90_000 });
    const gists = sandbox.state.gists().length;
    // A second delivery with a new id: the app cannot tell it apart by X-GitHub-Delivery.
    sandbox.faults.duplicateNextDeliveries(1, { sameId: false });
    const commentId = await sandbox.human.comment(issue, "/autoresearch start dup");
    await sandbox.settle({ timeoutMs: 90_000 });
    const original = sandbox.state.deliveries.find(
      (d) => d.event === "issue_comment" && (d.payload.comment as { id: number }).id === commentId,
    )!;
    sandbox.redeliver(original.id);
    await sandbox.settle({ timeoutMs: 90_000 });

    const received = sandbox.state.deliveries.filter(
      (d) => d.event === "issue_comment" && (d.payload.comment as { id: number }).id === commentId,
    );
    expect(received.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(sandbox.state.issues().filter((i) => i.title === "autoresearch run dup")).toHaveLength(
      1,
    );
    expect(s.experiments("dup").map((e) => e.pr.title)).toEqual(["baseline"]);
    expect(sandbox.state.gists()).toHaveLength(gists + 1);
    expect(replies(issue)).toEqual([expect.stringContaining("Started run `dup`")]);
  });
});
