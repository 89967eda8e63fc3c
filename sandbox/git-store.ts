/**
 * The sandbox repository's content, kept in a real bare git repository on disk and driven by
 * the git CLI, so blobs, trees, commits, refs and merges behave (and hash) exactly like git.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Readable, Writable } from "node:stream";
import { deflateSync } from "node:zlib";
import { execa } from "execa";
import { Lru } from "../src/core/lru.js";

export interface GitPerson {
  name: string;
  email: string;
  /** ISO 8601. */
  date: string;
}

export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  message: string;
}

export type TreeEntryType = "blob" | "tree" | "commit";

export interface TreeEntry {
  path: string;
  mode: string;
  type: TreeEntryType;
  sha: string;
  /** Blobs only. */
  size?: number;
}

/** One entry of POST /git/trees: `sha: null` deletes the path. */
export interface TreeChange {
  path: string;
  mode: string;
  type: TreeEntryType;
  sha?: string | null;
  content?: string;
}

export interface FileDiff {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed";
  previous_filename?: string;
  additions: number;
  deletions: number;
  changes: number;
  /** Blob sha at head (the base blob for removed files). */
  sha: string;
  /** Hunks only, like GitHub's `patch` field (no diff/index/---/+++ headers). */
  patch?: string;
}

export type MergeTreeResult = { clean: true; tree: string } | { clean: false; conflicts: string[] };

export class GitError extends Error {
  constructor(
    message: string,
    readonly code: "not-found" | "not-fast-forward" | "ref-exists" | "ref-moved" | "bad-object",
  ) {
    super(message);
    this.name = "GitError";
  }
}

const ZERO_SHA = "0".repeat(40);
const SANDBOX_PERSON = { name: "Sandbox", email: "sandbox@users.noreply.github.com" };

/** Far beyond any git call here (milliseconds on a quiet machine, seconds on a loaded one). */
const GIT_TIMEOUT_MS = 60_000;

const FULL_SHA = /^[0-9a-f]{40}$/;

/** Answers about objects named by full sha never change: each is computed by git once. */
const MEMO_ENTRIES = 20_000;

/**
 * Every git call here is a process spawn, and spawning costs ~15 ms on a small machine: a night
 * made thousands of them. What git answers about objects named by full sha (their type, a
 * commit, a tree listing, a blob, a diff or merge base of two commits) cannot change, so it is
 * remembered; refs live in memory too (this store is their only writer), written through to disk
 * in order so the runners' clones see them.
 */
export class GitStore {
  readonly #memo = new Lru<string, unknown>({ maxEntries: MEMO_ENTRIES });
  readonly #refs = new Map<string, string>();

  readonly #batch: CatFileBatch;

  private constructor(readonly dir: string) {
    this.#batch = new CatFileBatch(dir);
  }

  /** Ends the `git cat-file --batch` process (a new one starts if the store is read again). */
  close(): void {
    this.#batch.close();
  }

  /** A new empty bare repository in `dir` (created if missing) with `main` as HEAD. */
  static async init(dir: string): Promise<GitStore> {
    await execa("git", ["init", "--quiet", "--bare", "--initial-branch=main", dir]);
    const store = new GitStore(dir);
    const out = await store.gitText(["for-each-ref", "--format=%(refname) %(objectname)"]);
    for (const line of out ? out.split("\n") : []) {
      const [ref, sha] = line.split(" ");
      store.#refs.set(ref, sha);
    }
    return store;
  }

