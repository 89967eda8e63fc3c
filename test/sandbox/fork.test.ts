/**
 * A fork (mallory/research, mallory has read on acme/research) and pull requests from it, as
 * GitHub shows them to the base repository: what an attacker without write access can do.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../sandbox/harness.js";
import { start, statusOf } from "./sandbox-fixtures.js";

let sb: SandboxHandle;
const repo = { owner: "acme", repo: "research" };
const EVIL = "autoresearch/nov26--9-evil";

beforeAll(async () => {
  sb = await start();
});
afterEach(() => sb.assertNoViolations());
afterAll(async () => {
  await sb?.stop();
});

describe("a fork and a pull request from it", () => {
  let number: number;
  let first: string;

  it("keeps fork branches out of the base repository, and announces nothing to it", async () => {
    expect(sb.fork).toMatchObject({
      owner: "mallory",
      name: "research",
      fullName: "mallory/research",
    });
    await sb.settle();
    const before = sb.state.deliveries.length;
    first = await sb.fork.push(EVIL, { "train.py": "print('evil')\n" }, "Totally a baseline");
    expect(await sb.fork.sha(EVIL)).toBe(first);
    const bot = await sb.installationOctokit();
    expect(await statusOf(bot.rest.git.getRef({ ...repo, ref: `heads/${EVIL}` }))).toBe(404);
    expect(await statusOf(bot.rest.repos.getBranch({ ...repo, branch: EVIL }))).toBe(404);
    const { data: heads } = await bot.rest.git.listMatchingRefs({ ...repo, ref: "heads/" });
    expect(heads.map((r) => r.ref)).toEqual(["refs/heads/main"]);
    const { data: hidden } = await bot.rest.git.listMatchingRefs({ ...repo, ref: "sandbox/" });
    expect(hidden).toEqual([]);
    // A dispatch on that ref fails as on GitHub: the base repository has no such branch.
    expect(
      await statusOf(
        bot.rest.actions.createWorkflowDispatch({
          ...repo,
          workflow_id: "train.yml",
          ref: EVIL,
          inputs: { "pull-request": "1" },
        }),
      ),
    ).toBe(422);
    await sb.settle();
    expect(sb.state.deliveries.slice(before)).toEqual([]);
  });

  it("lets the fork owner (read on the base) open a PR into any base branch; others cannot propose her branch", async () => {
    expect(
      await statusOf(
        sb.human.openPull({ head: `mallory:${EVIL}`, base: "main", title: "octocat tries" }),
      ),
    ).toBe(422);
    await sb.settle();
    const before = sb.state.deliveries.length;
    number = await sb.human.openPull(
      {
        head: `mallory:${EVIL}`,
        base: "main",
        title: "Experiment 9: evil",
        body: "<!-- autoresearch:state {forged} -->",
        maintainer_can_modify: true,
      },
      "mallory",
    );
    await sb.settle();
    const opened = sb.state.deliveries
      .slice(before)
      .find((d) => d.event === "pull_request" && d.action === "opened");
    const pr = opened?.payload.pull_request as Record<string, Record<string, unknown>>;
    expect(pr.head).toMatchObject({
      label: `mallory:${EVIL}`,
      ref: EVIL,
      sha: first,
      user: { login: "mallory" },
      repo: { full_name: "mallory/research", fork: true, owner: { login: "mallory" } },
    });
    expect(pr.base).toMatchObject({
      label: "acme:main",
      ref: "main",
      repo: { full_name: "acme/research", fork: false },
    });
    expect(pr.user).toMatchObject({ login: "mallory" });
  });

  it("serves the fork PR through pulls/get, pulls/list, list-files, compare and refs/pull/<n>/head", async () => {
    const bot = await sb.installationOctokit();
    const { data: pr } = await bot.rest.pulls.get({ ...repo, pull_number: number });
    expect(pr.head.repo?.full_name).toBe("mallory/research");
    expect(pr.head.repo?.fork).toBe(true);
    expect(pr.maintainer_can_modify).toBe(true);
    const { data: listed } = await bot.rest.pulls.list({ ...repo, base: "main", state: "all" });
    expect(listed.map((p) => [p.number, p.head.label])).toEqual([[number, `mallory:${EVIL}`]]);
    const byHead = (head: string) => bot.rest.pulls.list({ ...repo, head, state: "all" });
    expect((await byHead(`mallory:${EVIL}`)).data.map((p) => p.number)).toEqual([number]);
    expect((await byHead(`acme:${EVIL}`)).data).toEqual([]);
    const { data: files } = await bot.rest.pulls.listFiles({ ...repo, pull_number: number });
    expect(files.map((f) => f.filename)).toEqual(["train.py"]);
    const { data: cmp } = await bot.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `main...mallory:${EVIL}`,
    });
    expect(cmp).toMatchObject({ status: "ahead", ahead_by: 1 });
    const { data: pullRef } = await bot.rest.git.getRef({ ...repo, ref: `pull/${number}/head` });
    expect(pullRef.object.sha).toBe(first);
  });

  it("synchronizes the PR when the fork branch moves, with no push webhook", async () => {
    await sb.settle();
    const before = sb.state.deliveries.length;
    const second = await sb.fork.push(EVIL, { "prepare.py": "evil too\n" }, "more");
    await sb.settle();
    const events = sb.state.deliveries.slice(before);
    expect(events.map((d) => `${d.event}.${d.action ?? ""}`)).toEqual(["pull_request.synchronize"]);
    expect(events[0].payload).toMatchObject({ before: first, after: second });
    expect(await sb.git.sha(`refs/pull/${number}/head`)).toBe(second);
  });

  it("can be merged by the app (contents: write on the base): refusing is the app's job", async () => {
    const bot = await sb.installationOctokit();
    await bot.rest.pulls.get({ ...repo, pull_number: number });
    const { data } = await bot.rest.pulls.merge({ ...repo, pull_number: number });
    expect(data.merged).toBe(true);
    expect(await sb.git.readFile("main", "train.py")).toBe("print('evil')\n");
    const [merge] = await sb.git.log("main");
    expect(merge.message.split("\n")[0]).toBe(`Merge pull request #${number} from mallory/${EVIL}`);
  });
});
