/**
 * Who is calling, and may they: GitHub App JWTs (RS256, checked like GitHub checks iat/exp),
 * installation tokens, the workflow's GITHUB_TOKEN, and personal tokens of sandbox users.
 */
import { createPublicKey, type KeyObject, randomBytes, verify } from "node:crypto";
import type { Account, AppRecord, PermissionLevel, Permissions, RepoRole } from "./model.js";
import type { OperationSpec } from "./openapi.js";
import { ApiError, type UserRecord, type World } from "./world.js";

export type Actor =
  | { kind: "anonymous" }
  | { kind: "app"; app: AppRecord }
  | {
      kind: "installation";
      token: string;
      account: Account;
      app: AppRecord;
      permissions: Permissions;
    }
  | {
      kind: "actions";
      token: string;
      account: Account;
      app: AppRecord;
      permissions: Permissions;
      runId: number;
    }
  | { kind: "user"; token: string; account: UserRecord; scopes: string[] };

/** What a route needs. `perm` names installation permissions (any one of them suffices). */
export interface Access {
  /** "jwt": only the app itself (JWT); "repo": repository data; "gist": user gists; "open": anyone. */
  scope: "jwt" | "repo" | "gist" | "open";
  perm?: string | string[];
  level?: PermissionLevel;
  /** Minimum role for user tokens; default read for reads, write for writes. */
  userRole?: RepoRole;
  /** Only GitHub Apps may call it (check runs): user tokens get 403. */
  appsOnly?: boolean;
}

interface TokenRecord {
  actor: Exclude<Actor, { kind: "anonymous" } | { kind: "app" }>;
  expiresAt: number;
  revoked: boolean;
}

export const ROLE_RANK: Record<RepoRole, number> = {
  none: 0,
  read: 1,
  triage: 2,
  write: 3,
  maintain: 4,
  admin: 5,
};
const HOUR_MS = 3_600_000;

export class Auth {
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #publicKey: KeyObject;

  /**
   * Refuse installation tokens on operations the spec marks `enabledForGitHubApps: false`
   * (gists, update-branch). GitHub's docs are less explicit than the spec for update-branch,
   * so this can be switched off to test an app against the laxer reading.
   */
  enforceSpecAppRestrictions = true;

