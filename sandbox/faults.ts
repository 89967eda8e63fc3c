/**
 * Fault knobs: the ways the real GitHub (and real runners) misbehave, switched on by tests and
 * the demo. Every random choice comes from one seeded generator, so a failing night replays.
 */

export type ActorKind = "app" | "action" | "user" | "any";

interface ApiBurst {
  remaining: number;
  status: number;
  who: ActorKind;
}

export interface DeliveryFaults {
  /** Deliveries still to be sent twice. */
  duplicates: number;
  /** Whether a duplicate reuses the X-GitHub-Delivery id (a redelivery) or gets a new one. */
  duplicateSameId: boolean;
  /** Deliveries still to be held back by a random delay, released out of order. */
  delayed: number;
  delayMs: [number, number];
  /** Deliveries still to be dropped (GitHub does not retry failed deliveries by itself). */
  dropped: number;
}

export interface RunnerFaults {
  /** Jobs still to lose their runner mid-job (process group killed, run fails, no result). */
  runnerDeaths: number;
  runnerDeathAfterMs: [number, number];
  /** Probability that a job's runner dies mid-job. */
  runnerDeathRate: number;
  /** Probability that the training command crashes (the command is replaced by a crash). */
  crashRate: number;
}

/** mulberry32: small, fast, good enough for reproducible fault schedules. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  readonly random: () => number;
  readonly delivery: DeliveryFaults = {
    duplicates: 0,
    duplicateSameId: true,
    delayed: 0,
    delayMs: [50, 500],
    dropped: 0,
  };
  readonly runner: RunnerFaults = {
    runnerDeaths: 0,
    runnerDeathAfterMs: [100, 500],
    runnerDeathRate: 0,
    crashRate: 0,
  };
  readonly #bursts: ApiBurst[] = [];

  constructor(readonly seed = 1) {
    this.random = seededRandom(seed);
  }

  /** The next `count` API requests (from `who`) answer `status` (default 502) instead of being served. */
  failNextRequests(count: number, options: { status?: number; who?: ActorKind } = {}): void {
    this.#bursts.push({
      remaining: count,
      status: options.status ?? 502,
      who: options.who ?? "any",
    });
  }

  /** Send the next `count` webhooks twice; `sameId` true = a redelivery (same X-GitHub-Delivery). */
  duplicateNextDeliveries(count: number, options: { sameId?: boolean } = {}): void {
    this.delivery.duplicates += count;
    this.delivery.duplicateSameId = options.sameId ?? true;
  }

  /** Hold the next `count` webhooks for a random delay each, so they arrive out of order. */
  delayNextDeliveries(count: number, options: { minMs?: number; maxMs?: number } = {}): void {
    this.delivery.delayed += count;
    this.delivery.delayMs = [options.minMs ?? 50, options.maxMs ?? 500];
  }

  /** Lose the next `count` webhooks (as when the app is unreachable and nobody redelivers). */
  dropNextDeliveries(count: number): void {
    this.delivery.dropped += count;
  }

  /** The next `count` jobs lose their runner after a random delay in [minMs, maxMs]. */
  killRunnerDuringNextJobs(count: number, options: { minMs?: number; maxMs?: number } = {}): void {
    this.runner.runnerDeaths += count;
    this.runner.runnerDeathAfterMs = [options.minMs ?? 100, options.maxMs ?? 500];
  }

  setCrashRate(rate: number): void {
    this.runner.crashRate = rate;
  }

  setRunnerDeathRate(rate: number): void {
    this.runner.runnerDeathRate = rate;
  }

  between([min, max]: [number, number]): number {
    return Math.round(min + (max - min) * this.random());
  }

  /** Consumes one injected API failure for this caller, if one is pending. */
  takeApiFailure(kind: Exclude<ActorKind, "any">): number | null {
    const burst = this.#bursts.find((b) => b.remaining > 0 && (b.who === "any" || b.who === kind));
    if (!burst) return null;
    burst.remaining--;
    return burst.status;
  }

  takeDuplicate(): { sameId: boolean } | null {
    if (this.delivery.duplicates <= 0) return null;
    this.delivery.duplicates--;
    return { sameId: this.delivery.duplicateSameId };
  }

  takeDelay(): number | null {
    if (this.delivery.delayed <= 0) return null;
    this.delivery.delayed--;
    return this.between(this.delivery.delayMs);
  }

  takeDrop(): boolean {
    if (this.delivery.dropped <= 0) return false;
    this.delivery.dropped--;
    return true;
  }

  /** Decides, when a job starts, whether its runner will die and after how long. */
  takeRunnerDeath(): number | null {
    if (this.runner.runnerDeaths > 0) {
      this.runner.runnerDeaths--;
      return this.between(this.runner.runnerDeathAfterMs);
    }
    if (this.runner.runnerDeathRate > 0 && this.random() < this.runner.runnerDeathRate) {
      return this.between(this.runner.runnerDeathAfterMs);
    }
    return null;
  }

  takeCrash(): boolean {
    return this.runner.crashRate > 0 && this.random() < this.runner.crashRate;
  }
}
