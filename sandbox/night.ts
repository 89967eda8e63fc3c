// Drives a whole "night" in the sandbox: the real app, the real bundled action, the tiny example.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { type AppHandle, createApp } from "../src/app/index.js";
import { CONFIG_PATH } from "../src/core/config.js";
import { readRunBlock } from "../src/core/run-state.js";
import { type ExperimentState, readStateBlock } from "../src/core/state-block.js";
import { FAST_TIMING } from "../src/github/client.js";
import {
  fastProbotOctokit,
  PROJECT_ROOT,
  type SandboxHandle,
  type SandboxOptions,
  startSandbox,
} from "./harness.js";
import { jobPath } from "./runner.js";

export const TINY_DIR = join(PROJECT_ROOT, "examples/tiny");

/** A home where prepare.py ran once in this process (removed when the process exits). */
let preparedHome: string | undefined;

/**
 * Gives one runner's home (its ~/.cache/autoresearch) what examples/tiny's prepare.py writes
 * there. prepare.py runs once per process, with the real python3 the runner's jobs use rather
 * than a version manager's shim (~0.3 s a start); each home gets a copy of what it wrote. Its
 * output is a function of corpus.txt alone, and a run takes ~1 s during which the process
 * (the sandbox, the app) stands still: once per night and runner, that added up.
 */
export function prepareTinyHome(home: string): void {
  if (preparedHome === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "tiny-home-"));
    execFileSync("python3", ["prepare.py"], {
      cwd: TINY_DIR,
      env: { ...process.env, PATH: jobPath(), HOME: dir },
      stdio: "ignore",
    });
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    preparedHome = dir;
  }
  cpSync(preparedHome, home, { recursive: true });
}

/**
 * A copy of examples/tiny (without its data or caches) whose `.github/autoresearch.yml` has
 * `overrides` set over its own, `policy` key by key. The caller removes the directory.
 */
export function tinyWithConfig(overrides: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "tiny-seed-"));
  cpSync(TINY_DIR, dir, {
    recursive: true,
    filter: (src) => !/(^|\/)(__pycache__|data)$/.test(src),
  });
  const file = join(dir, CONFIG_PATH);
  const config = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const policy = { ...(config.policy as object), ...(overrides.policy as object) };
  writeFileSync(file, stringify({ ...config, ...overrides, policy }));
  return dir;
}

/** The zero-server workflows we ship (README: "Choose a mode"). */
export const APP_WORKFLOW = join(PROJECT_ROOT, "examples/workflows/autoresearch-app.yml");
export const ZERO_SERVER_TRAINING = join(
  PROJECT_ROOT,
  "examples/workflows/autoresearch-zero-server.yml",
);
/** The step of the zero-server training workflow that tells the app workflow a training ended. */
export const TELL_APP_STEP = "Tell autoresearch-app the training ended";

/**
 * A copy of `seedDir` set up for zero-server mode as the README says: the shipped app workflow
 * beside the training workflow, which gains what the shipped zero-server training workflow adds
 * to the server one (its `permissions:` and its last step). The caller removes the directory.
 */
export function withZeroServerWorkflows(seedDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tiny-zero-"));
  cpSync(seedDir, dir, {
    recursive: true,
    filter: (src) => !/(^|\/)(__pycache__|data)$/.test(src),
  });
  const workflows = join(dir, ".github/workflows");
  mkdirSync(workflows, { recursive: true });
  cpSync(APP_WORKFLOW, join(workflows, "autoresearch-app.yml"));
  const shipped = parse(readFileSync(ZERO_SERVER_TRAINING, "utf8")) as ShippedWorkflow;
  const tell = Object.values(shipped.jobs)
    .flatMap((j) => j.steps)
    .find((step) => step.name === TELL_APP_STEP);
  if (!tell) throw new Error(`${ZERO_SERVER_TRAINING} has no step "${TELL_APP_STEP}"`);
  const file = join(workflows, "autoresearch.yml");
  const training = parse(readFileSync(file, "utf8")) as ShippedWorkflow;
  training.permissions = shipped.permissions;
  for (const job of Object.values(training.jobs)) job.steps.push(tell);
  writeFileSync(file, stringify(training));
  return dir;
}

interface ShippedWorkflow {
  permissions: unknown;
  jobs: Record<string, { steps: { name?: string }[] }>;
}

/**
 * GITHUB_TOKEN requests GitHub counts (a 304 is not counted) per decided experiment, split by the
 * workflow whose job made them: the app workflow (zero-server mode) and the training workflow.
 */
export function tokenRequestsPerExperiment(
  sandbox: SandboxHandle,
  decided: number,
): { app: number; training: number } {
  const counted = sandbox.state.requests.filter((r) => r.runId !== undefined && r.status !== 304);
  const of = (path: string) =>
    counted.filter((r) => sandbox.world.runs.get(r.runId ?? 0)?.workflow.path === path).length /
    Math.max(1, decided);
  return {
    app: of(".github/workflows/autoresearch-app.yml"),
    training: of(".github/workflows/autoresearch.yml"),
  };
}

