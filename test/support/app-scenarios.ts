/**
 * Scenario driver for the app's behaviour tests: the real app (createApp, with a clock the test
 * moves), the real bundled action on a copy of examples/tiny whose config each test chooses, and
 * readers for what a user sees on GitHub (PRs, state blocks, comments, checks, ledger, dashboard).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import {
  fastProbotOctokit,
  type SandboxHandle,
  type SandboxOptions,
  startSandbox,
} from "../../sandbox/harness.js";
import { readLedger } from "../../sandbox/invariants.js";
import type { CommentRecord, IssueRecord, WorkflowRunRecord } from "../../sandbox/model.js";
import { prepareTinyHome, TINY_DIR } from "../../sandbox/night.js";
import type { RequestRecord } from "../../sandbox/server.js";
import { type AppHandle, type AppOptions, createApp } from "../../src/app/index.js";
import { type RunState, readRunBlock } from "../../src/core/run-state.js";
import { type ExperimentState, readStateBlock } from "../../src/core/state-block.js";
import { FAST_TIMING } from "../../src/github/client.js";

/** Seconds of compute per tiny training: ~1 s of wall time, val_bpb still far apart per change. */
export const TINY_BUDGET_SECONDS = 0.3;

export const TINY_TRAIN_PY = readFileSync(join(TINY_DIR, "train.py"), "utf8");

/** Environment variable naming the runner-visible directory of closed gates. */
const GATES_ENV = "AUTORESEARCH_TEST_GATES";

/**
 * examples/tiny's train.py, plus a gate: while `<gates>/<branch with / as _>.closed` exists the
 * training waits, so a test decides when an experiment's training may finish (the runners share
 * this machine's file system). Every seeded and pushed train.py carries the same lines, so
 * merges between experiments never conflict on them.
 */
export const SEED_TRAIN_PY = TINY_TRAIN_PY.replace(
  /^import math$/m,
  [
    "import os as _gate_os, time as _gate_time  # test gate (see test/support/app-scenarios.ts)",
    `_gates = _gate_os.environ.get("${GATES_ENV}")`,
    '_gate = _gates and _gate_os.path.join(_gates, _gate_os.environ.get("GITHUB_REF_NAME", "").replace("/", "_") + ".closed")',
    "while _gate and _gate_os.path.exists(_gate):",
    "    _gate_time.sleep(0.05)",
    "import math",
  ].join("\n"),
);

export const CONFIG_FILE = ".github/autoresearch.yml";

export interface ScenarioOptions {
  /** Keys set over examples/tiny's `.github/autoresearch.yml` (null removes a key). */
  config?: Record<string, unknown>;
  runners?: number;
  seed?: number;
  env?: Record<string, string>;
  /** Extra environment of the runners' jobs, e.g. examples/tiny's TINY_NOISE. */
  runnerEnv?: Record<string, string>;
  sandbox?: Partial<SandboxOptions>;
  /** App options beyond env: a log to read warnings from, a shorter chat timeout. */
  app?: Pick<AppOptions, "log" | "notifyTimeoutMs">;
}

export interface Experiment {
  pr: IssueRecord;
  state: ExperimentState;
}

export interface Scenario {
  sandbox: SandboxHandle;
  /** The handle of the instance started last (after a restart, the new one). */
  app(): AppHandle;
  /** Every handle the app handed out, one per instance start (restarts add one), oldest first. */
  apps(): AppHandle[];
  /** Until opened, the training of `branch` waits before it starts (see SEED_TRAIN_PY). */
  closeGate(branch: string): void;
  openGate(branch: string): void;
  /** Moves the app's clock (not the sandbox's): `now` = wall time + the total advance. */
  advanceClock(minutes: number): void;
  /** Puts the app's clock back on wall time. */
  resetClock(): void;
  /** Opens an issue and comments `/autoresearch start <tag>` as `as` (default octocat). */
  start(tag: string, as?: string): Promise<{ issue: number; commentId: number }>;
  dashboard(tag: string): IssueRecord | undefined;
  run(tag: string): RunState | null;
  experiments(tag: string): Experiment[];
  /** The experiment whose PR's head branch is `branch`. */
  experimentFor(tag: string, branch: string): Experiment | undefined;
  /** Comments `body` on the run's dashboard as `as` and waits for the app's reply to it. */
  command(tag: string, body: string, as?: string): Promise<string>;
  /** Comments the app wrote on an issue or PR. */
  appComments(issue: number): CommentRecord[];
  /** Workflow runs (trainings) of one experiment branch, oldest first. */
  runsFor(branch: string): WorkflowRunRecord[];
  /** API requests made with the app's installation token. */
  appRequests(): RequestRecord[];
  ledger(tag: string): string;
  /**
   * Pushes one commit on top of the run branch's head as `autoresearch/<tag>--<name>`, as a
   * human or an external agent would; returns its sha.
   */
  pushExperiment(
    tag: string,
    name: string,
    files: Record<string, FileChange>,
    message: string,
    as?: string,
  ): Promise<string>;
  /** Polls until `check` holds (a running night is never quiet enough to settle). */
  waitFor(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
  /** Polls until the experiment on `branch` is decided; returns it. */
  waitForDecision(tag: string, branch: string, timeoutMs?: number): Promise<Experiment>;
  stop(): Promise<void>;
}

/** A copy of examples/tiny with config overrides, committed as `main` by the sandbox. */
export function tinySeedDir(config: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "ar-app-seed-"));
  cpSync(TINY_DIR, dir, {
    recursive: true,
    filter: (src) => !/(^|\/)(__pycache__|data)$/.test(src),
  });
  writeFileSync(join(dir, CONFIG_FILE), tinyConfigYaml(config));
  writeFileSync(join(dir, "train.py"), SEED_TRAIN_PY);
  return dir;
}

