import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitError, GitStore } from "../../sandbox/git-store.js";

const SEED = join(import.meta.dirname, "fixtures", "seed-repo");
const person = { name: "Tester", email: "t@example.com", date: "2025-01-01T00:00:00Z" };

let dir: string;
let git: GitStore;
let main: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "git-store-test-"));
  git = await GitStore.init(join(dir, "repo.git"));
  main = await git.seed(SEED, { date: "2025-01-01T00:00:00Z" });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function commitFiles(parent: string, files: Record<string, string | null>, message: string) {
  const base = (await git.readCommit(parent)).tree;
  const tree = await git.writeTree(
    base,
    Object.entries(files).map(([path, content]) =>
      content === null
        ? { path, mode: "100644", type: "blob" as const, sha: null }
        : { path, mode: "100644", type: "blob" as const, content },
    ),
  );
  return git.writeCommit({ message, tree, parents: [parent], author: person, committer: person });
}

describe("GitStore", () => {
  it("seeds the directory as main", async () => {
    expect(await git.getRef("refs/heads/main")).toBe(main);
    const paths = (await git.readTree(main, true))
      .filter((e) => e.type === "blob")
      .map((e) => e.path);
    expect(paths).toEqual([
      ".github/autoresearch.yml",
      ".github/workflows/train.yml",
      "prepare.py",
      "train.py",
    ]);
  });

  it("hashes blobs exactly like git", async () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(await git.writeBlob("hello\n")).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  it("builds trees on a base tree with nested paths and deletions", async () => {
    const c = await commitFiles(
      main,
      { "deep/nested/file.txt": "x\n", "prepare.py": null },
      "nest",
    );
    const paths = (await git.readTree(c, true)).filter((e) => e.type === "blob").map((e) => e.path);
    expect(paths).toContain("deep/nested/file.txt");
    expect(paths).not.toContain("prepare.py");
    expect(paths).toContain("train.py");
  });

  it("reads files and directories at a commit", async () => {
    const file = await git.readPath(main, "train.py");
    expect(file?.type === "file" && file.content.toString()).toContain("LEARNING_RATE");
    const dirEntry = await git.readPath(main, ".github");
    expect(dirEntry?.type).toBe("dir");
    expect(await git.readPath(main, "nope.txt")).toBeNull();
  });

  it("refuses a non-fast-forward ref update unless forced", async () => {
    const a = await commitFiles(main, { "a.txt": "a\n" }, "a");
    const b = await commitFiles(main, { "b.txt": "b\n" }, "b");
    await git.setRef("refs/heads/ff", a, { create: true });
    await expect(git.setRef("refs/heads/ff", b)).rejects.toMatchObject({
      code: "not-fast-forward",
    });
    await git.setRef("refs/heads/ff", b, { force: true });
    expect(await git.getRef("refs/heads/ff")).toBe(b);
    await expect(git.setRef("refs/heads/ff", a, { create: true })).rejects.toBeInstanceOf(GitError);
  });

  it("reports per-file stats and hunk-only patches", async () => {
    const c = await commitFiles(
      main,
      { "train.py": "LEARNING_RATE = 0.05\nDEPTH = 8\n", "notes.md": "hi\n" },
      "change",
    );
    const files = await git.diffFiles(main, c);
    const train = files.find((f) => f.filename === "train.py")!;
    expect(train.status).toBe("modified");
    expect(train.deletions).toBeGreaterThan(0);
    expect(train.patch?.startsWith("@@")).toBe(true);
    expect(train.patch).toContain("+LEARNING_RATE = 0.05");
    expect(files.find((f) => f.filename === "notes.md")).toMatchObject({
      status: "added",
      additions: 1,
      deletions: 0,
    });
  });

  it("merges trees without a work tree and reports conflicts", async () => {
    const left = await commitFiles(main, { "train.py": "LEARNING_RATE = 0.1\n" }, "left");
    const right = await commitFiles(main, { "train.py": "LEARNING_RATE = 0.2\n" }, "right");
    const other = await commitFiles(main, { "other.txt": "o\n" }, "other");
    const clean = await git.mergeTrees(left, other);
    expect(clean.clean).toBe(true);
    const conflict = await git.mergeTrees(left, right);
    expect(conflict).toEqual({ clean: false, conflicts: ["train.py"] });
  });

  it("lists commits between two points oldest first and finds merge bases", async () => {
    const one = await commitFiles(main, { "1.txt": "1\n" }, "one");
    const two = await commitFiles(one, { "2.txt": "2\n" }, "two");
    expect(await git.commitsBetween(main, two)).toEqual([one, two]);
    expect(await git.mergeBase(two, main)).toBe(main);
    expect(await git.isAncestor(main, two)).toBe(true);
    expect(await git.isAncestor(two, main)).toBe(false);
  });
});

describe("ref names", () => {
  it("refuses a branch nested under an existing branch name, as git (and GitHub) do", async () => {
    await git.setRef("refs/heads/autoresearch/nov26", main, { create: true });
    await expect(
      git.setRef("refs/heads/autoresearch/nov26/1-baseline", main, { create: true }),
    ).rejects.toMatchObject({ code: "ref-moved" });
  });
});

describe("what the store remembers and reads without spawning git", () => {
  it("reads a commit exactly as git shows it: offset dates in UTC, a multi-line message", async () => {
    const tree = (await git.readCommit(main)).tree;
    const author = { name: "Ada L", email: "ada@example.com", date: "2025-03-04T05:06:07+02:00" };
    const sha = await git.writeCommit({
      message: "subject line\n\nbody one\nbody two\n",
      tree,
      parents: [main],
      author,
      committer: person,
    });
    expect(await git.readCommit(sha)).toEqual({
      sha,
      tree,
      parents: [main],
      author: { ...author, date: "2025-03-04T03:06:07Z" },
      committer: person,
      message: "subject line\n\nbody one\nbody two",
    });
    expect(await git.objectType(sha)).toBe("commit");
    expect(await git.objectType(sha.slice(0, 12))).toBe("commit");
  });

  it("answers many reads at once, binary blobs byte for byte, and missing objects as missing", async () => {
    const bytes = Buffer.from([0, 10, 255, 13, 10, 0, 1]);
    const shas = await Promise.all(
      Array.from({ length: 30 }, (_, i) => git.writeBlob(Buffer.concat([bytes, Buffer.from([i])]))),
    );
    const read = await Promise.all(shas.map((sha) => git.readBlob(sha)));
    read.forEach((blob, i) => {
      expect(blob.equals(Buffer.concat([bytes, Buffer.from([i])]))).toBe(true);
    });
    expect(await git.objectType("0123456789012345678901234567890123456789")).toBeNull();
    await expect(git.readBlob("0123456789012345678901234567890123456789")).rejects.toMatchObject({
      code: "not-found",
    });
  });

  it("hands out copies: a caller changing an answer does not change the next one", async () => {
    const first = await git.readTree(main, true);
    first[0].path = "changed";
    first.pop();
    const again = await git.readTree(main, true);
    expect(again[0].path).not.toBe("changed");
    expect(again.length).toBe(first.length + 1);
  });

  it("writes the refs it keeps in memory through to disk (runners clone the bare repository)", async () => {
    const { execa } = await import("execa");
    const onDisk = async () =>
      (
        await execa("git", ["for-each-ref", "--format=%(objectname)", "refs/heads/ordered"], {
          cwd: git.dir,
        })
      ).stdout;
    const one = await commitFiles(main, { "a.txt": "a\n" }, "a");
    const two = await commitFiles(one, { "b.txt": "b\n" }, "b");
    await git.setRef("refs/heads/ordered", one, { create: true });
    expect(await onDisk()).toBe(one);
    await git.setRef("refs/heads/ordered", two);
    expect(await onDisk()).toBe(two);
    await git.deleteRef("refs/heads/ordered");
    expect(await onDisk()).toBe("");
    expect(await git.getRef("refs/heads/ordered")).toBeNull();
  });

  it("lets one of two racing compare-and-swaps win, as GitHub's refs API does", async () => {
    const one = await commitFiles(main, { "c.txt": "c\n" }, "c");
    await git.setRef("refs/heads/race", main, { create: true });
    const results = await Promise.allSettled([
      git.setRef("refs/heads/race", one, { expectedOld: main }),
      git.setRef("refs/heads/race", one, { expectedOld: main, force: true }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await git.getRef("refs/heads/race")).toBe(one);
  });
});

describe("objects and refs written without spawning git are git's own", () => {
  it("writes trees and commits with the shas git computes, and git fsck --strict finds nothing wrong", async () => {
    const { execa } = await import("execa");
    const gitIn = (args: string[], input?: string, env: Record<string, string> = {}) =>
      execa("git", args, {
        cwd: git.dir,
        input,
        env: { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", ...env },
      });
    const blob = await git.writeBlob("x\n");
    const tree = await git.writeTree(undefined, [
      { path: "b.txt", mode: "100644", type: "blob", sha: blob },
      { path: "a/z.sh", mode: "100755", type: "blob", content: "#!/bin/sh\n" },
      { path: "a.txt", mode: "100644", type: "blob", content: "a\n" },
      { path: "a-b/c", mode: "100644", type: "blob", sha: blob },
      { path: "gone/x", mode: "100644", type: "blob", sha: blob },
      { path: "gone", mode: "100644", type: "blob", sha: null },
    ]);
    // git's own mktree on the same entries (it sorts them as git does).
    const sub = (
      await gitIn(["mktree"], `100755 blob ${await git.writeBlob("#!/bin/sh\n")}\tz.sh\n`)
    ).stdout;
    const abc = (await gitIn(["mktree"], `100644 blob ${blob}\tc\n`)).stdout;
    const expected = (
      await gitIn(
        ["mktree"],
        `${[
          `100644 blob ${blob}\tb.txt`,
          `040000 tree ${sub}\ta`,
          `100644 blob ${await git.writeBlob("a\n")}\ta.txt`,
          `040000 tree ${abc}\ta-b`,
        ].join("\n")}\n`,
      )
    ).stdout;
    expect(tree).toBe(expected);
    const person = { name: "Ada L", email: "ada@example.com", date: "2025-03-04T05:06:07+02:00" };
    const commit = await git.writeCommit({
      message: "a message\n\nwith a body\n",
      tree,
      parents: [main],
      author: person,
      committer: person,
    });
    const theirs = await gitIn(["commit-tree", tree, "-p", main], "a message\n\nwith a body\n", {
      GIT_AUTHOR_NAME: person.name,
      GIT_AUTHOR_EMAIL: person.email,
      GIT_AUTHOR_DATE: person.date,
      GIT_COMMITTER_NAME: person.name,
      GIT_COMMITTER_EMAIL: person.email,
      GIT_COMMITTER_DATE: person.date,
    });
    expect(commit).toBe(theirs.stdout);
    await gitIn(["fsck", "--strict", "--no-dangling"]);
  });

  it("refuses tree paths git refuses", async () => {
    for (const path of ["a//b", "./a", "a/../b", ".git/config", "a/.GIT/x", ""]) {
      await expect(
        git.writeTree(undefined, [{ path, mode: "100644", type: "blob", content: "x" }]),
      ).rejects.toMatchObject({ code: "bad-object" });
    }
  });

  it("removes a deleted ref's empty folders, so the folder's name can become a ref", async () => {
    await git.setRef("refs/heads/nest/deep/leaf", main, { create: true });
    await git.deleteRef("refs/heads/nest/deep/leaf");
    await git.setRef("refs/heads/nest", main, { create: true });
    const { execa } = await import("execa");
    const listed = await execa("git", ["for-each-ref", "--format=%(refname)", "refs/heads/nest"], {
      cwd: git.dir,
    });
    expect(listed.stdout).toBe("refs/heads/nest");
    expect(await git.resolveCommit("nest")).toBe(main);
    expect(await git.resolveCommit("heads/nest")).toBe(main);
    expect(await git.resolveCommit("no-such-branch")).toBeNull();
    expect(await git.resolveCommit(`${main.slice(0, 10)}`)).toBe(main);
  });
});
