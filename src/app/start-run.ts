import { renderProgressSvg } from "../core/chart.js";
import { runBranch, validateTag } from "../core/experiment-branch.js";
import { RESULTS_HEADER } from "../core/results-tsv.js";
import type { RunState } from "../core/run-state.js";
import { loadConfig } from "../github/config-file.js";
import { branchSha, createBranch, defaultBranch, type RepoClient } from "../github/repo.js";
import {
  createIssue,
  DASHBOARD_LABEL,
  ensureLabels,
  sealedDashboardBody,
} from "../github/run-issues.js";
import { type AppDeps, trustRootOf } from "./app-deps.js";
import { findDashboard } from "./find-run.js";
import { openExperiment } from "./open-experiment.js";
import { CHART_FILE, LEDGER_FILE } from "./record-run.js";

export type StartOutcome =
  | { started: true; dashboard: number; baseline: number; run: RunState }
  | { started: false; reply: string | null };

/**
 * `/autoresearch start <tag>`: the run branch from the default branch head,
 * the ledger, the dashboard issue, and the baseline experiment (the code as it is).
 */
export async function startRun(
  gh: RepoClient,
  deps: AppDeps,
  request: { tag: string; by: string; commentId: number | null },
): Promise<StartOutcome> {
  const problem = validateTag(request.tag);
  if (problem) return { started: false, reply: `Cannot start \`${request.tag}\`: ${problem}.` };
  const existing = await findDashboard(gh, trustRootOf(gh, deps), request.tag);
  if (existing) {
    // The same command delivered again: it already did its work.
    if (request.commentId !== null && existing.run.start_comment_id === request.commentId) {
      return { started: false, reply: null };
    }
    return {
      started: false,
      reply: `A run \`${request.tag}\` already exists (#${existing.number}): pick another tag.`,
    };
  }
  const branch = runBranch(request.tag);
  if ((await branchSha(gh, branch)) !== null) {
    return {
      started: false,
      reply: `Cannot start \`${request.tag}\`: the branch \`${branch}\` already exists. Pick another tag, or delete the branch.`,
    };
  }
  const config = await loadConfig(gh);
  if (!config.ok) {
    const list = config.problems
      .map((p) => `- \`${p.path || ".github/autoresearch.yml"}\`: ${p.message}`)
      .join("\n");
    return {
      started: false,
      reply: `Cannot start: \`.github/autoresearch.yml\` is invalid.\n\n${list}`,
    };
  }

  const base = await defaultBranch(gh);
  const head = await branchSha(gh, base);
  if (head === null)
    return {
      started: false,
      reply: `Cannot start: the default branch \`${base}\` has no commits.`,
    };
  await createBranch(gh, branch, head);
  const labels = config.config.labels;
  await ensureLabels(gh, [
    { name: labels.experiment, color: "5319e7", description: "An autoresearch experiment" },
    {
      name: labels.keep,
      color: "0e8a16",
      description: "autoresearch: kept (merged into the run branch)",
    },
    { name: labels.discard, color: "bfbfbf", description: "autoresearch: discarded" },
    { name: labels.crash, color: "b60205", description: "autoresearch: training crashed" },
    { name: labels.rerun, color: "fbca04", description: "Add to train this experiment again" },
    {
      name: labels.remeasure,
      color: "c5def5",
      description: "autoresearch: the run head re-measured for the noise floor",
    },
    { name: DASHBOARD_LABEL, color: "1d76db", description: "An autoresearch run's dashboard" },
  ]);
  const gist = deps.gist
    ? await deps.gist.create(`autoresearch ${gh.owner}/${gh.repo} ${request.tag}: results.tsv`, {
        [LEDGER_FILE]: `${RESULTS_HEADER.join("\t")}\n`,
        [CHART_FILE]: renderProgressSvg([]),
      })
    : null;
  const run: RunState = {
    v: 1,
    tag: request.tag,
    status: "running",
    branch,
    base_branch: base,
    gist_id: gist?.id ?? null,
    ledger: gist ? "gist" : "issue",
    next_n: 1,
    started_at: deps.now().toISOString(),
    started_by: request.by,
    proposer_failures: 0,
    notes: [],
    start_comment_id: request.commentId,
  };
  const dashboard = await createIssue(gh, {
    title: `autoresearch run ${request.tag}`,
    body: sealedDashboardBody(
      gh,
      deps.sealer,
      `Run \`${request.tag}\` is starting: the baseline is being queued.`,
      run,
    ),
    labels: [DASHBOARD_LABEL],
  });
  const baseline = await openExperiment(
    {
      gh,
      deps,
      config: config.config,
      dashboard: { number: dashboard, body: "", state: "open" },
      run,
      head,
      pulls: [],
      alerts: [],
      now: deps.now().toISOString(),
    },
    {
      source: "baseline",
      description: "baseline",
      files: {},
      diff: { added: 0, removed: 0 },
      key: null,
    },
  );
  return { started: true, dashboard, baseline, run };
}
