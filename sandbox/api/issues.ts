/** Issues (PRs are issues too), comments, labels, and collaborator permissions. */
import { type Actor, actorApp, authorizeEdit, hasRole } from "../auth.js";
import type { Account, CommentRecord, IssueRecord, LabelRecord } from "../model.js";
import { userObject } from "../rest-objects.js";
import { ApiError, notFound, validationFailed, type World } from "../world.js";
import { setPullState } from "./pulls.js";
import { type Ctx, intParam, ok, paginate, type Routes, who } from "./route.js";

/** GitHub's default colour for labels created implicitly by adding them to an issue. */
const DEFAULT_LABEL_COLOR = "ededed";

function canTriage(world: World, actor: Actor): boolean {
  return hasRole(world, actor, "triage");
}

export function ensureLabel(world: World, name: string): LabelRecord {
  const existing = world.label(name);
  if (existing) return existing;
  const label: LabelRecord = {
    id: world.nextId("label"),
    name,
    color: DEFAULT_LABEL_COLOR,
    description: null,
    default: false,
  };
  world.labels.push(label);
  return label;
}

function labelNames(input: unknown[]): string[] {
  return input
    .map((l) => (typeof l === "string" ? l : String((l as { name?: string }).name ?? "")))
    .filter(Boolean);
}

/** Emits `labeled`/`unlabeled` on the issue, or on the pull request when it is one. */
function emitLabel(
  world: World,
  actor: Account,
  issue: IssueRecord,
  action: "labeled" | "unlabeled",
  label: LabelRecord,
  pullJson?: Record<string, unknown>,
) {
  if (issue.pull_request) {
    world.emit("pull_request", actor, {
      action,
      number: issue.number,
      pull_request: pullJson,
      label: world.labelJson(label),
    });
  } else {
    world.emit("issues", actor, {
      action,
      issue: world.issueJson(issue),
      label: world.labelJson(label),
    });
  }
}

export async function addLabels(
  world: World,
  actor: Account,
  issue: IssueRecord,
  names: string[],
): Promise<void> {
  for (const name of names) {
    const label = ensureLabel(world, name);
    if (issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) continue;
    issue.labels.push(label.name);
    issue.updated_at = world.now();
    emitLabel(
      world,
      actor,
      issue,
      "labeled",
      label,
      issue.pull_request ? await world.pullJson(issue) : undefined,
    );
  }
}

export async function removeLabel(
  world: World,
  actor: Account,
  issue: IssueRecord,
  name: string,
): Promise<void> {
  const index = issue.labels.findIndex((l) => l.toLowerCase() === name.toLowerCase());
  const label = world.label(name);
  if (index < 0 || !label) throw new ApiError(404, "Label does not exist");
  issue.labels.splice(index, 1);
  issue.updated_at = world.now();
  emitLabel(
    world,
    actor,
    issue,
    "unlabeled",
    label,
    issue.pull_request ? await world.pullJson(issue) : undefined,
  );
}

export async function createComment(
  world: World,
  actor: Account,
  issue: IssueRecord,
  body: string,
  viaActor?: Actor,
): Promise<CommentRecord> {
  const at = world.now();
  const comment: CommentRecord = {
    id: world.nextId("comment"),
    issue_number: issue.number,
    body,
    user: actor,
    created_at: at,
    updated_at: at,
    via_app: viaActor ? actorApp(viaActor) : undefined,
  };
  world.comments.set(comment.id, comment);
  issue.updated_at = at;
  world.emit("issue_comment", actor, {
    action: "created",
    issue: world.issueJson(issue),
    comment: world.commentJson(comment),
  });
  return comment;
}

function comment(world: World, id: number): CommentRecord {
  const c = world.comments.get(id);
  if (!c) throw notFound();
  return c;
}

