import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as core from "@actions/core";
import type { ProposeInputs } from "../../core/propose-inputs.js";
import { trainingEnv } from "../../core/training-env.js";
import { createGitHubClient } from "../../github/client.js";
import type { RepoClient } from "../../github/repo.js";
import { ACTION_LOG } from "../octokit.js";
import { type RunContext, readRunContext } from "../run-context.js";
import { openWorktree, type Worktree } from "./git-worktree.js";
import { readProposeInputs } from "./read-propose-inputs.js";

/** Files the job writes, outside the checkout so none of them shows up as a change. */
export interface JobFiles {
  prompt: string;
  description: string;
  agentLog: string;
  pycache: string;
}

/** Everything one propose job works with, read once at its start. */
export interface ProposeJob {
  inputs: ProposeInputs;
  ctx: RunContext;
  gh: RepoClient;
  files: JobFiles;
  /** The runner's environment without GitHub credentials: what the agent and git get. */
  scrubbed: Record<string, string>;
  /** The working directory the agent runs in. */
  cwd: string;
  worktree: Worktree;
  log(message: string): void;
}

export async function openJob(env: NodeJS.ProcessEnv): Promise<ProposeJob> {
  const inputs = readProposeInputs(env);
  const ctx = readRunContext(env);
  const files = jobFiles(env.RUNNER_TEMP);
  const scrubbed = trainingEnv(env);
  const cwd = resolve(inputs.workingDirectory);
  return {
    inputs,
    ctx,
    gh: {
      octokit: createGitHubClient({
        auth: inputs.githubToken,
        baseUrl: ctx.apiUrl,
        userAgent: "autoresearch-bot-action",
        log: ACTION_LOG,
      }),
      owner: ctx.owner,
      repo: ctx.repo,
    },
    files,
    scrubbed,
    cwd,
    worktree: await openWorktree(cwd, scrubbed, files.pycache),
    log: (message) => core.info(`[propose ${inputs.tag} #${inputs.experiment}] ${message}`),
  };
}

function jobFiles(runnerTemp: string | undefined): JobFiles {
  const dir = runnerTemp || mkdtempSync(join(tmpdir(), "autoresearch-propose-"));
  mkdirSync(dir, { recursive: true });
  return {
    prompt: join(dir, "autoresearch-prompt.md"),
    description: join(dir, "autoresearch-description.txt"),
    agentLog: join(dir, "autoresearch-agent.log"),
    pycache: join(dir, "autoresearch-pycache"),
  };
}
