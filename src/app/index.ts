import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Octokit } from "@octokit/rest";
import type { ApplicationFunctionOptions, Context, Probot, Logger as ProbotLogger } from "probot";
import packageJson from "../../package.json" with { type: "json" };
import { createSealer, sealKeys } from "../core/block-seal.js";
import { parseCommand } from "../core/commands.js";
import { CONFIG_PATH } from "../core/config.js";
import { parseExperimentBranch, parseRunBranch } from "../core/experiment-branch.js";
import { forgetComment, hearComment, markersOf } from "../core/heard-comments.js";
import { hear } from "../core/heard-runs.js";
import { notifySetup } from "../core/notify-targets.js";
import { runBlock } from "../core/run-state.js";
import {
  type HealthReport,
  healthReport,
  type PassOutcome,
  type PassRecord,
  recordPass,
} from "../core/server-health.js";
import { VERDICT_CHECK } from "../github/check-runs.js";
import { type ClientTiming, createGitHubClient } from "../github/client.js";
import { findPullByHead } from "../github/experiment-pulls.js";
import { createGistStore, type GistStore } from "../github/gist-store.js";
import type { RepoClient } from "../github/repo.js";
import { canWrite } from "../github/repo.js";
import { runFactsOfPayload } from "../github/workflows.js";
import { type AppDeps, appCaches, type LogContext, type Logger, trustRootOf } from "./app-deps.js";
import { explainError } from "./explain-error.js";
import { findDashboard } from "./find-run.js";
import { healthRoute } from "./health-route.js";
import { liveRuns, runsOf } from "./heartbeat.js";
import { createNotifier } from "./notifier.js";
import { ensurePushedPull } from "./pushed-branch.js";
import { reconcileRun } from "./reconcile.js";
import { rerun } from "./rerun.js";
import { replyOnce, runCommand } from "./run-commands.js";
import { LEASE_TTL_MS, LeaseBusyError, withRunLease } from "./run-lease-guard.js";
import { RunScheduler } from "./run-scheduler.js";
import { startRun } from "./start-run.js";

export interface AppOptions {
  /** Overrides on top of the process environment (tests, the demo). */
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Receives the scheduler so tests and the demo can wait for the app to be idle. */
  onReady?: (handle: AppHandle) => void;
  /** Waits of the clients the app builds itself (the gist client); tests pass FAST_TIMING. */
  clientTiming?: ClientTiming;
  /** How long a chat may take to answer a digest (default 10 s); tests shorten it. */
  notifyTimeoutMs?: number;
  /** Also receives everything the app logs (tests read warnings here). */
  log?: Logger;
  /**
   * The bot login that writes the app's state, when the app cannot ask GitHub for its own slug:
   * `mode: app` runs with the workflow's GITHUB_TOKEN, whose writes are `github-actions[bot]`'s.
   */
  login?: string;
}

export interface AppHandle {
  idle(): Promise<void>;
  /** Whether the app is still working on something (a webhook answered before its work was done). */
  busy(): boolean;
  heartbeat(): Promise<void>;
  /** What `GET /healthz` answers now. */
  health(): HealthReport;
  /** Stops the heartbeat and the retries of failed passes (work already queued goes on: see idle). */
  /** One pass over every run of one repository that is not over (the heartbeat of that repository). */
  passRepository(gh: RepoClient): Promise<void>;
  /** Resolves when nothing is queued, running or waiting to be tried again. */
  settled(): Promise<void>;
  /**
   * What failed for good so far: passes whose last try failed, and events whose handling failed
   * (another instance holding a run is not a failure). Empty when all went well.
   */
  failures(): string[];
  stop(): void;
}

const MAX_PASS_RETRIES = 3;
const PASS_RETRY_SECONDS = 5;
const MAX_RUNS_HEALTH = 1024;

