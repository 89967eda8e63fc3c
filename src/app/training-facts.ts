import type { HeardComment } from "../core/heard-comments.js";
import { type Expected, judgeMarker, runMismatch } from "../core/result-binding.js";
import type { TrainResult } from "../core/result-marker.js";
import type { TrainingFacts } from "../core/schedule.js";
import type { ExperimentState } from "../core/state-block.js";
import { type RepoClient, repoOf } from "../github/repo.js";
import { getRun, listBranchRuns, type WorkflowRunFacts } from "../github/workflows.js";
import { readVerdictMarker } from "../views/verdict-comment.js";

/**
 * What GitHub knows about an experiment's training: the workflow run the app dispatched for it
 * (by id; experiments dispatched before ids were recorded: the latest run on the branch), and
 * the result written for that run and head by a trusted author. Every other marker is not a
 * result, and the reason is kept to be told on the PR.
 */
export async function findTrainingFacts(
  gh: RepoClient,
  options: {
    workflow: string;
    branch: string;
    pr: number;
    resultAuthors: readonly string[];
    experiment: ExperimentState;
    /** The app's own login: only its verdict comments count as posted. */
    appLogin: string;
    /** The dispatched run as a signed webhook described it, if one did (taken once). */
    takeKnownRun?: (runId: number) => WorkflowRunFacts | undefined;
    /** The PR's marker comments as signed webhooks described them (a subset of its comments). */
    heardComments?: readonly HeardComment[];
  },
): Promise<TrainingFacts> {
  const exp = options.experiment;
  let run: WorkflowRunFacts | null;
  let runsTotal: number;
  if (exp.run_id) {
    run = options.takeKnownRun?.(exp.run_id) ?? (await getRun(gh, exp.run_id));
    runsTotal = run ? exp.attempts : 0;
  } else {
    const listed = await listBranchRuns(gh, options.workflow, options.branch);
    run = listed.runs[0] ?? null;
    runsTotal = listed.total;
  }
  const rejections: string[] = [];
  let result: TrainResult | null = null;
  let verdictPosted = false;
  if (run?.status === "completed") {
    const expected: Expected = {
      runId: exp.run_id ?? run.id,
      headSha: exp.head_sha,
      workflow: options.workflow,
      repository: `${gh.owner}/${gh.repo}`,
      authors: options.resultAuthors,
    };
    const mismatch = runMismatch(run, expected);
    if (mismatch) rejections.push(mismatch);
    else {
      // What was heard is enough when it holds this run's result; otherwise GitHub lists all.
      const heard = (options.heardComments ?? []).map((c) => ({
        user: { login: c.author },
        body: c.markers,
      }));
      const heardRejections: string[] = [];
      result = findResult(heard, expected, heardRejections);
      const comments = result === null ? await listComments(gh, options.pr) : heard;
      if (result === null) result = findResult(comments, expected, rejections);
      else rejections.push(...heardRejections);
      verdictPosted = comments.some((c) => {
        if (c.user?.login !== options.appLogin) return false;
        const marker = readVerdictMarker(c.body);
        return (
          marker?.n === exp.n && marker.head_sha === exp.head_sha && marker.attempt === exp.attempts
        );
      });
    }
  }
  return {
    runsTotal,
    latest: run && {
      id: run.id,
      status: run.status,
      conclusion: run.conclusion,
      startedAt: run.startedAt,
      updatedAt: run.updatedAt,
    },
    result,
    rejections,
    verdictPosted,
  };
}

type IssueComment = { user?: { login?: string } | null; body?: string | null };

async function listComments(gh: RepoClient, pr: number): Promise<IssueComment[]> {
  return gh.octokit.paginate(gh.octokit.rest.issues.listComments, {
    ...repoOf(gh),
    issue_number: pr,
    per_page: 100,
  });
}

function findResult(
  comments: readonly IssueComment[],
  expected: Expected,
  rejections: string[],
): TrainResult | null {
  for (const comment of [...comments].reverse()) {
    const verdict = judgeMarker(
      { author: comment.user?.login ?? "", body: comment.body ?? "" },
      expected,
    );
    if (verdict.kind === "accepted") return verdict.result;
    if (verdict.kind === "rejected") rejections.push(verdict.reason);
  }
  return null;
}
