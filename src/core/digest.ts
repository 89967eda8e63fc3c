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

/** One body that both Slack (`text`) and Discord (`content`) incoming webhooks accept. */
export function chatPayload(text: string): { text: string; content: string } {
  const fitted = text.length <= CHAT_LIMIT ? text : `${text.slice(0, CHAT_LIMIT - 1)}…`;
  return { text: fitted, content: fitted };
}
