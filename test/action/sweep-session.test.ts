import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type ProcessTable, procTable, sweepSession } from "../../src/action/sweep-session.js";

const SESSION = "0123456789abcdef0123456789abcdef";

/** A process table where pid 20 carries the session and ignores SIGKILL (stuck in the kernel). */
function stuckTable(): ProcessTable & { signals: string[] } {
  const signals: string[] = [];
  const environs: Record<number, string> = {
    10: "PATH=/bin\0",
    20: `PATH=/bin\0AUTORESEARCH_SESSION=${SESSION}\0`,
    30: `AUTORESEARCH_SESSION=${SESSION}\0`,
  };
  const alive = new Set([10, 20, 30]);
  return {
    signals,
    pids: () => [10, 20, 30],
    environ: (pid) => environs[pid] ?? null,
    kill: (pid, signal) => {
      signals.push(`${pid}:${signal}`);
      if (pid === 30) alive.delete(30);
    },
    alive: (pid) => alive.has(pid),
  };
}

describe("sweepSession", () => {
  it("SIGKILLs only the session's processes and reports one that will not die as escaped", async () => {
    const table = stuckTable();
    const verdict = await sweepSession(SESSION, { waitMs: 200, label: "test", table });
    expect(table.signals).toEqual(["20:SIGKILL", "30:SIGKILL"]);
    expect(verdict).toMatchObject({ clean: false, killed: [30], escaped: [20] });
  });

  it("skips with a reason where there is no /proc", async () => {
    const verdict = await sweepSession(SESSION, { waitMs: 10, label: "test", platform: "darwin" });
    expect(verdict).toEqual({ skipped: expect.stringContaining("not on Linux (darwin)") });
  });

  it.runIf(process.platform === "linux")(
    "finds and kills a real process by the id in its environment, and nothing else",
    async () => {
      const session = randomBytes(16).toString("hex");
      const marked = spawn("sleep", ["30"], {
        env: { PATH: process.env.PATH, AUTORESEARCH_SESSION: session },
        detached: true,
        stdio: "ignore",
      });
      const other = spawn("sleep", ["30"], { env: { PATH: process.env.PATH }, stdio: "ignore" });
      try {
        await new Promise((r) => setTimeout(r, 200));
        const verdict = await sweepSession(session, { waitMs: 2000, label: "test" });
        expect(verdict).toEqual({ clean: true, killed: [marked.pid] });
        expect(procTable.alive(other.pid!)).toBe(true);
      } finally {
        other.kill("SIGKILL");
        marked.kill("SIGKILL");
      }
    },
  );
});
