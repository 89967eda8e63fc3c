import type { RunState } from "../core/run-state.js";
import { type ExperimentPull, listRunPulls } from "../github/experiment-pulls.js";
import type { RepoClient } from "../github/repo.js";
import { type DashboardIssue, listDashboards } from "../github/run-issues.js";

export interface FoundRun {
  dashboard: { number: number; body: string; state: "open" | "closed" };
  run: RunState;
  pulls: ExperimentPull[];
}

/** A run is its dashboard issue plus the PRs into its branch. */
export async function findRun(gh: RepoClient, tag: string): Promise<FoundRun | null> {
  const dashboard = await findDashboard(gh, tag);
  if (!dashboard) return null;
  const pulls = await listRunPulls(gh, dashboard.run.branch);
  return {
    dashboard: { number: dashboard.number, body: dashboard.body, state: dashboard.state },
    run: dashboard.run,
    pulls,
  };
}

export async function findDashboard(gh: RepoClient, tag: string): Promise<DashboardIssue | null> {
  const dashboards = await listDashboards(gh);
  return dashboards.find((d) => d.run.tag === tag) ?? null;
}
