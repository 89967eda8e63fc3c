/** Git data API (refs, commits, trees, blobs) and what moving a ref announces. */
import { GitError, type GitPerson, type TreeChange, ZERO_SHA } from "../git-store.js";
import type { Account } from "../model.js";
import { gitCommitObject, refObject } from "../rest-objects.js";
import { FORKS_NAMESPACE, notFound, validationFailed, type World } from "../world.js";
import { onBaseBranchMoved, onHeadBranchDeleted, onHeadBranchMoved } from "./pull-sync.js";
import { type Ctx, ok, paginate, type Routes, who } from "./route.js";

const MAX_PUSH_COMMITS = 20;

/** The commit identity GitHub uses for an account's API writes. */
export function personFor(account: Account, date: string): GitPerson {
  return {
    name: account.name ?? account.login,
    email: `${account.id}+${account.login}@users.noreply.github.com`,
    date,
  };
}

/**
 * What kind of ref GitHub announces: `push`, `create` and `delete` are for branches and tags
 * only ("This event occurs when there is a push to a repository branch ... when a commit tag is
 * pushed"; "when a Git branch or tag is created/deleted": the `x-webhooks` summaries of
 * @octokit/openapi, and `ref_type` is `"branch" | "tag"` in @octokit/webhooks-schemas). Any
 * other ref (`refs/autoresearch/lock/…`, `refs/pull/…`, `refs/notes/…`) moves silently.
 */
export function announcedRefKind(ref: string): { type: "branch" | "tag"; name: string } | null {
  if (ref.startsWith("refs/heads/")) return { type: "branch", name: ref.slice(11) };
  if (ref.startsWith("refs/tags/")) return { type: "tag", name: ref.slice(10) };
  return null;
}

/**
 * Moves (or creates) a ref and tells everyone: push/create events (branches and tags only), and
 * the pull requests whose head or base it is (synchronize, mergeability, implicit merge).
 * `expectedOld` makes the move a compare-and-swap (a "ref-moved" GitError when it lost).
 */
export async function writeRef(
  world: World,
  sender: Account,
  ref: string,
  sha: string,
  options: { create?: boolean; force?: boolean; expectedOld?: string } = {},
): Promise<void> {
  let before: string | null;
  try {
    ({ before } = await world.git.setRef(ref, sha, options));
  } catch (error) {
    throw gitToApiError(error);
  }
  const at = world.now();
  world.pushes.push({ ref, before: before ?? ZERO_SHA, after: sha, pusher: sender, at });
  world.repo.pushed_at = at;
  const forced = Boolean(before && !(await world.git.isAncestor(before, sha)));
  const kind = announcedRefKind(ref);
  if (!kind) return;
  if (!before) {
    world.emit("create", sender, {
      ref: kind.name,
      ref_type: kind.type,
      master_branch: world.repo.default_branch,
      description: world.repo.description,
      pusher_type: "user",
    });
  }
  await emitPush(world, sender, {
    ref,
    before: before ?? ZERO_SHA,
    after: sha,
    created: !before,
    deleted: false,
    forced,
  });
  if (ref.startsWith("refs/heads/")) {
    const branch = ref.slice("refs/heads/".length);
    await onHeadBranchMoved(world, sender, branch, before, sha);
    await onBaseBranchMoved(world, sender, branch, sha);
  }
}

export async function deleteRef(world: World, sender: Account, ref: string): Promise<void> {
  let before: string;
  try {
    before = await world.git.deleteRef(ref);
  } catch (error) {
    throw gitToApiError(error);
  }
  world.pushes.push({ ref, before, after: ZERO_SHA, pusher: sender, at: world.now() });
  const kind = announcedRefKind(ref);
  if (!kind) return;
  world.emit("delete", sender, { ref: kind.name, ref_type: kind.type, pusher_type: "user" });
  await emitPush(world, sender, {
    ref,
    before,
    after: ZERO_SHA,
    created: false,
    deleted: true,
    forced: false,
  });
  if (ref.startsWith("refs/heads/"))
    await onHeadBranchDeleted(world, sender, ref.slice("refs/heads/".length));
}

