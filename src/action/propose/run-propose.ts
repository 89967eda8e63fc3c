import { join } from "node:path";
import * as core from "@actions/core";
import { experimentBranch, runBranch } from "../../core/experiment-branch.js";
import type { PickedDescription } from "../../core/propose-description.js";
import { buildPromptData, diffTargets } from "../../core/propose-prompt.js";
import { listSome } from "../../core/propose-validation.js";
import { type ExperimentPull, listRunPulls } from "../../github/experiment-pulls.js";
import { renderAgentPrompt } from "../../views/agent-prompt.js";
import { commitProposal } from "./commit-proposal.js";
import { findExperimentBranch, findPatches, findProposalBase, trailOf } from "./find-run-trail.js";
import { openJob, type ProposeJob } from "./propose-job.js";
import { readSmallText } from "./read-small-text.js";
import { type ProposeOutcome, reportProposal } from "./report-proposal.js";
import { runAgent } from "./run-agent.js";
import { validateProposal } from "./validate-proposal.js";

const PROGRAM_MAX_BYTES = 1_000_000;

const DESCRIBED_BY: Record<PickedDescription["from"], string> = {
  file: "from $AUTORESEARCH_DESCRIPTION",
  output: "from the agent's output",
  default: "the agent gave none",
};

/**
 * The action, propose mode: find where the run stands → write the prompt → run
 * the agent without credentials → validate its change → commit it as the next
 * experiment branch (the app sees the push, opens the PR and trains it).
 */
export async function runPropose(): Promise<void> {
  try {
    await reportProposal(await propose(await openJob(process.env)));
  } catch (error) {
    // Not the proposal's fault (inputs, token, checkout, GitHub): no status, the reason says what to fix.
    const message = error instanceof Error ? error.message : String(error);
    core.setOutput("reason", message);
    core.setFailed(message);
    if (error instanceof Error && error.cause) core.debug(String(error.cause));
  }
}

async function propose(job: ProposeJob): Promise<ProposeOutcome> {
  const { inputs, gh, worktree } = job;
  const outcome = (
    o: Pick<ProposeOutcome, "status" | "reason">,
    more: Partial<ProposeOutcome> = {},
  ): ProposeOutcome => ({
    ...o,
    tag: inputs.tag,
    n: inputs.experiment,
    branch: "",
    description: "",
    changed: [],
    agentOutput: "",
    ...more,
  });

  // 1. Find: the commit the agent starts from, and the run's PR trail.
  const { baseSha, runHeadSha } = await findProposalBase(gh, inputs.tag, await worktree.head());
  await assertClean(job);
  // The app's PRs only (bot-authored, this repository): a fork's claims never shape a proposal.
  const pulls = await listRunPulls(gh, runBranch(inputs.tag), {
    repository: `${gh.owner}/${gh.repo}`,
    appLogin: null,
    sealer: null,
  });
  const taken = await findExperimentBranch(gh, pulls, inputs.tag, inputs.experiment);
  if (taken !== null) {
    return outcome({
      status: "invalid",
      reason: `experiment #${inputs.experiment} already has the branch ${taken}: the app dispatches each number once, so this job ran twice`,
    });
  }
  job.log(`${pulls.length} PRs in the run; the agent works on ${baseSha.slice(0, 7)}`);
  if (runHeadSha !== baseSha) {
    job.log(
      `the run branch moved on to ${runHeadSha.slice(0, 7)}: the app updates stale experiments`,
    );
  }

  // 2. Build the prompt; 3. run the agent.
  const agent = await runAgent(job, await buildPrompt(job, baseSha, pulls));

  // 4. Validate what it left behind.
  const checked = await validateProposal({
    gh,
    worktree,
    baseSha,
    allowedPaths: inputs.allowedPaths,
    timeoutMinutes: inputs.agentTimeoutMinutes,
    exit: agent.exit,
    descriptionFile: agent.description,
    outputTail: agent.output,
    pulls,
    log: job.log,
  });
  if (!checked.ok) {
    return outcome(checked.rejection, { changed: checked.changed, agentOutput: agent.output });
  }

  // 5. Commit it as the experiment branch.
  const description = checked.description.text;
  const branch = experimentBranch(inputs.tag, inputs.experiment, description);
  const commit = await commitProposal(gh, worktree, {
    branch,
    parentSha: baseSha,
    files: checked.files,
    message: commitMessage(job, description),
  });
  const made = { description, changed: checked.changed, agentOutput: agent.output };
  if (!commit.created) {
    return outcome(
      {
        status: "invalid",
        reason: `the branch ${branch} appeared while the agent ran: experiment #${inputs.experiment} was proposed twice`,
      },
      made,
    );
  }
  return outcome(
    {
      status: "proposed",
      reason: `created ${branch} at ${commit.sha.slice(0, 7)} on ${baseSha.slice(0, 7)} (description ${DESCRIBED_BY[checked.description.from]}); the app opens and trains its PR`,
    },
    { ...made, branch },
  );
}

/** Files already changed before the agent ran would be taken for its proposal. */
async function assertClean(job: ProposeJob): Promise<void> {
  const dirty = (await job.worktree.status()).split("\0").filter(Boolean);
  if (dirty.length === 0) return;
  throw new Error(
    `working-directory has changes before the agent ran (${listSome(dirty)}): propose mode needs a clean checkout of ${runBranch(job.inputs.tag)}; let setup steps write elsewhere or .gitignore their files`,
  );
}

async function buildPrompt(
  job: ProposeJob,
  baseSha: string,
  pulls: readonly ExperimentPull[],
): Promise<string> {
  const trail = trailOf(pulls);
  const targets = diffTargets(trail);
  return renderAgentPrompt(
    buildPromptData({
      tag: job.inputs.tag,
      n: job.inputs.experiment,
      baseSha,
      allowedPaths: job.inputs.allowedPaths,
      descriptionPath: job.files.description,
      program: readSmallText(join(job.worktree.root, "program.md"), PROGRAM_MAX_BYTES),
      trail,
      patches: await findPatches(job.gh, [targets.kept, targets.discarded]),
    }),
  );
}

function commitMessage(job: ProposeJob, description: string): string {
  const { tag, experiment } = job.inputs;
  const run = job.ctx.runUrl ? `\nWorkflow run: ${job.ctx.runUrl}` : "";
  return `${description}\n\nProposed by the agent for experiment #${experiment} of run ${tag}.${run}\n`;
}
