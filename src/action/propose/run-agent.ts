import { writeFileSync } from "node:fs";
import * as core from "@actions/core";
import type { AgentExit } from "../../core/propose-validation.js";
import { readTail } from "../read-tail.js";
import { runTraining } from "../run-training.js";
import type { ProposeJob } from "./propose-job.js";
import { readSmallText } from "./read-small-text.js";

const TICK_MS = 60_000;
/** The description is one line; a huge file is the agent's mistake, not a title. */
const DESCRIPTION_MAX_BYTES = 4096;

export interface AgentRun {
  exit: AgentExit;
  /** The end of what the agent printed (stdout and stderr). */
  output: string;
  /** What it wrote to $AUTORESEARCH_DESCRIPTION; null when nothing readable. */
  description: string | null;
}

/**
 * Runs agent-command in the checkout with the prompt and description files,
 * the user's environment (their agent's key) and no GitHub credential, in its
 * own process group killed whole at agent-timeout-minutes: the same runner
 * that trains, because an agent is as untrusted as the code it writes.
 */
export async function runAgent(job: ProposeJob, prompt: string): Promise<AgentRun> {
  const { inputs, files } = job;
  writeFileSync(files.prompt, prompt);
  writeFileSync(files.description, "");
  core.startGroup(`Prompt (${files.prompt})`);
  core.info(prompt);
  core.endGroup();

  job.log(`agent: ${inputs.agentCommand} (timeout ${inputs.agentTimeoutMinutes} min)`);
  const run = await runTraining({
    command: inputs.agentCommand,
    cwd: job.cwd,
    logPath: files.agentLog,
    env: {
      ...job.scrubbed,
      AUTORESEARCH_PROMPT: files.prompt,
      AUTORESEARCH_DESCRIPTION: files.description,
      AUTORESEARCH_TAG: inputs.tag,
      AUTORESEARCH_EXPERIMENT: String(inputs.experiment),
      AUTORESEARCH_ALLOWED_PATHS: inputs.allowedPaths.join(","),
    },
    timeoutMs: inputs.agentTimeoutMinutes * 60_000,
    graceMs: inputs.killGraceSeconds * 1000,
    tickMs: TICK_MS,
    onTick: async (ms) => job.log(`agent still running (${Math.round(ms / 60_000)} min)`),
  });
  const output = await readTail(files.agentLog);
  core.startGroup("Agent output");
  core.info(output);
  core.endGroup();
  return {
    exit: run,
    output,
    description: readSmallText(files.description, DESCRIPTION_MAX_BYTES),
  };
}
