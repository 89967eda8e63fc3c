import { type RunState, readRunBlock } from "../core/run-state.js";
import { type RepoClient, repoOf } from "./repo.js";

export const DASHBOARD_LABEL = "autoresearch:run";
export const CONFIG_LABEL = "autoresearch:config";

export interface DashboardIssue {
  number: number;
  body: string;
  state: "open" | "closed";
  run: RunState;
}

/** Every run of the repository, from its dashboard issues (open and closed). */
export async function listDashboards(gh: RepoClient): Promise<DashboardIssue[]> {
  const issues = await gh.octokit.paginate(gh.octokit.rest.issues.listForRepo, {
    ...repoOf(gh),
    labels: DASHBOARD_LABEL,
    state: "all",
    per_page: 100,
  });
  const found: DashboardIssue[] = [];
  for (const issue of issues) {
    const run = readRunBlock(issue.body);
    if (run && !issue.pull_request) {
      found.push({
        number: issue.number,
        body: issue.body ?? "",
        state: issue.state === "open" ? "open" : "closed",
        run,
      });
    }
  }
  return found;
}

export async function createIssue(
  gh: RepoClient,
  issue: { title: string; body: string; labels: string[] },
): Promise<number> {
  const { data } = await gh.octokit.rest.issues.create({ ...repoOf(gh), ...issue });
  return data.number;
}

export async function updateIssue(
  gh: RepoClient,
  number: number,
  change: { body?: string; state?: "open" | "closed"; title?: string },
): Promise<void> {
  await gh.octokit.rest.issues.update({ ...repoOf(gh), issue_number: number, ...change });
}

export async function comment(gh: RepoClient, number: number, body: string): Promise<void> {
  await gh.octokit.rest.issues.createComment({ ...repoOf(gh), issue_number: number, body });
}

/** The open issue carrying a label, if any (e.g. the one "fix your config" issue). */
export async function findOpenIssue(
  gh: RepoClient,
  label: string,
): Promise<{ number: number; body: string } | null> {
  const { data } = await gh.octokit.rest.issues.listForRepo({
    ...repoOf(gh),
    labels: label,
    state: "open",
    per_page: 10,
  });
  const issue = data.find((i) => !i.pull_request);
  return issue ? { number: issue.number, body: issue.body ?? "" } : null;
}

/** Creates the labels the app uses, with a colour and a description, unless they exist. */
export async function ensureLabels(
  gh: RepoClient,
  labels: readonly { name: string; color: string; description: string }[],
): Promise<void> {
  for (const label of labels) {
    try {
      await gh.octokit.rest.issues.createLabel({ ...repoOf(gh), ...label });
    } catch (error) {
      // 422 already_exists: someone (or an earlier run) made it; leave theirs alone.
      if (
        !(typeof error === "object" && error !== null && "status" in error && error.status === 422)
      )
        throw error;
    }
  }
}