/** The autoresearch-bot Probot app. */
export function createApp(options: AppOptions = {}) {
  return (app: Probot, probotOptions?: ApplicationFunctionOptions) => {
    const env = { ...process.env, ...options.env };
    const scheduler = new RunScheduler();
    const startedAt = new Date();
    // Everything logged also reaches options.log (tests read warnings there).
    const tee = (primary: Logger): Logger => {
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
        child: (context) => tee(primary.child?.(context) ?? primary),
      };
    };
    const log = tee(loggerOf(app.log));
    // Every line of a pass says which run, PR and webhook delivery it is about (pino fields).
    const logFor = (context: LogContext): Logger =>
      tee(
        loggerOf(
          app.log.child(
            Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined)),
          ),
        ),
      );
    // A NOTIFY_URL the app cannot use stops it here, naming the entry (never its secret).
    const chats = notifySetup(env);
    for (const warning of chats.warnings) log.warn(warning);
    const notify = createNotifier({
      setup: chats,
      log,
      track: (work) => scheduler.track(work),
      ...(options.notifyTimeoutMs ? { timeoutMs: options.notifyTimeoutMs } : {}),
    });
    let gist: GistStore | null | undefined;
    let slug: string | undefined;
    const keys = sealKeys(env);
    if (!keys) {
      throw new Error(
        "autoresearch-bot needs STATE_SECRET (or WEBHOOK_SECRET) to sign the state it keeps in GitHub: set one and start again",
      );
    }
    const sealer = createSealer(keys);
    const caches = appCaches();
    const appLogin = async () => {
      slug ??= options.login ? options.login.replace(/\[bot\]$/, "") : await appSlug(app);
      return `${slug}[bot]`;
    };

    const depsFor = async (octokit: Octokit, passLog: Logger = log): Promise<AppDeps> => {
      if (gist === undefined) {
        const baseUrl = octokit.request.endpoint.DEFAULTS.baseUrl;
        gist = env.GIST_TOKEN
          ? createGistStore(
              createGitHubClient({
                auth: env.GIST_TOKEN,
                baseUrl,
                userAgent: "autoresearch-bot",
                log,
                ...(options.clientTiming ? { timing: options.clientTiming } : {}),
              }),
            )
          : null;
      }
      return {
        gist,
        notify,
        now: options.now ?? (() => new Date()),
        seed: Number(env.AUTORESEARCH_SEED ?? "1") || 1,
        log: passLog,
        sealer,
        appLogin: await appLogin(),
        caches,
      };
    };
    const clientOf = (context: Context): RepoClient => {
      const { owner, repo } = context.repo();
      return { octokit: context.octokit as unknown as Octokit, owner, repo };
    };
    const failures = new Map<string, number>();
    /** Errors a pass threw (its own retries say them): not counted again as a handler's. */
    const passErrors = new WeakSet<object>();
    let handlerFailures = 0;
    /** Runs whose last pass found another instance holding them: that one does the work. */
    const lastBusy = new Set<string>();
    const retries = new Set<NodeJS.Timeout>();
    // How each run's passes went, for GET /healthz: the runs heard of last, at most MAX_RUNS_HEALTH.
    const passes = new Map<string, PassRecord>();
    const notePass = (key: string, outcome: PassOutcome) => {
      const record = recordPass(passes.get(key), outcome);
      passes.delete(key);
      passes.set(key, record);
      const oldest = passes.keys().next().value;
      if (passes.size > MAX_RUNS_HEALTH && oldest !== undefined) passes.delete(oldest);
    };
    let stopped = false;
    const reconcile = (gh: RepoClient, tag: string, delivery?: string): Promise<void> => {
      const key = `${gh.owner}/${gh.repo}#${tag}`;
      return scheduler.reconcile(key, async () => {
        const passLog = logFor({ run: tag, delivery });
        try {
          const deps = await depsFor(gh.octokit, passLog);
          await withRunLease(gh, tag, leaseOptions, (guard) => reconcileRun(gh, deps, tag, guard));
          failures.delete(key);
          notePass(key, { ok: true, at: new Date().toISOString() });
          lastBusy.delete(key);
        } catch (error) {
          // A pass that failed (a 5xx burst, a timeout) is tried again soon, a few times,
          // rather than leaving the GPU idle until the next event or heartbeat.
          const attempt = (failures.get(key) ?? 0) + 1;
          failures.set(key, attempt);
          const retry =
            attempt <= MAX_PASS_RETRIES
              ? ` (trying again in ${attempt * PASS_RETRY_SECONDS} s)`
              : "";
          // (A busy lease is said by whoever waited for this pass: see `later`. It is another
          // instance at work, not a failure of this server.)
          if (!(error instanceof LeaseBusyError)) {
            passLog.error(`[${key}] ${explainError(error)}${retry}`);
            notePass(key, { ok: false, at: new Date().toISOString(), error: explainError(error) });
          }
          if (retry && !stopped) {
            const timer = setTimeout(
              () => {
                retries.delete(timer);
                void reconcile(gh, tag, delivery).catch(() => undefined);
              },
              attempt * PASS_RETRY_SECONDS * 1000,
            );
            timer.unref();
            retries.add(timer);
          }
          if (error instanceof LeaseBusyError) lastBusy.add(key);
          else lastBusy.delete(key);
          if (error instanceof Object) passErrors.add(error);
          throw error;
        }
      });
    };
    // One writer per run across instances (replicas, a rolling deploy): a lease held in GitHub.
    const instance = `${hostname()}#${process.pid}#${randomBytes(3).toString("hex")}`;
    // Real time, whatever clock the passes use: a lease is about processes running now.
    const leaseOptions = {
      owner: instance,
      now: () => new Date(),
      ttlMs: Number(env.AUTORESEARCH_LEASE_SECONDS ?? "120") * 1000 || undefined,
      lockCommits: caches.lockCommits,
    };
    // A command (start, pause, rerun, a pushed branch) is said once: rather than be dropped, it
    // waits for another instance's pass as long as a lease can last (its holder releases it when
    // done, or it expires if the holder died).
    const commandLease = {
      ...leaseOptions,
      waitMs: (leaseOptions.ttlMs ?? LEASE_TTL_MS) + 10_000,
    };
    const inRun = <T>(gh: RepoClient, tag: string, task: () => Promise<T>) =>
      scheduler.run(`${gh.owner}/${gh.repo}#${tag}`, () =>
        withRunLease(gh, tag, commandLease, () => task()),
      );
    // GitHub gives a webhook 10 s: answer at once, and do the work (serialized per run) after.
    const later =
      <C extends Context>(handler: (context: C) => Promise<unknown>) =>
      (context: C): void => {
        const work = handler(context).catch((error) => {
          // Another instance working on the run is not a failure of ours: said once, as a warning.
          const busy = error instanceof LeaseBusyError;
          if (!busy && !(error instanceof Object && passErrors.has(error))) handlerFailures++;
          const said = logFor({ delivery: context.id });
          const say = busy ? said.warn : said.error;
          say(`[${context.name} ${context.id}] ${explainError(error)}`);
        });
        scheduler.track(work);
      };
    const isSelf = async (context: Context): Promise<boolean> => {
      const sender = (context.payload as { sender?: { login?: string; type?: string } }).sender;
      if (sender?.type !== "Bot") return false;
      return sender.login === (await appLogin());
    };

    // Result and verdict markers on PRs, as GitHub signed them: the pass that judges a finished
    // training takes its result from here instead of listing the PR's comments.
    app.on(
      ["issue_comment.created", "issue_comment.edited", "issue_comment.deleted"],
      (context) => {
        const { comment, issue } = context.payload;
        if (!issue.pull_request) return;
        const { owner, repo } = context.repo();
        const key = `${owner}/${repo}#${issue.number}`;
        const known = caches.heardComments.get(key);
        const heard =
          context.payload.action === "deleted"
            ? forgetComment(known, comment.id)
            : hearComment(known, {
                id: comment.id,
                author: comment.user?.login ?? "",
                markers: markersOf(comment.body),
                updatedAt: comment.updated_at,
              });
        if (heard.length > 0) caches.heardComments.set(key, heard);
        else caches.heardComments.delete(key);
      },
    );

    // Comments: `/autoresearch start <tag>` anywhere, run commands on a dashboard.
    app.on(
      "issue_comment.created",
      later(async (context) => {
        if (await isSelf(context)) return;
        const { comment, issue } = context.payload;
        const command = parseCommand(comment.body);
        if (!command) return;
        const gh = clientOf(context);
        const author = comment.user?.login ?? "";
        const reply = (text: string) => replyOnce(gh, issue.number, comment.id, text);
        if (!(await canWrite(gh, author))) {
          return reply(
            `@${author} only people with write access can run \`/autoresearch\` commands.`,
          );
        }
        if (command.kind === "invalid") return reply(command.message);
        if (command.kind === "start") {
          const outcome = await inRun(gh, command.tag, async () =>
            startRun(
              gh,
              await depsFor(gh.octokit, logFor({ run: command.tag, delivery: context.id })),
              {
                tag: command.tag,
                by: author,
                commentId: comment.id,
              },
            ),
          );
          if (!outcome.started) {
            if (outcome.reply) await reply(outcome.reply);
            return;
          }
          await reply(
            `🚀 Started run \`${command.tag}\` on \`${outcome.run.branch}\`: dashboard #${outcome.dashboard}, baseline #${outcome.baseline}.`,
          );
          return reconcile(gh, command.tag, context.id);
        }
        const run = runBlock.read(issue.body)?.value;
        const notHere = `\`/autoresearch ${command.kind}\` works on a run's dashboard issue.`;
        if (!run) return reply(notHere);
        const deps = await depsFor(gh.octokit, logFor({ run: run.tag, delivery: context.id }));
        const text = await inRun(gh, run.tag, async () => {
          // Only the run's own dashboard takes commands: a look-alike issue is not one.
          const dashboard = await findDashboard(gh, trustRootOf(gh, deps), run.tag);
          if (dashboard?.number !== issue.number) return notHere;
          return runCommand(gh, deps, dashboard, command.kind);
        });
        await reply(text);
        return reconcile(gh, run.tag, context.id);
      }),
    );

    // PR events: the rerun label, and anything that may move an experiment forward.
    app.on(
      [
        "pull_request.opened",
        "pull_request.reopened",
        "pull_request.synchronize",
        "pull_request.closed",
        "pull_request.labeled",
      ],
      later(async (context) => {
        const { pull_request: pull } = context.payload;
        const tag = parseRunBranch(pull.base.ref);
        if (!tag) return;
        const gh = clientOf(context);
        if (context.payload.action === "labeled") {
          // The app's own labels (keep/discard/experiment) are never a rerun request.
          if (await isSelf(context)) return;
          const label = (context.payload as { label?: { name: string } }).label?.name;
          if (!label) return;
          await inRun(gh, tag, async () =>
            rerun(gh, await depsFor(gh.octokit, logFor({ run: tag, delivery: context.id })), {
              tag,
              pr: pull.number,
              label,
              by: context.payload.sender.login,
              via: "label",
            }),
          );
          return reconcile(gh, tag, context.id);
        }
        if (await isSelf(context)) {
          // Our own writes are already reflected in the pass that made them, except new heads.
          if (context.payload.action !== "synchronize") return;
        }
        return reconcile(gh, tag, context.id);
      }),
    );

    // A training run was queued, started or finished. GitHub signed this description of the
    // run: passes need not read it again for a while. Finished: read the result and decide.
    app.on(
      ["workflow_run.requested", "workflow_run.in_progress", "workflow_run.completed"],
      later(async (context) => {
        const run = context.payload.workflow_run;
        const parsed = parseExperimentBranch(run.head_branch ?? "");
        if (!parsed) return;
        const gh = clientOf(context);
        const key = `${gh.owner}/${gh.repo}#${run.id}`;
        caches.heardRuns.set(
          key,
          hear(caches.heardRuns.get(key), runFactsOfPayload(run), Date.now()),
        );
        if (context.payload.action !== "completed") return;
        return reconcile(gh, parsed.tag, context.id);
      }),
    );

    // The verdict check's Re-run button (and its requested action).
    app.on(
      ["check_run.rerequested", "check_run.requested_action"],
      later(async (context) => {
        const check = context.payload.check_run;
        if (check.name !== VERDICT_CHECK) return;
        const branch = check.check_suite?.head_branch ?? "";
        const parsed = parseExperimentBranch(branch);
        if (!parsed) return;
        const gh = clientOf(context);
        // check_run.pull_requests lists open PRs only, and a decided experiment's PR is closed.
        const pr = check.pull_requests?.[0]?.number ?? (await findPullByHead(gh, branch));
        if (!pr) return;
        await inRun(gh, parsed.tag, async () =>
          rerun(gh, await depsFor(gh.octokit, logFor({ run: parsed.tag, delivery: context.id })), {
            tag: parsed.tag,
            pr,
            label: null,
            by: context.payload.sender.login,
            via: "check",
            headSha: check.head_sha,
          }),
        );
        return reconcile(gh, parsed.tag, context.id);
      }),
    );

    // A branch pushed as autoresearch/<tag>--<name> by a human or an external agent becomes an experiment PR.
    app.on(
      "push",
      later(async (context) => {
        if (context.payload.deleted || (await isSelf(context))) return;
        const branch = context.payload.ref.replace(/^refs\/heads\//, "");
        const gh = clientOf(context);
        if (branch === context.payload.repository.default_branch) {
          // The config lives there: a fixed (or broken) file takes effect at once.
          const touched = [context.payload.head_commit, ...context.payload.commits].flatMap((c) =>
            c ? [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])] : [],
          );
          if (!touched.includes(CONFIG_PATH)) return;
          for await (const run of runsOf(gh, trustRootOf(gh, await depsFor(gh.octokit))))
            await reconcile(run.gh, run.tag, context.id);
          return;
        }
        const parsed = parseExperimentBranch(branch);
        if (!parsed) return;
        const deps = await depsFor(gh.octokit);
        const opened = await inRun(gh, parsed.tag, () =>
          ensurePushedPull(gh, trustRootOf(gh, deps), {
            tag: parsed.tag,
            branch,
            message: context.payload.head_commit?.message ?? null,
            pusher: context.payload.sender?.login ?? context.payload.pusher.name,
          }),
        );
        if (opened) return reconcile(gh, parsed.tag, context.id);
      }),
    );

    // One pass over every run of a repository that is not over. A run whose pass fails does not
    // stop the others (the pass says its error and is tried again).
    const passRepository = async (gh: RepoClient, delivery?: string): Promise<void> => {
      for await (const run of runsOf(gh, trustRootOf(gh, await depsFor(gh.octokit))))
        await reconcile(run.gh, run.tag, delivery).catch(() => undefined);
    };

    // Heartbeat for serverless deployments: `repository_dispatch` with type autoresearch-heartbeat.
    app.on(
      "repository_dispatch",
      later(async (context) => {
        if (context.payload.action !== "autoresearch-heartbeat") return;
        await passRepository(clientOf(context), context.id);
      }),
    );

    const heartbeat = async () => {
      if (stopped) return;
      const rootOf = (gh: RepoClient) => ({
        repository: `${gh.owner}/${gh.repo}`,
        appLogin: `${slug}[bot]`,
        sealer,
      });
      await appLogin();
      for await (const run of liveRuns(app, rootOf)) {
        await reconcile(run.gh, run.tag).catch(() => undefined);
      }
    };
    const seconds = Number(env.HEARTBEAT_SECONDS ?? "600");
    const timer =
      seconds > 0
        ? setInterval(() => {
            heartbeat().catch((error) => log.error(`heartbeat: ${explainError(error)}`));
          }, seconds * 1000)
        : undefined;
    timer?.unref();
    // Webhooks sent while the app was down are lost: look at every run once soon after starting.
    if (timer)
      setTimeout(
        () => heartbeat().catch((error) => log.error(`heartbeat: ${explainError(error)}`)),
        10_000,
      ).unref();
    const health = () =>
      healthReport(passes, { version: packageJson.version, startedAt, now: new Date() });
    // Probot's server (npm start) and createNodeMiddleware both offer addHandler.
    try {
      probotOptions?.addHandler?.(healthRoute(health));
    } catch {
      // Loaded with no server (`mode: app` in a workflow: probot.load): nothing to serve it on.
    }
    options.onReady?.({
      idle: () => scheduler.idle(),
      busy: () => scheduler.busy,
      heartbeat,
      health,
      passRepository: async (gh) => {
        const work = passRepository(gh).catch((error) => {
          // Listing the runs failed: nothing was passed over.
          handlerFailures++;
          log.error(`[${gh.owner}/${gh.repo}] ${explainError(error)}`);
        });
        scheduler.track(work);
        await work;
      },
      settled: async () => {
        for (;;) {
          await scheduler.idle();
          if (retries.size === 0 && !scheduler.busy) return;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      failures: () => [
        ...[...failures.keys()]
          .filter((key) => !lastBusy.has(key))
          .map((key) => `the pass over ${key} failed`),
        ...(handlerFailures > 0 ? [`${handlerFailures} event(s) could not be handled`] : []),
      ],
      stop: () => {
        stopped = true;
        clearInterval(timer);
        for (const retry of retries) clearTimeout(retry);
        retries.clear();
      },
    });
  };
}

function loggerOf(pino: ProbotLogger): Logger {
  return {
    info: (m) => pino.info(m),
    warn: (m) => pino.warn(m),
    error: (m) => pino.error(m),
    child: (context) => loggerOf(pino.child(context)),
  };
}

async function appSlug(app: Probot): Promise<string> {
  const octokit = (await app.auth()) as unknown as Octokit;
  const { data } = await octokit.rest.apps.getAuthenticated();
  return data?.slug ?? "";
}

export default createApp();
