import { formatBpb, formatDelta } from "./digest.js";
import { type NoiseFloor, noiseMultiple, noiseSources } from "./noise.js";
import type { RunState } from "./run-state.js";
import type { SweepStage } from "./state-block.js";
import { SWEEP_STAGE_NOTES } from "./sweep-proposer.js";

/** GitHub refuses issue bodies longer than this. */
export const ISSUE_BODY_LIMIT = 65_536;

export const RECENT_ROWS = 20;
const LIST_CAP = 30;
const ALERT_CAP = 20;
const NOTE_CAP = 5;
const DESCRIPTION_CAP = 100;

export const LEDGER_IN_ISSUE_NOTE = "GIST_TOKEN is not set: the ledger lives below in this issue";

export type SummaryStatus =
  | "keep"
  | "discard"
  | "crash"
  | "remeasure"
  | "training"
  | "queued"
  | "rejected";

/** What the dashboard needs to know about one experiment PR. */
export interface ExperimentSummary {
  n: number;
  pr: number;
  description: string;
  status: SummaryStatus;
  valBpb: number | null;
  delta: number | null;
  sha: string;
  /** ISO time of the last training dispatch; null when never dispatched. */
  dispatchedAt: string | null;
  /** A re-measurement of the run head (policy.baselineEvery), not an experiment: never counted. */
  remeasure?: boolean;
  /** The noise floor its verdict was decided against, if there was one. */
  noise?: number | null;
}

export interface DashboardInput {
  run: RunState;
  experiments: readonly ExperimentSummary[];
  /** ISO time the dashboard is drawn at. */
  now: string;
  chartUrl: string | null;
  ledgerUrl: string | null;
  /** results.tsv text when the ledger lives in the issue. */
  ledgerTsv: string | null;
  /** Problems found by the caller, e.g. experiments stuck waiting for a runner. */
  alerts: readonly string[];
  /** The run's noise floor, null until some code was measured twice. */
  noise?: NoiseFloor | null;
  /** policy.baselineEvery: 0 when re-measuring is off. */
  baselineEvery?: number;
  /** The built-in sweep's current stage; null or absent when the sweep is not proposing. */
  sweepStage?: SweepStage | null;
}

interface Row {
  n: number;
  pr: number;
  description: string;
}

export interface DashboardData {
  tag: string;
  status: RunState["status"];
  /** What the status means for the user, with the command to change it. */
  statusNote: string;
  branch: string;
  best: { valBpb: string; description: string; pr: number; sha7: string } | null;
  counts: { decided: number; kept: number; discarded: number; crashed: number; keepRate: string };
  /** The noise floor line; null when re-measuring is off and nothing was measured twice. */
  noiseNote: string | null;
  /** Which stage the built-in sweep is in, e.g. "combine stage (pairs, then triples of near-misses)". */
  sweepNote: string | null;
  inFlight: (Row & { phase: string; dispatched: string | null })[];
  queued: Row[];
  /** In-flight and queued experiments not listed, to keep the body small. */
  unlisted: number;
  recent: (Row & { valBpb: string; delta: string; status: SummaryStatus })[];
  chartUrl: string | null;
  ledgerUrl: string | null;
  ledgerNote: string | null;
  ledger: { tsv: string; omittedRows: number } | null;
  alerts: string[];
  notes: string[];
  run: RunState;
}

const STATUS_NOTES: Record<RunState["status"], string> = {
  running: "running: experiments are proposed and trained until someone stops the run",
  paused: "paused: nothing new is dispatched; comment `/autoresearch resume` to continue",
  stopped: "stopped: the run is over; its PRs and ledger stay as they are",
};

