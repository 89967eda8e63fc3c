/**
 * The one way our code outside Probot builds a GitHub client (the gist store, the CLI, the
 * action in every mode, the propose job): @octokit/rest with plugin-retry (5xx),
 * plugin-throttling (rate limits, write spacing) and conditional requests (ETags).
 * The app's installation clients come from Probot: see `app-client.ts` for the same plugins there.
 */
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
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

export type { ClientLogger, ClientTiming } from "./rate-limits.js";
export { FAST_TIMING, PRODUCTION_TIMING } from "./rate-limits.js";

const GitHubOctokit = Octokit.plugin(throttling, retry, rateLimitErrors, conditionalRequests);

export interface ClientOptions {
  /** A token (installation, GITHUB_TOKEN, personal). */
  auth: string;
  /** REST API base URL, e.g. https://api.github.com or https://HOST/api/v3. */
  baseUrl?: string;
  userAgent: string;
  /** Where rate-limit waits are said (one line each); Octokit's own request log is dropped. */
  log: ClientLogger;
  /** Default: GitHub's waits as asked. Tests pass FAST_TIMING. */
  timing?: ClientTiming;
  /** Rate-limit waits per request before it fails (default 3). */
  maxRateLimitRetries?: number;
  /** ETag cache: a shared one, or false for none; default a fresh one for this client. */
  cache?: ResponseCache | false;
}

export function createGitHubClient(options: ClientOptions): Octokit {
  const log = options.log;
  return new GitHubOctokit({
    auth: options.auth,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    userAgent: options.userAgent,
    // Octokit logs every failed request at error level; callers explain the failures they meet.
    log: { debug() {}, info() {}, warn: (m: string) => log.warn(m), error() {} },
    ...limitOptions({
      log: () => log,
      timing: options.timing ?? PRODUCTION_TIMING,
      maxRetries: options.maxRateLimitRetries,
    }),
    responseCache: options.cache ?? createResponseCache(),
  }) as unknown as Octokit;
}
