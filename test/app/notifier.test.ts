import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotifier } from "../../src/app/notifier.js";
import { notifySetup } from "../../src/core/notify-targets.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SECRET = TOKEN.split(":")[1]!;
const SLACK = "https://hooks.slack.com/services/T000/B000/slacksecret123";
const DISCORD = "https://discord.com/api/webhooks/42/discordsecret456";

/** One chat server: each path answers as the test says (200, an error status, or never). */
function chats(answers: Record<string, number | "hang">) {
  const received: { path: string; body: unknown }[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, body: JSON.parse(raw) });
      const kind = path.startsWith("/services/")
        ? "slack"
        : path.startsWith("/api/")
          ? "discord"
          : "telegram";
      const answer = answers[kind] ?? 200;
      if (answer === "hang") hanging.push(res);
      else res.writeHead(answer).end(answer === 200 ? "ok" : `{"description":"broken ${kind}"}`);
    });
  });
  return {
    received,
    async origin(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

function logger() {
  const lines: string[] = [];
  return {
    lines,
    log: {
      info: () => {},
      warn: (m: string) => lines.push(m),
      error: (m: string) => lines.push(m),
    },
  };
}

describe("createNotifier", () => {
  const server = chats({ discord: 500, telegram: "hang" });
  let origin = "";
  beforeAll(async () => {
    origin = await server.origin();
    await fetch(`${origin}/services/T000/B000/warmup`, { method: "POST", body: "{}" }); // load fetch once
  });
  afterAll(() => server.close());

  it("is null without a target", () => {
    const { log } = logger();
    expect(createNotifier({ setup: notifySetup({}), log, track: () => {} })).toBeNull();
  });

  it("returns at once, posts to every target on its own, and logs the failing ones by kind without secrets", async () => {
    const { lines, log } = logger();
    const work: Promise<unknown>[] = [];
    const notify = createNotifier({
      setup: notifySetup({
        NOTIFY_URL: `tg://${TOKEN}@-100123,${DISCORD},${SLACK}`,
        NOTIFY_TEST_ORIGIN: origin,
      }),
      log,
      track: (w) => work.push(w),
      timeoutMs: 400,
    })!;

    const started = Date.now();
    notify({ tag: "nov26", digest: "Experiment #1: <!channel>\nStatus: keep" });
    expect(Date.now() - started).toBeLessThan(200); // well under the 400 ms Telegram is given
    expect(work).toHaveLength(3);

    await Promise.all(work);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(350); // the hanging Telegram was given its time…
    expect(waited).toBeLessThan(3000); // …and no more

    // The Slack post went through although Telegram hung and Discord failed before it.
    const paths = server.received.map((r) => r.path).filter((p) => !p.endsWith("/warmup"));
    expect(paths.sort()).toEqual(
      [`/bot${TOKEN}/sendMessage`, new URL(DISCORD).pathname, new URL(SLACK).pathname].sort(),
    );
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes("discord"))).toMatch(
      /chat digest to discord webhook discord\.com \(NOTIFY_URL entry 2\) not delivered: it answered 500 \(\{"description":"broken discord"\}\); the verdict stands/,
    );
    expect(lines.find((l) => l.includes("telegram"))).toMatch(
      /chat digest to telegram chat -100123 \(NOTIFY_URL entry 1\) not delivered: no answer within 0\.4 s/,
    );
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain("discordsecret456");
    }
  });

  it("logs a refused connection and never throws", async () => {
    const { lines, log } = logger();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const work: Promise<unknown>[] = [];
    const notify = createNotifier({
      setup: notifySetup({ NOTIFY_URL: SLACK, NOTIFY_TEST_ORIGIN: `http://127.0.0.1:${port}` }),
      log,
      track: (w) => work.push(w),
    })!;
    notify({ tag: "t", digest: "d" });
    await Promise.all(work);
    expect(lines).toEqual([
      expect.stringMatching(
        /slack webhook hooks\.slack\.com \(NOTIFY_URL entry 1\) not delivered: fetch failed \(ECONNREFUSED\)/,
      ),
    ]);
    expect(lines[0]).not.toContain("slacksecret123");
  });
});
