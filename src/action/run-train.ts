import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import * as core from "@actions/core";
import { type ActionInputs, expandHome } from "../core/action-inputs.js";
import { guardExperiment } from "../core/guard.js";
import { redactText, secretValues } from "../core/redact.js";
import type { CrashReason, TrainResult, TrainStatus } from "../core/result-marker.js";
import { SESSION_VAR } from "../core/session-sweep.js";
import { CheckFileSchema, HANDOFF_OUTPUTS, type ResultFile } from "../core/step-handoff.js";
import { classifyRun, logTail, parseProgress, type Summary } from "../core/summary.js";
import { buildTrainResult, resultOutputs } from "../core/train-result.js";
import { trainingEnv } from "../core/training-env.js";
import { bubblewrapCommand, IsolationError } from "./bubblewrap.js";
import { jobHandoffPaths, readHandoffFile, writeHandoffFile } from "./handoff-files.js";
import { readInputs } from "./inputs.js";
import { readTail } from "./read-tail.js";
import { redactLogFile } from "./redact-log.js";
import { type RunContext, readRunContext } from "./run-context.js";
import { runTraining } from "./run-training.js";
import { sweepSession } from "./sweep-session.js";

const CRASH_LOG_LINES = 50;
const SWEEP_WAIT_MS = 5_000;

export interface Outcome {
  status: TrainStatus;
  reason: CrashReason | null;
  message: string;
  summary: Summary | null;
  anomalous: boolean;
}

/** Set-up mistakes fail the train step itself (after leaving a result for the report step). */
class SetupError extends Error {
  override name = "SetupError";
}

/**
 * `mode: train`, without a token: check.json's verdict → data → train → sweep → redact →
 * classify → result.json. It passes whatever training did (a crash is a result, reported and
 * failed by `mode: report`); it fails only when the job is set up wrong.
 */
