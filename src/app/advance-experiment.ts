// One experiment, one step: new heads, results, lost runs, timeouts → verdicts.
import { decide, decideRemeasure } from "../core/decide.js";
import { type DiffStats, diffStats, isSeedOnly } from "../core/diff-stats.js";
import { takeHeard } from "../core/heard-runs.js";
import { isRemeasure, noiseFloor, recordedValueAt } from "../core/noise.js";
import type { TrainResult } from "../core/result-marker.js";
import { bestKept, experimentStep } from "../core/schedule.js";
import { buildTrainResult } from "../core/train-result.js";
import { readPullFiles } from "../github/pull-files.js";
import { containsCommit, repoOf } from "../github/repo.js";
import { comment } from "../github/run-issues.js";
import { cancelRun } from "../github/workflows.js";
import { applyVerdict, recordVerdict, requeued, save } from "./apply-verdict.js";
import { filesOutsideAllowed, reject, violation } from "./reject-experiment.js";
import { log, pullKey, type RunPass, type Tracked, trailOf } from "./run-view.js";
import { findTrainingFacts } from "./training-facts.js";

/** Moves one experiment one step, from its state and what GitHub says about its training. */
export async function advance(pass: RunPass, pull: Tracked): Promise<void> {
  const exp = pull.experiment;
  const training =
    exp.phase === "training" && pull.state === "open"
      ? await findTrainingFacts(pass.gh, {
          workflow: pass.config.workflow,
          branch: pull.headRef,
          pr: pull.number,
          resultAuthors: pass.config.resultAuthors,
          experiment: exp,
          appLogin: pass.deps.appLogin,
          takeKnownRun: (runId) => {
            const heard = pass.deps.caches?.heardRuns;
            if (!heard) return undefined;
            const key = `${pass.gh.owner}/${pass.gh.repo}#${runId}`;
            // Real time, as the webhook was heard: how old the news is, whatever clock the pass uses.
            const { use, keep } = takeHeard(heard.get(key), Date.now());
            if (keep) heard.set(key, keep);
            else heard.delete(key);
            return use;
          },
          heardComments: pass.deps.caches?.heardComments.get(pullKey(pass, pull.number)),
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
  const started =
    training?.latest?.status === "in_progress" || training?.latest?.status === "completed";
  if ((step.kind === "training" || step.kind === "stuck") && !started) {
    pass.notStarted ??= new Set();
    pass.notStarted.add(pull.number);
  }
  switch (step.kind) {
    case "idle":
    case "ready":
    case "training":
      return;
    case "apply":
      return applyVerdict(pass, pull);
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
      return onNoResult(pass, pull, step.runId, step.conclusion, training?.rejections ?? []);
    case "result":
      return judge(pass, pull, step.result, training?.verdictPosted === true);
  }
}

/** New commits on an experiment (pushed, or the run head merged in): check them and train them. */
async function onNewHead(pass: RunPass, pull: Tracked, headSha: string): Promise<void> {
  if (isRemeasure(pull.experiment)) {
    // It measures the run head as it is: with commits of its own it would measure something else.
    return reject(
      pass,
      pull,
      "new commits on a re-measurement of the run head: it must train the run head unchanged, so push your change as an experiment branch instead",
    );
  }
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
  rejections: readonly string[],
): Promise<void> {
  const exp = pull.experiment;
  const failures = exp.infra_failures + 1;
  const what = `workflow run ${runId} ended (${conclusion ?? "no conclusion"}) without a result on the PR`;
  if (rejections.length > 0) {
    // Someone's marker, or a run that trained something else: say so where people look.
    await comment(
      pass.gh,
      pull.number,
      `⚠️ No result counted for workflow run ${runId}:\n${rejections.map((r) => `- ${r}`).join("\n")}\n\nOnly the run the app dispatched, for the head it checked, reported by the workflow, counts.`,
    );
  }
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
    pull.number,
  );
  await save(pass, pull, {
    ...exp,
    phase: "queued",
    infra_failures: failures,
    note: `${what}: retrying`,
  });
}

/** Decide on a measured (or failed) training and apply the verdict. */
async function judge(
  pass: RunPass,
  pull: Tracked,
  result: TrainResult,
  posted = false,
): Promise<void> {
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
  if (isRemeasure(exp)) {
    const recorded = recordedValueAt(trailOf(pass.pulls), exp.dispatched_at);
    return recordVerdict(pass, pull, result, decideRemeasure({ result, recorded }), null, posted);
  }
  const { diff, seedOnly } = await changeOf(pass, pull);
  const best = bestKept(trailOf(pass.pulls));
  const decision = decide({
    result,
    best: best?.state.result?.val_bpb ?? null,
    policy: pass.config.policy,
    diff,
    seedOnly,
    baseIsStale: !(await containsCommit(pass.gh, pass.head, exp.head_sha)),
    earlier: exp.confirmations ?? [],
    noise: noiseFloor(trailOf(pass.pulls))?.mad ?? null,
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
    const repeated = result.status === "ok" && runs.length > 1 ? runs : null;
    return recordVerdict(pass, pull, measured, decision.verdict, repeated, posted);
  }
  if (decision.kind === "confirm") {
    log(pass, `#${pull.number}: ${decision.reason}`, "info", pull.number);
    await save(pass, pull, {
      ...exp,
      phase: "queued",
      confirmations: [...(exp.confirmations ?? []), result.val_bpb],
      note: decision.reason,
    });
    return;
  }

  // Would keep, but trained on an older head: queue it again; dispatch brings it onto the new head first.
  log(pass, `#${pull.number}: ${decision.reason}`, "info", pull.number);
  await save(pass, pull, requeued(exp, exp.head_sha, decision.reason));
}

/**
 * What the experiment changes in the allowed files: from its state when the app made this very
 * head (sweep, baseline and re-measurement changes never touch a seed), otherwise from GitHub.
 */
async function changeOf(
  pass: RunPass,
  pull: Tracked,
): Promise<{ diff: DiffStats; seedOnly: boolean }> {
  const known = pull.experiment.diff;
  if (known && known.head_sha === pull.experiment.head_sha) {
    // decide() weighs only the line counts.
    return { diff: { added: known.added, removed: known.removed, files: [] }, seedOnly: false };
  }
  const files = await readPullFiles(pass.gh.octokit, repoOf(pass.gh), pull.number);
  const allowed = files.filter((f) => pass.config.allowedPaths.includes(f.filename));
  return {
    diff: diffStats(allowed),
    seedOnly: allowed.length > 0 && isSeedOnly(allowed.map((f) => f.patch ?? "").join("\n")),
  };
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
