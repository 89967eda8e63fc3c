/**
 * How every client of ours meets GitHub's rate limits: @octokit/plugin-throttling waits as long
 * as GitHub asks (`x-ratelimit-reset` for the primary limit, `retry-after` for a secondary one),
 * says so in one log line, retries a bounded number of times, and then the request fails with a
 * GitHubRateLimitError that says until when. @octokit/plugin-retry handles 5xx and leaves 403/429
 * to the throttling plugin, so rate-limit retries are not multiplied.
 */
import type { Octokit } from "@octokit/core";
import type { ThrottlingOptions } from "@octokit/plugin-throttling";
import {
  clockTime,
  type RateLimitKind,
  rateLimitDecision,
  rateLimitKind,
} from "../core/rate-limit.js";

export interface ClientLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Waits of a client; tests shorten them (as `fastProbotOctokit` did for Probot). */
export interface ClientTiming {
  /** Milliseconds per second GitHub asks to wait (1000 in production). */
  msPerSecond: number;
  /** Milliseconds per step of plugin-retry's 1, 4, 9 back-off on 5xx (1000 in production). */
  retryBaseMs: number;
  /** Space writes 1 s apart, as GitHub's best practices ask (off in tests). */
  spaceWrites: boolean;
}

export const PRODUCTION_TIMING: ClientTiming = {
  msPerSecond: 1000,
  retryBaseMs: 1000,
  spaceWrites: true,
};
/** GitHub's waits as milliseconds instead of seconds; 5xx retried after 10, 40, 90 ms. */
export const FAST_TIMING: ClientTiming = { msPerSecond: 1, retryBaseMs: 10, spaceWrites: false };

/** Rate-limit waits per request before it fails. */
export const MAX_RATE_LIMIT_RETRIES = 3;

/** plugin-retry's own list, plus 429: a rate limit is the throttling plugin's to wait out. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

interface RequestLike {
  method?: string;
  url?: string;
}

/** Options for @octokit/plugin-throttling (`throttle`) and @octokit/plugin-retry (`retry`). */
export function limitOptions(options: {
  log: (octokit: Octokit) => ClientLogger;
  timing: ClientTiming;
  maxRetries?: number;
  now?: () => Date;
}): { throttle: ThrottlingOptions; retry: { retryAfterBaseValue: number; doNotRetry: number[] } } {
  const maxRetries = options.maxRetries ?? MAX_RATE_LIMIT_RETRIES;
  const now = options.now ?? (() => new Date());
  const handler =
    (kind: RateLimitKind) =>
    (waitSeconds: number, request: RequestLike, octokit: Octokit, retries: number): boolean => {
      const decision = rateLimitDecision({
        kind,
        waitSeconds,
        retries,
        maxRetries,
        request: `${request.method ?? "GET"} ${request.url ?? "?"}`,
        now: now(),
      });
      options.log(octokit).warn(decision.line);
      return decision.retry;
    };
  const throttle = {
    enabled: true,
    retryAfterBaseValue: options.timing.msPerSecond,
    onRateLimit: handler("primary"),
    onSecondaryRateLimit: handler("secondary"),
    ...(options.timing.spaceWrites ? {} : UNSPACED),
  };
  return {
    // The pass-through groups are duck-typed Bottleneck groups (all the plugin calls on them).
    throttle: throttle as unknown as ThrottlingOptions,
    retry: { retryAfterBaseValue: options.timing.retryBaseMs, doNotRetry: DO_NOT_RETRY },
  };
}

/** Stands in for plugin-throttling's Bottleneck groups: no spacing, no queue (tests only). */
const passThrough = {
  key: () => ({
    schedule: (...args: unknown[]) => {
      const [first, ...rest] = args;
      const [job, ...jobArgs] = typeof first === "function" ? args : rest;
      return (job as (...a: unknown[]) => unknown)(...jobArgs);
    },
  }),
};
const UNSPACED = {
  global: passThrough,
  write: passThrough,
  search: passThrough,
  notifications: passThrough,
  auth: passThrough,
};

/** A request GitHub kept refusing for a rate limit after every wait we allowed. */
export class GitHubRateLimitError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly kind: RateLimitKind,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = "GitHubRateLimitError";
  }
}

/** Plugin: turns the final rate-limit refusal into a GitHubRateLimitError that says what to do. */
export function rateLimitErrors(octokit: Octokit): Record<string, never> {
  octokit.hook.error("request", (error, request) => {
    const e = error as {
      status?: number;
      message?: string;
      response?: { headers?: Record<string, string | undefined> };
    };
    const headers = e.response?.headers ?? {};
    const kind = rateLimitKind(Number(e.status), headers, e.message ?? "");
    if (!kind) throw error;
    const until =
      kind === "primary"
        ? new Date(Number(headers["x-ratelimit-reset"] ?? 0) * 1000)
        : new Date(Date.now() + Number(headers["retry-after"] ?? 60) * 1000);
    const what = `${request.method} ${request.url}`;
    throw new GitHubRateLimitError(
      `GitHub ${kind === "primary" ? "rate limit" : "secondary rate limit"}: ${what} still refused after waiting (${e.message}); GitHub asks to wait until ${clockTime(until)}. The work can go on after that.`,
      Number(e.status),
      kind,
      { cause: error },
    );
  });
  return {};
}
