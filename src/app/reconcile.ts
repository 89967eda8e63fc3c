import { decide } from "../core/decide.js";
import { isSeedOnly, pathsOutside } from "../core/diff-stats.js";
import { parseExperimentBranch } from "../core/experiment-branch.js";
import type { TrainResult } from "../core/result-marker.js";
import { bestKept, experimentStep, refillPlan } from "../core/schedule.js";
import { type ExperimentState, newExperiment } from "../core/state-block.js";
import { buildTrainResult } from "../core/train-result.js";
import { mergeRunHeadInto } from "../github/experiment-pulls.js";
import { readPullFacts } from "../github/pull-files.js";
import { branchSha, containsCommit, type RepoClient, repoOf } from "../github/repo.js";
import { comment } from "../github/run-issues.js";
import { isStatus } from "../github/sticky-comment.js";
import { cancelRun, dispatchTraining } from "../github/workflows.js";
import { requestAgentProposals } from "./agent-proposer.js";
import type { AppDeps } from "./app-deps.js";
import { applyVerdict, recordVerdict, requeued, save } from "./apply-verdict.js";
import { checkConfig } from "./config-report.js";
import { findRun } from "./find-run.js";
import { nextExperimentNumber, proposeFromSweep, remakeSweepProposal } from "./open-experiment.js";
import { readPushedBy } from "./pushed-branch.js";
import { recordRun } from "./record-run.js";
import { isTracked, log, type RunPass, type Tracked, trailOf } from "./run-view.js";
import { findTrainingFacts } from "./training-facts.js";

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

async function advance(pass: RunPass, pull: Tracked): Promise<void> {
  const exp = pull.experiment;
  const training =
    exp.phase === "training" && pull.state === "open"
      ? await findTrainingFacts(pass.gh, {
          workflow: pass.config.workflow,
          branch: pull.headRef,
          pr: pull.number,
          resultAuthors: pass.config.resultAuthors,
        })
      : null;
  const step = experimentStep({
    experiment: exp,
    pull,
    training,
    now: pass.now,
    timeoutMinutes: pass.config.timeoutMinutes,
    queuedAlertMinutes: pass.config.queuedAlertMinutes,
  });
  switch (step.kind) {
    case "idle":
    case "ready":
    case "training":
      return;
    case "apply":
      return applyVerdict(pass, pull, { fresh: false });
    case "stuck":
      pass.alerts.push(
        `#${pull.number} has waited ${step.waitingMinutes} min for a runner: is a self-hosted runner with the \`gpu\` label online?`,
      );
      return;
    case "head-moved":
      return onNewHead(pass, pull, step.headSha);
    case "timed-out":
      await cancelRun(pass.gh, step.runId);
      return judge(
        pass,
        pull,
        syntheticResult(
          pass,
          pull,
          step.runId,
          "timeout",
          `the workflow run was still going after ${step.minutes} min (timeoutMinutes ${pass.config.timeoutMinutes} + margin): cancelled`,
        ),
      );
    case "no-result":
      return onNoResult(pass, pull, step.runId, step.conclusion);
    case "result":
      return judge(pass, pull, step.result);
  }
}

/** New commits on an experiment (pushed, or the run head merged in): check them and train them. */
async function onNewHead(pass: RunPass, pull: Tracked, headSha: string): Promise<void> {
  const outside = await filesOutsideAllowed(pass, pull.number);
  if (outside.length > 0) return reject(pass, pull, violation(pass, outside));
  await save(
    pass,
    pull,
    requeued(pull.experiment, headSha, "new commits: the new head will be trained"),
  );
}

async function onNoResult(
  pass: RunPass,
  pull: Tracked,
  runId: number,
  conclusion: string | null,
): Promise<void> {
  const exp = pull.experiment;
  const failures = exp.infra_failures + 1;
  const what = `workflow run ${runId} ended (${conclusion ?? "no conclusion"}) without a result on the PR`;
  if (failures > pass.config.maxInfraRetries) {
    const result = syntheticResult(
      pass,
      pull,
      runId,
      "runner-error",
      `${what}, ${failures} times in a row: check the runner and the workflow logs`,
    );
    return judge(pass, pull, { ...result, status: "infra" });
  }
  log(
    pass,
    `#${pull.number}: ${what}; retry ${failures} of ${pass.config.maxInfraRetries}`,
    "warn",
  );
  await save(pass, pull, {
    ...exp,
    phase: "queued",
    infra_failures: failures,
    note: `${what}: retrying`,
  });
}