async function updateIssue(ctx: Ctx) {
  const world = ctx.world;
  const issue = world.issue(intParam(ctx, "issue_number"));
  const body = ctx.body as {
    title?: string | number;
    body?: string | null;
    state?: "open" | "closed";
    state_reason?: "completed" | "not_planned" | "reopened" | null;
    labels?: unknown[];
  };
  const actor = who(ctx);
  // Permissions first: a request is applied whole or refused whole.
  if (body.title !== undefined || body.body !== undefined)
    authorizeEdit(world, ctx.actor, issue.user, "text");
  if (body.state && body.state !== issue.state)
    authorizeEdit(
      world,
      ctx.actor,
      issue.user,
      body.state === "closed" ? "close" : "reopen",
      issue.closed_by,
    );
  const changes: Record<string, unknown> = {};
  if (body.title !== undefined && String(body.title) !== issue.title) {
    changes.title = { from: issue.title };
    issue.title = String(body.title);
  }
  if (body.body !== undefined && body.body !== issue.body) {
    changes.body = { from: issue.body ?? "" };
    issue.body = body.body;
  }
  if (Object.keys(changes).length > 0) {
    issue.updated_at = world.now();
    if (issue.pull_request)
      world.emit("pull_request", actor, {
        action: "edited",
        number: issue.number,
        changes,
        pull_request: await world.pullJson(issue),
      });
    else world.emit("issues", actor, { action: "edited", changes, issue: world.issueJson(issue) });
  }
  // "Without push access to the repository, label changes are silently dropped" (issues/update
  // in the OpenAPI); the roles table lets triage apply labels, so triage keeps them here.
  if (body.labels !== undefined && canTriage(world, ctx.actor)) {
    const wanted = labelNames(body.labels);
    for (const name of [...issue.labels]) {
      if (!wanted.some((w) => w.toLowerCase() === name.toLowerCase()))
        await removeLabel(world, actor, issue, name);
    }
    await addLabels(world, actor, issue, wanted);
  }
  if (body.state && body.state !== issue.state) {
    if (issue.pull_request) {
      await setPullState(world, actor, issue, body.state);
    } else {
      const at = world.now();
      const closing = body.state === "closed";
      Object.assign(issue, {
        state: body.state,
        updated_at: at,
        closed_at: closing ? at : null,
        closed_by: closing ? actor : null,
        state_reason: closing ? (body.state_reason ?? "completed") : "reopened",
      });
      world.emit("issues", actor, {
        action: closing ? "closed" : "reopened",
        issue: world.issueJson(issue),
      });
    }
  }
  return ok(world.issueJson(issue));
}

function listIssues(ctx: Ctx) {
  const world = ctx.world;
  const state = ctx.query.state ?? "open";
  const labels = ctx.query.labels
    ? ctx.query.labels
        .split(",")
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean)
    : [];
  const sort = ctx.query.sort ?? "created";
  const direction = ctx.query.direction ?? "desc";
  const since = ctx.query.since;
  const issues = [...world.issues.values()]
    .filter((i) => state === "all" || i.state === state)
    .filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)))
    .filter(
      (i) => !ctx.query.creator || i.user.login.toLowerCase() === ctx.query.creator.toLowerCase(),
    )
    .filter((i) => !since || i.updated_at >= since)
    .sort((a, b) => {
      const key = sort === "updated" ? "updated_at" : "created_at";
      const cmp =
        sort === "comments"
          ? world.commentCount(a.number) - world.commentCount(b.number)
          : a[key].localeCompare(b[key]) || a.number - b.number;
      return direction === "asc" ? cmp : -cmp;
    });
  return paginate(
    ctx,
    issues.map((i) => world.issueJson(i)),
  );
}

