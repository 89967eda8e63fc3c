import type { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { listRunPulls, runPullsCache } from "../../src/github/experiment-pulls.js";

const ROOT = { repository: "acme/research", appLogin: "bot[bot]", sealer: null };
const BRANCH = "autoresearch/night";

/** pulls.list as GitHub answers it: state, base, sort created|updated, direction, pages. */
function fakePulls(count: number) {
  let clock = Date.parse("2026-12-01T00:00:00Z");
  // A minute between updates: the PRs of a night, one every few minutes.
  const tick = () => {
    clock += 60_000;
    return new Date(clock).toISOString().replace(/\.\d+Z$/, "Z");
  };
  const pulls = Array.from({ length: count }, (_, i) => ({
    number: i + 1,
    title: `experiment ${i + 1}`,
    body: "",
    state: i < count - 2 ? "closed" : "open",
    merged_at: null,
    head: {
      ref: `${BRANCH}--${i + 1}-x`,
      sha: `sha${i + 1}`,
      repo: { full_name: "acme/research" },
    },
    base: { ref: BRANCH, sha: "base" },
    labels: [] as { name: string }[],
    user: { login: "bot[bot]", type: "Bot" },
    created_at: tick(),
    updated_at: "",
  }));
  for (const p of pulls) p.updated_at = p.created_at;
  const requests: string[] = [];
  const list = async (q: { sort: string; direction: string; per_page: number; page?: number }) => {
    requests.push(`${q.sort} page ${q.page ?? 1}`);
    const key = q.sort === "updated" ? "updated_at" : "created_at";
    const sorted = [...pulls].sort((a, b) => a[key].localeCompare(b[key]) || a.number - b.number);
    if (q.direction === "desc") sorted.reverse();
    const page = q.page ?? 1;
    return { data: structuredClone(sorted.slice((page - 1) * q.per_page, page * q.per_page)) };
  };
  const octokit = {
    rest: { pulls: { list } },
    paginate: async (_fn: unknown, q: { per_page: number; sort: string; direction: string }) => {
      const all = [];
      for (let page = 1; ; page++) {
        const { data } = await list({ ...q, page });
        all.push(...data);
        if (data.length < q.per_page) return all;
      }
    },
  } as unknown as Octokit;
  const touch = (n: number, change: Partial<(typeof pulls)[number]>) => {
    Object.assign(pulls[n - 1], change, { updated_at: tick() });
  };
  return { gh: { octokit, owner: "acme", repo: "research" }, requests, touch };
}

describe("listRunPulls with a cache", () => {
  it("reads every page once, then only what changed since (one request)", async () => {
    const api = fakePulls(250);
    const cache = runPullsCache();
    const first = await listRunPulls(api.gh, BRANCH, ROOT, cache);
    expect(first).toHaveLength(250);
    expect(api.requests).toEqual(["created page 1", "created page 2", "created page 3"]);
    // An old PR reopened and retitled, a new head on an open one: both seen.
    api.touch(3, { state: "open", title: "reopened" });
    api.touch(250, {
      head: { ref: `${BRANCH}--250-x`, sha: "moved", repo: { full_name: "acme/research" } },
    });
    api.requests.length = 0;
    const second = await listRunPulls(api.gh, BRANCH, ROOT, cache);
    expect(api.requests).toEqual(["updated page 1"]);
    expect(second.map((p) => p.number)).toEqual(first.map((p) => p.number));
    expect(second[2]).toMatchObject({ state: "open", title: "reopened" });
    expect(second[249].headSha).toBe("moved");
  });

  it("reads further pages while they hold updates it has not seen", async () => {
    const api = fakePulls(250);
    const cache = runPullsCache();
    await listRunPulls(api.gh, BRANCH, ROOT, cache);
    for (let n = 1; n <= 150; n++) api.touch(n, { title: `edited ${n}` });
    api.requests.length = 0;
    const pulls = await listRunPulls(api.gh, BRANCH, ROOT, cache);
    // Page 2 ends with a PR older than what was seen: no need for page 3.
    expect(api.requests).toEqual(["updated page 1", "updated page 2"]);
    expect(pulls.filter((p) => p.title.startsWith("edited"))).toHaveLength(150);
  });

  it("without a cache reads everything every time (the CLI, the propose job, rebuild)", async () => {
    const api = fakePulls(120);
    await listRunPulls(api.gh, BRANCH, ROOT);
    await listRunPulls(api.gh, BRANCH, ROOT);
    expect(api.requests).toEqual([
      "created page 1",
      "created page 2",
      "created page 1",
      "created page 2",
    ]);
  });
});
