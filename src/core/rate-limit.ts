/**
 * What to do when GitHub says a rate limit was hit, and what to tell the user. GitHub's rules
 * ("Rate limits for the REST API", "Exceeding the rate limit"): a primary limit answers 403 or
 * 429 with `x-ratelimit-remaining: 0`, retry after `x-ratelimit-reset` (UTC epoch seconds); a
 * secondary limit answers 403 or 429 with a message naming it, retry after `retry-after`
 * seconds, and give up after a bounded number of retries.
 */
export type RateLimitKind = "primary" | "secondary";

/** Which limit a failed response reports, or null when it is no rate limit. */
export function rateLimitKind(
  status: number,
  headers: Record<string, string | number | undefined>,
  message: string,
): RateLimitKind | null {
  if (status !== 403 && status !== 429) return null;
  if (/\bsecondary rate limit\b/i.test(message)) return "secondary";
  if (String(headers["x-ratelimit-remaining"]) === "0") return "primary";
  return null;
}

export interface RateLimitHit {
  kind: RateLimitKind;
  /** Seconds GitHub asks to wait (until x-ratelimit-reset, or retry-after). */
  waitSeconds: number;
  /** Retries already made for this request. */
  retries: number;
  maxRetries: number;
  /** "GET /repos/acme/research/pulls" */
  request: string;
  now: Date;
}

export interface RateLimitDecision {
  retry: boolean;
  /** One line for the log: what was hit, how long we wait and until when, and why. */
  line: string;
}

export function rateLimitDecision(hit: RateLimitHit): RateLimitDecision {
  const name = hit.kind === "primary" ? "GitHub rate limit" : "GitHub secondary rate limit";
  const header = hit.kind === "primary" ? "x-ratelimit-reset" : "retry-after";
  const wait = Math.max(0, Math.ceil(hit.waitSeconds));
  const until = clockTime(new Date(hit.now.getTime() + wait * 1000));
  if (hit.retries >= hit.maxRetries) {
    return {
      retry: false,
      line: `${name}: giving up on ${hit.request} after ${hit.retries} ${hit.retries === 1 ? "wait" : "waits"}; GitHub asks to wait ${wait} s more, until ${until} (${header})`,
    };
  }
  return {
    retry: true,
    line: `${name}: waiting ${wait} s until ${until} (${header}) before retrying ${hit.request} (retry ${hit.retries + 1} of ${hit.maxRetries})`,
  };
}

/** "12:03:10 UTC" */
export function clockTime(at: Date): string {
  return `${at.toISOString().slice(11, 19)} UTC`;
}
