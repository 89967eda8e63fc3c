/**
 * The sandbox's self-hosted runners. A workflow_dispatch (validated as GitHub validates it)
 * creates a workflow run; a free runner whose labels satisfy `runs-on` takes the job, runs its
 * steps (actions/checkout clones the ref; our action runs as `node <entry>` with the same
 * environment contract as the Actions runner; `run:` steps run in bash), then completes the run.
 * Every state change is announced (workflow_run, check_run for the job) like GitHub does.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { execa } from "execa";
import { type ActionManifest, readActionManifest } from "./action-manifest.js";
import { findWorkflow, syncWorkflows, workflowRunJson } from "./api/actions.js";
import { createCheckRun, suiteFor, updateCheckRun } from "./api/checks.js";
import type { ActionsBackend } from "./api/route.js";
import type { Auth } from "./auth.js";
import type { Faults } from "./faults.js";
import type {
  Account,
  CheckRunRecord,
  Permissions,
  WorkflowRecord,
  WorkflowRunRecord,
} from "./model.js";
import { realPython3Dir } from "./python.js";
import { workflowObject } from "./rest-objects.js";
import type { ViolationLog } from "./violations.js";
import {
  type ExpressionContext,
  evaluateExpression,
  evaluateTemplate,
  parseWorkflow,
  resolveDispatchInputs,
  type Workflow,
  type WorkflowJob,
  type WorkflowStep,
} from "./workflow-file.js";
import { ApiError, type World } from "./world.js";

export interface RunnerOptions {
  /** How many runners (GPUs); each runs one job at a time. */
  count: number;
  labels: string[];
  /** `uses:` values starting with this (then `@ref`) are "our action". */
  actionRepo: string;
  /** Where action.yml lives (the autoresearch-bot checkout). */
  actionDir: string;
  /** Script to run instead of action.yml's `runs.main` (tests point it at a fixture). */
  actionEntry?: string;
  /** Root for runner directories (homes, work dirs, temp). */
  workRoot: string;
  /** The bare repository actions/checkout clones from. */
  gitDir: string;
  /** Runs once per runner home (default: creates ~/.cache/autoresearch, as `uv run prepare.py` would). */
  prepareHome?: (home: string, runner: string) => void | Promise<void>;
  /** Extra environment for job processes (e.g. PATH with a fake `uv`). */
  env?: Record<string, string>;
  /** Rewrites the action's `command` input (the demo wraps training with a fake trainer). */
  commandWrapper?: (command: string) => string;
  /** Cancellation: SIGINT, then SIGTERM after [0] ms, SIGKILL after [1] more (GitHub: 7500, 2500). */
  cancelGraceMs?: [number, number];
  /**
   * GITHUB_TOKEN permissions when the workflow declares none. GitHub's default for new repos
   * and organizations is "restricted" (contents: read, packages: read, metadata: read).
   */
  defaultTokenPermissions?: "restricted" | "permissive";
  /**
   * GitHub-hosted runners (labels `ubuntu-latest`, `ubuntu-24.04`; a fresh machine per job) for
   * jobs that run on them, such as the app workflow of zero-server mode. Default 2.
   */
  hostedRunners?: number;
}

/** The labels a GitHub-hosted runner answers to here. */
export const HOSTED_LABELS = ["ubuntu-latest", "ubuntu-24.04"];

interface Job {
  run: WorkflowRunRecord;
  /** The run attempt this job belongs to (a re-run adds jobs of the next attempt). */
  attempt: number;
  workflow: Workflow;
  def: WorkflowJob;
  status: "queued" | "running" | "done";
  conclusion?: "success" | "failure" | "cancelled" | "skipped";
  child?: ChildProcess;
  cancelRequested?: boolean;
  runnerDied?: boolean;
}

interface JobDirs {
  workspace: string;
  temp: string;
  home: string;
  files: {
    output: string;
    summary: string;
    env: string;
    path: string;
    state: string;
    event: string;
  };
}

interface RunnerSlot {
  name: string;
  labels: string[];
  dir: string;
  home: string;
  job: Job | null;
  homeReady: boolean;
  /** A GitHub-hosted runner: a fresh machine per job, no fault of the GPU box reaches it. */
  hosted: boolean;
}

const RESTRICTED: Permissions = { contents: "read", packages: "read", metadata: "read" };
const PERMISSIVE: Permissions = {
  actions: "write",
  checks: "write",
  contents: "write",
  deployments: "write",
  issues: "write",
  packages: "write",
  pull_requests: "write",
  statuses: "write",
  metadata: "read",
};

