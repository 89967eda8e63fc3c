import { runBranch } from "../../core/experiment-branch.js";
import { patchText, type TrailPull } from "../../core/propose-prompt.js";
import {
  branchOfExperiment,
  compareRecordedVariant,
  type Fingerprint,
  sameVariant,
  type TriedVariant,
} from "../../core/propose-validation.js";
import type { DecidedExperiment } from "../../core/schedule.js";
import type { ExperimentPull } from "../../github/experiment-pulls.js";
import { readPullFacts } from "../../github/pull-files.js";
import { branchSha, containsCommit, type RepoClient, repoOf } from "../../github/repo.js";
import { isStatus } from "../../github/sticky-comment.js";

/** What the agent's change is made on: the checkout's commit, which must be on the run branch. */
export async function findProposalBase(
  gh: RepoClient,
  tag: string,
  checkoutSha: string,
): Promise<{ baseSha: string; runHeadSha: string }> {
  const branch = runBranch(tag);
  const runHeadSha = await branchSha(gh, branch);
  if (runHeadSha === null) {
    throw new Error(
      `the run branch ${branch} does not exist: start the run first (/autoresearch start ${tag}) or fix input tag`,
    );
  }
  if (checkoutSha !== runHeadSha && !(await containsCommit(gh, checkoutSha, runHeadSha))) {
    throw new Error(
      `working-directory is at ${checkoutSha.slice(0, 7)}, which is not on ${branch}: check out ref ${branch} (actions/checkout with ref: ${branch})`,
    );
  }
  return { baseSha: checkoutSha, runHeadSha };
}

/**
 * An `autoresearch/<tag>--<n>-…` branch that already exists: experiment n was
 * proposed before. PR heads first (already read), then branches without a PR yet.
 */
export async function findExperimentBranch(
  gh: RepoClient,
  pulls: readonly ExperimentPull[],
  tag: string,
  n: number,
): Promise<string | null> {
  const withPull = branchOfExperiment(
    pulls.map((p) => p.headRef),
    tag,
    n,
  );
  if (withPull !== null) return withPull;
  // GitHub matches refs by string prefix: `--1-` finds `--1-lr`, not `--10-lr`.
  const prefix = `heads/${runBranch(tag)}--${n}-`;
  const { data } = await gh.octokit.rest.git.listMatchingRefs({ ...repoOf(gh), ref: prefix });
  return branchOfExperiment(
    data.map((r) => r.ref),
    tag,
    n,
  );
}

export function trailOf(pulls: readonly ExperimentPull[]): TrailPull[] {
  return pulls.map((p) => ({
    pr: p.number,
    title: p.title,
    open: p.state === "open",
    state: p.experiment,
  }));
}

/** The unified diffs of the experiments the prompt shows, by PR number. */
export async function findPatches(
  gh: RepoClient,
  targets: readonly (DecidedExperiment | null)[],
): Promise<Map<number, string>> {
  const patches = new Map<number, string>();
  for (const target of targets) {
    if (!target || patches.has(target.pr)) continue;
    const facts = await readPullFacts(gh.octokit, repoOf(gh), target.pr);
    patches.set(target.pr, patchText(facts.files));
  }
  return patches;
}

/**
 * The first PR of the run whose head holds exactly the proposal's allowed files. State blocks
 * that record their `variant` answer without a request. Older blocks (made before the app
 * recorded variants), PRs without a block, and variants of other allowed paths fall back to
 * one contents read per PR head and path, stopping at the first path that differs.
 */
export async function findTriedVariant(
  gh: RepoClient,
  pulls: readonly ExperimentPull[],
  mine: Fingerprint,
  paths: readonly string[],
): Promise<TriedVariant | null> {
  const unrecorded: ExperimentPull[] = [];
  for (const pull of pulls) {
    const recorded = compareRecordedVariant(pull.experiment?.variant, mine, paths);
    if (recorded === "same") {
      return {
        pr: pull.number,
        description: pull.experiment?.description ?? pull.title,
        fingerprint: mine,
      };
    }
    if (recorded === "unknown") unrecorded.push(pull);
  }
  const seen = new Set<string>();
  for (const pull of unrecorded) {
    if (seen.has(pull.headSha)) continue;
    seen.add(pull.headSha);
    const theirs: Record<string, string | null> = {};
    for (const path of paths) {
      theirs[path] = await blobShaAt(gh, pull.headSha, path);
      if (theirs[path] !== (mine[path] ?? null)) break;
    }
    if (sameVariant(mine, theirs, paths)) {
      return {
        pr: pull.number,
        description: pull.experiment?.description ?? pull.title,
        fingerprint: theirs,
      };
    }
  }
  return null;
}

async function blobShaAt(gh: RepoClient, ref: string, path: string): Promise<string | null> {
  try {
    const { data } = await gh.octokit.rest.repos.getContent({ ...repoOf(gh), path, ref });
    return !Array.isArray(data) && data.type === "file" ? data.sha : null;
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}
