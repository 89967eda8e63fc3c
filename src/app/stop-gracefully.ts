import { type ShutdownEvent, type ShutdownState, shutdownStep } from "../core/server-health.js";
import type { AppHandle } from "./index.js";

export interface StopOptions {
  /** Probot's server: stop() closes the listener and resolves once open requests are answered. */
  server: { stop(): Promise<void> };
  /** The app (absent in Probot's setup mode, where no app is loaded). */
  app: () => AppHandle | undefined;
  drainMs: number;
  log: (level: "info" | "warn", message: string) => void;
  /** process.exit, or a fake in tests. */
  exit?: (code: number) => void;
  /** Where SIGTERM comes from (process, or an emitter in tests). */
  signals?: NodeJS.EventEmitter;
}

/**
 * On SIGTERM: no new webhooks (the listener closes), no heartbeat or retries; the webhooks
 * already taken and the passes in flight finish, then exit 0. A second SIGTERM, or the drain
 * bound, exits 1 at once: the next start looks at every run and picks up what was left.
 */
export function stopGracefully(options: StopOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? process;
  let state: ShutdownState = "running";
  const step = (event: ShutdownEvent): void => {
    const next = shutdownStep(state, event);
    state = next.state;
    const action = next.action;
    if (action.kind === "drain") {
      const seconds = options.drainMs / 1000;
      options.log(
        "info",
        `SIGTERM: taking no new webhooks; finishing the work in flight (at most ${seconds} s, AUTORESEARCH_DRAIN_SECONDS; a second SIGTERM stops at once)`,
      );
      const app = options.app();
      app?.stop();
      setTimeout(() => step("deadline"), options.drainMs);
      // Requests already taken are answered (and their work queued) before the wait for idle.
      options.server
        .stop()
        .catch((error) => options.log("warn", `closing the listener: ${String(error)}`))
        .then(() => app?.idle())
        .then(() => step("idle"));
    } else if (action.kind === "exit") {
      options.log(
        action.code === 0 ? "info" : "warn",
        `stopping (exit ${action.code}): ${action.reason}`,
      );
      // The log goes through a stream: let it write the line before the process ends.
      setTimeout(() => exit(action.code), 50);
    }
  };
  signals.on("SIGTERM", () => step("signal"));
}
