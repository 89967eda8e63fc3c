import { parseExperimentBranch } from "./experiment-branch.js";

/**
 * Which refs a runner may ever train: only experiment branches of the same
 * repository, changing only the allowed paths. Everything else is refused
 * before a single process starts.
 */
export interface GuardInput {
  /** The ref the workflow runs on, e.g. `refs/heads/autoresearch/nov26--3-lr`. */
  ref: string;
  repository: string;
  /** The PR's head repository (`owner/name`), null when no PR is known. */
  headRepository: string | null;
  /** Files the PR changes, null when no PR is known. */
  changedFiles: readonly string[] | null;
  allowedPaths: readonly string[];
}

export type GuardVerdict =
  | { ok: true }
  | { ok: false; reason: "bad-ref" | "path-violation"; message: string; paths?: string[] };

export function guardExperiment(input: GuardInput): GuardVerdict {
  if (!input.ref.startsWith("refs/heads/") || parseExperimentBranch(input.ref) === null) {
    return {
      ok: false,
      reason: "bad-ref",
      message: `refusing to train ${input.ref}: only experiment branches autoresearch/<tag>--<name> run on this runner`,
    };
  }
  if (input.headRepository !== null && input.headRepository !== input.repository) {
    return {
      ok: false,
      reason: "bad-ref",
      message: `refusing to train a PR from ${input.headRepository}: experiments from forks never reach a runner`,
    };
  }
  const outside = (input.changedFiles ?? []).filter((f) => !input.allowedPaths.includes(f));
  if (outside.length > 0) {
    return {
      ok: false,
      reason: "path-violation",
      paths: outside,
      message: `this PR changes ${outside.join(", ")}: only ${input.allowedPaths.join(", ")} may change (input allowed-paths)`,
    };
  }
  return { ok: true };
}
