import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  warning
} from "./chunk-LBXT2ELO.js";

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
  sweepSession
};
