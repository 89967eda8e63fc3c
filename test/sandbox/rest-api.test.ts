import { createSign } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/harness.js";
import { gitBlobSha } from "../../src/core/variant-id.js";
import { branchWith, start, statusOf } from "./sandbox-fixtures.js";

let sb: SandboxHandle;
const repo = { owner: "acme", repo: "research" };

beforeAll(async () => {
  sb = await start();
});
afterEach(() => sb.assertNoViolations());
afterAll(async () => {
  await sb?.stop();
});

function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${enc({ alg: "RS256", typ: "JWT" })}.${enc(claims)}`;
  return `${head}.${createSign("RSA-SHA256").update(head).sign(sb.app.privateKey, "base64url")}`;
}

describe("authentication", () => {
  it("accepts the app's JWT on /app and refuses an expired one", async () => {
    const now = Math.floor(Date.now() / 1000);
    const app = new Octokit({
      auth: jwt({ iat: now - 30, exp: now + 540, iss: sb.app.id }),
      baseUrl: sb.url,
    });
    expect((await app.apps.getAuthenticated()).data?.slug).toBe("autoresearch-bot");
    const stale = new Octokit({
      auth: jwt({ iat: now - 900, exp: now - 300, iss: sb.app.id }),
      baseUrl: sb.url,
    });
    expect(await statusOf(stale.apps.getAuthenticated())).toBe(401);
    const tooLong = new Octokit({
      auth: jwt({ iat: now, exp: now + 3600, iss: sb.app.id }),
      baseUrl: sb.url,
    });
    expect(await statusOf(tooLong.apps.getAuthenticated())).toBe(401);
  });

  it("refuses unknown tokens with 401 and hides the private repo from anonymous callers", async () => {
    expect(await statusOf(new Octokit({ auth: "ghs_nope", baseUrl: sb.url }).repos.get(repo))).toBe(
      401,
    );
    expect(await statusOf(new Octokit({ baseUrl: sb.url }).repos.get(repo))).toBe(404);
  });

  it("gives an installation token the installed permissions only", async () => {
    const bot = await sb.installationOctokit();
    const { data } = await bot.rest.repos.get(repo);
    expect(data.full_name).toBe("acme/research");
  });
});

describe("contract violations", () => {
  it("answers a misspelled route 404 and records it", async () => {
    const status = await statusOf(sb.octokit().request("GET /repos/{owner}/{repo}/pullz", repo));
    expect(status).toBe(404);
    expect(sb.violations.map((v) => v.kind)).toEqual(["unknown-route"]);
    sb.clearViolations();
  });

  it("answers a body that breaks the schema 422 and records it", async () => {
    // Deliberately missing `base`, as a buggy client would send it.
    const badBody = { ...repo, title: "x", head: "main" } as unknown as {
      owner: string;
      repo: string;
      title: string;
      head: string;
      base: string;
    };
    const status = await statusOf(
      sb.octokit().request("POST /repos/{owner}/{repo}/pulls", badBody),
    );
    expect(status).toBe(422);
    expect(sb.violations[0]).toMatchObject({
      kind: "body",
      where: "POST /repos/acme/research/pulls",
    });
    expect(sb.violations[0].message).toContain("base");
    sb.clearViolations();
  });

  it("lists the violations when asked to assert none", () => {
    sb.world.emit("pull_request", sb.world.user("octocat"), { action: "opened" });
    expect(() => sb.assertNoViolations()).toThrow(/webhook-payload/);
    sb.clearViolations();
  });
});

describe("contents", () => {
  it("serves files as base64 JSON, raw on request, and 404 for missing paths", async () => {
    const bot = await sb.installationOctokit();
    const { data } = await bot.rest.repos.getContent({ ...repo, path: "train.py" });
    expect(Buffer.from((data as { content: string }).content, "base64").toString()).toContain(
      "LEARNING_RATE",
    );
    const raw = await bot.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...repo,
      path: ".github/autoresearch.yml",
      mediaType: { format: "raw" },
    });
    expect(raw.data).toBe("concurrency: 1\n");
    expect(
      await statusOf(bot.rest.repos.getContent({ ...repo, path: ".github/missing.yml" })),
    ).toBe(404);
  });

  it("reads the app config through Probot's loader (and 404 for the owner's .github repo)", async () => {
    const bot = await sb.installationOctokit();
    const { config } = await bot.config.get({ ...repo, path: ".github/autoresearch.yml" });
    expect(config).toEqual({ concurrency: 1 });
  });
});

describe("create or update file contents (PUT /contents/{path})", () => {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const blobSha = gitBlobSha;

  it("replaces a file on a branch (200): one commit on its head, the ref moved, a push announced", async () => {
    const bot = await sb.installationOctokit();
    const main = (await sb.git.sha("main"))!;
    const old = (await sb.git.readFile("main", "train.py"))!;
    await bot.rest.git.createRef({ ...repo, ref: "refs/heads/exp/put", sha: main });
    const text = `${old}# put\n`;
    const { status, data } = await bot.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: "train.py",
      branch: "exp/put",
      message: "put train.py",
      content: b64(text),
      sha: blobSha(old),
    });
    expect(status).toBe(200);
    expect(data.content).toMatchObject({ path: "train.py", sha: blobSha(text), type: "file" });
    expect(data.commit.parents?.map((p) => p.sha)).toEqual([main]);
    expect(data.commit.message).toBe("put train.py");
    expect(data.commit.author).toMatchObject({ name: "autoresearch-bot[bot]" });
    expect(await sb.git.sha("exp/put")).toBe(data.commit.sha);
    expect(await sb.git.readFile("exp/put", "train.py")).toBe(text);
    expect(await sb.git.sha("main")).toBe(main);
    await sb.settle();
    const push = sb.state.deliveries.find(
      (d) => d.event === "push" && d.payload.after === data.commit.sha,
    );
    expect(push?.payload).toMatchObject({
      ref: "refs/heads/exp/put",
      before: main,
      created: false,
      forced: false,
      head_commit: { id: data.commit.sha, modified: ["train.py"] },
    });
  });

  it("creates a file (201), ignoring a sha for a path that does not exist, with the given author", async () => {
    const bot = await sb.installationOctokit();
    const main = (await sb.git.sha("main"))!;
    await bot.rest.git.createRef({ ...repo, ref: "refs/heads/exp/put-new", sha: main });
    const author = { name: "Ada", email: "ada@example.com", date: "2026-01-02T03:04:05Z" };
    const { status, data } = await bot.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: "notes/new.md",
      branch: "exp/put-new",
      message: "notes",
      content: b64("new\n"),
      sha: "0123456789abcdef0123456789abcdef01234567",
      author,
    });
    expect(status).toBe(201);
    expect(data.commit.author).toMatchObject({ name: "Ada", email: "ada@example.com" });
    expect(data.commit.committer).toMatchObject({ name: "autoresearch-bot[bot]" });
    expect(await sb.git.readFile("exp/put-new", "notes/new.md")).toBe("new\n");
  });

  it("writes to the default branch when no branch is named", async () => {
    const bot = await sb.installationOctokit();
    const main = (await sb.git.sha("main"))!;
    const { status, data } = await bot.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: "put-default.txt",
      message: "on main",
      content: b64("main\n"),
    });
    expect(status).toBe(201);
    expect(data.commit.parents?.map((p) => p.sha)).toEqual([main]);
    expect(await sb.git.sha("main")).toBe(data.commit.sha);
  });

  const refusals: {
    name: string;
    who?: string;
    body: Record<string, unknown>;
    status: number;
    message: RegExp;
  }[] = [
    {
      name: "a branch that does not exist (404, before the sha is looked at)",
      body: { branch: "exp/put-nope", path: "train.py", sha: "bad" },
      status: 404,
      message: /Branch exp\/put-nope not found/,
    },
    {
      name: "replacing a file without its sha (422)",
      body: { path: "train.py" },
      status: 422,
      message: /"sha" wasn't supplied/,
    },
    {
      name: "replacing a file with another blob's sha (409)",
      body: { path: "train.py", sha: "0123456789abcdef0123456789abcdef01234567" },
      status: 409,
      message: /train\.py does not match 0123456789abcdef0123456789abcdef01234567/,
    },
    {
      name: "content that is not base64 (422)",
      body: { path: "put-bad.txt", content: "not base64!" },
      status: 422,
      message: /Base64/,
    },
    {
      name: "a workflow file without the workflows permission (403)",
      body: { path: ".github/workflows/put.yml" },
      status: 403,
      message: /not accessible by integration/,
    },
    {
      name: "a user with read access (403)",
      who: "mallory",
      body: { path: "put-mallory.txt" },
      status: 403,
      message: /write access/,
    },
  ];

  it.each(refusals)("refuses $name, and moves nothing", async ({ who, body, status, message }) => {
    const client = who ? sb.octokit(who) : await sb.installationOctokit();
    const before = await sb.git.sha("main");
    const error = await client.rest.repos
      .createOrUpdateFileContents({
        ...repo,
        message: "refused",
        content: b64("x\n"),
        ...(body as { path: string }),
      })
      .catch((e: { status: number; message: string }) => e);
    expect(error).toMatchObject({ status, message: expect.stringMatching(message) });
    expect(await sb.git.sha("main")).toBe(before);
  });
});

