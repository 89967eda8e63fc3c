/**
 * GitHub in this process, for fast tests of the app's steps: a seeded World and the sandbox's
 * own request handler (`SandboxServer.respond`) behind a custom `fetch`, so a real Octokit's
 * requests never touch a socket yet each one is still checked against GitHub's OpenAPI
 * description, authenticated, authorized, served and its response checked, exactly as over
 * HTTP, with the same request log and violation log. Events the writes cause are checked against
 * @octokit/webhooks-schemas and kept (nobody receives them). No runners: a dispatched workflow
 * run stays queued, as on GitHub with no runner online. No webhook deliverer, no app server.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { Probot } from "probot";
import type { RepoClient } from "../src/github/repo.js";
import { Auth } from "./auth.js";
import { Faults } from "./faults.js";
import { fastProbotOctokit, PROJECT_ROOT } from "./harness.js";
import { loadOpenApiContract } from "./openapi.js";
import { SandboxRunners } from "./runner.js";
import { type SeedOptions, seedWorld } from "./seed-world.js";
import { type RequestRecord, SandboxServer } from "./server.js";
import { type Violation, ViolationLog } from "./violations.js";
import { loadWebhookSchemas } from "./webhook-schemas.js";
import type { World } from "./world.js";

/**
 * The API's base URL. `.invalid` never resolves (RFC 2606), so a request that went to a socket
 * instead of the in-process handler would fail.
 */
export const IN_MEMORY_BASE_URL = "https://api.github.invalid";

export interface InMemoryOptions extends Partial<SeedOptions> {
  /** Seeds every fault decision (faults are off unless a test turns them on). */
  seed?: number;
  /** Validate each 2xx response against the OpenAPI description (default true). */
  validateResponses?: boolean;
}

/** An event GitHub would have delivered to the app's webhook (payload as delivered). */
export interface InMemoryEvent {
  event: string;
  action: string | null;
  payload: Record<string, unknown>;
}

export interface InMemoryGitHub {
  world: World;
  /** The app's installation: a token got as Probot gets it (JWT, then an access token). */
  gh: RepoClient;
  /** A sandbox user's personal token client (default octocat, admin; mallory has read). */
  asUser(login?: string): RepoClient;
  /** Every request served, in order (method, path, operationId, status, actor). */
  requests: RequestRecord[];
  violations: Violation[];
  /** Subscribed events the requests caused, validated against the webhook schemas. */
  events: InMemoryEvent[];
  faults: Faults;
  auth: Auth;
  /**
   * The request handler itself. Not listening; `server.start()` also serves it over HTTP (to
   * compare both transports), then `server.stop()`.
   */
  server: SandboxServer;
  /** The `fetch` Octokit is given: hands the request to the sandbox in-process. */
  fetch: typeof fetch;
  /** Throws listing every recorded contract violation. */
  assertNoViolations(): void;
  clearViolations(): void;
  /** Closes the git reader and removes the repository's directory. */
  close(): Promise<void>;
}

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

/** An RSA key takes a moment to make: one per test process is enough. */
let appKeys: { privateKey: string; publicKey: string } | undefined;
const keys = () => {
  appKeys ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return appKeys;
};

