import { linesEditedInPlace } from "../core/diff-stats.js";
import { experimentBranch, parseExperimentBranch } from "../core/experiment-branch.js";
import { bestKept } from "../core/schedule.js";
import { type ExperimentState, newExperiment } from "../core/state-block.js";
import { applySweepKey } from "../core/sweep.js";
import { sweepHistoryOf, triedBlobsOf } from "../core/sweep-history.js";
import { proposeSweep } from "../core/sweep-proposer.js";
import { gitBlobSha, variantId } from "../core/variant-id.js";
import { findOpenPull, openExperimentPull, sealedBody } from "../github/experiment-pulls.js";
import { commitFiles, putFileOnBranch, readTextFile, repoOf } from "../github/repo.js";
import { isStatus } from "../github/sticky-comment.js";
import { renderPrBody } from "../views/pr-body.js";
import { isTracked, log, pullKey, type RunPass, type Tracked, trailOf } from "./run-view.js";

const SWEEP_FILE = "train.py";

export interface NewExperiment {
  source: ExperimentState["source"];
  description: string;
  /** Files to set on top of the run head; none for the baseline (an empty commit). */
  files: Record<string, string>;
  diff: { added: number; removed: number };
  key: string | null;
  /** The allowed files' blob shas at the new head, when known (core/variant-id.ts). */
  variant?: string | null;
  /**
   * The blob shas at the run head of the files it replaces (path → sha): with one existing file
   * changed, the commit is made by one PUT of the contents API (see commitOnBranch).
   */
  replaces?: Record<string, string>;
  stage?: ExperimentState["stage"];
}

/** The next experiment number, derived from the trail (never from memory). */
export function nextExperimentNumber(pass: RunPass): number {
  const numbers = pass.pulls.map(
    (p) => p.experiment?.n ?? parseExperimentBranch(p.headRef)?.n ?? 0,
  );
  return Math.max(0, ...numbers) + 1;
}

/** One commit on the run head, its branch, and its PR with the state block. */
export async function openExperiment(pass: RunPass, proposal: NewExperiment): Promise<number> {
  const n = nextExperimentNumber(pass);
  const branch = experimentBranch(pass.run.tag, n, proposal.description);
  const sha = await commitOnBranch(pass, branch, proposal);
  const state = newExperiment({
    tag: pass.run.tag,
    n,
    description: proposal.description,
    source: proposal.source,
    baseSha: pass.head,
    headSha: sha,
    key: proposal.key,
    variant: proposal.variant,
    stage: proposal.stage,
    // The app made this change, so it knows its size (a pushed PR is measured from GitHub's diff).
    diff: proposal.diff,
  });
  const best = bestKept(trailOf(pass.pulls));
  const rendered = renderPrBody({
    description: proposal.description,
    source: proposal.source,
    diff: { ...proposal.diff, files: Object.keys(proposal.files) },
    comparedAgainst: {
      baseSha: pass.head,
      bestValBpb: best?.state.result?.val_bpb ?? null,
      bestPr: best?.pr ?? null,
    },
    state,
    rerunLabel: pass.config.labels.rerun,
  });
  const body = sealedBody(pass.gh, pass.deps.sealer, { body: rendered, headRef: branch }, state);
  let number: number;
  try {
    number = await openExperimentPull(pass.gh, {
      head: branch,
      base: pass.run.branch,
      title: proposal.description,
      body,
    });
  } catch (error) {
    // Another pass (an app instance before a restart) opened this experiment meanwhile: keep
    // theirs; the next pass reads it, and its moved head is simply trained again.
    const existing = isStatus(error, 422) ? await findOpenPull(pass.gh, branch) : null;
    if (existing === null) throw error;
    log(
      pass,
      `#${existing} (${branch}) was opened by another pass; leaving it to the next one`,
      "warn",
      existing,
    );
    return existing;
  }
  pass.pulls.push({
    number,
    title: proposal.description,
    body,
    state: "open",
    merged: false,
    headRef: branch,
    headSha: sha,
    headRepository: `${pass.gh.owner}/${pass.gh.repo}`,
    baseSha: pass.head,
    // The experiment label comes with the first state write (its dispatch).
    labels: [],
    author: pass.deps.appLogin,
    experiment: state,
    distrust: null,
    reseal: false,
  });
  // A new PR has no training run yet: nothing to count before its first dispatch.
  pass.deps.caches?.runsCounted.set(pullKey(pass, number), true);
  log(pass, `opened #${number} (${branch}): ${proposal.description}`, "info", number);
  return number;
}