async function emitPush(
  world: World,
  sender: Account,
  push: {
    ref: string;
    before: string;
    after: string;
    created: boolean;
    deleted: boolean;
    forced: boolean;
  },
) {
  const full = `${world.repo.owner.login}/${world.repo.name}`;
  const shas =
    push.deleted || push.created
      ? []
      : (await world.git.commitsBetween(push.before, push.after)).slice(-MAX_PUSH_COMMITS);
  const commits = [];
  for (const sha of shas) commits.push(await pushCommit(world, sha, push.before));
  const headCommit = push.deleted ? null : await pushCommit(world, push.after, push.before);
  const person = personFor(sender, "");
  world.emit("push", sender, {
    ref: push.ref,
    before: push.before,
    after: push.after,
    created: push.created,
    deleted: push.deleted,
    forced: push.forced,
    base_ref: null,
    compare: push.created
      ? `${world.urls.html}/${full}/commit/${push.after.slice(0, 12)}`
      : `${world.urls.html}/${full}/compare/${push.before.slice(0, 12)}...${push.after.slice(0, 12)}`,
    commits,
    head_commit: headCommit,
    pusher: { name: sender.login, email: person.email },
    // Push payloads describe the repository with numeric timestamps (webhook docs, "push").
    repository: {
      ...world.repoJson(),
      created_at: toEpoch(world.repo.created_at),
      pushed_at: toEpoch(world.repo.pushed_at),
    },
  });
}

async function pushCommit(world: World, sha: string, before: string) {
  const c = await world.git.readCommit(sha);
  const parent = c.parents[0] ?? (before !== ZERO_SHA ? before : null);
  const files = parent ? await world.git.diffFiles(parent, sha) : [];
  const user = (email: string) => world.accountByEmail(email)?.login;
  return {
    id: c.sha,
    tree_id: c.tree,
    distinct: true,
    message: c.message,
    timestamp: c.committer.date,
    url: `${world.urls.html}/${world.repo.owner.login}/${world.repo.name}/commit/${c.sha}`,
    author: {
      name: c.author.name,
      email: c.author.email,
      ...(user(c.author.email) ? { username: user(c.author.email) } : {}),
    },
    committer: {
      name: c.committer.name,
      email: c.committer.email,
      ...(user(c.committer.email) ? { username: user(c.committer.email) } : {}),
    },
    added: files.filter((f) => f.status === "added").map((f) => f.filename),
    removed: files.filter((f) => f.status === "removed").map((f) => f.filename),
    modified: files
      .filter((f) => f.status === "modified" || f.status === "renamed")
      .map((f) => f.filename),
  };
}

function toEpoch(iso: string): number {
  return Math.floor(new Date(iso).getTime() / 1000);
}

export function gitToApiError(error: unknown): unknown {
  if (!(error instanceof GitError)) return error;
  const messages: Record<GitError["code"], string> = {
    "not-found": error.message.includes("Reference")
      ? "Reference does not exist"
      : "Object does not exist",
    "not-fast-forward": "Update is not a fast forward",
    "ref-exists": "Reference already exists",
    // Also what a directory/file clash gives ("a/b" exists, creating "a/b/c"); seen on
    // github.com in microsoft/vscode-remote-repositories-github#122, googleapis/release-please#1024.
    "ref-moved": "Reference update failed",
    "bad-object": "Object does not exist",
  };
  return validationFailed(messages[error.code]);
}

/**
 * The `{ref}` of GET /git/ref/{ref}, PATCH and DELETE /git/refs/{ref} is the name WITHOUT
 * `refs/` (`heads/main`, `autoresearch/lock/x`): GitHub prefixes it, so `refs/heads/main` there
 * names `refs/refs/heads/main`, which does not exist (github/rest-api-description#2746).
 */
function fullRef(ref: string): string {
  return `refs/${ref}`;
}

/** Where the sandbox keeps what is not the base repository's (fork branches): never shown. */
function isPrivateRef(ref: string): boolean {
  return ref.startsWith(FORKS_NAMESPACE);
}

