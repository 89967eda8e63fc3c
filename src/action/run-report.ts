import { existsSync } from "node:fs";
import * as core from "@actions/core";
import type { TrainResult } from "../core/result-marker.js";
import { ResultFileSchema } from "../core/step-handoff.js";
import { buildTrainResult, resultOutputs, withEscapedProcess } from "../core/train-result.js";
import { renderFinalComment } from "../views/runner-comment.js";
import { jobHandoffPaths, readHandoffFile } from "./handoff-files.js";
import { readInputs } from "./inputs.js";
import { actionOctokit } from "./octokit.js";
import { createPrReporter } from "./pr-reporter.js";
import { type RunContext, readRunContext } from "./run-context.js";
import { sweepSession } from "./sweep-session.js";

const SWEEP_WAIT_MS = 5_000;

/**
 * `mode: report`, with the token, after training (`if: always()`): makes sure nothing of the
 * training session still runs, then puts the result where users and the app look (PR comment
 * with the marker, outputs, job summary) and fails the job unless the run was ok.
 */
export async function runReport(): Promise<void> {
  try {
    const inputs = readInputs();
    const ctx = readRunContext(process.env);
    const paths = jobHandoffPaths(process.env);
    const pr = inputs.pullRequest ?? ctx.eventPr;

    // 1. Find what the train step left.
    const read = await readHandoffFile(ResultFileSchema, paths.result, ctx);
    const file = read.found && read.ok ? read.value : null;

    // 2. No survivor of training may run while the token is in this process's environment.
    const sweep = file
      ? await sweepSession(file.session, { waitMs: SWEEP_WAIT_MS, label: "report step" })
      : null;

    // 3. Decide what to report.
    let result: TrainResult;
    if (file?.stage === "done" && file.result) {
      result = file.result;
    } else {
      const message = !read.found
        ? existsSync(paths.check)
          ? "the train step left no result: it failed before training (see its log)"
          : "neither the check nor the train step left a result: the check step failed or is missing (see the job log)"
        : !read.ok
          ? `the train step's result is unusable (${read.error}): see its log`
          : "the train step ended during training without a result (its process was killed or the job was cancelled): see its log";
      const status = read.found && read.ok ? "crash" : "infra";
      result = buildTrainResult(
        {
          status,
          reason: status === "crash" ? "killed" : "runner-error",
          message,
          summary: null,
          anomalous: false,
        },
        meta(ctx, pr, file?.started_at),
      );
    }
    if (sweep && "clean" in sweep && !sweep.clean)
      result = withEscapedProcess(result, sweep.message);

    // 4. Report.
    const view = {
      result,
      logTail: result.status === "ok" ? null : (file?.log_tail ?? null),
      logFile: file?.log_file ?? inputs.logFile,
      runUrl: ctx.runUrl,
    };
    for (const [name, value] of Object.entries(resultOutputs(result))) core.setOutput(name, value);
    await core.summary.addRaw(renderFinalComment({ ...view, withMarkers: false })).write();
    const octokit = actionOctokit(inputs.githubToken, ctx);
    const reporter = createPrReporter({ octokit, owner: ctx.owner, repo: ctx.repo, pr });
    await reporter.final(renderFinalComment({ ...view, withMarkers: true }));
    const line = `${result.status}${result.crash_reason ? ` (${result.crash_reason})` : ""}: ${result.message}`;
    if (result.status === "ok") core.info(`val_bpb ${result.val_bpb.toFixed(6)} — ${line}`);
    else core.setFailed(line);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && error.cause) core.debug(String(error.cause));
  }
}

function meta(ctx: RunContext, pr: number | null, startedAt: string | undefined) {
  const now = new Date().toISOString();
  return {
    pr,
    headSha: ctx.sha || "unknown",
    runId: ctx.runId,
    runAttempt: ctx.runAttempt,
    startedAt: startedAt ?? now,
    finishedAt: now,
  };
}
