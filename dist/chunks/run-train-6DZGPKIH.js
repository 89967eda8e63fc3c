import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  guardExperiment
} from "./chunk-XSSBLKZP.js";
import {
  SESSION_VAR,
  sweepSession
} from "./chunk-BIQEYHZI.js";
import {
  CheckFileSchema,
  HANDOFF_OUTPUTS,
  jobHandoffPaths,
  readHandoffFile,
  readInputs,
  writeHandoffFile
} from "./chunk-ZMAXYNHV.js";
import {
  execa,
  readTail,
  runTraining,
  trainingEnv
} from "./chunk-ZC3AKYSR.js";
import {
  readRunContext
} from "./chunk-NCH3SKGW.js";
import {
  expandHome
} from "./chunk-DS6XRQEE.js";
import {
  createStreamRedactor,
  redactText,
  secretValues
} from "./chunk-IVXKV6KW.js";
import {
  buildTrainResult,
  resultOutputs
} from "./chunk-R7LTFJCD.js";
import "./chunk-G4P45L52.js";
import {
  SUMMARY_RANGES,
  numberIn,
  rangeText
} from "./chunk-OZOE3J7Y.js";
import {
  debug,
  info,
  object,
  setFailed,
  setOutput
} from "./chunk-LBXT2ELO.js";

// src/action/run-train.ts
import { randomBytes } from "node:crypto";
import { existsSync as existsSync2 } from "node:fs";
import { resolve } from "node:path";

