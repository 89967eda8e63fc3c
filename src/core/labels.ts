import type { Config } from "./config.js";
import type { ExperimentState } from "./state-block.js";

/**
 * The labels an experiment PR should carry for its state: whatever people put there, plus the
 * experiment label, plus the verdict's label once decided (and no other verdict label). Null
 * when `current` already is that set, so a state write carries labels only when they change,
 * in the same request.
 */
export function experimentLabels(
  current: readonly string[],
  labels: Config["labels"],
  state: Pick<ExperimentState, "phase" | "verdict">,
): string[] | null {
  const verdictLabels = [labels.keep, labels.discard, labels.crash, labels.remeasure];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const status = state.phase === "decided" && state.verdict ? labels[state.verdict.status] : null;
  const wanted = current.filter((l) => !verdictLabels.some((v) => same(v, l)));
  if (!wanted.some((l) => same(l, labels.experiment))) wanted.push(labels.experiment);
  if (status !== null) wanted.push(status);
  const unchanged =
    wanted.length === current.length && wanted.every((l) => current.some((c) => same(c, l)));
  return unchanged ? null : wanted;
}
