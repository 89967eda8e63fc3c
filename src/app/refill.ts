import { isRemeasure, remeasureDue } from "../core/noise.js";
import { bestKept, dispatchLimit, refillPlan } from "../core/schedule.js";
import type { ExperimentState } from "../core/state-block.js";
import { recordUnrecordedRuns } from "../core/unrecorded-dispatch.js";
import { mergeRunHeadInto } from "../github/experiment-pulls.js";
import { containsCommit } from "../github/repo.js";
import { isStatus } from "../github/sticky-comment.js";
import { dispatchTraining, listBranchRuns } from "../github/workflows.js";
import { requestAgentProposals } from "./agent-proposer.js";
import { save } from "./apply-verdict.js";
import {
  openRemeasure,
  proposeFromSweep,
  remakeRemeasure,
  remakeSweepProposal,
} from "./open-experiment.js";
import { reject } from "./reject-experiment.js";
import { isTracked, log, pullKey, type RunPass, type Tracked, trailOf } from "./run-view.js";

/** Keeping the GPUs busy: dispatch what is ready on the current run head, then propose. */
export async function refill(pass: RunPass): Promise<void> {
  const open = () => pass.pulls.filter(isTracked).filter((p) => p.state === "open");
  // A due re-measurement of the run head goes first: it measures the head the queue is judged on.
  if (
    pass.run.status === "running" &&
    remeasureDue(trailOf(pass.pulls), pass.config.policy.baselineEvery)
  ) {
    await openRemeasure(pass);
  }
  const ready = () =>
    open()
      .filter((p) => p.experiment.phase === "queued")
      .sort(
        (a, b) =>
          Number(isRemeasure(b.experiment)) - Number(isRemeasure(a.experiment)) ||
          a.experiment.n - b.experiment.n,
      );
  const inFlight = open().filter((p) => p.experiment.phase === "training").length;
  const concurrency = dispatchLimit({
    concurrency: pass.config.concurrency,
    preDispatch: pass.config.policy.preDispatch,
    baselineMeasured: bestKept(trailOf(pass.pulls)) !== null,
  });
  const plan = refillPlan({
    status: pass.run.status,
    inFlight,
    ready: ready().length,
    concurrency,
    queueDepth: pass.config.queueDepth,
  });
  // The GPU never waits on the proposer: dispatch what is ready first, then propose.
  let free = Math.max(0, concurrency - inFlight);
  const dispatchReady = async () => {
    for (const pull of ready()) {
      if (free === 0 || pass.run.status !== "running") return;
      if (await dispatch(pass, pull)) free--;
      else if (pass.alerts.some((a) => a.startsWith("Cannot dispatch"))) return;
    }
  };
  await dispatchReady();
  if (pass.config.proposer === "agent" && plan.propose > 0) {
    await requestAgentProposals(pass, plan.propose);
  }
  if (pass.config.proposer !== "sweep") return;
  // First the proposals an idle GPU waits for, each dispatched at once; then the ones kept ready ahead.
  for (let proposed = 0; proposed < plan.propose; proposed++) {
    if (!(await proposeFromSweep(pass))) return;
    await dispatchReady();
  }
}

/** Train one experiment, but only on top of the current run head. */
async function dispatch(pass: RunPass, pull: Tracked): Promise<boolean> {
  const counted = pass.deps.caches?.runsCounted;
  const key = pullKey(pass, pull.number);
  if (!counted?.has(key)) {
    if (await adoptUnrecordedRun(pass, pull)) return true;
    counted?.set(key, true);
  }
  const exp = pull.experiment;
  if (!(await containsCommit(pass.gh, pass.head, exp.head_sha))) {
    // Made on an older run head: train it on top of the current best, or not at all.
    const described = exp.description;
    const headSha = await bringUpToDate(pass, pull);
    if (headSha === null) return false;
    pull.headSha = headSha;
    // A remade sweep proposal may start from a new value: its title says so in the same write.
    const retitle = pull.experiment.description !== described;
    await save(
      pass,
      pull,
      { ...pull.experiment, head_sha: headSha, base_sha: pass.head },
      retitle ? { title: pull.experiment.description } : {},
    );
  }
  const current = pull.experiment;
  // Until the state write below lands, this PR has a run its state does not count.
  counted?.delete(key);
  let runId: number | null;
  try {
    ({ runId } = await dispatchTraining(pass.gh, pass.config.workflow, pull.headRef, {
      pr: String(pull.number),
    }));
  } catch (error) {
    if (isStatus(error, 404) || isStatus(error, 422)) {
      pass.alerts.push(
        `Cannot dispatch \`.github/workflows/${pass.config.workflow}\` (${error instanceof Error ? error.message : String(error)}): it must exist on the run branch with \`on: workflow_dispatch\` and an input \`pr\` (config: workflow).`,
      );
      return false;
    }
    throw error;
  }
  const state: ExperimentState = {
    ...current,
    phase: "training",
    base_sha: pass.head,
    attempts: current.attempts + 1,
    dispatched_at: pass.now,
    run_id: runId,
    note: null,
  };
  await save(pass, pull, state);
  counted?.set(key, true);
  log(
    pass,
    `#${pull.number} dispatched (attempt ${state.attempts}) on ${pull.headRef}`,
    "info",
    pull.number,
  );
  return true;
}

/**
 * Counts the training runs of the PR's branch against its state: a run whose dispatch was never
 * recorded is adopted as the attempt in flight (true: nothing to dispatch), or counted when it
 * trained an older head.
 */
async function adoptUnrecordedRun(pass: RunPass, pull: Tracked): Promise<boolean> {
  const listed = await listBranchRuns(pass.gh, pass.config.workflow, pull.headRef);
  const newest = listed.runs[0];
  const recorded = recordUnrecordedRuns(pull.experiment, {
    total: listed.total,
    newest: newest ? { id: newest.id, headSha: newest.headSha, createdAt: newest.createdAt } : null,
  });
  if (recorded === null) return false;
  const lost = recorded.attempts - pull.experiment.attempts;
  await save(pass, pull, recorded);
  const adopted = recorded.phase === "training";
  log(
    pass,
    `#${pull.number} has ${lost} training run(s) its state did not count (a state write lost after a dispatch): ${adopted ? `run ${recorded.run_id} is taken as attempt ${recorded.attempts}, not dispatched again` : "counted; its current head is dispatched"}`,
    "warn",
    pull.number,
  );
  return adopted;
}

/** The experiment on top of the run head: a sweep proposal is remade there, anything else gets the head merged in. */
async function bringUpToDate(pass: RunPass, pull: Tracked): Promise<string | null> {
  if (isRemeasure(pull.experiment)) return remakeRemeasure(pass, pull);
  if (pull.experiment.source === "sweep") {
    const sha = await remakeSweepProposal(pass, pull);
    if (sha === null)
      await reject(pass, pull, "the run branch already has this value: nothing left to try");
    return sha;
  }
  const update = await mergeRunHeadInto(pass.gh, pull.headRef, pass.head);
  if (!update.updated) {
    await reject(
      pass,
      pull,
      `it conflicts with the run branch after a kept experiment (${update.message})`,
    );
    return null;
  }
  return update.sha ?? pull.headSha;
}
