import { open } from "node:fs/promises";
import { execa, type Options } from "execa";

export interface TrainingRun {
  exitCode: number | null;
  signal: string | null;
  /** We killed it at the timeout. */
  timedOut: boolean;
  /** Someone else (job cancellation) stopped it. */
  cancelled: boolean;
  startedAt: Date;
  finishedAt: Date;
}

export interface TrainingOptions {
  /** A shell command, or the exact argv to run (isolation wraps the command itself). */
  command: string | readonly string[];
  cwd: string;
  logPath: string;
  env: Record<string, string>;
  timeoutMs: number;
  graceMs: number;
  tickMs: number;
  /** Called every tickMs while training runs, never twice at once; errors are the caller's to swallow. */
  onTick?: (elapsedMs: number) => Promise<void>;
}

/**
 * Runs the training command in its own process group with stdout and stderr
 * going straight to the log file (never through this process's memory), and
 * makes sure nothing of it survives: at the timeout, on cancellation, and after
 * a normal exit (dataloader workers can outlive their parent).
 */
export async function runTraining(options: TrainingOptions): Promise<TrainingRun> {
  const log = await open(options.logPath, "w");
  const startedAt = new Date();
  let timedOut = false;
  let cancelled = false;
  // execa's types accept only literal descriptors; any open descriptor works at run time.
  const fd = log.fd as 3;
  const execOptions: Options = {
    shell: typeof options.command === "string",
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    detached: true,
    stdio: ["ignore", fd, fd],
    reject: false,
    cleanup: true,
  };
  const child =
    typeof options.command === "string"
      ? execa(options.command, execOptions)
      : execa(options.command[0], options.command.slice(1), execOptions);
  const pid = child.pid;
  const killGroup = (signal: NodeJS.Signals) => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  let graceTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    killGroup("SIGTERM");
    graceTimer ??= setTimeout(() => killGroup("SIGKILL"), options.graceMs);
  };
  const timeoutTimer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  const onCancel = () => {
    cancelled = true;
    stop();
  };
  process.once("SIGTERM", onCancel);
  process.once("SIGINT", onCancel);

  let ticking = false;
  const tickTimer = setInterval(() => {
    if (ticking || !options.onTick) return;
    ticking = true;
    options
      .onTick(Date.now() - startedAt.getTime())
      .catch(() => undefined)
      .finally(() => {
        ticking = false;
      });
  }, options.tickMs);

  try {
    const result = await child;
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      timedOut,
      cancelled,
      startedAt,
      finishedAt: new Date(),
    };
  } finally {
    clearTimeout(timeoutTimer);
    clearInterval(tickTimer);
    clearTimeout(graceTimer);
    process.off("SIGTERM", onCancel);
    process.off("SIGINT", onCancel);
    killGroup("SIGKILL");
    await waitForGroupExit(pid, options.graceMs);
    await log.close();
  }
}

/** The next job may need the GPU at once: wait (bounded) until the kernel has removed the group. */
async function waitForGroupExit(pid: number | undefined, maxMs: number): Promise<void> {
  if (pid === undefined) return;
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