/** The one existing file a proposal replaces (its content and blob at the run head), if so. */
function oneReplacedFile(
  proposal: NewExperiment,
): { path: string; content: string; blobSha: string } | null {
  const entries = Object.entries(proposal.files);
  if (entries.length !== 1) return null;
  const [path, content] = entries[0] as [string, string];
  const blobSha = proposal.replaces?.[path];
  return blobSha ? { path, content, blobSha } : null;
}

/**
 * The experiment's commit on the run head, and its branch pointing at it; returns the commit.
 * One existing file replaced (a sweep proposal): the branch is made at the run head, then the
 * file is PUT on it through the contents API, whose answer names the commit: 2 requests where
 * the git data API takes 3 (trees, commits, the ref). Anything else is made that way.
 * A branch left behind by an earlier pass is moved back to the run head first. A PUT that GitHub
 * refuses (404: a branch made a moment ago can be unknown to the contents API for a moment; 409,
 * 422), or that landed on something else than the run head (the branch moved meanwhile), is
 * made the old way instead, the branch forced onto it: extra requests only then.
 */
async function commitOnBranch(
  pass: RunPass,
  branch: string,
  proposal: NewExperiment,
): Promise<string> {
  const message = `autoresearch: ${proposal.description}`;
  const file = oneReplacedFile(proposal);
  if (file === null) {
    const sha = await commitFiles(pass.gh, pass.head, proposal.files, message);
    await pointBranch(pass, branch, sha);
    return sha;
  }
  await pointBranch(pass, branch, pass.head);
  let why: string;
  try {
    const put = await putFileOnBranch(pass.gh, {
      branch,
      parentSha: pass.head,
      ...file,
      message,
    });
    if (put.parents.length === 1 && put.parents[0] === pass.head) return put.sha;
    why = `landed on ${put.parents.map((p) => p.slice(0, 7)).join(", ") || "no parent"}, not the run head`;
  } catch (error) {
    const status = [404, 409, 422].find((s) => isStatus(error, s));
    if (status === undefined) throw error;
    why = `was refused (${status}: ${(error as Error).message})`;
  }
  log(
    pass,
    `${branch}: the commit of ${file.path} through the contents API ${why}; making it with the git data API instead`,
    "warn",
  );
  const sha = await commitFiles(pass.gh, pass.head, proposal.files, message);
  await forceBranch(pass, branch, sha);
  return sha;
}

/** A branch left behind by a pass that stopped before its PR was opened is reused. */
async function pointBranch(pass: RunPass, branch: string, sha: string): Promise<void> {
  try {
    await pass.gh.octokit.rest.git.createRef({
      ...repoOf(pass.gh),
      ref: `refs/heads/${branch}`,
      sha,
    });
  } catch (error) {
    if (!isStatus(error, 422)) throw error;
    await forceBranch(pass, branch, sha);
  }
}

async function forceBranch(pass: RunPass, branch: string, sha: string): Promise<void> {
  await pass.gh.octokit.rest.git.updateRef({
    ...repoOf(pass.gh),
    ref: `heads/${branch}`,
    sha,
    force: true,
  });
}

