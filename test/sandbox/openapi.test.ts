import { describe, expect, it } from "vitest";
import { ContractError, loadOpenApiContract } from "../../sandbox/openapi.js";

const contract = loadOpenApiContract();

function refusal(run: () => unknown): { kind: string; status: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractError)
      return { kind: error.kind, status: error.status, message: error.message };
    throw error;
  }
  throw new Error("expected the contract to refuse the request");
}

describe("route matching", () => {
  it.each([
    [
      "GET",
      "/repos/acme/research/git/ref/heads/autoresearch/nov26/3-lr",
      "git/get-ref",
      { ref: "heads/autoresearch/nov26/3-lr" },
    ],
    ["GET", "/repos/acme/research/git/ref/heads%2Fmain", "git/get-ref", { ref: "heads/main" }],
    [
      "GET",
      "/repos/acme/research/git/matching-refs/heads/autoresearch/",
      "git/list-matching-refs",
      { ref: "heads/autoresearch/" },
    ],
    ["PATCH", "/repos/acme/research/git/refs/heads/a/b", "git/update-ref", { ref: "heads/a/b" }],
    [
      "GET",
      "/repos/acme/research/contents/.github/autoresearch.yml",
      "repos/get-content",
      { path: ".github/autoresearch.yml" },
    ],
    [
      "PUT",
      "/repos/acme/research/contents/src/train.py",
      "repos/create-or-update-file-contents",
      { path: "src/train.py" },
    ],
    [
      "GET",
      "/repos/acme/research/compare/main...autoresearch/x",
      "repos/compare-commits-with-basehead",
      { basehead: "main...autoresearch/x" },
    ],
    ["GET", "/repos/acme/research/commits/main/check-runs", "checks/list-for-ref", { ref: "main" }],
    [
      "GET",
      "/repos/acme/research/commits/autoresearch/x",
      "repos/get-commit",
      { ref: "autoresearch/x" },
    ],
    [
      "GET",
      "/repos/acme/research/branches/autoresearch/nov26",
      "repos/get-branch",
      { branch: "autoresearch/nov26" },
    ],
    ["PUT", "/repos/acme/research/pulls/7/merge", "pulls/merge", { pull_number: "7" }],
    [
      "DELETE",
      "/repos/acme/research/issues/7/labels/autoresearch%3Arerun",
      "issues/remove-label",
      { name: "autoresearch:rerun" },
    ],
    [
      "POST",
      "/app/installations/5/access_tokens",
      "apps/create-installation-access-token",
      { installation_id: "5" },
    ],
  ])("%s %s → %s", (method, path, operationId, params) => {
    const match = contract.match(method, path);
    expect(match.operation.operationId).toBe(operationId);
    expect(match.params).toMatchObject(params);
  });

  it("refuses a misspelled route like GitHub (404)", () => {
    expect(
      refusal(() =>
        contract.validateRequest({ method: "GET", path: "/repos/acme/research/pullz/1" }),
      ),
    ).toMatchObject({ kind: "unknown-route", status: 404 });
  });

  it("refuses a method the route does not have", () => {
    const r = refusal(() =>
      contract.validateRequest({ method: "DELETE", path: "/repos/acme/research/pulls/1" }),
    );
    expect(r).toMatchObject({ kind: "method-not-allowed", status: 404 });
    expect(r.message).toContain("GET, PATCH");
  });

  it("refuses a non-integer pull number as a path parameter error (404)", () => {
    expect(
      refusal(() =>
        contract.validateRequest({ method: "GET", path: "/repos/acme/research/pulls/abc" }),
      ),
    ).toMatchObject({ kind: "path-param", status: 404 });
  });
});

describe("request validation", () => {
  it("accepts a valid body and query", () => {
    const m = contract.validateRequest({
      method: "GET",
      path: "/repos/a/b/pulls",
      query: { state: "all", per_page: "100" },
    });
    expect(m.operation.operationId).toBe("pulls/list");
    expect(
      contract.validateRequest({
        method: "POST",
        path: "/repos/a/b/pulls",
        body: { title: "t", head: "h", base: "main" },
      }).operation.operationId,
    ).toBe("pulls/create");
  });

  it.each([
    ["a missing required field", "POST", "/repos/a/b/pulls", { title: "t", head: "h" }, "base"],
    [
      "an enum value GitHub does not know",
      "PUT",
      "/repos/a/b/pulls/1/merge",
      { merge_method: "fast-forward" },
      "merge_method",
    ],
    ["a wrong type", "POST", "/repos/a/b/issues/1/comments", { body: 42 }, "/body"],
    ["a missing body", "PATCH", "/repos/a/b/git/refs/heads/x", undefined, "required"],
  ])("refuses %s with 422", (_label, method, path, body, mentions) => {
    const r = refusal(() => contract.validateRequest({ method, path, body }));
    expect(r.status).toBe(422);
    expect(r.message).toContain(mentions);
  });

  it("refuses a bad query parameter with 422", () => {
    const r = refusal(() =>
      contract.validateRequest({
        method: "GET",
        path: "/repos/a/b/pulls",
        query: { state: "merged" },
      }),
    );
    expect(r).toMatchObject({ kind: "query-param", status: 422 });
  });
});

describe("response validation", () => {
  it("names the required fields a response lacks", () => {
    expect(() => contract.validateResponse("git/get-ref", 200, { ref: "refs/heads/main" })).toThrow(
      /required property 'object'/,
    );
  });

  it("accepts a complete ref", () => {
    const sha = "a".repeat(40);
    expect(() =>
      contract.validateResponse("git/get-ref", 200, {
        ref: "refs/heads/main",
        node_id: "REF_1",
        url: "http://x/r",
        object: { sha, type: "commit", url: "http://x/c" },
      }),
    ).not.toThrow();
  });

  it("refuses a status the operation never answers", () => {
    expect(() => contract.validateResponse("pulls/merge", 201, {})).toThrow(
      /declares no 201 response/,
    );
  });

  it("knows which operations GitHub Apps may not call", () => {
    expect(contract.operation("pulls/update-branch").enabledForGitHubApps).toBe(false);
    expect(contract.operation("gists/create").enabledForGitHubApps).toBe(false);
    expect(contract.operation("pulls/merge").enabledForGitHubApps).toBe(true);
  });
});
