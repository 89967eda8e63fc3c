/** Repository reads (metadata, contents, branches, commits, compare) and repo-level writes. */
import type { Actor } from "../auth.js";
import { GitError, type GitPerson } from "../git-store.js";
import { commitObject, diffEntryObject, gitCommitObject } from "../rest-objects.js";
import { ApiError, FORKS_NAMESPACE, notFound, validationFailed, type World } from "../world.js";
import { personFor, writeRef } from "./git.js";
import { type Ctx, ok, paginate, type Reply, type Routes, who } from "./route.js";

function permissionsFor(world: World, actor: Actor) {
  if (actor.kind !== "user") return undefined;
  const role = world.roleOf(actor.account.login);
  return {
    admin: role === "admin",
    maintain: ["admin", "maintain"].includes(role),
    push: ["admin", "maintain", "write"].includes(role),
    triage: !["read", "none"].includes(role),
    pull: role !== "none",
  };
}

/**
 * A commit-ish from a URL or query: sha, branch, tag or full ref; in compare also
 * `owner:branch` / `owner:repo:branch` for a fork in the network (compare docs: "To compare
 * branches across other repositories in the same network as :repo, use the format
 * <USERNAME>:branch"). Commits of forks resolve by sha, as GitHub shares objects in a network.
 */
async function resolve(world: World, ref: string | undefined): Promise<string | null> {
  let wanted = ref ?? world.repo.default_branch;
  const parts = wanted.split(":");
  if (parts.length === 2 || parts.length === 3) {
    const [login, ...rest] = parts;
    const branch = rest[rest.length - 1];
    if (login.toLowerCase() === world.repo.owner.login.toLowerCase()) wanted = branch;
    else {
      const fork = world.forkOf(login);
      if (!fork || (rest.length === 2 && rest[0].toLowerCase() !== fork.name.toLowerCase()))
        return null;
      return world.git.getRef(world.forkBranchRef(fork.owner.login, branch));
    }
  }
  if (wanted.includes(FORKS_NAMESPACE.slice(5))) return null;
  for (const candidate of [wanted, `refs/heads/${wanted}`, `refs/tags/${wanted}`]) {
    const sha = await world.git.resolveCommit(candidate);
    if (sha) return sha;
  }
  return null;
}

async function commitJson(world: World, sha: string, withFiles: boolean) {
  const c = await world.git.readCommit(sha);
  const files = withFiles
    ? await world.git.diffFiles(c.parents[0] ?? "4b825dc642cb6eb9a060e54bf8d69288fbee4904", sha)
    : undefined;
  return commitObject(world.urls, world.repo, c, {
    files,
    userFor: (e) => world.accountByEmail(e),
  });
}

