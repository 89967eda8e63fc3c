/** Pull requests: open, list, read, edit, close/reopen, merge, update-branch, files, commits. */

import { actorApp, authorizeEdit } from "../auth.js";
import type { Account, IssueRecord } from "../model.js";
import { commitObject, diffEntryObject } from "../rest-objects.js";
import { ApiError, notFound, validationFailed, type World } from "../world.js";
import { personFor, writeRef } from "./git.js";
import {
  MERGEABLE_PENDING_READS,
  onHeadBranchMoved,
  refreshMergeable,
  syncPullRef,
} from "./pull-sync.js";
import { type Ctx, intParam, ok, paginate, type Routes, who } from "./route.js";

const GITHUB_COMMITTER = { name: "GitHub", email: "noreply@github.com" };

/**
 * A PR `head` ("branch", "owner:branch"): the base repository's branch, or a fork's
 * (`forkOwner` set). null for an owner with no fork of the repository.
 */
export function headOf(world: World, spec: string): { ref: string; forkOwner?: string } | null {
  const i = spec.indexOf(":");
  if (i < 0) return { ref: spec };
  const login = spec.slice(0, i);
  const ref = spec.slice(i + 1);
  if (login.toLowerCase() === world.repo.owner.login.toLowerCase()) return { ref };
  const fork = world.forkOf(login);
  return fork ? { ref, forkOwner: fork.owner.login } : null;
}

/** Moves a fork's branch (a push to the fork): the base repo hears only pull_request.synchronize. */
export async function moveForkBranch(
  world: World,
  sender: Account,
  forkOwner: string,
  branch: string,
  sha: string,
): Promise<void> {
  const { before } = await world.git.setRef(world.forkBranchRef(forkOwner, branch), sha, {
    create: (await world.git.getRef(world.forkBranchRef(forkOwner, branch))) === null,
  });
  await onHeadBranchMoved(world, sender, branch, before, sha, forkOwner);
}

function invalidField(field: string, message?: string): ApiError {
  return new ApiError(422, "Validation Failed", [
    { resource: "PullRequest", field, code: "invalid", ...(message ? { message } : {}) },
  ]);
}

export async function openPull(
  world: World,
  ctx: Ctx | null,
  actor: Account,
  input: {
    title: string;
    head: string;
    base: string;
    body?: string | null;
    draft?: boolean;
    maintainer_can_modify?: boolean;
  },
): Promise<IssueRecord> {
  const head = headOf(world, input.head);
  // A fork's branch can be proposed only by who can write to the fork: its owner ("you must have
  // write access to the head or the source branch", pulls/create). The app, installed on the
  // base repository only, cannot (assumed answer: the same 422 as a missing head).
  if (head?.forkOwner && head.forkOwner.toLowerCase() !== actor.login.toLowerCase())
    throw invalidField("head");
  const headSha = head
    ? await world.git.getRef(world.headRefOf({ head: { ref: head.ref, owner: head.forkOwner } }))
    : null;
  if (!head || !headSha) throw invalidField("head");
  const headRef = head.ref;
  const headLabel = `${head.forkOwner ?? world.repo.owner.login}:${headRef}`;
  const baseSha = await world.git.getRef(`refs/heads/${input.base}`);
  if (!baseSha) throw invalidField("base");
  const existing = [...world.issues.values()].find(
    (i) =>
      i.pull_request &&
      i.state === "open" &&
      i.pull_request.head.ref === headRef &&
      i.pull_request.head.owner?.toLowerCase() === head.forkOwner?.toLowerCase() &&
      i.pull_request.base.ref === input.base,
  );
  if (existing) {
    throw new ApiError(422, "Validation Failed", [
      {
        resource: "PullRequest",
        code: "custom",
        message: `A pull request already exists for ${headLabel}.`,
      },
    ]);
  }
  const mergeBase = await world.git.mergeBase(baseSha, headSha);
  if (mergeBase === headSha) {
    throw new ApiError(422, "Validation Failed", [
      {
        resource: "PullRequest",
        code: "custom",
        message: `No commits between ${input.base} and ${head.forkOwner ? headLabel : headRef}`,
      },
    ]);
  }
  const at = world.now();
  const issue: IssueRecord = {
    id: world.nextId("issue"),
    number: world.nextId("number"),
    title: input.title,
    body: input.body ?? null,
    state: "open",
    state_reason: null,
    user: actor,
    labels: [],
    locked: false,
    created_at: at,
    updated_at: at,
    closed_at: null,
    closed_by: null,
    via_app: ctx ? actorApp(ctx.actor) : undefined,
    pull_request: {
      head: { ref: headRef, sha: headSha, ...(head.forkOwner ? { owner: head.forkOwner } : {}) },
      base: { ref: input.base, sha: baseSha },
      draft: input.draft ?? false,
      merged: false,
      merged_at: null,
      merged_by: null,
      merge_commit_sha: null,
      maintainer_can_modify: input.maintainer_can_modify ?? false,
      mergeable: null,
      mergeablePendingReads: MERGEABLE_PENDING_READS,
    },
  };
  world.issues.set(issue.number, issue);
  await syncPullRef(world, issue);
  world.emit("pull_request", actor, {
    action: "opened",
    number: issue.number,
    pull_request: await world.pullJson(issue),
  });
  return issue;
}

