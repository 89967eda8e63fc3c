import { stateBlock } from "../core/state-block.js";
import { trustExperimentPull } from "../core/trust.js";
import { loadConfig } from "../github/config-file.js";
import { sealedBody } from "../github/experiment-pulls.js";
import { canWrite, type RepoClient, repoOf } from "../github/repo.js";
import { comment } from "../github/run-issues.js";
import { isStatus } from "../github/sticky-comment.js";
import { type AppDeps, trustRootOf } from "./app-deps.js";
import { requeued } from "./apply-verdict.js";

/**
 * The rerun label (consumed at once) or the verdict check's Re-run button:
 * train the PR head again and decide again, reopening a closed PR.
 * Only the delivery that removes the label acts, so a redelivered event does nothing.
 */
export async function rerun(
  gh: RepoClient,
  deps: AppDeps,
  request: {
    tag: string;
    pr: number;
    label: string | null;
    by: string;
    via: "label" | "check";
    headSha?: string;
  },
): Promise<void> {
  const config = await loadConfig(gh);
  const rerunLabel = config.ok ? config.config.labels.rerun : "autoresearch:rerun";
  if (request.via === "label") {
    if (request.label !== rerunLabel) return;
    try {
      await gh.octokit.rest.issues.removeLabel({
        ...repoOf(gh),
        issue_number: request.pr,
        name: rerunLabel,
      });
    } catch (error) {
      if (isStatus(error, 404)) return; // consumed by an earlier delivery
      throw error;
    }
  }
  if (!(await canWrite(gh, request.by))) {
    await comment(
      gh,
      request.pr,
      `@${request.by} only people with write access can re-run an experiment.`,
    );
    return;
  }
  const { data: pull } = await gh.octokit.rest.pulls.get({
    ...repoOf(gh),
    pull_number: request.pr,
  });
  // Only an experiment the app itself is keeping counts: a fork's PR or a hand-made block is not one.
  const trust = trustExperimentPull(
    trustRootOf(gh, deps),
    {
      number: pull.number,
      author: pull.user?.login ?? "",
      authorType: pull.user?.type ?? "",
      headRef: pull.head.ref,
      headRepository: pull.head.repo?.full_name ?? null,
    },
    stateBlock.read(pull.body),
  );
  if (trust.kind !== "trusted" || trust.value.tag !== request.tag) return;
  const state = trust.value;
  if (request.via === "check" && (state.phase !== "decided" || state.head_sha !== request.headSha))
    return;
  if (pull.merged_at) {
    await comment(
      gh,
      request.pr,
      "This experiment is already merged into the run branch: it cannot be re-run. Push the idea again as a new branch to measure it once more.",
    );
    return;
  }
  if (state.phase === "queued" || state.phase === "training") return;
  // Queued on the head it was checked and trained on: a newer head goes through every check a
  // new head gets (allowed paths, stale base) before it trains.
  const next = requeued(state, state.head_sha, `re-run requested by @${request.by}`);
  try {
    await gh.octokit.rest.pulls.update({
      ...repoOf(gh),
      pull_number: request.pr,
      body: sealedBody(gh, deps.sealer, { body: pull.body ?? "", headRef: pull.head.ref }, next),
      ...(pull.state === "closed" ? { state: "open" as const } : {}),
    });
  } catch (error) {
    if (!isStatus(error, 422)) throw error;
    await comment(
      gh,
      request.pr,
      `Cannot reopen this PR to re-run it (${error instanceof Error ? error.message : error}): was its branch deleted?`,
    );
    return;
  }
  await comment(
    gh,
    request.pr,
    `🔁 Re-run requested by @${request.by}: this PR is queued to train again.`,
  );
  (deps.log.child?.({ pr: request.pr }) ?? deps.log).info(
    `[${gh.owner}/${gh.repo} ${request.tag}] #${request.pr} re-run by ${request.by} (${request.via})`,
  );
}