  /**
   * `compute`'s answer for `key`, remembered when every sha in `shas` is a full sha (a
   * prefix or a ref name can come to mean something else). `keep` says whether an answer may be
   * remembered (a missing object may appear later). Callers get a copy: nobody can change what
   * the next caller reads.
   */
  async #remember<T>(
    key: string,
    shas: string[],
    compute: () => Promise<T>,
    keep: (value: T) => boolean = () => true,
  ): Promise<T> {
    const cacheable = shas.every((sha) => FULL_SHA.test(sha));
    if (cacheable && this.#memo.has(key)) return structuredClone(this.#memo.get(key) as T);
    const value = await compute();
    if (cacheable && keep(value)) this.#memo.set(key, structuredClone(value));
    return value;
  }

  /** Runs git in the bare repo with a fixed identity and no user/system config influence. */
  private async git(
    args: string[],
    options: { input?: string | Buffer; env?: Record<string, string>; reject?: boolean } = {},
  ) {
    return execa("git", args, {
      cwd: this.dir,
      // Without input, stdin is closed: a git that reads it must not wait for an EOF forever.
      ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
      // A hung git would hang its API request and every settle() after it: fail it loudly instead.
      timeout: GIT_TIMEOUT_MS,
      reject: options.reject ?? true,
      stripFinalNewline: false,
      env: {
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
        GIT_TERMINAL_PROMPT: "0",
        ...options.env,
      },
    });
  }

  private async gitText(
    args: string[],
    options: Parameters<GitStore["git"]>[1] = {},
  ): Promise<string> {
    return String((await this.git(args, options)).stdout).trim();
  }

  /** Commits every file under `dir` as the first commit of `main`. */
  async seed(dir: string, options: { message?: string; date?: string } = {}): Promise<string> {
    const files = await listFiles(dir);
    const changes: TreeChange[] = [];
    for (const file of files) {
      const content = await readFile(join(dir, file));
      const mode = (await stat(join(dir, file))).mode & 0o111 ? "100755" : "100644";
      changes.push({
        path: file.split(sep).join("/"),
        mode,
        type: "blob",
        sha: await this.writeBlob(content),
      });
    }
    const tree = await this.writeTree(undefined, changes);
    const date = options.date ?? new Date().toISOString();
    const person = { ...SANDBOX_PERSON, date };
    const sha = await this.writeCommit({
      message: options.message ?? "Initial commit",
      tree,
      parents: [],
      author: person,
      committer: person,
    });
    await this.setRef("refs/heads/main", sha, { create: true });
    return sha;
  }

  async writeBlob(content: Buffer | string): Promise<string> {
    return this.#writeObject("blob", typeof content === "string" ? Buffer.from(content) : content);
  }

  /**
   * Writes a loose object as git does (zlib of "<type> <size>\0<content>", named by its SHA-1),
   * without spawning git: the long-lived reader and every clone see it like any other object.
   */
  #writeObject(type: "blob" | "tree" | "commit", content: Buffer): string {
    const raw = Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]);
    const sha = createHash("sha1").update(raw).digest("hex");
    const folder = join(this.dir, "objects", sha.slice(0, 2));
    const file = join(folder, sha.slice(2));
    if (!existsSync(file)) {
      mkdirSync(folder, { recursive: true });
      const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
      writeFileSync(temp, deflateSync(raw), { mode: 0o444 });
      renameSync(temp, file);
    }
    return this.#written(sha, type);
  }

  /** An object just written exists with its type: nobody needs to ask git again. */
  #written(sha: string, type: "blob" | "tree" | "commit"): string {
    if (FULL_SHA.test(sha)) this.#memo.set(`type ${sha}`, type);
    return sha;
  }

  async readBlob(sha: string): Promise<Buffer> {
    await this.expectType(sha, "blob");
    const bytes = await this.#remember(`blob ${sha}`, [sha], async () => {
      const object = await this.#batch.read(sha);
      if (object?.type !== "blob") throw new GitError(`blob ${sha} does not exist`, "not-found");
      return new Uint8Array(object.content);
    });
    return Buffer.from(bytes);
  }

  /** "blob" | "tree" | "commit" | "tag", or null when the object does not exist. */
  async objectType(sha: string): Promise<string | null> {
    if (!/^[0-9a-f]{4,40}$/i.test(sha)) return null;
    return this.#remember(
      `type ${sha}`,
      [sha],
      async () => (await this.#batch.read(sha))?.type ?? null,
      (type) => type !== null,
    );
  }

  private async expectType(sha: string, type: string): Promise<void> {
    const actual = await this.objectType(sha);
    if (actual !== type) throw new GitError(`${type} ${sha} does not exist`, "not-found");
  }

  /** Full sha of a commit-ish (branch name, sha prefix, refs/...), or null. */
  async resolveCommit(rev: string): Promise<string | null> {
    if (rev.startsWith("-")) return null;
    const named = this.#lookupName(rev);
    if (named !== undefined) {
      if (named === null) return null;
      const type = await this.objectType(named);
      if (type === "commit") return named;
      if (type !== "tag") return null;
    }
    return this.#remember(
      `commit-of ${rev}`,
      [rev],
      async () => {
        const result = await this.git(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], {
          reject: false,
        });
        return result.exitCode === 0 ? String(result.stdout).trim() : null;
      },
      (sha) => sha !== null,
    );
  }

  /**
   * What a plain name or full sha names, found without git: a full sha itself, or a ref by git's
   * rules for a short name (refs/<name>, refs/tags/, refs/heads/, refs/remotes/, …/HEAD: first
   * found wins). null: it names nothing; undefined: ask git (a sha prefix, `main~1`, `HEAD`…).
   */
  #lookupName(rev: string): string | null | undefined {
    if (FULL_SHA.test(rev)) return rev;
    if (rev === "HEAD" || /^[0-9a-f]{4,39}$/i.test(rev) || /[~^:@{}\\\s*?[]/.test(rev))
      return undefined;
    for (const ref of [
      rev,
      `refs/${rev}`,
      `refs/tags/${rev}`,
      `refs/heads/${rev}`,
      `refs/remotes/${rev}`,
      `refs/remotes/${rev}/HEAD`,
    ]) {
      if (!ref.startsWith("refs/")) continue;
      const sha = this.#refs.get(ref);
      if (sha) return sha;
    }
    return null;
  }

  /**
   * Builds a tree from `baseTree` (or empty) plus changes, like POST /git/trees: nested paths,
   * inline `content`, and `sha: null` to delete. Uses a private index file, never a work tree.
   */
  async writeTree(baseTree: string | undefined, changes: TreeChange[]): Promise<string> {
    if (baseTree) await this.expectType(baseTree, "tree");
    const root: TreeNode = new Map(baseTree ? await this.#treeNode(baseTree) : []);
    for (const change of changes) {
      const parts = change.path.split("/");
      if (
        parts.some(
          (part) => part === "" || part === "." || part === ".." || part.toLowerCase() === ".git",
        )
      )
        throw new GitError(`invalid tree path "${change.path}"`, "bad-object");
      const name = parts.pop() as string;
      const folder = await this.#folderFor(root, parts, change.sha !== null);
      if (!folder) continue; // deleting under a folder that is not there
      if (change.sha === null) {
        // Like removing `path` and `path/` from an index: a file or a whole folder goes.
        folder.delete(name);
        continue;
      }
      const sha = change.content !== undefined ? await this.writeBlob(change.content) : change.sha;
      if (!sha)
        throw new GitError(`tree entry "${change.path}" needs either sha or content`, "bad-object");
      if (change.type === "tree") {
        // A subtree: what was at the path is replaced by the tree's entries.
        await this.expectType(sha, "tree");
        folder.set(name, { mode: "40000", type: "tree", sha });
        continue;
      }
      if (change.type !== "commit") await this.expectType(sha, change.type);
      folder.set(name, { mode: change.mode.replace(/^0+/, ""), type: change.type, sha });
    }
    return this.#writeTreeNode(root);
  }

  /** The folder `parts` below `root`, loaded for changing (created when `create`). */
  async #folderFor(root: TreeNode, parts: string[], create: boolean): Promise<TreeNode | null> {
    let folder = root;
    for (const part of parts) {
      const entry = folder.get(part);
      if (!entry) {
        if (!create) return null;
        const node: TreeNode = new Map();
        folder.set(part, { mode: "40000", type: "tree", sha: "", node });
        folder = node;
        continue;
      }
      if (entry.type !== "tree")
        throw new GitError(`"${part}" is a file, not a folder, in the tree`, "bad-object");
      entry.node ??= new Map(await this.#treeNode(entry.sha));
      folder = entry.node;
    }
    return folder;
  }

  /** Writes a changed folder bottom-up; an emptied folder disappears, as from a git index. */
  #writeTreeNode(node: TreeNode): string {
    const entries: [string, TreeNodeEntry][] = [];
    for (const [name, entry] of node) {
      if (entry.node) {
        if (entry.node.size === 0) continue;
        entries.push([name, { ...entry, sha: this.#writeTreeNode(entry.node) }]);
      } else entries.push([name, entry]);
    }
    // git orders a tree's entries by name, a folder's name compared as if it ended in "/".
    const key = ([name, entry]: [string, TreeNodeEntry]) =>
      Buffer.from(entry.type === "tree" ? `${name}/` : name);
    entries.sort((a, b) => Buffer.compare(key(a), key(b)));
    const content = Buffer.concat(
      entries.flatMap(([name, entry]) => [
        Buffer.from(`${entry.mode} ${name}\0`),
        Buffer.from(entry.sha, "hex"),
      ]),
    );
    return this.#writeObject("tree", content);
  }

  /** One tree object's entries by name, read through the long-lived reader. */
  async #treeNode(sha: string): Promise<[string, TreeNodeEntry][]> {
    return (await this.#treeEntries(sha)).map((e) => [
      e.name,
      { mode: e.mode, type: e.type, sha: e.sha },
    ]);
  }

  async #treeEntries(
    sha: string,
  ): Promise<{ name: string; mode: string; type: TreeEntryType; sha: string }[]> {
    return this.#remember(`tree-object ${sha}`, [sha], async () => {
      const object = await this.#batch.read(sha);
      if (object?.type !== "tree") throw new GitError(`tree ${sha} does not exist`, "not-found");
      return parseTree(object.content);
    });
  }

  async readTree(sha: string, recursive = false): Promise<TreeEntry[]> {
    const resolved = await this.treeOf(sha);
    return this.#remember(`ls-tree ${recursive} ${resolved}`, [resolved], () =>
      this.#listTree(resolved, recursive, ""),
    );
  }

  /** Like `git ls-tree -l [-r -t]`: a folder before what is in it, in the tree's order. */
  async #listTree(tree: string, recursive: boolean, prefix: string): Promise<TreeEntry[]> {
    const out: TreeEntry[] = [];
    for (const entry of await this.#treeEntries(tree)) {
      const path = `${prefix}${entry.name}`;
      const mode = entry.mode.padStart(6, "0");
      if (entry.type === "blob") {
        const blob = await this.#batch.read(entry.sha);
        out.push({ path, mode, type: "blob", sha: entry.sha, size: blob?.content.length ?? 0 });
      } else out.push({ path, mode, type: entry.type, sha: entry.sha });
      if (recursive && entry.type === "tree")
        out.push(...(await this.#listTree(entry.sha, true, `${path}/`)));
    }
    return out;
  }

  /** The tree of a tree sha or commit-ish. */
  async treeOf(rev: string): Promise<string> {
    const named = this.#lookupName(rev);
    if (named) {
      const type = await this.objectType(named);
      if (type === "tree") return named;
      if (type === "commit") return (await this.readCommit(named)).tree;
    } else if (named === null) throw new GitError(`no tree for "${rev}"`, "not-found");
    const tree = await this.#remember(
      `tree-of ${rev}`,
      [rev],
      async () => {
        const result = await this.git(["rev-parse", "--verify", "--quiet", `${rev}^{tree}`], {
          reject: false,
        });
        return result.exitCode === 0 ? String(result.stdout).trim() : null;
      },
      (sha) => sha !== null,
    );
    if (tree === null) throw new GitError(`no tree for "${rev}"`, "not-found");
    return tree;
  }

  async writeCommit(input: {
    message: string;
    tree: string;
    parents: string[];
    author: GitPerson;
    committer: GitPerson;
  }): Promise<string> {
    await this.expectType(input.tree, "tree");
    for (const parent of input.parents) await this.expectType(parent, "commit");
    // The bytes `git commit-tree` writes: headers, a blank line, the message as given.
    const text = [
      `tree ${input.tree}\n`,
      ...input.parents.map((parent) => `parent ${parent}\n`),
      `author ${identity(input.author)}\n`,
      `committer ${identity(input.committer)}\n`,
      "\n",
      input.message,
    ].join("");
    return this.#writeObject("commit", Buffer.from(text));
  }

  async readCommit(sha: string): Promise<GitCommit> {
    await this.expectType(sha, "commit");
    return this.#remember(`commit ${sha}`, [sha], () => this.#showCommit(sha));
  }

  async #showCommit(sha: string): Promise<GitCommit> {
    const object = await this.#batch.read(sha);
    if (object?.type !== "commit") throw new GitError(`commit ${sha} does not exist`, "not-found");
    return parseCommit(object.sha, object.content.toString("utf8"));
  }

  /** Commits reachable from `head` but not from `base`, oldest first (like a PR's commits). */
  async commitsBetween(base: string | null, head: string): Promise<string[]> {
    const range = base ? [`${base}..${head}`] : [head];
    return this.#remember(`rev-list ${range.join(" ")}`, base ? [base, head] : [head], async () => {
      const out = await this.gitText(["rev-list", "--reverse", ...range]);
      return out ? out.split("\n") : [];
    });
  }

  async mergeBase(a: string, b: string): Promise<string | null> {
    // Exit 1: no common ancestor (an answer); anything else (a missing object) is not remembered.
    const result = await this.#remember(
      `merge-base ${a} ${b}`,
      [a, b],
      async () => {
        const run = await this.git(["merge-base", a, b], { reject: false });
        return { exitCode: run.exitCode ?? -1, sha: String(run.stdout).trim() };
      },
      (answer) => answer.exitCode <= 1,
    );
    return result.exitCode === 0 ? result.sha : null;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const exitCode = await this.#remember(
      `is-ancestor ${ancestor} ${descendant}`,
      [ancestor, descendant],
      async () => {
        const run = await this.git(["merge-base", "--is-ancestor", ancestor, descendant], {
          reject: false,
        });
        return run.exitCode ?? -1;
      },
      (code) => code === 0 || code === 1,
    );
    return exitCode === 0;
  }

  // ---- refs ------------------------------------------------------------------------------

  /**
   * sha of a full ref name ("refs/heads/main"), or null. Only a ref name: revision syntax
   * (`main~1`, `main^`, `@{…}`) is not a ref, as GitHub's refs API does not evaluate it either.
   */
  async getRef(ref: string): Promise<string | null> {
    if (!isRefName(ref)) return null;
    return this.#refs.get(ref) ?? null;
  }

  /** Refs under a prefix ("refs/heads/autoresearch/"), sorted by name. */
  async listRefs(prefix = "refs/"): Promise<{ ref: string; sha: string }[]> {
    return [...this.#refs]
      .filter(([ref]) => ref.startsWith(prefix))
      .map(([ref, sha]) => ({ ref, sha }))
      .sort((a, b) => a.ref.localeCompare(b.ref));
  }

  /**
   * Creates or moves a ref like GitHub's git refs API: creation fails if it exists; an update
   * must fast-forward unless `force`; `expectedOld` makes the write a compare-and-swap.
   */
  async setRef(
    ref: string,
    sha: string,
    options: { create?: boolean; force?: boolean; expectedOld?: string } = {},
  ): Promise<{ before: string | null }> {
    await this.expectType(sha, "commit");
    const before = await this.getRef(ref);
    if (options.create && before) throw new GitError(`Reference already exists`, "ref-exists");
    if (!options.create && !before) throw new GitError(`Reference does not exist`, "not-found");
    if (before && !options.force && before !== sha && !(await this.isAncestor(before, sha))) {
      throw new GitError(`Update is not a fast forward`, "not-fast-forward");
    }
    // The compare-and-swap happens here, with no await between the check and the write.
    const now = this.#refs.get(ref) ?? null;
    if (now !== (options.expectedOld ?? before))
      throw new GitError(`${ref} moved while it was being updated`, "ref-moved");
    if (!now && this.#clashes(ref))
      throw new GitError(
        `${ref} clashes with an existing ref (one is a folder of the other)`,
        "ref-moved",
      );
    this.#writeRefFile(ref, sha);
    this.#refs.set(ref, sha);
    return { before };
  }

  async deleteRef(ref: string): Promise<string> {
    const before = await this.getRef(ref);
    if (!before) throw new GitError("Reference does not exist", "not-found");
    this.#refs.delete(ref);
    this.#writeRefFile(ref, null);
    return before;
  }

  /** git cannot hold both `refs/heads/a` and `refs/heads/a/b`: one would be a file and a folder. */
  #clashes(ref: string): boolean {
    const parts = ref.split("/");
    for (let i = 2; i < parts.length; i++)
      if (this.#refs.has(parts.slice(0, i).join("/"))) return true;
    for (const other of this.#refs.keys()) if (other.startsWith(`${ref}/`)) return true;
    return false;
  }

  /**
   * A loose ref as git keeps it (the sandbox never packs refs): a file holding the sha, replaced
   * atomically; deleting one also removes the folders it leaves empty, as git does.
   */
  #writeRefFile(ref: string, sha: string | null): void {
    const file = join(this.dir, ref);
    if (sha) {
      if (existsSync(file) && statSync(file).isDirectory()) rmSync(file, { recursive: true });
      mkdirSync(dirname(file), { recursive: true });
      const temp = `${file}.lock`;
      writeFileSync(temp, `${sha}\n`);
      renameSync(temp, file);
      return;
    }
    rmSync(file, { force: true });
    for (let folder = dirname(file); relative(this.dir, folder).split(sep).length > 2; ) {
      if (readdirSync(folder).length > 0) break;
      rmdirSync(folder);
      folder = dirname(folder);
    }
  }

  // ---- content ---------------------------------------------------------------------------

  /** A path at a commit-ish: a file (with content) or a directory listing; null if absent. */
  async readPath(
    rev: string,
    path: string,
  ): Promise<
    | { type: "file"; sha: string; mode: string; content: Buffer }
    | { type: "dir"; sha: string; entries: TreeEntry[] }
    | null
  > {
    const clean = path.replace(/^\/+|\/+$/g, "");
    const commit = await this.resolveCommit(rev);
    if (!commit) return null;
    if (clean === "") {
      const tree = await this.treeOf(commit);
      return { type: "dir", sha: tree, entries: await this.readTree(tree) };
    }
    let tree = await this.treeOf(commit);
    const parts = clean.split("/");
    let found: { name: string; mode: string; type: TreeEntryType; sha: string } | undefined;
    for (const [i, part] of parts.entries()) {
      found = (await this.#treeEntries(tree)).find((e) => e.name === part);
      if (!found || (i < parts.length - 1 && found.type !== "tree")) return null;
      tree = found.sha;
    }
    if (!found) return null;
    const { type, sha } = found;
    const mode = found.mode.padStart(6, "0");
    if (type === "tree") {
      const entries = (await this.readTree(sha)).map((e) => ({ ...e, path: `${clean}/${e.path}` }));
      return { type: "dir", sha, entries };
    }
    if (type !== "blob") return null;
    return { type: "file", sha, mode, content: await this.readBlob(sha) };
  }

  // ---- diffs and merges ------------------------------------------------------------------

  /** Per-file changes from `base` to `head`, with GitHub-style hunks-only patches. */
  async diffFiles(base: string, head: string): Promise<FileDiff[]> {
    return this.#remember(`diff ${base} ${head}`, [base, head], () => this.#diff(base, head));
  }

  async #diff(base: string, head: string): Promise<FileDiff[]> {
    const numstat = String((await this.git(["diff", "--numstat", "-z", "-M", base, head])).stdout);
    const statuses = String(
      (await this.git(["diff", "--name-status", "-z", "-M", base, head])).stdout,
    );
    const status = parseNameStatus(statuses);
    const files: FileDiff[] = [];
    for (const entry of parseNumstat(numstat)) {
      const kind = status.get(entry.path);
      const removed = kind?.status === "removed";
      const blob = await this.blobAt(
        removed ? base : head,
        removed ? (entry.previous ?? entry.path) : entry.path,
      );
      const patch = await this.patchFor(
        base,
        head,
        entry.previous ? [entry.previous, entry.path] : [entry.path],
      );
      files.push({
        filename: entry.path,
        status: kind?.status ?? "modified",
        ...(entry.previous ? { previous_filename: entry.previous } : {}),
        additions: entry.additions,
        deletions: entry.deletions,
        changes: entry.additions + entry.deletions,
        sha: blob ?? ZERO_SHA,
        ...(patch !== undefined ? { patch } : {}),
      });
    }
    return files;
  }

  private async blobAt(rev: string, path: string): Promise<string | null> {
    const result = await this.git(["rev-parse", "--verify", "--quiet", `${rev}:${path}`], {
      reject: false,
    });
    return result.exitCode === 0 ? String(result.stdout).trim() : null;
  }

  private async patchFor(base: string, head: string, paths: string[]): Promise<string | undefined> {
    const out = String((await this.git(["diff", "-M", base, head, "--", ...paths])).stdout);
    if (out.includes("\nBinary files ")) return undefined;
    const start = out.indexOf("\n@@");
    return start < 0 ? undefined : out.slice(start + 1).replace(/\n$/, "");
  }

  /** Three-way merges two commits without a work tree (`git merge-tree --write-tree`). */
  async mergeTrees(ours: string, theirs: string): Promise<MergeTreeResult> {
    return this.#remember(`merge-tree ${ours} ${theirs}`, [ours, theirs], () =>
      this.#mergeTree(ours, theirs),
    );
  }

  async #mergeTree(ours: string, theirs: string): Promise<MergeTreeResult> {
    const result = await this.git(
      ["merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs],
      { reject: false },
    );
    const lines = String(result.stdout).trim().split("\n");
    if (result.exitCode === 0) return { clean: true, tree: this.#written(lines[0], "tree") };
    if (result.exitCode === 1) return { clean: false, conflicts: lines.slice(1).filter(Boolean) };
    throw new Error(`git merge-tree failed: ${String(result.stderr).trim()}`);
  }
}

interface TreeNodeEntry {
  /** As stored in a tree object: "100644", "100755", "120000", "40000", "160000". */
  mode: string;
  type: TreeEntryType;
  sha: string;
  /** Loaded for changing (its sha is then recomputed). */
  node?: TreeNode;
}
type TreeNode = Map<string, TreeNodeEntry>;

/** A tree object's entries: "<mode> <name>\0" and 20 bytes of sha each. */
function parseTree(
  content: Buffer,
): { name: string; mode: string; type: TreeEntryType; sha: string }[] {
  const entries: { name: string; mode: string; type: TreeEntryType; sha: string }[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(32, at);
    const nul = content.indexOf(0, space);
    const mode = content.subarray(at, space).toString("ascii");
    const name = content.subarray(space + 1, nul).toString("utf8");
    const sha = content.subarray(nul + 1, nul + 21).toString("hex");
    const type: TreeEntryType = mode === "40000" ? "tree" : mode === "160000" ? "commit" : "blob";
    entries.push({ name, mode, type, sha });
    at = nul + 21;
  }
  return entries;
}

/** "Name <email> 1735689600 +0200", as git writes an author or committer. */
function identity(person: GitPerson): string {
  const seconds = Math.floor(Date.parse(person.date) / 1000);
  if (!Number.isFinite(seconds)) throw new GitError(`invalid date "${person.date}"`, "bad-object");
  const zone = /([+-])(\d{2}):?(\d{2})$/.exec(person.date);
  const offset = zone ? `${zone[1]}${zone[2]}${zone[3]}` : "+0000";
  const clean = (text: string) => text.replace(/[<>\n]/g, "").trim();
  return `${clean(person.name)} <${clean(person.email)}> ${seconds} ${offset}`;
}

interface BatchObject {
  sha: string;
  type: string;
  content: Buffer;
}

/**
 * One long-lived `git cat-file --batch`: reading an object is a line written and a block read
 * back, not a process spawned. Requests are answered in order, so they queue one behind another.
 */
class CatFileBatch {
  #child: ChildProcessByStdio<Writable, Readable, null> | null = null;
  #buffer = Buffer.alloc(0);
  #waiting: { resolve: (o: BatchObject | null) => void; reject: (e: Error) => void }[] = [];

  constructor(private readonly dir: string) {}

  read(name: string): Promise<BatchObject | null> {
    if (!/^[0-9a-f]{4,40}$/i.test(name)) return Promise.resolve(null);
    const child = this.#start();
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      child.stdin.write(`${name}\n`);
    });
  }

  close(): void {
    const child = this.#child;
    this.#child = null;
    child?.stdin.end();
    child?.kill();
    this.#fail(new Error("git cat-file --batch was closed"));
  }

  #start(): ChildProcessByStdio<Writable, Readable, null> {
    if (this.#child) return this.#child;
    const child = spawn("git", ["cat-file", "--batch"], {
      cwd: this.dir,
      stdio: ["pipe", "pipe", "ignore"],
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
    });
    child.stdout.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#drain();
    });
    child.on("error", (error) => this.#fail(error));
    child.on("exit", () => {
      if (this.#child === child) this.#child = null;
      this.#fail(new Error("git cat-file --batch exited"));
    });
    // A test's worker may exit while the store is still open: the reader must not keep it alive.
    child.unref();
    for (const stream of [child.stdin, child.stdout] as unknown as { unref?: () => void }[])
      stream.unref?.();
    this.#child = child;
    return child;
  }

  #drain(): void {
    for (;;) {
      const eol = this.#buffer.indexOf(10);
      if (eol < 0 || this.#waiting.length === 0) return;
      const header = this.#buffer.subarray(0, eol).toString("utf8");
      const [sha, type, size] = header.split(" ");
      if (type === "missing" || type === "ambiguous" || size === undefined) {
        this.#buffer = this.#buffer.subarray(eol + 1);
        this.#waiting.shift()?.resolve(null);
        continue;
      }
      const length = Number(size);
      if (this.#buffer.length < eol + 1 + length + 1) return;
      const content = Buffer.from(this.#buffer.subarray(eol + 1, eol + 1 + length));
      this.#buffer = this.#buffer.subarray(eol + 1 + length + 1);
      this.#waiting.shift()?.resolve({ sha, type, content });
    }
  }

  #fail(error: Error): void {
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
    this.#buffer = Buffer.alloc(0);
  }
}

/** A raw commit object: headers, a blank line, the message. */
function parseCommit(sha: string, raw: string): GitCommit {
  const split = raw.indexOf("\n\n");
  const headers = (split < 0 ? raw : raw.slice(0, split)).split("\n");
  const message = split < 0 ? "" : raw.slice(split + 2);
  let tree = "";
  const parents: string[] = [];
  const people: Record<string, GitPerson> = {};
  for (const line of headers) {
    const space = line.indexOf(" ");
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === "tree") tree = value;
    else if (key === "parent") parents.push(value);
    else if (key === "author" || key === "committer") people[key] = parsePerson(value);
  }
  return {
    sha,
    tree,
    parents,
    author: people.author,
    committer: people.committer,
    message: message.replace(/\n+$/, ""),
  };
}

