import { runBranch } from "../core/experiment-branch.js";
import type { TrustRoot } from "../core/trust.js";
import { findOpenPull } from "../github/experiment-pulls.js";
import { type RepoClient, repoOf } from "../github/repo.js";
import { findDashboard } from "./find-run.js";

/**
 * A branch pushed as `autoresearch/<tag>--<name>` (by a human, an external agent,
 * or `autoresearch propose`) gets its PR; the next pass checks and queues it.
 * Returns whether a PR was opened.
 */
export async function ensurePushedPull(
  gh: RepoClient,
  root: TrustRoot,
  push: { tag: string; branch: string; message: string | null; pusher: string },
): Promise<boolean> {
  const dashboard = await findDashboard(gh, root, push.tag);
  if (!dashboard || dashboard.run.status === "stopped") return false;
  if ((await findOpenPull(gh, push.branch)) !== null) return false;
  const title =
    push.message
      ?.split("\n")[0]
      .replace(/^autoresearch:\s*/, "")
      .trim() || push.branch.split("/").at(-1)!;
  try {
    await gh.octokit.rest.pulls.create({
      ...repoOf(gh),
      head: push.branch,
      base: runBranch(push.tag),
      title,
      body: `Experiment pushed to \`${push.branch}\` by @${push.pusher}.\n\n${pushedByMarker(push.pusher)}`,
    });
  } catch (error) {
    // 422: a PR for this head exists already (opened by someone else meanwhile), or nothing to compare.
    if (typeof error === "object" && error !== null && "status" in error && error.status === 422)
      return false;
    throw error;
  }
  return true;
}

const PUSHED_BY_RE = /<!-- autoresearch:pushed-by (\S+) -->/;

export function pushedByMarker(login: string): string {
  return `<!-- autoresearch:pushed-by ${login} -->`;
}

/** Who pushed the branch of a PR the app opened for it, if it says. */
export function readPushedBy(body: string): string | null {
  return PUSHED_BY_RE.exec(body)?.[1] ?? null;
}
