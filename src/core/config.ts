import * as z from "zod";

/** Where users keep the file, relative to their repository root. */
export const CONFIG_PATH = ".github/autoresearch.yml";

const workflowFile = z
  .string()
  .regex(/^[\w.-]+\.ya?ml$/, "must be a file name in .github/workflows, like autoresearch.yml");

// PR files are matched exactly against these, so a glob would silently match nothing.
const repoPath = z
  .string()
  .min(1, "must not be empty")
  .refine((p) => !/[*?[\]{}!]/.test(p), "must be a plain repo path: globs are not supported")
  .refine(
    (p) => !/^(\/|\.\/)/.test(p),
    "must be relative to the repo root without a leading / or ./",
  )
  .refine((p) => !p.split("/").includes(".."), "must not contain '..'")
  .refine((p) => !p.endsWith("/") && !p.includes("\\"), "must name a file, with / as separator");

const ConfirmSchema = z.strictObject({
  below: z
    .number()
    .min(0)
    .default(0)
    .describe(
      "A would-be keep that beats the best by less than this is trained again before it may keep: small gains are often noise. 0 turns confirmation off.",
    ),
  runs: z
    .number()
    .int()
    .min(1)
    .max(5)
    .default(2)
    .describe(
      "Extra trainings of such a change. It keeps only if the mean of all its runs still beats the best by minImprovement.",
    ),
});

const PolicySchema = z.strictObject({
  preDispatch: z
    .boolean()
    .default(true)
    .describe(
      "Keep one more experiment per GPU runner dispatched ahead, waiting in the Actions queue, so the next training starts the moment one ends (the GPU never waits for the app). An ahead experiment that wins on an older run head is trained again on the new one before it may merge.",
    ),
  minImprovement: z
    .number()
    .min(0)
    .default(0)
    .describe("How much lower val_bpb must be than the best for a change to be kept."),
  simplicityCostPerLine: z
    .number()
    .min(0)
    .default(0.00005)
    .describe(
      "Extra val_bpb gain demanded per net added line: at 0.00005, 20 added lines must buy 0.001. A change that removes lines is kept when val_bpb is no worse.",
    ),
  seedOnly: z
    .enum(["discard", "allow"])
    .default("discard")
    .describe(
      "What to do with a change that only edits a random seed: its gain is noise, so it is discarded unless set to allow.",
    ),
  confirm: ConfirmSchema.default(() => ConfirmSchema.parse({})).describe(
    "The noise gate: small gains are measured again before they are kept.",
  ),
  baselineEvery: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(0)
    .describe(
      "Every this many decided experiments, the run head is trained again unchanged (a PR that is never merged and stays out of results.tsv). The spread of these re-measurements (and of confirm's repeated runs) is the noise floor (median absolute deviation) on the dashboard, and each verdict states its gain in multiples of it. 0 turns it off.",
    ),
});

const LabelsSchema = z.strictObject({
  experiment: z.string().min(1).default("autoresearch").describe("Label on every experiment PR."),
  rerun: z
    .string()
    .min(1)
    .default("autoresearch:rerun")
    .describe("Add it to a PR to train it again; the app removes it at once."),
  keep: z.string().min(1).default("autoresearch:keep").describe("Label on kept (merged) PRs."),
  discard: z
    .string()
    .min(1)
    .default("autoresearch:discard")
    .describe("Label on discarded (closed) PRs."),
  crash: z
    .string()
    .min(1)
    .default("autoresearch:crash")
    .describe("Label on PRs whose training crashed."),
  remeasure: z
    .string()
    .min(1)
    .default("autoresearch:remeasure")
    .describe("Label on re-measurements of the run head (policy.baselineEvery), closed unmerged."),
});

