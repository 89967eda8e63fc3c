/** `autoresearch status`: a run's state from its dashboard and PR trail. Pure: data in, text out. */
import { formatBpb, formatDelta } from "../core/digest.js";
import { isRemeasure, noiseFloor, noiseFloorText } from "../core/noise.js";
import type { RunState } from "../core/run-state.js";
import { bestKept, type DecidedExperiment, decidedInOrder } from "../core/schedule.js";
import type { ExperimentState, VerdictStatus } from "../core/state-block.js";

/** What status needs to know about one PR into the run branch. */
export interface StatusPull {
  number: number;
  title: string;
  state: "open" | "closed";
  experiment: ExperimentState | null;
}

export interface StatusInput {
  repo: string;
  run: RunState;
  dashboard: { number: number; url: string };
  pulls: readonly StatusPull[];
  /** ISO time the report is made at. */
  now: string;
  lastVerdicts?: number;
}

export interface StatusReport {
  repo: string;
  tag: string;
  status: RunState["status"];
  branch: string;
  dashboard: { number: number; url: string };
  started_at: string;
  started_by: string;
  best: { pr: number; n: number; description: string; val_bpb: number; commit: string } | null;
  /** The noise floor: MAD of repeated measurements of unchanged code (see src/core/noise.ts). */
  noise_floor: { mad: number; remeasures: number; confirmed: number } | null;
  counts: {
    decided: number;
    kept: number;
    discarded: number;
    crashed: number;
    rejected: number;
    in_flight: number;
    queued: number;
  };
  in_flight: {
    pr: number;
    n: number;
    description: string;
    attempts: number;
    minutes_since_dispatch: number | null;
  }[];
  queued: { pr: number; n: number; description: string }[];
  /** Open PRs the app has not picked up yet (pushed branches waiting for the next pass). */
  not_yet_adopted: { pr: number; title: string }[];
  last_verdicts: {
    pr: number;
    n: number;
    description: string;
    status: VerdictStatus;
    val_bpb: number | null;
    delta: number | null;
    reason: string;
  }[];
  notes: string[];
}

const LAST_VERDICTS = 5;
const LAST_NOTES = 3;

export function buildStatusReport(input: StatusInput): StatusReport {
  const tracked = input.pulls.filter(
    (p): p is StatusPull & { experiment: ExperimentState } => p.experiment !== null,
  );
  const experiments: DecidedExperiment[] = tracked.map((p) => ({
    n: p.experiment.n,
    pr: p.number,
    state: p.experiment,
  }));
  const decided = decidedInOrder(experiments);
  const open = tracked
    .filter((p) => p.state === "open")
    .sort((a, b) => a.experiment.n - b.experiment.n);
  const inPhase = (phase: ExperimentState["phase"]) =>
    open.filter((p) => p.experiment.phase === phase);
  // Re-measurements of the run head are not experiments: they only feed the noise floor.
  const judged = decided.filter((e) => !isRemeasure(e.state));
  const count = (status: VerdictStatus) =>
    judged.filter((e) => e.state.verdict!.status === status).length;
  const noise = noiseFloor(experiments);
  const best = bestKept(experiments);
  return {
    repo: input.repo,
    tag: input.run.tag,
    status: input.run.status,
    branch: input.run.branch,
    dashboard: input.dashboard,
    started_at: input.run.started_at,
    started_by: input.run.started_by,
    best:
      best && best.state.result?.status === "ok"
        ? {
            pr: best.pr,
            n: best.n,
            description: best.state.description,
            val_bpb: best.state.result.val_bpb,
            commit: trainedSha(best.state).slice(0, 7),
          }
        : null,
    counts: {
      decided: judged.length,
      kept: count("keep"),
      discarded: count("discard"),
      crashed: count("crash"),
      rejected: tracked.filter((p) => p.experiment.phase === "rejected").length,
      in_flight: inPhase("training").length,
      queued: inPhase("queued").length,
    },
    noise_floor: noise,
    in_flight: inPhase("training").map((p) => ({
      pr: p.number,
      n: p.experiment.n,
      description: p.experiment.description,
      attempts: p.experiment.attempts,
      minutes_since_dispatch: minutesSince(p.experiment.dispatched_at, input.now),
    })),
    queued: inPhase("queued").map((p) => ({
      pr: p.number,
      n: p.experiment.n,
      description: p.experiment.description,
    })),
    not_yet_adopted: input.pulls
      .filter((p) => p.experiment === null && p.state === "open")
      .map((p) => ({ pr: p.number, title: p.title })),
    last_verdicts: decided
      .slice(-(input.lastVerdicts ?? LAST_VERDICTS))
      .reverse()
      .map(({ pr, n, state }) => ({
        pr,
        n,
        description: state.description,
        status: state.verdict!.status,
        val_bpb: state.verdict!.status === "crash" ? null : (state.result?.val_bpb ?? null),
        delta: state.verdict!.delta,
        reason: state.verdict!.reason,
      })),
    notes: input.run.notes.slice(-LAST_NOTES),
  };
}

