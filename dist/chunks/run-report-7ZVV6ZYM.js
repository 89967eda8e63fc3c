import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  createPrReporter,
  renderFinalComment
} from "./chunk-QDBOF43A.js";
import {
  sweepSession
} from "./chunk-BIQEYHZI.js";
import {
  ResultFileSchema,
  jobHandoffPaths,
  readHandoffFile,
  readInputs
} from "./chunk-ZMAXYNHV.js";
import {
  actionOctokit
} from "./chunk-QZBVA7OT.js";
import {
  readRunContext
} from "./chunk-NCH3SKGW.js";
import "./chunk-DS6XRQEE.js";
import {
  buildTrainResult,
  resultOutputs,
  withEscapedProcess
} from "./chunk-R7LTFJCD.js";
import "./chunk-W66Z6FAG.js";
import "./chunk-OZOE3J7Y.js";
import {
  debug,
  info,
  setFailed,
  setOutput,
  summary
} from "./chunk-LBXT2ELO.js";

// src/action/run-report.ts
import { existsSync } from "node:fs";
var SWEEP_WAIT_MS = 5e3;
async function runReport() {
  try {
    const inputs = readInputs();
    const ctx = readRunContext(process.env);
    const paths = jobHandoffPaths(process.env);
    const pr = inputs.pullRequest ?? ctx.eventPr;
    const read = await readHandoffFile(ResultFileSchema, paths.result, ctx);
    const file = read.found && read.ok ? read.value : null;
    const sweep = file ? await sweepSession(file.session, { waitMs: SWEEP_WAIT_MS, label: "report step" }) : null;
    let result;
    if (file?.stage === "done" && file.result) {
      result = file.result;
    } else {
      const message = !read.found ? existsSync(paths.check) ? "the train step left no result: it failed before training (see its log)" : "neither the check nor the train step left a result: the check step failed or is missing (see the job log)" : !read.ok ? `the train step's result is unusable (${read.error}): see its log` : "the train step ended during training without a result (its process was killed or the job was cancelled): see its log";
      const status = read.found && read.ok ? "crash" : "infra";
      result = buildTrainResult(
        {
          status,
          reason: status === "crash" ? "killed" : "runner-error",
          message,
          summary: null,
          anomalous: false
        },
        meta(ctx, pr, file?.started_at)
      );
    }
    if (sweep && "clean" in sweep && !sweep.clean)
      result = withEscapedProcess(result, sweep.message);
    const view = {
      result,
      logTail: result.status === "ok" ? null : file?.log_tail ?? null,
      logFile: file?.log_file ?? inputs.logFile,
      runUrl: ctx.runUrl
    };
    for (const [name, value] of Object.entries(resultOutputs(result))) setOutput(name, value);
    await summary.addRaw(renderFinalComment({ ...view, withMarkers: false })).write();
    const octokit = actionOctokit(inputs.githubToken, ctx);
    const reporter = createPrReporter({ octokit, owner: ctx.owner, repo: ctx.repo, pr });
    await reporter.final(renderFinalComment({ ...view, withMarkers: true }));
    const line = `${result.status}${result.crash_reason ? ` (${result.crash_reason})` : ""}: ${result.message}`;
    if (result.status === "ok") info(`val_bpb ${result.val_bpb.toFixed(6)} \u2014 ${line}`);
    else setFailed(line);
  } catch (error) {
    setFailed(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && error.cause) debug(String(error.cause));
  }
}
function meta(ctx, pr, startedAt) {
  const now = (/* @__PURE__ */ new Date()).toISOString();
  return {
    pr,
    headSha: ctx.sha || "unknown",
    runId: ctx.runId,
    runAttempt: ctx.runAttempt,
    startedAt: startedAt ?? now,
    finishedAt: now
  };
}
export {
  runReport
};
