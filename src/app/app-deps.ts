import type { Sealer } from "../core/block-seal.js";
import type { DashboardWrite } from "../core/dashboard-pace.js";
import type { HeardComment } from "../core/heard-comments.js";
import type { HeardRun } from "../core/heard-runs.js";
import { Lru } from "../core/lru.js";
import type { TrustRoot } from "../core/trust.js";
import { type RunPullsCache, runPullsCache } from "../github/experiment-pulls.js";
import type { GistStore } from "../github/gist-store.js";
import type { RepoClient } from "../github/repo.js";
import type { LockCommits } from "../github/run-lease.js";
import type { WorkflowRunFacts } from "../github/workflows.js";
import type { Notify } from "./notifier.js";

/** What a log line is about, carried as fields of every line (pino child bindings). */
export interface LogContext {
  /** The run's tag. */
  run?: string;
  /** The experiment PR a line is about. */
  pr?: number;
  /** The webhook delivery (X-GitHub-Delivery) that caused the work. */
  delivery?: string;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose lines also carry `context` (absent: lines go out without it). */
  child?(context: LogContext): Logger;
}

/** What the app gets from its environment, in one place so tests can set it. */
export interface AppDeps {
  /** Ledger store; null without GIST_TOKEN (the ledger then lives in the dashboard issue). */
  gist: GistStore | null;
  /** Sends a chat digest to every NOTIFY_URL target without waiting; null when none is set. */
  notify: Notify | null;
  now: () => Date;
  /** Seeds the sweep proposer's order. */
  seed: number;
  log: Logger;
  /** Signs the state the app keeps in PR and issue bodies (STATE_SECRET, or derived from WEBHOOK_SECRET). */
  sealer: Sealer;
  /** The app's bot login (`<slug>[bot]`): only what it authored is state. */
  appLogin: string;
  /** What this app instance remembers between passes (bounded); none: every pass reads everything. */
  caches?: AppCaches;
}

/** Per app instance, bounded: a server's memory does not grow with nights or repositories. */
export interface AppCaches {
  runPulls: RunPullsCache;
  /** Per repository, the config file version found valid with no problem issue open. */
  configSettled: Lru<string, string>;
  /**
   * Workflow runs as their signed `workflow_run` webhooks told them (`owner/repo#id`): a pass
   * judges a completed run, or sees one that is queued or going, without reading it again
   * (core/heard-runs.ts says for how long and how often).
   */
  heardRuns: Lru<string, HeardRun<WorkflowRunFacts>>;
  /**
   * Experiment PRs (`owner/repo#pr`) whose training runs this instance has accounted for: it
   * opened them, or it dispatched them and wrote the state. Any other PR's runs are counted
   * (one request) before this instance dispatches it, so that a dispatch whose state write was
   * lost (a 5xx after GitHub started the run, a restart in between) is adopted, not trained twice.
   */
  runsCounted: Lru<string, true>;
  /**
   * This instance's last write of each dashboard (`owner/repo#tag`): while trainings are in
   * flight, table-only changes wait up to `dashboardEverySeconds` (core/dashboard-pace.ts).
   */
  dashboardWrites: Lru<string, DashboardWrite>;
  /**
   * Marker comments of experiment PRs (`owner/repo#pr`) as their signed `issue_comment` webhooks
   * told them (core/heard-comments.ts): a finished training's result without listing comments.
   */
  heardComments: Lru<string, HeardComment[]>;
  /** The lock commit this instance made last per run (github/run-lease.ts reuses it). */
  lockCommits: LockCommits;
}

export function appCaches(): AppCaches {
  return {
    runPulls: runPullsCache(),
    configSettled: new Lru({ maxEntries: 1024 }),
    heardRuns: new Lru({ maxEntries: 1024 }),
    runsCounted: new Lru({ maxEntries: 4096 }),
    dashboardWrites: new Lru({ maxEntries: 1024 }),
    heardComments: new Lru({ maxEntries: 512 }),
    lockCommits: new Lru({ maxEntries: 1024 }),
  };
}

/** What the app believes about a repository's PRs and issues: its own sealed blocks. */
export function trustRootOf(gh: RepoClient, deps: Pick<AppDeps, "sealer" | "appLogin">): TrustRoot {
  return { repository: `${gh.owner}/${gh.repo}`, appLogin: deps.appLogin, sealer: deps.sealer };
}
