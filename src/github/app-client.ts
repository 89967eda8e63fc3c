/**
 * The Octokit class the app's Probot uses (Probot's `Octokit` option, for `run()` and the
 * sandbox alike): ProbotOctokit, which already carries plugin-retry and plugin-throttling,
 * with our bounded rate-limit handlers and their one log line, 429s left to throttling, the
 * final refusal explained, and conditional requests over one ETag cache shared by every
 * installation client the class builds (each identity keeps its own entries).
 */
import type { Octokit } from "@octokit/core";
import { ProbotOctokit } from "probot";
import {
  conditionalRequests,
  createResponseCache,
  type ResponseCache,
} from "./conditional-requests.js";
import {
  type ClientLogger,
  type ClientTiming,
  limitOptions,
  PRODUCTION_TIMING,
  rateLimitErrors,
} from "./rate-limits.js";

export interface AppClientOptions {
  timing?: ClientTiming;
  maxRateLimitRetries?: number;
  /** Default: one fresh cache for the class; false for none. */
  cache?: ResponseCache | false;
}

export function appOctokit(options: AppClientOptions = {}): typeof ProbotOctokit {
  const cache = options.cache ?? createResponseCache();
  const limits = limitOptions({
    // Probot hands each client its pino logger; the rate-limit line goes there.
    log: (octokit: Octokit) => octokit.log as ClientLogger,
    timing: options.timing ?? PRODUCTION_TIMING,
    maxRetries: options.maxRateLimitRetries,
  });
  // A function, not an object: Probot merges its own throttle options over plain defaults, and
  // builds installation clients from an instance's options (which keep the cache).
  return ProbotOctokit.plugin(rateLimitErrors, conditionalRequests).defaults(
    (instance: Record<string, unknown> & { throttle?: object; retry?: object }) => ({
      ...instance,
      throttle: { ...instance.throttle, ...limits.throttle },
      retry: { ...instance.retry, ...limits.retry },
      responseCache: cache,
    }),
  ) as typeof ProbotOctokit;
}
