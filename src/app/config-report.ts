import type { Config } from "../core/config.js";
import { CONFIG_CHECK, completeCheck } from "../github/check-runs.js";
import { loadConfigVersion } from "../github/config-file.js";
import { branchSha, defaultBranch, type RepoClient } from "../github/repo.js";
import {
  CONFIG_LABEL,
  comment,
  createIssue,
  findOpenIssue,
  updateIssue,
} from "../github/run-issues.js";
import { renderConfigProblems } from "../views/config-problems.js";
import type { AppDeps } from "./app-deps.js";

/**
 * The run's config, or null after reporting why it cannot be used: a failing
 * check on the default branch head and one "action required" issue, which
 * closes itself once the file is fixed. The run waits meanwhile.
 */
export async function checkConfig(
  gh: RepoClient,
  deps: AppDeps,
  dashboard: number,
): Promise<Config | null> {
  const { parse: read, version } = await loadConfigVersion(gh);
  // Per repository, the version of the file last found valid with no problem issue left open.
  // Any other version is looked at afresh, and a broken one forgets it (a revert to the same
  // valid file must still close the issue).
  const settled = deps.caches?.configSettled;
  const repo = `${gh.owner}/${gh.repo}`;
  // A valid file already seen with no problem issue open: nothing to close, no need to look.
  if (read.ok && settled?.get(repo) === version) return read.config;
  if (!read.ok) settled?.delete(repo);
  const open = await findOpenIssue(gh, CONFIG_LABEL);
  if (read.ok) {
    settled?.set(repo, version);
    if (open) {
      await comment(
        gh,
        open.number,
        "✅ `.github/autoresearch.yml` is valid again: the runs carry on.",
      );
      await updateIssue(gh, open.number, { state: "closed" });
      await comment(gh, dashboard, "✅ The config is valid again: the run carries on.");
    }
    return read.config;
  }
  const body = renderConfigProblems({ problems: read.problems });
  if (open?.body === body) return null;
  deps.log.warn(
    `[${gh.owner}/${gh.repo}] invalid .github/autoresearch.yml: ${read.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
  );
  const branch = await defaultBranch(gh);
  const sha = await branchSha(gh, branch);
  if (sha) {
    await completeCheck(gh, {
      name: CONFIG_CHECK,
      headSha: sha,
      conclusion: "failure",
      title: `${read.problems.length} problem(s) in .github/autoresearch.yml`,
      summary: body,
    });
  }
  if (open) {
    await updateIssue(gh, open.number, { body });
  } else {
    const number = await createIssue(gh, {
      title: "autoresearch: fix .github/autoresearch.yml (runs are waiting)",
      body,
      labels: [CONFIG_LABEL],
    });
    await comment(gh, dashboard, `⚠️ The config is invalid, so this run waits: see #${number}.`);
  }
  return null;
}