/** A seeded `acme/research` (examples/tiny unless `seedDir`) served in-process. */
export async function inMemoryGitHub(options: InMemoryOptions = {}): Promise<InMemoryGitHub> {
  const workDir = mkdtempSync(join(tmpdir(), "ar-in-memory-"));
  try {
    return await build(workDir, options);
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

async function build(workDir: string, options: InMemoryOptions): Promise<InMemoryGitHub> {
  const { world } = await seedWorld(workDir, {
    ...options,
    seedDir: options.seedDir ?? join(PROJECT_ROOT, "examples", "tiny"),
  });
  world.urls = { api: IN_MEMORY_BASE_URL, html: IN_MEMORY_BASE_URL };
  const { privateKey, publicKey } = keys();
  const faults = new Faults(options.seed ?? 1);
  const violations = new ViolationLog();
  const auth = new Auth(world, publicKey);
  // No runner slots: dispatch records a queued run that no runner takes, nothing is spawned.
  const actions = new SandboxRunners(world, auth, faults, violations, {
    count: 0,
    labels: ["self-hosted", "linux", "x64", "gpu"],
    actionRepo: "autoresearch-bot/autoresearch-bot",
    actionDir: PROJECT_ROOT,
    workRoot: join(workDir, "runners"),
    gitDir: world.git.dir,
  });
  const server = new SandboxServer({
    world,
    auth,
    contract: loadOpenApiContract(),
    faults,
    violations,
    actions,
    validateResponses: options.validateResponses ?? true,
  });
  server.url = IN_MEMORY_BASE_URL;

  const events: InMemoryEvent[] = [];
  const schemas = loadWebhookSchemas();
  const subscribed = new Set(world.installation.events);
  world.onEvent((event, payload) => {
    if (event !== "installation" && !subscribed.has(event)) return;
    const action = typeof payload.action === "string" ? payload.action : null;
    try {
      const body = schemas.project(event, payload);
      schemas.validate(event, body);
      events.push({ event, action, payload: body });
    } catch (error) {
      violations.record("webhook-payload", `webhook ${event}.${action ?? ""}`, String(error));
    }
  });

  const origin = new URL(IN_MEMORY_BASE_URL).origin;
  const inProcessFetch = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== origin)
      throw new TypeError(
        `in-memory GitHub: ${request.method} ${request.url} is not for ${origin} (build the client with baseUrl ${IN_MEMORY_BASE_URL})`,
      );
    const answer = await server.respond({
      method: request.method,
      url: request.url,
      headers: {
        authorization: request.headers.get("authorization") ?? undefined,
        accept: request.headers.get("accept") ?? undefined,
        "if-none-match": request.headers.get("if-none-match") ?? undefined,
      },
      body: Buffer.from(await request.arrayBuffer()),
    });
    // Fetch refuses a body on these statuses (a 304 of a conditional request, a 204).
    const bodiless = [101, 204, 205, 304].includes(answer.status) || request.method === "HEAD";
    const response = new Response(bodiless ? null : answer.body, {
      status: answer.status,
      headers: answer.headers,
    });
    Object.defineProperty(response, "url", { value: request.url });
    return response;
  };
  const fetchImpl = inProcessFetch as typeof fetch;

  const repo = { owner: world.repo.owner.login, repo: world.repo.name };
  // The app's client as `npm start` builds it (appOctokit: retry, throttling, ETags), with
  // GitHub's waits shortened, authenticated the way Probot does it.
  const probot = new Probot({
    appId: world.app.id,
    privateKey,
    baseUrl: IN_MEMORY_BASE_URL,
    logLevel: "fatal",
    Octokit: fastProbotOctokit(),
    request: { fetch: fetchImpl },
  });
  const installation = (await probot.auth(world.installation.id)) as unknown as Octokit;
  const users = new Map<string, RepoClient>();
  const asUser = (login = "octocat"): RepoClient => {
    let client = users.get(login);
    if (!client) {
      const octokit = new Octokit({
        auth: auth.userToken(login),
        baseUrl: IN_MEMORY_BASE_URL,
        log: SILENT,
        request: { fetch: fetchImpl },
      });
      client = { octokit, ...repo };
      users.set(login, client);
    }
    return client;
  };

  return {
    world,
    gh: { octokit: installation, ...repo },
    asUser,
    requests: server.requests,
    violations: violations.list,
    events,
    faults,
    auth,
    server,
    fetch: fetchImpl,
    assertNoViolations: () => violations.assertNone(),
    clearViolations: () => violations.clear(),
    async close() {
      await server.stop();
      world.git.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
