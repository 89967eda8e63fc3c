import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import type { FileKind } from "../../core/propose-validation.js";

/**
 * The checkout the agent worked in, seen through git and python3. Everything
 * here runs after untrusted code had the directory to itself, so every command
 * gets the scrubbed environment (no token for a planted fsmonitor, hook or
 * clean filter to read) and git's command-running settings switched off.
 */
export interface Worktree {
  /** The repository root: every path below is relative to it. */
  readonly root: string;
  head(): Promise<string>;
  /** `git status --porcelain=v1 -z`: changed, added, deleted and untracked paths (ignored ones left out). */
  status(): Promise<string>;
  /** Moves HEAD back to `sha`, keeping the files: commits the agent made become plain changes. */
  uncommitTo(sha: string): Promise<void>;
  hashObject(path: string): Promise<string>;
  kind(path: string): Promise<FileKind>;
  executable(path: string): Promise<boolean>;
  read(path: string): Promise<Buffer>;
  /** py_compile's report when the file does not compile, else null. */
  compilePython(path: string): Promise<string | null>;
}

const SAFE_GIT = [
  "-c",
  "core.fsmonitor=false",
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "core.untrackedCache=false",
];

export async function openWorktree(
  dir: string,
  env: Record<string, string>,
  pycacheDir: string,
): Promise<Worktree> {
  const exec = async (file: string, args: string[], cwd: string) => {
    const result = await execa(file, args, { cwd, env, extendEnv: false, reject: false });
    if (result.failed && result.exitCode === undefined) {
      throw new Error(
        `could not run ${file} in ${cwd} (${result.shortMessage}): is ${file} installed on this runner?`,
        {
          cause: result,
        },
      );
    }
    return result;
  };
  const git = async (args: string[], cwd: string) => {
    const result = await exec("git", [...SAFE_GIT, ...args], cwd);
    if (result.exitCode !== 0) {
      throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${String(result.stderr).trim()}`);
    }
    return String(result.stdout);
  };
  const root = (
    await git(["rev-parse", "--show-toplevel"], dir).catch((cause) => {
      throw new Error(
        `working-directory ${dir} is not a git checkout: check out autoresearch/<tag> first (actions/checkout)`,
        { cause },
      );
    })
  ).trim();
  const at = (path: string) => join(root, path);
  return {
    root,
    head: async () => (await git(["rev-parse", "--verify", "HEAD"], root)).trim(),
    status: () =>
      git(["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all"], root),
    uncommitTo: async (sha) => {
      await git(["reset", "--quiet", "--soft", sha], root);
    },
    hashObject: async (path) =>
      (await git(["hash-object", "--no-filters", "--", path], root)).trim(),
    kind: async (path) => {
      try {
        const stat = await lstat(at(path));
        if (stat.isSymbolicLink()) return "symlink";
        return stat.isFile() ? "file" : "other";
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
        throw error;
      }
    },
    executable: async (path) => ((await lstat(at(path))).mode & 0o111) !== 0,
    read: (path) => readFile(at(path)),
    compilePython: async (path) => {
      // -I: the checkout's own modules (a planted py_compile.py) never shadow the standard library.
      const args = ["-I", "-X", `pycache_prefix=${pycacheDir}`, "-m", "py_compile", path];
      const result = await exec("python3", args, root);
      return result.exitCode === 0 ? null : `${String(result.stderr)}${String(result.stdout)}`;
    },
  };
}
