/**
 * The chats the app posts digests to, as their real services receive them: a Slack incoming
 * webhook (`/services/T…/B…/…`), a Discord webhook (`/api/webhooks/<id>/<token>`), the Telegram
 * Bot API (`/bot<token>/sendMessage`) and the deprecated generic webhook (`/notify`). Each
 * checks the body the way its service does and answers as it does; a body the service would
 * refuse is also a contract violation (the app only logs a refused digest, so nothing else
 * would notice).
 *
 * Formats: Slack https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks,
 * Discord https://discord.com/developers/docs/resources/webhook#execute-webhook, Telegram
 * https://core.telegram.org/bots/api#sendmessage and #formatting-options.
 */

export type ChatKind = "slack" | "discord" | "telegram" | "webhook";

export interface ChatAnswer {
  /** Which service the path belongs to; null for a path none of them serves. */
  kind: ChatKind | null;
  status: number;
  contentType: string;
  body: string;
  /** Why the service refused the request, when it did (a 4xx). */
  problem: string | null;
}

const SLACK_PATH = /^\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/?$/;
const DISCORD_PATH = /^\/api(?:\/v\d+)?\/webhooks\/\d+\/[A-Za-z0-9_-]+\/?$/;
const TELEGRAM_PATH = /^\/bot([^/]*)\/([A-Za-z]+)$/;
const TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]+$/;

export const DISCORD_CONTENT_MAX = 2000;
export const TELEGRAM_TEXT_MAX = 4096;

/** The service a path belongs to, without looking at the request. */
export function chatKindOf(path: string): ChatKind | null {
  if (path === "/notify") return "webhook";
  if (SLACK_PATH.test(path)) return "slack";
  if (DISCORD_PATH.test(path)) return "discord";
  if (TELEGRAM_PATH.test(path)) return "telegram";
  return null;
}

/** Answers one POST as the service behind `path` would. */
export function answerChat(method: string, path: string, raw: string): ChatAnswer {
  const kind = chatKindOf(path);
  if (kind === null) return text(null, 404, "Not Found", `no chat service at ${path}`);
  if (kind === "webhook") return text(kind, 200, "ok", null);
  if (kind === "telegram") return answerTelegram(method, path, raw);
  if (method !== "POST") {
    return kind === "slack"
      ? text(kind, 405, "invalid_method", `Slack webhooks take POST, not ${method}`)
      : json(
          kind,
          405,
          { message: "405: Method Not Allowed", code: 0 },
          `Discord webhooks take POST, not ${method}`,
        );
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return kind === "slack"
      ? text(kind, 400, "invalid_payload", "the body is not JSON")
      : json(
          kind,
          400,
          { message: "The request body contains invalid JSON.", code: 50109 },
          "the body is not JSON",
        );
  }
  return kind === "slack" ? answerSlack(body) : answerDiscord(body);
}

function answerSlack(body: unknown): ChatAnswer {
  if (!isObject(body))
    return text("slack", 400, "invalid_payload", "the body is not a JSON object");
  const blocks = Array.isArray(body.blocks) && body.blocks.length > 0;
  if (body.text === undefined && !blocks)
    return text("slack", 400, "no_text", "no `text` (nor blocks) in the message");
  if (body.text !== undefined && (typeof body.text !== "string" || body.text.trim() === ""))
    return text("slack", 400, "no_text", "`text` is not a non-empty string");
  return text("slack", 200, "ok", null);
}

