/**
 * Finding what is left of a training session. Every process training starts inherits
 * `AUTORESEARCH_SESSION=<id>`, so a daemon that double-forked and called setsid (out of our
 * process group) still carries the id in its /proc/<pid>/environ.
 */
export const SESSION_VAR = "AUTORESEARCH_SESSION";

/** The NUL-separated `NAME=value` entries of a /proc/<pid>/environ read. */
export function parseEnviron(raw: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const entry of raw.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return vars;
}

/** Whether a process's environ marks it as part of session `id`. */
export function belongsToSession(environ: string, id: string): boolean {
  return parseEnviron(environ).get(SESSION_VAR) === id;
}

export type SweepVerdict =
  | { clean: true; killed: number[] }
  | { clean: false; killed: number[]; escaped: number[]; message: string };

/**
 * What a sweep amounts to: the survivors we found, and those still alive after SIGKILL and the
 * bounded wait. Any of those left makes the run untrustworthy (it may still touch the GPU, the
 * workspace or the result), so the run becomes a crash (`escaped-process`).
 */
export function sweepVerdict(
  found: readonly number[],
  stillAlive: readonly number[],
): SweepVerdict {
  const killed = found.filter((pid) => !stillAlive.includes(pid));
  if (stillAlive.length === 0) return { clean: true, killed };
  const pids = stillAlive.join(", ");
  return {
    clean: false,
    killed,
    escaped: [...stillAlive],
    message: `process ${pids} of the training session survived SIGKILL (stuck in the kernel or running as another user): the result cannot be trusted; reboot or clean up the runner, then rerun`,
  };
}
