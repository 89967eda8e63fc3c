import { parseExperimentBranch } from "../core/experiment-branch.js";
import { newExperiment } from "../core/state-block.js";
import type { ExperimentPull } from "../github/experiment-pulls.js";
import { repoOf } from "../github/repo.js";
import { comment } from "../github/run-issues.js";
import { isStatus } from "../github/sticky-comment.js";
import { save } from "./apply-verdict.js";
import { nextExperimentNumber } from "./open-experiment.js";
import { readPushedBy } from "./pushed-branch.js";
import { filesOutsideAllowed, reject, violation } from "./reject-experiment.js";
import { log, type RunPass, type Tracked } from "./run-view.js";

/**
 * An open PR into the run branch without a state block the app trusts. A fork's PR is closed
 * untouched; a PR someone else opened from this repository is replaced by the app's own PR for
 * the same branch; the app's own (a pushed branch, or one whose block was edited by hand) is
 * checked and queued afresh.
 */
export async function adopt(pass: RunPass, pull: ExperimentPull): Promise<void> {
  const own = `${pass.gh.owner}/${pass.gh.repo}`;
  if (pull.headRepository?.toLowerCase() !== own.toLowerCase()) return closeFork(pass, pull);
  const parsed = parseExperimentBranch(pull.headRef);
  const wrongBranch = `its branch ${pull.headRef} is not an experiment branch: push to \`${pass.run.branch}--<name>\``;
  if (pull.author !== pass.deps.appLogin) {
    if (!parsed || parsed.tag !== pass.run.tag) return closeUntouched(pass, pull, wrongBranch);
    const replacement = await replaceWithAppPull(pass, pull);
    if (replacement) await adopt(pass, replacement);
    return;
  }
  const base = newExperiment({
    tag: pass.run.tag,
    n: nextExperimentNumber(pass),
    description: pull.title,
    // The propose workflow pushes as the workflow's identity: that is the agent proposer.
    source: pass.config.resultAuthors.includes(readPushedBy(pull.body) ?? "") ? "agent" : "push",
    baseSha: pull.baseSha,
    headSha: pull.headSha,
    key: null,
  });
  const taken = new Set(pass.pulls.map((p) => p.experiment?.n));
  if (parsed?.n && parsed.tag === pass.run.tag && !taken.has(parsed.n)) base.n = parsed.n;
  const tracked = pull as Tracked;
  tracked.experiment = base;
  if (!parsed || parsed.tag !== pass.run.tag) return reject(pass, tracked, wrongBranch);
  const outside = await filesOutsideAllowed(pass, pull.number);
  if (outside.length > 0) return reject(pass, tracked, violation(pass, outside));
  await save(pass, tracked, base);
  log(
    pass,
    `adopted #${pull.number} (${pull.headRef}) as experiment ${base.n}`,
    "info",
    pull.number,
  );
}

/**
 * A fork's code never reaches a runner: its PR is closed as it is (no state written into it,
 * nothing counted), with how to contribute an experiment instead.
 */
async function closeFork(pass: RunPass, pull: ExperimentPull): Promise<void> {
  const from = pull.headRepository ?? "a deleted fork";
  await closeUntouched(
    pass,
    pull,
    `this PR comes from ${from}, and code from forks never reaches this repository's GPU runners.\n\nTo contribute an experiment, push a branch \`${pass.run.branch}--<name>\` to this repository (write access), or ask a maintainer to submit it with \`autoresearch propose\``,
  );
  pass.alerts.push(`#${pull.number} from ${from} was closed untrained: forks never reach a runner`);
}

/** Closed with a reason, nothing written into a body that is not the app's, nothing counted. */
async function closeUntouched(pass: RunPass, pull: ExperimentPull, why: string): Promise<void> {
  await comment(pass.gh, pull.number, `🚫 **Not trained:** ${why}.`);
  await pass.gh.octokit.rest.pulls.update({
    ...repoOf(pass.gh),
    pull_number: pull.number,
    state: "closed",
  });
  pull.state = "closed";
  log(
    pass,
    `#${pull.number} by @${pull.author} closed untouched: ${why.split("\n")[0]}`,
    "warn",
    pull.number,
  );
}

/**
 * Someone opened a PR from a branch of this repository by hand. Its body is theirs, so the app
 * keeps the experiment in a PR of its own for the same branch: theirs is closed with a pointer.
 */
async function replaceWithAppPull(
  pass: RunPass,
  pull: ExperimentPull,
): Promise<ExperimentPull | null> {
  await pass.gh.octokit.rest.pulls.update({
    ...repoOf(pass.gh),
    pull_number: pull.number,
    state: "closed",
  });
  pull.state = "closed";
  let created: Awaited<ReturnType<typeof pass.gh.octokit.rest.pulls.create>>["data"];
  try {
    ({ data: created } = await pass.gh.octokit.rest.pulls.create({
      ...repoOf(pass.gh),
      head: pull.headRef,
      base: pass.run.branch,
      title: pull.title,
      body: `Experiment from \`${pull.headRef}\`, first opened by @${pull.author} as #${pull.number}.`,
      maintainer_can_modify: false,
    }));
  } catch (error) {
    if (!isStatus(error, 422)) throw error;
    await comment(
      pass.gh,
      pull.number,
      `Closed: the app keeps each experiment in a PR of its own, and could not open one for \`${pull.headRef}\` (${error instanceof Error ? error.message : String(error)}).`,
    );
    return null;
  }
  await comment(
    pass.gh,
    pull.number,
    `The app keeps each experiment in a PR of its own: this branch is now #${created.number}, where it is checked, trained and decided.`,
  );
  log(
    pass,
    `#${pull.number} by @${pull.author} replaced by the app's #${created.number}`,
    "info",
    pull.number,
  );
  const replacement: ExperimentPull = {
    ...pull,
    number: created.number,
    body: created.body ?? "",
    state: "open",
    merged: false,
    headSha: created.head.sha,
    baseSha: created.base.sha,
    labels: [],
    author: pass.deps.appLogin,
    experiment: null,
    distrust: null,
    reseal: false,
  };
  pass.pulls.push(replacement);
  return replacement;
}
