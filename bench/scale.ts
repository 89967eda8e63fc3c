// The long night: N experiments (default 500) with the fake instant trainer, for 1 and 4
// runners, with and without policy.preDispatch when the build knows that key. Prints the app's
// API cost per window of 20 decided experiments (does it stay flat?) and by route in steady state,
// the critical path from a training's end to the next training in sequential API round trips,
// runner idle time, the stale-retrain fraction, a projection against GitHub's hourly limits, the
// app's retained heap (the app runs on its own V8 heap in a worker thread), the night's
// invariants and its dashboard.
// Run with `npm run bench -- scale`; shorten with `SCALE_EXPERIMENTS=60` (or `-- scale 60`) and
// pick runner counts with `SCALE_RUNNERS=1,4`, pre-dispatch settings with
// `SCALE_PREDISPATCH=true,false`, and make each training last a while with
// `SCALE_TRAINING_SECONDS=10` (wall time, no CPU: does the next job wait for the app?).
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ApplicationFunction } from "probot";
import { checkNight } from "../sandbox/invariants.js";
import { startNight, tinyWithConfig } from "../sandbox/night.js";
import type { RequestRecord } from "../sandbox/server.js";
import { LEASE_TTL_MS } from "../src/app/run-lease-guard.js";
import { DEFAULT_CONFIG } from "../src/core/config.js";
import { leaseSlotMs } from "../src/core/lease.js";
import { readStateBlock } from "../src/core/state-block.js";
import type { FromWorker, ToWorker, WorkerAppConfig } from "./app-worker.js";
import type { Benchmark } from "./index.js";
import {
  fakeTraining,
  type Mark,
  percentile,
  printTable,
  recordTimeline,
} from "./night-metrics.js";

const TAG = "scale";
const WINDOW = 20;
/** When the app's heap is measured besides the start and the end. */
const HEAP_AT = 20;
/** GitHub's hourly request limits (see the README's Benchmarks section for the sources). */
const INSTALLATION_LIMIT = 5000;
const GITHUB_TOKEN_LIMIT = 1000;
const PROJECTION = { runners: 16, budgetS: 300 };
const TRAINING_WORKFLOW = "autoresearch.yml";
const STALE_NOTE = "the run branch moved since this PR's base";
const PROPOSER_ALERT = "The sweep proposer has tried every";
const DASHBOARD_LINES = 40;

// ------------------------------------------------------------------ settings

function experimentsWanted(): number {
  const fromArg = process.argv.slice(2).find((a) => /^\d+$/.test(a));
  const raw = process.env.SCALE_EXPERIMENTS ?? fromArg ?? "500";
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(
      `SCALE_EXPERIMENTS=${raw} is not a positive whole number: set e.g. SCALE_EXPERIMENTS=60`,
    );
  return n;
}

/** Seconds each fake training sleeps (default 0: instant). */
function trainingSeconds(): number {
  const raw = process.env.SCALE_TRAINING_SECONDS ?? "0";
  const s = Number(raw);
  if (!Number.isFinite(s) || s < 0 || s > 600)
    throw new Error(
      `SCALE_TRAINING_SECONDS=${raw} must be a number of seconds from 0 to 600, e.g. SCALE_TRAINING_SECONDS=10`,
    );
  return s;
}

function runnerCounts(): number[] {
  const raw = process.env.SCALE_RUNNERS ?? "1,4";
  const counts = raw.split(",").map((s) => Number(s.trim()));
  if (counts.some((c) => !Number.isInteger(c) || c < 1))
    throw new Error(`SCALE_RUNNERS=${raw} must list runner counts, e.g. SCALE_RUNNERS=1,4`);
  return counts;
}

/** The pre-dispatch settings to compare; null = the build has no policy.preDispatch (its default). */
function preDispatchSettings(): (boolean | null)[] {
  const known = "preDispatch" in DEFAULT_CONFIG.policy;
  const raw = process.env.SCALE_PREDISPATCH;
  if (!known) {
    if (raw)
      console.log(
        `SCALE_PREDISPATCH=${raw} ignored: this build's config has no policy.preDispatch`,
      );
    return [null];
  }
  if (!raw) return [true, false];
  return raw.split(",").map((s) => {
    if (s.trim() === "true") return true;
    if (s.trim() === "false") return false;
    throw new Error(`SCALE_PREDISPATCH=${raw} must list true and/or false, e.g. true,false`);
  });
}

// ------------------------------------------------------- the app in a worker