/** The dashboard's data, from the run state and its experiments. Pure. */
export function buildDashboard(input: DashboardInput): DashboardData {
  const { run, experiments } = input;
  const byN = [...experiments].sort((a, b) => a.n - b.n);
  const flying = byN.filter(isInFlight);
  const waiting = byN.filter((e) => e.status === "queued" && !isInFlight(e));
  return {
    tag: run.tag,
    status: run.status,
    statusNote: STATUS_NOTES[run.status],
    branch: run.branch,
    best: bestSoFar(byN),
    counts: countOutcomes(byN.filter((e) => !e.remeasure)),
    noiseNote: noiseNote(input.noise ?? null, input.baselineEvery ?? 0),
    sweepNote: input.sweepStage ? SWEEP_STAGE_NOTES[input.sweepStage] : null,
    inFlight: flying.slice(0, LIST_CAP).map((e) => ({
      ...row(e),
      phase: e.status === "training" ? "training" : "dispatched, waiting for a runner",
      // A clock time, not "minutes ago": the dashboard is rewritten only when something changed.
      dispatched: clockTime(e.dispatchedAt),
    })),
    queued: waiting.slice(0, LIST_CAP).map(row),
    unlisted: Math.max(0, flying.length - LIST_CAP) + Math.max(0, waiting.length - LIST_CAP),
    recent: byN
      .filter((e) => isFinished(e.status))
      .slice(-RECENT_ROWS)
      .reverse()
      .map((e) => ({
        ...row(e),
        valBpb: e.status === "crash" ? "crash" : e.valBpb === null ? "—" : formatBpb(e.valBpb),
        delta: deltaText(e),
        status: e.status,
      })),
    chartUrl: input.chartUrl,
    ledgerUrl: run.ledger === "gist" ? input.ledgerUrl : null,
    ledgerNote: run.ledger === "issue" ? LEDGER_IN_ISSUE_NOTE : null,
    ledger:
      run.ledger === "issue" && input.ledgerTsv !== null
        ? { tsv: input.ledgerTsv, omittedRows: 0 }
        : null,
    alerts: collectAlerts(input),
    notes: run.notes.slice(-NOTE_CAP),
    run,
  };
}

function isInFlight(e: ExperimentSummary): boolean {
  return e.status === "training" || (e.status === "queued" && e.dispatchedAt !== null);
}

function isFinished(status: SummaryStatus): boolean {
  return (
    status === "keep" ||
    status === "discard" ||
    status === "crash" ||
    status === "remeasure" ||
    status === "rejected"
  );
}

/** Δ against the best, with its multiple of the noise floor the verdict was decided against. */
function deltaText(e: ExperimentSummary): string {
  if (e.delta === null) return "—";
  const multiple = e.remeasure ? null : noiseMultiple(e.delta, e.noise);
  return multiple === null ? formatDelta(e.delta) : `${formatDelta(e.delta)} (${multiple})`;
}

function noiseNote(noise: NoiseFloor | null, every: number): string | null {
  const cadence =
    every > 0 ? `the run head is re-measured every ${every} experiments` : "re-measuring is off";
  if (noise === null) return every > 0 ? `not measured yet: ${cadence}` : null;
  const moves = `val_bpb of unchanged code moves by ${formatBpb(noise.mad)} (median absolute deviation, from ${noiseSources(noise)}; ${cadence})`;
  return noise.mad > 0
    ? `${moves}. A Δ's (n×) is that change in multiples of it`
    : `${moves}: repeated trainings agree exactly, so no Δ is stated in multiples of it`;
}

function row(e: ExperimentSummary): Row {
  return { n: e.n, pr: e.pr, description: clamp(e.description, DESCRIPTION_CAP) };
}

/** The lowest kept val_bpb; on a tie the later keep, which is the run branch head. */
function bestSoFar(byN: readonly ExperimentSummary[]): DashboardData["best"] {
  let best: ExperimentSummary | null = null;
  for (const e of byN) {
    if (e.status !== "keep" || e.valBpb === null) continue;
    if (best === null || e.valBpb <= (best.valBpb ?? Infinity)) best = e;
  }
  if (best === null || best.valBpb === null) return null;
  return {
    valBpb: formatBpb(best.valBpb),
    description: clamp(best.description, DESCRIPTION_CAP),
    pr: best.pr,
    sha7: best.sha.slice(0, 7),
  };
}

