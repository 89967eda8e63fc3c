import { describe, expect, it } from "vitest";
import { answerChat, parseTelegramHtml } from "../../sandbox/chat.js";
import {
  chatRequest,
  DISCORD_LIMIT,
  describeTarget,
  discordBody,
  escapeDiscord,
  fitWithin,
  type NotifyTarget,
  notifySetup,
  parseNotifyUrls,
  redactTargets,
  SLACK_LIMIT,
  slackBody,
  TELEGRAM_LIMIT,
  telegramBody,
} from "../../src/core/notify-targets.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SLACK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
const DISCORD = "https://discord.com/api/webhooks/123456789012345678/abcDEF_ghi-JKL";

describe("parseNotifyUrls", () => {
  it.each<[string, string, Partial<NotifyTarget>[]]>([
    ["a Slack incoming webhook", SLACK, [{ kind: "slack", url: SLACK }]],
    ["a Discord webhook", DISCORD, [{ kind: "discord", url: DISCORD }]],
    [
      "a Discord webhook on discordapp.com, versioned",
      "https://discordapp.com/api/v10/webhooks/1/tok",
      [{ kind: "discord", url: "https://discordapp.com/api/v10/webhooks/1/tok" }],
    ],
    [
      "a Telegram group",
      `tg://${TOKEN}@-1001234567890`,
      [{ kind: "telegram", token: TOKEN, chatId: "-1001234567890" }],
    ],
    [
      "a Telegram channel by name",
      `tg://${TOKEN}@@research_news`,
      [{ kind: "telegram", token: TOKEN, chatId: "@research_news" }],
    ],
    [
      "three, with spaces and an empty entry",
      ` ${SLACK} , ,${DISCORD},tg://${TOKEN}@42 `,
      [
        { kind: "slack", source: "NOTIFY_URL entry 1" },
        { kind: "discord", source: "NOTIFY_URL entry 3" },
        { kind: "telegram", chatId: "42", source: "NOTIFY_URL entry 4" },
      ],
    ],
    ["the same URL twice, sent once", `${SLACK},${SLACK}`, [{ kind: "slack" }]],
  ])("%s", (_, list, expected) => {
    const targets = parseNotifyUrls(list);
    expect(targets).toHaveLength(expected.length);
    for (const [i, e] of expected.entries()) expect(targets[i]).toMatchObject(e);
  });

  it.each([
    [
      "an unknown host",
      "https://chat.example.com/hook",
      /entry 1 \(https:\/\/chat\.example\.com\/\*\*\*\): chat\.example\.com is not a chat/,
    ],
    [
      "plain http",
      "http://hooks.slack.com/services/T1/B1/x",
      /scheme http:\/\/ is not one NOTIFY_URL knows/,
    ],
    ["an unknown scheme", "matrix://room@server", /scheme matrix:\/\/ is not one/],
    [
      "not a URL",
      "hooks.slack.com/services/T1/B1/secretpart",
      /not a URL.*https:\/\/hooks\.slack\.com\/services/,
    ],
    [
      "a Slack URL that is no incoming webhook",
      "https://hooks.slack.com/workflows/T1/A1/1/x",
      /incoming webhook/,
    ],
    ["a Discord URL that is no webhook", "https://discord.com/channels/1/2", /channel webhook/],
    ["tg:// without @", `tg://${TOKEN}`, /no @ between the bot token and the chat id/],
    ["tg:// with a bad token", "tg://notatoken@-100123", /not of the form <bot id>:<secret>/],
    ["tg:// with a bad chat", `tg://${TOKEN}@my chat`, /chat id must be a number/],
    ["tg: without //", `tg:${TOKEN}@42`, /starts with tg:\/\//],
  ])("refuses %s, naming the entry and what to write", (_, entry, message) => {
    expect(() => parseNotifyUrls(`${SLACK},${entry}`)).toThrow(/NOTIFY_URL entry 2/);
    expect(() => parseNotifyUrls(entry)).toThrow(message);
  });

  it("lists every bad entry at once, and never shows a token or a webhook's secret", () => {
    let message = "";
    try {
      parseNotifyUrls(
        `tg://${TOKEN}@bad chat,https://hooks.slack.com/services/T1/B1/sekretsekret/extra,ftp://x`,
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/3 entries/);
    expect(message).toMatch(/entry 1 \(tg:\/\/\*\*\*@bad chat\)/);
    expect(message).toMatch(/entry 2 \(https:\/\/hooks\.slack\.com\/\*\*\*\)/);
    expect(message).toMatch(/entry 3/);
    expect(message).not.toContain(TOKEN.split(":")[1]);
    expect(message).not.toContain("sekretsekret");
  });
});

describe("notifySetup", () => {
  it("keeps NOTIFY_WEBHOOK_URL working as a deprecated generic webhook", () => {
    const setup = notifySetup({ NOTIFY_WEBHOOK_URL: "https://chat.example.com/hook" });
    expect(setup.targets).toEqual([
      { kind: "webhook", url: "https://chat.example.com/hook", source: "NOTIFY_WEBHOOK_URL" },
    ]);
    expect(setup.warnings.join()).toMatch(/NOTIFY_WEBHOOK_URL is deprecated: set NOTIFY_URL/);
  });

  it("takes NOTIFY_URL over NOTIFY_WEBHOOK_URL, and says the latter is ignored", () => {
    const setup = notifySetup({ NOTIFY_URL: SLACK, NOTIFY_WEBHOOK_URL: "https://x.example/h" });
    expect(setup.targets.map((t) => t.kind)).toEqual(["slack"]);
    expect(setup.warnings.join()).toMatch(
      /NOTIFY_WEBHOOK_URL is ignored because NOTIFY_URL is set/,
    );
  });

  it.each([
    [{}, 0],
    [{ NOTIFY_URL: "  " }, 0],
    [{ NOTIFY_URL: "", NOTIFY_WEBHOOK_URL: "" }, 0],
  ])("has no target without a URL (%j)", (env, count) => {
    expect(notifySetup(env)).toEqual({ targets: [], warnings: [], testOrigin: null });
    expect(count).toBe(0);
  });

  it.each([
    [
      { NOTIFY_WEBHOOK_URL: "not a url" },
      /NOTIFY_WEBHOOK_URL \(not a url\) is not an http\(s\) URL/,
    ],
    [{ NOTIFY_URL: SLACK, NOTIFY_TEST_ORIGIN: "nope" }, /NOTIFY_TEST_ORIGIN \(nope\) is not a URL/],
  ])("refuses %j", (env, message) => {
    expect(() => notifySetup(env)).toThrow(message);
  });

  it("reads the test origin", () => {
    expect(notifySetup({ NOTIFY_TEST_ORIGIN: "http://127.0.0.1:4000/x" }).testOrigin).toBe(
      "http://127.0.0.1:4000",
    );
  });
});

describe("describeTarget and redactTargets", () => {
  const [slack, telegram] = parseNotifyUrls(`${SLACK},tg://${TOKEN}@-100123`) as [
    NotifyTarget,
    NotifyTarget,
  ];
  it.each([
    [slack, "slack webhook hooks.slack.com (NOTIFY_URL entry 1)"],
    [telegram, "telegram chat -100123 (NOTIFY_URL entry 2)"],
  ])("describes %j without its secret", (target, text) => {
    expect(describeTarget(target)).toBe(text);
  });

  it("hides bot tokens and webhook paths in any text", () => {
    const text = `fetch https://api.telegram.org/bot${TOKEN}/sendMessage and ${SLACK} failed`;
    const redacted = redactTargets(text, [slack, telegram]);
    expect(redacted).not.toContain(TOKEN.split(":")[1]);
    expect(redacted).not.toContain("XXXXXXXXXXXXXXXXXXXXXXXX");
    expect(redacted).toBe(
      "fetch https://api.telegram.org/bot***/sendMessage and https://hooks.slack.com*** failed",
    );
  });
});

const HOSTILE: [string, string][] = [
  ["a Slack channel ping", "<!channel> lr up"],
  ["a Slack disguised link", "<http://evil.example|lr up>"],
  ["Discord pings", "@everyone @here <@123> <@&456>"],
  ["a Discord masked link", "[docs](https://evil.example)"],
  ["HTML", "<b>bold</b> & <script>x</script>"],
  ["markdown specials", "*a* _b_ ~c~ `d` ||e|| # f > g - h \\ i"],
  ["entities already written", "a &lt; b &amp; c"],
];

describe("chat formats for hostile PR titles", () => {
  const message = (title: string) => ({
    tag: "nov26",
    digest: `Experiment #3: ${title}\nval_bpb: 0.997900 → 0.993200 (-0.004700)\nStatus: keep`,
  });

  it.each(HOSTILE)("Slack: %s stays text (only &, <, > escaped)", (_, title) => {
    const { text } = slackBody(`[nov26] ${title}`);
    expect(text).not.toMatch(/[<>]/);
    expect(text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&")).toBe(
      `[nov26] ${title}`,
    );
  });

  it.each(HOSTILE)("Discord: %s stays text, pings no one", (_, title) => {
    const body = discordBody(`[nov26] ${title}`);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    // Every markdown character is backslash-escaped; removing the escapes gives the title back.
    expect(body.content.replace(/\\(.)/g, "$1")).toBe(`[nov26] ${title}`);
    expect(body.content).not.toMatch(/(^|[^\\])[[\]()<>*_~`|#]/);
  });

  it.each(HOSTILE)("Telegram: %s parses to exactly the title, the first line bold", (_, title) => {
    const body = telegramBody("-100123", `[nov26] ${title}\nStatus: keep`);
    expect(body).toMatchObject({
      chat_id: -100123,
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    });
    expect(body.text.startsWith("<b>")).toBe(true);
    expect(parseTelegramHtml(body.text)).toEqual({ text: `[nov26] ${title}\nStatus: keep` });
  });

  it("Telegram takes @channel chat ids as strings", () => {
    expect(telegramBody("@research_news", "x").chat_id).toBe("@research_news");
  });

  it.each<[string, NotifyTarget, string]>([
    ["slack", { kind: "slack", url: SLACK, source: "s" }, "slack"],
    ["discord", { kind: "discord", url: DISCORD, source: "s" }, "discord"],
    ["telegram", { kind: "telegram", token: TOKEN, chatId: "-100123", source: "s" }, "telegram"],
  ])(
    "a 5000-character title to %s fits its limit and is accepted by the sandbox's %s",
    (_, target, kind) => {
      const title = `${"<!channel> ".repeat(499)}end😀`; // 5,000+ characters, an emoji at the cut
      const request = chatRequest(target, message(title), "http://sandbox");
      const path = new URL(request.url).pathname;
      const answer = answerChat("POST", path, JSON.stringify(request.body));
      expect(answer).toMatchObject({ kind, problem: null });
      expect(answer.status).toBeLessThan(300);
      const body = request.body as { text?: string; content?: string };
      if (kind === "slack") expect(body.text!.length).toBeLessThanOrEqual(SLACK_LIMIT);
      if (kind === "discord") expect([...body.content!].length).toBeLessThanOrEqual(DISCORD_LIMIT);
      if (kind === "telegram") {
        const visible = parseTelegramHtml(body.text!) as { text: string };
        expect(visible.text.length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
        expect(visible.text.endsWith("…")).toBe(true);
      }
    },
  );

  it.each<[string, NotifyTarget, string]>([
    [
      "slack",
      { kind: "slack", url: SLACK, source: "s" },
      `http://sandbox${new URL(SLACK).pathname}`,
    ],
    [
      "discord",
      { kind: "discord", url: DISCORD, source: "s" },
      `http://sandbox${new URL(DISCORD).pathname}`,
    ],
    [
      "telegram",
      { kind: "telegram", token: TOKEN, chatId: "1", source: "s" },
      `http://sandbox/bot${TOKEN}/sendMessage`,
    ],
  ])("sends %s to the test origin, same path", (_, target, url) => {
    expect(chatRequest(target, message("x"), "http://sandbox").url).toBe(url);
  });

  it.each<[string, NotifyTarget, string]>([
    ["slack", { kind: "slack", url: SLACK, source: "s" }, SLACK],
    ["discord", { kind: "discord", url: DISCORD, source: "s" }, DISCORD],
    [
      "telegram",
      { kind: "telegram", token: TOKEN, chatId: "1", source: "s" },
      `https://api.telegram.org/bot${TOKEN}/sendMessage`,
    ],
  ])("sends %s to the real service without a test origin", (_, target, url) => {
    expect(chatRequest(target, message("x")).url).toBe(url);
  });

  it("keeps the deprecated generic webhook's body as it was", () => {
    const request = chatRequest(
      { kind: "webhook", url: "https://x.example/h", source: "NOTIFY_WEBHOOK_URL" },
      message("<!channel>"),
    );
    expect(request.body).toEqual({
      text: "[nov26] Experiment #3: &lt;!channel&gt;\nval_bpb: 0.997900 → 0.993200 (-0.004700)\nStatus: keep",
      content:
        "[nov26] Experiment #3: <!channel>\nval_bpb: 0.997900 → 0.993200 (-0.004700)\nStatus: keep",
      allowed_mentions: { parse: [] },
    });
  });
});

describe("fitWithin", () => {
  const one = (c: string) => c.length;
  it.each([
    ["abc", 3, "abc"],
    ["abcd", 3, "ab…"],
    ["a😀b", 3, "a…"], // the emoji (2 units) does not fit beside the ellipsis: never half of it
    ["a😀b", 4, "a😀b"],
  ])("fitWithin(%j, %d) = %j", (text, max, expected) => {
    expect(fitWithin(text, max, one)).toBe(expected);
  });

  it("counts escaped characters where the limit counts them (Discord)", () => {
    const out = escapeDiscord(
      fitWithin("_".repeat(3000), DISCORD_LIMIT, (c) => escapeDiscord(c).length),
    );
    expect(out.length).toBeLessThanOrEqual(DISCORD_LIMIT);
    expect(out.length).toBeGreaterThan(DISCORD_LIMIT - 3);
  });
});
