// The built server (dist/server.js, what `npm start` and the systemd unit run) as a child process
// against the sandbox GitHub: GET /healthz, log fields, and SIGTERM during a pass.
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { type SandboxHandle, startSandbox } from "../../sandbox/harness.js";
import { idleApp } from "../sandbox/sandbox-fixtures.js";
import { tinySeedDir } from "../support/app-scenarios.js";
import {
  type BuiltServer,
  freePort,
  ghesProxy,
  type SeenRequest,
  startBuiltServer,
} from "../support/built-server.js";

const TAG = "drain";

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setUp(env: Record<string, string> = {}) {
  const seedDir = tinySeedDir({ proposer: "none" });
  let appUrl: string | null = null;
  const sb: SandboxHandle = await startSandbox({
    seedDir,
    app: idleApp,
    externalAppUrl: () => appUrl,
    logLevel: "error",
    // No runner: the baseline's training stays queued, the test is about the app's own pass.
    runners: { count: 0 },
  });
  cleanup.push(async () => {
    try {
      sb.assertNoViolations();
    } finally {
      await sb.stop();
      rmSync(seedDir, { recursive: true, force: true });
    }
  });
  const proxy = await ghesProxy(sb.url);
  cleanup.push(() => proxy.close());
  const server = await startBuiltServer(sb, proxy.host, await freePort(), env);
  cleanup.push(async () => server.kill());
  appUrl = `${server.url}/api/github/webhooks`;
  return { sb, proxy, server };
}

/** A write of the app to the repository (not its token exchange). */
const isRepoWrite = (r: SeenRequest) => r.method !== "GET" && r.path.startsWith("/repos/");

async function waitUntil(what: string, check: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function startRunAndSignal(sb: SandboxHandle, seen: SeenRequest[], server: BuiltServer) {
  const issue = await sb.human.openIssue(`Research ${TAG}`);
  await sb.human.comment(issue, `/autoresearch start ${TAG}`);
  // The pass has begun writing (writes are spaced 1 s apart: it has many seconds to go).
  await waitUntil("the app's first write", () => seen.some(isRepoWrite));
  server.child.kill("SIGTERM");
  return issue;
}

describe("dist/server.js", () => {
  it("answers GET /healthz with the version, the uptime and no run yet", async () => {
    const { server } = await setUp();
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = (await response.json()) as { uptimeSeconds: number };
    expect(body).toMatchObject({ ok: true, version: packageJson.version, failing: [], runs: {} });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect((await fetch(`${server.url}/healthz`, { method: "POST" })).status).toBe(405);
  });

  it("on SIGTERM takes no new webhook, finishes the pass in flight, and exits 0", async () => {
    const { sb, proxy, server } = await setUp({ AUTORESEARCH_DRAIN_SECONDS: "120" });
    const issue = await startRunAndSignal(sb, proxy.seen, server);
    await server.waitForLine(/^SIGTERM: taking no new webhooks/);
    // The listener is closed at once: a load balancer (or GitHub) sees the instance gone.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    expect(await server.exited).toEqual({ code: 0, signal: null });
    // Everything the pass meant to write is there: the run started, its baseline dispatched.
    const reply = sb.state.comments(issue).find((c) => c.body.includes(`Started run \`${TAG}\``));
    expect(reply?.user.login).toBe(`${sb.app.slug}[bot]`);
    const dashboard = sb.state.issues().find((i) => i.title.includes(TAG) && i.number !== issue);
    expect(dashboard).toBeDefined();
    expect(sb.state.runs()).toHaveLength(1);
    expect(server.lines().at(-1)?.msg).toBe("stopping (exit 0): the work in flight is done");

    // Every line of the pass names its run and the delivery that caused it; PR lines their PR.
    const delivery = sb.state.deliveries.find(
      (d) => d.event === "issue_comment" && d.action === "created",
    );
    const dispatched = server.lines().find((l) => /#\d+ dispatched/.test(String(l.msg)));
    expect(dispatched).toMatchObject({ run: TAG, delivery: delivery?.id });
    const pr = Number(/#(\d+) dispatched/.exec(String(dispatched?.msg))?.[1]);
    expect(sb.state.pull(pr).pull_request).toBeDefined();
    expect(dispatched?.pr).toBe(pr);
  }, 120_000);

  it("exits 1 at once on a second SIGTERM, leaving the pass unfinished", async () => {
    const { sb, proxy, server } = await setUp({ AUTORESEARCH_DRAIN_SECONDS: "120" });
    const issue = await startRunAndSignal(sb, proxy.seen, server);
    await server.waitForLine(/^SIGTERM: taking no new webhooks/);
    server.child.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 1, signal: null });
    expect(server.lines().at(-1)?.msg).toBe(
      "stopping (exit 1): a second signal: stopping with work unfinished",
    );
    expect(sb.state.comments(issue).some((c) => c.body.includes("Started run"))).toBe(false);
  }, 120_000);

  it("exits 1 when the drain bound passes", async () => {
    const { sb, proxy, server } = await setUp({ AUTORESEARCH_DRAIN_SECONDS: "0.5" });
    const issue = await startRunAndSignal(sb, proxy.seen, server);
    expect(await server.exited).toEqual({ code: 1, signal: null });
    expect(server.lines().at(-1)?.msg).toBe(
      "stopping (exit 1): the drain bound passed: stopping with work unfinished",
    );
    expect(sb.state.comments(issue).some((c) => c.body.includes("Started run"))).toBe(false);
  }, 120_000);

  it("refuses a drain bound that is not a number, saying what to set", async () => {
    const { sb, proxy } = await setUp();
    await expect(
      startBuiltServer(sb, proxy.host, await freePort(), { AUTORESEARCH_DRAIN_SECONDS: "soon" }),
    ).rejects.toThrow(/AUTORESEARCH_DRAIN_SECONDS is "soon": set it to how many seconds/);
  });
});
