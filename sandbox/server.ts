/**
 * The sandbox's HTTP face: a node:http server on 127.0.0.1 that answers GitHub REST requests.
 * Each request is (1) maybe failed by a fault knob, (2) validated against GitHub's OpenAPI
 * description, (3) authenticated and authorized, (4) served, (5) its response checked against
 * the description (strict mode). Anything GitHub would not accept is a recorded violation.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { actionsRoutes } from "./api/actions.js";
import { appRoutes } from "./api/app.js";
import { checkRoutes } from "./api/checks.js";
import { gistRoutes } from "./api/gists.js";
import { gitRoutes } from "./api/git.js";
import { issueRoutes } from "./api/issues.js";
import { pullRoutes } from "./api/pulls.js";
import { repoRoutes } from "./api/repos.js";
import { type ActionsBackend, type Ctx, checkRepo, type Reply, type Routes } from "./api/route.js";
import { type Actor, type Auth, actorAccount } from "./auth.js";
import type { Faults, RateLimitAnswer } from "./faults.js";
import { ContractError, type OpenApiContract } from "./openapi.js";
import type { ViolationLog } from "./violations.js";
import { ApiError, type World } from "./world.js";

export const ROUTES: Routes = {
  ...appRoutes,
  ...repoRoutes,
  ...gitRoutes,
  ...pullRoutes,
  ...issueRoutes,
  ...checkRoutes,
  ...actionsRoutes,
  ...gistRoutes,
};

export interface RequestRecord {
  method: string;
  path: string;
  operationId: string | null;
  /** The operation's path template from the spec (`/repos/{owner}/{repo}/pulls`), when matched. */
  route?: string;
  status: number;
  /** Login of the caller ("acme-autoresearch[bot]", "github-actions[bot]", "octocat"), or null. */
  actor: string | null;
  actorKind: Actor["kind"];
  durationMs: number;
  /** The workflow run whose GITHUB_TOKEN made the request. */
  runId?: number;
  /** Set when a rate-limit fault refused the request (`sb.faults.limitRate`). */
  rateLimit?: "primary" | "secondary";
}

export interface ServerOptions {
  world: World;
  auth: Auth;
  contract: OpenApiContract;
  faults: Faults;
  violations: ViolationLog;
  actions: ActionsBackend;
  /** Validate every 2xx JSON response against the spec (slower; on in tests). */
  validateResponses: boolean;
}

export class SandboxServer {
  readonly requests: RequestRecord[] = [];
  #server: Server | undefined;
  /** Requests being served: "METHOD /path" and when each started, for settle()'s report. */
  #inFlight = new Map<number, { where: string; started: number }>();
  #nextRequest = 0;
  #lastActivity = Date.now();
  url = "";

  constructor(private readonly options: ServerOptions) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests being served right now, and when the last one finished (for settle()). */
  activity(): { inFlight: number; lastActivity: number; serving: string[] } {
    const now = Date.now();
    const serving = [...this.#inFlight.values()].map(
      (r) => `${r.where} for ${Math.round((now - r.started) / 1000)} s`,
    );
    return { inFlight: this.#inFlight.size, lastActivity: this.#lastActivity, serving };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = await this.respond({
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers: {
        authorization: header(req, "authorization"),
        accept: header(req, "accept"),
        "if-none-match": header(req, "if-none-match"),
      },
      body: await readBody(req),
    });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  /**
   * Serves one request, whatever carried it: the HTTP server above, or an in-process `fetch`
   * (sandbox/in-memory.ts). Every request goes through the same faults, contract validation,
   * authentication, authorization, handler and response checks, and is logged in `requests`.
   */
  async respond(request: SandboxRequest): Promise<SandboxAnswer> {
    const method = request.method.toUpperCase();
    const url = new URL(request.url, this.url || "http://sandbox.invalid");
    const started = Date.now();
    const id = this.#nextRequest++;
    this.#inFlight.set(id, { where: `${method} ${url.pathname}`, started });
    const record: RequestRecord = {
      method,
      path: url.pathname,
      operationId: null,
      status: 0,
      actor: null,
      actorKind: "anonymous",
      durationMs: 0,
    };
    try {
      let reply: Reply;
      try {
        reply = await this.#serve(request, method, url, record);
      } catch (error) {
        reply = {
          status: 500,
          body: { message: `sandbox bug: ${(error as Error).stack ?? error}` },
        };
      }
      record.status = reply.status;
      return this.#render(reply, url);
    } finally {
      record.durationMs = Date.now() - started;
      this.requests.push(record);
      this.#inFlight.delete(id);
      this.#lastActivity = Date.now();
    }
  }