/** examples/tiny's config with keys replaced (null removes one), as YAML. */
export function tinyConfigYaml(overrides: Record<string, unknown> = {}): string {
  const base = parse(readFileSync(join(TINY_DIR, CONFIG_FILE), "utf8")) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return stringify(merged);
}

/** A file's new content, or an edit of its content at the run head. null deletes the file. */
export type FileChange = string | null | ((current: string) => string);

/** An edit of train.py that sets module constants, e.g. `{ LEARNING_RATE: "16.0" }`. */
export function setConstants(constants: Record<string, string>): (source: string) => string {
  return (source) => {
    let text = source;
    for (const [name, value] of Object.entries(constants)) {
      const line = new RegExp(`^${name} = [^#\\n]*?(\\s*#.*)?$`, "m");
      if (!line.test(text)) throw new Error(`train.py has no constant ${name}`);
      text = text.replace(line, (_m, note = "") => `${name} = ${value}${note}`);
    }
    return text;
  };
}

/** An edit of train.py that makes it die at import with a Python traceback (no val_bpb line). */
export function raiseAtImport(source: string): string {
  return source.replace(
    /^if __name__ == "__main__":$/m,
    'raise RuntimeError("boom: the model exploded")\n\n\nif __name__ == "__main__":',
  );
}

