import * as core from "@actions/core";
import { explainError } from "../app/explain-error.js";
import { runAppForWorkflowEvent } from "../app/workflow-entry.js";

/**
 * `mode: app` (zero-server): the app's logic for the event that started this workflow run, with
 * the job's GITHUB_TOKEN. Fails the job when something failed for good, saying what.
 */
export async function runApp(): Promise<void> {
  try {
    const result = await runAppForWorkflowEvent(core.getInput("github-token"), process.env, {
      info: (m) => core.info(m),
      warn: (m) => core.warning(m),
    });
    core.info(`autoresearch-bot: ${result.summary}`);
    if (result.failures.length > 0)
      core.setFailed(
        `autoresearch-bot: ${result.failures.join("; ")} (the log above says why; the next event or scheduled heartbeat tries again)`,
      );
  } catch (error) {
    core.setFailed(`autoresearch-bot: ${explainError(error)}`);
  }
}
