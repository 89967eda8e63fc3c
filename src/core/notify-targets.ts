/**
 * Where each experiment's digest goes: NOTIFY_URL lists chat targets, each chosen by its URL
 * (a Slack incoming webhook, a Discord webhook, a Telegram bot and chat), and every target gets
 * the digest in its own chat's format. The digest carries PR titles, which anyone who can open a
 * PR writes: no chat may read them as a mention, a disguised link or markup.
 */
import { chatPayload, escapeSlack } from "./digest.js";
import { REDACTED } from "./redact.js";

export type NotifyKind = "slack" | "discord" | "telegram" | "webhook";

interface TargetBase {
  /** Where the target was configured, for messages: `NOTIFY_URL entry 2`. */
  source: string;
}

export type NotifyTarget =
  | (TargetBase & { kind: "slack"; url: string })
  | (TargetBase & { kind: "discord"; url: string })
  | (TargetBase & { kind: "telegram"; token: string; chatId: string })
  /** NOTIFY_WEBHOOK_URL (deprecated): one body that Slack and Discord both read. */
  | (TargetBase & { kind: "webhook"; url: string });

export interface NotifySetup {
  targets: NotifyTarget[];
  /** Said once at startup (a deprecated or ignored variable). */
  warnings: string[];
  /**
   * NOTIFY_TEST_ORIGIN, tests only: Slack, Discord and Telegram requests go to this origin
   * (same path) instead of hooks.slack.com, discord.com and api.telegram.org.
   */
  testOrigin: string | null;
}

/** A NOTIFY_URL (or NOTIFY_WEBHOOK_URL) the app cannot use: it does not start. */
export class NotifyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotifyConfigError";
  }
}

export const TELEGRAM_API = "https://api.telegram.org";

const FORMS =
  "NOTIFY_URL takes comma-separated https://hooks.slack.com/services/…, https://discord.com/api/webhooks/… or tg://<bot-token>@<chat-id>";

const SLACK_HOST = "hooks.slack.com";
const SLACK_PATH = /^\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/?$/;
const DISCORD_HOSTS = new Set([
  "discord.com",
  "discordapp.com",
  "ptb.discord.com",
  "canary.discord.com",
]);
const DISCORD_PATH = /^\/api(?:\/v\d+)?\/webhooks\/\d+\/[A-Za-z0-9_-]+\/?$/;
/** BotFather's tokens: the bot's numeric id, a colon, a secret of letters, digits, `_` and `-`. */
const TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
/** A chat's numeric id (groups and channels are negative) or a public `@channelusername`. */
const TELEGRAM_CHAT = /^(?:-?\d+|@[A-Za-z][A-Za-z0-9_]{3,31})$/;

/** Reads NOTIFY_URL, NOTIFY_WEBHOOK_URL and NOTIFY_TEST_ORIGIN; throws NotifyConfigError naming every bad entry. */
export function notifySetup(env: Readonly<Record<string, string | undefined>>): NotifySetup {
  const list = env.NOTIFY_URL?.trim() ?? "";
  const legacy = env.NOTIFY_WEBHOOK_URL?.trim() ?? "";
  const warnings: string[] = [];
  let targets: NotifyTarget[] = [];
  if (list) {
    targets = parseNotifyUrls(list);
    if (legacy)
      warnings.push(
        "NOTIFY_WEBHOOK_URL is ignored because NOTIFY_URL is set: add its URL to NOTIFY_URL and unset it",
      );
  } else if (legacy) {
    targets = [legacyTarget(legacy)];
    warnings.push(
      "NOTIFY_WEBHOOK_URL is deprecated: set NOTIFY_URL to the same Slack or Discord URL instead (each chat then gets its own format), or add tg://<bot-token>@<chat-id> for Telegram",
    );
  }
  return { targets, warnings, testOrigin: testOrigin(env.NOTIFY_TEST_ORIGIN) };
}

