import { Octokit } from "@octokit/rest";
import type { RunContext } from "./run-context.js";

/** The action's one GitHub client, or null without a token. */
export function actionOctokit(token: string, ctx: RunContext): Octokit | null {
  return token
    ? new Octokit({ auth: token, baseUrl: ctx.apiUrl, userAgent: "autoresearch-bot-action" })
    : null;
}
