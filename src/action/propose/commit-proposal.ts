import type { FileKind } from "../../core/propose-validation.js";
import { type RepoClient, repoOf } from "../../github/repo.js";
import { isStatus } from "../../github/sticky-comment.js";
import type { Worktree } from "./git-worktree.js";

export interface ProposalCommit {
  branch: string;
  parentSha: string;
  message: string;
  files: readonly { path: string; kind: FileKind }[];
}

export type CommitOutcome = { created: true; sha: string } | { created: false; sha: string };

/**
 * The proposal as one commit on `parentSha`, made through the Git Data API
 * (the runner holds no push credentials), then the experiment branch pointing
 * at it. `created: false` when the branch already existed.
 */
export async function commitProposal(
  gh: RepoClient,
  worktree: Worktree,
  proposal: ProposalCommit,
): Promise<CommitOutcome> {
  const { data: parent } = await gh.octokit.rest.git.getCommit({
    ...repoOf(gh),
    commit_sha: proposal.parentSha,
  });
  const tree = [];
  for (const file of proposal.files) {
    tree.push(
      file.kind === "missing"
        ? { path: file.path, mode: "100644" as const, type: "blob" as const, sha: null }
        : await uploadBlob(gh, worktree, file.path),
    );
  }
  const { data: newTree } = await gh.octokit.rest.git.createTree({
    ...repoOf(gh),
    base_tree: parent.tree.sha,
    tree,
  });
  const { data: commit } = await gh.octokit.rest.git.createCommit({
    ...repoOf(gh),
    message: proposal.message,
    tree: newTree.sha,
    parents: [proposal.parentSha],
  });
  try {
    await gh.octokit.rest.git.createRef({
      ...repoOf(gh),
      ref: `refs/heads/${proposal.branch}`,
      sha: commit.sha,
    });
  } catch (error) {
    // 422 "Reference already exists": another job proposed this experiment number first.
    if (isStatus(error, 422)) return { created: false, sha: commit.sha };
    throw error;
  }
  return { created: true, sha: commit.sha };
}

async function uploadBlob(gh: RepoClient, worktree: Worktree, path: string) {
  const [content, expected, executable] = await Promise.all([
    worktree.read(path),
    worktree.hashObject(path),
    worktree.executable(path),
  ]);
  const { data: blob } = await gh.octokit.rest.git.createBlob({
    ...repoOf(gh),
    content: content.toString("base64"),
    encoding: "base64",
  });
  if (blob.sha !== expected) {
    throw new Error(
      `${path}: GitHub stored blob ${blob.sha} but the checkout hashes to ${expected}; the file changed while it was committed: run the job again`,
    );
  }
  return {
    path,
    mode: executable ? ("100755" as const) : ("100644" as const),
    type: "blob" as const,
    sha: blob.sha,
  };
}