/** Parses NOTIFY_URL's comma-separated list; duplicates are sent once. */
export function parseNotifyUrls(list: string): NotifyTarget[] {
  const targets: NotifyTarget[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  list.split(",").forEach((raw, index) => {
    const entry = raw.trim();
    if (!entry) return;
    const source = `NOTIFY_URL entry ${index + 1}`;
    const parsed = parseEntry(entry, source);
    if (typeof parsed === "string") {
      problems.push(`${source} (${redactEntry(entry)}): ${parsed}`);
      return;
    }
    const key = parsed.kind === "telegram" ? `tg:${parsed.token}@${parsed.chatId}` : parsed.url;
    if (seen.has(key)) return;
    seen.add(key);
    targets.push(parsed);
  });
  if (problems.length > 0) {
    throw new NotifyConfigError(
      `NOTIFY_URL has ${problems.length === 1 ? "an entry" : `${problems.length} entries`} the app cannot use:\n- ${problems.join("\n- ")}\n${FORMS}: fix the entry (or remove it) and start again.`,
    );
  }
  return targets;
}

function parseEntry(entry: string, source: string): NotifyTarget | string {
  if (/^tg:/i.test(entry)) return parseTelegram(entry, source);
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return `not a URL. ${FORMS}`;
  }
  if (url.protocol !== "https:") {
    return `the scheme ${url.protocol}// is not one NOTIFY_URL knows (https://… for Slack and Discord, tg://… for Telegram)`;
  }
  if (url.username || url.password)
    return "a Slack or Discord URL carries no user name or password";
  const host = url.hostname.toLowerCase();
  if (host === SLACK_HOST) {
    if (!SLACK_PATH.test(url.pathname) || url.search) {
      return "a Slack URL must be an incoming webhook, https://hooks.slack.com/services/T…/B…/… (Slack app → Incoming Webhooks → Copy)";
    }
    return { kind: "slack", url: url.href, source };
  }
  if (DISCORD_HOSTS.has(host)) {
    if (!DISCORD_PATH.test(url.pathname)) {
      return "a Discord URL must be a channel webhook, https://discord.com/api/webhooks/<id>/<token> (Channel settings → Integrations → Webhooks → Copy Webhook URL)";
    }
    return { kind: "discord", url: url.href, source };
  }
  return `${host} is not a chat NOTIFY_URL knows. ${FORMS}`;
}

function parseTelegram(entry: string, source: string): NotifyTarget | string {
  const form = "write tg://<bot-token>@<chat-id>, e.g. tg://123456:ABC-…@-1001234567890";
  if (!entry.startsWith("tg://")) return `a Telegram target starts with tg:// (${form})`;
  const rest = entry.slice("tg://".length);
  const at = rest.indexOf("@");
  if (at < 0) return `no @ between the bot token and the chat id (${form})`;
  const token = decodeURIComponent(rest.slice(0, at));
  const chatId = rest.slice(at + 1).replace(/\/$/, "");
  if (!TELEGRAM_TOKEN.test(token)) {
    return `the bot token is not of the form <bot id>:<secret> that @BotFather gives (${form})`;
  }
  if (!TELEGRAM_CHAT.test(chatId)) {
    return `the chat id must be a number (e.g. -1001234567890 for a group or channel) or @channelusername (${form})`;
  }
  return { kind: "telegram", token, chatId, source };
}

function legacyTarget(entry: string): NotifyTarget {
  let url: URL | null = null;
  try {
    url = new URL(entry);
  } catch {
    // Said below.
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new NotifyConfigError(
      `NOTIFY_WEBHOOK_URL (${redactEntry(entry)}) is not an http(s) URL: set NOTIFY_URL instead (${FORMS}) and start again.`,
    );
  }
  return { kind: "webhook", url: url.href, source: "NOTIFY_WEBHOOK_URL" };
}

function testOrigin(value: string | undefined): string | null {
  const text = value?.trim();
  if (!text) return null;
  try {
    return new URL(text).origin;
  } catch {
    throw new NotifyConfigError(
      `NOTIFY_TEST_ORIGIN (${text}) is not a URL: it is for tests only; unset it or give http://host:port.`,
    );
  }
}

/**
 * What a message may show of an entry: scheme and host, never a path (a webhook URL's path is
 * its secret) nor a bot token. `tg://…@<chat>` keeps the chat id, which is no secret.
 */
export function redactEntry(entry: string): string {
  if (/^tg:/i.test(entry)) {
    const at = entry.indexOf("@");
    return at < 0 ? `tg://${REDACTED}` : `tg://${REDACTED}@${entry.slice(at + 1)}`;
  }
  try {
    const url = new URL(entry);
    return url.host ? `${url.protocol}//${url.host}/${REDACTED}` : `${url.protocol}${REDACTED}`;
  } catch {
    const head = entry.split("/")[0] ?? "";
    return `${head.length > 40 ? `${head.slice(0, 40)}…` : head}${entry.includes("/") ? `/${REDACTED}` : ""}`;
  }
}

/** A target in a log line, without its secret: `telegram chat -100123 (NOTIFY_URL entry 2)`. */
export function describeTarget(target: NotifyTarget): string {
  if (target.kind === "telegram") return `telegram chat ${target.chatId} (${target.source})`;
  return `${target.kind} webhook ${new URL(target.url).host} (${target.source})`;
}

/** The parts of a target that must never reach a log: a bot token, a webhook URL's path. */
export function targetSecrets(target: NotifyTarget): string[] {
  if (target.kind === "telegram") return [target.token, target.token.split(":")[1] ?? ""];
  const url = new URL(target.url);
  const secrets = [url.pathname, url.pathname.split("/").filter(Boolean).at(-1) ?? ""];
  if (url.search) secrets.push(url.search.slice(1));
  return secrets;
}

