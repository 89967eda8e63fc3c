/**
 * The app answers each `/autoresearch` comment once, with a hidden marker naming the
 * comment it answers (src/app/run-commands.ts replyOnce). The CLI says a command as a
 * comment, then waits here for that answer.
 */
import { readReply } from "../core/reply-marker.js";
import type { RepoClient } from "../github/repo.js";
import { repoOf } from "../github/repo.js";

interface CommentLike {
  body?: string | null;
  user?: { type?: string } | null;
}

/** The app's reply to `commentId` among an issue's comments, without its marker; null when none yet. */
export function findReply(comments: readonly CommentLike[], commentId: number): string | null {
  for (const comment of comments) {
    const reply = comment.body ? readReply(comment.body) : null;
    // Only a bot's comment counts: a human quoting the marker is not the app answering.
    if (reply && reply.to === commentId && comment.user?.type === "Bot") return reply.text.trim();
  }
  return null;
}

export interface WaitOptions {
  seconds: number;
  /** Called about once a second with the seconds waited so far. */
  onTick: (waited: number) => void;
  pollMs?: number;
}

/** Polls the issue's comments until the app replies or `seconds` pass; null on timeout. */
export async function waitForReply(
  gh: RepoClient,
  issue: number,
  commentId: number,
  options: WaitOptions,
): Promise<string | null> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 1000;
  for (;;) {
    const comments = await gh.octokit.paginate(gh.octokit.rest.issues.listComments, {
      ...repoOf(gh),
      issue_number: issue,
      per_page: 100,
    });
    const reply = findReply(comments, commentId);
    if (reply !== null) return reply;
    const waited = (Date.now() - started) / 1000;
    if (waited >= options.seconds) return null;
    options.onTick(Math.floor(waited));
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Comments `body` on an issue as the token's user and waits for the app's reply (null: none in time). */
export async function sayToApp(
  gh: RepoClient,
  issue: number,
  body: string,
  wait: { seconds: number; progress: (text: string) => void; endProgress: () => void },
): Promise<{ commentId: number; reply: string | null }> {
  const { data } = await gh.octokit.rest.issues.createComment({
    ...repoOf(gh),
    issue_number: issue,
    body,
  });
  if (wait.seconds === 0) return { commentId: data.id, reply: null };
  const limit = Math.round(wait.seconds);
  try {
    const reply = await waitForReply(gh, issue, data.id, {
      seconds: wait.seconds,
      onTick: (waited) =>
        wait.progress(`Waiting for the app to answer on #${issue}… ${waited}s of ${limit}s`),
    });
    return { commentId: data.id, reply };
  } finally {
    wait.endProgress();
  }
}

/** What to do when the app did not answer: usually it is not installed on the repository, or not running. */
export function noReplyMessage(fullName: string, where: string, seconds: number): string {
  return `no answer from the autoresearch app within ${seconds}s on ${where}: the app may not be installed on ${fullName} (with the issue_comment event), or not running. Check its installation and logs; the comment stays there, so if the app is only slow its answer appears on that issue later (or wait longer with --wait).`;
}
