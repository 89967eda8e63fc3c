import { pathsOutside } from "../core/diff-stats.js";
import { readPullFiles } from "../github/pull-files.js";
import { repoOf } from "../github/repo.js";
import { comment } from "../github/run-issues.js";
import { save } from "./apply-verdict.js";
import { log, type RunPass, type Tracked } from "./run-view.js";

/** Closed with a reason, never trained, no ledger row. */
export async function reject(pass: RunPass, pull: Tracked, why: string): Promise<void> {
  await comment(pass.gh, pull.number, `🚫 **Not trained:** ${why}.`);
  await save(pass, pull, { ...pull.experiment, phase: "rejected", note: why }, { close: true });
  log(pass, `#${pull.number} rejected: ${why}`, "info", pull.number);
}

export async function filesOutsideAllowed(pass: RunPass, number: number): Promise<string[]> {
  const files = await readPullFiles(pass.gh.octokit, repoOf(pass.gh), number);
  return pathsOutside(
    files.map((f) => f.filename),
    pass.config.allowedPaths,
  );
}

export function violation(pass: RunPass, outside: string[]): string {
  return `it changes ${outside.map((p) => `\`${p}\``).join(", ")}: only ${pass.config.allowedPaths.map((p) => `\`${p}\``).join(", ")} may change (config: allowedPaths)`;
}