/** Closes or reopens a PR (PATCH state on the pull or its issue). */
export async function setPullState(
  world: World,
  actor: Account,
  issue: IssueRecord,
  state: "open" | "closed",
): Promise<void> {
  if (issue.state === state) return;
  const pull = issue.pull_request!;
  if (state === "open") {
    if (pull.merged)
      throw validationFailed("state cannot be changed. The pull request has already been merged.");
    const head = await world.git.getRef(world.headRefOf(pull));
    if (!head) throw validationFailed("state cannot be changed. The head branch was deleted.");
    pull.head.sha = head;
    await syncPullRef(world, issue);
    pull.mergeable = null;
    pull.mergeablePendingReads = MERGEABLE_PENDING_READS;
  }
  const at = world.now();
  Object.assign(issue, {
    state,
    updated_at: at,
    closed_at: state === "closed" ? at : null,
    closed_by: state === "closed" ? actor : null,
    state_reason: state === "open" ? "reopened" : null,
  });
  world.emit("pull_request", actor, {
    action: state === "closed" ? "closed" : "reopened",
    number: issue.number,
    pull_request: await world.pullJson(issue),
  });
}

async function mergePull(ctx: Ctx) {
  const world = ctx.world;
  const issue = world.pull(intParam(ctx, "pull_number"));
  const pull = issue.pull_request;
  const body = (ctx.body ?? {}) as {
    sha?: string;
    merge_method?: "merge" | "squash" | "rebase";
    commit_title?: string;
    commit_message?: string;
  };
  const method = body.merge_method ?? "merge";
  if (issue.state !== "open") throw new ApiError(405, "Pull Request is not mergeable");
  if (body.sha && body.sha !== pull.head.sha)
    throw new ApiError(409, "Head branch was modified. Review and try the merge again.");
  const allowed = {
    merge: world.repo.allow_merge_commit,
    squash: world.repo.allow_squash_merge,
    rebase: world.repo.allow_rebase_merge,
  }[method];
  if (!allowed)
    throw new ApiError(
      405,
      `${method === "merge" ? "Merge commits" : method === "squash" ? "Squash merges" : "Rebase merges"} are not allowed on this repository.`,
    );
  const baseSha = await world.git.getRef(`refs/heads/${pull.base.ref}`);
  if (!baseSha) throw new ApiError(405, "Base branch was deleted");
  const merged = await world.git.mergeTrees(baseSha, pull.head.sha);
  if (!merged.clean) {
    pull.mergeable = false;
    throw new ApiError(405, "Pull Request is not mergeable");
  }
  const actor = who(ctx);
  const at = world.now();
  const commits = await world.git.commitsBetween(baseSha, pull.head.sha);
  let sha: string;
  if (method === "squash") {
    const messages = await Promise.all(
      commits.map(async (c) => (await world.git.readCommit(c)).message),
    );
    const title = body.commit_title ?? `${issue.title} (#${issue.number})`;
    const detail =
      body.commit_message ??
      (messages.length === 1
        ? messages[0].split("\n").slice(2).join("\n")
        : messages.map((m) => `* ${m}`).join("\n\n"));
    sha = await world.git.writeCommit({
      message: detail ? `${title}\n\n${detail}` : title,
      tree: merged.tree,
      parents: [baseSha],
      author: personFor(issue.user, at),
      committer: { ...GITHUB_COMMITTER, date: at },
    });
  } else {
    const title =
      body.commit_title ??
      `Merge pull request #${issue.number} from ${world.headOwnerOf(pull).login}/${pull.head.ref}`;
    const detail = body.commit_message ?? issue.title;
    sha = await world.git.writeCommit({
      message: `${title}\n\n${detail}`,
      tree: merged.tree,
      parents: [baseSha, pull.head.sha],
      author: personFor(actor, at),
      committer: { ...GITHUB_COMMITTER, date: at },
    });
  }
  // Marked merged before the base moves so the push is not mistaken for a manual merge.
  Object.assign(pull, {
    merged: true,
    merged_at: at,
    merged_by: actor,
    merge_commit_sha: sha,
    mergeable: null,
  });
  Object.assign(issue, {
    state: "closed",
    closed_at: at,
    updated_at: at,
    closed_by: actor,
    state_reason: null,
  });
  await writeRef(world, actor, `refs/heads/${pull.base.ref}`, sha);
  world.emit("pull_request", actor, {
    action: "closed",
    number: issue.number,
    pull_request: await world.pullJson(issue),
  });
  if (world.repo.delete_branch_on_merge && !pull.head.owner) {
    await world.git.deleteRef(`refs/heads/${pull.head.ref}`).catch(() => undefined);
  }
  return ok({ sha, merged: true, message: "Pull Request successfully merged" });
}

