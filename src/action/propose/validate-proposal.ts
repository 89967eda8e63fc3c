import { changedPaths } from "../../core/propose-changes.js";
import { type PickedDescription, pickDescription } from "../../core/propose-description.js";
import {
  type AgentExit,
  agentFailure,
  compileFailure,
  duplicateOf,
  emptyChange,
  type FileKind,
  type Fingerprint,
  irregularFile,
  pathViolation,
  pythonToCompile,
  type Rejection,
} from "../../core/propose-validation.js";
import type { ExperimentPull } from "../../github/experiment-pulls.js";
import type { RepoClient } from "../../github/repo.js";
import { findTriedVariant } from "./find-run-trail.js";
import type { Worktree } from "./git-worktree.js";

export interface ValidationInput {
  gh: RepoClient;
  worktree: Worktree;
  /** The commit the agent started from. */
  baseSha: string;
  allowedPaths: readonly string[];
  timeoutMinutes: number;
  exit: AgentExit;
  /** What the agent wrote to $AUTORESEARCH_DESCRIPTION (null: nothing). */
  descriptionFile: string | null;
  outputTail: string;
  pulls: readonly ExperimentPull[];
  log: (message: string) => void;
}

export type Validation =
  | { ok: false; rejection: Rejection; changed: string[] }
  | {
      ok: true;
      changed: string[];
      files: { path: string; kind: FileKind }[];
      description: PickedDescription;
    };

/** The checks in order, cheapest first: each runs only when the ones before it passed. */
export async function validateProposal(input: ValidationInput): Promise<Validation> {
  const { worktree, allowedPaths } = input;
  const failed = agentFailure(input.exit, input.timeoutMinutes);
  if (failed) return { ok: false, rejection: failed, changed: [] };

  // An agent that committed (as karpathy's program.md asks) still proposed its working tree.
  if ((await worktree.head()) !== input.baseSha) {
    input.log("the agent made commits: they are folded into one proposal");
    await worktree.uncommitTo(input.baseSha);
  }
  const changed = changedPaths(await worktree.status());
  const reject = (rejection: Rejection): Validation => ({ ok: false, rejection, changed });
  const early = emptyChange(changed) ?? pathViolation(changed, allowedPaths);
  if (early) return reject(early);

  const files = await Promise.all(
    changed.map(async (path) => ({ path, kind: await worktree.kind(path) })),
  );
  const odd = irregularFile(files);
  if (odd) return reject(odd);

  const failures = [];
  for (const path of pythonToCompile(files)) {
    const stderr = await worktree.compilePython(path);
    if (stderr !== null) failures.push({ path, stderr });
  }
  const broken = compileFailure(failures);
  if (broken) return reject(broken);

  const mine = await fingerprint(worktree, allowedPaths);
  const twin = await findTriedVariant(input.gh, input.pulls, mine, allowedPaths);
  const duplicate = twin ? duplicateOf(mine, [twin], allowedPaths) : null;
  if (duplicate) return reject(duplicate);

  return {
    ok: true,
    changed,
    files,
    description: pickDescription(input.descriptionFile, input.outputTail),
  };
}

async function fingerprint(worktree: Worktree, paths: readonly string[]): Promise<Fingerprint> {
  const entries = await Promise.all(
    paths.map(async (path) => {
      const kind = await worktree.kind(path);
      return [path, kind === "file" ? await worktree.hashObject(path) : null] as const;
    }),
  );
  return Object.fromEntries(entries);
}
