/**
 * Work for one run happens one piece at a time (two webhooks must never both
 * merge, or both append a row). Requests to reconcile that arrive while one is
 * already waiting share it: ten redelivered events cost one pass, not ten.
 */
export class RunScheduler {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly pendingReconcile = new Map<string, Promise<void>>();
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  /** Runs `task` after everything queued for `key` so far. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    this.active++;
    const next = previous.catch(() => undefined).then(task);
    const settled: Promise<unknown> = next
      .catch(() => undefined)
      .finally(() => {
        if (this.tails.get(key) === settled) this.tails.delete(key);
        this.active--;
        if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    this.tails.set(key, settled);
    return next;
  }

  /** Queues a reconcile unless one is already queued and not yet started. */
  reconcile(key: string, pass: () => Promise<void>): Promise<void> {
    const waiting = this.pendingReconcile.get(key);
    if (waiting) return waiting;
    const queued = this.run(key, () => {
      this.pendingReconcile.delete(key);
      return pass();
    });
    this.pendingReconcile.set(key, queued);
    return queued;
  }

  /** Counts `work` as running until it settles (webhook handlers that answer before their work is done). */
  track(work: Promise<unknown>): void {
    this.active++;
    work.finally(() => {
      this.active--;
      if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  get busy(): boolean {
    return this.active > 0;
  }

  /** Resolves when no work is queued or running (tests and graceful shutdown). */
  idle(): Promise<void> {
    return this.active === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