export async function startScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const seedDir = tinySeedDir(options.config);
  const gatesDir = mkdtempSync(join(tmpdir(), "ar-app-gates-"));
  const gateFile = (branch: string) => join(gatesDir, `${branch.replaceAll("/", "_")}.closed`);
  let offsetMs = 0;
  // onReady fires once per instance start (sandbox option appInstances, restarts): keep them all.
  const handles: AppHandle[] = [];
  const app = createApp({
    env: { HEARTBEAT_SECONDS: "0", AUTORESEARCH_SEED: String(options.seed ?? 1), ...options.env },
    now: () => new Date(Date.now() + offsetMs),
    clientTiming: FAST_TIMING,
    ...options.app,
    onReady: (h) => {
      handles.push(h);
    },
  });
  let sandbox: SandboxHandle;
  try {
    sandbox = await startSandbox({
      seedDir,
      app,
      seed: options.seed ?? 1,
      logLevel: "error",
      probotOctokit: fastProbotOctokit(),
      // settle() waits for the app's own work too (webhooks are answered before it is done).
      appBusy: () => handles.some((h) => h.busy()),
      ...options.sandbox,
      env: { ...options.env, ...options.sandbox?.env },
      runners: {
        count: options.runners ?? 1,
        env: {
          AUTORESEARCH_TIME_BUDGET: String(TINY_BUDGET_SECONDS),
          [GATES_ENV]: gatesDir,
          ...options.runnerEnv,
        },
        prepareHome: prepareTinyHome,
        ...options.sandbox?.runners,
      },
    });
  } catch (error) {
    rmSync(seedDir, { recursive: true, force: true });
    rmSync(gatesDir, { recursive: true, force: true });
    throw error;
  }
  const sb = sandbox;

  const dashboard = (tag: string) =>
    sb.state.issues().find((i) => !i.pull_request && readRunBlock(i.body)?.tag === tag);
  const experiments = (tag: string): Experiment[] =>
    sb.state
      .pulls()
      .filter((p) => p.pull_request?.base.ref === `autoresearch/${tag}`)
      .flatMap((pr) => {
        const state = readStateBlock(pr.body);
        return state ? [{ pr, state }] : [];
      });
  const experimentFor = (tag: string, branch: string) =>
    experiments(tag).find((e) => e.pr.pull_request?.head.ref === branch);
  const waitFor = async (what: string, check: () => boolean, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    sandbox: sb,
    app: () => {
      const last = handles.at(-1);
      if (!last) throw new Error("the app has not started");
      return last;
    },
    apps: () => [...handles],
    closeGate: (branch) => writeFileSync(gateFile(branch), ""),
    openGate: (branch) => rmSync(gateFile(branch), { force: true }),
    advanceClock(minutes) {
      offsetMs += minutes * 60_000;
    },
    resetClock() {
      offsetMs = 0;
    },
    async start(tag, as = "octocat") {
      const issue = await sb.human.openIssue(`Research ${tag}`, undefined, as);
      const commentId = await sb.human.comment(issue, `/autoresearch start ${tag}`, as);
      return { issue, commentId };
    },
    dashboard,
    run: (tag) => readRunBlock(dashboard(tag)?.body),
    experiments,
    experimentFor,
    async command(tag, body, as = "octocat") {
      const issue = dashboard(tag)?.number;
      if (issue === undefined) throw new Error(`no dashboard for the run ${tag}`);
      const id = await sb.human.comment(issue, body, as);
      const marker = `<!-- autoresearch:reply-to ${id} -->`;
      const reply = () => sb.state.comments(issue).find((c) => c.body.includes(marker));
      await waitFor(`the app's reply to "${body}"`, () => reply() !== undefined);
      return reply()!.body.replace(marker, "").trim();
    },
    appComments: (issue) =>
      sb.state.comments(issue).filter((c) => c.user.login === `${sb.app.slug}[bot]`),
    runsFor: (branch) =>
      sb.state
        .runs()
        .filter((r) => r.head_branch === branch)
        .sort((a, b) => a.id - b.id),
    appRequests: () => sb.state.requests.filter((r) => r.actor === `${sb.app.slug}[bot]`),
    ledger: (tag) => readLedger(sb, tag),
    async pushExperiment(tag, name, files, message, as = "octocat") {
      const parent = await sb.git.sha(`autoresearch/${tag}`);
      if (!parent) throw new Error(`no run branch autoresearch/${tag} to push onto`);
      const octokit = sb.octokit(as);
      const repo = { owner: sb.repo.owner, repo: sb.repo.name };
      const { data: base } = await octokit.git.getCommit({ ...repo, commit_sha: parent });
      const tree = await Promise.all(
        Object.entries(files).map(async ([path, change]) => {
          const content =
            typeof change === "function"
              ? change((await sb.git.readFile(parent, path)) ?? "")
              : change;
          if (content === null)
            return { path, mode: "100644" as const, type: "blob" as const, sha: null };
          const { data: blob } = await octokit.git.createBlob({
            ...repo,
            content,
            encoding: "utf-8",
          });
          return { path, mode: "100644" as const, type: "blob" as const, sha: blob.sha };
        }),
      );
      const { data: newTree } = await octokit.git.createTree({
        ...repo,
        base_tree: base.tree.sha,
        tree,
      });
      const { data: commit } = await octokit.git.createCommit({
        ...repo,
        message,
        tree: newTree.sha,
        parents: [parent],
      });
      await octokit.git.createRef({
        ...repo,
        ref: `refs/heads/autoresearch/${tag}--${name}`,
        sha: commit.sha,
      });
      return commit.sha;
    },
    waitFor,
    async waitForDecision(tag, branch, timeoutMs = 60_000) {
      await waitFor(
        `the experiment on ${branch} to be decided`,
        () => experimentFor(tag, branch)?.state.phase === "decided",
        timeoutMs,
      );
      return experimentFor(tag, branch)!;
    },
    async stop() {
      for (const h of handles) h.stop();
      try {
        await sb.stop();
      } finally {
        rmSync(seedDir, { recursive: true, force: true });
        rmSync(gatesDir, { recursive: true, force: true });
      }
    },
  };
}

/** The ledger's rows as [commit, val_bpb, memory_gb, status, description] (header left out). */
export function ledgerRows(tsv: string): string[][] {
  return tsv
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split("\t"));
}

/**
 * Starts run `tag` and waits until its baseline is decided and the sandbox is quiet: where the
 * tests that push their own experiments begin. Takes a started scenario (rather than making one)
 * so the caller's `s` is set before anything can fail, and its afterAll still stops the app.
 */
export async function startPastBaseline(s: Scenario, tag: string): Promise<void> {
  await s.start(tag);
  await s.waitForDecision(tag, `autoresearch/${tag}--1-baseline`, 90_000);
  await s.sandbox.settle({ timeoutMs: 60_000 });
}

/** Stops the scenario, failing the file if the sandbox saw a contract violation. */
export async function stopChecked(s: Scenario): Promise<void> {
  try {
    s.sandbox.assertNoViolations();
  } finally {
    await s.stop();
  }
}