/**
 * The real app in a worker thread (bench/app-worker.ts): the sandbox delivers each webhook to a
 * Probot forwarder in this thread (which checks the signature as the app would), the forwarder
 * hands the verified event to the worker and answers once the worker's handlers are done.
 */
class WorkerApp {
  readonly worker: Worker;
  readonly #busy = new Int32Array(new SharedArrayBuffer(4));
  readonly #pending = new Map<
    number,
    { resolve: (value: number) => void; reject: (e: Error) => void }
  >();
  #seq = 0;
  #ready: Promise<void>;
  #markReady: () => void = () => undefined;
  /** Called as each verified webhook reaches the app, before it is handled. */
  onWebhook: (name: string, payload: Record<string, unknown>) => void = () => undefined;
  inFlight = 0;

  constructor() {
    const register = new URL("../scripts/register.mjs", import.meta.url).href;
    const entry = new URL("./app-worker.ts", import.meta.url).href;
    // Loader hooks do not reach workers: the worker registers tsx itself before the app loads.
    this.worker = new Worker(
      `import(${JSON.stringify(register)}).then(() => import(${JSON.stringify(entry)}))`,
      { eval: true, workerData: { busy: this.#busy.buffer } },
    );
    this.#ready = new Promise((resolve) => {
      this.#markReady = resolve;
    });
    this.worker.on("message", (message: FromWorker) => {
      if (message.kind === "ready") return this.#markReady();
      const pending = this.#pending.get(message.seq);
      if (!pending) return;
      this.#pending.delete(message.seq);
      if (message.kind === "heap") pending.resolve(message.usedBytes);
      else if (message.error) pending.reject(new Error(message.error));
      else pending.resolve(0);
    });
    this.worker.on("error", (error) => {
      console.error(`the app worker failed: ${error.stack ?? error}`);
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
    });
  }

  #ask(message: ToWorker & { seq: number }): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#pending.set(message.seq, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  configure(config: WorkerAppConfig): void {
    this.worker.postMessage({ kind: "config", config } satisfies ToWorker);
  }

  /** The Probot app the sandbox starts: forwards each verified webhook to the worker. */
  forwarder(): ApplicationFunction {
    return (app) => {
      app.webhooks.onAny(async ({ id, name, payload }) => {
        await this.#ready;
        this.onWebhook(name, payload as unknown as Record<string, unknown>);
        this.inFlight++;
        try {
          await this.#ask({ kind: "webhook", seq: this.#seq++, id, name, payload });
        } finally {
          this.inFlight--;
        }
      });
    };
  }

  busy(): boolean {
    return Atomics.load(this.#busy, 0) === 1 || this.inFlight > 0;
  }

  /** The worker's used heap after two full GCs, in bytes. */
  async heap(): Promise<number> {
    await this.#ready;
    return this.#ask({ kind: "heap", seq: this.#seq++ });
  }

  async stop(): Promise<void> {
    this.worker.postMessage({ kind: "stop" } satisfies ToWorker);
    await this.worker.terminate();
  }
}

// ----------------------------------------------------------------- the night

/** A webhook as it reached the app, with how many API requests had been recorded by then. */
interface Arrival {
  event: string;
  action: string | undefined;
  requestIndex: number;
  /** workflow_run.completed of a training: another training run was already waiting for a runner. */
  preDispatched: boolean | null;
  runId: number | null;
}

interface Snapshot {
  requests: number;
  arrivals: number;
}

interface NightResult {
  runners: number;
  preDispatch: boolean | null;
  decided: number;
  /** Experiments asked for: windows end there (later decisions belong to the stop). */
  asked: number;
  /** Decided when /autoresearch stop was said (wallS is the time to there). */
  wallDecided: number;
  wallS: number;
  stopS: number;
  requests: RequestRecord[];
  arrivals: Arrival[];
  /** Index k: the counts when the k-th experiment was decided (k = 0: at /autoresearch start). */
  snapshots: Snapshot[];
  marks: Mark[];
  runnerOf: Map<number, string | null>;
  trainings: { start: number; end: number; runner: string }[];
  stale: Set<number>;
  /** Decided experiments when each dashboard edit carrying the proposer alert was made. */
  proposerAlertsAt: number[];
  heap: { startMB: number; atMB: number | null; atDecided: number | null; endMB: number };
  sandboxHeapMB: number;
  problems: string[];
  dashboard: string;
  actionRequests: number;
}

const isAppRequest = (r: RequestRecord) =>
  r.actorKind === "installation" || r.actorKind === "app" || r.path.startsWith("/gists");