/**
 * Refs the API may not write. `refs/pull/<n>/head` is GitHub's own, kept in step with the PR
 * head; a write there is refused (assumed 422 like other failed ref updates: GitHub documents
 * these refs as read-only but not the exact answer).
 */
function assertWritableRef(ref: string): void {
  if (ref.startsWith("refs/pull/") || isPrivateRef(ref))
    throw validationFailed("Reference update failed");
}

async function getRef(ctx: Ctx) {
  const ref = fullRef(ctx.params.ref);
  const sha = isPrivateRef(ref) ? null : await ctx.world.git.getRef(ref);
  if (!sha) throw notFound();
  return ok(refObject(ctx.world.urls, ctx.world.repo, ref, sha));
}

function base64Lines(data: Buffer): string {
  return `${(data.toString("base64").match(/.{1,60}/g) ?? [""]).join("\n")}\n`;
}

async function treeJson(ctx: Ctx, sha: string, recursive: boolean) {
  const full = `${ctx.world.repo.owner.login}/${ctx.world.repo.name}`;
  const entries = await ctx.world.git.readTree(sha, recursive);
  return {
    sha,
    url: `${ctx.world.urls.api}/repos/${full}/git/trees/${sha}`,
    tree: entries.map((e) => ({
      path: e.path,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      ...(e.size !== undefined ? { size: e.size } : {}),
      url: `${ctx.world.urls.api}/repos/${full}/git/${e.type === "tree" ? "trees" : "blobs"}/${e.sha}`,
    })),
    truncated: false,
  };
}