  async #serve(
    request: SandboxRequest,
    method: string,
    url: URL,
    record: RequestRecord,
  ): Promise<Reply> {
    const { world, auth, contract, faults, violations } = this.options;
    const where = `${method} ${url.pathname}`;
    const raw = request.body;
    const sent = (name: keyof SandboxRequest["headers"]) => request.headers[name];

    let actor: Actor = { kind: "anonymous" };
    try {
      actor = auth.identify(sent("authorization"));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return errorReply(error, "https://docs.github.com/rest");
    }
    record.actor = actorAccount(actor)?.login ?? null;
    record.actorKind = actor.kind;
    if (actor.kind === "actions") record.runId = actor.runId;

    const kind = actor.kind === "actions" ? "action" : actor.kind === "user" ? "user" : "app";
    const limited = faults.takeRateLimit(kind);
    if (limited) {
      record.rateLimit = limited.kind;
      return rateLimitReply(limited, actor, world, this.requests.length + 1);
    }
    const hold = faults.takeHold(method, url.pathname);
    if (hold) await hold;
    const injected = faults.takeApiFailure(kind, method, url.pathname);
    if (injected !== null) return { status: injected.status, body: { message: injected.message } };

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return {
          status: 400,
          body: {
            message: "Problems parsing JSON",
            documentation_url: "https://docs.github.com/rest",
            status: "400",
          },
        };
      }
    }
    const query = Object.fromEntries(url.searchParams.entries());
    let match: ReturnType<OpenApiContract["validateRequest"]>;
    try {
      match = contract.validateRequest({ method, path: url.pathname, query, body });
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      violations.record(error.kind, where, error.message);
      record.operationId = error.operationId ?? null;
      return contractErrorReply(error);
    }
    const { operation, params } = match;
    record.operationId = operation.operationId;
    record.route = operation.template;
    const route = ROUTES[operation.operationId];
    if (!route) {
      violations.record(
        "unimplemented",
        where,
        `${operation.operationId} is in GitHub's API but the sandbox does not serve it (add it to sandbox/api/)`,
      );
      return {
        status: 501,
        body: {
          message: `The sandbox does not implement ${operation.operationId}`,
          documentation_url: operation.docsUrl,
        },
      };
    }
    const ctx: Ctx = {
      world,
      auth,
      actor,
      op: operation,
      params,
      query,
      body,
      accept: sent("accept") ?? "",
      actions: this.options.actions,
      requestUrl: url,
    };
    let reply: Reply;
    try {
      // Another repository than the sandbox's one does not exist (404), before any permission check.
      checkRepo(ctx);
      auth.authorize(actor, route.access, operation);
      reply = await route.handle(ctx);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return errorReply(error, operation.docsUrl);
    }
    if (
      this.options.validateResponses &&
      reply.status < 300 &&
      reply.body !== undefined &&
      !reply.raw
    ) {
      try {
        contract.validateResponse(operation.operationId, reply.status, reply.body);
      } catch (error) {
        violations.record("response", where, (error as Error).message);
      }
    }
    return method === "GET" ? conditional(reply, sent("if-none-match")) : reply;
  }

  /** GitHub's response headers and the body's bytes for a reply. */
  #render(reply: Reply, url: URL): SandboxAnswer {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const headers: Record<string, string> = {
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `SANDBOX:${this.requests.length + 1}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(reset),
      "x-ratelimit-used": "1",
      "x-ratelimit-resource": url.pathname.startsWith("/search") ? "search" : "core",
      ...reply.headers,
    };
    if (reply.raw)
      return {
        status: reply.status,
        headers: { ...headers, "content-type": reply.raw.contentType },
        body: reply.raw.data,
      };
    if (reply.body === undefined) return { status: reply.status, headers, body: "" };
    return {
      status: reply.status,
      headers: { ...headers, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(reply.body),
    };
  }
}

/**
 * GitHub answers GETs with a weak `etag` of the body (`W/"<32 hex>"`), and a matching
 * `If-None-Match` with `304 Not Modified`, an empty body and no `Link` ("Best practices for
 * using the REST API": use conditional requests; github.community: the 304 has no Link header).
 * The comparison is weak (RFC 9110 §13.1.2): `W/"x"` and `"x"` match.
 */
function conditional(reply: Reply, ifNoneMatch: string | undefined): Reply {
  if (reply.status !== 200) return reply;
  const content = reply.raw ? reply.raw.data : JSON.stringify(reply.body ?? null);
  const etag = `W/"${createHash("md5").update(content).digest("hex")}"`;
  const vary = "Accept, Authorization, Cookie, X-GitHub-OTP";
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  const matches =
    ifNoneMatch !== undefined &&
    (ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => bare(t) === bare(etag)));
  if (matches) return { status: 304, headers: { etag, vary } };
  return { ...reply, headers: { ...reply.headers, etag, vary } };
}

/** GitHub's answer to a request over a primary or secondary rate limit. */
function rateLimitReply(
  limit: RateLimitAnswer,
  actor: Actor,
  world: World,
  requestNumber: number,
): Reply {
  if (limit.kind === "secondary") {
    return {
      status: limit.status,
      headers: { "retry-after": String(limit.retryAfter) },
      body: {
        message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID SANDBOX:${requestNumber}.`,
        documentation_url:
          "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        status: String(limit.status),
      },
    };
  }
  const whose =
    actor.kind === "user"
      ? `user ID ${actor.account.id}`
      : `installation ID ${world.installation.id}`;
  return {
    status: limit.status,
    headers: {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-used": "5000",
      "x-ratelimit-reset": String(limit.resetAt),
    },
    body: {
      message: `API rate limit exceeded for ${whose}. If you reach out to GitHub Support for help, please include the request ID SANDBOX:${requestNumber}.`,
      documentation_url:
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits",
      status: String(limit.status),
    },
  };
}

/** A request as the sandbox reads it: only the headers it looks at. */
export interface SandboxRequest {
  method: string;
  /**
   * Path and query (`/repos/acme/research/pulls?state=open`), against the server's URL; or
   * a whole URL, whose origin then appears in the Link headers of the answer.
   */
  url: string;
  headers: { authorization?: string; accept?: string; "if-none-match"?: string };
  body: Buffer;
}

export interface SandboxAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function errorReply(error: ApiError, docs: string): Reply {
  return {
    status: error.status,
    body: {
      message: error.message,
      ...(error.errors ? { errors: error.errors } : {}),
      documentation_url: docs,
      status: String(error.status),
    },
  };
}

/** GitHub's answers to requests its router or schema refuses. */
function contractErrorReply(error: ContractError): Reply {
  if (error.status === 404)
    return {
      status: 404,
      body: {
        message: "Not Found",
        documentation_url: "https://docs.github.com/rest",
        status: "404",
      },
    };
  return {
    status: 422,
    body: {
      message: `Invalid request.\n\n${error.message}`,
      documentation_url: "https://docs.github.com/rest",
      status: "422",
    },
  };
}
