import {
  type LeaseDecision,
  type LeaseRecord,
  leaseDecision,
  leaseEnd,
  leaseRef,
  readLease,
  renderLease,
} from "../core/lease.js";
import type { Lru } from "../core/lru.js";
import { type RepoClient, repoOf } from "./repo.js";
import { isStatus } from "./sticky-comment.js";

/** git's empty tree: a lock commit carries no files, only its message. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

export interface HeldLease {
  tag: string;
  owner: string;
  /** The lock commit this instance wrote last: renewing fast-forwards from it. */
  sha: string;
  expiresAt: Date;
}

/** The last parentless lock commit this instance made per run, and its message. */
export type LockCommits = Lru<string, { message: string; sha: string }>;

export type LeaseAttempt = { held: HeldLease } | { busy: Extract<LeaseDecision, { kind: "busy" }> };

/**
 * Takes the run's lease for `ttlMs`, or says who holds it and until when. Optimistic: most of
 * the time nobody holds it, and creating the ref (a compare-and-swap on its absence) is all it
 * takes; only when the ref exists is it read.
 */
export async function takeLease(
  gh: RepoClient,
  tag: string,
  owner: string,
  ttlMs: number,
  now: Date,
  /** Lock commits this instance made (`owner/repo#tag`): one with the same record is reused. */
  lockCommits?: LockCommits,
): Promise<LeaseAttempt> {
  const expiresAt = new Date(leaseEnd(now.getTime(), ttlMs));
  const record = { owner, expires_at: expiresAt.toISOString() };
  const key = `${gh.owner}/${gh.repo}#${tag}`;
  const message = renderLease(record);
  const made = lockCommits?.get(key);
  const created =
    made?.message === message
      ? await pointLeaseAt(gh, tag, made.sha)
      : await writeLease(gh, tag, null, record);
  if (created !== null) {
    lockCommits?.set(key, { message, sha: created });
    return { held: { tag, owner, sha: created, expiresAt } };
  }
  const current = await readLeaseRef(gh, tag);
  const decision = leaseDecision(current?.record ?? null, owner, now);
  if (decision.kind === "busy") return { busy: decision };
  const sha = await writeLease(gh, tag, current?.sha ?? null, record);
  if (sha !== null && current === null) lockCommits?.set(key, { message, sha });
  if (sha === null) {
    // Someone else moved the ref between our read and our write: theirs now.
    const after = await readLeaseRef(gh, tag);
    const again = leaseDecision(after?.record ?? null, owner, now);
    return {
      busy:
        again.kind === "busy"
          ? again
          : {
              kind: "busy",
              owner: "another instance",
              until: expiresAt.toISOString(),
              waitMs: 1000,
            },
    };
  }
  return { held: { tag, owner, sha, expiresAt } };
}

/** Extends a held lease; false when it was lost (someone took it after it ran out). */
export async function renewLease(
  gh: RepoClient,
  lease: HeldLease,
  ttlMs: number,
  now: Date,
): Promise<boolean> {
  const expiresAt = new Date(leaseEnd(now.getTime(), ttlMs));
  const sha = await writeLease(gh, lease.tag, lease.sha, {
    owner: lease.owner,
    expires_at: expiresAt.toISOString(),
  });
  if (sha === null) return false;
  lease.sha = sha;
  lease.expiresAt = expiresAt;
  return true;
}

/**
 * How long before its end a lease is still surely ours without looking: nobody takes a lease
 * before it ends, and this covers clock differences between instances.
 */
export const RELEASE_MARGIN_MS = 10_000;

/**
 * Gives the lease back, unless someone else holds it by now. While the lease is well within its
 * time nobody else can hold it, so it is deleted without reading it first (one request).
 */
export async function releaseLease(gh: RepoClient, lease: HeldLease, now: Date): Promise<void> {
  if (lease.expiresAt.getTime() - now.getTime() < RELEASE_MARGIN_MS) {
    const current = await readLeaseRef(gh, lease.tag);
    if (current?.sha !== lease.sha) return;
  }
  try {
    await gh.octokit.rest.git.deleteRef({ ...repoOf(gh), ref: leaseRef(lease.tag) });
  } catch (error) {
    if (!isStatus(error, 404) && !isStatus(error, 422)) throw error;
  }
}

async function readLeaseRef(
  gh: RepoClient,
  tag: string,
): Promise<{ sha: string; record: LeaseRecord | null } | null> {
  let sha: string;
  try {
    const { data } = await gh.octokit.rest.git.getRef({ ...repoOf(gh), ref: leaseRef(tag) });
    sha = data.object.sha;
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
  const { data: commit } = await gh.octokit.rest.git.getCommit({ ...repoOf(gh), commit_sha: sha });
  return { sha, record: readLease(commit.message) };
}

/** Creates the lease ref at a lock commit made before; null when the ref exists (or the commit is gone). */
async function pointLeaseAt(gh: RepoClient, tag: string, sha: string): Promise<string | null> {
  try {
    await gh.octokit.rest.git.createRef({ ...repoOf(gh), ref: `refs/${leaseRef(tag)}`, sha });
    return sha;
  } catch (error) {
    // 422: "Reference already exists" (read it next), or the object was pruned (a new one is made).
    if (isStatus(error, 422) || isStatus(error, 409)) return null;
    throw error;
  }
}

/** Compare-and-swap: create the ref, or fast-forward it from `from`. null when someone was first. */
async function writeLease(
  gh: RepoClient,
  tag: string,
  from: string | null,
  record: LeaseRecord,
): Promise<string | null> {
  const { data: commit } = await gh.octokit.rest.git.createCommit({
    ...repoOf(gh),
    message: renderLease(record),
    tree: EMPTY_TREE,
    parents: from ? [from] : [],
  });
  try {
    if (from === null) {
      await gh.octokit.rest.git.createRef({
        ...repoOf(gh),
        ref: `refs/${leaseRef(tag)}`,
        sha: commit.sha,
      });
    } else {
      await gh.octokit.rest.git.updateRef({
        ...repoOf(gh),
        ref: leaseRef(tag),
        sha: commit.sha,
        force: false,
      });
    }
  } catch (error) {
    // 422: "Reference already exists" / "Update is not a fast forward": another writer won.
    if (isStatus(error, 422) || isStatus(error, 409)) return null;
    throw error;
  }
  return commit.sha;
}