export const gitRoutes: Routes = {
  "git/get-ref": { access: { scope: "repo", perm: "contents" }, handle: getRef },

  "git/list-matching-refs": {
    access: { scope: "repo", perm: "contents" },
    async handle(ctx) {
      // Every namespace is listed, not only heads and tags ("Anything in the namespace is
      // returned": the operation's description in the OpenAPI).
      const refs = (await ctx.world.git.listRefs(fullRef(ctx.params.ref))).filter(
        (r) => !isPrivateRef(r.ref),
      );
      return paginate(
        ctx,
        refs.map((r) => refObject(ctx.world.urls, ctx.world.repo, r.ref, r.sha)),
      );
    },
  },

  "git/create-ref": {
    access: { scope: "repo", perm: "contents", level: "write" },
    async handle(ctx) {
      const { ref, sha } = ctx.body as { ref: string; sha: string };
      if (!/^refs\/[^/]+\/.+/.test(ref))
        throw validationFailed(
          "Reference name is not valid, must start with 'refs/' and have at least two slashes.",
        );
      assertWritableRef(ref);
      await ctx.world.exclusive(() => writeRef(ctx.world, who(ctx), ref, sha, { create: true }));
      return ok(refObject(ctx.world.urls, ctx.world.repo, ref, sha), 201);
    },
  },

  "git/update-ref": {
    access: { scope: "repo", perm: "contents", level: "write" },
    async handle(ctx) {
      const ref = fullRef(ctx.params.ref);
      const { sha, force } = ctx.body as { sha: string; force?: boolean };
      assertWritableRef(ref);
      await ctx.world.exclusive(() =>
        writeRef(ctx.world, who(ctx), ref, sha, { force: Boolean(force) }),
      );
      return ok(refObject(ctx.world.urls, ctx.world.repo, ref, sha));
    },
  },

  "git/delete-ref": {
    access: { scope: "repo", perm: "contents", level: "write" },
    async handle(ctx) {
      const ref = fullRef(ctx.params.ref);
      assertWritableRef(ref);
      await ctx.world.exclusive(() => deleteRef(ctx.world, who(ctx), ref));
      return { status: 204 };
    },
  },

  "git/create-blob": {
    access: { scope: "repo", perm: "contents", level: "write" },
    async handle(ctx) {
      const { content, encoding } = ctx.body as { content: string; encoding?: string };
      if (encoding && encoding !== "utf-8" && encoding !== "base64") {
        throw validationFailed(`encoding must be "utf-8" or "base64"`);
      }
      const data =
        encoding === "base64" ? Buffer.from(content, "base64") : Buffer.from(content, "utf8");
      const sha = await ctx.world.git.writeBlob(data);
      return ok(
        {
          sha,
          url: `${ctx.world.urls.api}/repos/${ctx.world.repo.owner.login}/${ctx.world.repo.name}/git/blobs/${sha}`,
        },
        201,
      );
    },
  },

  "git/get-blob": {
    access: { scope: "repo", perm: "contents" },
    async handle(ctx) {
      const sha = ctx.params.file_sha;
      if ((await ctx.world.git.objectType(sha)) !== "blob") throw notFound();
      const data = await ctx.world.git.readBlob(sha);
      return ok({
        sha,
        node_id: `B_${sha.slice(0, 12)}`,
        size: data.length,
        url: `${ctx.world.urls.api}/repos/${ctx.world.repo.owner.login}/${ctx.world.repo.name}/git/blobs/${sha}`,
        content: base64Lines(data),
        encoding: "base64",
      });
    },
  },

  "git/create-tree": {
    access: { scope: "repo", perm: "contents", level: "write" },
    async handle(ctx) {
      const { base_tree, tree } = ctx.body as { base_tree?: string; tree: TreeChange[] };
      for (const entry of tree) {
        if (entry.sha !== undefined && entry.content !== undefined) {
          throw validationFailed(
            "Must supply either tree.sha or tree.content. Request will fail if both are supplied.",
          );
        }
      }
      let sha: string;
      try {
        sha = await ctx.world.git.writeTree(base_tree, tree);
      } catch (error) {
        if (error instanceof GitError)
          throw validationFailed(
            `${error.message} (tree entries must reference existing objects of the stated type)`,
          );
        throw error;
      }
      return ok(await treeJson(ctx, sha, false), 201);
    },
  },

  "git/get-tree": {
    access: { scope: "repo", perm: "contents" },
    async handle(ctx) {
      let tree: string;
      try {
        // GitHub accepts a tree sha or any tree-ish (commit sha, branch name) here.
        tree = await ctx.world.git.treeOf(ctx.params.tree_sha);
      } catch {
        throw notFound();
      }
      const recursive =
        ctx.query.recursive !== undefined &&
        ctx.query.recursive !== "" &&
        ctx.query.recursive !== "false" &&
        ctx.query.recursive !== "0";
      return ok(await treeJson(ctx, tree, recursive));
    },
  },

  "git/create-commit": {
    access: { scope: "repo", perm: "contents", level: "write" },
    async handle(ctx) {
      const body = ctx.body as {
        message: string;
        tree: string;
        parents?: string[];
        author?: Partial<GitPerson>;
        committer?: Partial<GitPerson>;
      };
      const now = ctx.world.now();
      const self = personFor(who(ctx), now);
      const author = { ...self, ...body.author, date: body.author?.date ?? now } as GitPerson;
      const committer = {
        ...(body.committer ? { ...self, ...body.committer } : author),
        date: body.committer?.date ?? now,
      } as GitPerson;
      let sha: string;
      try {
        sha = await ctx.world.git.writeCommit({
          message: body.message,
          tree: body.tree,
          parents: body.parents ?? [],
          author,
          committer,
        });
      } catch (error) {
        if (error instanceof GitError)
          throw validationFailed(
            error.message.startsWith("tree")
              ? "Tree SHA does not exist"
              : "Parent SHA does not exist or is not a commit object",
          );
        throw error;
      }
      return ok(
        gitCommitObject(ctx.world.urls, ctx.world.repo, await ctx.world.git.readCommit(sha)),
        201,
      );
    },
  },

  "git/get-commit": {
    access: { scope: "repo", perm: "contents" },
    async handle(ctx) {
      const sha = ctx.params.commit_sha;
      if ((await ctx.world.git.objectType(sha)) !== "commit") throw notFound();
      return ok(
        gitCommitObject(ctx.world.urls, ctx.world.repo, await ctx.world.git.readCommit(sha)),
      );
    },
  },
};
