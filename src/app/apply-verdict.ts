import { digestLines, formatBpb, formatDelta } from "../core/digest.js";
import { hearComment, markersOf } from "../core/heard-comments.js";
import { experimentLabels } from "../core/labels.js";
import type { TrainResult } from "../core/result-marker.js";
import type { ExperimentState, Verdict } from "../core/state-block.js";
import { completeCheck, VERDICT_CHECK } from "../github/check-runs.js";
import { mergeTestedHead, saveExperimentState } from "../github/experiment-pulls.js";
import { branchSha, containsCommit, deleteBranch, repoOf } from "../github/repo.js";
import { comment } from "../github/run-issues.js";
import { readVerdictMarker, renderVerdictComment } from "../views/verdict-comment.js";
import { log, pullKey, type RunPass, type Tracked } from "./run-view.js";

/**
 * Records a verdict and makes it so on GitHub. A keep: its state block (with its labels) first,
 * then comment, chat digest and check run, then the merge. Anything else: comment, digest and
 * check run, then one write of the state block, its labels and the closing. A pass that stops in
 * between decides again from the same result (or applies the written keep); a verdict comment
 * already posted (`posted`) is not posted twice, and its check run is looked for before it is made.
 */
export async function recordVerdict(
  pass: RunPass,
  pull: Tracked,
  result: TrainResult,
  verdict: Verdict,
  /** Every val_bpb it was decided on, when it was trained more than once (policy.confirm). */
  runs: readonly number[] | null = null,
  posted = false,
): Promise<void> {
  const state: ExperimentState = {
    ...pull.experiment,
    ...(runs === null ? {} : { runs: [...runs] }),
    phase: "decided",
    result,
    verdict,
    decided_at: pass.now,
  };
  log(pass, `#${pull.number} ${verdict.status}: ${verdict.reason}`, "info", pull.number);
  if (verdict.status === "keep") {
    // A merge cannot be taken back: the keep is written down before anything else happens.
    await save(pass, pull, state);
    await postVerdict(pass, pull, state, posted);
    await mergeKept(pass, pull);
  } else {
    await postVerdict(pass, pull, state, posted);
    await save(pass, pull, state, { close: true });
    await afterClose(pass, pull);
  }
}

/**
 * The recovery path: a decided experiment whose PR is still open (a restart between the state
 * write and the merge). Looks before posting so nothing appears twice.
 */
export async function applyVerdict(pass: RunPass, pull: Tracked): Promise<void> {
  const state = pull.experiment;
  await postVerdict(pass, pull, state, await verdictPosted(pass, pull.number, state));
  if (state.verdict!.status === "keep") {
    await save(pass, pull, state);
    await mergeKept(pass, pull);
  } else {
    await save(pass, pull, state, { close: true });
    await afterClose(pass, pull);
  }
}

/**
 * The verdict where people look: a comment, the chat digest, a check run with a Re-run button.
 * The comment is the record that the verdict was posted (`commented`: by an earlier pass that
 * stopped after it): then only the check run may be missing, and it is looked for before it is
 * made, so a failed write never doubles it.
 */
async function postVerdict(
  pass: RunPass,
  pull: Tracked,
  state: ExperimentState,
  commented: boolean,
): Promise<void> {
  const verdict = state.verdict!;
  const result = state.result!;
  const digest = digestLines({
    n: state.n,
    description: state.description,
    best: verdict.best,
    valBpb: result.val_bpb,
    status: verdict.status,
    crashReason: result.crash_reason,
  });
  const externalId = `${state.tag}#${state.n}@${state.attempts}`;
  if (!commented) await postVerdictComment(pass, pull, state, digest);
  else if (await hasVerdictCheck(pass, state.head_sha, externalId)) return;
  await completeCheck(pass.gh, {
    name: VERDICT_CHECK,
    headSha: state.head_sha,
    conclusion:
      verdict.status === "keep" ? "success" : verdict.status === "crash" ? "failure" : "neutral",
    title: checkTitle(verdict, result),
    summary: `${verdict.reason}\n\n\`\`\`\n${digest}\n\`\`\``,
    text: policyText(pass),
    rerunButton: true,
    externalId,
  });
}

