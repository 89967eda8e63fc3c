/**
 * Several instances of the app behind one webhook URL (replicas behind a load balancer, or a
 * rolling deploy): each delivery reaches one running instance; each instance has its own memory.
 */
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

/** An app whose every start is a new instance with its own id (its memory), recording what it saw. */
function countingApp() {
  let started = 0;
  const seen: { instance: number; issue: number }[] = [];
  let busy = 0;
  const app: ApplicationFunction = (probot) => {
    const instance = started++;
    probot.on("issues.opened", async (context) => {
      busy++;
      seen.push({ instance, issue: context.payload.issue.number });
      busy--;
    });
  };
  return { app, seen, started: () => started, busy: () => busy > 0 };
}

describe("appInstances", () => {
  it("sends each delivery to one running instance, chosen by the seed, and none when all are down", async () => {
    const counting = countingApp();
    sb = await start({ app: counting.app, appInstances: 2, appBusy: counting.busy });
    expect(counting.started()).toBe(2);
    const [a, b] = sb.appInstances();
    expect(a.url).not.toBe(b.url);
    for (let i = 0; i < 8; i++) await sb.human.openIssue(`issue ${i}`);
    await sb.settle();
    // Every issue handled exactly once, by one instance or the other.
    expect(counting.seen.map((s) => s.issue).sort((x, y) => x - y)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(new Set(counting.seen.map((s) => s.instance))).toEqual(new Set([0, 1]));
    const opened = sb.state.deliveries.filter((d) => d.event === "issues");
    expect(opened.every((d) => d.status === 200 && (d.url === a.url || d.url === b.url))).toBe(
      true,
    );

    // One replica down: the other takes everything.
    await sb.stopApp(0);
    counting.seen.length = 0;
    await sb.human.openIssue("while 0 is down");
    await sb.human.openIssue("still down");
    await sb.settle();
    expect(counting.seen.map((s) => s.instance)).toEqual([1, 1]);

    // Both down: the delivery fails and is not retried.
    await sb.stopApp();
    const n = await sb.human.openIssue("nobody home");
    await sb.settle();
    const lost = sb.state.deliveries.find(
      (d) => d.event === "issues" && (d.payload.issue as { number: number }).number === n,
    );
    expect(lost).toMatchObject({ status: null, url: null });
    expect(counting.seen).toHaveLength(2);

    // A restart is a fresh instance (new memory) on the same URL.
    await sb.startApp(1);
    expect(counting.started()).toBe(3);
    expect(sb.appInstances().map((i) => i.running)).toEqual([false, true]);
    expect(sb.appInstances()[1].url).toBe(b.url);
    await sb.restartApp(1);
    expect(counting.started()).toBe(4);
    await sb.startApp();
    expect(counting.started()).toBe(5);
    expect(sb.app.webhookUrl).toBe(a.url);
  });

  it("runs one instance by default", async () => {
    const counting = countingApp();
    sb = await start({ app: counting.app });
    expect(sb.appInstances()).toHaveLength(1);
    await sb.human.openIssue("one");
    await sb.settle();
    expect(counting.seen).toEqual([{ instance: 0, issue: 1 }]);
    await expect(sb.stopApp(1)).rejects.toThrow(/no app instance 1/);
  });
});
