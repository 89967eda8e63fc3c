var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/cli/command-specs.ts
function mainHelp() {
  const width = Math.max(...COMMAND_NAMES.map((n2) => n2.length)) + 2;
  const commands = COMMAND_NAMES.map(
    (name) => `  ${name.padEnd(width)}${COMMAND_SPECS[name].summary}`
  );
  return [
    "autoresearch: drive an autoresearch run on GitHub (one PR per experiment) from your shell",
    "",
    "Usage: autoresearch <command> --repo <owner/name> --tag <tag> [options]",
    "",
    "Commands:",
    ...commands,
    "",
    "Every command takes:",
    ...optionLines(COMMON),
    "",
    ENVIRONMENT_HELP,
    "",
    EXIT_CODES_HELP,
    "",
    "`autoresearch <command> --help` shows a command's options."
  ].join("\n");
}
function commandHelp(name) {
  const spec = COMMAND_SPECS[name];
  const required = name === "propose" ? " --file <path> --message <text>" : "";
  return [
    `autoresearch ${name}: ${spec.summary}`,
    "",
    `Usage: autoresearch ${name} --repo <owner/name> --tag <tag>${required} [options]`,
    "",
    wrap(spec.details, 96),
    "",
    "Options:",
    ...optionLines(spec.options),
    "",
    "Examples:",
    ...spec.examples.map((e) => `  ${e}`),
    "",
    ENVIRONMENT_HELP,
    "",
    EXIT_CODES_HELP
  ].join("\n");
}
function optionLines(options) {
  const specs = Object.values(options);
  const width = Math.max(...specs.map((o) => o.shown.length)) + 2;
  return specs.map((o) => `  ${o.shown.padEnd(width)}${o.help}`);
}
function wrap(text, columns) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}
var COMMAND_NAMES, DEFAULT_WAIT_SECONDS, DEFAULT_API_URL, COMMON, wait, REBUILD, control, COMMAND_SPECS, EXIT_CODES_HELP, ENVIRONMENT_HELP;
var init_command_specs = __esm({
  "src/cli/command-specs.ts"() {
    "use strict";
    COMMAND_NAMES = [
      "start",
      "stop",
      "pause",
      "resume",
      "status",
      "propose",
      "results",
      "chart"
    ];
    DEFAULT_WAIT_SECONDS = 60;
    DEFAULT_API_URL = "https://api.github.com";
    COMMON = {
      repo: {
        type: "string",
        shown: "--repo <owner/name>",
        help: "the researched repository (default: $GITHUB_REPOSITORY)"
      },
      tag: {
        type: "string",
        shown: "--tag <tag>",
        help: "the run's tag, e.g. nov26 (its branch is autoresearch/<tag>)"
      },
      help: { type: "boolean", short: "h", shown: "-h, --help", help: "this help" }
    };
    wait = (what) => ({
      type: "string",
      shown: "--wait <seconds>",
      help: `how long to wait for ${what} (default ${DEFAULT_WAIT_SECONDS}; 0: do not wait)`
    });
    REBUILD = {
      type: "boolean",
      shown: "--rebuild",
      help: "rebuild the rows from the PR trail (state blocks) instead of reading the stored ledger"
    };
    control = (verb, effect) => ({
      summary: effect,
      details: `Comments \`/autoresearch ${verb}\` on the run's dashboard issue as you, waits for the app's reply and prints it. The app checks that you have write access to the repository.`,
      options: { ...COMMON, wait: wait("the app's reply") },
      examples: [`autoresearch ${verb} --repo acme/research --tag nov26`]
    });
    COMMAND_SPECS = {
      start: {
        summary: "start a run: the app creates autoresearch/<tag>, its dashboard and the baseline",
        details: "Opens an issue `autoresearch: start <tag>` and comments `/autoresearch start <tag>` on it as you, exactly as you would on GitHub, so the app stays the only writer of the run. Waits for the app's reply and prints it with the dashboard's address. The tag must be new: the branch autoresearch/<tag> must not exist yet.",
        options: { ...COMMON, wait: wait("the app's reply") },
        examples: ["autoresearch start --repo acme/research --tag nov26"]
      },
      stop: control(
        "stop",
        "stop a run: experiments in flight finish and are decided, queued ones close"
      ),
      pause: control("pause", "pause a run: nothing new is dispatched until `resume`"),
      resume: control("resume", "resume a paused run"),
      status: {
        summary: "the run's best, what is in flight or queued, and the last verdicts",
        details: "Computed on your machine from the dashboard issue and the PR trail (each PR's hidden state block); nothing is written.",
        options: {
          ...COMMON,
          format: {
            type: "string",
            shown: "--format <text|json>",
            help: "output format (default text)"
          }
        },
        examples: [
          "autoresearch status --repo acme/research --tag nov26",
          "autoresearch status --repo acme/research --tag nov26 --format json | jq .best"
        ]
      },
      propose: {
        summary: "submit an experiment: your new train.py as branch autoresearch/<tag>--<slug>",
        details: "Commits the file on top of the run branch's head through the Git Data API (no local clone needed) and creates the branch autoresearch/<tag>--<slug>. The app then opens a PR into autoresearch/<tag>, checks that only the allowed paths change (config: allowedPaths), queues it, trains it on the next free runner and keeps or discards it like any other experiment.",
        options: {
          ...COMMON,
          file: {
            type: "string",
            shown: "--file <path>",
            help: "the local file with the new content, e.g. train.py"
          },
          message: {
            type: "string",
            shown: "--message <text>",
            help: "one line saying what the experiment tries; it becomes the PR title"
          },
          path: {
            type: "string",
            shown: "--path <repo path>",
            help: "where the file goes in the repository (default: the --file name, e.g. train.py)"
          },
          name: {
            type: "string",
            shown: "--name <slug>",
            help: "the branch's name after `--` (default: made from --message)"
          },
          wait: {
            type: "string",
            shown: "--wait <seconds>",
            help: "wait this long for the app to open the PR and print its number (default 0: do not wait)"
          }
        },
        examples: [
          'autoresearch propose --repo acme/research --tag nov26 --file train.py --message "increase LR to 0.04"'
        ]
      },
      results: {
        summary: "print results.tsv (or JSON) of a run",
        details: "Reads the ledger the app keeps: the run's gist, or the ledger section of the dashboard issue when the app has no GIST_TOKEN. With --rebuild, rebuilds it from the PR trail, which is always complete.",
        options: {
          ...COMMON,
          rebuild: REBUILD,
          format: { type: "string", shown: "--format <tsv|json>", help: "output format (default tsv)" }
        },
        examples: [
          "autoresearch results --repo acme/research --tag nov26 > results.tsv",
          "autoresearch results --repo acme/research --tag nov26 --rebuild --format json"
        ]
      },
      chart: {
        summary: "draw progress.svg (val_bpb per experiment, kept ones labelled)",
        details: "Draws the chart from the same rows `results` prints, on your machine.",
        options: {
          ...COMMON,
          out: {
            type: "string",
            shown: "--out <file>",
            help: "where to write the SVG (default progress.svg; - for stdout)"
          },
          rebuild: REBUILD,
          width: { type: "string", shown: "--width <px>", help: "picture width (default 1200)" },
          height: { type: "string", shown: "--height <px>", help: "picture height (default 600)" }
        },
        examples: ["autoresearch chart --repo acme/research --tag nov26 --out progress.svg"]
      }
    };
    EXIT_CODES_HELP = `Exit codes:
  0  done
  1  GitHub or the app reported a failure, or the app did not answer in time
  2  usage error: bad arguments or input; nothing was changed on GitHub
  3  not found: no such repository (or the token cannot see it), or no such run`;
    ENVIRONMENT_HELP = `Environment:
  GITHUB_TOKEN    a token with write access to the repository's issues, pull requests
                  and contents, e.g. \`export GITHUB_TOKEN=$(gh auth token)\`
  GITHUB_API_URL  the REST API (default ${DEFAULT_API_URL};
                  GitHub Enterprise Server: https://HOST/api/v3)`;
  }
});

// src/cli/exit-codes.ts
var EXIT, CliError, usageError, notFoundError, failedError;
var init_exit_codes = __esm({
  "src/cli/exit-codes.ts"() {
    "use strict";
    EXIT = {
      ok: 0,
      /** GitHub or the app reported a failure, or the app did not answer in time. */
      failed: 1,
      /** Bad arguments or input: nothing was sent to GitHub. */
      usage: 2,
      /** The repository or the run does not exist (or the token cannot see it). */
      notFound: 3
    };
    CliError = class extends Error {
      constructor(exitCode, message, options) {
        super(message, options);
        this.exitCode = exitCode;
        this.name = "CliError";
      }
      exitCode;
    };
    usageError = (message) => new CliError(EXIT.usage, message);
    notFoundError = (message) => new CliError(EXIT.notFound, message);
    failedError = (message, cause) => new CliError(EXIT.failed, message, { cause });
  }
});

