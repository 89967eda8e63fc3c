import { existsSync } from "node:fs";
import { resolve } from "node:path";
import * as core from "@actions/core";
import { Octokit } from "@octokit/rest";
import { type ActionInputs, expandHome } from "../core/action-inputs.js";
import { guardExperiment } from "../core/guard.js";
import { type ActionMode, parseMode } from "../core/propose-inputs.js";
import type { CrashReason, TrainResult, TrainStatus } from "../core/result-marker.js";
import { classifyRun, logTail, parseProgress, type Summary } from "../core/summary.js";
import { buildTrainResult, resultOutputs } from "../core/train-result.js";
import { trainingEnv } from "../core/training-env.js";
import { readPullFacts } from "../github/pull-files.js";
import { renderFinalComment, renderRunningComment } from "../views/runner-comment.js";
import { readInputs } from "./inputs.js";
import { createPrReporter, type PrReporter } from "./pr-reporter.js";
import { runPropose } from "./propose/run-propose.js";
import { readTail } from "./read-tail.js";
import { type RunContext, readRunContext } from "./run-context.js";
import { runTraining } from "./run-training.js";

const CRASH_LOG_LINES = 50;

interface Outcome {
  status: TrainStatus;
  reason: CrashReason | null;
  message: string;
  summary: Summary | null;
  anomalous: boolean;
}

/** The action: `mode: propose` asks an agent for the next experiment; train mode is below. */
export async function run(): Promise<void> {
  let mode: ActionMode;
  try {
    mode = parseMode(core.getInput("mode"));
  } catch (error) {
    return core.setFailed(error instanceof Error ? error.message : String(error));
  }
  return mode === "propose" ? runPropose() : runTrain();
}

/** Train mode: guard → check data → train → classify → report. */
async function runTrain(): Promise<void> {
  try {
    const inputs = readInputs();
    const ctx = readRunContext(process.env);
    const pr = inputs.pullRequest ?? ctx.eventPr;
    const octokit = inputs.githubToken
      ? new Octokit({
          auth: inputs.githubToken,
          baseUrl: ctx.apiUrl,
          userAgent: "autoresearch-bot-action",
        })
      : null;
    const reporter = createPrReporter({ octokit, owner: ctx.owner, repo: ctx.repo, pr });
    const startedAt = new Date().toISOString();
    const finish = (outcome: Outcome, logText: string | null, started = startedAt) =>
      report(inputs, ctx, reporter, pr, outcome, logText, started);

    // 1. Guard: only our own experiment branches, changing only allowed paths.
    const pull = octokit && pr ? await readPullFacts(octokit, ctx, pr) : null;
    const guard = guardExperiment({
      ref: pull ? `refs/heads/${pull.headRef}` : ctx.ref,
      repository: ctx.repository,
      headRepository: pull?.headRepository ?? null,
      changedFiles: pull?.files.map((f) => f.filename) ?? null,
      allowedPaths: inputs.allowedPaths,
    });
    if (!guard.ok) {
      return await finish(failure("rejected", guard.reason, guard.message), null);
    }
    if (pull && ctx.ref && ctx.ref !== `refs/heads/${pull.headRef}`) {
      const message = `PR #${pr} is ${pull.headRef} but this job runs on ${ctx.ref}: dispatch the workflow on the PR's head ref`;
      return await finish(failure("rejected", "bad-ref", message), null);
    }

    // 2. Data: training without the prepared cache would only waste the GPU slot.
    const missing = inputs.requiredPaths
      .map((p) => expandHome(p, process.env.HOME ?? ""))
      .filter((p) => !existsSync(p));
    if (missing.length > 0) {
      const message = `missing ${missing.join(", ")} on this runner: run \`uv run prepare.py\` on it once (input required-paths)`;
      return await finish(failure("infra", "missing-data", message), null);
    }

    // 3. Train, with live progress on the PR.
    const cwd = resolve(inputs.workingDirectory);
    const logPath = resolve(cwd, inputs.logFile);
    const sha = ctx.sha || pull?.headSha || "";
    const running = async (elapsedMs: number) => {
      const progress = parseProgress(await readTail(logPath));
      const body = renderRunningComment({
        sha,
        elapsedMs,
        timeoutMinutes: inputs.timeoutMinutes,
        progress,
        runUrl: ctx.runUrl,
      });
      await reporter.progress(body);
      if (progress) core.info(`[PR #${pr ?? "-"}] ${progress.line.trim()}`);
    };
    await running(0);
    core.info(
      `Training: ${inputs.command} (in ${cwd}, log ${logPath}, timeout ${inputs.timeoutMinutes} min)`,
    );
    const training = await runTraining({
      command: inputs.command,
      cwd,
      logPath,
      env: trainingEnv(process.env),
      timeoutMs: inputs.timeoutMinutes * 60_000,
      graceMs: inputs.killGraceSeconds * 1000,
      tickMs: inputs.progressInterval * 1000,
      onTick: running,
    });

    // 4. Classify what the log says.
    const tail = await readTail(logPath);
    const classified = classifyRun(
      tail,
      { exitCode: training.exitCode, signal: training.signal, timedOut: training.timedOut },
      inputs.anomalySeconds,
    );
    const outcome: Outcome =
      classified.status === "ok"
        ? {
            status: "ok",
            reason: null,
            message: classified.message,
            summary: classified.summary,
            anomalous: classified.anomalous,
          }
        : {
            status: "crash",
            reason: training.cancelled ? "killed" : classified.reason,
            message: training.timedOut
              ? `killed after ${inputs.timeoutMinutes} min (timeout-minutes): the run took too long and counts as a crash`
              : classified.message,
            summary: classified.summary,
            anomalous: false,
          };
    await finish(outcome, tail, training.startedAt.toISOString());
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && error.cause) core.debug(String(error.cause));
  }
}

function failure(status: TrainStatus, reason: CrashReason, message: string): Outcome {
  return { status, reason, message, summary: null, anomalous: false };
}

// 5. Report everywhere a user or the app looks, then exit non-zero unless ok.
async function report(
  inputs: ActionInputs,
  ctx: RunContext,
  reporter: PrReporter,
  pr: number | null,
  outcome: Outcome,
  tail: string | null,
  startedAt: string,
): Promise<void> {
  const result: TrainResult = buildTrainResult(outcome, {
    pr,
    headSha: ctx.sha || "unknown",
    runId: ctx.runId,
    runAttempt: ctx.runAttempt,
    startedAt,
    finishedAt: new Date().toISOString(),
  });
  const logText = tail !== null && result.status !== "ok" ? logTail(tail, CRASH_LOG_LINES) : null;
  const view = { result, logTail: logText, logFile: inputs.logFile, runUrl: ctx.runUrl };
  for (const [name, value] of Object.entries(resultOutputs(result))) core.setOutput(name, value);
  await core.summary.addRaw(renderFinalComment({ ...view, withMarkers: false })).write();
  await reporter.final(renderFinalComment({ ...view, withMarkers: true }));
  const line = `${result.status}${result.crash_reason ? ` (${result.crash_reason})` : ""}: ${result.message}`;
  if (result.status === "ok") core.info(`val_bpb ${result.val_bpb.toFixed(6)} — ${line}`);
  else core.setFailed(line);
}
