/**
 * startSandbox(): a whole GitHub for one repository, with the REAL Probot app attached.
 * Generates the app's key pair and webhook secret, starts the sandbox API, seeds `acme/research`,
 * installs the app, starts runners, then runs the given Probot ApplicationFunction behind its own
 * loopback server (restartable with fresh memory on the same port).
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Octokit } from "@octokit/rest";
import { type ApplicationFunction, createNodeMiddleware, Probot, type ProbotOctokit } from "probot";
import { appOctokit } from "../src/github/app-client.js";
import { FAST_TIMING } from "../src/github/client.js";
import { rerequestCheckRun } from "./api/checks.js";
import { personFor } from "./api/git.js";
import { moveForkBranch } from "./api/pulls.js";
import { Auth } from "./auth.js";
import { answerChat, type ChatKind, chatKindOf } from "./chat.js";
import { Faults, seededRandom } from "./faults.js";
import type {
  CheckRunRecord,
  CommentRecord,
  GistRecord,
  IssueRecord,
  LabelRecord,
  Permissions,
  RepoRole,
  WorkflowRunRecord,
} from "./model.js";
import { loadOpenApiContract } from "./openapi.js";
import { type RunnerOptions, SandboxRunners } from "./runner.js";
import { DEFAULT_APP_EVENTS, seedWorld } from "./seed-world.js";
import { type RequestRecord, SandboxServer } from "./server.js";
import { type Violation, ViolationLog } from "./violations.js";
import { loadWebhookSchemas } from "./webhook-schemas.js";
import { type DeliveryRecord, WebhookDeliverer } from "./webhooks.js";
import type { World } from "./world.js";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

export { DEFAULT_APP_EVENTS, DEFAULT_APP_PERMISSIONS } from "./seed-world.js";

export interface SandboxOptions {
  /** Directory committed as the first commit of `main`. */
  seedDir: string;
  /**
   * The Probot app under test, served behind its webhook URL. null: no app server (zero-server
   * mode, where the app runs as a workflow): no webhook is delivered to anyone.
   */
  app: ApplicationFunction | null;
  /** Environment the app process would get (merged with GIST_TOKEN, NOTIFY_WEBHOOK_URL and NOTIFY_TEST_ORIGIN). */
  env?: Record<string, string>;
  owner?: { login: string; type: "User" | "Organization" };
  repo?: string;
  private?: boolean;
  /** Labels created besides GitHub's defaults. */
  labels?: { name: string; color?: string; description?: string }[];
  appSlug?: string;
  appEvents?: string[];
  appPermissions?: Permissions;
  /** Extra users beyond octocat (admin) and mallory (read). */
  users?: { login: string; role: RepoRole; scopes?: string[] }[];
  /**
   * A fork of the repository owned by a sandbox user (default `{ owner: "mallory" }`, i.e.
   * `mallory/research`); `false` for none. See `sb.fork` and `sb.human.openPull`.
   */
  fork?: { owner: string; name?: string } | false;
  runners?: Partial<Omit<RunnerOptions, "workRoot" | "gitDir">>;
  /** Seed for every fault decision. */
  seed?: number;
  /** Validate each 2xx response against the OpenAPI description (default true). */
  validateResponses?: boolean;
  logLevel?: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  /** Where repos and runner dirs go (default: a fresh temp dir, removed by stop()). */
  workDir?: string;
  webhookTimeoutMs?: number;
  /** Override the webhook secret the APP uses (to prove a wrong secret is rejected). */
  appSecretOverride?: string;
  /**
   * The Octokit class the app gets (Probot's `Octokit` option). Default: `appOctokit()`, as
   * `npm start` passes it: writes spaced 1 s apart, retries after 1 s, 4 s, 9 s, rate limits
   * waited out as GitHub asks, ETags. Tests may pass `fastProbotOctokit()` for short waits.
   */
  probotOctokit?: typeof ProbotOctokit;
  /**
   * Whether the app still works on something after answering its webhooks (settle() waits for
   * it). One callback for all instances: with `appInstances` > 1 the caller aggregates (the app
   * function runs once per instance start, so collect every handle it hands out and answer
   * whether any is busy).
   */
  appBusy?: () => boolean;
  /**
   * How many instances of the app run behind one webhook URL (default 1): replicas behind a load
   * balancer, or a rolling deploy. Each is its own Probot server built from `app` (its own
   * memory), with the same id, key and secret. Each delivery reaches ONE running instance,
   * picked by a generator seeded from `seed`; with none running it fails as for a stopped app.
   */
  appInstances?: number;
  /**
   * Refuse installation tokens on operations the OpenAPI marks `enabledForGitHubApps: false`
   * (default true). Gists stay refused to installation tokens either way.
   */
  enforceSpecAppRestrictions?: boolean;
  /**
   * The app runs outside this process (the built server as a child process): deliveries go to
   * the URL this returns (null: nobody listens, the delivery fails as for a stopped app) and
   * `app` is not started. The caller starts that process with `sb.app`'s id, key and secret.
   */
  externalAppUrl?: () => string | null;
}

