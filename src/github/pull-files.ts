import type { Octokit } from "@octokit/rest";

export interface PullFacts {
  number: number;
  state: string;
  headRef: string;
  headSha: string;
  headRepository: string | null;
  files: { filename: string; additions: number; deletions: number; patch?: string }[];
}

/** A PR's head and the files it changes (every page: a PR may touch more than 100 files). */
export async function readPullFacts(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  number: number,
): Promise<PullFacts> {
  const { data: pull } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
  return {
    number,
    state: pull.state,
    headRef: pull.head.ref,
    headSha: pull.head.sha,
    headRepository: pull.head.repo?.full_name ?? null,
    files: await readPullFiles(octokit, repo, number),
  };
}

/** The files a PR changes, every page (a PR may touch more than 100 files). */
export async function readPullFiles(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  number: number,
): Promise<PullFacts["files"]> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    ...repo,
    pull_number: number,
    per_page: 100,
  });
  return files.map((f) => ({
    filename: f.filename,
    additions: f.additions,
    deletions: f.deletions,
    patch: f.patch,
  }));
}
