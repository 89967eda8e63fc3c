import type { Octokit } from "@octokit/rest";
import { Lru } from "../core/lru.js";
import { isStatus } from "./sticky-comment.js";

/** What every GitHub wrapper needs: a client and the repository it works on. */
export interface RepoClient {
  octokit: Octokit;
  owner: string;
  repo: string;
}

export const repoOf = (gh: RepoClient) => ({ owner: gh.owner, repo: gh.repo });

/** The sha a branch points at, or null when the branch does not exist. */
export async function branchSha(gh: RepoClient, branch: string): Promise<string | null> {
  try {
    const { data } = await gh.octokit.rest.git.getRef({ ...repoOf(gh), ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}

export async function createBranch(gh: RepoClient, branch: string, sha: string): Promise<void> {
  await gh.octokit.rest.git.createRef({ ...repoOf(gh), ref: `refs/heads/${branch}`, sha });
}

export async function deleteBranch(gh: RepoClient, branch: string): Promise<void> {
  try {
    await gh.octokit.rest.git.deleteRef({ ...repoOf(gh), ref: `heads/${branch}` });
  } catch (error) {
    // Already gone (422 "Reference does not exist") is what we wanted.
    if (!isStatus(error, 422) && !isStatus(error, 404)) throw error;
  }
}

export async function defaultBranch(gh: RepoClient): Promise<string> {
  const { data } = await gh.octokit.rest.repos.get(repoOf(gh));
  return data.default_branch;
}

/** Files read at a commit sha never change: the latest few are kept (at most ~16 MB). */
const textAtCommit = new Lru<string, string | null>({
  maxEntries: 256,
  maxWeight: 16 * 1024 * 1024,
  weigh: (text) => text?.length ?? 0,
});
const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** A text file at a ref, or null when it does not exist there. */
export async function readTextFile(
  gh: RepoClient,
  path: string,
  ref?: string,
): Promise<string | null> {
  const key = ref && COMMIT_SHA.test(ref) ? `${gh.owner}/${gh.repo}@${ref}:${path}` : null;
  if (key !== null && textAtCommit.has(key)) return textAtCommit.get(key) ?? null;
  const file = await readRepoText(gh, path, ref);
  const text = file === null ? null : "text" in file ? file.text : "";
  if (key !== null) textAtCommit.set(key, text);
  return text;
}

/** A file's text, or only its size when GitHub serves it without content (over 1 MB); `sha` is its blob. */
export type RepoText = ({ text: string } | { tooLargeBytes: number }) & { sha?: string };

/** Like readTextFile, but says when the file was too large to read instead of returning "". */
export async function readRepoText(
  gh: RepoClient,
  path: string,
  ref?: string,
): Promise<RepoText | null> {
  try {
    const { data } = await gh.octokit.rest.repos.getContent({ ...repoOf(gh), path, ref });
    if (Array.isArray(data) || data.type !== "file") return null;
    if (data.encoding === "none") return { tooLargeBytes: data.size, sha: data.sha };
    return { text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}

/** One commit on top of `parentSha` that sets the given files (none: an empty commit). */
export async function commitFiles(
  gh: RepoClient,
  parentSha: string,
  files: Record<string, string>,
  message: string,
): Promise<string> {
  let tree = treeOfCommit.get(parentSha);
  if (tree === undefined) {
    const { data: parent } = await gh.octokit.rest.git.getCommit({
      ...repoOf(gh),
      commit_sha: parentSha,
    });
    tree = parent.tree.sha;
    treeOfCommit.set(parentSha, tree);
  }
  const entries = Object.entries(files);
  if (entries.length > 0) {
    const { data } = await gh.octokit.rest.git.createTree({
      ...repoOf(gh),
      base_tree: tree,
      tree: entries.map(([path, content]) => ({ path, mode: "100644", type: "blob", content })),
    });
    tree = data.sha;
  }
  const { data: commit } = await gh.octokit.rest.git.createCommit({
    ...repoOf(gh),
    message,
    tree,
    parents: [parentSha],
  });
  rememberAncestry(gh, parentSha, commit.sha);
  return commit.sha;
}

/**
 * One commit on `branch` that replaces the existing file `path` (its blob at the branch head is
 * `blobSha`), made by GitHub's contents API: one request instead of POST git/trees + git/commits
 * + a ref write. The commit is on whatever the branch points at; `parents` says what that was
 * (the ancestry is remembered when it is `parentSha`, as commitFiles remembers it). GitHub
 * answers 404 for a branch it does not know (yet), 409 when the file's blob is not `blobSha`.
 */
export async function putFileOnBranch(
  gh: RepoClient,
  input: {
    branch: string;
    parentSha: string;
    path: string;
    content: string;
    blobSha: string;
    message: string;
  },
): Promise<{ sha: string; parents: string[] }> {
  const { data } = await gh.octokit.rest.repos.createOrUpdateFileContents({
    ...repoOf(gh),
    path: input.path,
    branch: input.branch,
    message: input.message,
    content: Buffer.from(input.content, "utf8").toString("base64"),
    sha: input.blobSha,
  });
  const sha = data.commit.sha;
  if (!sha) throw new Error(`GitHub's answer to PUT contents/${input.path} names no commit`);
  const parents = (data.commit.parents ?? []).flatMap((p) => (p.sha ? [p.sha] : []));
  if (parents.length === 1 && parents[0] === input.parentSha)
    rememberAncestry(gh, input.parentSha, sha);
  return { sha, parents };
}

/** write, maintain and admin may run experiments; read and triage may not. */
export async function canWrite(gh: RepoClient, username: string): Promise<boolean> {
  try {
    const { data } = await gh.octokit.rest.repos.getCollaboratorPermissionLevel({
      ...repoOf(gh),
      username,
    });
    return data.permission === "admin" || data.permission === "write";
  } catch (error) {
    if (isStatus(error, 404)) return false;
    throw error;
  }
}

/**
 * Facts about commits never change (a sha names its whole history), so they are remembered,
 * boundedly: whether one commit contains another, and a commit's tree.
 */
const ancestry = new Lru<string, boolean>({ maxEntries: 4096 });
const treeOfCommit = new Lru<string, string>({ maxEntries: 1024 });
const ancestryKey = (gh: RepoClient, base: string, head: string) =>
  `${gh.owner}/${gh.repo}:${base}...${head}`;

/** Records that `head` was made on top of `base` (the app made it so): no need to ask GitHub. */
export function rememberAncestry(gh: RepoClient, base: string, head: string): void {
  ancestry.set(ancestryKey(gh, base, head), true);
}

/** Whether `head` already contains `base` (so it was made, or updated, on top of it). */
export async function containsCommit(gh: RepoClient, base: string, head: string): Promise<boolean> {
  if (base === head) return true;
  const key = ancestryKey(gh, base, head);
  const known = ancestry.get(key);
  if (known !== undefined) return known;
  const { data } = await gh.octokit.rest.repos.compareCommitsWithBasehead({
    ...repoOf(gh),
    basehead: `${base}...${head}`,
    per_page: 1,
  });
  const contains = data.behind_by === 0;
  ancestry.set(key, contains);
  return contains;
}