/**
 * The app's Octokit class (`appOctokit`, as `npm start` uses) with GitHub's waits shortened: no
 * write spacing, 5xx retried after milliseconds, rate-limit waits of milliseconds per second
 * asked. Same plugins, ETag cache and bounded rate-limit retries as in production.
 */
export function fastProbotOctokit(): typeof ProbotOctokit {
  return appOctokit({ timing: FAST_TIMING });
}

export interface Notification {
  /** Which chat received it, by path (see sandbox/chat.ts); null for a path no chat serves. */
  kind: ChatKind | null;
  path: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** What the chat answered (0: never answered, a hang injected by faults). */
  status: number;
  at: string;
}

type AsUser = string;

/** The fork (`sb.fork`): its branches live only in the fork; the base repo has none of them. */
export interface SandboxFork {
  owner: string;
  name: string;
  fullName: string;
  /**
   * Commits `files` (null deletes) as the fork owner on top of the fork's `branch` (created from
   * the base repository's default branch when missing) and moves it. The base repository hears
   * of it only through `pull_request.synchronize` of PRs from that branch (no push webhook:
   * the app is installed on the base repository only). Returns the commit sha.
   */
  push(branch: string, files: Record<string, string | null>, message: string): Promise<string>;
  /** The tip of a fork branch, or null. */
  sha(branch: string): Promise<string | null>;
}

