import * as core from "@actions/core";
import type { Octokit } from "@octokit/rest";
import { createGitHubClient } from "../github/client.js";
import type { RunContext } from "./run-context.js";

/** Rate-limit waits and Octokit warnings go to the job log. */
export const ACTION_LOG = {
  info: (m: string) => core.info(m),
  warn: (m: string) => core.warning(m),
};

/** The action's one GitHub client (retry, throttling, ETags), or null without a token. */
export function actionOctokit(token: string, ctx: RunContext): Octokit | null {
  return token
    ? createGitHubClient({
        auth: token,
        baseUrl: ctx.apiUrl,
        userAgent: "autoresearch-bot-action",
        log: ACTION_LOG,
      })
    : null;
}
