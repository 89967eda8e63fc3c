import type { Config } from "../core/config.js";
import type { RunState } from "../core/run-state.js";
import type { DecidedExperiment } from "../core/schedule.js";
import type { ExperimentState } from "../core/state-block.js";
import type { ExperimentPull } from "../github/experiment-pulls.js";
import type { RepoClient } from "../github/repo.js";
import type { AppDeps } from "./app-deps.js";
import type { PassGuard } from "./run-lease-guard.js";

/** One pass over a run: everything read from GitHub at its start, updated as the pass writes. */
export interface RunPass {
  gh: RepoClient;
  deps: AppDeps;
  config: Config;
  dashboard: { number: number; body: string; state: "open" | "closed" };
  run: RunState;
  /** The run branch head, moved forward by every merge in this pass. */
  head: string;
  pulls: ExperimentPull[];
  /** Problems to show on the dashboard (stuck runners, proposer trouble). */
  alerts: string[];
  now: string;
  /** The run's lease (one writer across instances); absent where nothing else can write. */
  guard?: PassGuard;
  /** Dispatched experiments whose run has not reached a runner yet (waiting in the Actions queue). */
  notStarted?: Set<number>;
}

export interface Tracked extends ExperimentPull {
  experiment: ExperimentState;
}

export const isTracked = (p: ExperimentPull): p is Tracked => p.experiment !== null;

/** The run's experiments as the pure schedule functions take them. */
export function trailOf(pulls: readonly ExperimentPull[]): DecidedExperiment[] {
  return pulls
    .filter(isTracked)
    .map((p) => ({ n: p.experiment.n, pr: p.number, state: p.experiment }));
}

/** An experiment PR as the app instance's caches name it: `owner/repo#number`. */
export const pullKey = (pass: Pick<RunPass, "gh">, number: number) =>
  `${pass.gh.owner}/${pass.gh.repo}#${number}`;

/** Logs a line of the pass; `pr` when it is about one experiment PR (a field of the line). */
export function log(
  pass: RunPass,
  message: string,
  level: "info" | "warn" = "info",
  pr?: number,
): void {
  const logger =
    pr === undefined ? pass.deps.log : (pass.deps.log.child?.({ pr }) ?? pass.deps.log);
  logger[level](`[${pass.gh.owner}/${pass.gh.repo} ${pass.run.tag}] ${message}`);
}
