import type { ExperimentState } from "./state-block.js";

/** The training runs dispatched on an experiment's branch, as GitHub lists them (newest first). */
export interface BranchRuns {
  /** Every `workflow_dispatch` run of the training workflow on the experiment's branch. */
  total: number;
  /** The newest of them, or null when there is none. */
  newest: { id: number; headSha: string; createdAt: string } | null;
}

/**
 * What to record before dispatching a queued experiment whose branch has more training runs than
 * its state counts: a dispatch whose state write was lost (the write failed after GitHub had
 * started the run, or the app stopped between the two). Dispatching again would train it twice.
 *
 * - every run counted: null (dispatch as usual);
 * - the newest run trains the experiment's head: that run is adopted as the attempt in flight;
 * - it trained another head (the experiment was remade since): the runs are counted, and the
 *   experiment stays queued for a dispatch of its current head.
 */
export function recordUnrecordedRuns(
  state: ExperimentState,
  runs: BranchRuns,
): ExperimentState | null {
  if (state.phase !== "queued" || runs.total <= state.attempts || runs.newest === null) return null;
  if (runs.newest.headSha !== state.head_sha) return { ...state, attempts: runs.total };
  return {
    ...state,
    phase: "training",
    attempts: runs.total,
    dispatched_at: runs.newest.createdAt,
    run_id: runs.newest.id,
    note: null,
  };
}
