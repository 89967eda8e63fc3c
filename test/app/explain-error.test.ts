import { describe, expect, it } from "vitest";
import { explainError } from "../../src/app/explain-error.js";

/** The shape Octokit's RequestError gives handlers: an Error with the HTTP status on it. */
const httpError = (status: number | string, message: string) =>
  Object.assign(new Error(message), { status });

const PERMISSION = "compare the app's permissions with app.yml";
const CREDENTIALS = "check APP_ID and PRIVATE_KEY";
const RATE_LIMIT = "the heartbeat will carry on when it resets";
const SERVER = "nothing was lost; the next event or heartbeat picks up where this stopped";

describe("explainError", () => {
  it.each<[number | string, string, string]>([
    [
      403,
      "Resource not accessible by integration - https://docs.github.com/rest/pulls/pulls#merge-a-pull-request",
      PERMISSION,
    ],
    [403, "resource NOT ACCESSIBLE by integration", PERMISSION],
    [
      403,
      "GitHub Actions is not permitted to create or approve pull requests.",
      'tick "Allow GitHub Actions to create and approve pull requests"',
    ],
    [401, "Bad credentials", CREDENTIALS],
    [401, "A JSON web token could not be decoded", CREDENTIALS],
    ["401", "Bad credentials", CREDENTIALS],
    [403, "API rate limit exceeded for installation ID 123456.", RATE_LIMIT],
    [
      403,
      "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      RATE_LIMIT,
    ],
    [500, "Internal Server Error", SERVER],
    [502, "Bad Gateway", SERVER],
    [503, "Service Unavailable", SERVER],
  ])("%s %s → advice", (status, message, advice) => {
    const text = explainError(httpError(status, message));
    expect(text).toContain(advice);
    // The original message stays visible next to the advice.
    expect(text).toContain(message);
  });

  it("names the status of a server error", () => {
    expect(explainError(httpError(502, "Bad Gateway"))).toContain("502: Bad Gateway");
  });

  it.each<[string, unknown, string]>([
    ["404", httpError(404, "Not Found"), "Not Found"],
    ["422", httpError(422, "Validation Failed"), "Validation Failed"],
    [
      "403 for another reason",
      httpError(403, "Must have admin rights to Repository."),
      "Must have admin rights to Repository.",
    ],
    ["an Error without a status", new Error("train.py is missing"), "train.py is missing"],
    ["a thrown string", "something odd", "something odd"],
    [
      "an object with a non-numeric status",
      Object.assign(new Error("weird"), { status: "n/a" }),
      "weird",
    ],
  ])("%s → the message as it is", (_name, error, expected) => {
    expect(explainError(error)).toBe(expected);
  });

  it("429 rate limit → rate-limit advice", () => {
    const text = explainError(
      httpError(429, "API rate limit exceeded for installation ID 123456."),
    );
    expect(text).toContain(RATE_LIMIT);
  });
});
