// The client factory against the sandbox GitHub: conditional requests (304s answered from a
// bounded cache, counted apart), and GitHub's primary and secondary rate limits waited out,
// said in one line, bounded. The sandbox answers both as GitHub documents them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/harness.js";
import { actionOctokit } from "../../src/action/octokit.js";
import { readRunContext } from "../../src/action/run-context.js";
import { createGitHubClient, FAST_TIMING } from "../../src/github/client.js";
import { createResponseCache, type ResponseCache } from "../../src/github/conditional-requests.js";
import { GitHubRateLimitError } from "../../src/github/rate-limits.js";
import { start, statusOf } from "../sandbox/sandbox-fixtures.js";

let sb: SandboxHandle;
const repo = { owner: "acme", repo: "research" };

beforeAll(async () => {
  sb = await start();
});
afterEach(() => sb.assertNoViolations());
afterAll(async () => {
  await sb?.stop();
});

function client(options: { as?: string; cache?: ResponseCache; maxRetries?: number } = {}) {
  const lines: string[] = [];
  const octokit = createGitHubClient({
    auth: sb.tokens[options.as ?? "octocat"]!,
    baseUrl: sb.url,
    userAgent: "autoresearch-test",
    log: { info: (m) => lines.push(m), warn: (m) => lines.push(m) },
    timing: FAST_TIMING,
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.maxRetries !== undefined ? { maxRateLimitRetries: options.maxRetries } : {}),
  });
  return { octokit, lines };
}

/** Sandbox requests made from here on, as "status path" (rate limits marked). */
function requestsFrom(): () => string[] {
  const from = sb.state.requests.length;
  return () =>
    sb.state.requests
      .slice(from)
      .map((r) => `${r.status}${r.rateLimit ? ` ${r.rateLimit}` : ""} ${r.method} ${r.path}`);
}

describe("conditional requests", () => {
  it("sends If-None-Match the second time and answers the 304 with the cached data", async () => {
    const cache = createResponseCache();
    const { octokit } = client({ cache });
    const seen = requestsFrom();
    const first = await octokit.rest.repos.get(repo);
    const second = await octokit.rest.repos.get(repo);
    expect(seen()).toEqual(["200 GET /repos/acme/research", "304 GET /repos/acme/research"]);
    expect(second.status).toBe(200);
    expect(second.data).toEqual(first.data);
    expect(cache.stats()).toMatchObject({ hits: 1, changed: 0, entries: 1 });
  });

  it("gets the new body when the resource changed, and hands out copies callers may mutate", async () => {
    const cache = createResponseCache();
    const { octokit } = client({ cache });
    const number = await sb.human.openIssue("etag me", "before");
    const first = await octokit.rest.issues.get({ ...repo, issue_number: number });
    first.data.title = "mutated by a caller";
    const again = await octokit.rest.issues.get({ ...repo, issue_number: number });
    expect(again.data.title).toBe("etag me");
    await sb.human.editBody(number, "after");
    const seen = requestsFrom();
    const changed = await octokit.rest.issues.get({ ...repo, issue_number: number });
    expect(changed.data.body).toBe("after");
    expect(seen()).toEqual([`200 GET /repos/acme/research/issues/${number}`]);
    expect(cache.stats()).toMatchObject({ hits: 1, changed: 1 });
  });

  it("keeps each page of a list apart", async () => {
    const { octokit } = client();
    const first = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, {
      ...repo,
      per_page: 5,
    });
    const seen = requestsFrom();
    const again = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, {
      ...repo,
      per_page: 5,
    });
    expect(again).toEqual(first);
    expect(seen().length).toBeGreaterThan(1);
    expect(seen().every((line) => line.startsWith("304 GET /repos/acme/research/labels"))).toBe(
      true,
    );
  });

  it("never answers one identity from another's responses", async () => {
    const cache = createResponseCache();
    await client({ cache }).octokit.rest.repos.get(repo);
    const seen = requestsFrom();
    await client({ as: "mallory", cache }).octokit.rest.repos.get(repo);
    expect(seen()).toEqual(["200 GET /repos/acme/research"]);
    expect(cache.stats()).toMatchObject({ hits: 0, entries: 2 });
  });

  it("is bounded: the least recently used response is evicted and fetched whole again", async () => {
    const cache = createResponseCache({ maxEntries: 2, maxSize: 1024 * 1024 });
    const { octokit } = client({ cache });
    const get = (issue_number: number) => octokit.rest.issues.get({ ...repo, issue_number });
    const [a, b, c] = [
      await sb.human.openIssue("a"),
      await sb.human.openIssue("b"),
      await sb.human.openIssue("c"),
    ];
    await get(a);
    await get(b);
    await get(a); // a is now newer than b
    await get(c); // evicts b
    const seen = requestsFrom();
    await get(a);
    await get(b);
    expect(seen()).toEqual([
      `304 GET /repos/acme/research/issues/${a}`,
      `200 GET /repos/acme/research/issues/${b}`,
    ]);
    expect(cache.stats()).toMatchObject({ entries: 2, evictions: 2 });
  });

  it("leaves writes alone", async () => {
    const { octokit } = client();
    const number = await sb.human.openIssue("writes");
    const seen = requestsFrom();
    await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: "one" });
    await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: "one" });
    expect(seen()).toEqual([
      `201 POST /repos/acme/research/issues/${number}/comments`,
      `201 POST /repos/acme/research/issues/${number}/comments`,
    ]);
  });

  it("works for the app's installation clients too: one cache across Probot's clients", async () => {
    const first = await sb.installationOctokit();
    await first.request("GET /repos/{owner}/{repo}", repo);
    const second = await sb.installationOctokit();
    expect(second).not.toBe(first);
    const seen = requestsFrom();
    const { data } = await second.request("GET /repos/{owner}/{repo}", repo);
    expect(data.full_name).toBe("acme/research");
    // (The new client first gets its installation token.)
    expect(seen().filter((line) => !line.includes("/access_tokens"))).toEqual([
      "304 GET /repos/acme/research",
    ]);
  });
});