/** One experiment PR of a night, as a test reads it back. */
export interface NightExperiment {
  number: number;
  ref: string | undefined;
  merged: boolean;
  state: ExperimentState;
}

export interface NightOptions {
  runners?: number;
  seed?: number;
  /** Seconds of (compute) budget per training run of the tiny example. */
  budgetSeconds?: number;
  /**
   * Seconds each training waits before it starts: wall time without this machine's CPU, as a
   * GPU's training is, for nights that need trainings to overlap (two runners, an instance
   * stopped while one trains). A bigger budget would burn the CPU the other tests run on.
   */
  trainingPauseSeconds?: number;
  env?: Record<string, string>;
  /** Extra environment of the runners' jobs, e.g. examples/tiny's TINY_NOISE. */
  runnerEnv?: Record<string, string>;
  /** App instances behind the one webhook URL (replicas, a rolling deploy); default 1. */
  appInstances?: number;
  sandbox?: Partial<SandboxOptions>;
  /**
   * "server" (default): the app is a Probot server receiving webhooks. "actions": zero-server
   * mode, the app is the shipped workflow (examples/workflows/autoresearch-app.yml) run by the
   * sandbox's Actions with GITHUB_TOKEN; a cron tick fires its schedule whenever Actions is idle.
   */
  mode?: "server" | "actions";
}

export interface Night {
  sandbox: SandboxHandle;
  /** The handle of the instance started last (after a restart, the new one). */
  app: () => AppHandle;
  /** Every handle the app handed out, one per instance start (restarts add one), oldest first. */
  apps: () => AppHandle[];
  dashboardNumber(): number | null;
  /** Experiments with a verdict so far. */
  decided(): number;
  /** Comments as octocat (the loop goes on: a running night is never quiet). */
  say(issue: number, body: string): Promise<void>;
  /** `/autoresearch stop` on the dashboard, then waits until every experiment is decided and all is quiet. */
  stopRun(timeoutMs?: number): Promise<void>;
  waitForDecided(n: number, timeoutMs?: number): Promise<void>;
  /** Polls until `test` holds, failing with `what` and the trail of run `tag` after timeoutMs. */
  waitFor(what: string, tag: string, test: () => boolean, timeoutMs?: number): Promise<void>;
  /** The PRs of run `tag` that carry a state block. */
  experiments(tag: string): NightExperiment[];
  /** One line per PR of run `tag`, in experiment order: what to read first when a night goes wrong. */
  trail(tag: string): string;
  stop(): Promise<void>;
}

export async function startNight(options: NightOptions = {}): Promise<Night> {
  if (options.mode === "actions") return startActionsNight(options);
  // createApp's onReady fires once per instance start: keep them all, a stopped instance's
  // handle included (its work in flight goes on, as a process draining after SIGTERM would).
  const handles: AppHandle[] = [];
  const app = createApp({
    env: { HEARTBEAT_SECONDS: "0", AUTORESEARCH_SEED: String(options.seed ?? 1), ...options.env },
    clientTiming: FAST_TIMING,
    onReady: (h) => {
      handles.push(h);
    },
  });
  const sandbox = await startSandbox({
    seedDir: TINY_DIR,
    app,
    seed: options.seed ?? 1,
    logLevel: "warn",
    probotOctokit: fastProbotOctokit(),
    appBusy: () => handles.some((h) => h.busy()),
    ...(options.appInstances ? { appInstances: options.appInstances } : {}),
    ...options.sandbox,
    env: { ...options.env, ...options.sandbox?.env },
    runners: {
      count: options.runners ?? 1,
      env: { AUTORESEARCH_TIME_BUDGET: String(options.budgetSeconds ?? 1), ...options.runnerEnv },
      prepareHome: prepareTinyHome,
      ...options.sandbox?.runners,
      ...pausedTrainings(options),
    },
  });
  const base = nightOf(sandbox, () => {
    const last = handles.at(-1);
    if (!last) throw new Error("the app has not started");
    return last;
  });
  return {
    ...base,
    apps: () => [...handles],
    async stop() {
      for (const h of handles) h.stop();
      await sandbox.stop();
    },
  };
}

/** The runners' `commandWrapper` that makes each training wait `trainingPauseSeconds` first. */
function pausedTrainings(options: NightOptions): { commandWrapper?: (command: string) => string } {
  const pause = options.trainingPauseSeconds;
  if (!pause) return {};
  const inner = options.sandbox?.runners?.commandWrapper ?? ((command: string) => command);
  return { commandWrapper: (command) => `sleep ${pause} && ${inner(command)}` };
}

/**
 * A night in zero-server mode: no app server; the app is a workflow. The secrets are set and
 * "Allow GitHub Actions to create and approve pull requests" is switched on, as the README's
 * setup steps say; the schedule fires whenever Actions has been idle for a while (GitHub's cron,
 * compressed: the heartbeat that finds trainings whose runner died).
 */