/** Merges the base into the head branch (a merge commit), as the "Update branch" button does. */
async function updateBranch(world: World, actor: Account, issue: IssueRecord): Promise<void> {
  const pull = issue.pull_request!;
  const base = await world.git.getRef(`refs/heads/${pull.base.ref}`);
  const head = await world.git.getRef(world.headRefOf(pull));
  if (!base || !head) return;
  const merged = await world.git.mergeTrees(head, base);
  if (!merged.clean) return;
  const at = world.now();
  const sha = await world.git.writeCommit({
    message: `Merge branch '${pull.base.ref}' into ${pull.head.ref}`,
    tree: merged.tree,
    parents: [head, base],
    author: personFor(actor, at),
    committer: { ...GITHUB_COMMITTER, date: at },
  });
  if (pull.head.owner) await moveForkBranch(world, actor, pull.head.owner, pull.head.ref, sha);
  else await writeRef(world, actor, `refs/heads/${pull.head.ref}`, sha);
}

function listPulls(ctx: Ctx) {
  const world = ctx.world;
  const state = ctx.query.state ?? "open";
  const head = ctx.query.head ? headOf(world, ctx.query.head) : undefined;
  const sort = ctx.query.sort ?? "created";
  const direction = ctx.query.direction ?? (sort === "created" ? "desc" : "asc");
  const pulls = [...world.issues.values()]
    .filter((i) => i.pull_request)
    .filter((i) => state === "all" || i.state === state)
    .filter(
      (i) =>
        head === undefined ||
        (head !== null &&
          i.pull_request!.head.ref === head.ref &&
          i.pull_request!.head.owner?.toLowerCase() === head.forkOwner?.toLowerCase()),
    )
    .filter((i) => !ctx.query.base || i.pull_request!.base.ref === ctx.query.base)
    .sort((a, b) => {
      const key = sort === "updated" ? "updated_at" : "created_at";
      const cmp = a[key].localeCompare(b[key]) || a.number - b.number;
      return direction === "asc" ? cmp : -cmp;
    });
  return paginate(
    ctx,
    pulls.map((i) => world.pullSimpleJson(i)),
  );
}

async function changedFiles(world: World, issue: IssueRecord) {
  const pull = issue.pull_request!;
  const base = pull.merged
    ? pull.base.sha
    : ((await world.git.getRef(`refs/heads/${pull.base.ref}`)) ?? pull.base.sha);
  const mergeBase = (await world.git.mergeBase(base, pull.head.sha)) ?? base;
  return { mergeBase, files: await world.git.diffFiles(mergeBase, pull.head.sha) };
}