export async function runTrain(): Promise<void> {
  try {
    const inputs = readInputs();
    const ctx = readRunContext(process.env);
    const paths = jobHandoffPaths(process.env);
    const pr = inputs.pullRequest ?? ctx.eventPr;
    const session = randomBytes(16).toString("hex");
    const startedAt = new Date().toISOString();
    const file = (stage: ResultFile["stage"], result: TrainResult | null, tail: string | null) =>
      writeHandoffFile(paths.result, {
        v: 1,
        run_id: ctx.runId,
        run_attempt: ctx.runAttempt,
        stage,
        session,
        started_at: startedAt,
        result,
        log_tail: tail,
        log_file: inputs.logFile,
      } satisfies ResultFile);
    const finish = async (outcome: Outcome, tail: string | null, started = startedAt) => {
      const result = buildTrainResult(outcome, {
        pr,
        headSha: ctx.sha || "unknown",
        runId: ctx.runId,
        runAttempt: ctx.runAttempt,
        startedAt: started,
        finishedAt: new Date().toISOString(),
      });
      const shown = tail !== null && result.status !== "ok" ? logTail(tail, CRASH_LOG_LINES) : null;
      await file("done", result, shown);
      for (const [name, value] of Object.entries(resultOutputs(result)))
        core.setOutput(name, value);
      core.setOutput(HANDOFF_OUTPUTS.result, paths.result);
      const line = `${result.status}${result.crash_reason ? ` (${result.crash_reason})` : ""}: ${result.message}`;
      core.info(`Result for the report step (${paths.result}): ${line}`);
    };

    try {
      // 1. The token-holding check step must have cleared this PR before anything runs.
      if (inputs.githubToken) {
        throw new SetupError(
          "mode: train must not get a token (training code could read it): remove github-token from this step; the check and report steps take it",
        );
      }
      const refusal = await readVerdict(inputs, ctx, paths.check, pr);
      if (refusal) return await finish(refusal, null);

      // 2. Data: training without the prepared cache would only waste the GPU slot.
      const missing = inputs.requiredPaths
        .map((p) => expandHome(p, process.env.HOME ?? ""))
        .filter((p) => !existsSync(p));
      if (missing.length > 0) {
        const message = `missing ${missing.join(", ")} on this runner: run \`uv run prepare.py\` on it once (input required-paths)`;
        return await finish(failure("infra", "missing-data", message), null);
      }

      // 3. Train, marked with the session id, contained as the workflow asks.
      const cwd = resolve(inputs.workingDirectory);
      const logPath = resolve(cwd, inputs.logFile);
      const secrets = secretValues(process.env, inputs.redact);
      const command =
        inputs.isolation === "bubblewrap"
          ? await bubblewrapCommand(
              {
                command: inputs.command,
                cwd,
                home: process.env.HOME ?? "",
                network: inputs.isolationNetwork,
              },
              process.env,
            )
          : inputs.command;
      await file("training", null, null);
      core.info(
        `Training: ${inputs.command} (in ${cwd}, log ${logPath}, timeout ${inputs.timeoutMinutes} min, isolation ${inputs.isolation})`,
      );
      const training = await runTraining({
        command,
        cwd,
        logPath,
        env: { ...trainingEnv(process.env), [SESSION_VAR]: session },
        timeoutMs: inputs.timeoutMinutes * 60_000,
        graceMs: inputs.killGraceSeconds * 1000,
        tickMs: inputs.progressInterval * 1000,
        onTick: async () => {
          const progress = parseProgress(await readTail(logPath));
          if (progress)
            core.info(`[PR #${pr ?? "-"}] ${redactText(progress.line.trim(), secrets)}`);
        },
      });

      // 4. Nothing of the session may outlive this step, then nothing secret may stay in the log.
      const sweep = await sweepSession(session, { waitMs: SWEEP_WAIT_MS, label: "train step" });
      await redactLogFile(logPath, secrets);

      // 5. Classify what the (redacted) log says.
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
      const escaped = "clean" in sweep && !sweep.clean;
      await finish(
        escaped
          ? { ...failure("crash", "escaped-process", sweep.message), summary: outcome.summary }
          : outcome,
        tail,
        training.startedAt.toISOString(),
      );
    } catch (error) {
      if (error instanceof IsolationError) {
        return await finish(failure("infra", "runner-error", error.message), null);
      }
      if (error instanceof SetupError) {
        await finish(failure("infra", "runner-error", error.message), null);
      }
      throw error;
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && error.cause) core.debug(String(error.cause));
  }
}

/** The check step's verdict for this job as an outcome to report, or null: go ahead and train. */
async function readVerdict(
  inputs: ActionInputs,
  ctx: RunContext,
  checkPath: string,
  pr: number | null,
): Promise<Outcome | null> {
  const read = await readHandoffFile(CheckFileSchema, checkPath, ctx);
  if (!read.found) {
    if (pr !== null) {
      throw new SetupError(
        `no check step ran before training PR #${pr}: add a step with \`mode: check\` and the token before this one (examples/workflows/autoresearch.yml)`,
      );
    }
    // No PR: nothing to read with a token; the ref is all there is to check.
    const guard = guardExperiment({
      ref: ctx.ref,
      repository: ctx.repository,
      headRepository: null,
      changedFiles: null,
      allowedPaths: inputs.allowedPaths,
    });
    return guard.ok ? null : failure("rejected", guard.reason, guard.message);
  }
  if (!read.ok) throw new SetupError(`the check step's ${checkPath} is unusable: ${read.error}`);
  if (read.value.pr !== pr) {
    throw new SetupError(
      `the check step checked PR #${read.value.pr ?? "-"} but this step trains PR #${pr ?? "-"}: give both the same pull-request`,
    );
  }
  const { verdict } = read.value;
  return verdict.ok ? null : failure("rejected", verdict.reason, verdict.message);
}

function failure(status: TrainStatus, reason: CrashReason, message: string): Outcome {
  return { status, reason, message, summary: null, anomalous: false };
}