describe("pull requests", () => {
  it("refuses a merge with a stale sha (409) and squash-merges the tested head into one commit", async () => {
    const first = await branchWith(
      sb,
      "exp/squash",
      { "train.py": "LEARNING_RATE = 0.05\n" },
      "lr 0.05",
    );
    const bot = await sb.installationOctokit();
    const { data: pr } = await bot.rest.pulls.create({
      ...repo,
      title: "lr 0.05",
      head: "exp/squash",
      base: "main",
    });
    const second = await branchWith(sb, "exp/squash", { "notes.md": "tried lr\n" }, "notes");
    expect(
      await statusOf(
        bot.rest.pulls.merge({
          ...repo,
          pull_number: pr.number,
          sha: first,
          merge_method: "squash",
        }),
      ),
    ).toBe(409);

    const mainBefore = await sb.git.sha("main");
    const { data: merged } = await bot.rest.pulls.merge({
      ...repo,
      pull_number: pr.number,
      sha: second,
      merge_method: "squash",
    });
    expect(merged.merged).toBe(true);
    const log = await sb.git.log("main");
    expect(log[0]).toMatchObject({ sha: merged.sha, parents: [mainBefore] });
    expect(log[0].message.split("\n")[0]).toBe(`lr 0.05 (#${pr.number})`);
    expect(await sb.git.readFile("main", "train.py")).toBe("LEARNING_RATE = 0.05\n");
    expect(await sb.git.readFile("main", "notes.md")).toBe("tried lr\n");
    const { data: after } = await bot.rest.pulls.get({ ...repo, pull_number: pr.number });
    expect(after).toMatchObject({ state: "closed", merged: true, merge_commit_sha: merged.sha });
    await sb.settle();
    const events = sb.state.deliveries
      .filter((d) => d.event === "pull_request" && (d.payload.number as number) === pr.number)
      .map((d) => d.action);
    expect(events).toEqual(["opened", "synchronize", "closed"]);
  });

  it("answers mergeable null first, then computes it; a conflicting PR cannot merge (405)", async () => {
    await branchWith(sb, "exp/conflict-a", { "train.py": "A\n" });
    await branchWith(sb, "exp/conflict-b", { "train.py": "B\n" });
    const bot = await sb.installationOctokit();
    const { data: a } = await bot.rest.pulls.create({
      ...repo,
      title: "a",
      head: "exp/conflict-a",
      base: "main",
    });
    const { data: b } = await bot.rest.pulls.create({
      ...repo,
      title: "b",
      head: "exp/conflict-b",
      base: "main",
    });
    expect(
      (await bot.rest.pulls.get({ ...repo, pull_number: a.number })).data.mergeable,
    ).toBeNull();
    expect((await bot.rest.pulls.get({ ...repo, pull_number: a.number })).data.mergeable).toBe(
      true,
    );
    await bot.rest.pulls.merge({ ...repo, pull_number: a.number, merge_method: "squash" });
    expect(
      await statusOf(
        bot.rest.pulls.merge({ ...repo, pull_number: b.number, merge_method: "squash" }),
      ),
    ).toBe(405);
  });

  it("refuses update-branch to an installation token (spec: not enabled for apps) and runs it for a user", async () => {
    const staleHead = await branchWith(sb, "exp/stale", { "stale.txt": "s\n" });
    const bot = await sb.installationOctokit();
    const { data: pr } = await bot.rest.pulls.create({
      ...repo,
      title: "stale",
      head: "exp/stale",
      base: "main",
    });
    await branchWith(sb, "main", { "moved.txt": "main moved\n" }, "main moves on");
    expect(await statusOf(bot.rest.pulls.updateBranch({ ...repo, pull_number: pr.number }))).toBe(
      403,
    );
    const { status, data } = await sb
      .octokit()
      .pulls.updateBranch({ ...repo, pull_number: pr.number });
    expect(status).toBe(202);
    expect(data.message).toBe("Updating pull request branch.");
    await sb.settle();
    const head = (await sb.git.log("exp/stale"))[0];
    expect(head.parents).toEqual([staleHead, await sb.git.sha("main")]);
    expect(head.message).toBe("Merge branch 'main' into exp/stale");
    expect(await sb.git.readFile("exp/stale", "moved.txt")).toBe("main moved\n");
  });

  it("lets an app bring a stale PR up to date with POST /merges (head branch ← base)", async () => {
    const head = await branchWith(sb, "exp/merges", { "merges.txt": "m\n" });
    const bot = await sb.installationOctokit();
    const { data: pr } = await bot.rest.pulls.create({
      ...repo,
      title: "merges",
      head: "exp/merges",
      base: "main",
    });
    await branchWith(sb, "main", { "later.txt": "later\n" }, "main moves again");
    const base = (await sb.git.sha("main"))!;
    const { status, data } = await bot.rest.repos.merge({
      ...repo,
      base: "exp/merges",
      head: base,
    });
    expect(status).toBe(201);
    expect(data.parents.map((p) => p.sha)).toEqual([head, base]);
    expect((await bot.rest.pulls.get({ ...repo, pull_number: pr.number })).data.head.sha).toBe(
      data.sha,
    );
    expect((await bot.rest.repos.merge({ ...repo, base: "exp/merges", head: base })).status).toBe(
      204,
    );
  });

  it("refuses to open a PR without commits, or a second one for the same head", async () => {
    const bot = await sb.installationOctokit();
    const main = await sb.git.sha("main");
    await bot.rest.git.createRef({ ...repo, ref: "refs/heads/exp/empty", sha: main! });
    expect(
      await statusOf(
        bot.rest.pulls.create({ ...repo, title: "none", head: "exp/empty", base: "main" }),
      ),
    ).toBe(422);
    await branchWith(sb, "exp/once", { "once.txt": "1\n" });
    await bot.rest.pulls.create({ ...repo, title: "once", head: "exp/once", base: "main" });
    expect(
      await statusOf(
        bot.rest.pulls.create({ ...repo, title: "twice", head: "exp/once", base: "main" }),
      ),
    ).toBe(422);
  });

  it("filters and paginates with Link headers Octokit follows", async () => {
    const bot = await sb.installationOctokit();
    const open = await bot.paginate(bot.rest.pulls.list, { ...repo, state: "all", per_page: 2 });
    expect(open.length).toBe(sb.state.pulls().length);
    const page = await bot.rest.pulls.list({ ...repo, state: "all", per_page: 2 });
    expect(page.headers.link).toContain('rel="next"');
    const byHead = await bot.rest.pulls.list({ ...repo, state: "all", head: "acme:exp/once" });
    expect(byHead.data.map((p) => p.title)).toEqual(["once"]);
  });
});

