/**
 * The app's steps against the in-memory GitHub (sandbox/in-memory.ts): deps as a test sets them,
 * a started run, and a pass read as `reconcileRun` reads it. No webhooks, no runners, no server.
 */
import type { InMemoryGitHub } from "../../sandbox/in-memory.js";
import type { AppDeps } from "../../src/app/app-deps.js";
import { recordVerdict } from "../../src/app/apply-verdict.js";
import { readPass } from "../../src/app/reconcile.js";
import { refill } from "../../src/app/refill.js";
import { isTracked, type RunPass, type Tracked } from "../../src/app/run-view.js";
import { startRun } from "../../src/app/start-run.js";
import { createSealer } from "../../src/core/block-seal.js";
import { baselineResult, okResult } from "./fixtures.js";

export const APP_LOGIN = "autoresearch-bot[bot]";
export const NOW = "2026-01-05T10:00:00.000Z";

/** What the app gets from its environment, with no gist (the ledger lives on the dashboard). */
export function testDeps(overrides: Partial<AppDeps> = {}): AppDeps {
  return {
    gist: null,
    notify: null,
    now: () => new Date(NOW),
    seed: 1,
    log: { info() {}, warn() {}, error() {} },
    sealer: createSealer({ current: "in-memory-state-secret", previous: null }),
    appLogin: APP_LOGIN,
    ...overrides,
  };
}

/** A pass over run `tag` as reconcileRun starts one (throws when there is no such run). */
export async function passOf(fake: InMemoryGitHub, deps: AppDeps, tag: string): Promise<RunPass> {
  const read = await readPass(fake.gh, deps, tag);
  if (!read) throw new Error(`no run "${tag}" with a valid config`);
  return read.pass;
}

/** `/autoresearch start <tag>`: the run branch, the dashboard and the baseline PR (queued). */
export async function startedRun(
  fake: InMemoryGitHub,
  deps: AppDeps,
  tag: string,
): Promise<{ pass: RunPass; baseline: Tracked }> {
  const outcome = await startRun(fake.gh, deps, { tag, by: "octocat", commentId: null });
  if (!outcome.started) throw new Error(`the run did not start: ${outcome.reply}`);
  const pass = await passOf(fake, deps, tag);
  return { pass, baseline: trackedPull(pass, outcome.baseline) };
}

/** The experiment PR `number` of a pass. */
export function trackedPull(pass: RunPass, number: number): Tracked {
  const pull = pass.pulls.find((p) => p.number === number);
  if (!pull || !isTracked(pull)) throw new Error(`#${number} is not a tracked experiment PR`);
  return pull;
}

/**
 * A run whose baseline is kept (val_bpb 0.9979), then refilled once: the first sweep proposal
 * is open and dispatched (its workflow run queued: the in-memory GitHub has no runner).
 */
export async function pastBaseline(
  fake: InMemoryGitHub,
  deps: AppDeps,
  tag: string,
): Promise<{ pass: RunPass; proposal: Tracked }> {
  const { pass, baseline } = await startedRun(fake, deps, tag);
  await recordVerdict(
    pass,
    baseline,
    baselineResult({ pr: baseline.number, head_sha: baseline.experiment.head_sha }),
    { status: "keep", reason: "the baseline", delta: null, best: null, flags: [] },
  );
  const next = await passOf(fake, deps, tag);
  await refill(next);
  const after = await passOf(fake, deps, tag);
  const proposal = after.pulls.filter(isTracked).find((p) => p.experiment.source === "sweep");
  if (!proposal) throw new Error(`refill proposed nothing (alerts: ${after.alerts.join("; ")})`);
  return { pass: after, proposal };
}

/** A measured result for experiment `pull` (val_bpb as given). */
export function resultFor(pull: Tracked, valBpb: number) {
  return okResult({ pr: pull.number, head_sha: pull.experiment.head_sha, val_bpb: valBpb });
}
