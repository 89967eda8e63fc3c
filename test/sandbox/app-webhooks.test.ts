import type { ApplicationFunction } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/harness.js";
import { start } from "./sandbox-fixtures.js";

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

/** Replies to human comments, and remembers what it saw in memory (lost on restart). */
function echoApp(seen: { ids: string[]; bodies: string[] }): ApplicationFunction {
  return (app) => {
    app.on("issue_comment.created", async (context) => {
      seen.ids.push(context.id);
      if (context.payload.comment.user?.type === "Bot") return;
      seen.bodies.push(context.payload.comment.body);
      await context.octokit.rest.issues.createComment(
        context.issue({ body: `echo #${seen.bodies.length}: ${context.payload.comment.body}` }),
      );
    });
  };
}

describe("webhooks to the real Probot app", () => {
  it("delivers signed events that Probot verifies; the app's own comment comes back as an event", async () => {
    const seen = { ids: [] as string[], bodies: [] as string[] };
    sb = await start({ app: echoApp(seen) });
    const n = await sb.human.openIssue("hello");
    await sb.human.comment(n, "ping");
    await sb.settle();
    expect(sb.state.comments(n).map((c) => [c.user.login, c.body])).toEqual([
      ["octocat", "ping"],
      ["autoresearch-bot[bot]", "echo #1: ping"],
    ]);
    const comments = sb.state.deliveries.filter((d) => d.event === "issue_comment");
    expect(comments.map((d) => [d.status, (d.payload.sender as { login: string }).login])).toEqual([
      [200, "octocat"],
      [200, "autoresearch-bot[bot]"],
    ]);
    expect(sb.state.comments(n)[1]).toMatchObject({ via_app: { slug: "autoresearch-bot" } });
  });

  it("is rejected by the app when the webhook secret does not match", async () => {
    const seen = { ids: [] as string[], bodies: [] as string[] };
    sb = await start({
      app: echoApp(seen),
      appSecretOverride: "not-the-secret",
      logLevel: "fatal",
    });
    const n = await sb.human.openIssue("hello");
    await sb.human.comment(n, "ping");
    await sb.settle();
    const delivery = sb.state.deliveries.find((d) => d.event === "issue_comment")!;
    expect(delivery.status).toBeGreaterThanOrEqual(400);
    expect(seen.bodies).toEqual([]);
    expect(sb.state.comments(n)).toHaveLength(1);
  });

  it("can deliver an event twice with the same delivery id (a redelivery) or a new one", async () => {
    const seen = { ids: [] as string[], bodies: [] as string[] };
    sb = await start({ app: echoApp(seen) });
    const n = await sb.human.openIssue("hello");
    sb.faults.duplicateNextDeliveries(1, { sameId: true });
    await sb.human.comment(n, "once");
    await sb.settle();
    expect(seen.bodies).toEqual(["once", "once"]);
    expect(seen.ids[0]).toBe(seen.ids[1]);
    sb.faults.duplicateNextDeliveries(1, { sameId: false });
    await sb.human.comment(n, "again");
    await sb.settle();
    const againIds = sb.state.deliveries
      .filter(
        (d) =>
          d.event === "issue_comment" && (d.payload.comment as { body: string }).body === "again",
      )
      .map((d) => d.id);
    expect(new Set(againIds).size).toBe(2);
  });

  it("redelivers a past delivery on request, with its original id", async () => {
    const seen = { ids: [] as string[], bodies: [] as string[] };
    sb = await start({ app: echoApp(seen) });
    const n = await sb.human.openIssue("hello");
    await sb.human.comment(n, "hi");
    await sb.settle();
    const first = sb.state.deliveries.find((d) => d.event === "issue_comment")!;
    sb.redeliver(first.id);
    await sb.settle();
    expect(seen.ids.filter((id) => id === first.id)).toHaveLength(2);
  });

  it("delays deliveries so they arrive out of order (seeded)", async () => {
    const order: string[] = [];
    sb = await start({
      seed: 7,
      app: (app) => {
        app.on("issue_comment.created", async (context) => {
          order.push(context.payload.comment.body);
        });
      },
    });
    const n = await sb.human.openIssue("hello");
    sb.faults.delayNextDeliveries(4, { minMs: 0, maxMs: 300 });
    for (const body of ["1", "2", "3", "4"]) await sb.human.comment(n, body);
    await sb.settle();
    expect([...order].sort()).toEqual(["1", "2", "3", "4"]);
    expect(order).not.toEqual(["1", "2", "3", "4"]);
  });

  it("restarts the app with fresh memory on the same port; events sent while it is down are lost", async () => {
    const seen = { ids: [] as string[], bodies: [] as string[] };
    let instances = 0;
    sb = await start({
      app: (app, options) => {
        instances++;
        echoApp(seen)(app, options);
      },
    });
    const url = sb.app.webhookUrl;
    const n = await sb.human.openIssue("hello");
    await sb.stopApp();
    await sb.human.comment(n, "while down");
    await sb.settle();
    expect(sb.state.deliveries.find((d) => d.event === "issue_comment")).toMatchObject({
      status: null,
    });
    await sb.startApp();
    await sb.human.comment(n, "back");
    await sb.settle();
    expect(instances).toBe(2);
    expect(sb.app.webhookUrl).toBe(url);
    expect(seen.bodies).toEqual(["back"]);
  });

  it("answers the app's requests with 502s for a burst, which Probot's Octokit retries", async () => {
    const seen = { ids: [] as string[], bodies: [] as string[] };
    sb = await start({ app: echoApp(seen) });
    const n = await sb.human.openIssue("hello");
    await sb.human.comment(n, "warm up");
    await sb.settle();
    sb.faults.failNextRequests(2, { who: "app" });
    await sb.human.comment(n, "through the storm");
    await sb.settle();
    expect(sb.state.comments(n).at(-1)?.body).toBe("echo #2: through the storm");
    expect(sb.state.requests.filter((r) => r.status === 502)).toHaveLength(2);
  });

  it("sends repository_dispatch and check_run.rerequested for the Re-run button", async () => {
    const events: string[] = [];
    sb = await start({
      app: (app) => {
        app.on("repository_dispatch", async (context) => {
          events.push(`dispatch:${context.payload.action}`);
        });
        app.on("check_run.rerequested", async (context) => {
          events.push(`rerun:${context.payload.check_run.name}`);
        });
      },
    });
    await sb.octokit().repos.createDispatchEvent({
      owner: "acme",
      repo: "research",
      event_type: "autoresearch-heartbeat",
    });
    const bot = await sb.installationOctokit();
    const sha = (await sb.git.sha("main"))!;
    const { data: check } = await bot.rest.checks.create({
      owner: "acme",
      repo: "research",
      name: "autoresearch / verdict",
      head_sha: sha,
      conclusion: "success",
    });
    sb.human.clickRerun(check.id);
    await sb.settle();
    expect(events).toEqual(["dispatch:autoresearch-heartbeat", "rerun:autoresearch / verdict"]);
  });

  it("announces every change through schema-valid payloads (issues, PRs, labels, comments, refs)", async () => {
    const seen: string[] = [];
    sb = await start({
      app: (app) => {
        app.onAny(async (context) => {
          const action = (context.payload as { action?: string }).action;
          seen.push(action ? `${context.name}.${action}` : context.name);
        });
      },
    });
    const o = sb.octokit();
    const n = await sb.human.openIssue("dashboard");
    await o.issues.update({
      owner: "acme",
      repo: "research",
      issue_number: n,
      title: "Dashboard",
      state: "closed",
    });
    await o.issues.update({ owner: "acme", repo: "research", issue_number: n, state: "open" });
    const commentId = await sb.human.comment(n, "first");
    await o.issues.updateComment({
      owner: "acme",
      repo: "research",
      comment_id: commentId,
      body: "edited",
    });
    await sb.human.push("exp/events", { "train.py": "X = 1\n" }, "x");
    const { data: pr } = await o.pulls.create({
      owner: "acme",
      repo: "research",
      title: "x",
      head: "exp/events",
      base: "main",
    });
    await sb.human.addLabel(pr.number, "autoresearch:rerun");
    await sb.human.removeLabel(pr.number, "autoresearch:rerun");
    await o.pulls.update({
      owner: "acme",
      repo: "research",
      pull_number: pr.number,
      body: "new body",
      state: "closed",
    });
    await o.pulls.update({
      owner: "acme",
      repo: "research",
      pull_number: pr.number,
      state: "open",
    });
    await o.git.deleteRef({ owner: "acme", repo: "research", ref: "heads/exp/events" });
    await sb.settle();
    expect(seen).toEqual([
      "installation.created",
      "issues.opened",
      "issues.edited",
      "issues.closed",
      "issues.reopened",
      "issue_comment.created",
      "issue_comment.edited",
      "create",
      "push",
      "pull_request.opened",
      "pull_request.labeled",
      "pull_request.unlabeled",
      "pull_request.edited",
      "pull_request.closed",
      "pull_request.reopened",
      "delete",
      "push",
      "pull_request.closed",
    ]);
  });
});
