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
  retryDelayMs?: number;
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
      // The app decides from this comment: try hard before giving up.
      const attempts = 4;
      for (let i = 1; ; i++) {
        try {
          await upsert(body);
          return;
        } catch (error) {
          if (i >= attempts) {
            throw new Error(`PR #${pr}: could not post the result after ${attempts} attempts`, {
              cause: error,
            });
          }
          core.warning(`PR #${pr}: posting the result failed (${describe(error)}), retrying`);
          await new Promise((r) => setTimeout(r, (options.retryDelayMs ?? 2000) * i));
        }
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
