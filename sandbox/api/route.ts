/** What a sandbox REST handler receives and returns, and the helpers every handler shares. */
import type { Access, Actor, Auth } from "../auth.js";
import type { Account } from "../model.js";
import type { OperationSpec } from "../openapi.js";
import { ApiError, type World } from "../world.js";

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (raw file contents). */
  raw?: { data: Buffer | string; contentType: string };
}

/** What the runner offers the API (workflow dispatch and cancel). */
export interface ActionsBackend {
  dispatch(input: {
    workflowId: string;
    ref: string;
    inputs: Record<string, unknown>;
    actor: Account;
  }): Promise<{ runId: number }>;
  cancel(runId: number): Promise<void>;
}

export interface Ctx {
  world: World;
  auth: Auth;
  actor: Actor;
  op: OperationSpec;
  params: Record<string, string>;
  query: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are validated against the spec before handlers run
  body: any;
  accept: string;
  actions: ActionsBackend;
  /** Base URL of this request, for Link headers. */
  requestUrl: URL;
}

export interface RouteDef {
  access: Access;
  handle: (ctx: Ctx) => Promise<Reply> | Reply;
}

export type Routes = Record<string, RouteDef>;

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

/** The account behind the request; writes need one. */
export function who(ctx: Ctx): Account {
  const a = ctx.actor;
  if (a.kind === "anonymous") throw new ApiError(401, "Requires authentication");
  if (a.kind === "app") return a.app.bot;
  return a.account;
}

/** Refuses requests addressed to another repository than the sandbox's one. */
export function checkRepo(ctx: Ctx): void {
  const { owner, repo } = ctx.params;
  if (owner === undefined) return;
  const r = ctx.world.repo;
  if (
    owner.toLowerCase() !== r.owner.login.toLowerCase() ||
    repo?.toLowerCase() !== r.name.toLowerCase()
  ) {
    throw new ApiError(404, "Not Found");
  }
}

export function intParam(ctx: Ctx, name: string): number {
  return Number(ctx.params[name]);
}

/**
 * Page of a list like GitHub paginates it: `per_page` (default 30, max 100), `page` (1-based),
 * and a Link header with next/last/first/prev that Octokit's paginate follows.
 */
export function paginate<T>(ctx: Ctx, items: T[], wrap?: (page: T[]) => unknown): Reply {
  const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30) || 30, 1), 100);
  const page = Math.max(Number(ctx.query.page ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string) => {
    const url = new URL(ctx.requestUrl);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(p));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return {
    status: 200,
    body: wrap ? wrap(slice) : slice,
    headers: links.length ? { link: links.join(", ") } : {},
  };
}
