// What must hold at the end of any night, whatever faults were injected.
import { parseResults } from "../src/core/results-tsv.js";
import { readLedgerSection, readRunBlock } from "../src/core/run-state.js";
import { type ExperimentState, readStateBlock } from "../src/core/state-block.js";
import type { SandboxHandle } from "./harness.js";
import type { IssueRecord } from "./model.js";

export interface NightReport {
  tag: string;
  experiments: { pr: IssueRecord; state: ExperimentState }[];
  tsv: string;
  problems: string[];
}

/** Reads the run back from the sandbox and lists every broken invariant (empty = all hold). */
export async function checkNight(sandbox: SandboxHandle, tag: string): Promise<NightReport> {
  const problems: string[] = [];
  const git = sandbox.world.git;
  const runBranch = `autoresearch/${tag}`;
  const pulls = sandbox.state.pulls().filter((p) => p.pull_request?.base.ref === runBranch);
  const experiments = pulls.flatMap((pr) => {
    const state = readStateBlock(pr.body);
    if (!state) problems.push(`#${pr.number} has no valid state block`);
    return state ? [{ pr, state }] : [];
  });

  // 1. Nothing left open, every PR settled by its verdict.
  for (const { pr, state } of experiments) {
    if (pr.state === "open") problems.push(`#${pr.number} is still open (phase ${state.phase})`);
    const merged = pr.pull_request?.merged === true;
    if (merged && state.verdict?.status !== "keep")
      problems.push(`#${pr.number} is merged but its verdict is ${state.verdict?.status}`);
    if (!merged && state.verdict?.status === "keep" && state.source !== "baseline") {
      problems.push(`#${pr.number} was kept but not merged`);
    }
    if (
      state.source === "remeasure" &&
      state.verdict &&
      !["remeasure", "crash"].includes(state.verdict.status)
    ) {
      problems.push(
        `#${pr.number} re-measures the run head but its verdict is ${state.verdict.status}`,
      );
    }
  }

  // 1b. A re-measurement trained the run head unchanged: an empty commit on a head of the run.
  for (const { pr, state } of experiments.filter((e) => e.state.source === "remeasure")) {
    const commit = await git.readCommit(state.head_sha);
    const parent = commit.parents[0];
    if (commit.parents.length !== 1 || !parent || (await git.treeOf(parent)) !== commit.tree) {
      problems.push(`#${pr.number} re-measures the run head but its commit changes files`);
    }
  }

  // 2. The run branch is exactly the chain of kept experiments.
  const decided = experiments
    .filter((e) => e.state.phase === "decided" && e.state.source !== "remeasure")
    .sort(
      (a, b) =>
        (a.state.decided_at ?? "").localeCompare(b.state.decided_at ?? "") || a.state.n - b.state.n,
    );
  const mergedPrs = decided.filter((e) => e.pr.pull_request?.merged);
  const head = await git.resolveCommit(runBranch);
  const base = await git.resolveCommit("main");
  if (!head || !base) {
    problems.push(`the run branch ${runBranch} or main is missing`);
  } else {
    const chain = await git.commitsBetween(base, head);
    if (chain.length !== mergedPrs.length) {
      problems.push(
        `the run branch has ${chain.length} commits on main, but ${mergedPrs.length} PRs were merged`,
      );
    }
    const last = mergedPrs.at(-1);
    if (last) {
      const tested = last.state.result?.head_sha ?? last.state.head_sha;
      const [atHead, atKept] = await Promise.all([
        sandbox.git.readFile(head, "train.py"),
        sandbox.git.readFile(tested, "train.py"),
      ]);
      if (atHead !== atKept) {
        problems.push(
          `train.py on ${runBranch} differs from the last kept experiment's (#${last.pr.number})`,
        );
      }
    }
    // 4. No experiment was trained on a base older than the one it was merged onto.
    for (const { pr, state } of mergedPrs) {
      const mergeSha = pr.pull_request?.merge_commit_sha;
      const tested = state.result?.head_sha;
      if (!mergeSha || !tested) continue;
      const parent = (await git.readCommit(mergeSha)).parents[0];
      if (parent && !(await git.isAncestor(parent, tested))) {
        problems.push(
          `#${pr.number} was trained on ${tested.slice(0, 7)}, which does not contain the head it was merged onto (${parent.slice(0, 7)})`,
        );
      }
    }
  }

  // 3. results.tsv: one row per decided experiment (re-measurements are none), in the exact format, keeps strictly improving.
  const tsv = readLedger(sandbox, tag);
  try {
    const rows = parseResults(tsv);
    if (rows.length !== decided.length)
      problems.push(
        `results.tsv has ${rows.length} rows for ${decided.length} decided experiments`,
      );
    const commits = rows.map((r) => r.commit);
    if (new Set(commits).size !== commits.length) problems.push("results.tsv lists a commit twice");
    let best = Number.POSITIVE_INFINITY;
    for (const row of rows.filter((r) => r.status === "keep")) {
      if (!(row.valBpb < best))
        problems.push(`kept row ${row.commit} (${row.valBpb}) does not improve on ${best}`);
      best = row.valBpb;
    }
  } catch (error) {
    problems.push(`results.tsv is malformed: ${(error as Error).message}`);
  }
  return { tag, experiments, tsv, problems };
}

/** The ledger as a user finds it: the gist's results.tsv, or the dashboard's section without a gist. */
export function readLedger(sandbox: SandboxHandle, tag: string): string {
  const dashboard = sandbox.state.issues().find((i) => readRunBlock(i.body)?.tag === tag);
  const run = readRunBlock(dashboard?.body);
  const gist = run?.gist_id ? sandbox.state.gists().find((g) => g.id === run.gist_id) : undefined;
  return gist?.files["results.tsv"] ?? readLedgerSection(dashboard?.body) ?? "";
}
