import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  IN_MEMORY_BASE_URL,
  type InMemoryGitHub,
  inMemoryGitHub,
} from "../../sandbox/in-memory.js";
import { defaultBranch } from "../../src/github/repo.js";

let fake: InMemoryGitHub;
beforeAll(async () => {
  fake = await inMemoryGitHub();
});
afterAll(() => fake?.close());
afterEach(() => fake.clearViolations());

const REPO = { owner: "acme", repo: "research" };

/** Requests GitHub's OpenAPI description forbids, and how the sandbox answers each. */
const FORBIDDEN: {
  name: string;
  route: string;
  params: Record<string, unknown>;
  status: number;
  kind: string;
}[] = [
  {
    name: "an issue without its required title",
    route: "POST /repos/{owner}/{repo}/issues",
    params: { ...REPO, body: "no title" },
    status: 422,
    kind: "body",
  },
  {
    name: "a ref whose sha is a number",
    route: "POST /repos/{owner}/{repo}/git/refs",
    params: { ...REPO, ref: "refs/heads/x", sha: 42 },
    status: 422,
    kind: "body",
  },
  {
    name: "an issue state outside its enum",
    route: "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
    params: { ...REPO, issue_number: 1, state: "shut" },
    status: 422,
    kind: "body",
  },
  {
    name: "a path GitHub does not have",
    route: "GET /repos/{owner}/{repo}/pullz",
    params: REPO,
    status: 404,
    kind: "unknown-route",
  },
];

async function statusOf(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call;
    return { status: 200, message: "" };
  } catch (error) {
    const e = error as { status: number; response?: { data?: { message?: string } } };
    return { status: e.status, message: e.response?.data?.message ?? "" };
  }
}

describe("in-memory GitHub", () => {
  it("serves the app's installation through the spec-checked handler, with no socket", async () => {
    expect(new URL(IN_MEMORY_BASE_URL).hostname.endsWith(".invalid")).toBe(true);
    const before = fake.requests.length;
    expect(await defaultBranch(fake.gh)).toBe("main");
    // The installation token is got on the first request, as Probot gets it: JWT, then a token.
    expect(fake.requests.slice(before)).toEqual([
      expect.objectContaining({
        method: "POST",
        operationId: "apps/create-installation-access-token",
        status: 201,
        actorKind: "app",
      }),
      expect.objectContaining({
        method: "GET",
        path: "/repos/acme/research",
        operationId: "repos/get",
        status: 200,
        actor: "autoresearch-bot[bot]",
        actorKind: "installation",
      }),
    ]);
    fake.assertNoViolations();
  });

  it("acts as a user: a reader may open an issue but not label it, as on GitHub", async () => {
    const mallory = fake.asUser("mallory");
    const { data } = await mallory.octokit.rest.issues.create({ ...REPO, title: "from a reader" });
    expect(fake.world.issue(data.number).user.login).toBe("mallory");
    expect(fake.events.at(-1)).toMatchObject({ event: "issues", action: "opened" });
    const refused = await statusOf(
      mallory.octokit.rest.issues.addLabels({
        ...REPO,
        issue_number: data.number,
        labels: ["bug"],
      }),
    );
    expect(refused.status).toBe(403);
    expect(fake.requests.at(-1)).toMatchObject({
      actor: "mallory",
      actorKind: "user",
      status: 403,
    });
    await fake.asUser().octokit.rest.issues.addLabels({
      ...REPO,
      issue_number: data.number,
      labels: ["bug"],
    });
    expect(fake.world.issue(data.number).labels).toEqual(["bug"]);
    expect(fake.events.at(-1)).toMatchObject({ event: "issues", action: "labeled" });
    fake.assertNoViolations();
  });

  it.each(FORBIDDEN)(
    "refuses $name and records a $kind violation, exactly as over HTTP",
    async ({ route, params, status, kind }) => {
      const inMemory = await statusOf(fake.gh.octokit.request(route, params));
      const recorded = fake.violations.map((v) => ({ kind: v.kind, message: v.message }));
      expect(inMemory.status).toBe(status);
      expect(recorded).toEqual([expect.objectContaining({ kind })]);
      expect(fake.requests.at(-1)).toMatchObject({ status, actorKind: "installation" });
      fake.clearViolations();

      // The same handler over a socket: the same answer and the same violation.
      const url = await fake.server.start();
      try {
        const overHttp = new Octokit({
          auth: fake.auth.issueInstallationToken().token,
          baseUrl: url,
          log: { debug() {}, info() {}, warn() {}, error() {} },
        });
        expect(await statusOf(overHttp.request(route, params))).toEqual(inMemory);
        expect(fake.violations.map((v) => ({ kind: v.kind, message: v.message }))).toEqual(
          recorded,
        );
      } finally {
        await fake.server.stop();
      }
    },
  );

  it("refuses a client built for another host instead of reaching the network", async () => {
    const stray = new Octokit({
      baseUrl: "https://api.github.com",
      request: { fetch: fake.fetch },
    });
    await expect(stray.rest.repos.get(REPO)).rejects.toThrow(
      /is not for https:\/\/api\.github\.invalid/,
    );
  });
});
