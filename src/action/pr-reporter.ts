import * as core from "@actions/core";
import type { Octokit } from "@octokit/rest";
import { findStickyComment, upsertStickyComment } from "../github/sticky-comment.js";
import { RUNNER_MARKER } from "../views/runner-comment.js";

/** Keeps the one sticky comment on the PR up to date; a no-op that says why when there is no PR or token. */
export interface PrReporter {
  readonly enabled: boolean;
  progress(body: string): Promise<void>;
  final(body: string): Promise<void>;
}

export function createPrReporter(options: {
  octokit: Octokit | null;
  owner: string;
  repo: string;
  pr: number | null;
}): PrReporter {
  const { octokit, pr } = options;
  if (octokit === null || pr === null) {
    const why = pr === null ? "no pull request is known (input pull-request)" : "no github-token";
    core.info(
      `No PR comment will be posted: ${why}. The result is in the outputs and the job summary.`,
    );
    return { enabled: false, progress: async () => {}, final: async () => {} };
  }
  const issue = { owner: options.owner, repo: options.repo, issue_number: pr };
  let commentId: number | null | undefined;
  const upsert = async (body: string) => {
    if (commentId === undefined) {
      commentId = (await findStickyComment(octokit, issue, RUNNER_MARKER))?.id ?? null;
    }
    commentId = await upsertStickyComment(octokit, issue, body, commentId);
  };
  return {
    enabled: true,
    async progress(body) {
      try {
        await upsert(body);
      } catch (error) {
        core.warning(
          `PR #${pr}: progress comment not updated (${describe(error)}); training goes on.`,
        );
      }
    },
    async final(body) {
      // The app decides from this comment. The client already retried 5xx and waited out rate
      // limits (src/github/client.ts): what still fails here fails the step, loudly.
      try {
        await upsert(body);
      } catch (error) {
        throw new Error(`PR #${pr}: could not post the result (${describe(error)})`, {
          cause: error,
        });
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
