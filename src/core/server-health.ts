/**
 * What `GET /healthz` answers, and when a stopping server exits: decided from plain records so
 * the server only reads clocks and signals.
 */

/** How the passes of one run (one repository and tag) have gone since the server started. */
export interface PassRecord {
  /** When the last pass ended, ok or not (ISO 8601). */
  lastPassAt: string;
  /** When the last pass that went through ended, or null if none has yet. */
  lastOkAt: string | null;
  /** The last failure's explanation, kept after later passes go through (null: none yet). */
  lastError: string | null;
  /** Failures since the last pass that went through. */
  consecutiveFailures: number;
}

export type PassOutcome = { ok: true; at: string } | { ok: false; at: string; error: string };

/** The record of a run after one more pass. */
export function recordPass(previous: PassRecord | undefined, outcome: PassOutcome): PassRecord {
  if (outcome.ok)
    return {
      lastPassAt: outcome.at,
      lastOkAt: outcome.at,
      lastError: previous?.lastError ?? null,
      consecutiveFailures: 0,
    };
  return {
    lastPassAt: outcome.at,
    lastOkAt: previous?.lastOkAt ?? null,
    lastError: outcome.error,
    consecutiveFailures: (previous?.consecutiveFailures ?? 0) + 1,
  };
}

/** A run whose passes failed this many times in a row makes the server unhealthy. */
export const UNHEALTHY_AFTER_FAILURES = 3;

export interface HealthReport {
  status: 200 | 503;
  body: {
    ok: boolean;
    version: string;
    uptimeSeconds: number;
    /** Runs failing UNHEALTHY_AFTER_FAILURES times or more in a row ("owner/repo#tag"). */
    failing: string[];
    runs: Record<string, PassRecord>;
  };
}

/** 200 while every run's passes go through (or failed fewer than `failuresAllowed` times in a row), else 503. */
export function healthReport(
  runs: ReadonlyMap<string, PassRecord>,
  server: { version: string; startedAt: Date; now: Date },
  failuresAllowed = UNHEALTHY_AFTER_FAILURES,
): HealthReport {
  const keys = [...runs.keys()].sort();
  const failing = keys.filter(
    (key) => (runs.get(key)?.consecutiveFailures ?? 0) >= failuresAllowed,
  );
  return {
    status: failing.length === 0 ? 200 : 503,
    body: {
      ok: failing.length === 0,
      version: server.version,
      uptimeSeconds: Math.max(
        0,
        Math.floor((server.now.getTime() - server.startedAt.getTime()) / 1000),
      ),
      failing,
      runs: Object.fromEntries(keys.map((key) => [key, runs.get(key) as PassRecord])),
    },
  };
}

/** Seconds a stopping server waits for its work in flight, from AUTORESEARCH_DRAIN_SECONDS. */
export const DEFAULT_DRAIN_SECONDS = 30;

export function drainSeconds(env: Readonly<Record<string, string | undefined>>): number {
  const text = env.AUTORESEARCH_DRAIN_SECONDS?.trim();
  if (!text) return DEFAULT_DRAIN_SECONDS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(
      `AUTORESEARCH_DRAIN_SECONDS is "${env.AUTORESEARCH_DRAIN_SECONDS}": set it to how many seconds a stopping server may finish its work in flight (a number ≥ 0, default ${DEFAULT_DRAIN_SECONDS}), or unset it`,
    );
  return seconds;
}

/** Where a stopping server is: running, draining (after one SIGTERM), or gone. */
export type ShutdownState = "running" | "draining" | "exited";

export type ShutdownEvent = "signal" | "idle" | "deadline";

export type ShutdownAction =
  /** Stop taking webhooks and timers, wait for the work in flight. */
  { kind: "drain" } | { kind: "exit"; code: 0 | 1; reason: string } | { kind: "none" };

/**
 * One SIGTERM drains; the work ending exits 0; a second SIGTERM or the drain bound exits 1 at
 * once (the work left undone is picked up by the next start's look at every run).
 */
export function shutdownStep(
  state: ShutdownState,
  event: ShutdownEvent,
): { state: ShutdownState; action: ShutdownAction } {
  if (state === "exited") return { state, action: { kind: "none" } };
  if (state === "running")
    return event === "signal"
      ? { state: "draining", action: { kind: "drain" } }
      : { state, action: { kind: "none" } };
  const exit = (code: 0 | 1, reason: string) => ({
    state: "exited" as const,
    action: { kind: "exit" as const, code, reason },
  });
  if (event === "idle") return exit(0, "the work in flight is done");
  if (event === "signal") return exit(1, "a second signal: stopping with work unfinished");
  return exit(1, "the drain bound passed: stopping with work unfinished");
}
