import type { RunState } from "../core/run-state.js";
import type { TrustRoot } from "../core/trust.js";
import {
  type ExperimentPull,
  listRunPulls,
  type RunPullsCache,
} from "../github/experiment-pulls.js";
import type { RepoClient } from "../github/repo.js";
import { type DashboardIssue, type Dashboards, listDashboards } from "../github/run-issues.js";

export interface FoundRun {
  dashboard: { number: number; body: string; state: "open" | "closed" };
  run: RunState;
  pulls: ExperimentPull[];
  /** Look-alike dashboards for this tag that the app did not write, with why they are ignored. */
  forgedDashboards: string[];
  /** The dashboard's block was sealed with the previous secret. */
  reseal: boolean;
}

/** A run is its dashboard issue plus the PRs into its branch: only what the app wrote counts. */
export async function findRun(
  gh: RepoClient,
  root: TrustRoot,
  tag: string,
  /** PRs listed before by this instance: only what changed since is read. */
  cache?: RunPullsCache,
): Promise<FoundRun | null> {
  const dashboards = await listDashboards(gh, root);
  const dashboard = dashboards.runs.find((d) => d.run.tag === tag);
  if (!dashboard) return null;
  const pulls = await listRunPulls(gh, dashboard.run.branch, root, cache);
  return {
    dashboard: { number: dashboard.number, body: dashboard.body, state: dashboard.state },
    run: dashboard.run,
    pulls,
    forgedDashboards: rejectedFor(dashboards, tag),
    reseal: dashboards.reseal.includes(dashboard.number),
  };
}

export async function findDashboard(
  gh: RepoClient,
  root: TrustRoot,
  tag: string,
): Promise<DashboardIssue | null> {
  const dashboards = await listDashboards(gh, root);
  return dashboards.runs.find((d) => d.run.tag === tag) ?? null;
}

/** Forgeries aimed at this run, and those that name no run the app knows (shown on every run). */
function rejectedFor(dashboards: Dashboards, tag: string): string[] {
  const known = new Set(dashboards.runs.map((d) => d.run.tag));
  return dashboards.rejected
    .filter((r) => r.tag === tag || r.tag === null || !known.has(r.tag))
    .map((r) => r.reason);
}
