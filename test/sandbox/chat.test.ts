import { describe, expect, it } from "vitest";
import { answerChat, chatKindOf, parseTelegramHtml } from "../../sandbox/chat.js";

const TG = "/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage";
const SLACK = "/services/T000/B000/XXXX";
const DISCORD = "/api/webhooks/1234/tok-en_1";
const post = (path: string, body: unknown) =>
  answerChat("POST", path, typeof body === "string" ? body : JSON.stringify(body));

describe("chatKindOf", () => {
  it.each([
    ["/notify", "webhook"],
    [SLACK, "slack"],
    [DISCORD, "discord"],
    ["/api/v10/webhooks/1/t", "discord"],
    [TG, "telegram"],
    ["/services/T000", null],
    ["/elsewhere", null],
  ])("%s → %s", (path, kind) => {
    expect(chatKindOf(path)).toBe(kind);
  });
});

describe("the Telegram Bot API's sendMessage", () => {
  it("accepts chat_id, text and a valid HTML parse mode", () => {
    const answer = post(TG, { chat_id: -100123, text: "<b>a &lt; b</b>", parse_mode: "HTML" });
    expect(answer).toMatchObject({ kind: "telegram", status: 200, problem: null });
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, result: { text: "a < b" } });
  });

  it.each([
    [{ text: "x" }, 400, "Bad Request: chat_id is empty"],
    [{ chat_id: 1 }, 400, "Bad Request: message text is empty"],
    [{ chat_id: 1, text: "   " }, 400, "Bad Request: message text is empty"],
    [{ chat_id: 1, text: "x", parse_mode: "BBCode" }, 400, "Bad Request: unsupported parse_mode"],
    [
      { chat_id: 1, text: "PR <script>", parse_mode: "HTML" },
      400,
      `Bad Request: can't parse entities: Unsupported start tag "script" at byte offset 3`,
    ],
    [
      { chat_id: 1, text: "<b>open", parse_mode: "HTML" },
      400,
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    ],
    [
      { chat_id: 1, text: "<b>x</i>", parse_mode: "HTML" },
      400,
      `Bad Request: can't parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`,
    ],
    [
      { chat_id: 1, text: "a.b", parse_mode: "MarkdownV2" },
      400,
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    ],
    [{ chat_id: 1, text: "x".repeat(4097) }, 400, "Bad Request: message is too long"],
    [
      { chat_id: 1, text: "x", link_preview_options: true },
      400,
      "Bad Request: can't parse link preview options JSON object",
    ],
  ])("refuses %j as Telegram does", (body, status, description) => {
    const answer = post(TG, body);
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body)).toEqual({ ok: false, error_code: status, description });
    expect(answer.problem).not.toBeNull();
  });

  it("counts the 4,096 characters after entity parsing", () => {
    const text = `<b>${"&lt;".repeat(4096)}</b>`;
    expect(post(TG, { chat_id: 1, text, parse_mode: "HTML" }).status).toBe(200);
  });

  it.each([
    ["/botnotatoken/sendMessage", 404],
    ["/bot123:abc/getUpdates", 404],
  ])("answers %s with %d", (path, status) => {
    expect(post(path, { chat_id: 1, text: "x" }).status).toBe(status);
  });
});

describe("parseTelegramHtml", () => {
  it.each([
    ["plain & text > here", "plain & text > here"],
    ["&amp;&lt;&gt;&quot;&#33;&#x41;", `&<>"!A`],
    ["&unknown; stays", "&unknown; stays"],
    ['<a href="https://x">x</a> <span class="tg-spoiler">s</span>', "x s"],
    ["<B>caps</B>", "caps"],
  ])("%j → %j", (html, text) => {
    expect(parseTelegramHtml(html)).toEqual({ text });
  });

  it.each([
    ["<span>x</span>", /Tag "span" must have class "tg-spoiler"/],
    ["a <b", /Unclosed start tag/],
    ["</b>", /Unmatched end tag/],
    ["é<x>", /Unsupported start tag "x" at byte offset 2/],
    ["1 < 2", /Unsupported start tag "" at byte offset 2/],
  ])("%j is refused: %s", (html, error) => {
    expect((parseTelegramHtml(html) as { error: string }).error).toMatch(error);
  });
});

describe("a Slack incoming webhook", () => {
  it.each([
    [{ text: "hi" }, 200, "ok"],
    [{ username: "x" }, 400, "no_text"],
    [{ text: "" }, 400, "no_text"],
    ["{nope", 400, "invalid_payload"],
    [[1], 400, "invalid_payload"],
  ])("answers %j with %d %s", (body, status, text) => {
    const answer = post(SLACK, body);
    expect([answer.status, answer.body]).toEqual([status, text]);
    expect(answer.problem === null).toBe(status === 200);
  });
});

describe("a Discord webhook", () => {
  it.each([
    [{ content: "hi", allowed_mentions: { parse: [] } }, 204, null],
    [{ content: "x".repeat(2000) }, 204, null],
    [{ content: "x".repeat(2001) }, 400, 50035],
    [{ content: "" }, 400, 50006],
    [{ text: "slack style" }, 400, 50006],
    [{ content: "x", allowed_mentions: { parse: ["channels"] } }, 400, 50035],
    ["{nope", 400, 50109],
  ])("answers %j with %d", (body, status, code) => {
    const answer = post(DISCORD, body);
    expect(answer.status).toBe(status);
    if (code !== null) expect(JSON.parse(answer.body).code).toBe(code);
  });
});
