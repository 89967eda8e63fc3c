import * as z from "zod";
import { hiddenBlock } from "./hidden-block.js";

export const RunStatus = z.enum(["running", "paused", "stopped"]);
export type RunStatus = z.infer<typeof RunStatus>;

/**
 * One run's settings and progress, stored in its dashboard issue body as
 * `<!-- autoresearch:run {json} -->`. Together with the PR trail it is all the app remembers.
 */
export const RunStateSchema = z.object({
  v: z.literal(1),
  tag: z.string(),
  status: RunStatus,
  /** The run branch, `autoresearch/<tag>`. */
  branch: z.string(),
  /** The branch the run started from (the default branch). */
  base_branch: z.string(),
  /** The results.tsv gist; null when the ledger lives in the issue. */
  gist_id: z.string().nullable(),
  ledger: z.enum(["gist", "issue"]),
  /** Number the next experiment gets. */
  next_n: z.number().int().nonnegative(),
  started_at: z.string(),
  started_by: z.string(),
  /** Consecutive proposer runs that produced nothing. */
  proposer_failures: z.number().int().nonnegative(),
  /** Short events worth showing on the dashboard, newest last. */
  notes: z.array(z.string()),
  /** The `/autoresearch start` comment that created the run: a redelivery of it changes nothing. */
  start_comment_id: z.number().int().nullish(),
});
export type RunState = z.infer<typeof RunStateSchema>;

/** The run block in a dashboard's body. Read it through `trustDashboard`: only the app's own blocks count. */
export const runBlock = hiddenBlock("run", RunStateSchema);

/** The run in a body, unverified: for observers (tests, the demo), never for decisions. */
export function readRunBlock(body: string | null | undefined): RunState | null {
  return runBlock.read(body)?.value ?? null;
}

export function renderRunBlock(state: RunState, mac: string | null): string {
  return runBlock.render(state, mac);
}

/** Replaces the run block in a body (or appends one), leaving the rest as it was. */
export function withRunBlock(body: string, state: RunState, mac: string | null): string {
  return runBlock.replace(body, state, mac);
}

const LEDGER_OPEN = "<!-- autoresearch:ledger -->";
const LEDGER_CLOSE = "<!-- /autoresearch:ledger -->";

/**
 * results.tsv kept in the dashboard issue when no gist can be written. The fence is longer
 * than any backtick run in the text, so no description can close it early.
 */
export function ledgerSection(tsv: string): string {
  const longestRun = Math.max(0, ...(tsv.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  const text = tsv.endsWith("\n") ? tsv : `${tsv}\n`;
  return `${LEDGER_OPEN}\n${fence}tsv\n${text}${fence}\n${LEDGER_CLOSE}`;
}

/** The TSV of the ledger section (ending in a newline), or null when the body has none. */
export function readLedgerSection(body: string | null | undefined): string | null {
  if (!body) return null;
  const text = body.replace(/\r\n/g, "\n");
  const start = text.indexOf(`${LEDGER_OPEN}\n`);
  if (start < 0) return null;
  const opening = /^(`{3,})tsv\n/.exec(text.slice(start + LEDGER_OPEN.length + 1));
  if (!opening) return null;
  const contentStart = start + LEDGER_OPEN.length + 1 + opening[0].length;
  // The closing fence is the first line that is exactly the opening fence.
  const closing = text.indexOf(`\n${opening[1]}\n${LEDGER_CLOSE}`, contentStart - 1);
  if (closing < 0) return null;
  return text.slice(contentStart, closing + 1);
}
