import { type RepoClient, repoOf } from "./repo.js";
import { isStatus } from "./sticky-comment.js";

export interface WorkflowRunFacts {
  id: number;
  status: string;
  conclusion: string | null;
  headSha: string;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  htmlUrl: string;
  /** The workflow file, as GitHub gives it (`.github/workflows/x.yml`, maybe with owner/repo and @ref). */
  path: string;
  event: string;
}

/**
 * Asks GitHub Actions to run a workflow on a ref, and returns the id of the run it created
 * (`return_run_details`), so that only that run's result is believed.
 */
export async function dispatchTraining(
  gh: RepoClient,
  workflow: string,
  ref: string,
  inputs: Record<string, string>,
): Promise<{ runId: number | null }> {
  const response = await gh.octokit.rest.actions.createWorkflowDispatch({
    ...repoOf(gh),
    workflow_id: workflow,
    ref,
    inputs,
    return_run_details: true,
  });
  const data = response.data as { workflow_run_id?: number } | undefined;
  return { runId: typeof data?.workflow_run_id === "number" ? data.workflow_run_id : null };
}

/** One workflow run by id, or null when GitHub no longer has it. */
export async function getRun(gh: RepoClient, runId: number): Promise<WorkflowRunFacts | null> {
  try {
    const { data } = await gh.octokit.rest.actions.getWorkflowRun({ ...repoOf(gh), run_id: runId });
    return runFacts(data);
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}

/** The fields of a workflow run that GitHub sends alike in REST answers and webhook payloads. */
interface RunData {
  id: number;
  status: string | null;
  conclusion: string | null;
  head_sha: string;
  created_at: string;
  run_started_at?: string | null;
  updated_at: string;
  html_url: string;
  path: string;
  event: string;
}

/** A run as a `workflow_run` webhook (signed by GitHub) describes it: no request needed. */
export function runFactsOfPayload(run: RunData): WorkflowRunFacts {
  return runFacts(run);
}

function runFacts(r: RunData): WorkflowRunFacts {
  return {
    id: r.id,
    status: r.status ?? "queued",
    conclusion: r.conclusion ?? null,
    headSha: r.head_sha,
    createdAt: r.created_at,
    startedAt: r.run_started_at ?? null,
    updatedAt: r.updated_at,
    htmlUrl: r.html_url,
    path: r.path,
    event: r.event,
  };
}

/** Runs of the workflow on one branch, newest first, with how many there are in all. */
export async function listBranchRuns(
  gh: RepoClient,
  workflow: string,
  branch: string,
): Promise<{ total: number; runs: WorkflowRunFacts[] }> {
  const { data } = await gh.octokit.rest.actions.listWorkflowRuns({
    ...repoOf(gh),
    workflow_id: workflow,
    branch,
    event: "workflow_dispatch",
    per_page: 20,
  });
  return {
    total: data.total_count,
    runs: data.workflow_runs.map(runFacts),
  };
}

export async function cancelRun(gh: RepoClient, runId: number): Promise<void> {
  try {
    await gh.octokit.rest.actions.cancelWorkflowRun({ ...repoOf(gh), run_id: runId });
  } catch {
    // 409: the run already finished; nothing left to cancel.
  }
}