/** "Name <email> 1700000000 +0100" */
function parsePerson(value: string): GitPerson {
  const match = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!match) return { name: value, email: "", date: new Date(0).toISOString() };
  const date = new Date(Number(match[3]) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { name: match[1], email: match[2], date };
}

function parseNumstat(
  out: string,
): { path: string; previous?: string; additions: number; deletions: number }[] {
  const parts = out.split("\0");
  const entries: { path: string; previous?: string; additions: number; deletions: number }[] = [];
  for (let i = 0; i < parts.length; i++) {
    const head = parts[i];
    if (!head) continue;
    const [adds, dels, path] = head.split("\t");
    const counts = {
      additions: adds === "-" ? 0 : Number(adds),
      deletions: dels === "-" ? 0 : Number(dels),
    };
    if (path === "") {
      // Renames: "adds\tdels\t\0old\0new".
      entries.push({ ...counts, previous: parts[i + 1], path: parts[i + 2] });
      i += 2;
    } else {
      entries.push({ ...counts, path });
    }
  }
  return entries;
}

function parseNameStatus(out: string): Map<string, { status: FileDiff["status"] }> {
  const parts = out.split("\0").filter((p) => p !== "");
  const map = new Map<string, { status: FileDiff["status"] }>();
  for (let i = 0; i < parts.length; i++) {
    const code = parts[i][0];
    if (code === "R" || code === "C") {
      map.set(parts[i + 2], { status: "renamed" });
      i += 2;
      continue;
    }
    const status = code === "A" ? "added" : code === "D" ? "removed" : "modified";
    map.set(parts[i + 1], { status });
    i += 1;
  }
  return map;
}

/** A well-formed full ref name (`git check-ref-format` rules that matter here). */
export function isRefName(ref: string): boolean {
  return (
    ref.startsWith("refs/") &&
    !/(\.\.|@\{|\/\/|[~^:?*[\\\s])/.test(ref) &&
    ![...ref].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) &&
    !ref.endsWith("/") &&
    !ref.endsWith(".lock") &&
    !ref.endsWith(".") &&
    !ref.split("/").some((part) => part.startsWith("."))
  );
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === ".git") continue;
      out.push(...(await listFiles(root, full)));
    } else if (entry.isFile()) {
      out.push(relative(root, full));
    }
  }
  return out.sort();
}

export { ZERO_SHA };
