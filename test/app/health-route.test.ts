// GET /healthz as Probot's server mounts it (addHandler), over real HTTP.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { healthRoute } from "../../src/app/health-route.js";
import { healthReport, type PassRecord } from "../../src/core/server-health.js";

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

/** Serves the route in front of a 404, as Probot's handler chain does. */
async function serve(runs: Map<string, PassRecord>): Promise<string> {
  const route = healthRoute(() =>
    healthReport(runs, { version: "9.9.9", startedAt: new Date(0), now: new Date(5_000) }),
  );
  server = createServer((req, res) => {
    if (!route(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const failing = (n: number): PassRecord => ({
  lastPassAt: "2026-12-01T03:00:00.000Z",
  lastOkAt: null,
  lastError: "GitHub answered 502",
  consecutiveFailures: n,
});

describe("healthRoute", () => {
  it("answers 503 with the failing run and its last error", async () => {
    const url = await serve(new Map([["acme/research#nov26", failing(3)]]));
    const response = await fetch(`${url}/healthz?verbose=1`);
    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      ok: false,
      version: "9.9.9",
      uptimeSeconds: 5,
      failing: ["acme/research#nov26"],
      runs: { "acme/research#nov26": failing(3) },
    });
  });

  it("answers 200 while failures are fewer than three in a row, HEAD without a body", async () => {
    const url = await serve(new Map([["acme/research#nov26", failing(2)]]));
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const head = await fetch(`${url}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("leaves other paths to the next handler", async () => {
    const url = await serve(new Map());
    expect((await fetch(`${url}/healthzz`)).status).toBe(404);
    expect((await fetch(`${url}/api/github/webhooks`)).status).toBe(404);
  });
});
