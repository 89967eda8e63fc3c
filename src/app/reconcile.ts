import { branchSha, type RepoClient } from "../github/repo.js";
import { cancelRun } from "../github/workflows.js";
import { adopt } from "./adopt-pull.js";
import { advance } from "./advance-experiment.js";
import { type AppDeps, trustRootOf } from "./app-deps.js";
import { save } from "./apply-verdict.js";
import { checkConfig } from "./config-report.js";
import { type FoundRun, findRun } from "./find-run.js";
import { recordRun } from "./record-run.js";
import { refill } from "./refill.js";
import { reject } from "./reject-experiment.js";
import type { PassGuard } from "./run-lease-guard.js";
import { isTracked, type RunPass } from "./run-view.js";

/**
 * One pass over a run: read everything from GitHub, move each experiment one
 * step, refill the GPUs, write the ledger and dashboard. Safe to run any
 * number of times: a pass that finds nothing to do writes nothing.
 */
export async function reconcileRun(
  gh: RepoClient,
  deps: AppDeps,
  tag: string,
  guard?: PassGuard,
): Promise<void> {
  // 1. Find the run, its config and its PRs.
  const read = await readPass(gh, deps, tag, guard);
  if (!read) return;
  const { pass, found } = read;
  if (pass.head === "") {
    pass.alerts.push(
      `The run branch ${found.run.branch} is gone: nothing can be trained or merged. Recreate it, or \`/autoresearch stop\`.`,
    );
    await recordRun(pass);
    return;
  }

  // 2. Say what was not believed; adopt (or close) open PRs without a state block the app trusts.
  pass.alerts.push(...distrustAlerts(found));
  for (const pull of pass.pulls.filter((p) => !isTracked(p) && p.state === "open")) {
    await adopt(pass, pull);
  }
  for (const pull of pass.pulls.filter(isTracked).filter((p) => p.reseal)) {
    // Sealed with the previous secret: sealed again now, so the old secret can be retired.
    await save(pass, pull, pull.experiment);
    pull.reseal = false;
  }

  // 3. Move every experiment one step, in experiment order (a keep moves the head for the next).
  const tracked = pass.pulls.filter(isTracked).sort((a, b) => a.experiment.n - b.experiment.n);
  for (const pull of tracked) await advance(pass, pull);

  // 4. A stopped run trains nothing more: close what never started, and call back what was
  // dispatched ahead but still waits for a runner (policy.preDispatch).
  if (pass.run.status === "stopped") {
    for (const pull of tracked.filter(
      (p) => p.state === "open" && p.experiment.phase === "queued",
    )) {
      await reject(pass, pull, "the run was stopped before this experiment trained");
    }
    for (const pull of tracked.filter(
      (p) =>
        p.state === "open" && p.experiment.phase === "training" && pass.notStarted?.has(p.number),
    )) {
      if (pull.experiment.run_id) await cancelRun(gh, pull.experiment.run_id);
      await reject(
        pass,
        pull,
        "the run was stopped while this experiment waited for a runner: its workflow run was cancelled",
      );
    }
  }

  // 5. Keep the GPUs busy and the queue full.
  await refill(pass);

  // 6. Ledger, chart, dashboard.
  await recordRun(pass);
}

/**
 * The start of a pass: the run, its config (problems reported on the dashboard), its PRs and the
 * run branch head (`""` when the branch is gone) as GitHub has them now. Null when there is no
 * such run or its config is not valid.
 */
export async function readPass(
  gh: RepoClient,
  deps: AppDeps,
  tag: string,
  guard?: PassGuard,
): Promise<{ pass: RunPass; found: FoundRun } | null> {
  const found = await findRun(gh, trustRootOf(gh, deps), tag, deps.caches?.runPulls);
  if (!found) return null;
  const config = await checkConfig(gh, deps, found.dashboard.number);
  if (!config) return null;
  const head = await branchSha(gh, found.run.branch);
  const pass: RunPass = {
    gh,
    deps,
    config,
    dashboard: found.dashboard,
    run: found.run,
    head: head ?? "",
    pulls: found.pulls,
    alerts: [],
    now: deps.now().toISOString(),
    guard,
  };
  return { pass, found };
}

/** At most this many distrusted items are named on the dashboard (newest first). */
const MAX_DISTRUST_ALERTS = 10;

/** Forged dashboards and PRs whose state block was not believed, as dashboard warnings. */
function distrustAlerts(found: FoundRun): string[] {
  const reasons = [
    ...found.forgedDashboards,
    ...found.pulls
      .filter((p) => p.distrust !== null)
      .sort((a, b) => b.number - a.number)
      .map((p) => p.distrust as string),
  ];
  const shown = reasons.slice(0, MAX_DISTRUST_ALERTS).map((r) => `⚠️ Untrusted: ${r}.`);
  if (reasons.length > shown.length)
    shown.push(`⚠️ …and ${reasons.length - shown.length} more untrusted PRs or issues.`);
  return shown;
}
