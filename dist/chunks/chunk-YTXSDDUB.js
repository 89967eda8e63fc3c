import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);

// src/github/pull-files.ts
async function readPullFacts(octokit, repo, number) {
  const { data: pull } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
  return {
    number,
    state: pull.state,
    headRef: pull.head.ref,
    headSha: pull.head.sha,
    headRepository: pull.head.repo?.full_name ?? null,
    files: await readPullFiles(octokit, repo, number)
  };
}
async function readPullFiles(octokit, repo, number) {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    ...repo,
    pull_number: number,
    per_page: 100
  });
  return files.map((f) => ({
    filename: f.filename,
    additions: f.additions,
    deletions: f.deletions,
    patch: f.patch
  }));
}

export {
  readPullFacts,
  readPullFiles
};
