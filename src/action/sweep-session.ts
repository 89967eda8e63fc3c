import { readdirSync, readFileSync } from "node:fs";
import * as core from "@actions/core";
import { belongsToSession, type SweepVerdict, sweepVerdict } from "../core/session-sweep.js";

/** The few things a sweep needs from the operating system (tests hand in a fake). */
export interface ProcessTable {
  pids(): number[];
  /** The raw /proc/<pid>/environ, or null when it cannot be read (gone, or another user's). */
  environ(pid: number): string | null;
  kill(pid: number, signal: NodeJS.Signals): void;
  /** Exists and is not a zombie. */
  alive(pid: number): boolean;
}

export const procTable: ProcessTable = {
  pids: () =>
    readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map(Number),
  environ: (pid) => readOrNull(`/proc/${pid}/environ`),
  kill: (pid, signal) => process.kill(pid, signal),
  alive: (pid) => {
    const stat = readOrNull(`/proc/${pid}/stat`);
    return stat !== null && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  },
};

export type SweepOutcome = SweepVerdict | { skipped: string };

/**
 * Kills every process still carrying `AUTORESEARCH_SESSION=<session>` (SIGKILL), then waits up to
 * `waitMs` for them to be gone. Linux only: elsewhere there is no /proc to read.
 */
export async function sweepSession(
  session: string,
  options: { waitMs: number; label: string; table?: ProcessTable; platform?: string },
): Promise<SweepOutcome> {
  if ((options.platform ?? process.platform) !== "linux") {
    const skipped = `not on Linux (${options.platform ?? process.platform}): processes left by training are not looked for`;
    core.warning(`${options.label}: ${skipped}`);
    return { skipped };
  }
  const table = options.table ?? procTable;
  const found = table
    .pids()
    .filter((pid) => pid !== process.pid)
    .filter((pid) => {
      const environ = table.environ(pid);
      return environ !== null && belongsToSession(environ, session);
    });
  for (const pid of found) {
    try {
      table.kill(pid, "SIGKILL");
    } catch {
      // Gone already (ESRCH) or not ours (EPERM): the wait below tells which.
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
    core.warning(
      `${options.label}: killed ${verdict.killed.length} process(es) training left behind (pid ${verdict.killed.join(", ")})`,
    );
  return verdict;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}
