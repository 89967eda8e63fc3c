import { describe, expect, it } from "vitest";
import { CliError, EXIT } from "../../src/cli/exit-codes.js";
import { explainFailure } from "../../src/cli/explain-failure.js";

const API = "https://api.github.com";

function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

function networkError(): Error {
  const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
    code: "ECONNREFUSED",
  });
  return Object.assign(new Error("fetch failed", { cause }), { status: 500 });
}

describe("explainFailure", () => {
  it.each<[string, unknown, number, string]>([
    ["a CliError as it is", new CliError(EXIT.notFound, "no run"), 3, "no run"],
    [
      "401",
      httpError(401, "Bad credentials"),
      1,
      "GitHub rejected GITHUB_TOKEN (401 Bad credentials)",
    ],
    ["rate limit", httpError(403, "API rate limit exceeded"), 1, "rate limit was hit"],
    [
      "403",
      httpError(403, "Resource not accessible by personal access token"),
      1,
      "the token needs write access",
    ],
    ["404", httpError(404, "Not Found"), 3, "GitHub answered 404 (Not Found)"],
    ["422", httpError(422, "Validation Failed"), 1, "GitHub answered 422: Validation Failed"],
    [
      "no connection",
      networkError(),
      1,
      `could not reach GitHub at ${API} (connect ECONNREFUSED 127.0.0.1:1)`,
    ],
    ["anything else", new Error("boom"), 1, "boom"],
    ["a thrown string", "odd", 1, "odd"],
  ])("%s", (_name, error, exitCode, message) => {
    const failure = explainFailure(error, API);
    expect(failure.exitCode).toBe(exitCode);
    expect(failure.message).toContain(message);
  });
});
