import * as core from "@actions/core";
import { type GuardVerdict, guardExperiment } from "../core/guard.js";
import { type CheckFile, HANDOFF_OUTPUTS } from "../core/step-handoff.js";
import { readPullFacts } from "../github/pull-files.js";
import { renderStartedComment } from "../views/runner-comment.js";
import { jobHandoffPaths, writeHandoffFile } from "./handoff-files.js";
import { readInputs } from "./inputs.js";
import { actionOctokit } from "./octokit.js";
import { createPrReporter } from "./pr-reporter.js";
import { readRunContext } from "./run-context.js";

/**
 * `mode: check`, the step before training, with the token: reads the PR, decides whether this
 * runner may train it (own experiment branch, not a fork, only allowed paths changed), leaves the
 * verdict in check.json for the token-less train step and says "training started" on the PR.
 * It passes even when it refuses the PR: the report step posts the refusal and fails the job.
 */
export async function runCheck(): Promise<void> {
  try {
    const inputs = readInputs();
    const ctx = readRunContext(process.env);
    const paths = jobHandoffPaths(process.env);
    const pr = inputs.pullRequest ?? ctx.eventPr;
    const octokit = actionOctokit(inputs.githubToken, ctx);
    if (pr !== null && octokit === null) {
      throw new Error(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression for the workflow
        "mode: check needs github-token (`github-token: ${{ github.token }}`) to read the PR's changed files",
      );
    }

    // 1. Find: the PR's head and files (none without a PR: only the ref can be checked).
    const pull = octokit && pr ? await readPullFacts(octokit, ctx, pr) : null;

    // 2. Decide.
    let verdict: GuardVerdict = guardExperiment({
      ref: pull ? `refs/heads/${pull.headRef}` : ctx.ref,
      repository: ctx.repository,
      headRepository: pull?.headRepository ?? null,
      changedFiles: pull?.files.map((f) => f.filename) ?? null,
      allowedPaths: inputs.allowedPaths,
    });
    if (verdict.ok && pull && ctx.ref && ctx.ref !== `refs/heads/${pull.headRef}`) {
      const message = `PR #${pr} is ${pull.headRef} but this job runs on ${ctx.ref}: dispatch the workflow on the PR's head ref`;
      verdict = { ok: false, reason: "bad-ref", message };
    }

    // 3. Hand over, then tell the PR.
    const check: CheckFile = {
      v: 1,
      run_id: ctx.runId,
      run_attempt: ctx.runAttempt,
      pr,
      head_sha: ctx.sha || pull?.headSha || "",
      verdict: verdict.ok
        ? { ok: true }
        : { ok: false, reason: verdict.reason, message: verdict.message },
    };
    await writeHandoffFile(paths.check, check);
    core.setOutput(HANDOFF_OUTPUTS.check, paths.check);
    if (!verdict.ok) {
      core.info(`PR #${pr ?? "-"}: refused (${verdict.reason}): ${verdict.message}`);
      return;
    }
    core.info(`PR #${pr ?? "-"}: may be trained on this runner`);
    const reporter = createPrReporter({ octokit, owner: ctx.owner, repo: ctx.repo, pr });
    await reporter.progress(
      renderStartedComment({
        sha: check.head_sha,
        timeoutMinutes: inputs.timeoutMinutes,
        runUrl: ctx.runUrl,
      }),
    );
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && error.cause) core.debug(String(error.cause));
  }
}
