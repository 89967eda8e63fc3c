import type { TrainResult } from "./result-marker.js";
import { type LedgerRow, ledgerRow } from "./results-tsv.js";
import type { RunStatus } from "./run-state.js";
import type { ExperimentState } from "./state-block.js";

/** GitHub's facts about one experiment's training, as far as the app looked. */
export interface TrainingFacts {
  /** Dispatches GitHub has turned into runs of the workflow on this branch. */
  runsTotal: number;
  latest: {
    id: number;
    /** queued, waiting, requested, pending: not on a runner yet; in_progress; completed. */
    status: string;
    conclusion: string | null;
    /**
     * GitHub's run_started_at: when this attempt of the run was created or re-run.
     * For a first attempt it equals created_at even while the run still waits in
     * the queue, so it is not when a runner took the run.
     */
    startedAt: string | null;
    /** GitHub's updated_at: bumped when the run's status changes, e.g. queued → in_progress. */
    updatedAt?: string | null;
  } | null;
  /** The result marker written for `latest` by a trusted author, if any. */
  result: TrainResult | null;
  /** Markers and runs that were not the dispatched training's result, with why. */
  rejections: string[];
  /** The app already posted its verdict on this attempt (a pass that stopped before its state write). */
  verdictPosted?: boolean;
}

export interface StepInput {
  experiment: ExperimentState;
  pull: { state: "open" | "closed"; merged: boolean; headSha: string };
  training: TrainingFacts | null;
  now: string;
  timeoutMinutes: number;
  queuedAlertMinutes: number;
}

export type Step =
  | { kind: "idle" }
  /** The PR's head is not what the state says: a new commit that must be trained from scratch. */
  | { kind: "head-moved"; headSha: string }
  | { kind: "ready" }
  | { kind: "training"; waitingMinutes: number | null }
  | { kind: "stuck"; waitingMinutes: number }
  | { kind: "timed-out"; runId: number; minutes: number }
  | { kind: "result"; result: TrainResult }
  | { kind: "no-result"; runId: number; conclusion: string | null }
  /** Decided, but the merge or close did not happen yet (the app stopped in between). */
  | { kind: "apply" };

/** Grace on top of the action's own timeout before the app gives a run up. */
export const TIMEOUT_MARGIN_MINUTES = 5;

/** What one experiment needs next, from its state and what GitHub says. Pure. */
export function experimentStep(input: StepInput): Step {
  const { experiment: exp, pull, training } = input;
  if (exp.phase === "decided" || exp.phase === "rejected") {
    const settled = pull.state === "closed" || exp.phase === "rejected";
    return exp.phase === "decided" && !settled ? { kind: "apply" } : { kind: "idle" };
  }
  if (pull.state === "closed") return { kind: "idle" };
  if (pull.headSha !== exp.head_sha) return { kind: "head-moved", headSha: pull.headSha };
  if (exp.phase === "queued") return { kind: "ready" };

  // Training: has GitHub created the run of our latest dispatch yet?
  const waited = minutesBetween(exp.dispatched_at, input.now);
  if (!training || training.runsTotal < exp.attempts || !training.latest) {
    return waited !== null && waited >= input.queuedAlertMinutes
      ? { kind: "stuck", waitingMinutes: waited }
      : { kind: "training", waitingMinutes: waited };
  }
  const run = training.latest;
  if (run.status !== "completed" && run.status !== "in_progress") {
    // Waiting for a runner (or an approval) costs no GPU time: alert, never time out.
    return waited !== null && waited >= input.queuedAlertMinutes
      ? { kind: "stuck", waitingMinutes: waited }
      : { kind: "training", waitingMinutes: waited };
  }
  if (run.status === "in_progress") {
    const working = minutesBetween(workStartedAt(run), input.now);
    if (working !== null && working > input.timeoutMinutes + TIMEOUT_MARGIN_MINUTES) {
      return { kind: "timed-out", runId: run.id, minutes: working };
    }
    return { kind: "training", waitingMinutes: waited };
  }
  if (training.result && training.result.run_id === String(run.id)) {
    return { kind: "result", result: training.result };
  }
  return { kind: "no-result", runId: run.id, conclusion: run.conclusion };
}

/**
 * How many trainings may be dispatched at once: one per GPU runner, plus (preDispatch) one more
 * per runner waiting in the Actions queue. Until the baseline is measured there is nothing to
 * compare with, so one at a time.
 */
export function dispatchLimit(input: {
  concurrency: number;
  preDispatch: boolean;
  baselineMeasured: boolean;
}): number {
  if (!input.baselineMeasured) return 1;
  return input.preDispatch ? input.concurrency * 2 : input.concurrency;
}

/** How many to dispatch now and how many new proposals to ask for. Pure. */
export function refillPlan(input: {
  status: RunStatus;
  inFlight: number;
  ready: number;
  concurrency: number;
  queueDepth: number;
}): { dispatch: number; propose: number } {
  if (input.status !== "running") return { dispatch: 0, propose: 0 };
  const free = Math.max(0, input.concurrency - input.inFlight);
  const dispatch = Math.min(free, input.ready);
  const readyAfter = input.ready - dispatch;
  // Keep every free GPU busy and queueDepth more ready, so the GPU never waits on the proposer.
  const wanted = free - dispatch + input.queueDepth;
  return { dispatch, propose: Math.max(0, wanted - readyAfter) };
}

export interface DecidedExperiment {
  n: number;
  pr: number;
  state: ExperimentState;
}

/**
 * results.tsv rows from the PR trail: one per decided experiment, in the order decisions happened.
 * Re-measurements of the run head (policy.baselineEvery) are not experiments: they stay out.
 */
export function ledgerRows(experiments: readonly DecidedExperiment[]): LedgerRow[] {
  return decidedInOrder(experiments).flatMap(({ state }) => {
    const status = state.verdict!.status;
    if (state.source === "remeasure" || status === "remeasure") return [];
    return ledgerRow({
      sha:
        state.result?.head_sha && state.result.head_sha !== "unknown"
          ? state.result.head_sha
          : state.head_sha,
      status,
      valBpb: state.result?.val_bpb ?? null,
      peakVramMb: state.result?.peak_vram_mb ?? null,
      description: state.description,
    });
  });
}

export function decidedInOrder(experiments: readonly DecidedExperiment[]): DecidedExperiment[] {
  return experiments
    .filter((e) => e.state.phase === "decided" && e.state.verdict !== null)
    .sort(
      (a, b) => (a.state.decided_at ?? "").localeCompare(b.state.decided_at ?? "") || a.n - b.n,
    );
}

/** The run's best: the last kept experiment in decision order (keeps only ever improve). */
export function bestKept(experiments: readonly DecidedExperiment[]): DecidedExperiment | null {
  const kept = decidedInOrder(experiments).filter((e) => e.state.verdict!.status === "keep");
  return kept.at(-1) ?? null;
}

/**
 * The latest sign of when an in-progress run began work. run_started_at alone
 * would count a long queue as training time; updated_at moved when the run
 * left the queue, and later updates only push the start (and so a timeout)
 * later, never earlier.
 */
function workStartedAt(run: NonNullable<TrainingFacts["latest"]>): string | null {
  const times = [run.startedAt, run.updatedAt].filter((t): t is string => !!t);
  if (times.length === 0) return null;
  return times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

function minutesBetween(from: string | null | undefined, to: string): number | null {
  if (!from) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.floor(ms / 60_000) : null;
}
