import { cleanDescription } from "./results-tsv.js";
import type { VerdictStatus } from "./state-block.js";

/** val_bpb as train.py prints it: 6 decimals. */
export function formatBpb(value: number): string {
  return value.toFixed(6);
}

/** A signed change in val_bpb, e.g. `-0.004700`; a change that rounds to zero is `±0.000000`. */
export function formatDelta(delta: number): string {
  const micro = Math.round(delta * 1e6);
  if (micro === 0) return "±0.000000";
  return `${micro > 0 ? "+" : "-"}${(Math.abs(micro) / 1e6).toFixed(6)}`;
}

export interface DigestInput {
  n: number;
  description: string;
  /** The best it was compared against; null for the run's first experiment. */
  best: number | null;
  /** Measured val_bpb; ignored for crashes. */
  valBpb: number | null;
  status: VerdictStatus;
  /** Short cause shown for crashes, e.g. `oom`. */
  crashReason?: string | null;
}

/** The three-line digest the autoresearch loop sends after each experiment. */
export function digestLines(input: DigestInput): string {
  const before = input.best === null ? "—" : formatBpb(input.best);
  return [
    `Experiment #${input.n}: ${cleanDescription(input.description)}`,
    `val_bpb: ${before} → ${outcome(input)}`,
    `Status: ${input.status}`,
  ].join("\n");
}

function outcome(input: DigestInput): string {
  if (input.status === "crash" || input.valBpb === null) {
    return `crash (${input.crashReason?.trim() || "no val_bpb"})`;
  }
  if (input.best === null) return formatBpb(input.valBpb);
  return `${formatBpb(input.valBpb)} (${formatDelta(input.valBpb - input.best)})`;
}

// Discord rejects messages over 2,000 characters; Slack accepts far more.
const CHAT_LIMIT = 2000;

/** One webhook body for both chats; each reads its own field and ignores the other's. */
export interface ChatPayload {
  /** Slack: the text with `&`, `<`, `>` escaped, so it cannot form `<!channel>`, `<@U…>` or `<url|label>`. */
  text: string;
  /** Discord: the text as is, which Discord does not parse for entities. */
  content: string;
  /** Discord: ping no one, whatever `@everyone`, `@here`, `<@id>` or `<@&role>` the text holds. */
  allowed_mentions: { parse: [] };
}

/**
 * The body for a Slack or Discord incoming webhook. The text carries PR titles,
 * which anyone who can open a PR writes, so neither chat may read it as a
 * mention or a disguised link.
 */
export function chatPayload(text: string): ChatPayload {
  const fitted = shorten(text, CHAT_LIMIT);
  return { text: escapeSlack(fitted), content: fitted, allowed_mentions: { parse: [] } };
}

/** Slack's "escaping text" rule: these three characters, and only these, become entities. */
export function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** At most `max` UTF-16 units, never ending in half an emoji. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  return `${/[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head}…`;
}