export function formatStatusReport(report: StatusReport): string {
  const c = report.counts;
  const lines = [
    `Run ${report.tag} in ${report.repo}: ${report.status}${STATUS_HINTS[report.status]}`,
    field("dashboard", `#${report.dashboard.number} ${report.dashboard.url}`),
    field("branch", `${report.branch} (started ${report.started_at} by ${report.started_by})`),
    field(
      "best",
      report.best
        ? `val_bpb ${formatBpb(report.best.val_bpb)}: ${oneLine(report.best.description)} (#${report.best.pr}, ${report.best.commit})`
        : "nothing kept yet",
    ),
    field(
      "decided",
      `${c.decided}: ${c.kept} kept, ${c.discarded} discarded, ${c.crashed} crashed` +
        (c.rejected > 0 ? `; ${c.rejected} closed without training` : ""),
    ),
    ...(report.noise_floor ? [field("noise", noiseFloorText(report.noise_floor))] : []),
    ...list(
      "in flight",
      report.in_flight.map(
        (e) =>
          `#${e.pr} ${oneLine(e.description)} (attempt ${e.attempts}${e.minutes_since_dispatch === null ? "" : `, dispatched ${e.minutes_since_dispatch} min ago`})`,
      ),
    ),
    ...list(
      "queued",
      report.queued.map((e) => `#${e.pr} ${oneLine(e.description)}`),
    ),
  ];
  if (report.not_yet_adopted.length > 0) {
    lines.push(
      ...list(
        "arriving",
        report.not_yet_adopted.map(
          (p) => `#${p.pr} ${oneLine(p.title)} (pushed, the app checks and queues it next)`,
        ),
      ),
    );
  }
  if (report.last_verdicts.length > 0) {
    lines.push("", "Last verdicts, newest first:");
    for (const v of report.last_verdicts) {
      const bpb = v.val_bpb === null ? "—" : formatBpb(v.val_bpb);
      const delta = v.delta === null ? "" : ` (${formatDelta(v.delta)})`;
      lines.push(`  #${v.pr} ${v.status} ${bpb}${delta} ${oneLine(v.description)}`);
      lines.push(`      ${oneLine(v.reason)}`);
    }
  }
  if (report.notes.length > 0) {
    lines.push("", "Recent events:", ...report.notes.map((n) => `  - ${oneLine(n)}`));
  }
  return lines.join("\n");
}

const LABEL_WIDTH = 11;

const STATUS_HINTS: Record<StatusReport["status"], string> = {
  running: "",
  paused: " (nothing new is dispatched until `autoresearch resume`)",
  stopped: " (the run is over; its PRs and ledger stay)",
};

function field(label: string, value: string): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${value}`;
}

function list(label: string, items: string[]): string[] {
  if (items.length === 0) return [field(label, "none")];
  return items.map((item, i) => field(i === 0 ? label : "", item));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function trainedSha(state: ExperimentState): string {
  const tested = state.result?.head_sha;
  return tested && tested !== "unknown" ? tested : state.head_sha;
}

function minutesSince(iso: string | null, now: string): number | null {
  if (!iso) return null;
  const ms = Date.parse(now) - Date.parse(iso);
  return Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 60_000)) : null;
}
