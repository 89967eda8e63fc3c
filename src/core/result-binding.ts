import { readResultMarker, type TrainResult } from "./result-marker.js";

/** What the app expects of the training it dispatched: the run GitHub started, on the head it checked. */
export interface Expected {
  runId: number;
  headSha: string;
  /** The configured training workflow file (`autoresearch.yml`). */
  workflow: string;
  repository: string;
  /** Logins whose comments may carry results (the workflow's bot). */
  authors: readonly string[];
}

export interface RunSeen {
  id: number;
  path: string;
  event: string;
  headSha: string;
}

/**
 * Why a workflow run is not the training the app dispatched, or null when it is: the same id,
 * the configured workflow file, a dispatch, on the head the app checked.
 */
export function runMismatch(run: RunSeen, expected: Expected): string | null {
  if (run.id !== expected.runId)
    return `run ${run.id} is not the run ${expected.runId} the app dispatched`;
  if (!isWorkflowPath(run.path, expected.repository, expected.workflow)) {
    return `run ${run.id} is of ${run.path}, not .github/workflows/${expected.workflow}`;
  }
  if (run.event !== "workflow_dispatch")
    return `run ${run.id} was started by ${run.event}, not by the app's dispatch`;
  if (run.headSha !== expected.headSha) {
    return `run ${run.id} trained ${run.headSha.slice(0, 7)}, not the checked head ${expected.headSha.slice(0, 7)}`;
  }
  return null;
}

/**
 * A workflow run's `path`: `.github/workflows/x.yml`, possibly as `owner/repo/.github/workflows/x.yml`
 * and with `@<ref>` (GitHub's description shows both forms).
 */
export function isWorkflowPath(path: string, repository: string, workflow: string): boolean {
  const bare = path.replace(/@.*$/, "");
  const file = `.github/workflows/${workflow}`;
  return bare === file || bare.toLowerCase() === `${repository}/${file}`.toLowerCase();
}

export type MarkerVerdict =
  | { kind: "none" }
  | { kind: "accepted"; result: TrainResult }
  | { kind: "rejected"; reason: string };

/**
 * Whether one PR comment carries the result of the expected run: written by the workflow's bot,
 * for that run id and that head. Anything else is not a result, and says why.
 */
export function judgeMarker(
  comment: { author: string; body: string },
  expected: Expected,
): MarkerVerdict {
  const read = readResultMarker(comment.body);
  if (!read.found) return { kind: "none" };
  if (!expected.authors.includes(comment.author)) {
    return {
      kind: "rejected",
      reason: `a result marker by @${comment.author} was ignored: only ${expected.authors.map((a) => `@${a}`).join(", ")} report results (config: resultAuthors)`,
    };
  }
  if (!read.ok)
    return { kind: "rejected", reason: `a result marker was unreadable: ${read.error}` };
  const result = read.result;
  if (result.run_id !== String(expected.runId)) {
    // Earlier attempts' comments carry their own run ids: not news, not a rejection.
    return { kind: "none" };
  }
  if (result.head_sha !== expected.headSha) {
    return {
      kind: "rejected",
      reason: `the result of run ${result.run_id} names head ${result.head_sha.slice(0, 7)}, not ${expected.headSha.slice(0, 7)}`,
    };
  }
  return { kind: "accepted", result };
}
