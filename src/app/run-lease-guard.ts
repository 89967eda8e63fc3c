import type { RepoClient } from "../github/repo.js";
import {
  type HeldLease,
  type LockCommits,
  releaseLease,
  renewLease,
  takeLease,
} from "../github/run-lease.js";

/** How long a lease lasts unless renewed: a crashed holder blocks a run at most this long. */
export const LEASE_TTL_MS = 120_000;
/** How long a pass waits for another instance's lease before giving up (it is retried later). */
export const LEASE_WAIT_MS = 30_000;

/** Another instance is working on this run right now. */
export class LeaseBusyError extends Error {
  constructor(tag: string, owner: string, until: string) {
    super(
      `run ${tag} is being worked on by another app instance (${owner}, lease until ${until}); gave up waiting for it: a pass is tried again shortly, a command can be said again`,
    );
    this.name = "LeaseBusyError";
  }
}

/** What a pass may ask of its lease: whether it still holds it. */
export interface PassGuard {
  lost(): boolean;
}

/**
 * Runs `task` holding the run's lease: taken before (waiting a bounded time for another
 * instance), renewed while it runs, released after. A lease that could not be renewed marks the
 * guard lost, and the pass refuses to merge.
 */
export async function withRunLease<T>(
  gh: RepoClient,
  tag: string,
  options: {
    owner: string;
    now: () => Date;
    ttlMs?: number;
    waitMs?: number;
    /** This instance's lock commits, reused while their record is the same (github/run-lease.ts). */
    lockCommits?: LockCommits;
  },
  task: (guard: PassGuard) => Promise<T>,
): Promise<T> {
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const deadline = Date.now() + (options.waitMs ?? LEASE_WAIT_MS);
  let lease: HeldLease | null = null;
  for (;;) {
    const attempt = await takeLease(
      gh,
      tag,
      options.owner,
      ttlMs,
      options.now(),
      options.lockCommits,
    );
    if ("held" in attempt) {
      lease = attempt.held;
      break;
    }
    if (Date.now() >= deadline) {
      throw new LeaseBusyError(tag, attempt.busy.owner, attempt.busy.until);
    }
    const pause = Math.min(attempt.busy.waitMs, 1000 + Math.random() * 1000, deadline - Date.now());
    await new Promise((resolve) => setTimeout(resolve, Math.max(50, pause)));
  }
  const held = lease;
  let lost = false;
  const renewing = setInterval(() => {
    renewLease(gh, held, ttlMs, options.now())
      .then((ok) => {
        if (!ok) lost = true;
      })
      .catch(() => undefined);
  }, ttlMs / 3);
  renewing.unref();
  try {
    return await task({ lost: () => lost || held.expiresAt.getTime() <= options.now().getTime() });
  } finally {
    clearInterval(renewing);
    await releaseLease(gh, held, options.now()).catch(() => undefined);
  }
}
