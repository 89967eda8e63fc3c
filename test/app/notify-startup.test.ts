// NOTIFY_URL is read when the app starts: an entry it cannot use stops it there, and the
// deprecated NOTIFY_WEBHOOK_URL is said once.
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app/index.js";
import { NOTIFY_TIMEOUT_MS } from "../../src/app/notifier.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

/** Starts the app on a stand-in Probot that registers nothing; returns what it logged. */
function start(env: Record<string, string>): string[] {
  const lines: string[] = [];
  const quiet = { info() {}, warn() {}, error() {} };
  const app = createApp({
    env: { WEBHOOK_SECRET: "s3cret-for-tests", HEARTBEAT_SECONDS: "0", ...env },
    log: { info: () => {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) },
  });
  app({ log: quiet, on() {} } as unknown as Probot);
  return lines;
}

describe("NOTIFY_URL at startup", () => {
  it("stops the app on an entry it cannot use, naming the entry and hiding the token", () => {
    let message = "";
    try {
      start({ NOTIFY_URL: `https://hooks.slack.com/services/T1/B1/x,tg://${TOKEN}` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /NOTIFY_URL entry 2 \(tg:\/\/\*\*\*\): no @ between the bot token and the chat id/,
    );
    expect(message).not.toContain(TOKEN.split(":")[1]);
  });

  it("stops the app on an unknown scheme", () => {
    expect(() => start({ NOTIFY_URL: "mailto:team@example.com" })).toThrow(
      /NOTIFY_URL entry 1 .*scheme mailto:\/\/ is not one NOTIFY_URL knows/,
    );
  });

  it("starts with valid targets, and warns while the deprecated NOTIFY_WEBHOOK_URL is used", () => {
    expect(start({ NOTIFY_URL: `tg://${TOKEN}@-100123` })).toEqual([]);
    expect(start({ NOTIFY_WEBHOOK_URL: "https://hooks.slack.com/services/T1/B1/x" })).toEqual([
      expect.stringMatching(/^NOTIFY_WEBHOOK_URL is deprecated: set NOTIFY_URL/),
    ]);
  });

  it("gives a chat 10 s to answer unless told otherwise", () => {
    expect(NOTIFY_TIMEOUT_MS).toBe(10_000);
  });
});
