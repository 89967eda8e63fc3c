import { parseExperimentBranch } from "../core/experiment-branch.js";
import { newExperiment } from "../core/state-block.js";
import type { ExperimentPull } from "../github/experiment-pulls.js";
import { repoOf } from "../github/repo.js";
import { save } from "./apply-verdict.js";
import { nextExperimentNumber } from "./open-experiment.js";
import { readPushedBy } from "./pushed-branch.js";
import { filesOutsideAllowed, reject, violation } from "./reject-experiment.js";
import { log, type RunPass, type Tracked } from "./run-view.js";

/** A PR that arrived without a state block: check it, then queue it as an experiment. */
export async function adopt(pass: RunPass, pull: ExperimentPull): Promise<void> {
  const parsed = parseExperimentBranch(pull.headRef);
  const own = `${pass.gh.owner}/${pass.gh.repo}`;
  const base = newExperiment({
    tag: pass.run.tag,
    n: nextExperimentNumber(pass),
    description: pull.title,
    // The propose workflow pushes as the workflow's identity: that is the agent proposer.
    source: pass.config.resultAuthors.includes(readPushedBy(pull.body) ?? "") ? "agent" : "push",
    baseSha: pull.baseSha,
    headSha: pull.headSha,
    key: null,
  });
  const taken = new Set(pass.pulls.map((p) => p.experiment?.n));
  if (parsed?.n && parsed.tag === pass.run.tag && !taken.has(parsed.n)) base.n = parsed.n;
  const tracked = pull as Tracked;
  tracked.experiment = base;
  if (pull.headRepository !== own) {
    return reject(
      pass,
      tracked,
      `it comes from ${pull.headRepository ?? "a deleted fork"}: experiments from forks never reach a runner`,
    );
  }
  if (!parsed || parsed.tag !== pass.run.tag) {
    return reject(
      pass,
      tracked,
      `its branch ${pull.headRef} is not an experiment branch: push to \`${pass.run.branch}/<name>\``,
    );
  }
  const outside = await filesOutsideAllowed(pass, pull.number);
  if (outside.length > 0) return reject(pass, tracked, violation(pass, outside));
  await save(pass, tracked, base);
  if (!pull.labels.includes(pass.config.labels.experiment)) {
    await pass.gh.octokit.rest.issues.addLabels({
      ...repoOf(pass.gh),
      issue_number: pull.number,
      labels: [pass.config.labels.experiment],
    });
  }
  log(pass, `adopted #${pull.number} (${pull.headRef}) as experiment ${base.n}`);
}