describe("git refs", () => {
  it("refuses a non-fast-forward update unless forced, and lists matching refs", async () => {
    const a = await branchWith(sb, "exp/ff", { "ff.txt": "1\n" });
    const bot = await sb.installationOctokit();
    const main = await sb.git.sha("main");
    expect(
      await statusOf(bot.rest.git.updateRef({ ...repo, ref: "heads/exp/ff", sha: main! })),
    ).toBe(422);
    await bot.rest.git.updateRef({ ...repo, ref: "heads/exp/ff", sha: main!, force: true });
    expect(await sb.git.sha("exp/ff")).toBe(main);
    expect(a).not.toBe(main);
    const { data } = await bot.rest.git.listMatchingRefs({ ...repo, ref: "heads/exp/" });
    expect(data.map((r) => r.ref)).toContain("refs/heads/exp/ff");
    expect(await statusOf(bot.rest.git.getRef({ ...repo, ref: "heads/exp/nope" }))).toBe(404);
  });
});

describe("compare", () => {
  it("compares two commits by branch or sha, in both URL spellings", async () => {
    const head = await branchWith(
      sb,
      "exp/compare",
      { "train.py": "LEARNING_RATE = 0.07\n" },
      "lr 0.07",
    );
    const main = (await sb.git.sha("main"))!;
    const bot = await sb.installationOctokit();
    const { data } = await bot.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `main...exp/compare`,
    });
    expect(data).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0, total_commits: 1 });
    expect(data.files?.map((f) => f.filename)).toEqual(["train.py"]);
    const { data: bySha } = await bot.rest.repos.compareCommits({ ...repo, base: main, head });
    expect(bySha.commits.map((c) => c.sha)).toEqual([head]);
  });
});

