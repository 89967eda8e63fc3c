import { runScope, type Sealer } from "../core/block-seal.js";
import { type RunState, runBlock, withRunBlock } from "../core/run-state.js";
import { pickDashboards, type TrustRoot, trustDashboard } from "../core/trust.js";
import { type RepoClient, repoOf } from "./repo.js";

export const DASHBOARD_LABEL = "autoresearch:run";
export const CONFIG_LABEL = "autoresearch:config";

export interface DashboardIssue {
  number: number;
  body: string;
  state: "open" | "closed";
  run: RunState;
}

export interface Dashboards {
  /** One trusted dashboard per run tag (the oldest). */
  runs: DashboardIssue[];
  /** Issues that look like dashboards but are not the app's (or are a second one for a tag), with why. */
  rejected: { number: number; tag: string | null; reason: string }[];
  /** Trusted dashboards whose block was sealed with the previous secret. */
  reseal: number[];
}

/** Every run of the repository, from the dashboard issues (open and closed) that the app wrote. */
export async function listDashboards(gh: RepoClient, root: TrustRoot): Promise<Dashboards> {
  const issues = await gh.octokit.paginate(gh.octokit.rest.issues.listForRepo, {
    ...repoOf(gh),
    labels: DASHBOARD_LABEL,
    state: "all",
    per_page: 100,
  });
  const found: DashboardIssue[] = [];
  const rejected: Dashboards["rejected"] = [];
  const reseal: number[] = [];
  for (const issue of issues) {
    if (issue.pull_request) continue;
    const block = runBlock.read(issue.body);
    const trust = trustDashboard(
      root,
      { number: issue.number, author: issue.user?.login ?? "", authorType: issue.user?.type ?? "" },
      block,
    );
    if (trust.kind === "untrusted") {
      rejected.push({ number: issue.number, tag: block?.value.tag ?? null, reason: trust.reason });
    }
    if (trust.kind !== "trusted") continue;
    if (trust.reseal) reseal.push(issue.number);
    found.push({
      number: issue.number,
      body: issue.body ?? "",
      state: issue.state === "open" ? "open" : "closed",
      run: trust.value,
    });
  }
  const picked = pickDashboards(found);
  for (const d of picked.duplicates) {
    rejected.push({
      number: d.number,
      tag: d.tag,
      reason: `issue #${d.number} is a second dashboard for run ${d.tag} (the run's is #${d.kept}): it is ignored`,
    });
  }
  return { runs: picked.runs, rejected, reseal };
}

/** The dashboard body with the run block sealed for its tag. */
export function sealedDashboardBody(
  gh: RepoClient,
  sealer: Sealer,
  body: string,
  run: RunState,
): string {
  return withRunBlock(body, run, sealer.seal(runScope(`${gh.owner}/${gh.repo}`, run.tag), run));
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

/** Posts a comment; its id and time, as GitHub answered. */
export async function comment(
  gh: RepoClient,
  number: number,
  body: string,
): Promise<{ id: number; updatedAt: string }> {
  const { data } = await gh.octokit.rest.issues.createComment({
    ...repoOf(gh),
    issue_number: number,
    body,
  });
  return { id: data.id, updatedAt: data.updated_at };
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
