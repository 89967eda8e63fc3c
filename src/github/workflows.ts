import { type RepoClient, repoOf } from "./repo.js";

export interface WorkflowRunFacts {
  id: number;
  status: string;
  conclusion: string | null;
  headSha: string;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  htmlUrl: string;
}

/** Asks GitHub Actions to train one PR: the user's workflow, on the PR's head ref. */
export async function dispatchTraining(
  gh: RepoClient,
  workflow: string,
  ref: string,
  inputs: Record<string, string>,
): Promise<void> {
  await gh.octokit.rest.actions.createWorkflowDispatch({
    ...repoOf(gh),
    workflow_id: workflow,
    ref,
    inputs,
  });
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
    runs: data.workflow_runs.map((r) => ({
      id: r.id,
      status: r.status ?? "queued",
      conclusion: r.conclusion ?? null,
      headSha: r.head_sha,
      createdAt: r.created_at,
      startedAt: r.run_started_at ?? null,
      updatedAt: r.updated_at,
      htmlUrl: r.html_url,
    })),
  };
}

export async function cancelRun(gh: RepoClient, runId: number): Promise<void> {
  try {
    await gh.octokit.rest.actions.cancelWorkflowRun({ ...repoOf(gh), run_id: runId });
  } catch {
    // 409: the run already finished; nothing left to cancel.
  }
}