function answerDiscord(body: unknown): ChatAnswer {
  if (!isObject(body))
    return json(
      "discord",
      400,
      { message: "Cannot send an empty message", code: 50006 },
      "the body is not a JSON object",
    );
  const content = body.content;
  if (content !== undefined && typeof content !== "string")
    return invalidForm("content", "BASE_TYPE_STRING", "Must be a string.");
  if (typeof content === "string" && [...content].length > DISCORD_CONTENT_MAX)
    return invalidForm(
      "content",
      "BASE_TYPE_MAX_LENGTH",
      `Must be ${DISCORD_CONTENT_MAX} or fewer in length.`,
    );
  const embeds = Array.isArray(body.embeds) && body.embeds.length > 0;
  if ((typeof content !== "string" || content.trim() === "") && !embeds)
    return json(
      "discord",
      400,
      { message: "Cannot send an empty message", code: 50006 },
      "no content",
    );
  const mentions = body.allowed_mentions;
  if (mentions !== undefined) {
    if (!isObject(mentions))
      return invalidForm(
        "allowed_mentions",
        "MODEL_TYPE_CONVERT",
        "Only dictionaries may be used in a ModelType",
      );
    const parse = mentions.parse;
    if (
      parse !== undefined &&
      (!Array.isArray(parse) ||
        parse.some((p) => !["roles", "users", "everyone"].includes(p as string)))
    )
      return invalidForm(
        "allowed_mentions.parse",
        "ENUM_TYPE_COERCE",
        "Value must be one of {'roles', 'users', 'everyone'}.",
      );
  }
  return { kind: "discord", status: 204, contentType: "text/plain", body: "", problem: null };
}

function invalidForm(field: string, code: string, message: string): ChatAnswer {
  return json(
    "discord",
    400,
    {
      message: "Invalid Form Body",
      code: 50035,
      errors: { [field]: { _errors: [{ code, message }] } },
    },
    `${field}: ${message}`,
  );
}

function answerTelegram(method: string, path: string, raw: string): ChatAnswer {
  const [, token = "", apiMethod = ""] = TELEGRAM_PATH.exec(path) ?? [];
  if (!TELEGRAM_TOKEN.test(token)) return telegramError(404, "Not Found", "not a bot token");
  if (apiMethod.toLowerCase() !== "sendmessage")
    return telegramError(404, "Not Found", `the sandbox serves sendMessage only, not ${apiMethod}`);
  if (method !== "POST" && method !== "GET")
    return telegramError(405, "Method Not Allowed", `${method} is not a Bot API method call`);
  let body: unknown;
  try {
    body = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    return telegramError(400, "Bad Request: can't parse JSON object", "the body is not JSON");
  }
  if (!isObject(body))
    return telegramError(400, "Bad Request: can't parse JSON object", "not an object");
  const chatId = body.chat_id;
  if (chatId === undefined || chatId === null || chatId === "")
    return telegramError(400, "Bad Request: chat_id is empty", "no chat_id");
  if (typeof chatId !== "number" && typeof chatId !== "string")
    return telegramError(
      400,
      "Bad Request: chat not found",
      "chat_id is neither a number nor a string",
    );
  if (typeof body.text !== "string" || body.text.trim() === "")
    return telegramError(400, "Bad Request: message text is empty", "no text");
  let visible = body.text;
  const mode = body.parse_mode;
  if (mode !== undefined && mode !== "") {
    if (typeof mode !== "string")
      return telegramError(400, "Bad Request: unsupported parse_mode", "parse_mode not a string");
    const parsed =
      mode.toLowerCase() === "html"
        ? parseTelegramHtml(body.text)
        : mode.toLowerCase() === "markdownv2"
          ? parseMarkdownV2Plain(body.text)
          : mode.toLowerCase() === "markdown"
            ? {
                error:
                  "the sandbox does not model the legacy Markdown mode: use HTML or MarkdownV2",
              }
            : null;
    if (parsed === null)
      return telegramError(400, "Bad Request: unsupported parse_mode", `parse_mode ${mode}`);
    if ("error" in parsed)
      return telegramError(400, `Bad Request: can't parse entities: ${parsed.error}`, parsed.error);
    visible = parsed.text;
  }
  if (visible.trim() === "")
    return telegramError(400, "Bad Request: message text is empty", "no visible text");
  if (visible.length > TELEGRAM_TEXT_MAX)
    return telegramError(
      400,
      "Bad Request: message is too long",
      `${visible.length} characters after parsing`,
    );
  const preview = body.link_preview_options;
  if (preview !== undefined && !isObject(preview))
    return telegramError(
      400,
      "Bad Request: can't parse link preview options JSON object",
      "link_preview_options is not an object",
    );
  if (
    body.disable_web_page_preview !== undefined &&
    typeof body.disable_web_page_preview !== "boolean"
  )
    return telegramError(
      400,
      "Bad Request: disable_web_page_preview must be a boolean",
      "disable_web_page_preview not boolean",
    );
  return json(
    "telegram",
    200,
    {
      ok: true,
      result: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: "supergroup" },
        text: visible,
      },
    },
    null,
  );
}

