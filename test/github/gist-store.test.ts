import type { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { createGistStore } from "../../src/github/gist-store.js";

/** A gist API that counts requests and answers like GitHub (files with raw URLs). */
function fakeGists() {
  const files: Record<string, string> = {};
  const calls: string[] = [];
  const gist = () => ({
    id: "g1",
    html_url: "https://gist.github.com/g1",
    files: Object.fromEntries(
      Object.entries(files).map(([name, content]) => [
        name,
        { content, raw_url: `https://gist.githubusercontent.com/o/g1/raw/rev/${name}` },
      ]),
    ),
  });
  const octokit = {
    rest: {
      gists: {
        get: async () => {
          calls.push("get");
          return { data: gist() };
        },
        update: async ({ files: sent }: { files: Record<string, { content: string }> }) => {
          calls.push(`update ${Object.keys(sent).sort().join(",")}`);
          for (const [name, { content }] of Object.entries(sent)) files[name] = content;
          return { data: gist() };
        },
      },
    },
  } as unknown as Octokit;
  return { octokit, calls, files };
}

describe("gist store", () => {
  it("writes a changed ledger in one request, and an unchanged one in none", async () => {
    const api = fakeGists();
    const store = createGistStore(api.octokit);
    const first = await store.write("g1", { "results.tsv": "a", "progress.svg": "<svg/>" });
    expect(first.changed).toBe(true);
    expect(first.rawUrls["progress.svg"]).toContain("/raw/");
    const again = await store.write("g1", { "results.tsv": "a", "progress.svg": "<svg/>" });
    expect(again).toEqual({ ...first, changed: false });
    await store.write("g1", { "results.tsv": "ab", "progress.svg": "<svg/>" });
    expect(api.calls).toEqual(["update progress.svg,results.tsv", "update results.tsv"]);
    expect(api.files["results.tsv"]).toBe("ab");
  });

  it("after a restart sends every file once, in a single request", async () => {
    const api = fakeGists();
    await createGistStore(api.octokit).write("g1", { "results.tsv": "a" });
    const restarted = createGistStore(api.octokit);
    await restarted.write("g1", { "results.tsv": "a" });
    await restarted.write("g1", { "results.tsv": "a" });
    expect(api.calls).toEqual(["update results.tsv", "update results.tsv"]);
  });
});
