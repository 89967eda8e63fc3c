// The chat digest as each chat receives it: NOTIFY_URL lists a Slack webhook, a Discord webhook
// and a Telegram chat; the sandbox serves all three (NOTIFY_TEST_ORIGIN) and checks each body as
// its service does. A chat that fails or hangs is logged and holds no verdict.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../../sandbox/chat.js";
import type { Notification } from "../../sandbox/harness.js";
import {
  type Scenario,
  setConstants,
  startPastBaseline,
  startScenario,
  stopChecked,
} from "../support/app-scenarios.js";

const TAG = "chat";
const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SLACK_PATH = "/services/T000/B000/slacksecret123";
const DISCORD_PATH = "/api/webhooks/42/discordsecret456";
const NOTIFY_URL = [
  `https://hooks.slack.com${SLACK_PATH}`,
  `https://discord.com${DISCORD_PATH}`,
  `tg://${TOKEN}@-1001234567890`,
].join(",");
/** Longer than any verdict takes to apply here, so "decided before it timed out" means something. */
const CHAT_TIMEOUT_MS = 8000;

const warnings: string[] = [];
let s: Scenario;
beforeAll(async () => {
  s = await startScenario({
    config: { proposer: "none" },
    env: { NOTIFY_URL },
    app: {
      notifyTimeoutMs: CHAT_TIMEOUT_MS,
      log: { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    },
  });
  await startPastBaseline(s, TAG);
}, 150_000);
afterAll(() => stopChecked(s));

const digestsOf = (experiment: number) => (n: Notification) => {
  const body = n.body as { text?: string; content?: string };
  const text = body.text ?? body.content ?? "";
  return text.replace(/\\(.)/g, "$1").includes(`Experiment #${experiment}`);
};

describe("chat digests by URL", { timeout: 180_000 }, () => {
  it("sends the verdict to Slack, Discord and Telegram, each in its own format, hostile title and all", async () => {
    const title = "<!channel> @everyone <b>lr</b> [docs](https://evil.example) *16* & more";
    await s.pushExperiment(
      TAG,
      "hostile",
      { "train.py": setConstants({ LEARNING_RATE: "16.0" }) },
      title,
    );
    const decided = await s.waitForDecision(TAG, `autoresearch/${TAG}--hostile`, 120_000);
    await s.sandbox.settle({ timeoutMs: 60_000 });
    const n = decided.state.n;
    const sent = s.sandbox.notifications.filter(digestsOf(n));

    expect(sent.map((m) => [m.kind, m.status]).sort()).toEqual([
      ["discord", 204],
      ["slack", 200],
      ["telegram", 200],
    ]);
    const slack = sent.find((m) => m.kind === "slack")!;
    expect(slack.path).toBe(SLACK_PATH);
    expect((slack.body as { text: string }).text).toContain(
      `[${TAG}] Experiment #${n}: &lt;!channel&gt; @everyone &lt;b&gt;lr&lt;/b&gt; [docs](https://evil.example) *16* &amp; more`,
    );

    const discord = sent.find((m) => m.kind === "discord")!;
    expect(discord.path).toBe(DISCORD_PATH);
    const content = (discord.body as { content: string; allowed_mentions: unknown }).content;
    expect(discord.body).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(content).toContain("\\[docs\\]\\(https://evil.example\\)");
    expect(content).toContain("\\<b\\>lr\\</b\\>");

    const telegram = sent.find((m) => m.kind === "telegram")!;
    expect(telegram.path).toBe(`/bot${TOKEN}/sendMessage`);
    const body = telegram.body as { chat_id: number; text: string; parse_mode: string };
    expect(body).toMatchObject({
      chat_id: -1001234567890,
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    });
    expect(parseTelegramHtml(body.text)).toEqual({
      text: expect.stringContaining(`[${TAG}] Experiment #${n}: ${title}\nval_bpb: `),
    });
    // The deprecated NOTIFY_WEBHOOK_URL the sandbox also sets is ignored next to NOTIFY_URL.
    expect(sent.some((m) => m.kind === "webhook")).toBe(false);
    expect(warnings.join("\n")).toContain(
      "NOTIFY_WEBHOOK_URL is ignored because NOTIFY_URL is set",
    );
  });

  it("decides without waiting for a chat that fails or hangs, logs each by kind, and still reaches the others", async () => {
    s.sandbox.faults.failNextChatPosts("discord", 1, { status: 500 });
    s.sandbox.faults.failNextChatPosts("telegram", 1, { hang: true });
    const branch = `autoresearch/${TAG}--slow-chat`;
    await s.pushExperiment(
      TAG,
      "slow-chat",
      { "train.py": setConstants({ LEARNING_RATE: "1.0" }) },
      "LEARNING_RATE 16.0 → 1.0",
    );

    // The verdict is on GitHub (PR closed or merged) while Telegram has still not answered.
    await s.waitFor(
      "the verdict applied",
      () => {
        const e = s.experimentFor(TAG, branch);
        return e?.state.phase === "decided" && e.pr.state === "closed";
      },
      120_000,
    );
    const n = s.experimentFor(TAG, branch)!.state.n;
    const sentTo = (kind: string) =>
      s.sandbox.notifications.filter(digestsOf(n)).find((m) => m.kind === kind);
    await s.waitFor("the digest to reach Telegram", () => sentTo("telegram") !== undefined, 5000);
    expect(sentTo("telegram")?.status).toBe(0); // posted, not answered yet
    expect(warnings.some((w) => w.includes("no answer within"))).toBe(false);

    await s.waitFor(
      "the hanging chat to be given up",
      () => warnings.some((w) => w.includes("no answer within")),
      CHAT_TIMEOUT_MS + 10_000,
    );
    await s.sandbox.settle({ timeoutMs: 60_000 });
    const sent = s.sandbox.notifications.filter(digestsOf(n));
    expect(sent.map((m) => [m.kind, m.status]).sort()).toEqual([
      ["discord", 500],
      ["slack", 200],
      ["telegram", 0],
    ]);
    const logged = warnings.filter((w) => w.startsWith("chat digest to"));
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^chat digest to discord webhook discord\.com \(NOTIFY_URL entry 2\) not delivered: it answered 500/,
        ),
        expect.stringMatching(
          /^chat digest to telegram chat -1001234567890 \(NOTIFY_URL entry 3\) not delivered: no answer within 8 s/,
        ),
      ]),
    );
    for (const line of warnings) {
      expect(line).not.toContain(TOKEN.split(":")[1]);
      expect(line).not.toContain("discordsecret456");
      expect(line).not.toContain("slacksecret123");
    }
  });
});