  constructor(
    private readonly world: World,
    publicKeyPem: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.#publicKey = createPublicKey(publicKeyPem);
    for (const user of world.users.values()) {
      const token = `ghp_${user.login}${randomBytes(12).toString("hex")}`;
      this.#tokens.set(token, {
        actor: { kind: "user", token, account: user, scopes: user.scopes },
        expiresAt: Number.POSITIVE_INFINITY,
        revoked: false,
      });
    }
  }

  /** The personal access token of a sandbox user (octocat, mallory, …). */
  userToken(login: string): string {
    for (const [token, record] of this.#tokens) {
      if (record.actor.kind === "user" && record.actor.account.login === login) return token;
    }
    throw new Error(`no sandbox user "${login}"`);
  }

  /** POST /app/installations/{id}/access_tokens: one hour, optionally narrowed permissions. */
  issueInstallationToken(requested?: Permissions): {
    token: string;
    expiresAt: string;
    permissions: Permissions;
  } {
    const granted = this.world.installation.permissions;
    const permissions = requested ?? granted;
    for (const [name, level] of Object.entries(permissions)) {
      if (!granted[name] || (level === "write" && granted[name] !== "write")) {
        throw new ApiError(422, `The permissions requested are not granted to this installation.`);
      }
    }
    const token = `ghs_${randomBytes(18).toString("base64url")}`;
    const expiresAt = this.clock() + HOUR_MS;
    this.#tokens.set(token, {
      actor: {
        kind: "installation",
        token,
        account: this.world.app.bot,
        app: this.world.app,
        permissions,
      },
      expiresAt,
      revoked: false,
    });
    return {
      token,
      expiresAt: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
      permissions,
    };
  }

  /** A workflow run's GITHUB_TOKEN: valid until the job ends (then revoked, as on GitHub). */
  issueActionsToken(runId: number, permissions: Permissions): string {
    const token = `ghs_${randomBytes(18).toString("base64url")}`;
    this.#tokens.set(token, {
      actor: {
        kind: "actions",
        token,
        account: this.world.githubActionsBot,
        app: this.world.actionsApp,
        permissions,
        runId,
      },
      expiresAt: this.clock() + 24 * HOUR_MS,
      revoked: false,
    });
    return token;
  }

  revoke(token: string): void {
    const record = this.#tokens.get(token);
    if (record) record.revoked = true;
  }

  /** Resolves the Authorization header; throws 401 like GitHub for bad or expired credentials. */
  identify(header: string | undefined): Actor {
    if (!header) return { kind: "anonymous" };
    const match = /^(bearer|token)\s+(\S+)$/i.exec(header.trim());
    if (!match) throw new ApiError(401, "Bad credentials");
    const credential = match[2];
    if (credential.split(".").length === 3)
      return { kind: "app", app: this.#verifyJwt(credential) };
    const record = this.#tokens.get(credential);
    if (!record || record.revoked || record.expiresAt <= this.clock())
      throw new ApiError(401, "Bad credentials");
    return record.actor;
  }

  /**
   * GitHub's JWT rules for apps: RS256 signed with the app's key, `iss` = app id or client id,
   * `iat` not in the future, `exp` after now and at most 10 minutes ahead. Source:
   * docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
   */
  #verifyJwt(jwt: string): AppRecord {
    const [h, p, s] = jwt.split(".");
    let header: { alg?: string };
    let payload: { iat?: unknown; exp?: unknown; iss?: unknown };
    try {
      header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
      payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    } catch {
      throw new ApiError(401, "A JSON web token could not be decoded");
    }
    const signed =
      header.alg === "RS256" &&
      verify("RSA-SHA256", Buffer.from(`${h}.${p}`), this.#publicKey, Buffer.from(s, "base64url"));
    if (!signed) throw new ApiError(401, "A JSON web token could not be decoded");
    const app = this.world.app;
    if (String(payload.iss) !== String(app.id) && payload.iss !== app.client_id) {
      throw new ApiError(401, "'Issuer' claim ('iss') must be an Integer");
    }
    const now = Math.floor(this.clock() / 1000);
    if (
      typeof payload.iat !== "number" ||
      !Number.isInteger(payload.iat) ||
      payload.iat > now + 1
    ) {
      throw new ApiError(
        401,
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
      );
    }
    if (typeof payload.exp !== "number" || payload.exp <= now) {
      throw new ApiError(
        401,
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      );
    }
    if (payload.exp > now + 600)
      throw new ApiError(401, "'Expiration time' claim ('exp') is too far in the future");
    return app;
  }

  /** Throws the error GitHub gives when `actor` may not call `op` (needing `access`). */
  authorize(actor: Actor, access: Access, op: OperationSpec): void {
    const level = access.level ?? (op.method === "GET" ? "read" : "write");
    if (access.scope === "open") return;
    if (access.scope === "jwt") {
      if (actor.kind !== "app") throw new ApiError(401, "A JSON web token could not be decoded");
      return;
    }
    if (actor.kind === "app") {
      // A JWT only opens /app endpoints; repository data needs an installation token.
      throw new ApiError(403, "Resource not accessible by integration");
    }
    if (access.scope === "gist") {
      if (actor.kind === "anonymous") throw new ApiError(401, "Requires authentication");
      if (actor.kind !== "user") throw new ApiError(403, "Resource not accessible by integration");
      if (level === "write" && !actor.scopes.includes("gist")) throw new ApiError(404, "Not Found");
      return;
    }
    this.#authorizeRepo(actor, access, op, level);
  }

  #authorizeRepo(actor: Actor, access: Access, op: OperationSpec, level: PermissionLevel) {
    const world = this.world;
    if (actor.kind === "anonymous") {
      if (world.repo.private) throw new ApiError(404, "Not Found");
      if (level === "write") throw new ApiError(401, "Requires authentication");
      return;
    }
    if (actor.kind === "user") {
      const role = world.roleOf(actor.account.login);
      const canSee =
        !world.repo.private || (ROLE_RANK[role] >= ROLE_RANK.read && actor.scopes.includes("repo"));
      if (!canSee) throw new ApiError(404, "Not Found");
      if (access.appsOnly) throw new ApiError(403, "You must authenticate via a GitHub App.");
      const needed = access.userRole ?? (level === "write" ? "write" : "read");
      if (ROLE_RANK[role] < ROLE_RANK[needed])
        throw new ApiError(403, `Must have ${needed} access to repository`);
      return;
    }
    if (actor.kind === "app") throw new ApiError(403, "Resource not accessible by integration");
    if (!op.enabledForGitHubApps && this.enforceSpecAppRestrictions) {
      throw new ApiError(403, "Resource not accessible by integration");
    }
    const perms = ([] as string[]).concat(access.perm ?? "metadata");
    const ok = perms.some((p) =>
      p === "metadata" ? level === "read" : allows(actor.permissions[p], level),
    );
    if (!ok) throw new ApiError(403, "Resource not accessible by integration");
  }
}