// src/core/summary.ts
var measured = (range) => numberIn(range).nullable();
var SummarySchema = object({
  val_bpb: numberIn(SUMMARY_RANGES.val_bpb),
  training_seconds: measured(SUMMARY_RANGES.training_seconds),
  total_seconds: measured(SUMMARY_RANGES.total_seconds),
  peak_vram_mb: measured(SUMMARY_RANGES.peak_vram_mb),
  mfu_percent: measured(SUMMARY_RANGES.mfu_percent),
  total_tokens_M: measured(SUMMARY_RANGES.total_tokens_M),
  num_steps: measured(SUMMARY_RANGES.num_steps),
  num_params_M: measured(SUMMARY_RANGES.num_params_M),
  depth: measured(SUMMARY_RANGES.depth)
});
var SUMMARY_KEYS = Object.keys(SummarySchema.shape);
function visibleLines(tail) {
  return tail.split("\n").map((line) => line.replace(/\r+$/, "").split("\r").at(-1));
}
var STEP_RE = /^step (\d+) \((\d+(?:\.\d+)?)%\)/;
function parseProgress(tail) {
  const pieces = tail.split(/[\r\n]/);
  for (let i = pieces.length - 1; i >= 0; i--) {
    const progress = progressOf(pieces[i].trim());
    if (progress) return progress;
  }
  return null;
}
function progressOf(line) {
  const step = STEP_RE.exec(line);
  if (!step) return null;
  return {
    step: Number(step[1]),
    percent: Number(step[2]),
    loss: fieldOf(line, /\| loss: (\S+)/),
    tokPerSec: fieldOf(line, /\| tok\/sec: ([\d,]+)/),
    mfu: fieldOf(line, /\| mfu: (\S+?)%/),
    remainingSeconds: fieldOf(line, /\| remaining: (\S+?)s\b/),
    line
  };
}
function fieldOf(line, re) {
  const match = re.exec(line);
  if (!match) return null;
  const value = pythonNumber(match[1].replaceAll(",", ""));
  return value !== null && Number.isFinite(value) ? value : null;
}
function pythonNumber(text) {
  const t = text.trim().toLowerCase();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
  if (/^[+-]?inf(inity)?$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return Number.NaN;
  return null;
}
var KEY_VALUE_RE = /^\s*([A-Za-z_]\w*)\s*:\s*(.*?)\s*$/;
function parseSummary(tail) {
  const lines = visibleLines(tail);
  const start = lines.findLastIndex((line) => line.trim() === "---");
  if (start === -1) {
    return { ok: false, reason: "no-summary", detail: "no `---` line before the summary" };
  }
  const raw = keyValues(lines.slice(start + 1));
  if (raw.val_bpb === void 0) {
    return { ok: false, reason: "no-summary", detail: "no `val_bpb:` line after the last `---`" };
  }
  const input = Object.fromEntries(SUMMARY_KEYS.map((key) => [key, summaryValue(key, raw[key])]));
  const parsed = SummarySchema.safeParse(input);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path[0]))];
    const detail = fields.map((key) => `${key} is "${raw[key]}", not a number in ${rangeText(SUMMARY_RANGES[key])}`).join("; ");
    return { ok: false, reason: "invalid-summary", detail };
  }
  return { ok: true, summary: parsed.data };
}
function summaryValue(key, text) {
  if (text === void 0) return null;
  const value = pythonNumber(text);
  if (value === null) return key === "val_bpb" ? Number.NaN : null;
  return value;
}
function keyValues(lines) {
  const values = {};
  for (const line of lines) {
    const match = KEY_VALUE_RE.exec(line);
    if (match && !(match[1] in values)) values[match[1]] = match[2];
  }
  return values;
}
function classifyRun(tail, exit, anomalySeconds) {
  const read = parseSummary(tail);
  const summary = read.ok ? read.summary : null;
  if (exit.timedOut) {
    return crash(
      "timeout",
      "Training was killed at the timeout: look in the log tail for a hang or a change that made steps much slower.",
      summary
    );
  }
  if (summary && exit.exitCode === 0) return ok(summary, anomalySeconds);
  const lines = visibleLines(tail);
  if (lines.some(isFailLine)) {
    return crash(
      "nan",
      "The loss became NaN or exceeded 100 and train.py stopped (FAIL): lower the learning rate or undo the change that destabilised training.",
      summary
    );
  }
  if (tail.includes("CUDA out of memory") || tail.includes("OutOfMemoryError")) {
    return crash(
      "oom",
      "CUDA ran out of memory: reduce DEVICE_BATCH_SIZE or the model size.",
      summary
    );
  }
  const traceback = tracebackOf(lines);
  if (traceback) return crash("traceback", traceback, summary);
  if (exit.signal) {
    return crash(
      "killed",
      `Training was killed by ${exit.signal} from outside the action (not the timeout): check the runner for the kernel OOM killer or a cancelled job, then re-run.`,
      summary
    );
  }
  if (!read.ok && read.reason === "invalid-summary") {
    return crash(
      "invalid-summary",
      `train.py printed a summary but ${read.detail}: look for numerical problems (NaN, overflow) in the change.`,
      null
    );
  }
  if (summary) {
    return crash(
      "traceback",
      `train.py printed its summary but ${exitText(exit)}: check the end of the log for the error.`,
      summary
    );
  }
  const how = exit.exitCode === 0 ? "exited successfully" : exitText(exit);
  return crash(
    "no-summary",
    `train.py ${how} without printing a val_bpb summary: check the log tail and keep the final summary block in train.py.`,
    null
  );
}
function ok(summary, anomalySeconds) {
  const seconds = summary.training_seconds;
  const bpb = summary.val_bpb.toFixed(6);
  if (seconds !== null && seconds > anomalySeconds) {
    return {
      status: "ok",
      summary,
      anomalous: true,
      message: `val_bpb ${bpb}, but training took ${seconds} s (over ${anomalySeconds} s): the result counts, yet check why this run was slow.`
    };
  }
  const after = seconds === null ? "" : ` after ${seconds} s of training`;
  return { status: "ok", summary, anomalous: false, message: `val_bpb ${bpb}${after}.` };
}
function crash(reason, message, summary) {
  return { status: "crash", reason, message, summary };
}
function exitText(exit) {
  if (exit.exitCode !== null) return `exited with code ${exit.exitCode}`;
  if (exit.signal) return `was stopped by ${exit.signal}`;
  return "ended without an exit code";
}
function isFailLine(line) {
  const text = line.trim();
  return text === "FAIL" || STEP_RE.test(text) && /\sFAIL$/.test(text);
}
var TRACEBACK_HEAD = "Traceback (most recent call last):";
var EXCEPTION_RE = /^[A-Za-z_][\w.]*(:.*)?$/;
var MAX_EXCEPTION_CHARS = 300;
function tracebackOf(lines) {
  const head = lines.findLastIndex((line) => line.startsWith(TRACEBACK_HEAD));
  if (head === -1) return null;
  const exception = lines.slice(head + 1).find((line) => EXCEPTION_RE.test(line.trimEnd()));
  if (!exception) {
    return "train.py crashed with a Python traceback: fix the error shown in the log tail.";
  }
  return `train.py crashed (${cut(exception.trim(), MAX_EXCEPTION_CHARS)}): fix the error shown in the log tail.`;
}
var MAX_LINE_CHARS = 500;
function logTail(tail, lines) {
  if (lines <= 0) return "";
  const visible = visibleLines(tail);
  while (visible.length > 0 && visible.at(-1).trim() === "") visible.pop();
  return visible.slice(-lines).map((line) => cut(line.trimEnd(), MAX_LINE_CHARS)).join("\n");
}
function cut(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

// src/action/bubblewrap.ts
import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";

// src/core/bubblewrap-args.ts
function bubblewrapArgs(plan) {
  const cache = `${plan.home.replace(/\/+$/, "")}/.cache/autoresearch`;
  const hide = plan.hide.filter((dir) => !isInside(dir, plan.cwd) && dir !== "/");
  return [
    "--die-with-parent",
    "--new-session",
    "--unshare-pid",
    "--unshare-user-try",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    ...plan.network ? [] : ["--unshare-net"],
    ...["--ro-bind", "/", "/"],
    ...["--proc", "/proc"],
    ...["--dev", "/dev"],
    ...plan.devices.flatMap((device) => ["--dev-bind", device, device]),
    ...["--tmpfs", "/tmp"],
    ...hide.flatMap((dir) => ["--tmpfs", dir]),
    ...plan.mask.flatMap((file) => ["--ro-bind", "/dev/null", file]),
    // After the tmpfs covers, so a hidden parent cannot take these away again.
    ...["--ro-bind-try", cache, cache],
    ...["--bind", plan.cwd, plan.cwd],
    ...["--chdir", plan.cwd],
    "--",
    "/bin/sh",
    "-c",
    plan.command
  ];
}
function isInside(path, dir) {
  return path === dir || path.startsWith(`${dir.replace(/\/+$/, "")}/`);
}
function gpuDevices(devEntries) {
  return devEntries.filter((name) => name.startsWith("nvidia") || name === "dri" || name === "kfd").sort().map((name) => `/dev/${name}`);
}

// src/action/bubblewrap.ts
var IsolationError = class extends Error {
  name = "IsolationError";
};
async function bubblewrapCommand(plan, env) {
  const bwrap = findOnPath("bwrap", env.PATH ?? "");
  if (bwrap === null) {
    throw new IsolationError(
      "isolation: bubblewrap needs bwrap on the runner, and it is not on PATH: install it once (`sudo apt-get install bubblewrap`), or set isolation: none"
    );
  }
  const probe = await execa(
    bwrap,
    [
      "--die-with-parent",
      "--unshare-pid",
      "--unshare-user-try",
      "--ro-bind",
      "/",
      "/",
      "--proc",
      "/proc",
      "--dev",
      "/dev",
      "true"
    ],
    { reject: false, timeout: 1e4, env: {}, extendEnv: false }
  );
  if (probe.exitCode !== 0) {
    throw new IsolationError(
      `isolation: bubblewrap: bwrap cannot create its namespaces on this runner (${String(probe.stderr).trim() || `exit ${probe.exitCode}`}): allow unprivileged user namespaces (e.g. Ubuntu 24.04: sysctl kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile for bwrap), or set isolation: none`
    );
  }
  const root = runnerRoot();
  const hide = [env.RUNNER_TEMP, root && join(root, "_diag")].filter(existing);
  const mask = RUNNER_SECRETS.map((name) => root && join(root, name)).filter(existing);
  return [bwrap, ...bubblewrapArgs({ ...plan, devices: gpuDevices(listDev()), hide, mask })];
}
var RUNNER_SECRETS = [".credentials", ".credentials_rsaparams", ".runner"];
function existing(path) {
  return typeof path === "string" && path !== "" && existsSync(path);
}
function findOnPath(name, path) {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}
function listDev() {
  try {
    return readdirSync("/dev");
  } catch {
    return [];
  }
}
function runnerRoot() {
  try {
    const exe = readlinkSync(`/proc/${process.ppid}/exe`);
    return basename(exe).startsWith("Runner.Worker") ? dirname(dirname(exe)) : null;
  } catch {
    return null;
  }
}

// src/action/redact-log.ts
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
async function redactLogFile(path, secrets) {
  if (secrets.length === 0) return;
  const encoded = secrets.map((s) => Buffer.from(s, "utf8").toString("latin1"));
  const redactor = createStreamRedactor(encoded);
  const temporary = `${path}.redacting`;
  try {
    await pipeline(
      createReadStream(path),
      async function* (chunks) {
        for await (const chunk of chunks)
          yield Buffer.from(redactor.push(chunk.toString("latin1")), "latin1");
        yield Buffer.from(redactor.end(), "latin1");
      },
      createWriteStream(temporary, { mode: 420 })
    );
  } catch (cause) {
    await rm(temporary, { force: true });
    if (cause.code === "ENOENT") return;
    throw new Error(`Could not redact the training log ${path}: ${String(cause)}`, { cause });
  }
  await rename(temporary, path);
}

// src/action/run-train.ts
var CRASH_LOG_LINES = 50;
var SWEEP_WAIT_MS = 5e3;
var SetupError = class extends Error {
  name = "SetupError";
};
async function runTrain() {
  try {
    const inputs = readInputs();
    const ctx = readRunContext(process.env);
    const paths = jobHandoffPaths(process.env);
    const pr = inputs.pullRequest ?? ctx.eventPr;
    const session = randomBytes(16).toString("hex");
    const startedAt = (/* @__PURE__ */ new Date()).toISOString();
    const file = (stage, result, tail) => writeHandoffFile(paths.result, {
      v: 1,
      run_id: ctx.runId,
      run_attempt: ctx.runAttempt,
      stage,
      session,
      started_at: startedAt,
      result,
      log_tail: tail,
      log_file: inputs.logFile
    });
    const finish = async (outcome, tail, started = startedAt) => {
      const result = buildTrainResult(outcome, {
        pr,
        headSha: ctx.sha || "unknown",
        runId: ctx.runId,
        runAttempt: ctx.runAttempt,
        startedAt: started,
        finishedAt: (/* @__PURE__ */ new Date()).toISOString()
      });
      const shown = tail !== null && result.status !== "ok" ? logTail(tail, CRASH_LOG_LINES) : null;
      await file("done", result, shown);
      for (const [name, value] of Object.entries(resultOutputs(result)))
        setOutput(name, value);
      setOutput(HANDOFF_OUTPUTS.result, paths.result);
      const line = `${result.status}${result.crash_reason ? ` (${result.crash_reason})` : ""}: ${result.message}`;
      info(`Result for the report step (${paths.result}): ${line}`);
    };
    try {
      if (inputs.githubToken) {
        throw new SetupError(
          "mode: train must not get a token (training code could read it): remove github-token from this step; the check and report steps take it"
        );
      }
      const refusal = await readVerdict(inputs, ctx, paths.check, pr);
      if (refusal) return await finish(refusal, null);
      const missing = inputs.requiredPaths.map((p) => expandHome(p, process.env.HOME ?? "")).filter((p) => !existsSync2(p));
      if (missing.length > 0) {
        const message = `missing ${missing.join(", ")} on this runner: run \`uv run prepare.py\` on it once (input required-paths)`;
        return await finish(failure("infra", "missing-data", message), null);
      }
      const cwd = resolve(inputs.workingDirectory);
      const logPath = resolve(cwd, inputs.logFile);
      const secrets = secretValues(process.env, inputs.redact);
      const command = inputs.isolation === "bubblewrap" ? await bubblewrapCommand(
        {
          command: inputs.command,
          cwd,
          home: process.env.HOME ?? "",
          network: inputs.isolationNetwork
        },
        process.env
      ) : inputs.command;
      await file("training", null, null);
      info(
        `Training: ${inputs.command} (in ${cwd}, log ${logPath}, timeout ${inputs.timeoutMinutes} min, isolation ${inputs.isolation})`
      );
      const training = await runTraining({
        command,
        cwd,
        logPath,
        env: { ...trainingEnv(process.env), [SESSION_VAR]: session },
        timeoutMs: inputs.timeoutMinutes * 6e4,
        graceMs: inputs.killGraceSeconds * 1e3,
        tickMs: inputs.progressInterval * 1e3,
        onTick: async () => {
          const progress = parseProgress(await readTail(logPath));
          if (progress)
            info(`[PR #${pr ?? "-"}] ${redactText(progress.line.trim(), secrets)}`);
        }
      });
      const sweep = await sweepSession(session, { waitMs: SWEEP_WAIT_MS, label: "train step" });
      await redactLogFile(logPath, secrets);
      const tail = await readTail(logPath);
      const classified = classifyRun(
        tail,
        { exitCode: training.exitCode, signal: training.signal, timedOut: training.timedOut },
        inputs.anomalySeconds
      );
      const outcome = classified.status === "ok" ? {
        status: "ok",
        reason: null,
        message: classified.message,
        summary: classified.summary,
        anomalous: classified.anomalous
      } : {
        status: "crash",
        reason: training.cancelled ? "killed" : classified.reason,
        message: training.timedOut ? `killed after ${inputs.timeoutMinutes} min (timeout-minutes): the run took too long and counts as a crash` : classified.message,
        summary: classified.summary,
        anomalous: false
      };
      const escaped = "clean" in sweep && !sweep.clean;
      await finish(
        escaped ? { ...failure("crash", "escaped-process", sweep.message), summary: outcome.summary } : outcome,
        tail,
        training.startedAt.toISOString()
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
    setFailed(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && error.cause) debug(String(error.cause));
  }
}
async function readVerdict(inputs, ctx, checkPath, pr) {
  const read = await readHandoffFile(CheckFileSchema, checkPath, ctx);
  if (!read.found) {
    if (pr !== null) {
      throw new SetupError(
        `no check step ran before training PR #${pr}: add a step with \`mode: check\` and the token before this one (examples/workflows/autoresearch.yml)`
      );
    }
    const guard = guardExperiment({
      ref: ctx.ref,
      repository: ctx.repository,
      headRepository: null,
      changedFiles: null,
      allowedPaths: inputs.allowedPaths
    });
    return guard.ok ? null : failure("rejected", guard.reason, guard.message);
  }
  if (!read.ok) throw new SetupError(`the check step's ${checkPath} is unusable: ${read.error}`);
  if (read.value.pr !== pr) {
    throw new SetupError(
      `the check step checked PR #${read.value.pr ?? "-"} but this step trains PR #${pr ?? "-"}: give both the same pull-request`
    );
  }
  const { verdict } = read.value;
  return verdict.ok ? null : failure("rejected", verdict.reason, verdict.message);
}
function failure(status, reason, message) {
  return { status, reason, message, summary: null, anomalous: false };
}
export {
  runTrain
};
