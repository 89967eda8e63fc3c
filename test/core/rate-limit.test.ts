import { describe, expect, it } from "vitest";
import { rateLimitDecision, rateLimitKind } from "../../src/core/rate-limit.js";

const NOW = new Date("2026-12-01T12:02:28Z");
const SECONDARY =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

describe("rateLimitKind", () => {
  it.each([
    [
      "primary, 403",
      403,
      { "x-ratelimit-remaining": "0" },
      "API rate limit exceeded for installation ID 1.",
      "primary",
    ],
    ["primary, 429", 429, { "x-ratelimit-remaining": "0" }, "API rate limit exceeded", "primary"],
    [
      "secondary, 403 with retry-after",
      403,
      { "retry-after": "60", "x-ratelimit-remaining": "4000" },
      SECONDARY,
      "secondary",
    ],
    ["secondary, 429 without headers", 429, {}, SECONDARY, "secondary"],
    [
      "a permission 403 is no rate limit",
      403,
      { "x-ratelimit-remaining": "4999" },
      "Resource not accessible by integration",
      null,
    ],
    [
      "a 502 with remaining 0 is no rate limit",
      502,
      { "x-ratelimit-remaining": "0" },
      "Server Error",
      null,
    ],
    ["a 404 is no rate limit", 404, {}, "Not Found", null],
  ] as const)("%s", (_name, status, headers, message, kind) => {
    expect(rateLimitKind(status, headers, message)).toBe(kind);
  });
});

describe("rateLimitDecision", () => {
  const hit = {
    request: "GET /repos/acme/research/pulls",
    now: NOW,
    maxRetries: 3,
  };
  it.each([
    [
      "primary, first hit: waits until the reset",
      { kind: "primary", waitSeconds: 42, retries: 0 },
      true,
      "GitHub rate limit: waiting 42 s until 12:03:10 UTC (x-ratelimit-reset) before retrying GET /repos/acme/research/pulls (retry 1 of 3)",
    ],
    [
      "secondary: waits retry-after",
      { kind: "secondary", waitSeconds: 60, retries: 2 },
      true,
      "GitHub secondary rate limit: waiting 60 s until 12:03:28 UTC (retry-after) before retrying GET /repos/acme/research/pulls (retry 3 of 3)",
    ],
    [
      "a reset already past waits 0 s",
      { kind: "primary", waitSeconds: -5, retries: 0 },
      true,
      "GitHub rate limit: waiting 0 s until 12:02:28 UTC (x-ratelimit-reset) before retrying GET /repos/acme/research/pulls (retry 1 of 3)",
    ],
    [
      "the bound reached: gives up and says until when",
      { kind: "primary", waitSeconds: 42, retries: 3 },
      false,
      "GitHub rate limit: giving up on GET /repos/acme/research/pulls after 3 waits; GitHub asks to wait 42 s more, until 12:03:10 UTC (x-ratelimit-reset)",
    ],
    [
      "no retries allowed: gives up at once",
      { kind: "secondary", waitSeconds: 1, retries: 0, maxRetries: 0 },
      false,
      "GitHub secondary rate limit: giving up on GET /repos/acme/research/pulls after 0 waits; GitHub asks to wait 1 s more, until 12:02:29 UTC (retry-after)",
    ],
  ] as const)("%s", (_name, partial, retry, line) => {
    expect(rateLimitDecision({ ...hit, ...partial })).toEqual({ retry, line });
  });
});