function countOutcomes(byN: readonly ExperimentSummary[]): DashboardData["counts"] {
  const count = (status: SummaryStatus) => byN.filter((e) => e.status === status).length;
  const kept = count("keep");
  const discarded = count("discard");
  const crashed = count("crash");
  const decided = kept + discarded + crashed;
  const keepRate = decided === 0 ? "—" : `${Math.round((kept / decided) * 100)}%`;
  return { decided, kept, discarded, crashed, keepRate };
}

/** `HH:MM UTC` of an ISO time, or null. */
function clockTime(iso: string | null): string | null {
  if (iso === null) return null;
  const at = new Date(iso);
  return Number.isFinite(at.getTime()) ? `${at.toISOString().slice(11, 16)} UTC` : null;
}

function collectAlerts(input: DashboardInput): string[] {
  const failures = input.run.proposer_failures;
  const proposer =
    failures > 0
      ? [
          `the proposer produced nothing ${failures} ${failures === 1 ? "time" : "times"} in a row: check its workflow runs, or push an experiment branch`,
        ]
      : [];
  const all = [...input.alerts, ...proposer];
  if (all.length <= ALERT_CAP) return all;
  return [...all.slice(0, ALERT_CAP), `and ${all.length - ALERT_CAP} more`];
}

function clamp(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/**
 * Renders, then trims until the body fits GitHub's limit: first the oldest ledger rows
 * (the PR trail can rebuild them), then the oldest recent rows, then the lists.
 */
export function fitDashboard(
  data: DashboardData,
  render: (data: DashboardData) => string,
  limit = ISSUE_BODY_LIMIT,
): string {
  let current = data;
  let body = render(current);
  while (body.length > limit) {
    const smaller = shrink(current, body.length - limit);
    if (smaller === null) {
      throw new Error(
        `dashboard body is ${body.length} characters even with no ledger or table rows, over GitHub's ${limit}: shorten the run's notes or alerts`,
      );
    }
    current = smaller;
    body = render(current);
  }
  return body;
}

function shrink(data: DashboardData, excess: number): DashboardData | null {
  if (data.ledger && ledgerRowCount(data.ledger.tsv) > 0) {
    // Room for the truncation note growing by a few digits.
    const trimmed = keepNewestRows(data.ledger.tsv, data.ledger.tsv.length - excess - 64);
    return {
      ...data,
      ledger: { tsv: trimmed.tsv, omittedRows: data.ledger.omittedRows + trimmed.omitted },
    };
  }
  if (data.recent.length > 0) return { ...data, recent: data.recent.slice(0, -1) };
  if (data.inFlight.length + data.queued.length > 0) {
    const dropped = data.inFlight.length + data.queued.length;
    return { ...data, inFlight: [], queued: [], unlisted: data.unlisted + dropped };
  }
  return null;
}

function ledgerRowCount(tsv: string): number {
  return tsv.split("\n").filter((line) => line !== "").length - 1;
}

/** The header and as many of the newest rows as fit in maxChars (at least the header). */
export function keepNewestRows(tsv: string, maxChars: number): { tsv: string; omitted: number } {
  const [header, ...rows] = tsv.split("\n").filter((line) => line !== "");
  if (header === undefined) return { tsv, omitted: 0 };
  let size = header.length + 1;
  let kept = 0;
  for (let i = rows.length - 1; i >= 0; i--) {
    if (size + rows[i].length + 1 > maxChars) break;
    size += rows[i].length + 1;
    kept++;
  }
  const newest = rows.slice(rows.length - kept);
  return { tsv: `${[header, ...newest].join("\n")}\n`, omitted: rows.length - kept };
}
