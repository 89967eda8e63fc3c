/** The GitHub App endpoints (JWT-authenticated) and the rate limit. */
import { normalizePermissions } from "../auth.js";
import { appObject } from "../rest-objects.js";
import { ApiError, notFound } from "../world.js";
import { intParam, ok, paginate, type Routes } from "./route.js";

export const appRoutes: Routes = {
  "apps/get-authenticated": {
    access: { scope: "jwt" },
    handle: (ctx) => ok(appObject(ctx.world.urls, ctx.world.app)),
  },

  "apps/list-installations": {
    access: { scope: "jwt" },
    handle: (ctx) => paginate(ctx, [ctx.world.installationJson()]),
  },

  "apps/get-installation": {
    access: { scope: "jwt" },
    handle(ctx) {
      if (intParam(ctx, "installation_id") !== ctx.world.installation.id) throw notFound();
      return ok(ctx.world.installationJson());
    },
  },

  // The repositories an installation token can see (GitHub: GET /installation/repositories).
  "apps/list-repos-accessible-to-installation": {
    access: { scope: "open" },
    handle(ctx) {
      if (ctx.actor.kind !== "installation") {
        throw new ApiError(
          403,
          "You must authenticate with an installation access token in order to list repositories for an installation.",
        );
      }
      return ok({
        total_count: 1,
        repository_selection: "selected",
        repositories: [ctx.world.repoJson()],
      });
    },
  },

  "apps/get-repo-installation": {
    access: { scope: "jwt" },
    handle: (ctx) => ok(ctx.world.installationJson()),
  },

  "apps/create-installation-access-token": {
    access: { scope: "jwt" },
    handle(ctx) {
      if (intParam(ctx, "installation_id") !== ctx.world.installation.id) throw notFound();
      const body = (ctx.body ?? {}) as { permissions?: Record<string, string> };
      const issued = ctx.auth.issueInstallationToken(
        body.permissions ? normalizePermissions(body.permissions) : undefined,
      );
      const r = ctx.world.repo;
      return ok(
        {
          token: issued.token,
          expires_at: issued.expiresAt,
          permissions: issued.permissions,
          repository_selection: "selected",
          repositories: [{ ...ctx.world.repoJson(), full_name: `${r.owner.login}/${r.name}` }],
        },
        201,
      );
    },
  },

  "rate-limit/get": {
    access: { scope: "open" },
    handle() {
      const reset = Math.floor(Date.now() / 1000) + 3600;
      const core = { limit: 5000, used: 0, remaining: 5000, reset };
      return ok({
        resources: { core, search: { ...core, limit: 30, remaining: 30 }, graphql: core },
        rate: core,
      });
    },
  },
};