describe("rate limits", () => {
  it("waits out a primary limit until x-ratelimit-reset, saying so once per wait", async () => {
    const { octokit, lines } = client();
    sb.faults.limitRate("primary", { who: "user", requests: 2, waitSeconds: 42 });
    const seen = requestsFrom();
    const { data } = await octokit.rest.repos.get(repo);
    expect(data.full_name).toBe("acme/research");
    expect(seen()).toEqual([
      "403 primary GET /repos/acme/research",
      "403 primary GET /repos/acme/research",
      "200 GET /repos/acme/research",
    ]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^GitHub rate limit: waiting 4[23] s until \d\d:\d\d:\d\d UTC \(x-ratelimit-reset\) before retrying GET \/repos\/\{owner\}\/\{repo\} \(retry 1 of 3\)$/,
    );
  });

  it.each([403, 429] as const)(
    "waits out a secondary limit (%i) for retry-after, and only the throttling plugin retries it",
    async (status) => {
      const { octokit, lines } = client();
      const number = await sb.human.openIssue("secondary");
      sb.faults.limitRate("secondary", { who: "user", requests: 1, status, waitSeconds: 7 });
      const seen = requestsFrom();
      await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: "hi" });
      expect(seen()).toEqual([
        `${status} secondary POST /repos/acme/research/issues/${number}/comments`,
        `201 POST /repos/acme/research/issues/${number}/comments`,
      ]);
      expect(lines).toEqual([
        expect.stringMatching(
          /^GitHub secondary rate limit: waiting 7 s until .* UTC \(retry-after\) before retrying POST /,
        ),
      ]);
    },
  );

  it("gives up after the bound with an error that says until when", async () => {
    const { octokit, lines } = client({ maxRetries: 2 });
    // One refusal more than the client waits for: the first try and two retries.
    sb.faults.limitRate("primary", { who: "user", requests: 3, waitSeconds: 5 });
    const seen = requestsFrom();
    const error = await octokit.rest.repos.get(repo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubRateLimitError);
    expect((error as GitHubRateLimitError).status).toBe(403);
    expect((error as Error).message).toMatch(
      /^GitHub rate limit: GET \/repos\/\{owner\}\/\{repo\} still refused after waiting \(API rate limit exceeded for user ID \d+\..*\); GitHub asks to wait until \d\d:\d\d:\d\d UTC\./,
    );
    expect(seen()).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^GitHub rate limit: giving up on GET .* after 2 waits/);
    expect(await statusOf(octokit.rest.repos.get(repo))).toBe(0);
  });

  it("honours a time window: production waits reach past the reset the window announces", async () => {
    // Production timing (seconds are seconds): the window ends within 2 s.
    const octokit = createGitHubClient({
      auth: sb.tokens.octocat!,
      baseUrl: sb.url,
      userAgent: "autoresearch-test",
      log: { info() {}, warn() {} },
      cache: false,
    });
    sb.faults.limitRate("primary", { who: "user", forMs: 300 });
    const seen = requestsFrom();
    await octokit.rest.repos.get(repo);
    // Refused inside the window, then served: one wait was enough, not the three allowed.
    expect(seen()).toEqual([
      "403 primary GET /repos/acme/research",
      "200 GET /repos/acme/research",
    ]);
  });

  it("the action's client retries a secondary limit (production timing, retry-after: 1)", async () => {
    const ctx = readRunContext({
      GITHUB_REPOSITORY: "acme/research",
      GITHUB_API_URL: sb.url,
      GITHUB_SERVER_URL: sb.url,
    });
    const octokit = actionOctokit(sb.tokens.octocat!, ctx)!;
    sb.faults.limitRate("secondary", { who: "user", requests: 1, waitSeconds: 1 });
    const seen = requestsFrom();
    const { data } = await octokit.rest.repos.get(repo);
    expect(data.full_name).toBe("acme/research");
    expect(seen()).toEqual([
      "403 secondary GET /repos/acme/research",
      expect.stringMatching(/^(200|304) GET \/repos\/acme\/research$/),
    ]);
  });
});
