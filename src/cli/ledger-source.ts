/** Where `results` and `chart` get the run's rows: the gist, the dashboard, or the PR trail. */
import { LEDGER_FILE } from "../app/record-run.js";
import {
  type LedgerRow,
  parseResults,
  ResultsFormatError,
  serializeResults,
} from "../core/results-tsv.js";
import { readLedgerSection } from "../core/run-state.js";
import { ledgerRows } from "../core/schedule.js";
import { listRunPulls } from "../github/experiment-pulls.js";
import type { DashboardIssue } from "../github/run-issues.js";
import { failedError } from "./exit-codes.js";
import { issueUrl, type Session } from "./github-session.js";

export interface Ledger {
  rows: LedgerRow[];
  /** Where the rows came from, for the person at the terminal. */
  source: string;
  /** Why the stored ledger was not used as is, or may be incomplete. */
  warnings: string[];
}

export async function readLedger(
  session: Session,
  dashboard: DashboardIssue,
  rebuild: boolean,
): Promise<Ledger> {
  if (rebuild) return fromTrail(session, dashboard, []);
  const run = dashboard.run;
  if (run.ledger === "gist" && run.gist_id) {
    const stored = await readGist(session, run.gist_id);
    if ("problem" in stored) return fromTrail(session, dashboard, [stored.problem]);
    return {
      rows: parseStored(stored.tsv, `gist ${run.gist_id}`),
      source: stored.url,
      warnings: [],
    };
  }
  const where = `the dashboard ${issueUrl(session, dashboard.number)}`;
  const tsv = readLedgerSection(dashboard.body);
  if (tsv === null) {
    return fromTrail(session, dashboard, [`${where} has no ledger section yet`]);
  }
  const omitted = /The oldest (\d+) rows are left out/.exec(dashboard.body);
  const warnings = omitted
    ? [
        `${where} leaves out the oldest ${omitted[1]} rows (GitHub's issue size limit): use --rebuild for all of them`,
      ]
    : [];
  return { rows: parseStored(tsv, where), source: where, warnings };
}

async function fromTrail(
  session: Session,
  dashboard: DashboardIssue,
  warnings: string[],
): Promise<Ledger> {
  const pulls = await listRunPulls(session.gh, dashboard.run.branch, session.root);
  const rows = ledgerRows(
    pulls.flatMap((p) =>
      p.experiment ? [{ n: p.experiment.n, pr: p.number, state: p.experiment }] : [],
    ),
  );
  const source = `the PR trail of ${dashboard.run.branch} (${pulls.length} PRs)`;
  return {
    rows,
    source,
    warnings: warnings.map((w) => `${w}: rebuilt from the PR trail instead`),
  };
}

async function readGist(
  session: Session,
  id: string,
): Promise<{ tsv: string; url: string } | { problem: string }> {
  try {
    const { data } = await session.gh.octokit.rest.gists.get({ gist_id: id });
    const file = data.files?.[LEDGER_FILE];
    if (!file || typeof file.content !== "string") {
      return { problem: `gist ${id} has no ${LEDGER_FILE}` };
    }
    // GitHub cuts file contents over about 1 MB; the trail holds every row.
    if (file.truncated) return { problem: `gist ${id} sent ${LEDGER_FILE} truncated` };
    return { tsv: file.content, url: data.html_url ?? `gist ${id}` };
  } catch (error) {
    const status =
      typeof error === "object" && error !== null && "status" in error ? error.status : "?";
    return { problem: `could not read gist ${id} (HTTP ${String(status)})` };
  }
}

function parseStored(tsv: string, where: string): LedgerRow[] {
  try {
    return parseResults(tsv);
  } catch (error) {
    if (error instanceof ResultsFormatError) {
      throw failedError(
        `the results.tsv in ${where} is malformed (${error.message}): run again with --rebuild to rebuild it from the PR trail`,
        error,
      );
    }
    throw error;
  }
}

/** results.tsv, or JSON rows named like its columns. Pure. */
export function formatLedger(rows: readonly LedgerRow[], format: "tsv" | "json"): string {
  if (format === "tsv") return serializeResults(rows);
  const json = rows.map((r) => ({
    commit: r.commit,
    val_bpb: r.valBpb,
    memory_gb: Number(r.memoryGb.toFixed(1)),
    status: r.status,
    description: r.description,
  }));
  return `${JSON.stringify(json, null, 2)}\n`;
}