/** Decide on a measured (or failed) training and apply the verdict. */
async function judge(pass: RunPass, pull: Tracked, result: TrainResult): Promise<void> {
  const exp = pull.experiment;
  if (result.status === "ok" && result.head_sha !== exp.head_sha && result.head_sha !== "unknown") {
    return save(
      pass,
      pull,
      requeued(
        exp,
        pull.headSha,
        `the runner trained ${result.head_sha.slice(0, 7)}, not the PR head: retraining`,
      ),
    );
  }
  const facts = await readPullFacts(pass.gh.octokit, repoOf(pass.gh), pull.number);
  const allowed = facts.files.filter((f) => pass.config.allowedPaths.includes(f.filename));
  const best = bestKept(trailOf(pass.pulls));
  const decision = decide({
    result,
    best: best?.state.result?.val_bpb ?? null,
    policy: pass.config.policy,
    diff: {
      added: allowed.reduce((sum, f) => sum + f.additions, 0),
      removed: allowed.reduce((sum, f) => sum + f.deletions, 0),
    },
    seedOnly: allowed.length > 0 && isSeedOnly(allowed.map((f) => f.patch ?? "").join("\n")),
    baseIsStale: !(await containsCommit(pass.gh, pass.head, exp.head_sha)),
    earlier: exp.confirmations ?? [],
  });
  if (decision.kind === "verdict") {
    const runs = [...(exp.confirmations ?? []), result.val_bpb];
    const measured =
      result.status === "ok" && runs.length > 1
        ? {
            ...result,
            val_bpb: decision.verdict.best === null ? result.val_bpb : roundedMean(runs),
            message: `mean of ${runs.length} runs: ${result.message}`,
          }
        : result;
    return recordVerdict(pass, pull, measured, decision.verdict);
  }
  if (decision.kind === "confirm") {
    log(pass, `#${pull.number}: ${decision.reason}`);
    await save(pass, pull, {
      ...exp,
      phase: "queued",
      confirmations: [...(exp.confirmations ?? []), result.val_bpb],
      note: decision.reason,
    });
    return;
  }

  // Would keep, but trained on an older head: queue it again; dispatch brings it onto the new head first.
  log(pass, `#${pull.number}: ${decision.reason}`);
  await save(pass, pull, requeued(exp, exp.head_sha, decision.reason));
}

async function refill(pass: RunPass): Promise<void> {
  const open = () => pass.pulls.filter(isTracked).filter((p) => p.state === "open");
  const ready = () =>
    open()
      .filter((p) => p.experiment.phase === "queued")
      .sort((a, b) => a.experiment.n - b.experiment.n);
  const inFlight = open().filter((p) => p.experiment.phase === "training").length;
  // Until the baseline is measured there is nothing to compare with: one at a time.
  const measured = bestKept(trailOf(pass.pulls)) !== null;
  const concurrency = measured ? pass.config.concurrency : 1;
  const plan = refillPlan({
    status: pass.run.status,
    inFlight,
    ready: ready().length,
    concurrency,
    queueDepth: pass.config.queueDepth,
  });
  // The GPU never waits on the proposer: dispatch what is ready first, then propose.
  let free = Math.max(0, concurrency - inFlight);
  const dispatchReady = async () => {
    for (const pull of ready()) {
      if (free === 0 || pass.run.status !== "running") return;
      if (await dispatch(pass, pull)) free--;
      else if (pass.alerts.some((a) => a.startsWith("Cannot dispatch"))) return;
    }
  };
  await dispatchReady();
  if (pass.config.proposer === "agent" && plan.propose > 0) {
    await requestAgentProposals(pass, plan.propose);
  }
  if (pass.config.proposer !== "sweep") return;
  // First the proposals an idle GPU waits for, each dispatched at once; then the ones kept ready ahead.
  for (let proposed = 0; proposed < plan.propose; proposed++) {
    if (!(await proposeFromSweep(pass))) return;
    await dispatchReady();
  }
}

/** Train one experiment, but only on top of the current run head. */
async function dispatch(pass: RunPass, pull: Tracked): Promise<boolean> {
  const exp = pull.experiment;
  if (!(await containsCommit(pass.gh, pass.head, exp.head_sha))) {
    // Made on an older run head: train it on top of the current best, or not at all.
    const headSha = await bringUpToDate(pass, pull);
    if (headSha === null) return false;
    pull.headSha = headSha;
    await save(pass, pull, { ...pull.experiment, head_sha: headSha, base_sha: pass.head });
  }
  const current = pull.experiment;
  try {
    await dispatchTraining(pass.gh, pass.config.workflow, pull.headRef, {
      pr: String(pull.number),
    });
  } catch (error) {
    if (isStatus(error, 404) || isStatus(error, 422)) {
      pass.alerts.push(
        `Cannot dispatch \`.github/workflows/${pass.config.workflow}\` (${error instanceof Error ? error.message : String(error)}): it must exist on the run branch with \`on: workflow_dispatch\` and an input \`pr\` (config: workflow).`,
      );
      return false;
    }
    throw error;
  }
  const state: ExperimentState = {
    ...current,
    phase: "training",
    base_sha: pass.head,
    attempts: current.attempts + 1,
    dispatched_at: pass.now,
    note: null,
  };
  await save(pass, pull, state);
  log(pass, `#${pull.number} dispatched (attempt ${state.attempts}) on ${pull.headRef}`);
  return true;
}

