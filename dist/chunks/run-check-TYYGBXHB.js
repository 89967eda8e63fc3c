import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  guardExperiment
} from "./chunk-XSSBLKZP.js";
import {
  createPrReporter,
  renderStartedComment
} from "./chunk-QDBOF43A.js";
import {
  HANDOFF_OUTPUTS,
  jobHandoffPaths,
  readInputs,
  writeHandoffFile
} from "./chunk-ZMAXYNHV.js";
import {
  actionOctokit
} from "./chunk-QZBVA7OT.js";
import {
  readRunContext
} from "./chunk-NCH3SKGW.js";
import "./chunk-DS6XRQEE.js";
import {
  readPullFacts
} from "./chunk-YTXSDDUB.js";
import "./chunk-G4P45L52.js";
import "./chunk-W66Z6FAG.js";
import "./chunk-OZOE3J7Y.js";
import {
  debug,
  info,
  setFailed,
  setOutput
} from "./chunk-LBXT2ELO.js";

// src/action/run-check.ts
async function runCheck() {
  try {
    const inputs = readInputs();
    const ctx = readRunContext(process.env);
    const paths = jobHandoffPaths(process.env);
    const pr = inputs.pullRequest ?? ctx.eventPr;
    const octokit = actionOctokit(inputs.githubToken, ctx);
    if (pr !== null && octokit === null) {
      throw new Error(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression for the workflow
        "mode: check needs github-token (`github-token: ${{ github.token }}`) to read the PR's changed files"
      );
    }
    const pull = octokit && pr ? await readPullFacts(octokit, ctx, pr) : null;
    let verdict = guardExperiment({
      ref: pull ? `refs/heads/${pull.headRef}` : ctx.ref,
      repository: ctx.repository,
      headRepository: pull?.headRepository ?? null,
      changedFiles: pull?.files.map((f) => f.filename) ?? null,
      allowedPaths: inputs.allowedPaths
    });
    if (verdict.ok && pull && ctx.ref && ctx.ref !== `refs/heads/${pull.headRef}`) {
      const message = `PR #${pr} is ${pull.headRef} but this job runs on ${ctx.ref}: dispatch the workflow on the PR's head ref`;
      verdict = { ok: false, reason: "bad-ref", message };
    }
    const check = {
      v: 1,
      run_id: ctx.runId,
      run_attempt: ctx.runAttempt,
      pr,
      head_sha: ctx.sha || pull?.headSha || "",
      verdict: verdict.ok ? { ok: true } : { ok: false, reason: verdict.reason, message: verdict.message }
    };
    await writeHandoffFile(paths.check, check);
    setOutput(HANDOFF_OUTPUTS.check, paths.check);
    if (!verdict.ok) {
      info(`PR #${pr ?? "-"}: refused (${verdict.reason}): ${verdict.message}`);
      return;
    }
    info(`PR #${pr ?? "-"}: may be trained on this runner`);
    const reporter = createPrReporter({ octokit, owner: ctx.owner, repo: ctx.repo, pr });
    await reporter.progress(
      renderStartedComment({
        sha: check.head_sha,
        timeoutMinutes: inputs.timeoutMinutes,
        runUrl: ctx.runUrl
      })
    );
  } catch (error) {
    setFailed(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && error.cause) debug(String(error.cause));
  }
}
export {
  runCheck
};