/** One entry of the contents API (a file, a folder, a submodule) as seen at `ref`. */
function contentEntry(
  world: World,
  ref: string,
  path: string,
  type: string,
  sha: string,
  size: number,
) {
  const full = `${world.repo.owner.login}/${world.repo.name}`;
  const enc = path.split("/").map(encodeURIComponent).join("/");
  const url = `${world.urls.api}/repos/${full}/contents/${enc}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${world.urls.api}/repos/${full}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`;
  const htmlUrl = `${world.urls.html}/${full}/${type === "dir" ? "tree" : "blob"}/${ref}/${enc}`;
  return {
    type,
    size,
    name: path.split("/").pop() ?? path,
    path,
    sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: type === "file" ? `${world.urls.html}/${full}/raw/${ref}/${enc}` : null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

async function getContent(ctx: Ctx) {
  const world = ctx.world;
  const commit = await resolve(world, ctx.query.ref);
  if (!commit) throw new ApiError(404, `No commit found for the ref ${ctx.query.ref}`);
  const path = ctx.params.path;
  const found = await world.git.readPath(commit, path);
  if (!found) throw notFound();
  const ref = ctx.query.ref ?? world.repo.default_branch;
  const entry = (p: string, type: string, sha: string, size: number) =>
    contentEntry(world, ref, p, type, sha, size);
  if (found.type === "dir") {
    return ok(
      found.entries.map((e) =>
        entry(
          e.path,
          e.type === "tree" ? "dir" : e.type === "commit" ? "submodule" : "file",
          e.sha,
          e.size ?? 0,
        ),
      ),
    );
  }
  // Raw media type (Probot's config loader asks for it): the bytes, not JSON.
  if (/application\/vnd\.github(\.v3)?\.raw/.test(ctx.accept)) {
    return { status: 200, raw: { data: found.content, contentType: "text/plain; charset=utf-8" } };
  }
  return ok({
    ...entry(path.replace(/^\/+|\/+$/g, ""), "file", found.sha, found.content.length),
    content: `${(found.content.toString("base64").match(/.{1,60}/g) ?? [""]).join("\n")}\n`,
    encoding: "base64",
  });
}

/** Standard base64 (line breaks allowed, padding required), or null for anything else. */
function decodeBase64(content: string): Buffer | null {
  const bare = content.replace(/\r?\n/g, "");
  if (bare.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(bare)) return null;
  return Buffer.from(bare, "base64");
}

/**
 * Workflow files need more than contents write: "The `workflow` scope is also required in order
 * to modify files in the `.github/workflows` directory" (the operation's description); for an
 * app, the `workflows` permission. A workflow's own GITHUB_TOKEN never gets it.
 */
function assertMayWriteWorkflows(ctx: Ctx): void {
  const actor = ctx.actor;
  if (actor.kind === "user" && !actor.scopes.includes("workflow"))
    throw new ApiError(403, "Resource not accessible by personal access token");
  if (
    (actor.kind === "installation" || actor.kind === "actions") &&
    actor.permissions.workflows !== "write"
  )
    throw new ApiError(403, "Resource not accessible by integration");
}

/**
 * PUT /contents/{path} ("Create or update file contents"): one commit on `branch` (default: the
 * default branch) setting one file, 201 when it creates the file, 200 when it replaces it. As on
 * GitHub (measured in pome-sh/digital-twins#400): a missing branch is 404 before anything else;
 * replacing a file needs its current blob `sha` (422 `"sha" wasn't supplied.` without one, 409
 * `<path> does not match <sha>` with another); creating one ignores `sha`. The branch moves as a
 * compare-and-swap from the head the commit was made on, with the push a ref write announces.
 */
async function putContent(ctx: Ctx): Promise<Reply> {
  const world = ctx.world;
  const body = ctx.body as {
    message: string;
    content: string;
    sha?: string;
    branch?: string;
    committer?: { name: string; email: string; date?: string };
    author?: { name: string; email: string; date?: string };
  };
  const path = ctx.params.path.replace(/^\/+|\/+$/g, "");
  if (path.startsWith(".github/workflows/")) assertMayWriteWorkflows(ctx);
  const branch = body.branch ?? world.repo.default_branch;
  const ref = `refs/heads/${branch}`;
  const actor = who(ctx);
  return world.exclusive(async () => {
    const before = await world.git.getRef(ref);
    if (!before) throw new ApiError(404, `Branch ${branch} not found`);
    const data = decodeBase64(body.content);
    if (data === null) throw validationFailed("content is not valid Base64");
    const existing = path === "" ? null : await world.git.readPath(before, path);
    if (path === "" || existing?.type === "dir")
      throw validationFailed(`Invalid request.\n\n"${path}" is a directory.`);
    if (existing && body.sha === undefined)
      throw validationFailed(`Invalid request.\n\n"sha" wasn't supplied.`);
    if (existing && body.sha !== existing.sha)
      throw new ApiError(409, `${path} does not match ${body.sha}`);
    const blob = await world.git.writeBlob(data);
    const now = world.now();
    const person = (p: { name: string; email: string; date?: string }): GitPerson => ({
      name: p.name,
      email: p.email,
      date: p.date ?? now,
    });
    const committer = body.committer ? person(body.committer) : personFor(actor, now);
    const author = body.author ? person(body.author) : committer;
    let sha: string;
    try {
      const tree = await world.git.writeTree(await world.git.treeOf(before), [
        { path, mode: existing?.mode ?? "100644", type: "blob", sha: blob },
      ]);
      sha = await world.git.writeCommit({
        message: body.message,
        tree,
        parents: [before],
        author,
        committer,
      });
    } catch (error) {
      if (error instanceof GitError) throw validationFailed(`Invalid request.\n\n${error.message}`);
      throw error;
    }
    try {
      await writeRef(world, actor, ref, sha, { expectedOld: before });
    } catch (error) {
      const current = await world.git.getRef(ref);
      if (current !== before)
        throw new ApiError(409, `${ref} is at ${current} but expected ${before}`);
      throw error;
    }
    return ok(
      {
        content: contentEntry(world, branch, path, "file", blob, data.length),
        commit: gitCommitObject(world.urls, world.repo, await world.git.readCommit(sha)),
      },
      existing ? 200 : 201,
    );
  });
}

async function compare(ctx: Ctx) {
  const world = ctx.world;
  const [baseSpec, headSpec] = ctx.params.basehead.split("...");
  if (!headSpec) throw notFound();
  const base = await resolve(world, baseSpec);
  const head = await resolve(world, headSpec);
  if (!base || !head) throw notFound();
  const mergeBase = await world.git.mergeBase(base, head);
  if (!mergeBase) throw notFound();
  const ahead = await world.git.commitsBetween(base, head);
  const behind = await world.git.commitsBetween(head, base);
  const status =
    ahead.length === 0 && behind.length === 0
      ? "identical"
      : behind.length === 0
        ? "ahead"
        : ahead.length === 0
          ? "behind"
          : "diverged";
  const commits = await Promise.all(ahead.slice(0, 250).map((s) => commitJson(world, s, false)));
  const files = await world.git.diffFiles(mergeBase, head);
  const full = `${world.repo.owner.login}/${world.repo.name}`;
  return ok({
    url: `${world.urls.api}/repos/${full}/compare/${ctx.params.basehead}`,
    html_url: `${world.urls.html}/${full}/compare/${ctx.params.basehead}`,
    permalink_url: `${world.urls.html}/${full}/compare/${world.repo.owner.login}:${base.slice(0, 7)}...${world.repo.owner.login}:${head.slice(0, 7)}`,
    diff_url: `${world.urls.html}/${full}/compare/${ctx.params.basehead}.diff`,
    patch_url: `${world.urls.html}/${full}/compare/${ctx.params.basehead}.patch`,
    base_commit: await commitJson(world, base, false),
    merge_base_commit: await commitJson(world, mergeBase, false),
    status,
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    commits,
    files: files.map((f) => diffEntryObject(world.urls, world.repo, f, head)),
  });
}

/** POST /merges: merge `head` into branch `base` with a merge commit (201), 204 when already merged. */
async function mergeBranch(ctx: Ctx) {
  const world = ctx.world;
  const body = ctx.body as { base: string; head: string; commit_message?: string };
  const baseSha = await world.git.getRef(`refs/heads/${body.base}`);
  if (!baseSha) throw new ApiError(404, "Base does not exist");
  const headSha = await resolve(world, body.head);
  if (!headSha) throw new ApiError(404, "Head does not exist");
  if (await world.git.isAncestor(headSha, baseSha)) return { status: 204 };
  const merged = await world.git.mergeTrees(baseSha, headSha);
  if (!merged.clean) throw new ApiError(409, "Merge conflict");
  const at = world.now();
  const actor = who(ctx);
  const sha = await world.git.writeCommit({
    message: body.commit_message ?? `Merge ${body.head} into ${body.base}`,
    tree: merged.tree,
    parents: [baseSha, headSha],
    author: personFor(actor, at),
    committer: personFor(actor, at),
  });
  await writeRef(world, actor, `refs/heads/${body.base}`, sha);
  return ok(await commitJson(world, sha, true), 201);
}

export const repoRoutes: Routes = {
  "repos/get": {
    access: { scope: "repo", perm: "metadata" },
    handle: (ctx) => ok(ctx.world.repoJson(permissionsFor(ctx.world, ctx.actor))),
  },

  "repos/get-content": {
    access: { scope: "repo", perm: "contents" },
    handle: (ctx) => getContent(ctx),
  },

  "repos/create-or-update-file-contents": {
    access: { scope: "repo", perm: "contents", level: "write" },
    handle: (ctx) => putContent(ctx),
  },

  "repos/get-branch": {
    access: { scope: "repo", perm: "contents" },
    async handle(ctx) {
      const world = ctx.world;
      const sha = await world.git.getRef(`refs/heads/${ctx.params.branch}`);
      if (!sha) throw new ApiError(404, "Branch not found");
      const full = `${world.repo.owner.login}/${world.repo.name}`;
      const url = `${world.urls.api}/repos/${full}/branches/${ctx.params.branch}`;
      return ok({
        name: ctx.params.branch,
        commit: await commitJson(world, sha, false),
        _links: { self: url, html: `${world.urls.html}/${full}/tree/${ctx.params.branch}` },
        protected: false,
        protection: {
          enabled: false,
          required_status_checks: { enforcement_level: "off", contexts: [], checks: [] },
        },
        protection_url: `${url}/protection`,
      });
    },
  },

  "repos/list-branches": {
    access: { scope: "repo", perm: "contents" },
    async handle(ctx) {
      const world = ctx.world;
      const full = `${world.repo.owner.login}/${world.repo.name}`;
      const refs = await world.git.listRefs("refs/heads/");
      return paginate(
        ctx,
        refs.map((r) => ({
          name: r.ref.slice("refs/heads/".length),
          commit: { sha: r.sha, url: `${world.urls.api}/repos/${full}/commits/${r.sha}` },
          protected: false,
        })),
      );
    },
  },

  "repos/get-commit": {
    access: { scope: "repo", perm: "contents" },
    async handle(ctx) {
      const sha = await resolve(ctx.world, ctx.params.ref);
      if (!sha) throw new ApiError(422, `No commit found for SHA: ${ctx.params.ref}`);
      return ok(await commitJson(ctx.world, sha, true));
    },
  },

  "repos/list-commits": {
    access: { scope: "repo", perm: "contents" },
    async handle(ctx) {
      const head = await resolve(ctx.world, ctx.query.sha);
      if (!head) throw notFound();
      const shas = (await ctx.world.git.commitsBetween(null, head)).reverse();
      const perPage = Math.min(Number(ctx.query.per_page ?? 30) || 30, 100);
      const page = Math.max(Number(ctx.query.page ?? 1) || 1, 1);
      const window = shas.slice((page - 1) * perPage, page * perPage);
      const reply = paginate(ctx, shas);
      reply.body = await Promise.all(window.map((s) => commitJson(ctx.world, s, false)));
      return reply;
    },
  },

  "repos/compare-commits-with-basehead": {
    access: { scope: "repo", perm: "contents" },
    handle: (ctx) => compare(ctx),
  },

  // The older spelling of the same endpoint; "a...b" URLs match both templates.
  "repos/compare-commits": {
    access: { scope: "repo", perm: "contents" },
    handle: (ctx) =>
      compare({
        ...ctx,
        params: { ...ctx.params, basehead: `${ctx.params.base}...${ctx.params.head}` },
      }),
  },

  "repos/merge": {
    access: { scope: "repo", perm: "contents", level: "write" },
    handle: (ctx) => ctx.world.exclusive(() => mergeBranch(ctx)),
  },

  "repos/create-dispatch-event": {
    access: { scope: "repo", perm: "contents", level: "write" },
    handle(ctx) {
      const body = ctx.body as { event_type: string; client_payload?: Record<string, unknown> };
      if (!body.event_type) throw validationFailed("event_type is required");
      ctx.world.emit("repository_dispatch", who(ctx), {
        action: body.event_type,
        branch: ctx.world.repo.default_branch,
        client_payload: body.client_payload ?? {},
      });
      return { status: 204 };
    },
  },
};