/** `text` with every secret of `targets` replaced by `***` (error messages can quote a URL). */
export function redactTargets(text: string, targets: readonly NotifyTarget[]): string {
  const secrets = [...new Set(targets.flatMap(targetSecrets))]
    .filter((s) => s.length >= 6)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
  return out;
}

export interface ChatMessage {
  /** The run's tag, shown first: `[nov26]`. */
  tag: string;
  /** digestLines(): three lines. */
  digest: string;
}

export interface ChatRequest {
  url: string;
  body: unknown;
}

// Discord refuses content over 2,000 characters. Telegram takes 1-4,096 characters of text
// after entity parsing. Slack cuts text at 40,000 and asks to stay under 4,000.
export const DISCORD_LIMIT = 2000;
export const TELEGRAM_LIMIT = 4096;
export const SLACK_LIMIT = 4000;

/** The request that posts `message` to `target` (at `testOrigin` instead of the chat's host, in tests). */
export function chatRequest(
  target: NotifyTarget,
  message: ChatMessage,
  testOrigin: string | null = null,
): ChatRequest {
  const text = `[${message.tag}] ${message.digest}`;
  switch (target.kind) {
    case "webhook":
      return { url: target.url, body: chatPayload(text) };
    case "slack":
      return { url: at(target.url, testOrigin), body: slackBody(text) };
    case "discord":
      return { url: at(target.url, testOrigin), body: discordBody(text) };
    case "telegram":
      return {
        url: `${testOrigin ?? TELEGRAM_API}/bot${target.token}/sendMessage`,
        body: telegramBody(target.chatId, text),
      };
  }
}

function at(url: string, origin: string | null): string {
  if (!origin) return url;
  const parsed = new URL(url);
  return `${origin}${parsed.pathname}${parsed.search}`;
}

/** Slack incoming webhook: `text`, with `&`, `<`, `>` escaped so no `<!channel>` or `<url|label>` forms. */
export function slackBody(text: string): { text: string } {
  return { text: escapeSlack(fitWithin(text, SLACK_LIMIT, (c) => escapeSlack(c).length)) };
}

/** Discord webhook: markdown escaped (no masked link, heading, code), and pinging no one. */
export function discordBody(text: string): {
  content: string;
  allowed_mentions: { parse: [] };
} {
  return {
    content: escapeDiscord(fitWithin(text, DISCORD_LIMIT, (c) => escapeDiscord(c).length)),
    allowed_mentions: { parse: [] },
  };
}

/** Telegram sendMessage: HTML parse mode, the first line bold, the rest escaped text; no link preview. */
export function telegramBody(
  chatId: string,
  text: string,
): {
  chat_id: number | string;
  text: string;
  parse_mode: "HTML";
  link_preview_options: { is_disabled: true };
} {
  // The limit counts the text after parsing: the visible characters, not the tags or entities.
  const visible = fitWithin(text, TELEGRAM_LIMIT, (c) => c.length);
  const cut = visible.indexOf("\n");
  const head = cut < 0 ? visible : visible.slice(0, cut);
  const tail = cut < 0 ? "" : visible.slice(cut);
  return {
    chat_id:
      /^-?\d+$/.test(chatId) && Number.isSafeInteger(Number(chatId)) ? Number(chatId) : chatId,
    text: `<b>${escapeTelegramHtml(head)}</b>${escapeTelegramHtml(tail)}`,
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true },
  };
}

/** Telegram's HTML style: every `<`, `>` and `&` that is not markup becomes an entity. */
export function escapeTelegramHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

// Discord's markdown: emphasis, strike, spoiler, code, masked links, headings, quotes, lists,
// and `<…>` (mentions, channels, timestamps). A backslash makes any of them a plain character.
const DISCORD_SPECIAL = /[\\*_~`|[\]()<>#-]/g;

/** The text as Discord shows it literally. */
export function escapeDiscord(text: string): string {
  return text.replace(DISCORD_SPECIAL, (c) => `\\${c}`);
}

/**
 * The longest start of `text` whose characters cost at most `max` in all (an ellipsis ends a
 * cut text), never splitting a surrogate pair.
 */
export function fitWithin(text: string, max: number, cost: (char: string) => number): string {
  let total = 0;
  for (const char of text) total += cost(char);
  if (total <= max) return text;
  const room = max - cost("…");
  let used = 0;
  let out = "";
  for (const char of text) {
    const c = cost(char);
    if (used + c > room) break;
    used += c;
    out += char;
  }
  return `${out}…`;
}
