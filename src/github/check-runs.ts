import { type RepoClient, repoOf } from "./repo.js";

export const VERDICT_CHECK = "autoresearch / verdict";
export const CONFIG_CHECK = "autoresearch / config";
export const RERUN_ACTION = "rerun";

/** A completed check run on a commit; the verdict check carries a Re-run button. */
export async function completeCheck(
  gh: RepoClient,
  check: {
    name: string;
    headSha: string;
    conclusion: "success" | "failure" | "neutral" | "action_required";
    title: string;
    summary: string;
    text?: string;
    rerunButton?: boolean;
    externalId?: string;
  },
): Promise<void> {
  await gh.octokit.rest.checks.create({
    ...repoOf(gh),
    name: check.name,
    head_sha: check.headSha,
    status: "completed",
    conclusion: check.conclusion,
    external_id: check.externalId,
    output: { title: check.title, summary: check.summary.slice(0, 65_000), text: check.text },
    actions: check.rerunButton
      ? [{ label: "Re-run", description: "Train this experiment again", identifier: RERUN_ACTION }]
      : undefined,
  });
}