/** The built-in proposer (core/sweep-proposer.ts): it never runs dry while train.py has a constant to tune. */
export async function proposeFromSweep(pass: RunPass): Promise<boolean> {
  const source = await readTextFile(pass.gh, SWEEP_FILE, pass.head);
  if (source === null) {
    pass.alerts.push(
      `The sweep proposer found no ${SWEEP_FILE} on the run branch: push experiments yourself or set \`proposer: none\`.`,
    );
    return false;
  }
  const experiments = pass.pulls.filter(isTracked).map((p) => p.experiment);
  const proposal = proposeSweep({
    source,
    history: sweepHistoryOf(experiments),
    tried: triedBlobsOf(experiments, SWEEP_FILE),
    seed: pass.deps.seed,
    n: nextExperimentNumber(pass),
  });
  if (proposal === null) {
    pass.alerts.push(
      `The sweep proposer found no constant it can change in ${SWEEP_FILE} (top-level lines like \`MATRIX_LR = 0.04\`; seeds and EVAL_* are never changed): push experiments yourself or use the agent proposer.`,
    );
    return false;
  }
  // Constants are set in place: the lines that differ are what GitHub's diff will count.
  const changed = linesEditedInPlace(source, proposal.source) ?? proposal.key.split(";").length;
  await openExperiment(pass, {
    source: "sweep",
    description: proposal.description,
    files: { [SWEEP_FILE]: proposal.source },
    diff: { added: changed, removed: changed },
    key: proposal.key,
    variant: variantId({ [SWEEP_FILE]: proposal.blob }, [SWEEP_FILE]),
    stage: proposal.stage,
    replaces: { [SWEEP_FILE]: gitBlobSha(source) },
  });
  return true;
}

export const REMEASURE_DESCRIPTION = "re-measure the run head (noise floor)";

/** The run head trained again unchanged (policy.baselineEvery): an empty commit on it. */
export async function openRemeasure(pass: RunPass): Promise<void> {
  await openExperiment(pass, {
    source: "remeasure",
    description: REMEASURE_DESCRIPTION,
    files: {},
    diff: { added: 0, removed: 0 },
    key: null,
  });
}

/** A re-measurement made on an older run head moves to the current one: a new empty commit there. */
export async function remakeRemeasure(pass: RunPass, pull: Tracked): Promise<string> {
  const sha = await commitFiles(pass.gh, pass.head, {}, `autoresearch: ${REMEASURE_DESCRIPTION}`);
  await pass.gh.octokit.rest.git.updateRef({
    ...repoOf(pass.gh),
    ref: `heads/${pull.headRef}`,
    sha,
    force: true,
  });
  return sha;
}

/**
 * A sweep proposal made on an older run head is made again on the current one
 * (its branch force-moved), rather than merged: "set NAME to X" applies cleanly
 * where a merge of neighbouring lines would conflict. Returns the new head, or
 * null when there is nothing left to propose (the head already has that value).
 * When the value it starts from moved, so does its description: `pull.experiment` says the new
 * one, and the caller's state write carries it to the PR's title (one request for both).
 */
export async function remakeSweepProposal(pass: RunPass, pull: Tracked): Promise<string | null> {
  const { key } = pull.experiment;
  if (pull.experiment.source !== "sweep" || !key) return null;
  const source = await readTextFile(pass.gh, SWEEP_FILE, pass.head);
  const next = source === null ? null : applySweepKey(source, key);
  if (next === null) return null;
  const sha = await commitFiles(
    pass.gh,
    pass.head,
    { [SWEEP_FILE]: next.source },
    `autoresearch: ${next.description}`,
  );
  await pass.gh.octokit.rest.git.updateRef({
    ...repoOf(pass.gh),
    ref: `heads/${pull.headRef}`,
    sha,
    force: true,
  });
  // What the PR now trains: the caller saves it with the new head (and its title, if it moved).
  const changed = linesEditedInPlace(source as string, next.source);
  pull.experiment = {
    ...pull.experiment,
    description: next.description,
    variant: variantId({ [SWEEP_FILE]: gitBlobSha(next.source) }, [SWEEP_FILE]),
    diff: changed === null ? null : { head_sha: sha, added: changed, removed: changed },
  };
  return sha;
}
