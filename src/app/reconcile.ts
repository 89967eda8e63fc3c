import { branchSha, type RepoClient } from "../github/repo.js";
import { adopt } from "./adopt-pull.js";
import { advance } from "./advance-experiment.js";
import type { AppDeps } from "./app-deps.js";
import { checkConfig } from "./config-report.js";
import { findRun } from "./find-run.js";
import { recordRun } from "./record-run.js";
import { refill } from "./refill.js";
import { reject } from "./reject-experiment.js";
import { isTracked, type RunPass } from "./run-view.js";

/**
 * One pass over a run: read everything from GitHub, move each experiment one
 * step, refill the GPUs, write the ledger and dashboard. Safe to run any
 * number of times: a pass that finds nothing to do writes nothing.
 */
export async function reconcileRun(gh: RepoClient, deps: AppDeps, tag: string): Promise<void> {
  // 1. Find the run, its config and its PRs.
  const found = await findRun(gh, tag);
  if (!found) return;
  const config = await checkConfig(gh, deps, found.dashboard.number);
  if (!config) return;
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
  };
  if (head === null) {
    pass.alerts.push(
      `The run branch ${found.run.branch} is gone: nothing can be trained or merged. Recreate it, or \`/autoresearch stop\`.`,
    );
    await recordRun(pass);
    return;
  }

  // 2. Adopt PRs that arrived without a state block (pushed branches, external agents).
  for (const pull of pass.pulls.filter((p) => !isTracked(p) && p.state === "open")) {
    await adopt(pass, pull);
  }

  // 3. Move every experiment one step, in experiment order (a keep moves the head for the next).
  const tracked = pass.pulls.filter(isTracked).sort((a, b) => a.experiment.n - b.experiment.n);
  for (const pull of tracked) await advance(pass, pull);

  // 4. A stopped run trains nothing more: close what never started.
  if (pass.run.status === "stopped") {
    for (const pull of tracked.filter(
      (p) => p.state === "open" && p.experiment.phase === "queued",
    )) {
      await reject(pass, pull, "the run was stopped before this experiment trained");
    }
  }

  // 5. Keep the GPUs busy and the queue full.
  await refill(pass);

  // 6. Ledger, chart, dashboard.
  await recordRun(pass);
}
