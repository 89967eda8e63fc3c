/** What the sweep proposer learns from the run's state blocks: its history and the variants tried. */
import type { ExperimentState } from "./state-block.js";
import type { SweepEntry } from "./sweep-proposer.js";
import { blobInVariant } from "./variant-id.js";

/** The run's sweep experiments in experiment order; undecided and rejected ones have status null. */
export function sweepHistoryOf(experiments: readonly ExperimentState[]): SweepEntry[] {
  return experiments
    .filter((e) => e.source === "sweep" && e.key)
    .sort((a, b) => a.n - b.n)
    .map((e) => {
      const status = e.phase === "decided" ? e.verdict?.status : undefined;
      const judged = status === "keep" || status === "discard" || status === "crash";
      return {
        key: e.key!,
        description: e.description,
        status: judged ? status : null,
        delta: judged ? (e.verdict?.delta ?? null) : null,
        stage: e.stage ?? null,
      };
    });
}

/**
 * The blob shas of `path` that the run's experiments (any proposer) recorded as their variant.
 * Blocks without a variant (older runs) are remembered by their sweep key instead.
 */
export function triedBlobsOf(experiments: readonly ExperimentState[], path: string): Set<string> {
  const blobs = new Set<string>();
  for (const e of experiments) {
    const blob = e.variant ? blobInVariant(e.variant, path) : null;
    if (blob) blobs.add(blob);
  }
  return blobs;
}
