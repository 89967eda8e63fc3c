import type { Octokit } from "@octokit/rest";
import type { Probot } from "probot";
import type { TrustRoot } from "../core/trust.js";
import type { RepoClient } from "../github/repo.js";
import { listDashboards } from "../github/run-issues.js";

/** Every run that is not stopped, in every repository the app is installed on. */
export async function* liveRuns(
  app: Probot,
  rootOf: (gh: RepoClient) => TrustRoot,
): AsyncGenerator<{ gh: RepoClient; tag: string }> {
  const appOctokit = (await app.auth()) as unknown as Octokit;
  const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, {
    per_page: 100,
  });
  for (const installation of installations) {
    const octokit = (await app.auth(installation.id)) as unknown as Octokit;
    const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, {
      per_page: 100,
    });
    for (const repo of repos) {
      const gh = { octokit, owner: repo.owner.login, repo: repo.name };
      yield* runsOf(gh, rootOf(gh));
    }
  }
}

export async function* runsOf(
  gh: RepoClient,
  root: TrustRoot,
): AsyncGenerator<{ gh: RepoClient; tag: string }> {
  for (const dashboard of (await listDashboards(gh, root)).runs) {
    if (dashboard.run.status !== "stopped" || dashboard.state === "open")
      yield { gh, tag: dashboard.run.tag };
  }
}