async function postVerdictComment(
  pass: RunPass,
  pull: Tracked,
  state: ExperimentState,
  digest: string,
): Promise<void> {
  const verdict = state.verdict!;
  const result = state.result!;
  const body = renderVerdictComment({
    n: state.n,
    description: state.description,
    verdict,
    result,
    digest,
    attempt: state.attempts,
  });
  const posted = await comment(pass.gh, pull.number, body);
  // Remembered at once: a pass that retries this verdict (its state write failed) sees it posted.
  const heard = pass.deps.caches?.heardComments;
  if (heard) {
    const key = pullKey(pass, pull.number);
    heard.set(
      key,
      hearComment(heard.get(key), {
        id: posted.id,
        author: pass.deps.appLogin,
        markers: markersOf(body),
        updatedAt: posted.updatedAt,
      }),
    );
  }
  // A re-measurement is bookkeeping, not news: the dashboard's noise floor carries it.
  if (verdict.status !== "remeasure") notify(pass, digest);
}

/** Whether this app already made the verdict check of this attempt on the head (a retry only). */
async function hasVerdictCheck(
  pass: RunPass,
  headSha: string,
  externalId: string,
): Promise<boolean> {
  const runs = await pass.gh.octokit.paginate(pass.gh.octokit.rest.checks.listForRef, {
    ...repoOf(pass.gh),
    ref: headSha,
    check_name: VERDICT_CHECK,
    filter: "all",
    per_page: 100,
  });
  const slug = pass.deps.appLogin.replace(/\[bot\]$/, "");
  return runs.some((r) => r.external_id === externalId && r.app?.slug === slug);
}

async function mergeKept(pass: RunPass, pull: Tracked): Promise<void> {
  const state = pull.experiment;
  await assertSoleWriter(pass, pull);
  if (state.source !== "baseline" && !(await containsCommit(pass.gh, pass.head, state.head_sha))) {
    // Decided on an older run head (another writer merged meanwhile, or a restart in between):
    // merging now would combine two changes nobody trained together. Train it on the new head.
    log(
      pass,
      `#${pull.number} was decided on an older run head: training it on the new head first`,
      "warn",
      pull.number,
    );
    await save(
      pass,
      pull,
      requeued(
        state,
        state.head_sha,
        "the run branch moved after this was decided: training it on the new head before it may merge",
      ),
    );
    return;
  }
  const outcome = await mergeTestedHead(pass.gh, pull, state.head_sha, pass.config.mergeMethod);
  if (outcome.merged) {
    pass.head = outcome.sha;
    pull.state = "closed";
    pull.merged = true;
    if (pass.config.deleteBranches) await deleteBranch(pass.gh, pull.headRef);
    return;
  }
  if (!outcome.headMoved) {
    // 405 also answers a PR that is already merged: another pass (before a restart) got there first.
    const { data } = await pass.gh.octokit.rest.pulls.get({
      ...repoOf(pass.gh),
      pull_number: pull.number,
    });
    if (data.merged) {
      pull.state = "closed";
      pull.merged = true;
      pass.head = (await branchSha(pass.gh, pass.run.branch)) ?? pass.head;
      return;
    }
  }
  if (outcome.headMoved) {
    // Never merge an untested head: train the new one, then decide again.
    log(
      pass,
      `#${pull.number} head moved before the merge (${outcome.message}); training the new head`,
      "warn",
      pull.number,
    );
    const { data } = await pass.gh.octokit.rest.pulls.get({
      ...repoOf(pass.gh),
      pull_number: pull.number,
    });
    pull.headSha = data.head.sha;
    await save(
      pass,
      pull,
      requeued(state, data.head.sha, "the head moved after training: retraining the new head"),
    );
    return;
  }
  if (state.source === "baseline") {
    // An empty baseline commit has nothing to merge: the run branch already is the baseline.
    await closeExperiment(pass, pull);
    return;
  }
  const verdict: Verdict = {
    ...state.verdict!,
    status: "discard",
    reason: `would keep, but GitHub cannot merge it (${outcome.message}): discarded`,
  };
  await save(pass, pull, { ...state, verdict }, { close: true });
  await afterClose(pass, pull);
}

async function closeExperiment(pass: RunPass, pull: Tracked): Promise<void> {
  await pass.gh.octokit.rest.pulls.update({
    ...repoOf(pass.gh),
    pull_number: pull.number,
    state: "closed",
  });
  pull.state = "closed";
  await afterClose(pass, pull);
}

async function afterClose(pass: RunPass, pull: Tracked): Promise<void> {
  if (pass.config.deleteBranches) await deleteBranch(pass.gh, pull.headRef);
}

