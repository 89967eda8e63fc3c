import { renderProgressSvg } from "../core/chart.js";
import { buildDashboard, type ExperimentSummary } from "../core/dashboard.js";
import { dashboardStep, urgentPart } from "../core/dashboard-pace.js";
import { isRemeasure, noiseFloor } from "../core/noise.js";
import { serializeResults } from "../core/results-tsv.js";
import { ledgerRows } from "../core/schedule.js";
import { sweepHistoryOf } from "../core/sweep-history.js";
import { currentSweepStage } from "../core/sweep-proposer.js";
import { sealedDashboardBody, updateIssue } from "../github/run-issues.js";
import { renderDashboard } from "../views/dashboard.js";
import { nextExperimentNumber } from "./open-experiment.js";
import { isTracked, type RunPass, type Tracked, trailOf } from "./run-view.js";

export const LEDGER_FILE = "results.tsv";
export const CHART_FILE = "progress.svg";

/**
 * results.tsv is rebuilt from the PR trail on every pass and written only when
 * it changed, so a redelivered webhook can never append a row twice.
 */
export async function recordRun(pass: RunPass): Promise<{ tsv: string }> {
  const tracked = pass.pulls.filter(isTracked);
  const rows = ledgerRows(trailOf(tracked));
  const tsv = serializeResults(rows);
  let chartUrl: string | null = null;
  let ledgerUrl: string | null = null;
  if (pass.deps.gist && pass.run.gist_id) {
    const written = await pass.deps.gist.write(pass.run.gist_id, {
      [LEDGER_FILE]: tsv,
      [CHART_FILE]: renderProgressSvg(rows),
    });
    ledgerUrl = written.htmlUrl || null;
    // Raw URLs carry a revision; without it they follow the gist's latest version.
    chartUrl = written.rawUrls[CHART_FILE]?.replace(/\/raw\/[0-9a-f]{40}\//, "/raw/") || null;
  }
  const data = buildDashboard({
    run: pass.run,
    experiments: tracked.map(summarize),
    now: pass.now,
    chartUrl,
    ledgerUrl,
    ledgerTsv: pass.run.ledger === "issue" || !pass.deps.gist ? tsv : null,
    alerts: pass.alerts,
    noise: noiseFloor(trailOf(tracked)),
    baselineEvery: pass.config.policy.baselineEvery,
    sweepStage:
      pass.config.proposer === "sweep"
        ? currentSweepStage(sweepHistoryOf(tracked.map((p) => p.experiment)))
        : null,
  });
  const run = { ...pass.run, next_n: nextExperimentNumber(pass) };
  const body = sealedDashboardBody(
    pass.gh,
    pass.deps.sealer,
    renderDashboard({ ...data, run }),
    run,
  );
  // A stopped run whose last experiment is decided is over: its dashboard closes.
  const over = run.status === "stopped" && !pass.pulls.some((p) => p.state === "open");
  const writes = pass.deps.caches?.dashboardWrites;
  const key = `${pass.gh.owner}/${pass.gh.repo}#${run.tag}`;
  const urgent = urgentPart(data);
  const now = Date.parse(pass.now);
  const step = dashboardStep({
    changed: body !== pass.dashboard.body || (over && pass.dashboard.state === "open"),
    urgent,
    // Without a memory between passes (zero-server mode, tests without caches): every change.
    last: writes ? writes.get(key) : undefined,
    inFlight: tracked.filter((p) => p.state === "open" && inFlight(p)).length,
    now,
    everySeconds: pass.config.dashboardEverySeconds,
  });
  if (step === "write") {
    await updateIssue(pass.gh, pass.dashboard.number, {
      body,
      ...(over ? { state: "closed" as const } : {}),
    });
    pass.dashboard.body = body;
    if (over) pass.dashboard.state = "closed";
    writes?.set(key, { at: now, urgent });
  }
  return { tsv };
}

/** Dispatched and not decided: the end of its run brings another pass. */
function inFlight(pull: Tracked): boolean {
  return pull.experiment.phase === "training";
}

function summarize(pull: Tracked): ExperimentSummary {
  const exp = pull.experiment;
  const status: ExperimentSummary["status"] =
    exp.phase === "decided"
      ? exp.verdict!.status
      : exp.phase === "rejected"
        ? "rejected"
        : exp.phase;
  return {
    n: exp.n,
    pr: pull.number,
    description: exp.description,
    status,
    valBpb: exp.result?.status === "ok" ? exp.result.val_bpb : null,
    delta: exp.verdict?.delta ?? null,
    sha: exp.head_sha,
    dispatchedAt: exp.dispatched_at,
    remeasure: isRemeasure(exp),
    noise: exp.verdict?.noise ?? null,
  };
}
