import { repoOf } from "../github/repo.js";
import { isStatus } from "../github/sticky-comment.js";
import { dispatchTraining } from "../github/workflows.js";
import { nextExperimentNumber } from "./open-experiment.js";
import type { RunPass } from "./run-view.js";

/** Consecutive failed propose runs after which the app stops asking and says so. */
export const MAX_AGENT_FAILURES = 3;

/**
 * The `agent` proposer: dispatch the propose workflow (the action in
 * `mode: propose`) so that `wanted` proposals are on their way. Proposals
 * already running count; a run of failures stops the asking, loudly.
 */
export async function requestAgentProposals(pass: RunPass, wanted: number): Promise<void> {
  const workflow = pass.config.proposeWorkflow;
  let runs: ProposeRun[];
  try {
    const { data } = await pass.gh.octokit.rest.actions.listWorkflowRuns({
      ...repoOf(pass.gh),
      workflow_id: workflow,
      branch: pass.run.branch,
      event: "workflow_dispatch",
      per_page: 20,
    });
    runs = data.workflow_runs;
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
    pass.alerts.push(
      `The agent proposer needs \`.github/workflows/${workflow}\` (config: proposeWorkflow): see examples/workflows/autoresearch-propose.yml.`,
    );
    return;
  }
  const pending = proposalsInTransit(runs, nextExperimentNumber(pass));
  const failures = leadingFailures(runs);
  if (failures >= MAX_AGENT_FAILURES) {
    pass.alerts.push(
      `The agent proposer failed ${failures} times in a row (last: ${runs[0]?.html_url}): fix the agent or its workflow, then \`/autoresearch resume\` or push an experiment.`,
    );
    return;
  }
  const first = nextExperimentNumber(pass) + pending;
  for (let i = 0; i < wanted - pending; i++) {
    await dispatchTraining(pass.gh, workflow, pass.run.branch, {
      tag: pass.run.tag,
      experiment: String(first + i),
    });
  }
}

type ProposeRun = {
  status: string | null;
  conclusion: string | null;
  html_url: string;
  display_title?: string;
};

/**
 * Proposals on their way: propose runs still going, and succeeded ones whose
 * experiment (`#<n>` in the example workflow's run-name) has no PR yet.
 */
export function proposalsInTransit(runs: readonly ProposeRun[], nextN: number): number {
  return runs.filter((run) => {
    if (run.status !== "completed") return true;
    const n = Number(/#(\d+)\s*$/.exec(run.display_title ?? "")?.[1] ?? Number.NaN);
    return run.conclusion === "success" && n >= nextN;
  }).length;
}

/** Failed runs at the head of a newest-first list. */
export function leadingFailures(
  runs: readonly { status: string | null; conclusion: string | null }[],
): number {
  let count = 0;
  for (const run of runs) {
    if (run.status !== "completed") continue;
    if (run.conclusion === "success") break;
    count++;
  }
  return count;
}
