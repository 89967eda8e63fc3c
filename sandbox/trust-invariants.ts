// What must hold after a night with attackers in it: only the app's own PRs count, only the
// runs it dispatched decide, and nothing reaches main.
import { readStateBlock } from "../src/core/state-block.js";
import type { SandboxHandle } from "./harness.js";

export interface TrustReport {
  problems: string[];
  /** PRs into the run branch that the app did not open (forks, humans). */
  foreign: number[];
}

/**
 * - Every PR into the run branch that the app did not open from this repository is closed,
 *   unmerged, and was never trained.
 * - Every merged PR is the app's, and its recorded head was trained by the workflow run its
 *   state names, a run the app dispatched (a workflow_dispatch by the app's installation).
 * - main is where it was: `mainSha`.
 * - Every name in `mustBeNamed` (an issue or PR number) is on the dashboard.
 */
export async function checkTrust(
  sandbox: SandboxHandle,
  tag: string,
  expect: { mainSha: string; mustBeNamed: number[]; workflowPath?: string },
): Promise<TrustReport> {
  const problems: string[] = [];
  const appLogin = sandbox.appIdentity.login;
  const runBranch = `autoresearch/${tag}`;
  const pulls = sandbox.state.pulls().filter((p) => p.pull_request?.base.ref === runBranch);
  const runs = sandbox.state.runs();
  const foreign: number[] = [];
  for (const pr of pulls) {
    const pull = pr.pull_request!;
    const fromFork = pull.head.owner !== undefined;
    const isApps = pr.user.login === appLogin && !fromFork;
    if (!isApps) {
      foreign.push(pr.number);
      if (pr.state !== "closed") problems.push(`#${pr.number} (not the app's) is still open`);
      if (pull.merged) problems.push(`#${pr.number} (not the app's) was merged`);
      const trained = runs.filter((r) => r.head_branch === pull.head.ref);
      if (trained.length > 0 && fromFork)
        problems.push(`#${pr.number} from ${pull.head.owner}'s fork reached a runner`);
      continue;
    }
    if (!pull.merged) continue;
    const state = readStateBlock(pr.body);
    const run = state?.run_id ? sandbox.state.run(state.run_id) : undefined;
    if (!state || !run) {
      problems.push(`#${pr.number} was merged without a dispatched run on record`);
      continue;
    }
    if (run.head_sha !== state.head_sha)
      problems.push(
        `#${pr.number} merged ${state.head_sha.slice(0, 7)} but run ${run.id} trained ${run.head_sha.slice(0, 7)}`,
      );
    if (run.event !== "workflow_dispatch" || run.actor.login !== appLogin)
      problems.push(
        `#${pr.number}'s run ${run.id} was not dispatched by the app (${run.event} by ${run.actor.login})`,
      );
    if (expect.workflowPath && run.workflow.path !== expect.workflowPath)
      problems.push(`#${pr.number}'s run ${run.id} is of ${run.workflow.path}`);
  }
  const main = await sandbox.git.sha("main");
  if (main !== expect.mainSha)
    problems.push(`main moved from ${expect.mainSha.slice(0, 7)} to ${main?.slice(0, 7)}`);
  const dashboard = sandbox.state
    .issues()
    .find(
      (i) => !i.pull_request && i.user.login === appLogin && i.labels.includes("autoresearch:run"),
    );
  for (const n of expect.mustBeNamed) {
    if (!dashboard?.body?.includes(`#${n} `)) problems.push(`the dashboard does not name #${n}`);
  }
  return { problems, foreign };
}
