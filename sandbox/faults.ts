/**
 * Fault knobs: the ways the real GitHub (and real runners) misbehave, switched on by tests and
 * the demo. Every random choice comes from one seeded generator, so a failing night replays.
 */

export type ActorKind = "app" | "action" | "user" | "any";

interface ApiBurst {
  remaining: number;
  status: number;
  who: ActorKind;
  /** Only requests of this method whose path matches (all requests when unset). */
  method?: string;
  path?: RegExp;
  message: string;
}

/**
 * A rate limit GitHub enforces for a while ("Rate limits for the REST API", "Exceeding the rate
 * limit"): `primary` answers 403 (or 429) with `x-ratelimit-remaining: 0` and the reset time in
 * `x-ratelimit-reset`; `secondary` answers 403 (or 429) naming a secondary rate limit, with
 * `retry-after` seconds.
 */
export interface RateLimitFault {
  kind: "primary" | "secondary";
  who: ActorKind;
  status: 403 | 429;
  /** Requests still to refuse (Infinity while a time window lasts). */
  remaining: number;
  /** Wall-clock ms when a window ends; null for a count. */
  until: number | null;
  /** Seconds in `retry-after` (secondary) or to `x-ratelimit-reset` (primary, count mode). */
  waitSeconds: number;
}

/** How a refused request is answered (server.ts turns it into GitHub's status, headers, body). */
export interface RateLimitAnswer {
  kind: "primary" | "secondary";
  status: 403 | 429;
  /** primary: UTC epoch seconds of x-ratelimit-reset; secondary: seconds of retry-after. */
  resetAt: number;
  retryAfter: number;
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

interface ChatFault {
  kind: string;
  remaining: number;
  status: number;
  hang: boolean;
}

interface RequestHold {
  method: string;
  path: RegExp;
  taken: boolean;
  gate: Promise<void>;
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
  readonly #rateLimits: RateLimitFault[] = [];
  readonly #chat: ChatFault[] = [];
  readonly #holds: RequestHold[] = [];

  constructor(readonly seed = 1) {
    this.random = seededRandom(seed);
  }

  /**
   * The next `count` API requests (from `who`) answer `status` (default 502) instead of being
   * served. With `method` and `path`, only the requests that match are refused (with `message`):
   * one endpoint's trouble, such as a branch created a moment ago that its contents API does not
   * know yet (404).
   */
  failNextRequests(
    count: number,
    options: {
      status?: number;
      who?: ActorKind;
      method?: string;
      path?: RegExp;
      message?: string;
    } = {},
  ): void {
    this.#bursts.push({
      remaining: count,
      status: options.status ?? 502,
      who: options.who ?? "any",
      method: options.method?.toUpperCase(),
      path: options.path,
      message: options.message ?? "Server Error",
    });
  }

  /**
   * GitHub's rate limit for `who` (default "any"): the next `requests` requests, or every request
   * for `forMs` from now, answer as GitHub does when a `primary` or `secondary` limit is exceeded.
   * `waitSeconds` is the `retry-after` of a secondary limit, or how far `x-ratelimit-reset` lies
   * for a primary one limited by count (a window's reset is its end). `status` 403 (default) or 429.
   */
  limitRate(
    kind: "primary" | "secondary",
    options: {
      who?: ActorKind;
      requests?: number;
      forMs?: number;
      status?: 403 | 429;
      waitSeconds?: number;
    },
  ): void {
    if ((options.requests === undefined) === (options.forMs === undefined)) {
      throw new Error("limitRate: give either `requests` (a count) or `forMs` (a time window)");
    }
    this.#rateLimits.push({
      kind,
      who: options.who ?? "any",
      status: options.status ?? 403,
      remaining: options.requests ?? Number.POSITIVE_INFINITY,
      until: options.forMs === undefined ? null : Date.now() + options.forMs,
      waitSeconds: options.waitSeconds ?? 60,
    });
  }

  /**
   * The next `count` digests posted to a chat of `kind` (slack, discord, telegram, webhook) are
   * answered with `status` (default 500), or, with `hang`, never answered at all (until the
   * sandbox stops).
   */
  failNextChatPosts(
    kind: string,
    count: number,
    options: { status?: number; hang?: boolean } = {},
  ): void {
    this.#chat.push({
      kind,
      remaining: count,
      status: options.status ?? 500,
      hang: options.hang ?? false,
    });
  }

  /** Consumes one injected chat failure for a post to `kind`, if one is pending. */
  takeChatFault(kind: string): { status: number; hang: boolean } | null {
    const fault = this.#chat.find((f) => f.kind === kind && f.remaining > 0);
    if (!fault) return null;
    fault.remaining--;
    return { status: fault.status, hang: fault.hang };
  }

  /**
   * Holds the next API request of `method` whose path matches `path` until `release()`: a
   * process stopped right inside that request (the merge of a restart that overlaps a pass).
   */
  holdNextRequest(method: string, path: RegExp): { held(): boolean; release(): void } {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hold: RequestHold = { method, path, taken: false, gate };
    this.#holds.push(hold);
    return {
      held: () => hold.taken,
      release: () => {
        const index = this.#holds.indexOf(hold);
        if (index >= 0) this.#holds.splice(index, 1);
        release();
      },
    };
  }

  /** Resolves when the request may be served: at once, or when its hold is released. */
  takeHold(method: string, path: string): Promise<void> | null {
    const index = this.#holds.findIndex(
      (h) => !h.taken && h.method === method && h.path.test(path),
    );
    if (index < 0) return null;
    const hold = this.#holds[index]!;
    this.#holds.splice(index, 1);
    hold.taken = true;
    return hold.gate;
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

  /** Consumes one injected API failure for this caller's request, if one is pending. */
  takeApiFailure(
    kind: Exclude<ActorKind, "any">,
    method = "",
    path = "",
  ): { status: number; message: string } | null {
    const burst = this.#bursts.find(
      (b) =>
        b.remaining > 0 &&
        (b.who === "any" || b.who === kind) &&
        (b.method === undefined || b.method === method.toUpperCase()) &&
        (b.path === undefined || b.path.test(path)),
    );
    if (!burst) return null;
    burst.remaining--;
    return { status: burst.status, message: burst.message };
  }

  /** Consumes one rate-limited answer for this caller, if a limit applies now. */
  takeRateLimit(kind: Exclude<ActorKind, "any">, now = Date.now()): RateLimitAnswer | null {
    const limit = this.#rateLimits.find(
      (l) =>
        l.remaining > 0 &&
        (l.until === null || now < l.until) &&
        (l.who === "any" || l.who === kind),
    );
    if (!limit) return null;
    limit.remaining--;
    const seconds = Math.floor(now / 1000);
    return {
      kind: limit.kind,
      status: limit.status,
      resetAt: limit.until === null ? seconds + limit.waitSeconds : Math.ceil(limit.until / 1000),
      retryAfter:
        limit.until === null
          ? limit.waitSeconds
          : Math.max(1, Math.ceil((limit.until - now) / 1000)),
    };
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