export interface SandboxHandle {
  url: string;
  repo: { owner: string; name: string; fullName: string };
  app: {
    id: number;
    slug: string;
    installationId: number;
    webhookUrl: string;
    privateKey: string;
    webhookSecret: string;
  };
  /** Personal access tokens: octocat (admin, repo+gist), mallory (read). */
  tokens: Record<string, string>;
  /**
   * Whose writes are the app's: the GitHub App's bot, or in zero-server mode (no `app`, the app
   * runs as a workflow with GITHUB_TOKEN) GitHub Actions'.
   */
  appIdentity: { login: string; slug: string };
  /** Where NOTIFY_WEBHOOK_URL points: `notifications` collects what is posted there. */
  notifyUrl: string;
  /** The fork (default mallory/research); using it throws when started with `fork: false`. */
  fork: SandboxFork;
  /** An Octokit for a sandbox user (default octocat), for tests and the demo. */
  octokit(as?: AsUser): Octokit;
  human: {
    comment(issueNumber: number, body: string, as?: AsUser): Promise<number>;
    addLabel(issueNumber: number, label: string, as?: AsUser): Promise<void>;
    removeLabel(issueNumber: number, label: string, as?: AsUser): Promise<void>;
    openIssue(title: string, body?: string, as?: AsUser): Promise<number>;
    /**
     * Opens a pull request (pulls/create) as `as` (default octocat): `head` is "branch" (a base
     * branch) or "owner:branch" (a fork's branch; only the fork owner can propose it). → number
     */
    openPull(
      input: {
        head: string;
        base: string;
        title: string;
        body?: string;
        draft?: boolean;
        maintainer_can_modify?: boolean;
      },
      as?: AsUser,
    ): Promise<number>;
    /**
     * Edits the opening post of an issue or PR as a person does in the UI (pulls/update for a PR,
     * issues/update for an issue): sends `issues.edited` / `pull_request.edited` with
     * `changes.body.from`. Throws the API's 403 when `as` may not (see "Roles" in the README).
     */
    editBody(number: number, body: string, as?: AsUser): Promise<void>;
    /** Edits an issue or PR comment (issue_comment.edited); others' comments need write. */
    editComment(commentId: number, body: string, as?: AsUser): Promise<void>;
    /** Commits files (null deletes) on top of `branch` (created from main when missing) and moves it. */
    push(
      branch: string,
      files: Record<string, string | null>,
      message: string,
      as?: AsUser,
    ): Promise<string>;
    /** The "Re-run" button of a check run: GitHub sends check_run.rerequested to its app. */
    clickRerun(checkRunId: number, as?: AsUser): void;
    /** "Re-run all jobs" of a completed workflow run: its next attempt, with the same event. */
    rerunWorkflow(runId: number, as?: AsUser): Promise<void>;
  };
  state: {
    pulls(): IssueRecord[];
    pull(n: number): IssueRecord;
    issues(): IssueRecord[];
    issue(n: number): IssueRecord;
    comments(issueNumber?: number): CommentRecord[];
    labels(): LabelRecord[];
    checkRuns(headSha?: string): CheckRunRecord[];
    runs(): WorkflowRunRecord[];
    run(id: number): WorkflowRunRecord;
    gists(): GistRecord[];
    refs(prefix?: string): Promise<{ ref: string; sha: string }[]>;
    deliveries: DeliveryRecord[];
    requests: RequestRecord[];
  };
  git: {
    readFile(ref: string, path: string): Promise<string | null>;
    sha(ref: string): Promise<string | null>;
    log(ref: string): Promise<{ sha: string; message: string; parents: string[] }[]>;
  };
  faults: Faults;
  notifications: Notification[];
  violations: Violation[];
  /** Throws listing every recorded contract violation (call it in afterEach/afterAll). */
  assertNoViolations(): void;
  /** Forgets recorded violations (after a test that provokes them on purpose). */
  clearViolations(): void;
  /** An installation-token Octokit obtained the way the app does (JWT → access token). */
  installationOctokit(): Promise<ProbotOctokit>;
  /** Waits until deliveries, runners, the API and every app instance are all quiet. */
  settle(options?: { timeoutMs?: number; quietMs?: number }): Promise<void>;
  /** Starts app instance `instance` (0-based), or every stopped one. */
  startApp(instance?: number): Promise<void>;
  /** Stops app instance `instance`, or all (deliveries to a stopped instance are not sent to it). */
  stopApp(instance?: number): Promise<void>;
  /** Stops and starts an instance (or all) afresh: new memory, same port. */
  restartApp(instance?: number): Promise<void>;
  /** The app instances: index, whether running, and webhook URL (what `deliveries[].url` shows). */
  appInstances(): { index: number; running: boolean; url: string }[];
  /** Redelivers a webhook with its original X-GitHub-Delivery id (GitHub's "Redeliver"). */
  redeliver(deliveryId: string): void;
  /** Fires the `schedule` triggers of the default branch's workflows now; → the runs created. */
  fireSchedule(): Promise<number[]>;
  stop(): Promise<void>;
  world: World;
  runners: SandboxRunners;
}

const WEBHOOK_PATH = "/api/github/webhooks";

let appKeys: { privateKey: string; publicKey: string } | undefined;

/**
 * The app's RSA key pair, one per process: a 2048-bit key costs ~150 ms of CPU, and each test
 * file starts sandboxes one after another. The webhook secret stays per sandbox.
 */
function appKeyPair(): { privateKey: string; publicKey: string } {
  appKeys ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return appKeys;
}

