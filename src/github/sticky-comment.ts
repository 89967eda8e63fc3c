import type { Octokit } from "@octokit/rest";

export interface IssueRef {
  owner: string;
  repo: string;
  issue_number: number;
}

export interface FoundComment {
  id: number;
  body: string;
  login: string;
}

/**
 * The newest comment carrying `marker` written by a bot. Human comments that
 * copy the marker are never picked up (they could not be edited anyway).
 */
export async function findStickyComment(
  octokit: Octokit,
  issue: IssueRef,
  marker: string,
): Promise<FoundComment | null> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...issue,
    per_page: 100,
  });
  for (const comment of comments.reverse()) {
    if (comment.body?.includes(marker) && comment.user?.type === "Bot") {
      return { id: comment.id, body: comment.body, login: comment.user.login };
    }
  }
  return null;
}

/** Creates the sticky comment, or edits it in place; returns its id for the next update. */
export async function upsertStickyComment(
  octokit: Octokit,
  issue: IssueRef,
  body: string,
  knownId: number | null,
): Promise<number> {
  if (knownId !== null) {
    try {
      await octokit.rest.issues.updateComment({
        owner: issue.owner,
        repo: issue.repo,
        comment_id: knownId,
        body,
      });
      return knownId;
    } catch (error) {
      // Deleted by someone meanwhile: post a new one rather than lose the report.
      if (!isStatus(error, 404)) throw error;
    }
  }
  const { data } = await octokit.rest.issues.createComment({ ...issue, body });
  return data.id;
}

export function isStatus(error: unknown, status: number): boolean {
  return (
    typeof error === "object" && error !== null && "status" in error && error.status === status
  );
}
