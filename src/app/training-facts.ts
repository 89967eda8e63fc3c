import { readResultMarker, type TrainResult } from "../core/result-marker.js";
import type { TrainingFacts } from "../core/schedule.js";
import { type RepoClient, repoOf } from "../github/repo.js";
import { listBranchRuns } from "../github/workflows.js";

/**
 * What GitHub knows about an experiment's training: the runs of the workflow on
 * its branch and the result marker the runner wrote for the latest one. Only
 * comments by the configured result authors count: a marker pasted by anyone
 * else is ignored.
 */
export async function findTrainingFacts(
  gh: RepoClient,
  options: { workflow: string; branch: string; pr: number; resultAuthors: readonly string[] },
): Promise<TrainingFacts> {
  const { total, runs } = await listBranchRuns(gh, options.workflow, options.branch);
  const latest = runs[0] ?? null;
  let result: TrainResult | null = null;
  if (latest?.status === "completed") {
    result = await findResult(gh, options.pr, options.resultAuthors, String(latest.id));
  }
  return {
    runsTotal: total,
    latest: latest && {
      id: latest.id,
      status: latest.status,
      conclusion: latest.conclusion,
      startedAt: latest.startedAt,
      updatedAt: latest.updatedAt,
    },
    result,
  };
}

async function findResult(
  gh: RepoClient,
  pr: number,
  authors: readonly string[],
  runId: string,
): Promise<TrainResult | null> {
  const comments = await gh.octokit.paginate(gh.octokit.rest.issues.listComments, {
    ...repoOf(gh),
    issue_number: pr,
    per_page: 100,
  });
  for (const comment of comments.reverse()) {
    if (!comment.user || !authors.includes(comment.user.login)) continue;
    const read = readResultMarker(comment.body ?? "");
    if (read.found && read.ok && read.result.run_id === runId) return read.result;
  }
  return null;
}
