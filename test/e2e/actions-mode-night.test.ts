// Zero-server mode end to end: no app server at all. The app is the shipped workflow
// (examples/workflows/autoresearch-app.yml, `mode: app` of the bundled action) run by the
// sandbox's Actions with a GITHUB_TOKEN scoped by its `permissions:`; the training workflow's last
// step dispatches it; a cron tick fires its schedule (the heartbeat). A short night with a runner
// that dies mid-training and a command that reaches the app twice ends with checkNight clean.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkNight } from "../../sandbox/invariants.js";
import { type Night, startNight, tokenRequestsPerExperiment } from "../../sandbox/night.js";
import { readStateBlock } from "../../src/core/state-block.js";

const TAG = "zero";
const APP_WORKFLOW = ".github/workflows/autoresearch-app.yml";
const TRAINING_WORKFLOW = ".github/workflows/autoresearch.yml";

describe("a night in zero-server mode", () => {
  let night: Night;
  /** Most runs of each concurrency group ever in progress at once. */
  const mostInProgress = new Map<string, number>();
  let startComment = 0;
  let secondStart = 0;

  beforeAll(async () => {
    night = await startNight({ mode: "actions", seed: 5, budgetSeconds: 0.5 });
    const sb = night.sandbox;
    const running = new Map<string, Set<number>>();
    sb.world.onEvent((event, payload) => {
      if (event !== "workflow_run") return;
      const run = sb.world.runs.get((payload.workflow_run as { id: number }).id);
      if (!run?.concurrency_group) return;
      const group = running.get(run.concurrency_group) ?? new Set<number>();
      running.set(run.concurrency_group, group);
      if (payload.action === "in_progress") group.add(run.id);
      if (payload.action === "completed") group.delete(run.id);
      mostInProgress.set(
        run.concurrency_group,
        Math.max(mostInProgress.get(run.concurrency_group) ?? 0, group.size),
      );
    });
    // The first training's runner dies mid-run: its last step never runs, so only the heartbeat
    // (the schedule) can find it.
    sb.faults.killRunnerDuringNextJobs(1, { minMs: 300, maxMs: 900 });
    const issue = await sb.human.openIssue("Research the tiny model overnight");
    startComment = await sb.human.comment(issue, `/autoresearch start ${TAG}`);
    // The same command event twice: "Re-run all jobs" of its workflow run once it is done.
    await night.waitFor("the start command's run", TAG, () =>
      sb.state
        .runs()
        .some(
          (r) => r.event === "issue_comment" && r.status === "completed" && r.run_attempt === 1,
        ),
    );
    const commandRun = sb.state.runs().find((r) => r.event === "issue_comment");
    await sb.human.rerunWorkflow(commandRun?.id ?? 0);
    // And a second, identical command.
    secondStart = await sb.human.comment(issue, `/autoresearch start ${TAG}`);
    await night.waitForDecided(3, 300_000);
    await night.stopRun(300_000);
  }, 700_000);

  afterAll(async () => {
    await night?.stop();
  });

  it("ends with every invariant holding and no contract violation", async () => {
    const report = await checkNight(night.sandbox, TAG);
    expect(report.problems, night.trail(TAG)).toEqual([]);
    expect(report.experiments.length).toBeGreaterThanOrEqual(3);
    night.sandbox.assertNoViolations();
  });

  it("runs with no app server: no webhook is delivered, every app write is GitHub Actions'", () => {
    const sb = night.sandbox;
    expect(sb.state.deliveries).toEqual([]);
    const pulls = sb.state.pulls().filter((p) => readStateBlock(p.body));
    expect(pulls.every((p) => p.user.login === "github-actions[bot]")).toBe(true);
    const appRequests = sb.state.requests.filter((r) => r.actorKind === "installation");
    expect(appRequests).toEqual([]);
  });

  it("starts workflows only as GitHub does for GITHUB_TOKEN: its PRs and comments start none", () => {
    const runs = night.sandbox.state.runs();
    // Every issue_comment run is a person's comment; everything GITHUB_TOKEN caused is a dispatch.
    for (const run of runs.filter((r) => r.actor.login === "github-actions[bot]"))
      expect(run.event).toBe("workflow_dispatch");
    expect(new Set(runs.map((r) => r.event))).toEqual(
      new Set(["issue_comment", "workflow_dispatch", "schedule"]),
    );
    // The app workflow was started by each training's last step, and trained nothing itself.
    const appRuns = runs.filter((r) => r.workflow.path === APP_WORKFLOW);
    const fromTrainings = appRuns.filter((r) => r.event === "workflow_dispatch");
    expect(fromTrainings.length).toBeGreaterThan(0);
    for (const run of fromTrainings) {
      const training = night.sandbox.state.run(Number(run.inputs["training-run"]));
      expect(training.workflow.path).toBe(TRAINING_WORKFLOW);
    }
  });

  it("answers the command once, however often it arrives, and refuses the second start", () => {
    const sb = night.sandbox;
    const startRun = sb.state
      .runs()
      .find(
        (r) =>
          r.event === "issue_comment" &&
          (r.event_payload.comment as { id: number }).id === startComment,
      );
    expect(startRun?.run_attempt).toBe(2);
    const replies = sb.state
      .comments()
      .filter((c) => c.user.login === "github-actions[bot]" && c.body.includes("Started run"));
    expect(replies).toHaveLength(1);
    expect(replies[0].body).toContain(String(startComment));
    const refusal = sb.state
      .comments()
      .filter(
        (c) => c.user.login === "github-actions[bot]" && c.body.includes(String(secondStart)),
      );
    expect(refusal).toHaveLength(1);
    expect(refusal[0].body).not.toContain("Started run");
    const dashboards = sb.state.issues().filter((i) => i.labels.includes("autoresearch:run"));
    expect(dashboards).toHaveLength(1);
  });

  it("recovers the training whose runner died through the scheduled heartbeat", () => {
    const sb = night.sandbox;
    const died = sb.state
      .runs()
      .filter((r) => r.workflow.path === TRAINING_WORKFLOW && /runner died/.test(r.log));
    expect(died).toHaveLength(1);
    expect(died[0].conclusion).toBe("failure");
    // Its last step never ran: no app run names it; a scheduled pass judged it.
    const named = sb.state
      .runs()
      .filter(
        (r) => r.workflow.path === APP_WORKFLOW && r.inputs["training-run"] === String(died[0].id),
      );
    expect(named).toEqual([]);
    expect(sb.state.runs().some((r) => r.event === "schedule")).toBe(true);
    const retried = night
      .experiments(TAG)
      .find((e) => e.state.head_sha === died[0].head_sha || e.ref === died[0].head_branch);
    expect(retried?.state.attempts, night.trail(TAG)).toBeGreaterThanOrEqual(2);
  });

  it("stays within the GITHUB_TOKEN budget the README states (a short night: start included)", () => {
    const cost = tokenRequestsPerExperiment(night.sandbox, night.decided());
    // README, "Choose a mode": well under 60 app + 10 training requests per experiment.
    expect(cost.app, JSON.stringify(cost)).toBeLessThan(60);
    expect(cost.training, JSON.stringify(cost)).toBeLessThan(10);
  });

  it("never runs two passes at once: GitHub serializes the app workflow's concurrency group", () => {
    expect(mostInProgress.get("autoresearch-app-pass")).toBe(1);
  });
});