export const pullRoutes: Routes = {
  // Anyone who can read may open a pull request ("Send pull requests from forks": read, in the
  // roles table), from a fork or between the repository's own branches.
  "pulls/create": {
    access: { scope: "repo", perm: "pull_requests", level: "write", userRole: "read" },
    async handle(ctx) {
      // "Allow GitHub Actions to create and approve pull requests" (off by default since 2022:
      // github.blog/changelog/2022-05-03-github-actions-prevent-github-actions-from-creating-and-approving-pull-requests).
      if (
        ctx.actor.kind === "actions" &&
        !ctx.world.actionsWorkflowPermissions.can_approve_pull_request_reviews
      )
        throw new ApiError(
          403,
          "GitHub Actions is not permitted to create or approve pull requests.",
        );
      const issue = await ctx.world.exclusive(() => openPull(ctx.world, ctx, who(ctx), ctx.body));
      return ok(await ctx.world.pullJson(issue), 201);
    },
  },

  "pulls/list": {
    access: { scope: "repo", perm: "pull_requests" },
    handle: (ctx) => listPulls(ctx),
  },

  "pulls/get": {
    access: { scope: "repo", perm: "pull_requests" },
    async handle(ctx) {
      const issue = ctx.world.pull(intParam(ctx, "pull_number"));
      await refreshMergeable(ctx.world, issue);
      return ok(await ctx.world.pullJson(issue));
    },
  },

  // The author may edit their own PR (title, body, base) and close it; others need write to edit
  // and triage to close or reopen (see authorizeEdit).
  "pulls/update": {
    access: { scope: "repo", perm: "pull_requests", level: "write", userRole: "read" },
    async handle(ctx) {
      const world = ctx.world;
      const issue = world.pull(intParam(ctx, "pull_number"));
      const body = ctx.body as {
        title?: string;
        body?: string;
        state?: "open" | "closed";
        base?: string;
        maintainer_can_modify?: boolean;
      };
      const actor = who(ctx);
      if (
        body.title !== undefined ||
        body.body !== undefined ||
        body.base !== undefined ||
        body.maintainer_can_modify !== undefined
      )
        authorizeEdit(world, ctx.actor, issue.user, "text");
      if (body.state && body.state !== issue.state)
        authorizeEdit(
          world,
          ctx.actor,
          issue.user,
          body.state === "closed" ? "close" : "reopen",
          issue.closed_by,
        );
      await world.exclusive(async () => {
        const changes: Record<string, unknown> = {};
        if (body.title !== undefined && body.title !== issue.title) {
          changes.title = { from: issue.title };
          issue.title = body.title;
        }
        if (body.body !== undefined && body.body !== issue.body) {
          changes.body = { from: issue.body ?? "" };
          issue.body = body.body;
        }
        if (body.base !== undefined && body.base !== issue.pull_request.base.ref) {
          const sha = await world.git.getRef(`refs/heads/${body.base}`);
          if (!sha) throw invalidField("base");
          changes.base = {
            ref: { from: issue.pull_request.base.ref },
            sha: { from: issue.pull_request.base.sha },
          };
          issue.pull_request.base = { ref: body.base, sha };
          issue.pull_request.mergeable = null;
        }
        if (body.maintainer_can_modify !== undefined)
          issue.pull_request.maintainer_can_modify = body.maintainer_can_modify;
        if (Object.keys(changes).length > 0) {
          issue.updated_at = world.now();
          world.emit("pull_request", actor, {
            action: "edited",
            number: issue.number,
            changes,
            pull_request: await world.pullJson(issue),
          });
        }
        if (body.state) await setPullState(world, actor, issue, body.state);
      });
      return ok(await world.pullJson(issue));
    },
  },

  "pulls/list-files": {
    access: { scope: "repo", perm: "pull_requests" },
    async handle(ctx) {
      const issue = ctx.world.pull(intParam(ctx, "pull_number"));
      const { files } = await changedFiles(ctx.world, issue);
      return paginate(
        ctx,
        files.map((f) =>
          diffEntryObject(ctx.world.urls, ctx.world.repo, f, issue.pull_request!.head.sha),
        ),
      );
    },
  },

  "pulls/list-commits": {
    access: { scope: "repo", perm: "pull_requests" },
    async handle(ctx) {
      const world = ctx.world;
      const issue = world.pull(intParam(ctx, "pull_number"));
      const { mergeBase } = await changedFiles(world, issue);
      const shas = await world.git.commitsBetween(mergeBase, issue.pull_request!.head.sha);
      const commits = await Promise.all(
        shas.map(async (s) =>
          commitObject(world.urls, world.repo, await world.git.readCommit(s), {
            userFor: (e) => world.accountByEmail(e),
          }),
        ),
      );
      return paginate(ctx, commits);
    },
  },

  "pulls/check-if-merged": {
    access: { scope: "repo", perm: "pull_requests" },
    handle(ctx) {
      if (!ctx.world.pull(intParam(ctx, "pull_number")).pull_request.merged) throw notFound();
      return { status: 204 };
    },
  },

  "pulls/merge": {
    access: { scope: "repo", perm: "contents", level: "write" },
    handle: (ctx) => ctx.world.exclusive(() => mergePull(ctx)),
  },

  "pulls/update-branch": {
    access: { scope: "repo", perm: ["pull_requests"], level: "write" },
    async handle(ctx) {
      const world = ctx.world;
      const issue = world.pull(intParam(ctx, "pull_number"));
      const expected = (ctx.body as { expected_head_sha?: string } | null)?.expected_head_sha;
      if (expected && expected !== issue.pull_request.head.sha)
        throw validationFailed("expected head sha didn't match current head ref.");
      const base = await world.git.getRef(`refs/heads/${issue.pull_request.base.ref}`);
      if (!base || (await world.git.isAncestor(base, issue.pull_request.head.sha))) {
        throw validationFailed("There are no new commits on the base branch.");
      }
      const merged = await world.git.mergeTrees(issue.pull_request.head.sha, base);
      if (!merged.clean) throw validationFailed("merge conflict between base and head");
      const actor = who(ctx);
      world.defer(() => world.exclusive(() => updateBranch(world, actor, issue)));
      return ok(
        {
          message: "Updating pull request branch.",
          url: `${world.urls.html}/${world.repo.owner.login}/${world.repo.name}/pull/${issue.number}`,
        },
        202,
      );
    },
  },
};