/** The experiment on top of the run head: a sweep proposal is remade there, anything else gets the head merged in. */
async function bringUpToDate(pass: RunPass, pull: Tracked): Promise<string | null> {
  if (pull.experiment.source === "sweep") {
    const sha = await remakeSweepProposal(pass, pull);
    if (sha === null)
      await reject(pass, pull, "the run branch already has this value: nothing left to try");
    return sha;
  }
  const update = await mergeRunHeadInto(pass.gh, pull.headRef, pass.head);
  if (!update.updated) {
    await reject(
      pass,
      pull,
      `it conflicts with the run branch after a kept experiment (${update.message})`,
    );
    return null;
  }
  return update.sha ?? pull.headSha;
}

/** A PR that arrived without a state block: check it, then queue it as an experiment. */
async function adopt(pass: RunPass, pull: Parameters<typeof isTracked>[0]): Promise<void> {
  const parsed = parseExperimentBranch(pull.headRef);
  const own = `${pass.gh.owner}/${pass.gh.repo}`;
  const base = newExperiment({
    tag: pass.run.tag,
    n: nextExperimentNumber(pass),
    description: pull.title,
    // The propose workflow pushes as the workflow's identity: that is the agent proposer.
    source: pass.config.resultAuthors.includes(readPushedBy(pull.body) ?? "") ? "agent" : "push",
    baseSha: pull.baseSha,
    headSha: pull.headSha,
    key: null,
  });
  const taken = new Set(pass.pulls.map((p) => p.experiment?.n));
  if (parsed?.n && parsed.tag === pass.run.tag && !taken.has(parsed.n)) base.n = parsed.n;
  const tracked = pull as Tracked;
  tracked.experiment = base;
  if (pull.headRepository !== own) {
    return reject(
      pass,
      tracked,
      `it comes from ${pull.headRepository ?? "a deleted fork"}: experiments from forks never reach a runner`,
    );
  }
  if (!parsed || parsed.tag !== pass.run.tag) {
    return reject(
      pass,
      tracked,
      `its branch ${pull.headRef} is not an experiment branch: push to \`${pass.run.branch}/<name>\``,
    );
  }
  const outside = await filesOutsideAllowed(pass, pull.number);
  if (outside.length > 0) return reject(pass, tracked, violation(pass, outside));
  await save(pass, tracked, base);
  if (!pull.labels.includes(pass.config.labels.experiment)) {
    await pass.gh.octokit.rest.issues.addLabels({
      ...repoOf(pass.gh),
      issue_number: pull.number,
      labels: [pass.config.labels.experiment],
    });
  }
  log(pass, `adopted #${pull.number} (${pull.headRef}) as experiment ${base.n}`);
}

/** Closed with a reason, never trained, no ledger row. */
async function reject(pass: RunPass, pull: Tracked, why: string): Promise<void> {
  await comment(pass.gh, pull.number, `🚫 **Not trained:** ${why}.`);
  await save(pass, pull, { ...pull.experiment, phase: "rejected", note: why });
  await pass.gh.octokit.rest.pulls.update({
    ...repoOf(pass.gh),
    pull_number: pull.number,
    state: "closed",
  });
  pull.state = "closed";
  log(pass, `#${pull.number} rejected: ${why}`);
}

async function filesOutsideAllowed(pass: RunPass, number: number): Promise<string[]> {
  const facts = await readPullFacts(pass.gh.octokit, repoOf(pass.gh), number);
  return pathsOutside(
    facts.files.map((f) => f.filename),
    pass.config.allowedPaths,
  );
}

function violation(pass: RunPass, outside: string[]): string {
  return `it changes ${outside.map((p) => `\`${p}\``).join(", ")}: only ${pass.config.allowedPaths.map((p) => `\`${p}\``).join(", ")} may change (config: allowedPaths)`;
}

function roundedMean(values: readonly number[]): number {
  return Math.round((values.reduce((sum, v) => sum + v, 0) / values.length) * 1e6) / 1e6;
}

/** The result of a training the app had to end itself (timeout, runner lost): a crash. */
function syntheticResult(
  pass: RunPass,
  pull: Tracked,
  runId: number,
  reason: "timeout" | "runner-error",
  message: string,
): TrainResult {
  return buildTrainResult(
    { status: "crash", reason, message, summary: null, anomalous: false },
    {
      pr: pull.number,
      headSha: pull.experiment.head_sha,
      runId: String(runId),
      runAttempt: 0,
      startedAt: pull.experiment.dispatched_at ?? pass.now,
      finishedAt: pass.now,
    },
  );
}