describe("git ref name clashes", () => {
  it("answers 422 'Reference update failed' for a branch under an existing branch name", async () => {
    const bot = await sb.installationOctokit();
    const main = (await sb.git.sha("main"))!;
    await bot.rest.git.createRef({ ...repo, ref: "refs/heads/autoresearch/dec01", sha: main });
    const error = await bot.rest.git
      .createRef({ ...repo, ref: "refs/heads/autoresearch/dec01/1-baseline", sha: main })
      .catch((e: { status: number; message: string }) => e);
    expect(error).toMatchObject({
      status: 422,
      message: expect.stringContaining("Reference update failed"),
    });
  });
});

describe("issues, labels and permissions", () => {
  it("lets a read-only user comment but not label, and reports roles", async () => {
    const n = await sb.human.openIssue("dashboard", "body");
    expect(await sb.human.comment(n, "/autoresearch start nov26", "mallory")).toBeGreaterThan(0);
    expect(await statusOf(sb.human.addLabel(n, "bug", "mallory"))).toBe(403);
    const bot = await sb.installationOctokit();
    const { data } = await bot.rest.repos.getCollaboratorPermissionLevel({
      ...repo,
      username: "mallory",
    });
    expect(data.permission).toBe("read");
    expect(
      (await bot.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: "octocat" })).data
        .permission,
    ).toBe("admin");
  });

  it("lists PRs among issues, filters by label, and removes labels", async () => {
    const bot = await sb.installationOctokit();
    const n = await sb.human.openIssue("labelled");
    await bot.rest.issues.addLabels({ ...repo, issue_number: n, labels: ["autoresearch:rerun"] });
    const { data: labelled } = await bot.rest.issues.listForRepo({
      ...repo,
      labels: "autoresearch:rerun",
    });
    expect(labelled.map((i) => i.number)).toEqual([n]);
    const all = await bot.paginate(bot.rest.issues.listForRepo, { ...repo, state: "all" });
    expect(all.some((i) => i.pull_request)).toBe(true);
    await bot.rest.issues.removeLabel({ ...repo, issue_number: n, name: "autoresearch:rerun" });
    expect(
      await statusOf(
        bot.rest.issues.removeLabel({ ...repo, issue_number: n, name: "autoresearch:rerun" }),
      ),
    ).toBe(404);
  });
});

