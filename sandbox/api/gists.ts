/**
 * Gists: only user tokens with the `gist` scope may write them. Installation tokens (and the
 * workflow's GITHUB_TOKEN) get 403 "Resource not accessible by integration", as on GitHub.
 */
import { createHash } from "node:crypto";
import type { GistRecord } from "../model.js";
import { gistObject } from "../rest-objects.js";
import { notFound, validationFailed, type World } from "../world.js";
import { type Ctx, ok, paginate, type Routes, who } from "./route.js";

type FilesInput = Record<string, { content?: string; filename?: string | null } | null>;

function version(gist: GistRecord, at: string): string {
  return createHash("sha1")
    .update(`${gist.id}\n${at}\n${JSON.stringify(gist.files)}`)
    .digest("hex");
}

function gist(world: World, id: string): GistRecord {
  const g = world.gists.get(id);
  if (!g) throw notFound();
  return g;
}

function json(ctx: Ctx, g: GistRecord, truncate = false) {
  return gistObject(ctx.world.urls, g, { truncate });
}

export const gistRoutes: Routes = {
  "gists/create": {
    access: { scope: "gist", level: "write" },
    handle(ctx) {
      const body = ctx.body as {
        description?: string;
        public?: boolean | string;
        files: Record<string, { content: string }>;
      };
      const names = Object.keys(body.files);
      if (names.length === 0)
        throw validationFailed("Validation Failed", [
          { resource: "Gist", code: "missing_field", field: "files" },
        ]);
      for (const name of names) {
        if (!body.files[name]?.content) {
          throw validationFailed("Validation Failed", [
            { resource: "Gist", code: "missing_field", field: "files" },
          ]);
        }
      }
      const at = ctx.world.now();
      const owner = who(ctx);
      const record: GistRecord = {
        id: createHash("md5")
          .update(`${owner.login}:${ctx.world.gists.size}:${at}`)
          .digest("hex")
          .slice(0, 32),
        description: body.description ?? null,
        public: body.public === true || body.public === "true",
        owner,
        files: Object.fromEntries(names.map((n) => [n, body.files[n].content])),
        created_at: at,
        updated_at: at,
        history: [],
      };
      record.history.unshift({ version: version(record, at), committed_at: at, user: owner });
      ctx.world.gists.set(record.id, record);
      return ok(json(ctx, record), 201);
    },
  },

  "gists/get": {
    access: { scope: "gist", level: "read" },
    handle: (ctx) => ok(json(ctx, gist(ctx.world, ctx.params.gist_id))),
  },

  "gists/update": {
    access: { scope: "gist", level: "write" },
    handle(ctx) {
      const g = gist(ctx.world, ctx.params.gist_id);
      const owner = who(ctx);
      if (g.owner.login !== owner.login) throw notFound();
      const body = (ctx.body ?? {}) as { description?: string; files?: FilesInput };
      if (body.description !== undefined) g.description = body.description;
      for (const [name, change] of Object.entries(body.files ?? {})) {
        if (change === null) {
          delete g.files[name];
          continue;
        }
        const content = change.content ?? g.files[name];
        if (content === undefined)
          throw validationFailed("Validation Failed", [
            { resource: "Gist", code: "missing_field", field: "files" },
          ]);
        if (change.filename && change.filename !== name) delete g.files[name];
        g.files[change.filename ?? name] = content;
      }
      const at = ctx.world.now();
      g.updated_at = at;
      g.history.unshift({ version: version(g, at), committed_at: at, user: owner });
      return ok(json(ctx, g));
    },
  },

  "gists/list": {
    access: { scope: "gist", level: "read" },
    handle(ctx) {
      const owner = who(ctx);
      const mine = [...ctx.world.gists.values()]
        .filter((g) => g.owner.login === owner.login)
        .sort((a, b) => b.updated_at.localeCompare(a.updated_at));
      return paginate(
        ctx,
        mine.map((g) => json(ctx, g, true)),
      );
    },
  },
};