/** The user's `.github/autoresearch.yml`. Every key is optional; unknown keys are errors. */
export const ConfigSchema = z
  .strictObject({
    workflow: workflowFile
      .default("autoresearch.yml")
      .describe(
        "Training workflow in .github/workflows that the app dispatches for each experiment.",
      ),
    proposeWorkflow: workflowFile
      .default("autoresearch-propose.yml")
      .describe("Workflow the app dispatches for new proposals when proposer is agent."),
    allowedPaths: z
      .array(repoPath)
      .min(1, "must list at least one path (usually train.py)")
      .default(["train.py"])
      .describe(
        "The only files an experiment may change (exact repo paths). A PR touching anything else is closed untrained.",
      ),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe("Experiments training at once: the number of GPU runners."),
    queueDepth: z
      .number()
      .int()
      .min(0)
      .max(16)
      .default(1)
      .describe("Proposals kept ready ahead of the GPUs so a runner never waits for the proposer."),
    timeoutMinutes: z
      .number()
      .positive()
      .default(10)
      .describe(
        "An experiment whose run has been on a runner this long (plus 5 minutes of grace) is cancelled and failed as a crash (timeout). Time spent waiting for a runner does not count.",
      ),
    anomalySeconds: z
      .number()
      .positive()
      .default(360)
      .describe("training_seconds above this flags a result as anomalous; it is still decided."),
    queuedAlertMinutes: z
      .number()
      .positive()
      .default(30)
      .describe(
        "An experiment waiting this long for a runner is reported on the dashboard; it keeps waiting and is never cancelled for it.",
      ),
    dashboardEverySeconds: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .default(60)
      .describe(
        "While trainings are in flight, the dashboard's tables are rewritten at most this often (each rewrite costs API requests); a new best, a warning, a status change and the last pass of a burst of work are written at once. 0 rewrites on every pass.",
      ),
    maxInfraRetries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe(
        "Times a run that ended without a result (runner lost, cancelled) is dispatched again before it counts as a crash.",
      ),
    policy: PolicySchema.default(() => PolicySchema.parse({})).describe(
      "How a result is judged against the run's best val_bpb.",
    ),
    mergeMethod: z
      .enum(["squash", "merge", "rebase"])
      .default("squash")
      .describe("How a kept PR is merged into the run branch."),
    deleteBranches: z
      .boolean()
      .default(false)
      .describe(
        "Delete an experiment's branch when its PR is closed. Off by default so a discarded experiment can be re-run.",
      ),
    proposer: z
      .enum(["sweep", "agent", "none"])
      .default("sweep")
      .describe(
        "Who proposes experiments: sweep (built-in hyperparameter sweep), agent (dispatches proposeWorkflow) or none (only pushed branches).",
      ),
    notify: z
      .boolean()
      .default(true)
      .describe(
        "Send each experiment's digest to the chats in NOTIFY_URL (Slack, Discord, Telegram), when set.",
      ),
    resultAuthors: z
      .array(z.string().min(1))
      .default(["github-actions[bot]"])
      .describe("Logins whose PR comments are trusted to carry result markers."),
    labels: LabelsSchema.default(() => LabelsSchema.parse({})).describe(
      "Label names the app uses.",
    ),
  })
  .meta({
    title: "autoresearch-bot configuration",
    description:
      "Settings for autoresearch-bot, read from .github/autoresearch.yml on the default branch. Every key is optional.",
  });

export type Config = z.infer<typeof ConfigSchema>;

export const DEFAULT_CONFIG: Config = ConfigSchema.parse({});

export interface ConfigProblem {
  /** Dotted key path, e.g. `policy.minImprovement`; empty for the file itself. */
  path: string;
  message: string;
}

export type ConfigParse = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

/** Validates the parsed YAML; an empty file (null) means all defaults. */
export function parseConfig(raw: unknown): ConfigParse {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: parsed.error.issues.flatMap(toProblems) };
}

function toProblems(issue: z.core.$ZodIssue): ConfigProblem[] {
  const at = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(at);
    return issue.keys.map((key) => ({
      path: [...at, key].join("."),
      message: unknownKeyMessage(key, known),
    }));
  }
  if (at.length === 0 && issue.code === "invalid_type") {
    return [{ path: "", message: "the file must be a YAML mapping of keys to values" }];
  }
  return [{ path: at.join("."), message: issue.message }];
}

function knownKeys(objectPath: string[]): string[] {
  if (objectPath.length === 0) return Object.keys(ConfigSchema.shape);
  if (objectPath.join(".") === "policy") return Object.keys(PolicySchema.shape);
  if (objectPath.join(".") === "labels") return Object.keys(LabelsSchema.shape);
  return [];
}

function unknownKeyMessage(key: string, known: string[]): string {
  const guess = closestKey(key, known);
  return guess
    ? `unknown key: did you mean ${guess}?`
    : `unknown key: expected one of ${known.join(", ")}`;
}

/** A known key within a small edit distance, to turn typos into a fix. */
export function closestKey(key: string, known: readonly string[]): string | null {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  let best: { key: string; distance: number } | null = null;
  for (const candidate of known) {
    const distance = editDistance(norm(key), norm(candidate));
    if (
      distance <= Math.max(2, Math.floor(candidate.length / 4)) &&
      distance < (best?.distance ?? Infinity)
    ) {
      best = { key: candidate, distance };
    }
  }
  return best?.key ?? null;
}

function editDistance(a: string, b: string): number {
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

/** JSON Schema of the file as users write it (every key optional), for editors and docs. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ConfigSchema, { io: "input" }) as Record<string, unknown>;
}