describe("gists", () => {
  it("refuses installation tokens (403) and serves users with the gist scope", async () => {
    const bot = await sb.installationOctokit();
    const files = {
      "results.tsv": { content: "commit\tval_bpb\tmemory_gb\tstatus\tdescription\n" },
    };
    const refused = await bot.rest.gists
      .create({ files })
      .catch((e: { status: number; response: { data: { message: string } } }) => e);
    expect(refused).toMatchObject({
      status: 403,
      response: { data: { message: "Resource not accessible by integration" } },
    });
    const { data: gist } = await sb.octokit().gists.create({ files, description: "ledger" });
    await sb
      .octokit()
      .gists.update({ gist_id: gist.id!, files: { "results.tsv": { content: "updated\n" } } });
    const { data } = await sb.octokit().gists.get({ gist_id: gist.id! });
    expect(data.files?.["results.tsv"]?.content).toBe("updated\n");
    expect(data.history?.length).toBe(2);
    expect(await statusOf(sb.octokit("mallory").gists.create({ files }))).toBe(404);
  });
});

describe("check runs", () => {
  it("are created by apps only, updated by their app, and listed per ref", async () => {
    const sha = await branchWith(sb, "exp/check", { "c.txt": "c\n" });
    expect(await statusOf(sb.octokit().checks.create({ ...repo, name: "x", head_sha: sha }))).toBe(
      403,
    );
    const bot = await sb.installationOctokit();
    const { data: run } = await bot.rest.checks.create({
      ...repo,
      name: "autoresearch / verdict",
      head_sha: sha,
      status: "in_progress",
    });
    await bot.rest.checks.update({
      ...repo,
      check_run_id: run.id,
      conclusion: "success",
      output: { title: "keep", summary: "better" },
    });
    const { data } = await bot.rest.checks.listForRef({ ...repo, ref: "exp/check" });
    expect(data.check_runs.map((c) => [c.name, c.status, c.conclusion])).toEqual([
      ["autoresearch / verdict", "completed", "success"],
    ]);
  });
});

describe("faults", () => {
  it("answers a burst of 502s that Octokit's retry plugin rides out", async () => {
    const bot = await sb.installationOctokit();
    await bot.rest.repos.get(repo); // fetches the installation token first
    sb.faults.failNextRequests(2, { who: "app" });
    const before = sb.state.requests.length;
    const { data } = await bot.rest.repos.get(repo);
    expect(data.name).toBe("research");
    // The repeat read is conditional (the app's client sends If-None-Match): 304, not 200.
    expect(sb.state.requests.slice(before).map((r) => r.status)).toEqual([502, 502, 304]);
  });
});