async function startActionsNight(options: NightOptions): Promise<Night> {
  const seedDir = withZeroServerWorkflows(options.sandbox?.seedDir ?? TINY_DIR);
  const sandbox = await startSandbox({
    seed: options.seed ?? 1,
    logLevel: "warn",
    ...options.sandbox,
    seedDir,
    app: null,
    env: { ...options.env, ...options.sandbox?.env },
    runners: {
      count: options.runners ?? 1,
      env: {
        AUTORESEARCH_TIME_BUDGET: String(options.budgetSeconds ?? 1),
        // The app's clients wait milliseconds where GitHub asks for seconds.
        AUTORESEARCH_CLIENT_TIMING: "fast",
        AUTORESEARCH_SEED: String(options.seed ?? 1),
        ...options.env,
        ...options.runnerEnv,
      },
      prepareHome: prepareTinyHome,
      ...options.sandbox?.runners,
      ...pausedTrainings(options),
    },
  });
  sandbox.runners.setSecrets({
    AUTORESEARCH_STATE_SECRET: randomBytes(32).toString("hex"),
    GIST_TOKEN: sandbox.tokens.octocat,
    NOTIFY_WEBHOOK_URL: sandbox.notifyUrl,
  });
  await sandbox
    .octokit("octocat")
    .request("PUT /repos/{owner}/{repo}/actions/permissions/workflow", {
      owner: sandbox.repo.owner,
      repo: sandbox.repo.name,
      default_workflow_permissions: "read",
      can_approve_pull_request_reviews: true,
    });
  let ticking = true;
  let idleTicks = 0;
  const cron = setInterval(() => {
    if (!ticking) return;
    idleTicks = sandbox.runners.isIdle() ? idleTicks + 1 : 0;
    if (idleTicks < 4) return;
    idleTicks = 0;
    void sandbox.fireSchedule();
  }, 500);
  const base = nightOf(sandbox, () => {
    throw new Error("zero-server mode has no app server: the app runs as a workflow");
  });
  return {
    ...base,
    apps: () => [],
    async stopRun(timeoutMs = 120_000) {
      const dashboard = base.dashboardNumber();
      if (dashboard === null) throw new Error("no run to stop: no dashboard issue");
      await sandbox.human.comment(dashboard, "/autoresearch stop");
      // Trainings whose runner died say nothing: the heartbeat decides them.
      ticking = false;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await sandbox.settle({ timeoutMs: Math.max(1000, deadline - Date.now()) });
        const open = sandbox.state
          .pulls()
          .filter((p) => p.state === "open" && readStateBlock(p.body ?? ""));
        if (open.length === 0) return;
        if (Date.now() > deadline)
          throw new Error(`the run did not stop: #${open.map((p) => p.number).join(", #")} open`);
        await sandbox.fireSchedule();
      }
    },
    async stop() {
      clearInterval(cron);
      await sandbox.stop();
      rmSync(seedDir, { recursive: true, force: true });
    },
  };
}

/** What every night offers, whatever runs the app. */
function nightOf(sandbox: SandboxHandle, app: () => AppHandle): Omit<Night, "apps" | "stop"> {
  const dashboardNumber = () =>
    sandbox.state.issues().find((i) => !i.pull_request && readRunBlock(i.body ?? ""))?.number ??
    null;
  // Experiments only: re-measurements of the run head (policy.baselineEvery) are not counted.
  const decided = () =>
    sandbox.state.pulls().filter((p) => {
      const state = readStateBlock(p.body ?? "");
      return state?.phase === "decided" && state.source !== "remeasure";
    }).length;
  const experiments = (tag: string): NightExperiment[] =>
    sandbox.state
      .pulls()
      .filter((p) => p.pull_request?.base.ref === `autoresearch/${tag}`)
      .flatMap((p) => {
        const state = readStateBlock(p.body ?? "");
        const pull = p.pull_request;
        return state
          ? [{ number: p.number, ref: pull?.head.ref, merged: pull?.merged === true, state }]
          : [];
      })
      .sort((a, b) => a.state.n - b.state.n);
  const trail = (tag: string): string =>
    experiments(tag)
      .map(({ number, merged, state: s }) => {
        const outcome = s.verdict?.status ?? "-";
        const why = s.verdict?.reason ?? s.note ?? s.description;
        return `#${number} ${s.source} ${s.phase}${merged ? " merged" : ""} x${s.attempts} ${outcome}: ${why}`;
      })
      .join("\n");
  return {
    sandbox,
    experiments,
    trail,
    async waitFor(what, tag, test, timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${trail(tag)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    app,
    dashboardNumber,
    decided,
    async say(issue, body) {
      await sandbox.human.comment(issue, body);
    },
    async stopRun(timeoutMs = 120_000) {
      const dashboard = dashboardNumber();
      if (dashboard === null) throw new Error("no run to stop: no dashboard issue");
      await sandbox.human.comment(dashboard, "/autoresearch stop");
      await sandbox.settle({ timeoutMs });
    },
    async waitForDecided(n, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (decided() < n) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${n} decided experiments (have ${decided()})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