function allows(have: PermissionLevel | undefined, need: PermissionLevel): boolean {
  return have === "write" || (have === "read" && need === "read");
}

/**
 * Whether the caller holds at least `role` on the repository. Roles are for people: an app's
 * installation token or a GITHUB_TOKEN is held to its permissions instead (checked by authorize).
 */
export function hasRole(world: World, actor: Actor, role: RepoRole): boolean {
  if (actor.kind !== "user") return true;
  return ROLE_RANK[world.roleOf(actor.account.login)] >= ROLE_RANK[role];
}

/**
 * GitHub's rules for people editing issues and pull requests ("Repository roles for an
 * organization", docs.github.com/en/organizations/managing-user-access-to-your-organizations-repositories/managing-repository-roles/repository-roles-for-an-organization):
 * anyone who can read may edit their own comments and close the issues they opened and reopen
 * those they closed; triage may "close, reopen, and assign all issues and pull requests" and
 * "apply/dismiss labels"; only write may "edit and delete anyone's comments" — the opening
 * post (title and body) included: triage cannot (python/core-workflow#418 "Triage team members
 * cannot edit PR title", rust-lang/release-team#5). Throws 403 when the change is not allowed.
 */
export function authorizeEdit(
  world: World,
  actor: Actor,
  author: Account,
  change: "text" | "close" | "reopen",
  closedBy?: Account | null,
): void {
  if (actor.kind !== "user") return;
  const own = actor.account.login === author.login;
  const allowed =
    change === "text"
      ? own || hasRole(world, actor, "write")
      : hasRole(world, actor, "triage") ||
        (own && (change === "close" || closedBy?.login === actor.account.login));
  if (!allowed)
    throw new ApiError(
      403,
      change === "text"
        ? "Must have write access to edit what other users wrote"
        : "Must have triage access to close or reopen issues opened by others",
    );
}

export function actorAccount(actor: Actor): Account | null {
  if (actor.kind === "anonymous") return null;
  if (actor.kind === "app") return actor.app.bot;
  return actor.account;
}

/** The app a write was made through (performed_via_github_app), if any. */
export function actorApp(actor: Actor): AppRecord | undefined {
  return actor.kind === "installation" || actor.kind === "actions" ? actor.app : undefined;
}

/** Normalizes workflow-style permission names (`pull-requests`) to installation style. */
export function normalizePermissions(input: Record<string, string>): Permissions {
  const out: Permissions = {};
  for (const [name, level] of Object.entries(input)) {
    if (level === "read" || level === "write") out[name.replaceAll("-", "_")] = level;
  }
  return out;
}
