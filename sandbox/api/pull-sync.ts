/** What happens to pull requests when their branches move, as GitHub does it on every push. */
import type { Account, IssueRecord } from "../model.js";
import type { World } from "../world.js";

/** Reads that still answer `mergeable: null` after a change (GitHub computes it in the background). */
export const MERGEABLE_PENDING_READS = 1;

function openPulls(world: World, predicate: (issue: IssueRecord) => boolean): IssueRecord[] {
  return [...world.issues.values()].filter(
    (i) => i.pull_request && i.state === "open" && predicate(i),
  );
}

/** Same head branch: same name in the same repository (the base repo, or one fork). */
function isHead(issue: IssueRecord, branch: string, forkOwner: string | undefined): boolean {
  const head = issue.pull_request!.head;
  return head.ref === branch && head.owner?.toLowerCase() === forkOwner?.toLowerCase();
}

/**
 * `refs/pull/<n>/head` in the base repository, kept at the PR's head commit, for fork PRs too
 * (GitHub's read-only pull refs; they move silently, no push webhook).
 */
export async function syncPullRef(world: World, issue: IssueRecord): Promise<void> {
  const ref = `refs/pull/${issue.number}/head`;
  const sha = issue.pull_request!.head.sha;
  const current = await world.git.getRef(ref);
  if (current === sha) return;
  await world.git.setRef(ref, sha, current ? { force: true } : { create: true });
}

/** A head branch moved (`forkOwner`: the branch is that fork's): synchronize its open PRs. */
export async function onHeadBranchMoved(
  world: World,
  sender: Account,
  branch: string,
  before: string | null,
  after: string,
  forkOwner?: string,
): Promise<void> {
  if (!before) return;
  for (const issue of openPulls(world, (i) => isHead(i, branch, forkOwner))) {
    const pull = issue.pull_request!;
    pull.head.sha = after;
    await syncPullRef(world, issue);
    pull.base.sha = (await world.git.getRef(`refs/heads/${pull.base.ref}`)) ?? pull.base.sha;
    pull.mergeable = null;
    pull.mergeablePendingReads = MERGEABLE_PENDING_READS;
    issue.updated_at = world.now();
    world.emit("pull_request", sender, {
      action: "synchronize",
      number: issue.number,
      before,
      after,
      pull_request: await world.pullJson(issue),
    });
  }
}

/**
 * The base moved: mergeability is recomputed, and a PR whose head is now contained in its base
 * counts as merged (GitHub marks such PRs merged when the commits land by push).
 */
export async function onBaseBranchMoved(
  world: World,
  sender: Account,
  branch: string,
  after: string,
): Promise<void> {
  for (const issue of openPulls(world, (i) => i.pull_request!.base.ref === branch)) {
    const pull = issue.pull_request!;
    pull.mergeable = null;
    pull.mergeablePendingReads = MERGEABLE_PENDING_READS;
    if (pull.head.sha !== pull.base.sha && (await world.git.isAncestor(pull.head.sha, after))) {
      const at = world.now();
      Object.assign(pull, {
        merged: true,
        merged_at: at,
        merged_by: sender,
        merge_commit_sha: pull.head.sha,
      });
      Object.assign(issue, {
        state: "closed",
        closed_at: at,
        updated_at: at,
        closed_by: sender,
        state_reason: "completed",
      });
      world.emit("pull_request", sender, {
        action: "closed",
        number: issue.number,
        pull_request: await world.pullJson(issue),
      });
    }
  }
}

/** Deleting a PR's head branch closes the PR. */
export async function onHeadBranchDeleted(
  world: World,
  sender: Account,
  branch: string,
  forkOwner?: string,
): Promise<void> {
  for (const issue of openPulls(world, (i) => isHead(i, branch, forkOwner))) {
    const at = world.now();
    Object.assign(issue, {
      state: "closed",
      closed_at: at,
      updated_at: at,
      closed_by: sender,
      state_reason: null,
    });
    world.emit("pull_request", sender, {
      action: "closed",
      number: issue.number,
      pull_request: await world.pullJson(issue),
    });
  }
}

/** Answers a read of `mergeable` like GitHub: null first after a change, then the computed value. */
export async function refreshMergeable(world: World, issue: IssueRecord): Promise<void> {
  const pull = issue.pull_request!;
  if (issue.state !== "open" || pull.mergeable !== null) return;
  if (pull.mergeablePendingReads > 0) {
    pull.mergeablePendingReads--;
    return;
  }
  const base = await world.git.getRef(`refs/heads/${pull.base.ref}`);
  if (!base) return;
  const merged = await world.git.mergeTrees(base, pull.head.sha);
  pull.mergeable = merged.clean;
}
