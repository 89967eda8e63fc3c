import { pathsOutside } from "./diff-stats.js";
import { parseExperimentBranch } from "./experiment-branch.js";
import { variantId, variantPaths } from "./variant-id.js";

/**
 * The checks a proposal passes before it becomes an experiment branch, each a
 * pure decision that returns null (fine) or the rejection a user reads.
 */
export type ProposeStatus = "proposed" | "invalid" | "agent-failed";

export interface Rejection {
  status: Exclude<ProposeStatus, "proposed">;
  reason: string;
}

/** How the agent's process ended (the fields of run-training's TrainingRun that matter here). */
export interface AgentExit {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
}

export function agentFailure(exit: AgentExit, timeoutMinutes: number): Rejection | null {
  const failed = (reason: string): Rejection => ({ status: "agent-failed", reason });
  if (exit.timedOut) {
    return failed(
      `the agent ran longer than agent-timeout-minutes (${timeoutMinutes} min) and was stopped with its whole process tree: give it a smaller task or more time`,
    );
  }
  if (exit.cancelled) return failed("the job was cancelled while the agent ran");
  if (exit.signal !== null) {
    return failed(`agent-command was killed by ${exit.signal}: see the agent output`);
  }
  if (exit.exitCode !== 0) {
    return failed(`agent-command exited with code ${exit.exitCode}: see the agent output`);
  }
  return null;
}

export function emptyChange(changed: readonly string[]): Rejection | null {
  return changed.length === 0
    ? {
        status: "invalid",
        reason:
          "the agent left the working directory unchanged: an experiment needs an edit to the allowed paths",
      }
    : null;
}

export function pathViolation(
  changed: readonly string[],
  allowed: readonly string[],
): Rejection | null {
  const outside = pathsOutside(changed, allowed);
  if (outside.length === 0) return null;
  return {
    status: "invalid",
    reason: `the agent changed ${listSome(outside)}: only ${allowed.join(", ")} may change (input allowed-paths)`,
  };
}

/** An agent that made a virtualenv changed thousands of paths: name a few. */
export function listSome(paths: readonly string[], max = 5): string {
  const named = paths.slice(0, max).join(", ");
  return paths.length > max ? `${named} and ${paths.length - max} more` : named;
}

export type FileKind = "file" | "missing" | "symlink" | "other";

/** A symlink would commit its target's path, or with a careless reader its target's content: refuse it. */
export function irregularFile(
  files: readonly { path: string; kind: FileKind }[],
): Rejection | null {
  const odd = files.find((f) => f.kind === "symlink" || f.kind === "other");
  if (!odd) return null;
  const what = odd.kind === "symlink" ? "a symbolic link" : "not a regular file";
  return {
    status: "invalid",
    reason: `${odd.path} is ${what}: an experiment changes file contents only`,
  };
}

/** The changed Python files that must compile (deleted ones cannot). */
export function pythonToCompile(files: readonly { path: string; kind: FileKind }[]): string[] {
  return files.filter((f) => f.kind === "file" && f.path.endsWith(".py")).map((f) => f.path);
}

export function compileFailure(
  failures: readonly { path: string; stderr: string }[],
): Rejection | null {
  const [first] = failures;
  if (!first) return null;
  return {
    status: "invalid",
    reason: `${first.path} does not compile (${compileError(first.stderr)}): the agent must leave valid Python`,
  };
}

/** `SyntaxError: invalid syntax (line 220)` from py_compile's report of a file. */
export function compileError(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  // py_compile words some errors as "Sorry: IndentationError: …".
  const error = (lines.at(-1) ?? "python3 -m py_compile failed without a message").replace(
    /^Sorry: /,
    "",
  );
  const line = /\bline (\d+)/.exec(stderr)?.[1];
  const text = line && !error.includes(`line ${line}`) ? `${error} (line ${line})` : error;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** Blob sha of each allowed path (null when the path does not exist): what training would see. */
export type Fingerprint = Readonly<Record<string, string | null>>;

export interface TriedVariant {
  pr: number;
  description: string;
  fingerprint: Fingerprint;
}

export function sameVariant(a: Fingerprint, b: Fingerprint, paths: readonly string[]): boolean {
  return paths.every((p) => (a[p] ?? null) === (b[p] ?? null));
}

/**
 * A proposal against the `variant` a state block recorded: "unknown" when there is none, or it
 * names other paths than the allowed ones (then only reading that PR's head can tell).
 */
export function compareRecordedVariant(
  recorded: string | null | undefined,
  mine: Fingerprint,
  paths: readonly string[],
): "same" | "different" | "unknown" {
  if (!recorded) return "unknown";
  const named = variantPaths(recorded);
  const allowed = [...paths].sort();
  if (named.length !== allowed.length || named.some((p, i) => p !== allowed[i])) return "unknown";
  return recorded === variantId(mine, paths) ? "same" : "different";
}

export function duplicateOf(
  mine: Fingerprint,
  tried: readonly TriedVariant[],
  paths: readonly string[],
): Rejection | null {
  const twin = tried.find((t) => sameVariant(mine, t.fingerprint, paths));
  if (!twin) return null;
  return {
    status: "invalid",
    reason: `${paths.join(", ")} ${paths.length === 1 ? "is" : "are"} identical to PR #${twin.pr} ("${twin.description}"), already tried in this run: propose a different idea`,
  };
}

/** The branch among `branches` that already holds experiment `n` of run `tag`, if any. */
export function branchOfExperiment(
  branches: readonly string[],
  tag: string,
  n: number,
): string | null {
  return (
    branches.find((b) => {
      const parsed = parseExperimentBranch(b);
      return parsed?.tag === tag && parsed.n === n;
    }) ?? null
  );
}
