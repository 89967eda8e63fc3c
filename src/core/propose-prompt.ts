import { formatBpb } from "./digest.js";
import { runBranch } from "./experiment-branch.js";
import { noiseFloor } from "./noise.js";
import { cleanDescription, serializeResults } from "./results-tsv.js";
import { bestKept, type DecidedExperiment, decidedInOrder, ledgerRows } from "./schedule.js";
import type { ExperimentState } from "./state-block.js";

/** One PR into the run branch, as the prompt needs it. */
export interface TrailPull {
  pr: number;
  title: string;
  open: boolean;
  /** null for a pushed branch the app has not adopted yet. */
  state: ExperimentState | null;
}

/** A diff shown to the agent stays readable: longer ones are cut with a pointer to the PR. */
export const MAX_PATCH_CHARS = 8000;

export interface PromptDiff {
  pr: number;
  description: string;
  /** `0.997900`, or `crash`. */
  valBpb: string;
  /** Unified diff of the experiment, or "" when it changed nothing (the baseline). */
  patch: string;
}

/** Everything the agent prompt shows, computed from the run's PR trail. */
export interface AgentPromptData {
  tag: string;
  n: number;
  runBranch: string;
  baseSha7: string;
  /** The researched repository's program.md, when it has one. */
  program: string | null;
  allowedPaths: string;
  descriptionPath: string;
  best: { valBpb: string; description: string; pr: number } | null;
  counts: { decided: number; kept: number; discarded: number; crashed: number };
  /** The run's noise floor (MAD of re-measurements of the run head), null before one. */
  noise: string | null;
  /** results.tsv rebuilt from the trail; null before the first decision. */
  history: string | null;
  inFlight: { pr: number; description: string }[];
  lastKept: PromptDiff | null;
  lastDiscarded: PromptDiff | null;
}

export interface PromptInput {
  tag: string;
  n: number;
  baseSha: string;
  allowedPaths: readonly string[];
  descriptionPath: string;
  program: string | null;
  trail: readonly TrailPull[];
  /** Patch texts of the experiments `diffTargets` picked, by PR number. */
  patches: ReadonlyMap<number, string>;
}

/** The decided experiments of a trail, in the shape the ledger functions take. */
export function decidedOf(trail: readonly TrailPull[]): DecidedExperiment[] {
  return trail.flatMap((p) => (p.state ? [{ n: p.state.n, pr: p.pr, state: p.state }] : []));
}

/** The last kept and the last discarded experiment, whose diffs the agent should see. */
export function diffTargets(trail: readonly TrailPull[]): {
  kept: DecidedExperiment | null;
  discarded: DecidedExperiment | null;
} {
  const decided = decidedInOrder(decidedOf(trail));
  const last = (status: string) => decided.filter((e) => e.state.verdict!.status === status).at(-1);
  return { kept: last("keep") ?? null, discarded: last("discard") ?? null };
}

export function buildPromptData(input: PromptInput): AgentPromptData {
  const decided = decidedOf(input.trail);
  const rows = ledgerRows(decided);
  const best = bestKept(decided);
  const targets = diffTargets(input.trail);
  const noise = noiseFloor(decided);
  const count = (status: string) => rows.filter((r) => r.status === status).length;
  return {
    tag: input.tag,
    n: input.n,
    runBranch: runBranch(input.tag),
    baseSha7: input.baseSha.slice(0, 7),
    program: input.program?.trim() ? input.program.trimEnd() : null,
    allowedPaths: input.allowedPaths.join(", "),
    descriptionPath: input.descriptionPath,
    best:
      best?.state.result != null
        ? {
            valBpb: formatBpb(best.state.result.val_bpb),
            description: cleanDescription(best.state.description),
            pr: best.pr,
          }
        : null,
    counts: {
      decided: rows.length,
      kept: count("keep"),
      discarded: count("discard"),
      crashed: count("crash"),
    },
    noise: noise === null ? null : formatBpb(noise.mad),
    history: rows.length > 0 ? serializeResults(rows).trimEnd() : null,
    inFlight: input.trail
      .filter((p) => p.open && p.state?.phase !== "decided" && p.state?.phase !== "rejected")
      .filter((p) => p.state?.source !== "remeasure")
      .map((p) => ({ pr: p.pr, description: cleanDescription(p.state?.description ?? p.title) })),
    lastKept: promptDiff(targets.kept, input.patches),
    lastDiscarded: promptDiff(targets.discarded, input.patches),
  };
}

function promptDiff(
  target: DecidedExperiment | null,
  patches: ReadonlyMap<number, string>,
): PromptDiff | null {
  if (!target) return null;
  const { state } = target;
  const crashed = state.verdict?.status === "crash" || !state.result;
  return {
    pr: target.pr,
    description: cleanDescription(state.description),
    valBpb: crashed ? "crash" : formatBpb(state.result!.val_bpb),
    patch: cutPatch(patches.get(target.pr) ?? "", target.pr),
  };
}

/** A PR's files as one unified diff, from the list-files entries (GitHub omits binary patches). */
export function patchText(files: readonly { filename: string; patch?: string }[]): string {
  return files
    .map((f) =>
      [
        `--- a/${f.filename}`,
        `+++ b/${f.filename}`,
        f.patch ?? "(no textual diff: binary or too large)",
      ].join("\n"),
    )
    .join("\n");
}

function cutPatch(patch: string, pr: number): string {
  if (patch.length <= MAX_PATCH_CHARS) return patch;
  const cut = patch.slice(0, patch.lastIndexOf("\n", MAX_PATCH_CHARS) + 1 || MAX_PATCH_CHARS);
  return `${cut}… (diff cut at ${MAX_PATCH_CHARS} characters: the whole change is PR #${pr})`;
}
