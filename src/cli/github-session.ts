/** The CLI's way into GitHub: a token from the environment, the repository, the run. */
import type { Octokit } from "@octokit/rest";
import type { TrustRoot } from "../core/trust.js";
import { type ClientLogger, createGitHubClient } from "../github/client.js";
import type { RepoClient } from "../github/repo.js";
import { type DashboardIssue, listDashboards } from "../github/run-issues.js";
import { isStatus } from "../github/sticky-comment.js";
import { DEFAULT_API_URL } from "./command-specs.js";
import { notFoundError, usageError } from "./exit-codes.js";
import type { RunTarget } from "./parse-cli.js";

export interface Session {
  gh: RepoClient;
  /** The repository's web address, for links in what the CLI prints. */
  htmlUrl: string;
  fullName: string;
  /**
   * What the CLI believes: blocks in bot-authored PRs and issues of this repository. It cannot
   * check the app's MAC (only the app holds the secret): the app's own view is the authority.
   */
  root: TrustRoot;
}

/**
 * An Octokit for GITHUB_TOKEN at GITHUB_API_URL (retry, throttling, ETags; rate-limit waits said
 * through `log`); a usage error when either is unusable.
 */
export function octokitFromEnv(env: NodeJS.ProcessEnv, log: ClientLogger): Octokit {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) {
    throw usageError(
      "GITHUB_TOKEN is not set: export a token with write access to the repository's issues, pull requests and contents, e.g. `export GITHUB_TOKEN=$(gh auth token)`",
    );
  }
  const baseUrl = (env.GITHUB_API_URL?.trim() || DEFAULT_API_URL).replace(/\/+$/, "");
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw usageError(
      `GITHUB_API_URL "${baseUrl}" is not an http(s) URL: unset it for github.com, or use https://HOST/api/v3 for GitHub Enterprise Server`,
    );
  }
  // Octokit's own request log would print on top of our messages; failures are explained once, in main.
  return createGitHubClient({ auth: token, baseUrl, userAgent: "autoresearch-cli", log });
}

/** Opens the repository, or says it cannot be found with this token (exit 3). */
export async function openRepository(octokit: Octokit, target: RunTarget): Promise<Session> {
  const fullName = `${target.owner}/${target.repo}`;
  try {
    const { data } = await octokit.rest.repos.get({ owner: target.owner, repo: target.repo });
    return {
      gh: { octokit, owner: target.owner, repo: target.repo },
      htmlUrl: data.html_url,
      fullName: data.full_name,
      root: { repository: data.full_name, appLogin: null, sealer: null },
    };
  } catch (error) {
    if (isStatus(error, 404)) {
      throw notFoundError(
        `repository ${fullName} not found, or GITHUB_TOKEN cannot see it: check --repo, and that the token has access to that repository`,
      );
    }
    throw error;
  }
}

/** The run's dashboard issue, or "no such run" naming the runs there are (exit 3). */
export async function requireRun(session: Session, tag: string): Promise<DashboardIssue> {
  const dashboards = (await listDashboards(session.gh, session.root)).runs;
  const found = dashboards.find((d) => d.run.tag === tag);
  if (found) return found;
  throw notFoundError(noSuchRunMessage(session.fullName, tag, dashboards));
}

export function noSuchRunMessage(
  fullName: string,
  tag: string,
  dashboards: readonly Pick<DashboardIssue, "run">[],
): string {
  const tags = dashboards.map((d) => `${d.run.tag} (${d.run.status})`);
  const known = tags.length > 0 ? `runs there: ${tags.join(", ")}` : "it has no runs yet";
  return `no run "${tag}" in ${fullName} (${known}): check --tag, or start one with \`autoresearch start --repo ${fullName} --tag ${tag}\``;
}

export function issueUrl(session: Session, number: number): string {
  return `${session.htmlUrl}/issues/${number}`;
}