function telegramError(status: number, description: string, problem: string): ChatAnswer {
  return json("telegram", status, { ok: false, error_code: status, description }, problem);
}

/** Tags of Telegram's HTML style (core.telegram.org/bots/api#html-style). */
const TELEGRAM_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-emoji",
]);

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/**
 * Telegram's HTML parse mode: the visible text, or why Telegram would answer "can't parse
 * entities". Tags must be known and balanced; `<` always opens a tag; `&` starts an entity
 * when one follows (only &lt; &gt; &amp; &quot; and numeric ones are known) and is kept as is
 * otherwise.
 */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const offset = (i: number) => Buffer.byteLength(html.slice(0, i), "utf8");
  const open: string[] = [];
  let text = "";
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === "&") {
      const m = /^&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]+));/.exec(html.slice(i, i + 12));
      const code = m?.[1] ? Number(m[1]) : m?.[2] ? Number.parseInt(m[2], 16) : null;
      const named = m?.[3] ? NAMED_ENTITIES[m[3]] : undefined;
      if (m && (named !== undefined || (code !== null && code <= 0x10ffff))) {
        text += named ?? String.fromCodePoint(code!);
        i += m[0].length;
        continue;
      }
      text += c;
      i++;
      continue;
    }
    if (c !== "<") {
      text += c;
      i++;
      continue;
    }
    const start = i;
    if (html[i + 1] === "/") {
      const close = html.indexOf(">", i);
      if (close < 0) return { error: `Unclosed end tag at byte offset ${offset(start)}` };
      const name = html
        .slice(i + 2, close)
        .trim()
        .toLowerCase();
      const expected = open.pop();
      if (expected === undefined || expected !== name) {
        return {
          error: `Unmatched end tag at byte offset ${offset(start)}, expected "</${expected ?? ""}>", found "</${name}>"`,
        };
      }
      i = close + 1;
      continue;
    }
    const nameMatch = /^[a-zA-Z0-9-]*/.exec(html.slice(i + 1))!;
    const name = nameMatch[0].toLowerCase();
    if (!TELEGRAM_TAGS.has(name))
      return { error: `Unsupported start tag "${name}" at byte offset ${offset(start)}` };
    const close = html.indexOf(">", i);
    if (close < 0) return { error: `Unclosed start tag at byte offset ${offset(start)}` };
    const attributes = html.slice(i + 1 + nameMatch[0].length, close);
    if (name === "span" && !/class\s*=\s*"tg-spoiler"/.test(attributes))
      return { error: `Tag "span" must have class "tg-spoiler" at byte offset ${offset(start)}` };
    open.push(name);
    i = close + 1;
  }
  const unclosed = open.pop();
  if (unclosed !== undefined)
    return { error: `Can't find end tag corresponding to start tag "${unclosed}"` };
  return { text };
}

const MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!\\";

/**
 * MarkdownV2, as far as the sandbox models it: plain text only, every reserved character escaped
 * with `\` (Telegram: "Character 'x' is reserved and must be escaped"). Markup itself is refused,
 * which is stricter than Telegram, never friendlier.
 */
export function parseMarkdownV2Plain(md: string): { text: string } | { error: string } {
  let text = "";
  for (let i = 0; i < md.length; i++) {
    const c = md[i]!;
    if (c === "\\") {
      const next = md[i + 1];
      if (next === undefined)
        return { error: `Can't find end of the entity starting at byte offset ${i}` };
      text += next;
      i++;
      continue;
    }
    if (MARKDOWN_V2_RESERVED.includes(c))
      return { error: `Character '${c}' is reserved and must be escaped with the preceding '\\'` };
    text += c;
  }
  return { text };
}

function text(
  kind: ChatKind | null,
  status: number,
  body: string,
  problem: string | null,
): ChatAnswer {
  return { kind, status, contentType: "text/plain", body, problem };
}

function json(
  kind: ChatKind | null,
  status: number,
  body: unknown,
  problem: string | null,
): ChatAnswer {
  return { kind, status, contentType: "application/json", body: JSON.stringify(body), problem };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