export class SandboxRunners implements ActionsBackend {
  readonly #jobs: Job[] = [];
  readonly #slots: RunnerSlot[];
  readonly #running = new Set<Promise<void>>();
  /** Events being matched against the workflows' triggers (settle waits for them). */
  readonly #eventWork = new Set<Promise<void>>();
  /** Repository secrets (`secrets.NAME`); an unset one reads "" as on GitHub. */
  #secrets: Record<string, string> = {};
  /** The default branch's workflows, parsed, at the sha they were read at. */
  #workflowsAt: {
    sha: string;
    found: { record: WorkflowRecord; workflow: Workflow; branch: string; sha: string }[];
  } | null = null;
  #stopped = false;

  constructor(
    private readonly world: World,
    private readonly auth: Auth,
    private readonly faults: Faults,
    private readonly violations: ViolationLog,
    private readonly options: RunnerOptions,
  ) {
    this.#slots = Array.from({ length: options.count }, (_, i) => {
      const name = `sandbox-runner-${i + 1}`;
      const dir = join(options.workRoot, name);
      return {
        name,
        labels: options.labels,
        dir,
        home: join(dir, "home"),
        job: null,
        homeReady: false,
        hosted: false,
      };
    });
    for (let i = 0; i < (options.hostedRunners ?? 2); i++) {
      const name = `GitHub Actions ${i + 1}`;
      const dir = join(options.workRoot, `hosted-${i + 1}`);
      this.#slots.push({
        name,
        labels: HOSTED_LABELS,
        dir,
        home: join(dir, "home"),
        job: null,
        homeReady: false,
        hosted: true,
      });
    }
  }

  // ---- ActionsBackend ------------------------------------------------------------------

  async dispatch(input: {
    workflowId: string;
    ref: string;
    inputs: Record<string, unknown>;
    actor: Account;
  }): Promise<{ runId: number }> {
    const world = this.world;
    const record = await findWorkflow(world, input.workflowId);
    const branch = input.ref.replace(/^refs\/heads\//, "");
    const sha =
      (await world.git.getRef(`refs/heads/${branch}`)) ??
      (await world.git.getRef(`refs/tags/${branch}`));
    if (!sha) throw new ApiError(422, `No ref found for: ${input.ref}`);
    const file = await world.git.readPath(sha, record.path);
    if (file?.type !== "file")
      throw new ApiError(422, `Workflow does not have 'workflow_dispatch' trigger`);
    let workflow: Workflow;
    try {
      workflow = parseWorkflow(file.content.toString("utf8"), record.path);
    } catch (error) {
      throw new ApiError(422, `Invalid workflow file: ${(error as Error).message}`);
    }
    if (!workflow.dispatchInputs)
      throw new ApiError(422, "Workflow does not have 'workflow_dispatch' trigger");
    const inputs = resolveDispatchInputs(workflow.dispatchInputs, input.inputs);
    const payload = {
      inputs,
      ref: `refs/heads/${branch}`,
      repository: world.repoJson(),
      sender: world.userJson(input.actor),
      workflow: record.path,
      ...(world.repo.owner.type === "Organization"
        ? { organization: { login: world.repo.owner.login, id: world.repo.owner.id } }
        : {}),
    };
    const run = await this.#createRun({
      record,
      workflow,
      event: "workflow_dispatch",
      payload,
      branch,
      sha,
      inputs,
      actor: input.actor,
    });
    return { runId: run.id };
  }

  /**
   * A repository event, as GitHub hands it to Actions: every workflow on the default branch
   * triggered on it gets a run. Events caused by a GITHUB_TOKEN (sender github-actions[bot])
   * start none, except repository_dispatch (docs: "Triggering a workflow from a workflow");
   * workflow_dispatch comes through `dispatch`.
   */
  onEvent(event: string, payload: Record<string, unknown>): void {
    // The only events a workflow can be triggered on here (workflow_dispatch comes by `dispatch`).
    if (event !== "issue_comment" && event !== "repository_dispatch") return;
    const work = this.#startRunsFor(event, payload)
      .catch((error: unknown) => {
        this.violations.record(
          "runner",
          `event ${event}`,
          `sandbox Actions could not start runs for it: ${(error as Error).stack ?? error}`,
        );
      })
      .finally(() => this.#eventWork.delete(work));
    this.#eventWork.add(work);
  }

  async #startRunsFor(event: string, payload: Record<string, unknown>): Promise<void> {
    if (this.#stopped) return;
    const sender = payload.sender as Account | undefined;
    if (sender?.login === this.world.githubActionsBot.login && event !== "repository_dispatch")
      return;
    const action = typeof payload.action === "string" ? payload.action : null;
    for (const { record, workflow, branch, sha } of await this.#defaultBranchWorkflows()) {
      const trigger =
        event === "issue_comment"
          ? workflow.triggers.issue_comment
          : event === "repository_dispatch"
            ? workflow.triggers.repository_dispatch
            : undefined;
      if (!trigger || (trigger.types && !(action && trigger.types.includes(action)))) continue;
      await this.#createRun({
        record,
        workflow,
        event,
        payload,
        branch,
        sha,
        inputs: {},
        actor: sender ?? this.world.repo.owner,
      });
    }
  }

  /**
   * Fires every `schedule` trigger on the default branch once, now (GitHub fires them by the
   * clock, at most every 5 minutes, later under load). The run's actor is the one who last
   * committed the workflow file's branch head, as GitHub uses whoever last changed the cron.
   * Returns the runs created.
   */
  async fireSchedule(): Promise<number[]> {
    const ids: number[] = [];
    for (const { record, workflow, branch, sha } of await this.#defaultBranchWorkflows()) {
      for (const cron of workflow.triggers.schedule ?? []) {
        const commit = await this.world.git.readCommit(sha);
        const actor = this.world.accountByEmail(commit.author.email) ?? this.world.user("octocat");
        const run = await this.#createRun({
          record,
          workflow,
          event: "schedule",
          payload: {
            schedule: cron,
            repository: this.world.repoJson(),
            sender: this.world.userJson(actor),
            workflow: record.path,
          },
          branch,
          sha,
          inputs: {},
          actor,
        });
        ids.push(run.id);
      }
    }
    return ids;
  }

  /** The workflows of the default branch's head (where GitHub looks for event triggers). */
  async #defaultBranchWorkflows(): Promise<
    { record: WorkflowRecord; workflow: Workflow; branch: string; sha: string }[]
  > {
    const world = this.world;
    const branch = world.repo.default_branch;
    const sha = await world.git.getRef(`refs/heads/${branch}`);
    if (!sha) return [];
    if (this.#workflowsAt?.sha === sha) return this.#workflowsAt.found;
    const found = [];
    for (const record of await syncWorkflows(world)) {
      const file = await world.git.readPath(sha, record.path);
      if (file?.type !== "file") continue;
      try {
        found.push({
          record,
          workflow: parseWorkflow(file.content.toString("utf8"), record.path),
          branch,
          sha,
        });
      } catch {
        // An invalid workflow file starts nothing (GitHub shows it as failed to parse).
      }
    }
    this.#workflowsAt = { sha, found };
    return found;
  }

  async #createRun(input: {
    record: WorkflowRecord;
    workflow: Workflow;
    event: string;
    payload: Record<string, unknown>;
    branch: string;
    sha: string;
    inputs: Record<string, string>;
    actor: Account;
  }): Promise<WorkflowRunRecord> {
    const world = this.world;
    const { record, workflow, inputs, branch, sha } = input;
    const at = world.now();
    const runNumber =
      [...world.runs.values()].filter((r) => r.workflow.id === record.id).length + 1;
    const base = {
      inputs,
      github: {
        actor: input.actor.login,
        ref: `refs/heads/${branch}`,
        ref_name: branch,
        sha,
        event_name: input.event,
        event: input.payload,
        repository: `${world.repo.owner.login}/${world.repo.name}`,
      },
    };
    const run: WorkflowRunRecord = {
      id: world.nextId("run"),
      workflow: record,
      name: workflow.name ?? record.path,
      display_title: workflow.runName
        ? evaluateTemplate(workflow.runName, { ...emptyContext(), ...base })
        : (workflow.name ?? record.path),
      run_number: runNumber,
      run_attempt: 1,
      event: input.event,
      event_payload: input.payload,
      head_branch: branch,
      head_sha: sha,
      status: "queued",
      conclusion: null,
      actor: input.actor,
      created_at: at,
      updated_at: at,
      run_started_at: at,
      inputs,
      concurrency_group: workflow.concurrency
        ? evaluateTemplate(workflow.concurrency.group, { ...emptyContext(), ...base })
        : null,
      suite: suiteFor(world, world.actionsApp, sha, branch),
      log: "",
      outputs: {},
      summary: "",
      runner: null,
      exit_code: null,
    };
    world.runs.set(run.id, run);
    await this.#announce(run, "requested");
    for (const def of workflow.jobs) {
      const job: Job = { run, attempt: run.run_attempt, workflow, def, status: "queued" };
      // A job whose `if:` is false is skipped (evaluated with the run's contexts, no status).
      if (
        def.if !== undefined &&
        !truthyValue(evaluateExpression(def.if, { ...emptyContext(), ...base }))
      ) {
        job.status = "done";
        job.conclusion = "skipped";
      }
      this.#jobs.push(job);
    }
    await this.#applyConcurrency(run, workflow.concurrency?.cancelInProgress ?? false);
    await this.#maybeComplete(run);
    this.#schedule();
    return run;
  }

  /**
   * Concurrency groups as GitHub applies them: one run in progress and one pending per group;
   * a newly queued run cancels the group's previously pending run, and with
   * `cancel-in-progress` also the running one (docs: "Control the concurrency of workflows").
   */
  async #applyConcurrency(run: WorkflowRunRecord, cancelInProgress: boolean): Promise<void> {
    const group = run.concurrency_group;
    if (!group) return;
    const others = [...this.world.runs.values()].filter(
      (r) => r.id !== run.id && r.concurrency_group === group && r.status !== "completed",
    );
    for (const other of others) {
      const started = this.#jobs.some((j) => j.run.id === other.id && j.status !== "queued");
      if (!started || cancelInProgress) await this.cancel(other.id);
    }
    if (this.#groupBusy(run)) run.status = "pending";
  }

  /** Another run of the same concurrency group has a job running. */
  #groupBusy(run: WorkflowRunRecord): boolean {
    if (!run.concurrency_group) return false;
    return this.#jobs.some(
      (j) =>
        j.run.id !== run.id &&
        j.run.concurrency_group === run.concurrency_group &&
        j.status === "running",
    );
  }

  /**
   * "Re-run all jobs" of a completed run: a new attempt of the same run (same id, same event
   * payload, `run_attempt` + 1), triggered by `by`. The way one event reaches a workflow twice.
   */
  async rerun(runId: number, by: Account): Promise<void> {
    const run = this.world.runs.get(runId);
    if (!run) throw new Error(`no workflow run ${runId}`);
    if (run.status !== "completed")
      throw new Error(`run ${runId} is ${run.status}: only a completed run can be re-run`);
    const at = this.world.now();
    Object.assign(run, {
      run_attempt: run.run_attempt + 1,
      status: "queued",
      conclusion: null,
      updated_at: at,
      run_started_at: at,
    });
    this.#log(run, `Re-run of all jobs (attempt ${run.run_attempt}) by ${by.login}\n`);
    const workflow = this.#jobs.find((j) => j.run.id === runId)?.workflow;
    if (!workflow) throw new Error(`run ${runId} has no jobs to re-run`);
    const context = { ...emptyContext(), ...this.#runContext(run) };
    for (const def of workflow.jobs) {
      const job: Job = { run, attempt: run.run_attempt, workflow, def, status: "queued" };
      if (def.if !== undefined && !truthyValue(evaluateExpression(def.if, context))) {
        job.status = "done";
        job.conclusion = "skipped";
      }
      this.#jobs.push(job);
    }
    await this.#announce(run, "requested");
    await this.#applyConcurrency(run, workflow.concurrency?.cancelInProgress ?? false);
    await this.#maybeComplete(run);
    this.#schedule();
  }

  /** The contexts a run's `if:` and `concurrency` see before any job runs. */
  #runContext(run: WorkflowRunRecord) {
    return {
      inputs: run.inputs,
      github: {
        actor: run.actor.login,
        ref: `refs/heads/${run.head_branch}`,
        ref_name: run.head_branch,
        sha: run.head_sha,
        event_name: run.event,
        event: run.event_payload,
        repository: `${this.world.repo.owner.login}/${this.world.repo.name}`,
      },
    };
  }

  async cancel(runId: number): Promise<void> {
    for (const job of this.#jobs.filter((j) => j.run.id === runId && j.status !== "done")) {
      job.cancelRequested = true;
      if (job.status === "queued") {
        job.status = "done";
        job.conclusion = "cancelled";
      } else if (job.child) {
        this.#terminate(job.child);
      }
    }
    await this.#maybeComplete(this.world.runs.get(runId)!);
  }

  /** Settings → Secrets and variables → Actions: the repository's secrets, replaced whole. */
  setSecrets(secrets: Record<string, string>): void {
    this.#secrets = { ...secrets };
  }

  /** A runner's own directory (its home is `<dir>/home`, its work tree `<dir>/_work`). */
  workRootOf(runner: string): string {
    const slot = this.#slots.find((s) => s.name === runner);
    if (!slot)
      throw new Error(`no runner "${runner}" (have ${this.#slots.map((s) => s.name).join(", ")})`);
    return slot.dir;
  }

  // ---- scheduling ------------------------------------------------------------------------

  /** True when no job is running and every queued job is waiting for a runner that does not exist. */
  isIdle(): boolean {
    if (this.#running.size > 0 || this.#eventWork.size > 0) return false;
    return !this.#jobs.some(
      (j) => j.status === "queued" && this.#slots.some((s) => this.#fits(s, j)),
    );
  }

  describeBacklog(): string {
    const running = this.#slots.filter((s) => s.job).map((s) => `${s.name}: run ${s.job!.run.id}`);
    const queued = this.#jobs
      .filter((j) => j.status === "queued")
      .map((j) => `run ${j.run.id} (runs-on ${j.def.runsOn.join(",")})`);
    return `running [${running.join("; ")}], queued [${queued.join("; ")}]`;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const slot of this.#slots) {
      if (slot.job?.child?.pid) killGroup(slot.job.child.pid, "SIGKILL");
    }
    await Promise.allSettled([...this.#running]);
  }

  #fits(slot: RunnerSlot, job: Job): boolean {
    return job.def.runsOn.every((label) =>
      slot.labels.map((l) => l.toLowerCase()).includes(label.toLowerCase()),
    );
  }

  #schedule(): void {
    if (this.#stopped) return;
    for (const slot of this.#slots) {
      if (slot.job) continue;
      const job = this.#jobs.find(
        (j) => j.status === "queued" && this.#fits(slot, j) && !this.#groupBusy(j.run),
      );
      if (!job) continue;
      job.status = "running";
      slot.job = job;
      const task = this.#execute(slot, job)
        .catch((error: unknown) => {
          this.violations.record(
            "runner",
            `run ${job.run.id}`,
            `sandbox runner crashed: ${(error as Error).stack ?? error}`,
          );
          job.conclusion = "failure";
        })
        .finally(async () => {
          job.status = "done";
          slot.job = null;
          await this.#maybeComplete(job.run).catch(() => undefined);
          this.#running.delete(task);
          this.#schedule();
        });
      this.#running.add(task);
    }
  }

  async #announce(
    run: WorkflowRunRecord,
    action: "requested" | "in_progress" | "completed",
  ): Promise<void> {
    const world = this.world;
    world.emit("workflow_run", run.actor, {
      action,
      workflow_run: await workflowRunJson(world, run),
      workflow: workflowObject(world.urls, world.repo, run.workflow),
    });
  }

  async #maybeComplete(run: WorkflowRunRecord): Promise<void> {
    const jobs = this.#jobs.filter((j) => j.run.id === run.id && j.attempt === run.run_attempt);
    if (run.status === "completed" || jobs.some((j) => j.status !== "done")) return;
    const conclusions = jobs.map((j) => j.conclusion);
    run.status = "completed";
    run.conclusion = conclusions.includes("cancelled")
      ? "cancelled"
      : conclusions.includes("failure")
        ? "failure"
        : conclusions.every((c) => c === "skipped")
          ? "skipped"
          : "success";
    run.updated_at = this.world.now();
    await this.#announce(run, "completed");
  }

  // ---- one job ------------------------------------------------------------------------------

  async #execute(slot: RunnerSlot, job: Job): Promise<void> {
    const world = this.world;
    const run = job.run;
    run.runner = slot.name;
    if (run.status !== "in_progress") {
      run.status = "in_progress";
      run.run_started_at = world.now();
      run.updated_at = run.run_started_at;
      await this.#announce(run, "in_progress");
    }
    const check = await createCheckRun(world, world.actionsApp, world.githubActionsBot, {
      name: job.def.name,
      head_sha: run.head_sha,
      status: "in_progress",
      details_url: `${world.urls.html}/${world.repo.owner.login}/${world.repo.name}/actions/runs/${run.id}`,
    });
    const permissions =
      job.def.permissions ??
      job.workflow.permissions ??
      ((this.options.defaultTokenPermissions ??
        (world.actionsWorkflowPermissions.default_workflow_permissions === "write"
          ? "permissive"
          : "restricted")) === "permissive"
        ? PERMISSIVE
        : RESTRICTED);
    const token = this.auth.issueActionsToken(run.id, { ...permissions, metadata: "read" });
    const dirs = await this.#prepareDirs(slot, run);
    const ctx = this.#expressionContext(run, job, dirs, token, slot);
    // Faults are the GPU box's: a GitHub-hosted job draws none (and takes none from it).
    const deathAfter = slot.hosted ? null : this.faults.takeRunnerDeath();
    const crash = slot.hosted ? false : this.faults.takeCrash();
    const timeout = setTimeout(() => {
      job.cancelRequested = true;
      this.#log(
        run,
        `##[error]The job running on runner ${slot.name} has exceeded the maximum execution time of ${job.def.timeoutMinutes} minutes.\n`,
      );
      if (job.child) this.#terminate(job.child);
    }, job.def.timeoutMinutes * 60_000);
    const death =
      deathAfter === null
        ? null
        : setTimeout(() => {
            job.runnerDied = true;
            this.#log(
              run,
              `##[error]The runner has received a shutdown signal (sandbox fault: runner died).\n`,
            );
            if (job.child?.pid) killGroup(job.child.pid, "SIGKILL");
          }, deathAfter);
    let status: "success" | "failure" | "cancelled" = "success";
    try {
      for (const [index, step] of job.def.steps.entries()) {
        ctx.job.status = status;
        if (!this.#shouldRun(step, ctx, job)) continue;
        if (job.runnerDied) break;
        const exit = await this.#runStep(step, index, job, dirs, ctx, crash);
        if (job.runnerDied || job.cancelRequested) {
          status = job.runnerDied ? "failure" : "cancelled";
          break;
        }
        if (exit !== 0 && !step["continue-on-error"]) status = "failure";
      }
    } finally {
      clearTimeout(timeout);
      if (death) clearTimeout(death);
      this.auth.revoke(token);
    }
    if (job.cancelRequested) status = "cancelled";
    if (job.runnerDied) status = "failure";
    job.conclusion = status;
    updateCheckRun(world, world.checkRuns.get(check.id) as CheckRunRecord, world.githubActionsBot, {
      status: "completed",
      conclusion: status,
    });
  }

  #shouldRun(step: WorkflowStep, ctx: ExpressionContext, job: Job): boolean {
    if (job.cancelRequested)
      return step.if !== undefined && /always\(\)|cancelled\(\)/.test(step.if);
    if (step.if === undefined) return ctx.job.status === "success";
    const condition = step.if.replace(/^\$\{\{\s*|\s*\}\}$/g, "");
    const usesStatus = /\b(success|failure|always|cancelled)\(\)/.test(condition);
    const value = evaluateExpression(condition, ctx);
    const truthy =
      value !== "" && value !== false && value !== null && value !== undefined && value !== 0;
    return usesStatus ? truthy : ctx.job.status === "success" && truthy;
  }

  async #prepareDirs(slot: RunnerSlot, run: WorkflowRunRecord): Promise<JobDirs> {
    const repo = this.world.repo.name;
    const workspace = join(slot.dir, "_work", repo, repo);
    const temp = join(slot.dir, "_work", "_temp");
    rmSync(workspace, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(workspace, { recursive: true });
    mkdirSync(temp, { recursive: true });
    // A GitHub-hosted runner is a fresh machine for every job.
    if (slot.hosted) rmSync(slot.home, { recursive: true, force: true });
    mkdirSync(slot.home, { recursive: true });
    if (slot.hosted) {
      // Nothing to prepare: no data cache, no state from an earlier job.
    } else if (!slot.homeReady) {
      // A self-hosted runner's home persists between jobs; it is prepared once.
      if (this.options.prepareHome) await this.options.prepareHome(slot.home, slot.name);
      else mkdirSync(join(slot.home, ".cache", "autoresearch"), { recursive: true });
      slot.homeReady = true;
    }
    const files = {
      output: join(temp, `_runner_file_commands/set_output_${run.id}`),
      summary: join(temp, `_runner_file_commands/step_summary_${run.id}`),
      env: join(temp, `_runner_file_commands/set_env_${run.id}`),
      path: join(temp, `_runner_file_commands/add_path_${run.id}`),
      state: join(temp, `_runner_file_commands/save_state_${run.id}`),
      event: join(slot.dir, "_work", "_temp", "_github_workflow", "event.json"),
    };
    mkdirSync(join(temp, "_runner_file_commands"), { recursive: true });
    mkdirSync(join(temp, "_github_workflow"), { recursive: true });
    writeFileSync(files.event, JSON.stringify(this.#dispatchEvent(run), null, 2));
    return { workspace, temp, home: slot.home, files };
  }

  /** The event payload the run was triggered by (GITHUB_EVENT_PATH). */
  #dispatchEvent(run: WorkflowRunRecord) {
    return run.event_payload;
  }

  #expressionContext(
    run: WorkflowRunRecord,
    job: Job,
    dirs: JobDirs,
    token: string,
    slot: RunnerSlot,
  ): ExpressionContext {
    const world = this.world;
    const repository = `${world.repo.owner.login}/${world.repo.name}`;
    return {
      inputs: run.inputs,
      secrets: { ...this.#secrets, GITHUB_TOKEN: token },
      env: {},
      steps: {},
      runner: {
        name: slot.name,
        os: "Linux",
        arch: "X64",
        temp: dirs.temp,
        tool_cache: join(slot.dir, "_tool"),
      },
      job: { status: "success" },
      github: {
        token,
        actor: run.actor.login,
        triggering_actor: run.actor.login,
        event_name: run.event,
        event: this.#dispatchEvent(run),
        ref: `refs/heads/${run.head_branch}`,
        ref_name: run.head_branch,
        ref_type: "branch",
        sha: run.head_sha,
        repository,
        repository_owner: world.repo.owner.login,
        run_id: String(run.id),
        run_number: String(run.run_number),
        run_attempt: String(run.run_attempt),
        workflow: run.name,
        job: job.def.id,
        workspace: dirs.workspace,
        server_url: world.urls.html,
        api_url: world.urls.api,
        graphql_url: `${world.urls.api}/graphql`,
      },
    };
  }

  #baseEnv(
    run: WorkflowRunRecord,
    job: Job,
    dirs: JobDirs,
    ctx: ExpressionContext,
    slot: RunnerSlot,
  ): Record<string, string> {
    const g = ctx.github as Record<string, string>;
    const world = this.world;
    return {
      PATH: jobPath(),
      LANG: process.env.LANG ?? "C.UTF-8",
      HOME: dirs.home,
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_ACTOR: g.actor,
      GITHUB_ACTOR_ID: String(run.actor.id),
      GITHUB_TRIGGERING_ACTOR: g.actor,
      GITHUB_API_URL: g.api_url,
      GITHUB_SERVER_URL: g.server_url,
      GITHUB_GRAPHQL_URL: g.graphql_url,
      GITHUB_EVENT_NAME: run.event,
      GITHUB_EVENT_PATH: dirs.files.event,
      GITHUB_JOB: job.def.id,
      GITHUB_REF: g.ref,
      GITHUB_REF_NAME: g.ref_name,
      GITHUB_REF_TYPE: "branch",
      GITHUB_REF_PROTECTED: "false",
      GITHUB_REPOSITORY: g.repository,
      GITHUB_REPOSITORY_ID: String(world.repo.id),
      GITHUB_REPOSITORY_OWNER: world.repo.owner.login,
      GITHUB_REPOSITORY_OWNER_ID: String(world.repo.owner.id),
      GITHUB_RETENTION_DAYS: "90",
      GITHUB_RUN_ID: g.run_id,
      GITHUB_RUN_NUMBER: g.run_number,
      GITHUB_RUN_ATTEMPT: g.run_attempt,
      GITHUB_SHA: g.sha,
      GITHUB_WORKFLOW: run.name,
      GITHUB_WORKFLOW_REF: `${g.repository}/${run.workflow.path}@${g.ref}`,
      GITHUB_WORKFLOW_SHA: g.sha,
      GITHUB_WORKSPACE: dirs.workspace,
      GITHUB_OUTPUT: dirs.files.output,
      GITHUB_STEP_SUMMARY: dirs.files.summary,
      GITHUB_ENV: dirs.files.env,
      GITHUB_PATH: dirs.files.path,
      GITHUB_STATE: dirs.files.state,
      RUNNER_NAME: slot.name,
      RUNNER_OS: "Linux",
      RUNNER_ARCH: "X64",
      RUNNER_TEMP: dirs.temp,
      RUNNER_TOOL_CACHE: join(slot.dir, "_tool"),
      RUNNER_WORKSPACE: join(slot.dir, "_work", world.repo.name),
      RUNNER_ENVIRONMENT: slot.hosted ? "github-hosted" : "self-hosted",
      ...this.options.env,
    };
  }

  #stepEnv(
    step: WorkflowStep,
    job: Job,
    ctx: ExpressionContext,
    run: WorkflowRunRecord,
  ): Record<string, string> {
    const env: Record<string, string> = {};
    for (const layer of [job.workflow.env, job.def.env, step.env ?? {}]) {
      for (const [k, v] of Object.entries(layer)) {
        env[k] = evaluateTemplate(String(v), { ...ctx, env: { ...ctx.env, ...env } }, (e) =>
          this.#unsupported(run, e),
        );
      }
    }
    return env;
  }

  #unsupported(run: WorkflowRunRecord, expr: string): void {
    this.#log(
      run,
      `##[warning]sandbox runner: expression "${expr}" is not supported here and evaluated to ""\n`,
    );
  }

  async #runStep(
    step: WorkflowStep,
    index: number,
    job: Job,
    dirs: JobDirs,
    ctx: ExpressionContext,
    crash: boolean,
  ): Promise<number> {
    const run = job.run;
    const slot = this.#slots.find((s) => s.job === job)!;
    const label =
      step.name ?? step.uses ?? (step.run ? `Run ${step.run.split("\n")[0]}` : `step ${index + 1}`);
    this.#log(run, `##[group]${label}\n`);
    const env = {
      ...this.#baseEnv(run, job, dirs, ctx, slot),
      ...this.#stepEnv(step, job, ctx, run),
      ...readEnvFile(dirs.files.env),
    };
    for (const f of Object.values(dirs.files))
      if (f !== dirs.files.event && !existsSync(f)) writeFileSync(f, "");
    let exit: number;
    if (step.uses && /^actions\/checkout@/.test(step.uses)) {
      exit = await this.#checkout(run, dirs.workspace);
    } else if (step.uses && step.uses.split("@")[0] === this.options.actionRepo) {
      exit = await this.#runAction(step, job, dirs, ctx, env, crash);
    } else if (step.uses) {
      this.#log(
        run,
        `##[warning]sandbox runner: "${step.uses}" is not emulated; the step is skipped\n`,
      );
      exit = 0;
    } else if (step.run !== undefined) {
      const script = evaluateTemplate(step.run, { ...ctx, env: { ...ctx.env, ...env } }, (e) =>
        this.#unsupported(run, e),
      );
      const file = join(dirs.temp, `step-${index}.sh`);
      writeFileSync(file, script);
      const cwd = step["working-directory"]
        ? join(dirs.workspace, step["working-directory"])
        : dirs.workspace;
      exit = await this.#spawn(
        job,
        "bash",
        ["--noprofile", "--norc", "-eo", "pipefail", file],
        cwd,
        env,
      );
    } else {
      exit = 0;
    }
    const outputs = readOutputFile(dirs.files.output);
    writeFileSync(dirs.files.output, "");
    if (step.id)
      ctx.steps[step.id] = {
        outputs,
        outcome: exit === 0 ? "success" : "failure",
        conclusion: exit === 0 ? "success" : "failure",
      };
    if (step.uses?.split("@")[0] === this.options.actionRepo) Object.assign(run.outputs, outputs);
    const summary = readFileSync(dirs.files.summary, "utf8");
    if (summary) {
      run.summary += summary;
      writeFileSync(dirs.files.summary, "");
    }
    this.#log(run, `##[endgroup]\n`);
    return exit;
  }

  async #checkout(run: WorkflowRunRecord, workspace: string): Promise<number> {
    rmSync(workspace, { recursive: true, force: true });
    const env = {
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_TERMINAL_PROMPT: "0",
    };
    const clone = await execa(
      "git",
      ["clone", "--quiet", "--no-checkout", this.options.gitDir, workspace],
      { reject: false, env },
    );
    const checkout =
      clone.exitCode === 0
        ? await execa(
            "git",
            ["checkout", "--quiet", "--force", "-B", run.head_branch, run.head_sha],
            { cwd: workspace, reject: false, env },
          )
        : clone;
    this.#log(
      run,
      `${String(clone.stderr)}${String(checkout.stderr)}Checked out ${run.head_branch} at ${run.head_sha}\n`,
    );
    return checkout.exitCode ?? 1;
  }

  async #runAction(
    step: WorkflowStep,
    job: Job,
    dirs: JobDirs,
    ctx: ExpressionContext,
    env: Record<string, string>,
    crash: boolean,
  ): Promise<number> {
    const run = job.run;
    let manifest: ActionManifest;
    try {
      manifest = readActionManifest(this.options.actionDir);
    } catch (error) {
      this.#log(run, `##[error]${(error as Error).message}\n`);
      return 1;
    }
    if (!manifest.fromFile)
      this.#log(
        run,
        `##[warning]sandbox runner: no action.yml in ${this.options.actionDir}; using the documented inputs\n`,
      );
    const given = step.with ?? {};
    const unexpected = Object.keys(given).filter((k) => !(k in manifest.inputs));
    if (unexpected.length > 0) {
      this.#log(
        run,
        `##[warning]Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${Object.keys(manifest.inputs).join("', '")}']\n`,
      );
    }
    const inputs: Record<string, string> = {};
    const exprCtx = { ...ctx, env: { ...ctx.env, ...env } };
    for (const [name, spec] of Object.entries(manifest.inputs)) {
      const raw = given[name] !== undefined ? String(given[name]) : spec.default;
      if (raw === undefined) continue;
      inputs[name] = evaluateTemplate(raw, exprCtx, (e) => this.#unsupported(run, e));
    }
    for (const name of unexpected) inputs[name] = evaluateTemplate(String(given[name]), exprCtx);
    if (inputs.command !== undefined) {
      if (crash) inputs.command = `sh ${this.#writeCrashScript(dirs.temp)}`;
      else if (this.options.commandWrapper)
        inputs.command = this.options.commandWrapper(inputs.command);
    }
    const inputEnv = Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, "_").toUpperCase()}`, v]),
    );
    const entry = this.options.actionEntry ?? join(this.options.actionDir, manifest.main);
    const script = isAbsolute(entry) ? entry : join(this.options.actionDir, entry);
    const stepEnv = {
      ...env,
      ...inputEnv,
      GITHUB_ACTION: step.id ?? `__${this.options.actionRepo.replace("/", "_")}`,
      GITHUB_ACTION_REPOSITORY: this.options.actionRepo,
      GITHUB_ACTION_REF: step.uses?.split("@")[1] ?? "",
      GITHUB_ACTION_PATH: this.options.actionDir,
    };
    const exit = await this.#spawn(job, process.execPath, [script], dirs.workspace, stepEnv);
    run.exit_code = exit;
    return exit;
  }

  #writeCrashScript(temp: string): string {
    const file = join(temp, "sandbox-crash.sh");
    writeFileSync(
      file,
      `echo "Traceback (most recent call last):" >&2\necho '  File "train.py", line 1, in <module>' >&2\necho "RuntimeError: CUDA error: an illegal memory access was encountered (sandbox crash fault)" >&2\nexit 1\n`,
    );
    return file;
  }

  /** Runs a process in its own process group (so cancel and runner death reach its children). */
  #spawn(
    job: Job,
    command: string,
    args: string[],
    cwd: string,
    env: Record<string, string>,
  ): Promise<number> {
    const run = job.run;
    return new Promise((resolve) => {
      const child = spawn(command, args, {
        cwd,
        env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      job.child = child;
      const masks: string[] = [];
      const onData = (chunk: Buffer) => {
        let text = chunk.toString("utf8");
        for (const m of text.matchAll(/::add-mask::(.+)/g)) masks.push(m[1].trim());
        for (const m of masks) if (m) text = text.split(m).join("***");
        this.#log(run, text);
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.on("error", (error) => {
        this.#log(run, `##[error]${error.message}\n`);
        job.child = undefined;
        resolve(127);
      });
      child.on("close", (code, signal) => {
        job.child = undefined;
        if (signal) this.#log(run, `##[error]Process terminated by ${signal}\n`);
        resolve(code ?? 1);
      });
    });
  }

  /**
   * Cancellation as the Actions runner does it: SIGINT to the process group, SIGTERM after
   * 7.5 s, SIGKILL after 2.5 s more (docs: "Canceling a workflow", runner cancellation steps).
   */
  #terminate(child: ChildProcess): void {
    const [toTerm, toKill] = this.options.cancelGraceMs ?? [7500, 2500];
    const pid = child.pid;
    if (!pid) return;
    killGroup(pid, "SIGINT");
    const term = setTimeout(() => killGroup(pid, "SIGTERM"), toTerm);
    const kill = setTimeout(() => killGroup(pid, "SIGKILL"), toTerm + toKill);
    child.once("close", () => {
      clearTimeout(term);
      clearTimeout(kill);
    });
  }

  #log(run: WorkflowRunRecord, text: string): void {
    run.log += text;
    if (run.log.length > 2_000_000) run.log = run.log.slice(-1_000_000);
    if (process.env.SANDBOX_RUNNER_LOG)
      appendFileSync(
        process.env.SANDBOX_RUNNER_LOG,
        `[${(performance.now() / 1000).toFixed(2)}] ${text}`,
      );
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function truthyValue(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false && v !== "" && v !== 0;
}

function emptyContext(): ExpressionContext {
  return { inputs: {}, github: {}, secrets: {}, env: {}, steps: {}, runner: {}, job: {} };
}

/** GITHUB_OUTPUT / GITHUB_ENV format: `name=value` lines and `name<<DELIM` … `DELIM` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      out[name] = value.join("\n");
      continue;
    }
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

function readOutputFile(file: string): Record<string, string> {
  return existsSync(file) ? parseFileCommands(readFileSync(file, "utf8")) : {};
}

function readEnvFile(file: string): Record<string, string> {
  return readOutputFile(file);
}

let cachedJobPath: string | undefined;

/**
 * The runner's PATH, with the directory of the real `python3` first. A version manager's shim
 * (pyenv's is a bash script that spawns a dozen more) costs ~0.4 s per python3 start on a small
 * machine, paid by every training; a runner image puts its python on PATH directly.
 */
export function jobPath(): string {
  if (cachedJobPath !== undefined) return cachedJobPath;
  const path = process.env.PATH ?? "/usr/bin:/bin";
  const python = realPython3Dir();
  cachedJobPath = python ? `${python}${delimiter}${path}` : path;
  return cachedJobPath;
}