/**
 * Writes an experiment's state block; its labels (and, with `close`, its closing; with `title`,
 * a new title) go in the same request when they change.
 */
export async function save(
  pass: RunPass,
  pull: Tracked,
  state: ExperimentState,
  options: { close?: boolean; title?: string } = {},
): Promise<void> {
  const labels = experimentLabels(pull.labels, pass.config.labels, state) ?? undefined;
  const close = options.close === true && pull.state === "open";
  const title = options.title !== undefined && options.title !== pull.title ? options.title : null;
  pull.body = await saveExperimentState(pass.gh, pass.deps.sealer, pull, state, {
    labels,
    ...(close ? { state: "closed" as const } : {}),
    ...(title !== null ? { title } : {}),
  });
  pull.experiment = state;
  if (labels) pull.labels = labels;
  if (close) pull.state = "closed";
  if (title !== null) pull.title = title;
}

/** Back to the queue for a new training of `headSha`, forgetting the old verdict. */
export function requeued(state: ExperimentState, headSha: string, note: string): ExperimentState {
  return {
    ...state,
    phase: "queued",
    head_sha: headSha,
    result: null,
    verdict: null,
    decided_at: null,
    infra_failures: 0,
    run_id: null,
    confirmations: [],
    runs: null,
    note,
  };
}

async function verdictPosted(
  pass: RunPass,
  number: number,
  state: ExperimentState,
): Promise<boolean> {
  const comments = await pass.gh.octokit.paginate(pass.gh.octokit.rest.issues.listComments, {
    ...repoOf(pass.gh),
    issue_number: number,
    per_page: 100,
  });
  return comments.some((c) => {
    const marker = readVerdictMarker(c.body);
    return (
      marker?.n === state.n &&
      marker.head_sha === state.head_sha &&
      marker.attempt === state.attempts
    );
  });
}

/** Hands the digest to the chats and goes on: a slow or failing chat never holds the verdict. */
function notify(pass: RunPass, digest: string): void {
  const send = pass.deps.notify;
  if (!send || !pass.config.notify) return;
  try {
    send({ tag: pass.run.tag, digest });
  } catch (error) {
    log(pass, `chat digest not sent (${String(error)})`, "warn");
  }
}

function checkTitle(verdict: Verdict, result: TrainResult): string {
  if (verdict.status === "crash") return `crash (${result.crash_reason ?? "unknown"})`;
  if (verdict.status === "remeasure") {
    const delta = verdict.delta === null ? "" : ` (${formatDelta(verdict.delta)} from recorded)`;
    return `remeasure: val_bpb ${formatBpb(result.val_bpb)}${delta}`;
  }
  const delta = verdict.delta === null ? "" : ` (${formatDelta(verdict.delta)})`;
  return `${verdict.status}: val_bpb ${formatBpb(result.val_bpb)}${delta}`;
}

function policyText(pass: RunPass): string {
  const p = pass.config.policy;
  return [
    "Policy (.github/autoresearch.yml):",
    `- minImprovement: ${p.minImprovement}`,
    `- simplicityCostPerLine: ${p.simplicityCostPerLine}`,
    `- seedOnly: ${p.seedOnly}`,
    `- confirm: below ${p.confirm.below}, runs ${p.confirm.runs}`,
    `- baselineEvery: ${p.baselineEvery}`,
    "",
    `Re-run: the button above, or the label \`${pass.config.labels.rerun}\` on the PR.`,
  ].join("\n");
}

/** Someone else wrote to the run while this pass decided: never merge on a snapshot that is gone. */
export class RunMovedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunMovedError";
  }
}

/**
 * Right before a merge: this pass still holds the run's lease, and the run branch is where the
 * pass read it. Otherwise the pass stops; the next one decides again from what GitHub says then.
 */
async function assertSoleWriter(pass: RunPass, pull: Tracked): Promise<void> {
  if (pass.guard?.lost()) {
    throw new RunMovedError(
      `#${pull.number} not merged: this pass lost the run's lease (another instance may be writing); the next pass decides again`,
    );
  }
  const head = await branchSha(pass.gh, pass.run.branch);
  if (head !== pass.head) {
    throw new RunMovedError(
      `#${pull.number} not merged: the run branch moved to ${head?.slice(0, 7) ?? "nothing"} since this pass read ${pass.head.slice(0, 7)}; the next pass decides again`,
    );
  }
}
