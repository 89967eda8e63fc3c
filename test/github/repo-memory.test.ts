import type { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { commitFiles, containsCommit, readTextFile } from "../../src/github/repo.js";

/** Counts the git requests a helper makes; answers as GitHub would for a tiny history. */
function fakeRepo(repo: string) {
  const calls: string[] = [];
  const sha = (c: string) => c.repeat(40);
  const octokit = {
    rest: {
      repos: {
        compareCommitsWithBasehead: async ({ basehead }: { basehead: string }) => {
          calls.push(`compare ${basehead.slice(0, 1)}...${basehead.split("...")[1].slice(0, 1)}`);
          return { data: { behind_by: basehead.startsWith(sha("a")) ? 0 : 3 } };
        },
        getContent: async ({ ref }: { ref?: string }) => {
          calls.push(`content ${ref?.slice(0, 1) ?? "default"}`);
          return {
            data: {
              type: "file",
              encoding: "base64",
              content: Buffer.from("LR = 1\n").toString("base64"),
              sha: "blob",
            },
          };
        },
      },
      git: {
        getCommit: async () => {
          calls.push("get-commit");
          return { data: { tree: { sha: sha("t") } } };
        },
        createTree: async () => {
          calls.push("create-tree");
          return { data: { sha: sha("u") } };
        },
        createCommit: async () => {
          calls.push("create-commit");
          return { data: { sha: sha("n") } };
        },
      },
    },
  } as unknown as Octokit;
  return { gh: { octokit, owner: "acme", repo }, calls, sha };
}

describe("what never changes is asked once", () => {
  it("whether one commit contains another (either answer)", async () => {
    const { gh, calls, sha } = fakeRepo("ancestry");
    expect(await containsCommit(gh, sha("a"), sha("b"))).toBe(true);
    expect(await containsCommit(gh, sha("a"), sha("b"))).toBe(true);
    expect(await containsCommit(gh, sha("c"), sha("b"))).toBe(false);
    expect(await containsCommit(gh, sha("c"), sha("b"))).toBe(false);
    expect(calls).toEqual(["compare a...b", "compare c...b"]);
  });

  it("a commit the app made contains its parent, and the parent's tree is read once", async () => {
    const { gh, calls, sha } = fakeRepo("made");
    const made = await commitFiles(gh, sha("p"), { "train.py": "LR = 2\n" }, "m");
    await commitFiles(gh, sha("p"), { "train.py": "LR = 3\n" }, "m");
    expect(await containsCommit(gh, sha("p"), made)).toBe(true);
    expect(calls).toEqual([
      "get-commit",
      "create-tree",
      "create-commit",
      "create-tree",
      "create-commit",
    ]);
  });

  it("a file at a commit sha; a file at a branch is read every time", async () => {
    const { gh, calls, sha } = fakeRepo("files");
    expect(await readTextFile(gh, "train.py", sha("e"))).toBe("LR = 1\n");
    expect(await readTextFile(gh, "train.py", sha("e"))).toBe("LR = 1\n");
    await readTextFile(gh, "train.py", "autoresearch/night");
    await readTextFile(gh, "train.py", "autoresearch/night");
    expect(calls).toEqual(["content e", "content a", "content a"]);
  });
});