export async function startSandbox(opts: SandboxOptions): Promise<SandboxHandle> {
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), "ar-sandbox-"));
  const ownsWorkDir = opts.workDir === undefined;
  const { privateKey, publicKey } = appKeyPair();
  const webhookSecret = randomBytes(20).toString("hex");
  const owner = opts.owner ?? { login: "acme", type: "Organization" as const };
  const slug = opts.appSlug ?? "autoresearch-bot";
  const events = opts.appEvents ?? DEFAULT_APP_EVENTS;
  const { world, fork: forkRecord } = await seedWorld(workDir, {
    ...opts,
    owner,
    appSlug: slug,
    appEvents: events,
  });

  const faults = new Faults(opts.seed ?? 1);
  const violations = new ViolationLog();
  const auth = new Auth(world, publicKey);
  auth.enforceSpecAppRestrictions = opts.enforceSpecAppRestrictions ?? true;
  const runners = new SandboxRunners(world, auth, faults, violations, {
    count: 1,
    labels: ["self-hosted", "linux", "x64", "gpu"],
    actionRepo: "autoresearch-bot/autoresearch-bot",
    actionDir: PROJECT_ROOT,
    ...opts.runners,
    workRoot: join(workDir, "runners"),
    gitDir: world.git.dir,
  });
  const server = new SandboxServer({
    world,
    auth,
    contract: loadOpenApiContract(),
    faults,
    violations,
    actions: runners,
    validateResponses: opts.validateResponses ?? true,
  });
  const url = await server.start();
  world.urls = { api: url, html: url };

  interface AppInstance {
    server: Server | null;
    port: number;
    /** The webhook URL once it first listened (kept while stopped: same port on restart). */
    url: string;
    inFlight: number;
  }
  const instances: AppInstance[] = Array.from(
    { length: Math.max(1, Math.floor(opts.appInstances ?? 1)) },
    () => ({ server: null, port: 0, url: "", inFlight: 0 }),
  );
  // Its own generator, so that one instance (the default) draws nothing and fault schedules are
  // the same whatever the number of instances.
  const balancer = seededRandom(((opts.seed ?? 1) ^ 0x9e3779b9) >>> 0);
  const pickInstance = (): string | null => {
    if (opts.externalAppUrl) return opts.externalAppUrl();
    const live = instances.filter((i) => i.server);
    if (live.length <= 1) return live[0]?.url ?? null;
    return live[Math.floor(balancer() * live.length)].url;
  };
  const webhookSchemas = loadWebhookSchemas();
  const deliverer = new WebhookDeliverer({
    secret: webhookSecret,
    target: pickInstance,
    events,
    appId: world.app.id,
    faults,
    schemas: webhookSchemas,
    violations,
    timeoutMs: opts.webhookTimeoutMs,
  });
  if (opts.app) world.onEvent((event, payload) => deliverer.enqueue(event, payload));
  // Actions hears every event of the repository, whatever app is installed: the workflows'
  // triggers decide (the payload a job reads is the webhook's, trimmed to the schema).
  world.onEvent((event, payload) => {
    let body = payload;
    try {
      body = webhookSchemas.project(event, payload);
    } catch {
      // An event without a schema here is handed over whole.
    }
    runners.onEvent(event, body);
  });

  const notifications: Notification[] = [];
  // The chats: the generic webhook at /notify, and Slack, Discord and Telegram at their own
  // paths (the app sends there with NOTIFY_TEST_ORIGIN), each checking bodies as its service does.
  const sink = await listen(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Keep non-JSON bodies as text.
    }
    const path = new URL(req.url ?? "/", "http://sandbox").pathname;
    const method = (req.method ?? "GET").toUpperCase();
    const kind = chatKindOf(path);
    const record: Notification = {
      kind,
      path,
      body,
      headers: req.headers,
      status: 0,
      at: new Date().toISOString(),
    };
    notifications.push(record);
    const fault = kind ? faults.takeChatFault(kind) : null;
    if (fault?.hang) return; // never answered: the sandbox's stop closes the connection
    if (fault) {
      record.status = fault.status;
      res.writeHead(fault.status, { "content-type": "text/plain" }).end("injected failure");
      return;
    }
    const answer = answerChat(method, path, text);
    record.status = answer.status;
    if (answer.problem !== null)
      violations.record("chat", `${method} ${record.path} (${kind ?? "no chat"})`, answer.problem);
    res.writeHead(answer.status, { "content-type": answer.contentType }).end(answer.body);
  });

  const octocat = world.user("octocat");
  world.emit("installation", octocat, {
    action: "created",
    installation: world.installationJson(),
    repositories: [
      {
        id: world.repo.id,
        node_id: world.repoJson().node_id as string,
        name: world.repo.name,
        full_name: `${owner.login}/${world.repo.name}`,
        private: world.repo.private,
      },
    ],
    requester: world.userJson(octocat),
  });

  const tokens = Object.fromEntries(
    [...world.users.keys()].map((login) => [login, auth.userToken(login)]),
  );
  const octokits = new Map<string, Octokit>();
  const octokit = (as = "octocat") => {
    let o = octokits.get(as);
    if (!o) {
      const token = tokens[as];
      if (!token)
        throw new Error(`no sandbox user "${as}" (have ${Object.keys(tokens).join(", ")})`);
      o = new Octokit({
        auth: token,
        baseUrl: url,
        log: { debug() {}, info() {}, warn() {}, error() {} },
      });
      octokits.set(as, o);
    }
    return o;
  };

  // ---- the app ---------------------------------------------------------------------------
  const appEnv: Record<string, string> = {
    GIST_TOKEN: tokens.octocat,
    WEBHOOK_SECRET: webhookSecret,
    NOTIFY_WEBHOOK_URL: `${sink.url}/notify`,
    NOTIFY_TEST_ORIGIN: sink.url,
    ...opts.env,
  };
  const savedEnv = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(appEnv)) {
    savedEnv.set(k, process.env[k]);
    process.env[k] = v;
  }
  const instanceOf = (index: number): AppInstance => {
    const inst = instances[index];
    if (!inst) throw new Error(`no app instance ${index} (have ${instances.length})`);
    return inst;
  };
  const startOne = async (index: number) => {
    const inst = instanceOf(index);
    if (inst.server || !opts.app) return;
    const appFunction = opts.app;
    const ProbotWithDefaults = Probot.defaults({
      appId: world.app.id,
      privateKey,
      secret: opts.appSecretOverride ?? webhookSecret,
      baseUrl: url,
      logLevel: opts.logLevel ?? "warn",
      Octokit: opts.probotOctokit ?? appOctokit(),
    });
    const probot = new ProbotWithDefaults();
    const middleware = await createNodeMiddleware(appFunction, {
      probot,
      webhooksPath: WEBHOOK_PATH,
    });
    const started = await listen(async (req, res) => {
      inst.inFlight++;
      try {
        await middleware(req, res, () => {
          if (!res.headersSent) res.writeHead(404).end();
        });
      } finally {
        inst.inFlight--;
      }
    }, inst.port);
    inst.server = started.server;
    inst.port = started.port;
    inst.url = `${started.url}${WEBHOOK_PATH}`;
    deliverer.resume();
  };
  const stopOne = async (index: number) => {
    const inst = instanceOf(index);
    const s = inst.server;
    inst.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const each = async (instance: number | undefined, fn: (index: number) => Promise<void>) => {
    if (instance !== undefined) return fn(instance);
    for (let i = 0; i < instances.length; i++) await fn(i);
  };
  const startApp = (instance?: number) => each(instance, startOne);
  const stopApp = (instance?: number) => each(instance, stopOne);
  if (opts.externalAppUrl) deliverer.resume();
  else await startApp();

  const settle = async (options: { timeoutMs?: number; quietMs?: number } = {}) => {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const quietMs = options.quietMs ?? 100;
    const deadline = Date.now() + timeoutMs;
    let quietSince = Date.now();
    for (;;) {
      const busy: string[] = [];
      if (!deliverer.isIdle() && !deliverer.paused)
        busy.push(`webhook deliveries: ${deliverer.describeBacklog()}`);
      if (!runners.isIdle()) busy.push(`runners: ${runners.describeBacklog()}`);
      const activity = server.activity();
      if (activity.inFlight > 0)
        busy.push(`${activity.inFlight} API request(s) in flight (${activity.serving.join(", ")})`);
      if (world.background.size > 0)
        busy.push(`${world.background.size} background job(s) (update-branch)`);
      instances.forEach((inst, i) => {
        if (inst.inFlight > 0)
          busy.push(
            `${inst.inFlight} webhook(s) being handled by the app${instances.length > 1 ? ` (instance ${i})` : ""}`,
          );
      });
      if (opts.appBusy?.()) busy.push("the app is still working after answering its webhooks");
      if (busy.length > 0 || Date.now() - activity.lastActivity < quietMs) quietSince = Date.now();
      if (busy.length === 0 && Date.now() - quietSince >= quietMs) return;
      if (Date.now() > deadline) {
        throw new Error(
          `settle(): the sandbox was still busy after ${timeoutMs} ms: ${busy.join("; ") || "API activity kept going"}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const full = `${owner.login}/${world.repo.name}`;
  const [o, r] = [owner.login, world.repo.name];
  const needFork = () => {
    if (!forkRecord) throw new Error("this sandbox was started with `fork: false`");
    return forkRecord;
  };
  const handle: SandboxHandle = {
    url,
    repo: { owner: o, name: r, fullName: full },
    app: {
      id: world.app.id,
      slug,
      installationId: world.installation.id,
      webhookUrl: "",
      privateKey,
      webhookSecret,
    },
    tokens,
    appIdentity: opts.app
      ? { login: `${slug}[bot]`, slug }
      : { login: world.githubActionsBot.login, slug: world.actionsApp.slug },
    notifyUrl: `${sink.url}/notify`,
    octokit,
    fork: {
      get owner() {
        return needFork().owner.login;
      },
      get name() {
        return needFork().name;
      },
      get fullName() {
        return `${needFork().owner.login}/${needFork().name}`;
      },
      push: (branch, files, message) =>
        world.exclusive(async () => {
          const fork = needFork();
          const owner = world.user(fork.owner.login);
          const current = await world.git.getRef(world.forkBranchRef(owner.login, branch));
          const parent =
            current ?? (await world.git.getRef(`refs/heads/${world.repo.default_branch}`))!;
          const tree = await world.git.writeTree(
            await world.git.treeOf(parent),
            Object.entries(files).map(([path, content]) =>
              content === null
                ? { path, mode: "100644", type: "blob" as const, sha: null }
                : { path, mode: "100644", type: "blob" as const, content },
            ),
          );
          const at = world.now();
          const sha = await world.git.writeCommit({
            message,
            tree,
            parents: [parent],
            author: personFor(owner, at),
            committer: personFor(owner, at),
          });
          await moveForkBranch(world, owner, owner.login, branch, sha);
          return sha;
        }),
      sha: (branch) => world.git.getRef(world.forkBranchRef(needFork().owner.login, branch)),
    },
    human: {
      async openPull(input, as) {
        const { data } = await octokit(as).pulls.create({ owner: o, repo: r, ...input });
        return data.number;
      },
      async comment(issueNumber, body, as) {
        const { data } = await octokit(as).issues.createComment({
          owner: o,
          repo: r,
          issue_number: issueNumber,
          body,
        });
        return data.id;
      },
      async addLabel(issueNumber, label, as) {
        await octokit(as).issues.addLabels({
          owner: o,
          repo: r,
          issue_number: issueNumber,
          labels: [label],
        });
      },
      async removeLabel(issueNumber, label, as) {
        await octokit(as).issues.removeLabel({
          owner: o,
          repo: r,
          issue_number: issueNumber,
          name: label,
        });
      },
      async openIssue(title, body, as) {
        const { data } = await octokit(as).issues.create({ owner: o, repo: r, title, body });
        return data.number;
      },
      async editBody(number, body, as) {
        if (world.issue(number).pull_request)
          await octokit(as).pulls.update({ owner: o, repo: r, pull_number: number, body });
        else await octokit(as).issues.update({ owner: o, repo: r, issue_number: number, body });
      },
      async editComment(commentId, body, as) {
        await octokit(as).issues.updateComment({ owner: o, repo: r, comment_id: commentId, body });
      },
      async push(branch, files, message, as) {
        const ok = octokit(as);
        const current = await world.git.getRef(`refs/heads/${branch}`);
        const parent =
          current ?? (await world.git.getRef(`refs/heads/${world.repo.default_branch}`))!;
        const { data: parentCommit } = await ok.git.getCommit({
          owner: o,
          repo: r,
          commit_sha: parent,
        });
        const tree = await Promise.all(
          Object.entries(files).map(async ([path, content]) => {
            if (content === null)
              return { path, mode: "100644" as const, type: "blob" as const, sha: null };
            const { data: blob } = await ok.git.createBlob({
              owner: o,
              repo: r,
              content: Buffer.from(content).toString("base64"),
              encoding: "base64",
            });
            return { path, mode: "100644" as const, type: "blob" as const, sha: blob.sha };
          }),
        );
        const { data: newTree } = await ok.git.createTree({
          owner: o,
          repo: r,
          base_tree: parentCommit.tree.sha,
          tree,
        });
        const { data: commit } = await ok.git.createCommit({
          owner: o,
          repo: r,
          message,
          tree: newTree.sha,
          parents: [parent],
        });
        if (current)
          await ok.git.updateRef({ owner: o, repo: r, ref: `heads/${branch}`, sha: commit.sha });
        else
          await ok.git.createRef({
            owner: o,
            repo: r,
            ref: `refs/heads/${branch}`,
            sha: commit.sha,
          });
        return commit.sha;
      },
      clickRerun(checkRunId, as = "octocat") {
        const run = world.checkRuns.get(checkRunId);
        if (!run) throw new Error(`no check run ${checkRunId}`);
        rerequestCheckRun(world, run, world.user(as));
      },
      rerunWorkflow: (runId, as = "octocat") => runners.rerun(runId, world.user(as)),
    },
    state: {
      pulls: () => [...world.issues.values()].filter((i) => i.pull_request),
      pull: (n) => world.pull(n),
      issues: () => [...world.issues.values()],
      issue: (n) => world.issue(n),
      comments: (n) =>
        [...world.comments.values()]
          .filter((c) => n === undefined || c.issue_number === n)
          .sort((a, b) => a.id - b.id),
      labels: () => [...world.labels],
      checkRuns: (sha) => [...world.checkRuns.values()].filter((c) => !sha || c.head_sha === sha),
      runs: () => [...world.runs.values()],
      run: (id) => {
        const run = world.runs.get(id);
        if (!run) throw new Error(`no workflow run ${id}`);
        return run;
      },
      gists: () => [...world.gists.values()],
      refs: (prefix = "refs/heads/") => world.git.listRefs(prefix),
      deliveries: deliverer.deliveries,
      requests: server.requests,
    },
    git: {
      async readFile(ref, path) {
        const sha =
          (await world.git.resolveCommit(ref)) ??
          (await world.git.resolveCommit(`refs/heads/${ref}`));
        if (!sha) return null;
        const found = await world.git.readPath(sha, path);
        return found?.type === "file" ? found.content.toString("utf8") : null;
      },
      sha: async (ref) =>
        (await world.git.getRef(ref.startsWith("refs/") ? ref : `refs/heads/${ref}`)) ??
        (await world.git.resolveCommit(ref)),
      async log(ref) {
        const head =
          (await world.git.resolveCommit(`refs/heads/${ref}`)) ??
          (await world.git.resolveCommit(ref));
        if (!head) return [];
        const shas = (await world.git.commitsBetween(null, head)).reverse();
        return Promise.all(
          shas.map(async (sha) => {
            const c = await world.git.readCommit(sha);
            return { sha, message: c.message, parents: c.parents };
          }),
        );
      },
    },
    faults,
    notifications,
    violations: violations.list,
    assertNoViolations: () => violations.assertNone(),
    clearViolations: () => violations.clear(),
    async installationOctokit() {
      const probot = new Probot({
        appId: world.app.id,
        privateKey,
        baseUrl: url,
        logLevel: "warn",
        Octokit: opts.probotOctokit ?? fastProbotOctokit(),
      });
      return probot.auth(world.installation.id);
    },
    settle,
    startApp,
    stopApp,
    async restartApp(instance) {
      await stopApp(instance);
      await startApp(instance);
    },
    appInstances: () =>
      instances.map((inst, index) => ({ index, running: inst.server !== null, url: inst.url })),
    redeliver: (id) => deliverer.redeliver(id),
    fireSchedule: () => runners.fireSchedule(),
    async stop() {
      await runners.stop();
      await stopApp();
      await server.stop();
      world.git.close();
      sink.server.closeAllConnections();
      await new Promise<void>((resolve) => sink.server.close(() => resolve()));
      for (const [k, v] of savedEnv) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      if (ownsWorkDir) rmSync(workDir, { recursive: true, force: true });
    },
    world,
    runners,
  };
  // The URL of the first running instance ("" when none runs), as before instances existed.
  Object.defineProperty(handle.app, "webhookUrl", {
    get: () => instances.find((i) => i.server)?.url ?? "",
  });
  return handle;
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  port = 0,
): Promise<{ server: Server; port: number; url: string }> {
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return { server, port: actual, url: `http://127.0.0.1:${actual}` };
}
