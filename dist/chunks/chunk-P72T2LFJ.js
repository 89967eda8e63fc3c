import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  warning
} from "./chunk-I35A2DY5.js";

// src/core/session-sweep.ts
var SESSION_VAR = "AUTORESEARCH_SESSION";
function parseEnviron(raw) {
  const vars = /* @__PURE__ */ new Map();
  for (const entry of raw.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return vars;
}
function belongsToSession(environ, id) {
  return parseEnviron(environ).get(SESSION_VAR) === id;
}
function sweepVerdict(found, stillAlive) {
  const killed = found.filter((pid) => !stillAlive.includes(pid));
  if (stillAlive.length === 0) return { clean: true, killed };
  const pids = stillAlive.join(", ");
  return {
    clean: false,
    killed,
    escaped: [...stillAlive],
    message: `process ${pids} of the training session survived SIGKILL (stuck in the kernel or running as another user): the result cannot be trusted; reboot or clean up the runner, then rerun`
  };
}

// src/core/train-result.ts
var EMPTY_METRICS = {
  peak_vram_mb: null,
  training_seconds: null,
  total_seconds: null,
  mfu_percent: null,
  total_tokens_M: null,
  num_steps: null,
  num_params_M: null,
  depth: null
};
function buildTrainResult(outcome, meta) {
  const ok = outcome.status === "ok" && outcome.summary !== null;
  const metrics = outcome.summary ? {
    peak_vram_mb: outcome.summary.peak_vram_mb,
    training_seconds: outcome.summary.training_seconds,
    total_seconds: outcome.summary.total_seconds,
    mfu_percent: outcome.summary.mfu_percent,
    total_tokens_M: outcome.summary.total_tokens_M,
    num_steps: outcome.summary.num_steps,
    num_params_M: outcome.summary.num_params_M,
    depth: outcome.summary.depth
  } : EMPTY_METRICS;
  return {
    v: 1,
    status: outcome.status,
    crash_reason: ok ? null : outcome.reason,
    message: outcome.message,
    val_bpb: ok ? round(outcome.summary.val_bpb, 6) : 0,
    memory_gb: ok ? round((outcome.summary.peak_vram_mb ?? 0) / 1024, 1) : 0,
    ...metrics,
    anomalous: outcome.anomalous,
    pr: meta.pr,
    head_sha: meta.headSha,
    run_id: meta.runId,
    run_attempt: meta.runAttempt,
    started_at: meta.startedAt,
    finished_at: meta.finishedAt
  };
}
function resultOutputs(result) {
  const text = (n) => n === null ? "" : String(n);
  return {
    status: result.status,
    "crash-reason": result.crash_reason ?? "",
    val_bpb: result.val_bpb.toFixed(6),
    memory_gb: result.memory_gb.toFixed(1),
    peak_vram_mb: text(result.peak_vram_mb),
    training_seconds: text(result.training_seconds),
    total_seconds: text(result.total_seconds),
    anomalous: String(result.anomalous),
    "result-json": JSON.stringify(result)
  };
}
function round(value, decimals) {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
function withEscapedProcess(result, message) {
  return {
    ...result,
    status: "crash",
    crash_reason: "escaped-process",
    message,
    val_bpb: 0,
    memory_gb: 0,
    anomalous: false
  };
}

// src/action/sweep-session.ts
import { readdirSync, readFileSync } from "node:fs";
var procTable = {
  pids: () => readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number),
  environ: (pid) => readOrNull(`/proc/${pid}/environ`),
  kill: (pid, signal) => process.kill(pid, signal),
  alive: (pid) => {
    const stat = readOrNull(`/proc/${pid}/stat`);
    return stat !== null && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  }
};
async function sweepSession(session, options) {
  if ((options.platform ?? process.platform) !== "linux") {
    const skipped = `not on Linux (${options.platform ?? process.platform}): processes left by training are not looked for`;
    warning(`${options.label}: ${skipped}`);
    return { skipped };
  }
  const table = options.table ?? procTable;
  const found = table.pids().filter((pid) => pid !== process.pid).filter((pid) => {
    const environ = table.environ(pid);
    return environ !== null && belongsToSession(environ, session);
  });
  for (const pid of found) {
    try {
      table.kill(pid, "SIGKILL");
    } catch {
    }
  }
  const deadline = Date.now() + options.waitMs;
  let alive = found.filter((pid) => table.alive(pid));
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    alive = alive.filter((pid) => table.alive(pid));
  }
  const verdict = sweepVerdict(found, alive);
  if (verdict.killed.length > 0)
    warning(
      `${options.label}: killed ${verdict.killed.length} process(es) training left behind (pid ${verdict.killed.join(", ")})`
    );
  return verdict;
}
function readOrNull(path) {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}

export {
  SESSION_VAR,
  buildTrainResult,
  resultOutputs,
  withEscapedProcess,
  sweepSession
};