export const issueRoutes: Routes = {
  "issues/create": {
    access: { scope: "repo", perm: "issues", level: "write", userRole: "read" },
    async handle(ctx) {
      const world = ctx.world;
      const body = ctx.body as { title: string | number; body?: string; labels?: unknown[] };
      const actor = who(ctx);
      const issue = await world.exclusive(async () => {
        const at = world.now();
        const created: IssueRecord = {
          id: world.nextId("issue"),
          number: world.nextId("number"),
          title: String(body.title),
          body: body.body ?? null,
          state: "open",
          state_reason: null,
          user: actor,
          labels: [],
          locked: false,
          created_at: at,
          updated_at: at,
          closed_at: null,
          closed_by: null,
          via_app: actorApp(ctx.actor),
        };
        world.issues.set(created.number, created);
        world.emit("issues", actor, { action: "opened", issue: world.issueJson(created) });
        // Labels on new issues need triage rights; GitHub silently drops them otherwise.
        if (body.labels && canTriage(world, ctx.actor))
          await addLabels(world, actor, created, labelNames(body.labels));
        return created;
      });
      return ok(world.issueJson(issue), 201);
    },
  },

  "issues/get": {
    access: { scope: "repo", perm: ["issues", "pull_requests"] },
    handle: (ctx) => ok(ctx.world.issueJson(ctx.world.issue(intParam(ctx, "issue_number")))),
  },

  // "Issue owners and users with push access or Triage role can edit an issue" (OpenAPI); what
  // each may change is checked field by field in updateIssue.
  "issues/update": {
    access: {
      scope: "repo",
      perm: ["issues", "pull_requests"],
      level: "write",
      userRole: "read",
    },
    handle: (ctx) => ctx.world.exclusive(() => updateIssue(ctx)),
  },

  "issues/list-for-repo": {
    access: { scope: "repo", perm: ["issues", "pull_requests"] },
    handle: (ctx) => listIssues(ctx),
  },

  "issues/list-comments": {
    access: { scope: "repo", perm: ["issues", "pull_requests"] },
    handle(ctx) {
      const n = intParam(ctx, "issue_number");
      ctx.world.issue(n);
      const since = ctx.query.since;
      const list = [...ctx.world.comments.values()]
        .filter((c) => c.issue_number === n && (!since || c.updated_at >= since))
        .sort((a, b) => a.id - b.id);
      return paginate(
        ctx,
        list.map((c) => ctx.world.commentJson(c)),
      );
    },
  },

  "issues/create-comment": {
    access: { scope: "repo", perm: ["issues", "pull_requests"], level: "write", userRole: "read" },
    async handle(ctx) {
      const issue = ctx.world.issue(intParam(ctx, "issue_number"));
      if (
        issue.locked &&
        ctx.actor.kind === "user" &&
        ctx.world.roleOf(ctx.actor.account.login) === "read"
      ) {
        throw new ApiError(403, "Unable to create comment because issue is locked.");
      }
      const created = await ctx.world.exclusive(() =>
        createComment(ctx.world, who(ctx), issue, (ctx.body as { body: string }).body, ctx.actor),
      );
      return ok(ctx.world.commentJson(created), 201);
    },
  },

  "issues/get-comment": {
    access: { scope: "repo", perm: ["issues", "pull_requests"] },
    handle: (ctx) => ok(ctx.world.commentJson(comment(ctx.world, intParam(ctx, "comment_id")))),
  },

  "issues/update-comment": {
    access: { scope: "repo", perm: ["issues", "pull_requests"], level: "write", userRole: "read" },
    async handle(ctx) {
      const world = ctx.world;
      const c = comment(world, intParam(ctx, "comment_id"));
      const actor = who(ctx);
      // Everyone may edit their own comments; only write may edit anyone's (triage may not).
      authorizeEdit(world, ctx.actor, c.user, "text");
      const from = c.body;
      c.body = (ctx.body as { body: string }).body;
      c.updated_at = world.now();
      if (from !== c.body) {
        world.emit("issue_comment", actor, {
          action: "edited",
          changes: { body: { from } },
          issue: world.issueJson(world.issue(c.issue_number)),
          comment: world.commentJson(c),
        });
      }
      return ok(world.commentJson(c));
    },
  },

  "issues/delete-comment": {
    access: {
      scope: "repo",
      perm: ["issues", "pull_requests"],
      level: "write",
      userRole: "read",
    },
    handle(ctx) {
      const world = ctx.world;
      const c = comment(world, intParam(ctx, "comment_id"));
      // "Edit and delete their own comments": read; anyone's: write.
      authorizeEdit(world, ctx.actor, c.user, "text");
      world.comments.delete(c.id);
      world.emit("issue_comment", who(ctx), {
        action: "deleted",
        issue: world.issueJson(world.issue(c.issue_number)),
        comment: world.commentJson(c),
      });
      return { status: 204 };
    },
  },

  "issues/list-labels-on-issue": {
    access: { scope: "repo", perm: ["issues", "pull_requests"] },
    handle: (ctx) =>
      paginate(
        ctx,
        ctx.world
          .labelsOf(ctx.world.issue(intParam(ctx, "issue_number")))
          .map((l) => ctx.world.labelJson(l)),
      ),
  },

  "issues/add-labels": {
    access: {
      scope: "repo",
      perm: ["issues", "pull_requests"],
      level: "write",
      userRole: "triage",
    },
    async handle(ctx) {
      const issue = ctx.world.issue(intParam(ctx, "issue_number"));
      const names = labelNames((ctx.body as { labels?: unknown[] }).labels ?? []);
      if (names.length === 0) throw validationFailed("Invalid request.\n\nNo labels given.");
      await ctx.world.exclusive(() => addLabels(ctx.world, who(ctx), issue, names));
      return ok(ctx.world.labelsOf(issue).map((l) => ctx.world.labelJson(l)));
    },
  },

  "issues/set-labels": {
    access: {
      scope: "repo",
      perm: ["issues", "pull_requests"],
      level: "write",
      userRole: "triage",
    },
    async handle(ctx) {
      const world = ctx.world;
      const issue = world.issue(intParam(ctx, "issue_number"));
      const wanted = labelNames((ctx.body as { labels?: unknown[] } | null)?.labels ?? []);
      await world.exclusive(async () => {
        for (const name of [...issue.labels]) {
          if (!wanted.some((w) => w.toLowerCase() === name.toLowerCase()))
            await removeLabel(world, who(ctx), issue, name);
        }
        await addLabels(world, who(ctx), issue, wanted);
      });
      return ok(world.labelsOf(issue).map((l) => world.labelJson(l)));
    },
  },

  "issues/remove-label": {
    access: {
      scope: "repo",
      perm: ["issues", "pull_requests"],
      level: "write",
      userRole: "triage",
    },
    async handle(ctx) {
      const issue = ctx.world.issue(intParam(ctx, "issue_number"));
      await ctx.world.exclusive(() => removeLabel(ctx.world, who(ctx), issue, ctx.params.name));
      return ok(ctx.world.labelsOf(issue).map((l) => ctx.world.labelJson(l)));
    },
  },

  "issues/list-labels-for-repo": {
    access: { scope: "repo", perm: ["issues", "pull_requests"] },
    handle: (ctx) =>
      paginate(
        ctx,
        ctx.world.labels.map((l) => ctx.world.labelJson(l)),
      ),
  },

  "issues/get-label": {
    access: { scope: "repo", perm: ["issues", "pull_requests"] },
    handle(ctx) {
      const label = ctx.world.label(ctx.params.name);
      if (!label) throw notFound();
      return ok(ctx.world.labelJson(label));
    },
  },

  "issues/create-label": {
    access: { scope: "repo", perm: ["issues", "pull_requests"], level: "write", userRole: "write" },
    handle(ctx) {
      const body = ctx.body as { name: string; color?: string; description?: string };
      if (ctx.world.label(body.name)) {
        throw new ApiError(422, "Validation Failed", [
          { resource: "Label", code: "already_exists", field: "name" },
        ]);
      }
      const label: LabelRecord = {
        id: ctx.world.nextId("label"),
        name: body.name,
        color: (body.color ?? DEFAULT_LABEL_COLOR).replace(/^#/, ""),
        description: body.description ?? null,
        default: false,
      };
      ctx.world.labels.push(label);
      return ok(ctx.world.labelJson(label), 201);
    },
  },

  "repos/get-collaborator-permission-level": {
    access: { scope: "repo", perm: "metadata" },
    handle(ctx) {
      const world = ctx.world;
      const login = ctx.params.username;
      const account =
        world.users.get(login) ??
        (login === world.repo.owner.login && world.repo.owner.type === "User"
          ? world.repo.owner
          : undefined);
      if (!account) throw notFound();
      const role = world.roleOf(account.login);
      const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      const flags = {
        admin: role === "admin",
        maintain: ["admin", "maintain"].includes(role),
        push: ["admin", "maintain", "write"].includes(role),
        triage: role !== "read" && role !== "none",
        pull: role !== "none",
      };
      return ok({
        permission,
        role_name: role,
        user: { ...userObject(world.urls, account), permissions: flags, role_name: role },
      });
    },
  },
};