const isInstallation = (r: RequestRecord) => r.actorKind === "installation";
const isDispatch = (r: RequestRecord) =>
  r.actorKind === "installation" && r.method === "POST" && r.path.endsWith("/dispatches");
const statusOf = (r: RequestRecord): number | undefined =>
  (r as { status?: number }).status ?? undefined;

async function measureHeapMB(gc: () => void): Promise<number> {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function night(
  experiments: number,
  runners: number,
  preDispatch: boolean | null,
): Promise<NightResult> {
  const seedDir = tinyWithConfig({
    concurrency: runners,
    ...(preDispatch === null ? {} : { policy: { preDispatch } }),
  });
  const marksFile = join(seedDir, "training-marks.txt");
  const fake = fakeTraining(trainingSeconds(), marksFile);
  const app = new WorkerApp();
  const night = await startNight({
    runners,
    sandbox: {
      seedDir,
      app: app.forwarder(),
      appBusy: () => app.busy(),
      runners: { commandWrapper: () => fake.command },
    },
  });
  const { sandbox } = night;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run the bench with node --expose-gc (npm run bench does)");
  try {
    app.configure({
      appId: sandbox.app.id,
      privateKey: sandbox.app.privateKey,
      baseUrl: sandbox.url,
      env: {
        HEARTBEAT_SECONDS: "0",
        AUTORESEARCH_SEED: "1",
        GIST_TOKEN: sandbox.tokens.octocat,
        WEBHOOK_SECRET: sandbox.app.webhookSecret,
        NOTIFY_WEBHOOK_URL: process.env.NOTIFY_WEBHOOK_URL ?? "",
      },
    });
    const marks = recordTimeline(night);
    const requests = sandbox.state.requests;
    const arrivals: Arrival[] = [];
    const waiting = new Map<number, boolean>();
    const stale = new Set<number>();
    const phases = new Map<number, boolean>();
    const snapshots: Snapshot[] = [];
    let decided = 0;
    const proposerAlertsAt: number[] = [];
    let dashboardNumber: number | null = null;
    sandbox.world.onEvent((event, payload: Record<string, unknown>) => {
      if (event === "workflow_run" && payload.action === "completed") {
        // Was another training already queued for a runner as this one ended (pre-dispatched)?
        const run = payload.workflow_run as { id: number; path: string };
        if (run.path.endsWith(`/${TRAINING_WORKFLOW}`))
          waiting.set(
            run.id,
            sandbox.state
              .runs()
              .some(
                (r) =>
                  r.id !== run.id &&
                  r.workflow.path.endsWith(`/${TRAINING_WORKFLOW}`) &&
                  ["queued", "requested", "waiting", "pending"].includes(r.status),
              ),
          );
      }
      if (event === "pull_request") {
        const pull = payload.pull_request as { number: number; body: string | null };
        const state = readStateBlock(pull.body);
        if (!state) return;
        if (state.note?.includes(STALE_NOTE)) stale.add(pull.number);
        const isDecided = state.phase === "decided" && state.source !== "remeasure";
        if (isDecided !== (phases.get(pull.number) ?? false)) {
          phases.set(pull.number, isDecided);
          decided += isDecided ? 1 : -1;
          while (snapshots.length <= decided)
            snapshots.push({ requests: requests.length, arrivals: arrivals.length });
        }
      }
      if (event === "issues" && (payload.action === "edited" || payload.action === "opened")) {
        const issue = payload.issue as { body: string | null };
        if (issue.body?.includes(PROPOSER_ALERT)) proposerAlertsAt.push(decided);
      }
    });
    app.onWebhook = (name, payload) => {
      const run = payload.workflow_run as { id: number } | undefined;
      arrivals.push({
        event: name,
        action: payload.action as string | undefined,
        requestIndex: requests.length,
        preDispatched: run && payload.action === "completed" ? (waiting.get(run.id) ?? null) : null,
        runId: run?.id ?? null,
      });
    };

    const heapStart = await app.heap();
    const issue = await sandbox.human.openIssue("Scale benchmark");
    const started = performance.now();
    snapshots.push({ requests: requests.length, arrivals: arrivals.length });
    await night.say(issue, `/autoresearch start ${TAG}`);
    const deadline = Date.now() + experiments * 60_000 + 120_000;
    let heapAt: number | null = null;
    let heapAtDecided: number | null = null;
    let lastReport = Date.now();
    while (decided < experiments) {
      if (Date.now() > deadline)
        throw new Error(`timed out at ${decided} of ${experiments} decided\n${night.trail(TAG)}`);
      dashboardNumber ??= night.dashboardNumber();
      if (heapAt === null && decided >= Math.min(HEAP_AT, experiments)) {
        heapAtDecided = decided;
        heapAt = await app.heap();
      }
      if (Date.now() - lastReport > 60_000) {
        lastReport = Date.now();
        console.log(
          `  … ${decided} decided after ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const wallS = (performance.now() - started) / 1000;
    const wallDecided = decided;
    const stopAt = performance.now();
    await night.stopRun(600_000);
    const stopS = (performance.now() - stopAt) / 1000;
    const heapEnd = await app.heap();
    const sandboxHeapMB = await measureHeapMB(gc);
    const problems = (await checkNight(sandbox, TAG)).problems;
    const counted = night.decided();
    if (counted !== decided)
      problems.push(
        `the bench counted ${decided} decided experiments from webhooks, the PRs say ${counted}: windows are approximate`,
      );
    const runnerOf = new Map(sandbox.state.runs().map((r) => [r.id, r.runner]));
    const trainings = readFileSync(marksFile, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" "))
      .map(([start, end, runner]) => ({
        start: Number(start),
        end: Number(end),
        runner: runner ?? "-",
      }));
    dashboardNumber ??= night.dashboardNumber();
    const dashboard =
      dashboardNumber === null ? "" : (sandbox.state.issue(dashboardNumber).body ?? "");
    return {
      runners,
      preDispatch,
      decided,
      asked: experiments,
      wallDecided,
      wallS,
      stopS,
      requests: [...requests],
      arrivals,
      snapshots,
      marks,
      runnerOf,
      trainings,
      stale,
      proposerAlertsAt,
      heap: {
        startMB: heapStart / 2 ** 20,
        atMB: heapAt === null ? null : heapAt / 2 ** 20,
        atDecided: heapAtDecided,
        endMB: heapEnd / 2 ** 20,
      },
      sandboxHeapMB,
      problems,
      dashboard,
      actionRequests: sandbox.state.requests.filter((r) => r.actorKind === "actions").length,
    };
  } finally {
    await night.stop();
    await app.stop();
    fake.cleanup();
    rmSync(seedDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------- numbers

interface WindowRow {
  from: number;
  to: number;
  installation: number;
  notModified: number | null;
  gists: number;
  webhooks: number;
  actedOn: number;
}

/** An arrival was acted on when the app made an API request before the next one arrived. */
function actedOn(result: NightResult, index: number): boolean {
  const from = result.arrivals[index].requestIndex;
  const to = result.arrivals[index + 1]?.requestIndex ?? result.requests.length;
  return result.requests.slice(from, to).some(isAppRequest);
}

function windows(result: NightResult): WindowRow[] {
  const rows: WindowRow[] = [];
  const snaps = result.snapshots;
  for (let from = 1; from <= result.asked; from += WINDOW) {
    const to = Math.min(from + WINDOW - 1, result.asked);
    const a = snaps[from - 1];
    const b = snaps[to];
    const slice = result.requests.slice(a.requests, b.requests);
    const installation = slice.filter(isInstallation);
    const hasStatus = installation.every((r) => statusOf(r) !== undefined);
    const n = to - from + 1;
    let acted = 0;
    for (let i = a.arrivals; i < b.arrivals; i++) if (actedOn(result, i)) acted++;
    rows.push({
      from,
      to,
      installation: installation.filter((r) => statusOf(r) !== 304).length / n,
      notModified: hasStatus ? installation.filter((r) => statusOf(r) === 304).length / n : null,
      gists: slice.filter((r) => r.path.startsWith("/gists")).length / n,
      webhooks: (b.arrivals - a.arrivals) / n,
      actedOn: acted / n,
    });
  }
  return rows;
}

const within = (a: number, b: number, fraction: number) =>
  Math.abs(a - b) <= fraction * Math.max(Math.abs(b), 1e-9);

/** The first full window from which every later full window costs within 10 % of the last one's. */
function steadyWindow(rows: WindowRow[]): WindowRow | null {
  const full = rows.filter((r) => r.to - r.from + 1 === WINDOW);
  if (full.length < 2) return null;
  const last = full[full.length - 1].installation;
  let first = full.length - 1;
  while (first > 0 && within(full[first - 1].installation, last, 0.1)) first--;
  return full[first];
}

/** The experiments whose installation requests are broken down by route: steady state when known. */
function steadyRange(result: NightResult): { from: number; to: number; steady: boolean } {
  const rows = windows(result);
  const steady = steadyWindow(rows);
  const full = rows.filter((r) => r.to - r.from + 1 === WINDOW);
  if (steady) return { from: steady.from, to: full[full.length - 1].to, steady: true };
  // Too short to tell: the second half of the night, away from the start's own requests.
  return { from: Math.floor(result.asked / 2) + 1, to: result.asked, steady: false };
}

interface RouteRow {
  route: string;
  perExp: number;
  notModifiedPerExp: number;
}

/**
 * The app's installation-token requests per decided experiment by method and route template,
 * most expensive first; 304s counted apart (GitHub does not count them).
 */
function routeBreakdown(result: NightResult, from: number, to: number): RouteRow[] {
  const a = result.snapshots[from - 1];
  const b = result.snapshots[to];
  const n = to - from + 1;
  const counts = new Map<string, { counted: number; notModified: number }>();
  for (const r of result.requests.slice(a.requests, b.requests).filter(isInstallation)) {
    const key = `${r.method} ${r.route ?? r.path}`;
    const c = counts.get(key) ?? { counted: 0, notModified: 0 };
    if (statusOf(r) === 304) c.notModified++;
    else c.counted++;
    counts.set(key, c);
  }
  return [...counts.entries()]
    .map(([route, c]) => ({ route, perExp: c.counted / n, notModifiedPerExp: c.notModified / n }))
    .sort((x, y) => y.perExp - x.perExp || y.notModifiedPerExp - x.notModifiedPerExp);
}

/**
 * `SCALE_TRACE=N`: the webhooks and installation requests, in order, of N experiments of the
 * steady state (to see which requests one experiment costs and why).
 */
function printTrace(result: NightResult): void {
  const n = Number(process.env.SCALE_TRACE ?? 0);
  if (!Number.isInteger(n) || n <= 0) return;
  const { to } = steadyRange(result);
  const from = Math.max(1, to - n + 1);
  const a = result.snapshots[from - 1];
  const b = result.snapshots[to];
  console.log(`\ntrace of experiments ${from}–${to} (webhooks, then the requests they led to):\n`);
  let arrival = a.arrivals;
  for (let i = a.requests; i < b.requests; i++) {
    while (arrival < b.arrivals && result.arrivals[arrival].requestIndex <= i) {
      const w = result.arrivals[arrival++];
      console.log(`  ← ${w.event}.${w.action ?? ""}`);
    }
    const r = result.requests[i];
    if (!isInstallation(r)) continue;
    console.log(`      ${r.method} ${r.path} ${statusOf(r) ?? ""}`);
  }
}

function printRoutes(result: NightResult): void {
  const { from, to, steady } = steadyRange(result);
  const rows = routeBreakdown(result, from, to);
  const total = rows.reduce((t, r) => t + r.perExp, 0);
  const total304 = rows.reduce((t, r) => t + r.notModifiedPerExp, 0);
  console.log(
    `\ninstallation requests per decided experiment by route, experiments ${from}–${to} (${steady ? "steady state" : "too short for a steady state: the second half of the night"}):\n`,
  );
  printTable(
    ["route", "req/exp (no 304)", "304s/exp"],
    [
      ...rows.map((r) => [r.route, f2(r.perExp), f2(r.notModifiedPerExp)]),
      ["total", f2(total), f2(total304)],
    ],
  );
}

/** Sequential app round trips from a training's workflow_run.completed to the next dispatch. */
function criticalPaths(result: NightResult): { trips: number[]; preDispatched: number } {
  const trips: number[] = [];
  let preDispatched = 0;
  for (const arrival of result.arrivals) {
    if (arrival.event !== "workflow_run" || arrival.action !== "completed") continue;
    if (arrival.preDispatched === null) continue; // not a training workflow
    if (arrival.preDispatched) {
      trips.push(0);
      preDispatched++;
      continue;
    }
    const rest = result.requests.slice(arrival.requestIndex);
    const dispatch = rest.findIndex(isDispatch);
    if (dispatch < 0) continue; // the last trainings: nothing dispatched after the stop
    trips.push(rest.slice(0, dispatch + 1).filter(isAppRequest).length);
  }
  return { trips, preDispatched };
}

interface Idle {
  jobGapsS: number[];
  trainingGapsS: number[];
  /** Runner time outside any job, over runner time from its first job to its last. */
  idleFraction: number;
}

function idleTimes(result: NightResult): Idle {
  const byRunner = new Map<string, { start: number; end: number }[]>();
  const started = new Map<number, number>();
  for (const m of result.marks) {
    if (m.event !== "workflow_run" || m.runId === null) continue;
    if (m.action === "in_progress" && !started.has(m.runId)) started.set(m.runId, m.at);
    if (m.action === "completed" && started.has(m.runId)) {
      const runner = result.runnerOf.get(m.runId) ?? "-";
      const jobs = byRunner.get(runner) ?? [];
      jobs.push({ start: started.get(m.runId)! / 1000, end: m.at / 1000 });
      byRunner.set(runner, jobs);
    }
  }
  const gaps = (intervals: { start: number; end: number }[]) => {
    const sorted = [...intervals].sort((a, b) => a.start - b.start);
    return sorted.slice(1).map((i, k) => Math.max(0, i.start - sorted[k].end));
  };
  const jobGapsS = [...byRunner.values()].flatMap(gaps);
  let idle = 0;
  let span = 0;
  for (const jobs of byRunner.values()) {
    if (jobs.length === 0) continue;
    span += Math.max(...jobs.map((j) => j.end)) - Math.min(...jobs.map((j) => j.start));
    idle += gaps(jobs).reduce((t, g) => t + g, 0);
  }
  const trainingsBy = new Map<string, { start: number; end: number }[]>();
  for (const t of result.trainings)
    trainingsBy.set(t.runner, [...(trainingsBy.get(t.runner) ?? []), t]);
  const trainingGapsS = [...trainingsBy.values()].flatMap(gaps);
  return { jobGapsS, trainingGapsS, idleFraction: span > 0 ? idle / span : 0 };
}

const f1 = (v: number | null) => (v === null ? "-" : v.toFixed(1));
const f2 = (v: number | null) => (v === null ? "-" : v.toFixed(2));
const mean = (values: number[]) =>
  values.length === 0 ? null : values.reduce((t, v) => t + v, 0) / values.length;
const label = (r: NightResult) =>
  `${r.runners} runner(s), preDispatch ${r.preDispatch === null ? "(not in this build)" : r.preDispatch}`;

function printNight(result: NightResult): void {
  console.log(
    `\n### ${label(result)}: ${result.wallDecided} decided in ${result.wallS.toFixed(0)} s (${(result.wallS / result.wallDecided).toFixed(2)} s each); /autoresearch stop settled in ${result.stopS.toFixed(0)} s, ${result.decided} decided in all\n`,
  );
  const rows = windows(result);
  const shown = new Set([0, 1, 2, rows.length - 2, rows.length - 1]);
  const table: string[][] = [];
  let skipped = 0;
  rows.forEach((r, i) => {
    if (!shown.has(i)) {
      skipped++;
      return;
    }
    if (skipped > 0) table.push([`… ${skipped} windows`, "", "", "", "", "", ""]);
    skipped = 0;
    table.push([
      `${r.from}–${r.to}`,
      f1(r.installation),
      f2(r.notModified),
      f2(r.gists),
      f1(r.webhooks),
      f1(r.actedOn),
      `${((100 * r.actedOn) / Math.max(r.webhooks, 1e-9)).toFixed(0)}%`,
    ]);
  });
  printTable(
    [
      "decided experiments",
      "installation req/exp (no 304)",
      "304s/exp",
      "gist req/exp",
      "webhooks/exp",
      "acted on/exp",
      "acted on",
    ],
    table,
  );
  console.log(
    `(windows stop at experiment ${result.asked}: later decisions belong to /autoresearch stop; a window's requests are those recorded from the decision before its first to its last decision; "acted on": the webhook was followed by at least one API request of the app (installation token, app JWT or GIST_TOKEN) before the next webhook reached it; 304s "-" when the sandbox records no response status)`,
  );
  const steady = steadyWindow(rows);
  console.log(
    steady
      ? `steady state from experiments ${steady.from}–${steady.to} (every later full window within 10 % of the last one's installation requests)`
      : "steady state: fewer than two full windows of 20, not enough to tell",
  );
  const second = rows.find((r) => r.from === 21 && r.to === 40);
  const last = [...rows].reverse().find((r) => r.to - r.from + 1 === WINDOW);
  if (second && last && last !== second)
    console.log(
      `experiments ${last.from}–${last.to}: ${last.installation.toFixed(1)} installation requests each vs ${second.installation.toFixed(1)} for 21–40: ${within(last.installation, second.installation, 0.1) ? "within" : "NOT within"} 10 %`,
    );
  else console.log("experiments 21–40 vs the last window: the night is too short to compare");

  printRoutes(result);
  printTrace(result);

  const { trips, preDispatched } = criticalPaths(result);
  console.log(
    `critical path workflow_run.completed → next dispatch: median ${f1(percentile(trips, 50))}, p90 ${f1(percentile(trips, 90))} sequential app round trips over ${trips.length} trainings (${preDispatched} already had the next training queued: 0)`,
  );
  const idle = idleTimes(result);
  console.log(
    `runner idle between jobs: median ${f2(percentile(idle.jobGapsS, 50))} s, p90 ${f2(percentile(idle.jobGapsS, 90))} s, ${(100 * idle.idleFraction).toFixed(1)} % of runner time; between trainings (fake train.py start/end, job steps included): median ${f2(percentile(idle.trainingGapsS, 50))} s, p90 ${f2(percentile(idle.trainingGapsS, 90))} s`,
  );
  console.log(
    `stale retrains: ${result.stale.size} of ${result.decided} experiments (${((100 * result.stale.size) / result.decided).toFixed(1)} %) won on an old base and were trained again (state note "${STALE_NOTE}")`,
  );
  const heap = result.heap;
  console.log(
    `app heap after GC (worker thread, its own V8 heap): ${heap.startMB.toFixed(1)} MB loaded, ${f1(heap.atMB)} MB at ${heap.atDecided ?? "-"} decided, ${heap.endMB.toFixed(1)} MB at the end (+${(heap.endMB - (heap.atMB ?? heap.startMB)).toFixed(1)} MB since); the sandbox's thread: ${result.sandboxHeapMB.toFixed(1)} MB`,
  );
  console.log(
    result.problems.length === 0
      ? "checkNight: every invariant holds"
      : `checkNight: ${result.problems.length} problem(s):\n- ${result.problems.join("\n- ")}`,
  );
  console.log(
    result.proposerAlertsAt.length === 0
      ? "the sweep never idled: 0 alerts about the proposer"
      : `the sweep idled: ${result.proposerAlertsAt.length} dashboard edits carried "${PROPOSER_ALERT} …", with ${[...new Set(result.proposerAlertsAt)].join(", ")} experiments decided`,
  );
}

function printProjection(results: NightResult[]): void {
  const base = results.find((r) => r.runners === 1 && r.preDispatch !== false) ?? results[0];
  const rows = windows(base);
  const steady = steadyWindow(rows);
  const counted = steady
    ? rows.filter((r) => r.from >= steady.from && r.to - r.from + 1 === WINDOW)
    : rows;
  const perExp = mean(counted.map((r) => r.installation)) ?? 0;
  const gistsPerExp = mean(counted.map((r) => r.gists)) ?? 0;
  const actionsPerExp = base.actionRequests / base.decided;
  // Runner time per experiment besides training: each of the night's runners spends wall ×
  // runners / decided seconds per experiment, of which the (fake) training is the rest.
  const trainingS = base.trainings.reduce((t, x) => t + (x.end - x.start), 0) / base.decided;
  const overheadS = Math.max(0, (base.wallS * base.runners) / base.wallDecided - trainingS);
  const { runners, budgetS } = PROJECTION;
  const upper = (runners * 3600) / budgetS;
  const honest = (runners * 3600) / (budgetS + overheadS);
  // Two costs depend on how far apart passes come, and the bench's instant trainings make them
  // far closer than real ones: a dashboard rewrite (a write, and the next pass's read is a 200,
  // not a 304) at most every dashboardEverySeconds, and a new lock commit once per lease slot.
  // The projection swaps the bench's share of them for their share at one pass per experiment.
  const paced = (spacingS: number) => {
    const everyS = DEFAULT_CONFIG.dashboardEverySeconds;
    const dashboard = everyS === 0 ? 2 : 2 / Math.max(1, Math.ceil(everyS / spacingS));
    const lock = Math.min(1, spacingS / (leaseSlotMs(LEASE_TTL_MS) / 1000));
    return dashboard + lock;
  };
  const benchSpacingS = base.wallS / base.wallDecided;
  const projectedSpacingS = budgetS / runners;
  const measuredPerExp = perExp;
  const projectedPerExp = perExp - paced(benchSpacingS) + paced(projectedSpacingS);
  const perHour = (rate: number) => rate * projectedPerExp;
  console.log(`
### Projection at ${runners} runners × ${budgetS} s budget (from ${label(base)}, ${steady ? `steady windows from ${steady.from}` : "all windows"})

experiments/h = runners × 3600 / (budget + overhead); overhead = runner s per experiment − training s
per experiment here = ${overheadS.toFixed(1)} s (job setup + the app's decide/dispatch
on this machine; a real GPU job adds its own startup). Installation requests/h = experiments/h ×
${projectedPerExp.toFixed(2)} installation requests per experiment (304s excluded: GitHub does not count them):
${measuredPerExp.toFixed(2)} measured with a pass every ${benchSpacingS.toFixed(1)} s, of which the paced writes (dashboard
rewrite at most every ${DEFAULT_CONFIG.dashboardEverySeconds} s + its re-read, a lock commit per ${leaseSlotMs(LEASE_TTL_MS) / 1000} s lease slot) are modeled
as ${paced(benchSpacingS).toFixed(2)}; at ${runners} runners a pass comes every ${projectedSpacingS.toFixed(1)} s and they are ${paced(projectedSpacingS).toFixed(2)}.`);
  printTable(
    ["", "experiments/h", "installation req/h", `of ${INSTALLATION_LIMIT}/h`, "target ≤ 50 %"],
    [
      ["no overhead (upper bound)", upper, perHour(upper)],
      [`with ${overheadS.toFixed(1)} s overhead`, honest, perHour(honest)],
    ].map(([name, rate, req]) => [
      String(name),
      Number(rate).toFixed(0),
      Number(req).toFixed(0),
      `${((100 * Number(req)) / INSTALLATION_LIMIT).toFixed(0)} %`,
      Number(req) <= INSTALLATION_LIMIT / 2 ? "yes" : "NO",
    ]),
  );
  const perGpuHour = 3600 / budgetS;
  console.log(
    `gist requests (GIST_TOKEN, a user's own 5,000/h): ${gistsPerExp.toFixed(2)} per experiment, ${(gistsPerExp * upper).toFixed(0)}/h at the upper bound.
GITHUB_TOKEN (the training job's own requests, limit ${GITHUB_TOKEN_LIMIT}/h per repository): ${actionsPerExp.toFixed(1)} per experiment;
one GPU at ${perGpuHour} experiments/h makes ${(actionsPerExp * perGpuHour).toFixed(0)}/h, so ${GITHUB_TOKEN_LIMIT}/h serves ${Math.floor(GITHUB_TOKEN_LIMIT / (actionsPerExp * perGpuHour))} GPUs (${Math.floor(GITHUB_TOKEN_LIMIT / (actionsPerExp * (3600 / (budgetS + overheadS))))} with the overhead).`,
  );
}

function printDashboard(result: NightResult): void {
  const lines = result.dashboard.split("\n");
  console.log(
    `\n### Dashboard at the end (${label(result)}), first ${Math.min(DASHBOARD_LINES, lines.length)} of ${lines.length} lines\n`,
  );
  for (const line of lines.slice(0, DASHBOARD_LINES))
    console.log(line.length > 160 ? `${line.slice(0, 157)}…` : line);
}

async function run(): Promise<void> {
  const experiments = experimentsWanted();
  const settings = preDispatchSettings();
  const results: NightResult[] = [];
  for (const runners of runnerCounts()) {
    for (const preDispatch of settings) {
      const night_ = `${runners} runner(s), concurrency ${runners}, preDispatch ${preDispatch ?? "(not in this build)"}`;
      const training = trainingSeconds() === 0 ? "instant" : `${trainingSeconds()} s`;
      console.log(`${night_}: ${experiments} experiments, ${training} training…`);
      const result = await night(experiments, runners, preDispatch);
      results.push(result);
      printNight(result);
    }
  }
  if (settings.length > 1) {
    console.log("\n### Pre-dispatch on and off\n");
    printTable(
      [
        "night",
        "s/experiment",
        "critical path median",
        "idle between jobs median s",
        "runner idle %",
      ],
      results.map((r) => {
        const idle = idleTimes(r);
        return [
          label(r),
          (r.wallS / r.wallDecided).toFixed(2),
          f1(percentile(criticalPaths(r).trips, 50)),
          f2(percentile(idle.jobGapsS, 50)),
          `${(100 * idle.idleFraction).toFixed(1)} %`,
        ];
      }),
    );
  }
  printProjection(results);
  printDashboard(results[0]);
}

export const scaleBenchmark: Benchmark = { name: "scale", run, onlyWhenNamed: true };