// src/core/config.ts
import * as z from "zod";
function parseConfig(raw) {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: parsed.error.issues.flatMap(toProblems) };
}
function toProblems(issue) {
  const at = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(at);
    return issue.keys.map((key) => ({
      path: [...at, key].join("."),
      message: unknownKeyMessage(key, known)
    }));
  }
  if (at.length === 0 && issue.code === "invalid_type") {
    return [{ path: "", message: "the file must be a YAML mapping of keys to values" }];
  }
  return [{ path: at.join("."), message: issue.message }];
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
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min(row[j] + 1, next[j - 1] + 1, substitution));
    }
    row = next;
  }
  return row[b.length];
}
var CONFIG_PATH, workflowFile, repoPath, ConfirmSchema, PolicySchema, LabelsSchema, ConfigSchema, DEFAULT_CONFIG;
var init_config = __esm({
  "src/core/config.ts"() {
    "use strict";
    CONFIG_PATH = ".github/autoresearch.yml";
    workflowFile = z.string().regex(/^[\w.-]+\.ya?ml$/, "must be a file name in .github/workflows, like autoresearch.yml");
    repoPath = z.string().min(1, "must not be empty").refine((p) => !/[*?[\]{}!]/.test(p), "must be a plain repo path: globs are not supported").refine(
      (p) => !/^(\/|\.\/)/.test(p),
      "must be relative to the repo root without a leading / or ./"
    ).refine((p) => !p.split("/").includes(".."), "must not contain '..'").refine((p) => !p.endsWith("/") && !p.includes("\\"), "must name a file, with / as separator");
    ConfirmSchema = z.strictObject({
      below: z.number().min(0).default(0).describe(
        "A would-be keep that beats the best by less than this is trained again before it may keep: small gains are often noise. 0 turns confirmation off."
      ),
      runs: z.number().int().min(1).max(5).default(2).describe(
        "Extra trainings of such a change. It keeps only if the mean of all its runs still beats the best by minImprovement."
      )
    });
    PolicySchema = z.strictObject({
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
    LabelsSchema = z.strictObject({
      experiment: z.string().min(1).default("autoresearch").describe("Label on every experiment PR."),
      rerun: z.string().min(1).default("autoresearch:rerun").describe("Add it to a PR to train it again; the app removes it at once."),
      keep: z.string().min(1).default("autoresearch:keep").describe("Label on kept (merged) PRs."),
      discard: z.string().min(1).default("autoresearch:discard").describe("Label on discarded (closed) PRs."),
      crash: z.string().min(1).default("autoresearch:crash").describe("Label on PRs whose training crashed."),
      remeasure: z.string().min(1).default("autoresearch:remeasure").describe("Label on re-measurements of the run head (policy.baselineEvery), closed unmerged.")
    });
    ConfigSchema = z.strictObject({
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
    DEFAULT_CONFIG = ConfigSchema.parse({});
  }
});

// src/core/experiment-branch.ts
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
var PREFIX, MAX_TAG, MAX_SLUG, TAG_CHARS, EXPERIMENT_SEPARATOR;
var init_experiment_branch = __esm({
  "src/core/experiment-branch.ts"() {
    "use strict";
    PREFIX = "autoresearch";
    MAX_TAG = 40;
    MAX_SLUG = 40;
    TAG_CHARS = /^[a-z0-9._-]+$/;
    EXPERIMENT_SEPARATOR = "--";
  }
});

// src/core/lru.ts
var Lru;
var init_lru = __esm({
  "src/core/lru.ts"() {
    "use strict";
    Lru = class {
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
  }
});

// src/github/conditional-requests.ts
import { createHash } from "node:crypto";
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
var DEFAULT_CACHE_LIMITS;
var init_conditional_requests = __esm({
  "src/github/conditional-requests.ts"() {
    "use strict";
    init_lru();
    DEFAULT_CACHE_LIMITS = { maxEntries: 2e3, maxSize: 32 * 1024 * 1024 };
  }
});

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
  const wait2 = Math.max(0, Math.ceil(hit.waitSeconds));
  const until = clockTime(new Date(hit.now.getTime() + wait2 * 1e3));
  if (hit.retries >= hit.maxRetries) {
    return {
      retry: false,
      line: `${name}: giving up on ${hit.request} after ${hit.retries} ${hit.retries === 1 ? "wait" : "waits"}; GitHub asks to wait ${wait2} s more, until ${until} (${header})`
    };
  }
  return {
    retry: true,
    line: `${name}: waiting ${wait2} s until ${until} (${header}) before retrying ${hit.request} (retry ${hit.retries + 1} of ${hit.maxRetries})`
  };
}
function clockTime(at) {
  return `${at.toISOString().slice(11, 19)} UTC`;
}
var init_rate_limit = __esm({
  "src/core/rate-limit.ts"() {
    "use strict";
  }
});

// src/github/rate-limits.ts
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
var PRODUCTION_TIMING, MAX_RATE_LIMIT_RETRIES, DO_NOT_RETRY, passThrough, UNSPACED, GitHubRateLimitError;
var init_rate_limits = __esm({
  "src/github/rate-limits.ts"() {
    "use strict";
    init_rate_limit();
    PRODUCTION_TIMING = {
      msPerSecond: 1e3,
      retryBaseMs: 1e3,
      spaceWrites: true
    };
    MAX_RATE_LIMIT_RETRIES = 3;
    DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];
    passThrough = {
      key: () => ({
        schedule: (...args) => {
          const [first, ...rest] = args;
          const [job, ...jobArgs] = typeof first === "function" ? args : rest;
          return job(...jobArgs);
        }
      })
    };
    UNSPACED = {
      global: passThrough,
      write: passThrough,
      search: passThrough,
      notifications: passThrough,
      auth: passThrough
    };
    GitHubRateLimitError = class extends Error {
      constructor(message, status, kind, options) {
        super(message, options);
        this.status = status;
        this.kind = kind;
        this.name = "GitHubRateLimitError";
      }
      status;
      kind;
    };
  }
});

// src/github/client.ts
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
function createGitHubClient(options) {
  const log2 = options.log;
  return new GitHubOctokit({
    auth: options.auth,
    ...options.baseUrl ? { baseUrl: options.baseUrl } : {},
    userAgent: options.userAgent,
    // Octokit logs every failed request at error level; callers explain the failures they meet.
    log: { debug() {
    }, info() {
    }, warn: (m) => log2.warn(m), error() {
    } },
    ...limitOptions({
      log: () => log2,
      timing: options.timing ?? PRODUCTION_TIMING,
      maxRetries: options.maxRateLimitRetries
    }),
    responseCache: options.cache ?? createResponseCache()
  });
}
var GitHubOctokit;
var init_client = __esm({
  "src/github/client.ts"() {
    "use strict";
    init_conditional_requests();
    init_rate_limits();
    init_rate_limits();
    GitHubOctokit = Octokit.plugin(throttling, retry, rateLimitErrors, conditionalRequests);
  }
});

// src/core/block-seal.ts
var experimentScope, runScope;
var init_block_seal = __esm({
  "src/core/block-seal.ts"() {
    "use strict";
    experimentScope = (repository, headRef) => `experiment ${repository.toLowerCase()} ${headRef}`;
    runScope = (repository, tag) => `run ${repository.toLowerCase()} ${tag}`;
  }
});

// src/core/hidden-block.ts
function hiddenBlock(name, schema) {
  const re = new RegExp(`<!-- autoresearch:${name} (\\{.*?\\}) -->`, "s");
  const render3 = (value, mac) => {
    const json = JSON.stringify(mac === null ? value : { ...value, mac });
    return `<!-- autoresearch:${name} ${json.replaceAll("--", "-\\u002d")} -->`;
  };
  return {
    render: render3,
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
      const block = render3(value, mac);
      return re.test(body) ? body.replace(re, () => block) : `${body.trimEnd()}

${block}
`;
    }
  };
}
var init_hidden_block = __esm({
  "src/core/hidden-block.ts"() {
    "use strict";
  }
});

// src/core/run-state.ts
import * as z2 from "zod";
function readLedgerSection(body) {
  if (!body) return null;
  const text = body.replace(/\r\n/g, "\n");
  const start = text.indexOf(`${LEDGER_OPEN}
`);
  if (start < 0) return null;
  const opening = /^(`{3,})tsv\n/.exec(text.slice(start + LEDGER_OPEN.length + 1));
  if (!opening) return null;
  const contentStart = start + LEDGER_OPEN.length + 1 + opening[0].length;
  const closing = text.indexOf(`
${opening[1]}
${LEDGER_CLOSE}`, contentStart - 1);
  if (closing < 0) return null;
  return text.slice(contentStart, closing + 1);
}
var RunStatus, RunStateSchema, runBlock, LEDGER_OPEN, LEDGER_CLOSE;
var init_run_state = __esm({
  "src/core/run-state.ts"() {
    "use strict";
    init_hidden_block();
    RunStatus = z2.enum(["running", "paused", "stopped"]);
    RunStateSchema = z2.object({
      v: z2.literal(1),
      tag: z2.string(),
      status: RunStatus,
      /** The run branch, `autoresearch/<tag>`. */
      branch: z2.string(),
      /** The branch the run started from (the default branch). */
      base_branch: z2.string(),
      /** The results.tsv gist; null when the ledger lives in the issue. */
      gist_id: z2.string().nullable(),
      ledger: z2.enum(["gist", "issue"]),
      /** Number the next experiment gets. */
      next_n: z2.number().int().nonnegative(),
      started_at: z2.string(),
      started_by: z2.string(),
      /** Consecutive proposer runs that produced nothing. */
      proposer_failures: z2.number().int().nonnegative(),
      /** Short events worth showing on the dashboard, newest last. */
      notes: z2.array(z2.string()),
      /** The `/autoresearch start` comment that created the run: a redelivery of it changes nothing. */
      start_comment_id: z2.number().int().nullish()
    });
    runBlock = hiddenBlock("run", RunStateSchema);
    LEDGER_OPEN = "<!-- autoresearch:ledger -->";
    LEDGER_CLOSE = "<!-- /autoresearch:ledger -->";
  }
});

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
var init_trust = __esm({
  "src/core/trust.ts"() {
    "use strict";
    init_block_seal();
    init_experiment_branch();
  }
});

// src/github/sticky-comment.ts
function isStatus(error, status) {
  return typeof error === "object" && error !== null && "status" in error && error.status === status;
}
var init_sticky_comment = __esm({
  "src/github/sticky-comment.ts"() {
    "use strict";
  }
});

// src/github/repo.ts
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
function rememberAncestry(gh, base, head) {
  ancestry.set(ancestryKey(gh, base, head), true);
}
var repoOf, textAtCommit, COMMIT_SHA, ancestry, treeOfCommit, ancestryKey;
var init_repo = __esm({
  "src/github/repo.ts"() {
    "use strict";
    init_lru();
    init_sticky_comment();
    repoOf = (gh) => ({ owner: gh.owner, repo: gh.repo });
    textAtCommit = new Lru({
      maxEntries: 256,
      maxWeight: 16 * 1024 * 1024,
      weigh: (text) => text?.length ?? 0
    });
    COMMIT_SHA = /^[0-9a-f]{40}$/;
    ancestry = new Lru({ maxEntries: 4096 });
    treeOfCommit = new Lru({ maxEntries: 1024 });
    ancestryKey = (gh, base, head) => `${gh.owner}/${gh.repo}:${base}...${head}`;
  }
});

// src/github/run-issues.ts
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
async function createIssue(gh, issue) {
  const { data } = await gh.octokit.rest.issues.create({ ...repoOf(gh), ...issue });
  return data.number;
}
async function updateIssue(gh, number6, change) {
  await gh.octokit.rest.issues.update({ ...repoOf(gh), issue_number: number6, ...change });
}
var DASHBOARD_LABEL;
var init_run_issues = __esm({
  "src/github/run-issues.ts"() {
    "use strict";
    init_block_seal();
    init_run_state();
    init_trust();
    init_repo();
    DASHBOARD_LABEL = "autoresearch:run";
  }
});

// src/cli/github-session.ts
var github_session_exports = {};
__export(github_session_exports, {
  issueUrl: () => issueUrl,
  noSuchRunMessage: () => noSuchRunMessage,
  octokitFromEnv: () => octokitFromEnv,
  openRepository: () => openRepository,
  requireRun: () => requireRun
});
function octokitFromEnv(env, log2) {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) {
    throw usageError(
      "GITHUB_TOKEN is not set: export a token with write access to the repository's issues, pull requests and contents, e.g. `export GITHUB_TOKEN=$(gh auth token)`"
    );
  }
  const baseUrl = (env.GITHUB_API_URL?.trim() || DEFAULT_API_URL).replace(/\/+$/, "");
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw usageError(
      `GITHUB_API_URL "${baseUrl}" is not an http(s) URL: unset it for github.com, or use https://HOST/api/v3 for GitHub Enterprise Server`
    );
  }
  return createGitHubClient({ auth: token, baseUrl, userAgent: "autoresearch-cli", log: log2 });
}
async function openRepository(octokit, target) {
  const fullName = `${target.owner}/${target.repo}`;
  try {
    const { data } = await octokit.rest.repos.get({ owner: target.owner, repo: target.repo });
    return {
      gh: { octokit, owner: target.owner, repo: target.repo },
      htmlUrl: data.html_url,
      fullName: data.full_name,
      root: { repository: data.full_name, appLogin: null, sealer: null }
    };
  } catch (error) {
    if (isStatus(error, 404)) {
      throw notFoundError(
        `repository ${fullName} not found, or GITHUB_TOKEN cannot see it: check --repo, and that the token has access to that repository`
      );
    }
    throw error;
  }
}
async function requireRun(session, tag) {
  const dashboards = (await listDashboards(session.gh, session.root)).runs;
  const found = dashboards.find((d) => d.run.tag === tag);
  if (found) return found;
  throw notFoundError(noSuchRunMessage(session.fullName, tag, dashboards));
}
function noSuchRunMessage(fullName, tag, dashboards) {
  const tags = dashboards.map((d) => `${d.run.tag} (${d.run.status})`);
  const known = tags.length > 0 ? `runs there: ${tags.join(", ")}` : "it has no runs yet";
  return `no run "${tag}" in ${fullName} (${known}): check --tag, or start one with \`autoresearch start --repo ${fullName} --tag ${tag}\``;
}
function issueUrl(session, number6) {
  return `${session.htmlUrl}/issues/${number6}`;
}
var init_github_session = __esm({
  "src/cli/github-session.ts"() {
    "use strict";
    init_client();
    init_run_issues();
    init_sticky_comment();
    init_command_specs();
    init_exit_codes();
  }
});

// src/core/reply-marker.ts
function readReply(body) {
  const match = TRAILING_MARKER.exec(body);
  return match ? { to: Number(match[1]), text: body.slice(0, match.index) } : null;
}
var TRAILING_MARKER;
var init_reply_marker = __esm({
  "src/core/reply-marker.ts"() {
    "use strict";
    TRAILING_MARKER = /\n*<!-- autoresearch:reply-to (\d+) -->\s*$/;
  }
});

// src/cli/app-reply.ts
function findReply(comments, commentId) {
  for (const comment of comments) {
    const reply = comment.body ? readReply(comment.body) : null;
    if (reply && reply.to === commentId && comment.user?.type === "Bot") return reply.text.trim();
  }
  return null;
}
async function waitForReply(gh, issue, commentId, options) {
  const started = Date.now();
  const pollMs = options.pollMs ?? 1e3;
  for (; ; ) {
    const comments = await gh.octokit.paginate(gh.octokit.rest.issues.listComments, {
      ...repoOf(gh),
      issue_number: issue,
      per_page: 100
    });
    const reply = findReply(comments, commentId);
    if (reply !== null) return reply;
    const waited = (Date.now() - started) / 1e3;
    if (waited >= options.seconds) return null;
    options.onTick(Math.floor(waited));
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
async function sayToApp(gh, issue, body, wait2) {
  const { data } = await gh.octokit.rest.issues.createComment({
    ...repoOf(gh),
    issue_number: issue,
    body
  });
  if (wait2.seconds === 0) return { commentId: data.id, reply: null };
  const limit = Math.round(wait2.seconds);
  try {
    const reply = await waitForReply(gh, issue, data.id, {
      seconds: wait2.seconds,
      onTick: (waited) => wait2.progress(`Waiting for the app to answer on #${issue}\u2026 ${waited}s of ${limit}s`)
    });
    return { commentId: data.id, reply };
  } finally {
    wait2.endProgress();
  }
}
function noReplyMessage(fullName, where, seconds2) {
  return `no answer from the autoresearch app within ${seconds2}s on ${where}: the app may not be installed on ${fullName} (with the issue_comment event), or not running. Check its installation and logs; the comment stays there, so if the app is only slow its answer appears on that issue later (or wait longer with --wait).`;
}
var init_app_reply = __esm({
  "src/cli/app-reply.ts"() {
    "use strict";
    init_reply_marker();
    init_repo();
  }
});

// src/cli/start-command.ts
var start_command_exports = {};
__export(start_command_exports, {
  startCommand: () => startCommand
});
async function startCommand(session, cli, io) {
  const { gh, fullName } = session;
  const tag = cli.target.tag;
  const existing = (await listDashboards(gh, session.root)).runs.find((d) => d.run.tag === tag);
  if (existing) {
    throw failedError(
      `a run "${tag}" already exists in ${fullName} (${existing.run.status}, dashboard ${issueUrl(session, existing.number)}): pick another tag, or look at it with \`autoresearch status --repo ${fullName} --tag ${tag}\``
    );
  }
  const branch = runBranch(tag);
  if (await branchSha(gh, branch) !== null) {
    throw failedError(
      `the branch ${branch} already exists in ${fullName}: pick another tag, or delete the branch first`
    );
  }
  const issue = await createIssue(gh, {
    title: `autoresearch: start ${tag}`,
    body: `Opened by \`autoresearch start\` to start the run \`${tag}\`: the autoresearch app answers below.`,
    labels: []
  });
  const where = issueUrl(session, issue);
  io.err(`Asked the app to start "${tag}" on ${where}`);
  const { commentId, reply } = await sayToApp(gh, issue, `/autoresearch start ${tag}`, {
    seconds: cli.waitSeconds,
    progress: io.progress,
    endProgress: io.endProgress
  });
  if (cli.waitSeconds === 0) {
    io.out(`Sent /autoresearch start ${tag}: the app answers on ${where}`);
    return EXIT.ok;
  }
  if (reply === null) throw failedError(noReplyMessage(fullName, where, cli.waitSeconds));
  const dashboard = (await listDashboards(gh, session.root)).runs.find(
    (d) => d.run.tag === tag && d.run.start_comment_id === commentId
  );
  if (!dashboard) {
    io.err(reply);
    throw failedError(`the app did not start "${tag}" (its answer is above; also on ${where})`);
  }
  io.out(reply);
  io.out(`Dashboard: ${issueUrl(session, dashboard.number)}`);
  io.out(
    `Follow it with \`autoresearch status --repo ${fullName} --tag ${tag}\`; stop it with \`autoresearch stop --repo ${fullName} --tag ${tag}\`.`
  );
  await updateIssue(gh, issue, { state: "closed" });
  return EXIT.ok;
}
var init_start_command = __esm({
  "src/cli/start-command.ts"() {
    "use strict";
    init_experiment_branch();
    init_repo();
    init_run_issues();
    init_app_reply();
    init_exit_codes();
    init_github_session();
  }
});

// src/cli/control-command.ts
var control_command_exports = {};
__export(control_command_exports, {
  controlCommand: () => controlCommand
});
async function controlCommand(session, cli, io) {
  const tag = cli.target.tag;
  const dashboard = await requireRun(session, tag);
  const where = issueUrl(session, dashboard.number);
  const { reply } = await sayToApp(session.gh, dashboard.number, `/autoresearch ${cli.command}`, {
    seconds: cli.waitSeconds,
    progress: io.progress,
    endProgress: io.endProgress
  });
  if (cli.waitSeconds === 0) {
    io.out(`Sent /autoresearch ${cli.command}: the app answers on ${where}`);
    return EXIT.ok;
  }
  if (reply === null) throw failedError(noReplyMessage(session.fullName, where, cli.waitSeconds));
  const now = (await listDashboards(session.gh, session.root)).runs.find(
    (d) => d.number === dashboard.number
  );
  const wanted = STATUS_AFTER[cli.command];
  if (now?.run.status !== wanted) {
    io.err(reply);
    throw failedError(
      `run "${tag}" is ${now?.run.status ?? "gone"}, not ${wanted}: the app's answer is above (also on ${where})`
    );
  }
  io.out(reply);
  return EXIT.ok;
}
var STATUS_AFTER;
var init_control_command = __esm({
  "src/cli/control-command.ts"() {
    "use strict";
    init_run_issues();
    init_app_reply();
    init_exit_codes();
    init_github_session();
    STATUS_AFTER = {
      stop: "stopped",
      pause: "paused",
      resume: "running"
    };
  }
});

// src/core/summary-bounds.ts
import * as z3 from "zod";
function rangeText(range) {
  const [open, close] = range.exclusive ? ["(", ")"] : ["[", "]"];
  return `${open}${range.min}, ${range.max}${close}`;
}
function numberIn(range) {
  const message = `must be a number in ${rangeText(range)}`;
  const number6 = z3.number({ error: message });
  return range.exclusive ? number6.gt(range.min, message).lt(range.max, message) : number6.min(range.min, message).max(range.max, message);
}
var SUMMARY_RANGES, MEMORY_GB_RANGE;
var init_summary_bounds = __esm({
  "src/core/summary-bounds.ts"() {
    "use strict";
    SUMMARY_RANGES = {
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
    MEMORY_GB_RANGE = { min: 0, max: SUMMARY_RANGES.peak_vram_mb.max / 1024 };
  }
});

// src/core/result-marker.ts
import * as z4 from "zod";
var CRASH_REASONS, INFRA_REASONS, REJECT_REASONS, TrainStatus, num, TrainResultSchema;
var init_result_marker = __esm({
  "src/core/result-marker.ts"() {
    "use strict";
    init_summary_bounds();
    CRASH_REASONS = [
      "nan",
      "oom",
      "traceback",
      "timeout",
      "no-summary",
      "invalid-summary",
      "killed",
      "escaped-process"
    ];
    INFRA_REASONS = ["missing-data", "runner-error"];
    REJECT_REASONS = ["path-violation", "bad-ref"];
    TrainStatus = z4.enum(["ok", "crash", "infra", "rejected"]);
    num = (field2) => numberIn(SUMMARY_RANGES[field2]).nullable();
    TrainResultSchema = z4.object({
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
  }
});

// src/core/state-block.ts
import * as z5 from "zod";
var Phase, VerdictStatus, SweepStage, VerdictSchema, ExperimentStateSchema, stateBlock;
var init_state_block = __esm({
  "src/core/state-block.ts"() {
    "use strict";
    init_hidden_block();
    init_result_marker();
    Phase = z5.enum(["queued", "training", "decided", "rejected"]);
    VerdictStatus = z5.enum(["keep", "discard", "crash", "remeasure"]);
    SweepStage = z5.enum(["neighbourhood", "pattern", "combine", "perturb"]);
    VerdictSchema = z5.object({
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
    ExperimentStateSchema = z5.object({
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
    stateBlock = hiddenBlock("state", ExperimentStateSchema);
  }
});

// src/github/experiment-pulls.ts
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
  const run = known ?? { pulls: /* @__PURE__ */ new Map(), watermark: "" };
  if (!known) {
    const all = await gh.octokit.paginate(gh.octokit.rest.pulls.list, {
      ...repoOf(gh),
      base: runBranch2,
      state: "all",
      sort: "created",
      direction: "asc",
      per_page: PAGE
    });
    for (const p of all) run.pulls.set(p.number, listed(p));
  } else {
    const since = Date.parse(run.watermark) - WATERMARK_MARGIN_MS;
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
      for (const p of data) run.pulls.set(p.number, listed(p));
      const oldest = data.at(-1);
      if (data.length < PAGE || !oldest || Date.parse(oldest.updated_at) < since) break;
    }
  }
  for (const p of run.pulls.values()) if (p.updatedAt > run.watermark) run.watermark = p.updatedAt;
  cache?.set(key, run);
  return [...run.pulls.values()].sort((a, b) => a.number - b.number).map((p) => believe(root, p));
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
async function findOpenPull(gh, headBranch) {
  const { data } = await gh.octokit.rest.pulls.list({
    ...repoOf(gh),
    head: `${gh.owner}:${headBranch}`,
    state: "open",
    per_page: 1
  });
  return data[0]?.number ?? null;
}
var WATERMARK_MARGIN_MS, PAGE;
var init_experiment_pulls = __esm({
  "src/github/experiment-pulls.ts"() {
    "use strict";
    init_block_seal();
    init_lru();
    init_state_block();
    init_trust();
    init_repo();
    init_sticky_comment();
    WATERMARK_MARGIN_MS = 12e4;
    PAGE = 100;
  }
});

// src/core/results-tsv.ts
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
function cleanDescription(text) {
  return text.replace(LONE_SURROGATE_RE, "\uFFFD").replace(CONTROL_RE, " ").replace(/\s+/g, " ").trim();
}
function formatRow(row) {
  const crashed = row.status === "crash";
  return [
    ledgerCommit(row.commit),
    (crashed ? 0 : clamp(row.valBpb, 0, SUMMARY_RANGES.val_bpb.max)).toFixed(6),
    (crashed ? 0 : clamp(row.memoryGb, 0, MEMORY_GB_RANGE.max)).toFixed(1),
    row.status,
    cut(cleanDescription(row.description), MAX_LEDGER_DESCRIPTION)
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
function parseResults(text) {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (lines.length === 0) throw new ResultsFormatError(1, "empty file: the header row is missing");
  if (lines[0] !== RESULTS_HEADER.join("	")) {
    const hint = lines[0].includes(",") ? " (commas found: results.tsv is tab-separated)" : "";
    throw new ResultsFormatError(1, `expected header "${RESULTS_HEADER.join("\\t")}"${hint}`);
  }
  return lines.slice(1).map((line, i) => parseRow(line, i + 2));
}
function parseRow(line, lineNo) {
  const cells = line.split("	");
  if (cells.length !== 5) {
    throw new ResultsFormatError(lineNo, `expected 5 tab-separated columns, found ${cells.length}`);
  }
  const [commit, valBpb, memoryGb, status, description] = cells;
  if (!/^[0-9a-f]{7}$/.test(commit)) {
    throw new ResultsFormatError(lineNo, `commit "${commit}" is not a 7-char hex hash`);
  }
  if (!/^\d+\.\d{6}$/.test(valBpb)) {
    throw new ResultsFormatError(lineNo, `val_bpb "${valBpb}" is not a number with 6 decimals`);
  }
  if (!/^\d+\.\d$/.test(memoryGb)) {
    throw new ResultsFormatError(lineNo, `memory_gb "${memoryGb}" is not a number with 1 decimal`);
  }
  if (!LEDGER_STATUSES.includes(status)) {
    throw new ResultsFormatError(lineNo, `status "${status}" is not keep, discard or crash`);
  }
  if (status === "crash" && (valBpb !== "0.000000" || memoryGb !== "0.0")) {
    throw new ResultsFormatError(
      lineNo,
      "a crash row must have val_bpb 0.000000 and memory_gb 0.0"
    );
  }
  return {
    commit,
    valBpb: Number(valBpb),
    memoryGb: Number(memoryGb),
    status,
    description
  };
}
var RESULTS_HEADER, LEDGER_STATUSES, ResultsFormatError, MAX_LEDGER_DESCRIPTION, UNKNOWN_COMMIT, CONTROL_RE, LONE_SURROGATE_RE;
var init_results_tsv = __esm({
  "src/core/results-tsv.ts"() {
    "use strict";
    init_summary_bounds();
    RESULTS_HEADER = ["commit", "val_bpb", "memory_gb", "status", "description"];
    LEDGER_STATUSES = ["keep", "discard", "crash"];
    ResultsFormatError = class extends Error {
      constructor(line, message) {
        super(`results.tsv line ${line}: ${message}`);
        this.line = line;
        this.name = "ResultsFormatError";
      }
      line;
    };
    MAX_LEDGER_DESCRIPTION = 200;
    UNKNOWN_COMMIT = "0000000";
    CONTROL_RE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;
    LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  }
});

// src/core/digest.ts
function formatBpb(value) {
  return value.toFixed(6);
}
function formatDelta(delta) {
  const micro = Math.round(delta * 1e6);
  if (micro === 0) return "\xB10.000000";
  return `${micro > 0 ? "+" : "-"}${(Math.abs(micro) / 1e6).toFixed(6)}`;
}
var init_digest = __esm({
  "src/core/digest.ts"() {
    "use strict";
    init_results_tsv();
  }
});

// src/core/schedule.ts
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
var init_schedule = __esm({
  "src/core/schedule.ts"() {
    "use strict";
    init_results_tsv();
  }
});

// src/core/noise.ts
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
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function roundBpb(value) {
  return Math.round(value * 1e6) / 1e6;
}
var isRemeasure;
var init_noise = __esm({
  "src/core/noise.ts"() {
    "use strict";
    init_digest();
    init_schedule();
    isRemeasure = (state) => state.source === "remeasure";
  }
});

// src/cli/status-report.ts
function buildStatusReport(input) {
  const tracked = input.pulls.filter(
    (p) => p.experiment !== null
  );
  const experiments = tracked.map((p) => ({
    n: p.experiment.n,
    pr: p.number,
    state: p.experiment
  }));
  const decided = decidedInOrder(experiments);
  const open = tracked.filter((p) => p.state === "open").sort((a, b) => a.experiment.n - b.experiment.n);
  const inPhase = (phase) => open.filter((p) => p.experiment.phase === phase);
  const judged = decided.filter((e) => !isRemeasure(e.state));
  const count = (status) => judged.filter((e) => e.state.verdict.status === status).length;
  const noise = noiseFloor(experiments);
  const best = bestKept(experiments);
  return {
    repo: input.repo,
    tag: input.run.tag,
    status: input.run.status,
    branch: input.run.branch,
    dashboard: input.dashboard,
    started_at: input.run.started_at,
    started_by: input.run.started_by,
    best: best && best.state.result?.status === "ok" ? {
      pr: best.pr,
      n: best.n,
      description: best.state.description,
      val_bpb: best.state.result.val_bpb,
      commit: trainedSha(best.state).slice(0, 7)
    } : null,
    counts: {
      decided: judged.length,
      kept: count("keep"),
      discarded: count("discard"),
      crashed: count("crash"),
      rejected: tracked.filter((p) => p.experiment.phase === "rejected").length,
      in_flight: inPhase("training").length,
      queued: inPhase("queued").length
    },
    noise_floor: noise,
    in_flight: inPhase("training").map((p) => ({
      pr: p.number,
      n: p.experiment.n,
      description: p.experiment.description,
      attempts: p.experiment.attempts,
      minutes_since_dispatch: minutesSince(p.experiment.dispatched_at, input.now)
    })),
    queued: inPhase("queued").map((p) => ({
      pr: p.number,
      n: p.experiment.n,
      description: p.experiment.description
    })),
    not_yet_adopted: input.pulls.filter((p) => p.experiment === null && p.state === "open").map((p) => ({ pr: p.number, title: p.title })),
    last_verdicts: decided.slice(-(input.lastVerdicts ?? LAST_VERDICTS)).reverse().map(({ pr, n: n2, state }) => ({
      pr,
      n: n2,
      description: state.description,
      status: state.verdict.status,
      val_bpb: state.verdict.status === "crash" ? null : state.result?.val_bpb ?? null,
      delta: state.verdict.delta,
      reason: state.verdict.reason
    })),
    notes: input.run.notes.slice(-LAST_NOTES)
  };
}
function formatStatusReport(report) {
  const c = report.counts;
  const lines = [
    `Run ${report.tag} in ${report.repo}: ${report.status}${STATUS_HINTS[report.status]}`,
    field("dashboard", `#${report.dashboard.number} ${report.dashboard.url}`),
    field("branch", `${report.branch} (started ${report.started_at} by ${report.started_by})`),
    field(
      "best",
      report.best ? `val_bpb ${formatBpb(report.best.val_bpb)}: ${oneLine(report.best.description)} (#${report.best.pr}, ${report.best.commit})` : "nothing kept yet"
    ),
    field(
      "decided",
      `${c.decided}: ${c.kept} kept, ${c.discarded} discarded, ${c.crashed} crashed` + (c.rejected > 0 ? `; ${c.rejected} closed without training` : "")
    ),
    ...report.noise_floor ? [field("noise", noiseFloorText(report.noise_floor))] : [],
    ...list(
      "in flight",
      report.in_flight.map(
        (e) => `#${e.pr} ${oneLine(e.description)} (attempt ${e.attempts}${e.minutes_since_dispatch === null ? "" : `, dispatched ${e.minutes_since_dispatch} min ago`})`
      )
    ),
    ...list(
      "queued",
      report.queued.map((e) => `#${e.pr} ${oneLine(e.description)}`)
    )
  ];
  if (report.not_yet_adopted.length > 0) {
    lines.push(
      ...list(
        "arriving",
        report.not_yet_adopted.map(
          (p) => `#${p.pr} ${oneLine(p.title)} (pushed, the app checks and queues it next)`
        )
      )
    );
  }
  if (report.last_verdicts.length > 0) {
    lines.push("", "Last verdicts, newest first:");
    for (const v of report.last_verdicts) {
      const bpb = v.val_bpb === null ? "\u2014" : formatBpb(v.val_bpb);
      const delta = v.delta === null ? "" : ` (${formatDelta(v.delta)})`;
      lines.push(`  #${v.pr} ${v.status} ${bpb}${delta} ${oneLine(v.description)}`);
      lines.push(`      ${oneLine(v.reason)}`);
    }
  }
  if (report.notes.length > 0) {
    lines.push("", "Recent events:", ...report.notes.map((n2) => `  - ${oneLine(n2)}`));
  }
  return lines.join("\n");
}
function field(label, value) {
  return `  ${label.padEnd(LABEL_WIDTH)}${value}`;
}
function list(label, items) {
  if (items.length === 0) return [field(label, "none")];
  return items.map((item, i) => field(i === 0 ? label : "", item));
}
function oneLine(text) {
  return text.replace(/\s+/g, " ").trim();
}
function trainedSha(state) {
  const tested = state.result?.head_sha;
  return tested && tested !== "unknown" ? tested : state.head_sha;
}
function minutesSince(iso, now) {
  if (!iso) return null;
  const ms = Date.parse(now) - Date.parse(iso);
  return Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 6e4)) : null;
}
var LAST_VERDICTS, LAST_NOTES, LABEL_WIDTH, STATUS_HINTS;
var init_status_report = __esm({
  "src/cli/status-report.ts"() {
    "use strict";
    init_digest();
    init_noise();
    init_schedule();
    LAST_VERDICTS = 5;
    LAST_NOTES = 3;
    LABEL_WIDTH = 11;
    STATUS_HINTS = {
      running: "",
      paused: " (nothing new is dispatched until `autoresearch resume`)",
      stopped: " (the run is over; its PRs and ledger stay)"
    };
  }
});

// src/cli/status-command.ts
var status_command_exports = {};
__export(status_command_exports, {
  statusCommand: () => statusCommand
});
async function statusCommand(session, cli, io) {
  const dashboard = await requireRun(session, cli.target.tag);
  const pulls = await listRunPulls(session.gh, dashboard.run.branch, session.root);
  const report = buildStatusReport({
    repo: session.fullName,
    run: dashboard.run,
    dashboard: { number: dashboard.number, url: issueUrl(session, dashboard.number) },
    pulls,
    now: (/* @__PURE__ */ new Date()).toISOString()
  });
  io.out(cli.format === "json" ? JSON.stringify(report, null, 2) : formatStatusReport(report));
  return EXIT.ok;
}
var init_status_command = __esm({
  "src/cli/status-command.ts"() {
    "use strict";
    init_experiment_pulls();
    init_exit_codes();
    init_github_session();
    init_status_report();
  }
});

// src/core/diff-stats.ts
function pathsOutside(files, allowed) {
  const ok = new Set(allowed);
  return files.filter((path) => !ok.has(path));
}
var init_diff_stats = __esm({
  "src/core/diff-stats.ts"() {
    "use strict";
  }
});

// src/core/config-text.ts
import { Parser, parseDocument } from "yaml";
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
  const at = error.linePos?.[0];
  const where = at ? `line ${at.line}, column ${at.col}` : "the file";
  let reason = firstLine2(error.message).replace(/ at line \d+, column \d+:?$/, "");
  if (error.code === "RESOURCE_EXHAUSTION" || /call stack/i.test(reason)) {
    reason = tooDeep;
  }
  const after = more > 0 ? ` (and ${more} more problem(s) after it)` : "";
  return { path: "", message: `not valid YAML at ${where}: ${reason}${after}` };
}
function unreadable(error) {
  const reason = error instanceof Error ? firstLine2(error.message) : String(error);
  if (/alias count/i.test(reason)) {
    return `the file expands YAML aliases more than ${CONFIG_TEXT_LIMITS.maxAliasCount} times (an alias bomb?): write the values out instead of repeating anchors`;
  }
  return `not readable as YAML: ${reason}`;
}
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
function firstLine2(message) {
  return message.split("\n", 1)[0].trim();
}
var CONFIG_TEXT_LIMITS, tooDeep;
var init_config_text = __esm({
  "src/core/config-text.ts"() {
    "use strict";
    init_config();
    CONFIG_TEXT_LIMITS = {
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
    tooDeep = `the file nests more than ${CONFIG_TEXT_LIMITS.maxDepth} levels deep: a config needs at most three`;
  }
});

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
var init_config_file = __esm({
  "src/github/config-file.ts"() {
    "use strict";
    init_config();
    init_config_text();
    init_repo();
  }
});

// src/cli/propose-command.ts
var propose_command_exports = {};
__export(propose_command_exports, {
  proposeCommand: () => proposeCommand2
});
import { readFile } from "node:fs/promises";
async function proposeCommand2(session, cli, io) {
  const { gh, fullName } = session;
  const content = await readLocalFile(cli.file);
  const dashboard = await requireRun(session, cli.target.tag);
  const run = dashboard.run;
  if (run.status === "stopped") {
    throw failedError(
      `run "${run.tag}" is stopped: the app takes no more experiments for it. Start a new run with \`autoresearch start --repo ${fullName} --tag <new tag>\``
    );
  }
  await checkAllowedPath(session, cli.path);
  const head = await branchSha(gh, run.branch);
  if (head === null) {
    throw failedError(
      `the run branch ${run.branch} is gone from ${fullName}: nothing can be trained on it (see the dashboard ${issueUrl(session, dashboard.number)})`
    );
  }
  if (await readTextFile(gh, cli.path, head) === content) {
    throw usageError(
      `${cli.path} on ${run.branch} is already exactly ${cli.file}: change the file, then propose it`
    );
  }
  const branch = `${runBranch(run.tag)}${EXPERIMENT_SEPARATOR}${cli.slug}`;
  const taken = () => failedError(
    `the branch ${branch} already exists in ${fullName}: name this experiment differently with --name <slug>, or change --message`
  );
  if (await branchSha(gh, branch) !== null) throw taken();
  const sha = await commitFiles(gh, head, { [cli.path]: content }, cli.message);
  try {
    await createBranch(gh, branch, sha);
  } catch (error) {
    if (isStatus(error, 422)) throw taken();
    throw error;
  }
  io.out(
    `Pushed ${cli.path} as ${branch} (commit ${sha.slice(0, 7)} on ${run.branch} at ${head.slice(0, 7)}).`
  );
  io.out(
    `Next: the app opens a PR into ${run.branch}, checks that only allowed paths change, queues it and trains it on the next free runner; the verdict (keep, discard or crash) lands on the PR and on the dashboard ${issueUrl(session, dashboard.number)}.`
  );
  if (run.status === "paused") {
    io.err(
      `note: run "${run.tag}" is paused: the experiment is queued, but nothing trains until \`autoresearch resume --repo ${fullName} --tag ${run.tag}\`.`
    );
  }
  if (cli.waitSeconds > 0) await waitForPull(session, branch, cli.waitSeconds, io);
  io.out(`Follow it with \`autoresearch status --repo ${fullName} --tag ${run.tag}\`.`);
  return EXIT.ok;
}
async function readLocalFile(file) {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = error.code ?? String(error);
    throw usageError(`cannot read --file ${file} (${code}): pass the path of your edited file`);
  }
}
async function checkAllowedPath(session, path) {
  const config = await loadConfig(session.gh);
  if (!config.ok) return;
  const allowed = config.config.allowedPaths;
  if (pathsOutside([path], allowed).length > 0) {
    throw usageError(
      `--path ${path} is not one of the paths experiments may change (allowedPaths: ${allowed.join(", ")}): the app would close the PR without training it. Use --path ${allowed[0] ?? "train.py"}`
    );
  }
}
async function waitForPull(session, branch, seconds2, io) {
  const started = Date.now();
  try {
    for (; ; ) {
      const pr = await findOpenPull(session.gh, branch);
      if (pr !== null) {
        io.endProgress();
        io.out(`PR #${pr}: ${session.htmlUrl}/pull/${pr}`);
        return;
      }
      const waited = (Date.now() - started) / 1e3;
      if (waited >= seconds2) break;
      io.progress(`Waiting for the app to open the PR\u2026 ${Math.floor(waited)}s of ${seconds2}s`);
      await new Promise((resolve) => setTimeout(resolve, 1e3));
    }
  } finally {
    io.endProgress();
  }
  throw failedError(
    `the branch ${branch} is pushed, but the app opened no PR for it within ${seconds2}s: the app may not be installed on ${session.fullName} (with the push event), or not running. The branch stays; once the app runs, push to it again or open the PR into the run branch yourself.`
  );
}
var init_propose_command = __esm({
  "src/cli/propose-command.ts"() {
    "use strict";
    init_diff_stats();
    init_experiment_branch();
    init_config_file();
    init_experiment_pulls();
    init_repo();
    init_sticky_comment();
    init_exit_codes();
    init_github_session();
  }
});

// src/core/chart.ts
function renderProgressSvg(rows, opts = {}) {
  const width = dimension(opts.width, DEFAULT_SIZE.width, MIN_SIZE.width);
  const height = dimension(opts.height, DEFAULT_SIZE.height, MIN_SIZE.height);
  const points = rows.filter((row) => row.status !== "crash").map((row, index) => ({ index, row }));
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
  const kept = rows.filter((row) => row.status === "keep").length;
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
function place(cx, cy, length, spot) {
  const anchor = { x: cx + spot.dx * LABEL_GAP, y: cy + spot.dy * LABEL_GAP };
  const rad = spot.angle * Math.PI / 180;
  const run = { x: Math.cos(rad) * length, y: Math.sin(rad) * length };
  const other = {
    x: anchor.x + (spot.anchor === "start" ? run.x : -run.x),
    y: anchor.y + (spot.anchor === "start" ? run.y : -run.y)
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
  const row = (i) => box.y0 + 18 + i * 20;
  const items = [
    `<circle cx="${n(x)}" cy="${n(row(0))}" r="3" fill="${COLOR.discarded}"/>`,
    `<text x="${n(x + 16)}" y="${n(row(0) + 4)}">Discarded</text>`,
    `<circle cx="${n(x)}" cy="${n(row(1))}" r="6" fill="${COLOR.kept}" stroke="${COLOR.keptEdge}"/>`,
    `<text x="${n(x + 16)}" y="${n(row(1) + 4)}">Kept</text>`,
    `<line x1="${n(x - 9)}" y1="${n(row(2))}" x2="${n(x + 9)}" y2="${n(row(2))}" stroke="${COLOR.best}" stroke-width="2"/>`,
    `<text x="${n(x + 16)}" y="${n(row(2) + 4)}">Running best</text>`
  ];
  if (withClipped) {
    items.push(
      `<path d="M${n(x)} ${n(row(3) - 3)}l3.5 6h-7z" fill="${COLOR.discarded}"/>`,
      `<text x="${n(x + 16)}" y="${n(row(3) + 4)}">Discarded, off scale</text>`
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
var DEFAULT_SIZE, MIN_SIZE, MARGIN, FONT, COLOR, LABEL_MAX, LABEL_FONT, LABEL_CHAR_WIDTH, LABEL_GAP, MIN_Y_PAD, OUTLIER_SPANS, MIN_OUTLIER_GAP, LABEL_SPOTS, MAX_LABEL_OVERLAPS;
var init_chart = __esm({
  "src/core/chart.ts"() {
    "use strict";
    DEFAULT_SIZE = { width: 1200, height: 600 };
    MIN_SIZE = { width: 480, height: 320 };
    MARGIN = { top: 56, right: 24, bottom: 64, left: 88 };
    FONT = "Helvetica, Arial, sans-serif";
    COLOR = {
      text: "#222222",
      axis: "#444444",
      grid: "#e6e6e6",
      discarded: "#b3b3b3",
      kept: "#2ecc71",
      keptEdge: "#1e8449",
      best: "#27ae60",
      label: "#1a7a3a"
    };
    LABEL_MAX = 28;
    LABEL_FONT = 11;
    LABEL_CHAR_WIDTH = 6.2;
    LABEL_GAP = 7;
    MIN_Y_PAD = 3e-4;
    OUTLIER_SPANS = 3;
    MIN_OUTLIER_GAP = 0.01;
    LABEL_SPOTS = [
      { dx: 1, dy: -1, angle: -30, anchor: "start" },
      { dx: -1, dy: 1, angle: -30, anchor: "end" },
      { dx: -1, dy: -1, angle: 30, anchor: "end" }
    ];
    MAX_LABEL_OVERLAPS = 0;
  }
});

// src/core/train-constants.ts
var DIGITS, NUMBER, POWER, ASSIGNMENT;
var init_train_constants = __esm({
  "src/core/train-constants.ts"() {
    "use strict";
    DIGITS = String.raw`\d(?:_?\d)*`;
    NUMBER = String.raw`(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?`;
    POWER = String.raw`2[ \t]*\*\*[ \t]*\d+`;
    ASSIGNMENT = new RegExp(
      String.raw`^([A-Z][A-Z0-9_]*)([ \t]*=[ \t]*)(${POWER}|${NUMBER})([ \t]*)(#[^\r]*)?(\r?)$`
    );
  }
});

// src/core/sweep.ts
var init_sweep = __esm({
  "src/core/sweep.ts"() {
    "use strict";
    init_train_constants();
  }
});

// src/core/variant-id.ts
var init_variant_id = __esm({
  "src/core/variant-id.ts"() {
    "use strict";
  }
});

// src/core/sweep-proposer.ts
var init_sweep_proposer = __esm({
  "src/core/sweep-proposer.ts"() {
    "use strict";
    init_sweep();
    init_train_constants();
    init_variant_id();
  }
});

// src/core/dashboard.ts
var init_dashboard = __esm({
  "src/core/dashboard.ts"() {
    "use strict";
    init_digest();
    init_noise();
    init_sweep_proposer();
  }
});

// src/core/dashboard-pace.ts
var init_dashboard_pace = __esm({
  "src/core/dashboard-pace.ts"() {
    "use strict";
  }
});

// src/core/sweep-history.ts
var init_sweep_history = __esm({
  "src/core/sweep-history.ts"() {
    "use strict";
    init_variant_id();
  }
});

// src/templates/dashboard.hbs
var dashboard_default;
var init_dashboard2 = __esm({
  "src/templates/dashboard.hbs"() {
    dashboard_default = "{{!-- The run block comes first: readers take the first match, so no description below can fake it. --}}\n{{runBlock}}\n# autoresearch run {{code tag}}\n\n**Status:** {{statusNote}}. Run branch {{code branch}}.\n\n{{#if best}}\n**Best so far:** val_bpb **{{best.valBpb}}**, {{text best.description}} (#{{best.pr}}, {{code best.sha7}})\n{{else}}\n**Best so far:** nothing measured yet\n{{/if}}\n\n**Experiments:** {{counts.decided}} decided, {{counts.kept}} kept, {{counts.discarded}} discarded, {{counts.crashed}} crashed (keep rate {{counts.keepRate}})\n{{#if sweepNote}}\n\n**Sweep:** {{sweepNote}}.\n{{/if}}\n{{#if noiseNote}}\n\n**Noise floor:** {{noiseNote}}.\n{{/if}}\n{{#if alerts.length}}\n\n> [!WARNING]\n{{#each alerts}}\n> - {{text this}}\n{{/each}}\n{{/if}}\n{{#if chartUrl}}\n\n![progress]({{chartUrl}})\n{{/if}}\n\n## In flight\n\n{{#if inFlight.length}}\n| # | PR | description | phase | dispatched |\n| --- | --- | --- | --- | --- |\n{{#each inFlight}}\n| {{n}} | #{{pr}} | {{cell description}} | {{phase}} | {{since}} |\n{{/each}}\n{{else}}\nNothing is training right now.\n{{/if}}\n{{#if queued.length}}\n\nQueued, waiting for a free GPU: {{#each queued}}#{{pr}}{{#unless @last}}, {{/unless}}{{/each}}\n{{/if}}\n{{#if unlisted}}\n\n\u2026and {{unlisted}} more in flight or queued, not listed here.\n{{/if}}\n\n## Last experiments\n\n{{#if recent.length}}\n| # | PR | description | val_bpb | \u0394 | status |\n| --- | --- | --- | --- | --- | --- |\n{{#each recent}}\n| {{n}} | #{{pr}} | {{cell description}} | {{valBpb}} | {{delta}} | {{status}} |\n{{/each}}\n{{else}}\nNo experiment has been decided yet.\n{{/if}}\n{{#if notes.length}}\n\n## Recent events\n\n{{#each notes}}\n- {{text this}}\n{{/each}}\n{{/if}}\n\n## Ledger\n\n{{#if ledgerUrl}}\n[`results.tsv`]({{ledgerUrl}}), one row per decided experiment.\n{{/if}}\n{{#if ledgerNote}}\n{{ledgerNote}}.\n{{/if}}\n{{#if ledger}}\n{{#if ledger.omittedRows}}\n\nThe oldest {{ledger.omittedRows}} rows are left out to stay within GitHub's issue size limit; `autoresearch results --rebuild` regenerates the full `results.tsv` from the PR trail.\n{{/if}}\n\n{{ledgerBlock}}\n{{/if}}\n\n<sub>Commands (comment here): `/autoresearch pause`, `/autoresearch resume`, `/autoresearch stop`, `/autoresearch status`, `/autoresearch rebuild`.</sub>\n";
  }
});

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
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${lang}
${text.replace(/\n+$/, "")}
${fence}`;
}
function escapeHtml(text) {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
var init_compile_template = __esm({
  "src/views/compile-template.ts"() {
    "use strict";
  }
});

// src/views/dashboard.ts
var render;
var init_dashboard3 = __esm({
  "src/views/dashboard.ts"() {
    "use strict";
    init_dashboard();
    init_run_state();
    init_dashboard2();
    init_compile_template();
    render = compileTemplate(dashboard_default);
  }
});

// src/templates/pr-body.hbs
var pr_body_default;
var init_pr_body = __esm({
  "src/templates/pr-body.hbs"() {
    pr_body_default = "{{text description}}\n\n| | |\n| --- | --- |\n| experiment | #{{n}} of run {{code tag}} |\n| proposed by | {{source}} |\n| change | {{change}} |\n| compared against | {{comparedAgainst}} |\n\n<sub>autoresearch-bot trains this PR on a GPU runner, then keeps it (merge) when its val_bpb beats the run's best or discards it (close: the diff stays here). To train it again, add the {{code rerunLabel}} label.</sub>\n";
  }
});

// src/views/pr-body.ts
var render2;
var init_pr_body2 = __esm({
  "src/views/pr-body.ts"() {
    "use strict";
    init_config();
    init_digest();
    init_state_block();
    init_pr_body();
    init_compile_template();
    render2 = compileTemplate(pr_body_default);
  }
});

// src/app/run-view.ts
var init_run_view = __esm({
  "src/app/run-view.ts"() {
    "use strict";
  }
});

// src/app/open-experiment.ts
var init_open_experiment = __esm({
  "src/app/open-experiment.ts"() {
    "use strict";
    init_diff_stats();
    init_experiment_branch();
    init_schedule();
    init_state_block();
    init_sweep();
    init_sweep_history();
    init_sweep_proposer();
    init_variant_id();
    init_experiment_pulls();
    init_repo();
    init_sticky_comment();
    init_pr_body2();
    init_run_view();
  }
});

// src/app/record-run.ts
var LEDGER_FILE;
var init_record_run = __esm({
  "src/app/record-run.ts"() {
    "use strict";
    init_chart();
    init_dashboard();
    init_dashboard_pace();
    init_noise();
    init_results_tsv();
    init_schedule();
    init_sweep_history();
    init_sweep_proposer();
    init_run_issues();
    init_dashboard3();
    init_open_experiment();
    init_run_view();
    LEDGER_FILE = "results.tsv";
  }
});

// src/cli/ledger-source.ts
async function readLedger(session, dashboard, rebuild) {
  if (rebuild) return fromTrail(session, dashboard, []);
  const run = dashboard.run;
  if (run.ledger === "gist" && run.gist_id) {
    const stored = await readGist(session, run.gist_id);
    if ("problem" in stored) return fromTrail(session, dashboard, [stored.problem]);
    return {
      rows: parseStored(stored.tsv, `gist ${run.gist_id}`),
      source: stored.url,
      warnings: []
    };
  }
  const where = `the dashboard ${issueUrl(session, dashboard.number)}`;
  const tsv = readLedgerSection(dashboard.body);
  if (tsv === null) {
    return fromTrail(session, dashboard, [`${where} has no ledger section yet`]);
  }
  const omitted = /The oldest (\d+) rows are left out/.exec(dashboard.body);
  const warnings = omitted ? [
    `${where} leaves out the oldest ${omitted[1]} rows (GitHub's issue size limit): use --rebuild for all of them`
  ] : [];
  return { rows: parseStored(tsv, where), source: where, warnings };
}
async function fromTrail(session, dashboard, warnings) {
  const pulls = await listRunPulls(session.gh, dashboard.run.branch, session.root);
  const rows = ledgerRows(
    pulls.flatMap(
      (p) => p.experiment ? [{ n: p.experiment.n, pr: p.number, state: p.experiment }] : []
    )
  );
  const source = `the PR trail of ${dashboard.run.branch} (${pulls.length} PRs)`;
  return {
    rows,
    source,
    warnings: warnings.map((w) => `${w}: rebuilt from the PR trail instead`)
  };
}
async function readGist(session, id) {
  try {
    const { data } = await session.gh.octokit.rest.gists.get({ gist_id: id });
    const file = data.files?.[LEDGER_FILE];
    if (!file || typeof file.content !== "string") {
      return { problem: `gist ${id} has no ${LEDGER_FILE}` };
    }
    if (file.truncated) return { problem: `gist ${id} sent ${LEDGER_FILE} truncated` };
    return { tsv: file.content, url: data.html_url ?? `gist ${id}` };
  } catch (error) {
    const status = typeof error === "object" && error !== null && "status" in error ? error.status : "?";
    return { problem: `could not read gist ${id} (HTTP ${String(status)})` };
  }
}
function parseStored(tsv, where) {
  try {
    return parseResults(tsv);
  } catch (error) {
    if (error instanceof ResultsFormatError) {
      throw failedError(
        `the results.tsv in ${where} is malformed (${error.message}): run again with --rebuild to rebuild it from the PR trail`,
        error
      );
    }
    throw error;
  }
}
function formatLedger(rows, format) {
  if (format === "tsv") return serializeResults(rows);
  const json = rows.map((r) => ({
    commit: r.commit,
    val_bpb: r.valBpb,
    memory_gb: Number(r.memoryGb.toFixed(1)),
    status: r.status,
    description: r.description
  }));
  return `${JSON.stringify(json, null, 2)}
`;
}
var init_ledger_source = __esm({
  "src/cli/ledger-source.ts"() {
    "use strict";
    init_record_run();
    init_results_tsv();
    init_run_state();
    init_schedule();
    init_experiment_pulls();
    init_exit_codes();
    init_github_session();
  }
});

// src/cli/results-command.ts
var results_command_exports = {};
__export(results_command_exports, {
  resultsCommand: () => resultsCommand
});
async function resultsCommand(session, cli, io) {
  const dashboard = await requireRun(session, cli.target.tag);
  const ledger = await readLedger(session, dashboard, cli.rebuild);
  for (const warning of ledger.warnings) io.err(`warning: ${warning}`);
  io.err(`${ledger.rows.length} rows from ${ledger.source}`);
  io.out(formatLedger(ledger.rows, cli.format).trimEnd());
  return EXIT.ok;
}
var init_results_command = __esm({
  "src/cli/results-command.ts"() {
    "use strict";
    init_exit_codes();
    init_github_session();
    init_ledger_source();
  }
});

// src/cli/chart-command.ts
var chart_command_exports = {};
__export(chart_command_exports, {
  chartCommand: () => chartCommand
});
import { writeFile } from "node:fs/promises";
async function chartCommand(session, cli, io) {
  const dashboard = await requireRun(session, cli.target.tag);
  const ledger = await readLedger(session, dashboard, cli.rebuild);
  for (const warning of ledger.warnings) io.err(`warning: ${warning}`);
  const svg = renderProgressSvg(ledger.rows, { width: cli.width, height: cli.height });
  if (cli.out === "-") {
    io.out(svg.trimEnd());
    return EXIT.ok;
  }
  try {
    await writeFile(cli.out, svg);
  } catch (error) {
    throw usageError(
      `cannot write --out ${cli.out} (${error.code ?? String(error)}): pick a path in a directory you can write`
    );
  }
  const kept = ledger.rows.filter((r) => r.status === "keep").length;
  io.out(
    `Wrote ${cli.out}: ${ledger.rows.length} experiments, ${kept} kept (from ${ledger.source})`
  );
  return EXIT.ok;
}
var init_chart_command = __esm({
  "src/cli/chart-command.ts"() {
    "use strict";
    init_chart();
    init_exit_codes();
    init_github_session();
    init_ledger_source();
  }
});

// src/cli/cli-io.ts
function processIo() {
  const tty = process.stderr.isTTY === true;
  let showing = false;
  let printedOnce = false;
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}
`),
    err: (text) => {
      if (showing) process.stderr.write("\n");
      showing = false;
      process.stderr.write(text.endsWith("\n") ? text : `${text}
`);
    },
    progress: (text) => {
      if (tty) {
        process.stderr.write(`\r\x1B[2K${text}`);
        showing = true;
      } else if (!printedOnce) {
        process.stderr.write(`${text}
`);
      }
      printedOnce = true;
    },
    endProgress: () => {
      if (showing) process.stderr.write("\r\x1B[2K");
      showing = false;
      printedOnce = false;
    }
  };
}

// src/cli/main.ts
init_command_specs();
init_exit_codes();

// src/cli/explain-failure.ts
init_exit_codes();
function explainFailure(error, apiUrl) {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401) {
    return failed(
      `GitHub rejected GITHUB_TOKEN (401 ${message}): it is wrong or expired. Create a new token and export it as GITHUB_TOKEN`
    );
  }
  if ((status === 403 || status === 429) && /rate limit/i.test(message)) {
    return failed(`GitHub's rate limit was hit (${message}): try again after it resets`);
  }
  if (status === 403) {
    return failed(
      `GitHub refused the request (403 ${message}): the token needs write access to the repository's issues, pull requests and contents (a classic token: the repo scope)`
    );
  }
  if (status === 404) {
    return { exitCode: EXIT.notFound, message: `GitHub answered 404 (${message})` };
  }
  if (status !== null) return failed(`GitHub answered ${status}: ${message}`);
  if (isNetworkError(error)) {
    return failed(
      `could not reach GitHub at ${apiUrl} (${rootCause(error)}): check your network, and GITHUB_API_URL if you set it`
    );
  }
  return failed(message);
}
var failed = (message) => ({ exitCode: EXIT.failed, message });
function httpStatus(error) {
  if (typeof error !== "object" || error === null || !("status" in error)) return null;
  const status = Number(error.status);
  return Number.isInteger(status) && status >= 100 && !isNetworkError(error) ? status : null;
}
function isNetworkError(error) {
  const text = causes(error).join(" ");
  return /fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|UND_ERR|bad port/i.test(
    text
  );
}
function rootCause(error) {
  return causes(error).at(-1) ?? String(error);
}
function causes(error) {
  const found = [];
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = current.code;
    found.push(
      code && !current.message.includes(code) ? `${current.message} (${code})` : current.message
    );
    current = current.cause;
  }
  return found;
}

// src/cli/parse-cli.ts
init_config();
init_experiment_branch();
init_command_specs();
init_exit_codes();
import { basename } from "node:path";
import { parseArgs } from "node:util";
function parseCli(argv, env = {}) {
  const [first, ...rest] = argv;
  if (first === void 0 || first === "--help" || first === "-h") {
    return { kind: "help", text: mainHelp() };
  }
  if (first === "help") {
    const topic = rest[0];
    return {
      kind: "help",
      text: topic === void 0 ? mainHelp() : commandHelp(commandName(topic))
    };
  }
  const name = commandName(first);
  const values = parseOptions(name, rest);
  if (values.help) return { kind: "help", text: commandHelp(name) };
  const target = runTarget(name, values, env);
  return { kind: "run", cli: buildCommand(name, target, values) };
}
function commandName(word) {
  const known = COMMAND_NAMES.find((n2) => n2 === word);
  if (known) return known;
  if (word.startsWith("-")) {
    throw usageError(
      `${word} comes before a command: put the command first, e.g. \`autoresearch status ${word} \u2026\` (commands: ${COMMAND_NAMES.join(", ")})`
    );
  }
  const guess = closestKey(word, COMMAND_NAMES);
  throw usageError(
    `unknown command "${word}"${guess ? `: did you mean \`${guess}\`?` : ""} (commands: ${COMMAND_NAMES.join(", ")}; see \`autoresearch --help\`)`
  );
}
function parseOptions(name, args) {
  const options = Object.fromEntries(
    Object.entries(COMMAND_SPECS[name].options).map(([key, o]) => [
      key,
      o.short ? { type: o.type, short: o.short } : { type: o.type }
    ])
  );
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw usageError(`${firstLine(message)}: see \`autoresearch ${name} --help\``);
  }
}
function firstLine(message) {
  return message.split("\n")[0].replace(/\.$/, "");
}
var OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
var REPO = /^[A-Za-z0-9._-]{1,100}$/;
function parseRepo(text) {
  const parts = text.split("/");
  if (parts.length !== 2) return null;
  const [owner, repo] = parts;
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === "." || repo === "..") return null;
  return { owner, repo };
}
function runTarget(name, values, env) {
  const repoText = str(values.repo) ?? (env.GITHUB_REPOSITORY || void 0);
  if (repoText === void 0) {
    throw usageError(
      `--repo is missing: say which repository, e.g. \`autoresearch ${name} --repo acme/research --tag nov26\` (or set GITHUB_REPOSITORY)`
    );
  }
  const repo = parseRepo(repoText);
  if (!repo) {
    throw usageError(
      `--repo "${repoText}" is not owner/name: pass the repository as on GitHub, e.g. --repo acme/research`
    );
  }
  const tag = str(values.tag);
  if (tag === void 0) {
    throw usageError(
      `--tag is missing: name the run, e.g. \`autoresearch ${name} --repo ${repoText} --tag nov26\``
    );
  }
  const problem = validateTag(tag);
  if (problem) throw usageError(`--tag: ${problem}`);
  return { ...repo, tag };
}
function buildCommand(name, target, values) {
  switch (name) {
    case "start":
    case "stop":
    case "pause":
    case "resume":
      return { command: name, target, waitSeconds: seconds(values.wait, DEFAULT_WAIT_SECONDS) };
    case "status":
      return { command: name, target, format: choice(values.format, ["text", "json"]) };
    case "results":
      return {
        command: name,
        target,
        rebuild: values.rebuild === true,
        format: choice(values.format, ["tsv", "json"])
      };
    case "chart":
      return {
        command: name,
        target,
        rebuild: values.rebuild === true,
        out: str(values.out) ?? "progress.svg",
        width: pixels("width", values.width),
        height: pixels("height", values.height)
      };
    case "propose":
      return proposeCommand(target, values);
  }
}
function proposeCommand(target, values) {
  const file = str(values.file);
  if (file === void 0) {
    throw usageError(
      "--file is missing: pass the local file with the new content, e.g. --file train.py"
    );
  }
  const message = str(values.message)?.trim();
  if (!message) {
    throw usageError(
      '--message is missing: say in one line what the experiment tries, e.g. --message "increase LR to 0.04"'
    );
  }
  const path = str(values.path) ?? basename(file);
  if (path.startsWith("/") || path.split("/").includes("..") || path === "") {
    throw usageError(
      `--path "${path}" is not a path inside the repository: use one like train.py or src/train.py`
    );
  }
  return {
    command: "propose",
    target,
    file,
    path,
    message,
    slug: proposalSlug(str(values.name) ?? message),
    waitSeconds: seconds(values.wait, 0)
  };
}
function proposalSlug(text) {
  const slug = slugify(text);
  return /^\d+(-|$)/.test(slug) ? `x-${slug}` : slug;
}
function str(value) {
  return typeof value === "string" ? value : void 0;
}
function seconds(value, fallback) {
  const text = str(value);
  if (text === void 0) return fallback;
  const n2 = Number(text);
  if (text.trim() === "" || !Number.isFinite(n2) || n2 < 0 || n2 > 3600) {
    throw usageError(`--wait "${text}" is not a number of seconds from 0 to 3600, e.g. --wait 120`);
  }
  return n2;
}
function pixels(flag, value) {
  const text = str(value);
  if (text === void 0) return void 0;
  const n2 = Number(text);
  if (!Number.isInteger(n2) || n2 < 100 || n2 > 1e4) {
    throw usageError(`--${flag} "${text}" is not a whole number of pixels from 100 to 10000`);
  }
  return n2;
}
function choice(value, allowed) {
  const text = str(value);
  if (text === void 0) return allowed[0];
  const found = allowed.find((a) => a === text);
  if (found) return found;
  throw usageError(`--format "${text}" is not one of ${allowed.join(", ")}`);
}

// src/cli/main.ts
async function main(argv, env, io = processIo()) {
  try {
    const parsed = parseCli(argv, env);
    if (parsed.kind === "help") {
      io.out(parsed.text);
      return EXIT.ok;
    }
    const { octokitFromEnv: octokitFromEnv2, openRepository: openRepository2 } = await Promise.resolve().then(() => (init_github_session(), github_session_exports));
    const log2 = { info: () => {
    }, warn: (m) => io.err(`autoresearch: ${m}`) };
    const session = await openRepository2(octokitFromEnv2(env, log2), parsed.cli.target);
    return await dispatch(parsed.cli, session, io);
  } catch (error) {
    io.endProgress();
    const failure = explainFailure(error, env.GITHUB_API_URL || DEFAULT_API_URL);
    io.err(`autoresearch: ${failure.message}`);
    return failure.exitCode;
  }
}
async function dispatch(cli, session, io) {
  switch (cli.command) {
    case "start":
      return (await Promise.resolve().then(() => (init_start_command(), start_command_exports))).startCommand(session, cli, io);
    case "stop":
    case "pause":
    case "resume":
      return (await Promise.resolve().then(() => (init_control_command(), control_command_exports))).controlCommand(session, cli, io);
    case "status":
      return (await Promise.resolve().then(() => (init_status_command(), status_command_exports))).statusCommand(session, cli, io);
    case "propose":
      return (await Promise.resolve().then(() => (init_propose_command(), propose_command_exports))).proposeCommand(session, cli, io);
    case "results":
      return (await Promise.resolve().then(() => (init_results_command(), results_command_exports))).resultsCommand(session, cli, io);
    case "chart":
      return (await Promise.resolve().then(() => (init_chart_command(), chart_command_exports))).chartCommand(session, cli, io);
  }
}
export {
  main
};
