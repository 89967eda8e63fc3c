// What must hold at the end of any night, whatever faults were injected.
import { parseResults } from "../src/core/results-tsv.js";
import { readLedgerSection, readRunBlock } from "../src/core/run-state.js";
import { type ExperimentState, readStateBlock } from "../src/core/state-block.js";
import { VERDICT_CHECK } from "../src/github/check-runs.js";
import { readVerdictMarker, type VerdictMarker } from "../src/views/verdict-comment.js";
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
    problems.push(...ledgerMismatches(decided, rows));
    let best = Number.POSITIVE_INFINITY;
    for (const row of rows.filter((r) => r.status === "keep")) {
      if (!(row.valBpb < best))
        problems.push(`kept row ${row.commit} (${row.valBpb}) does not improve on ${best}`);
      best = row.valBpb;
    }
  } catch (error) {
    problems.push(`results.tsv is malformed: ${(error as Error).message}`);
  }

  // 5–9. What two writers at once (replicas, a rolling deploy) would double or skip.
  const markers = verdictMarkers(sandbox, experiments);
  problems.push(
    ...doubledVerdictComments(markers),
    ...doubledVerdictChecks(sandbox, markers),
    ...dispatchMismatches(sandbox, experiments),
    ...doubledDigests(sandbox, tag, markers),
    ...untestedMerges(sandbox, mergedPrs),
  );
  return { tag, experiments, tsv, problems };
}

type Experiment = NightReport["experiments"][number];

/** The app's verdict comments, by the hidden marker each carries. */
function verdictMarkers(
  sandbox: SandboxHandle,
  experiments: Experiment[],
): { pr: number; marker: VerdictMarker }[] {
  const bot = sandbox.appIdentity.login;
  return experiments.flatMap(({ pr }) =>
    sandbox.state.comments(pr.number).flatMap((c) => {
      const marker = c.user.login === bot ? readVerdictMarker(c.body) : null;
      return marker ? [{ pr: pr.number, marker }] : [];
    }),
  );
}

const markerKey = (m: VerdictMarker) => `${m.n}|${m.head_sha}|${m.attempt}`;

/** Each verdict once, however many comments carry it. */
function distinctVerdicts(markers: { marker: VerdictMarker }[]): VerdictMarker[] {
  return [...new Map(markers.map(({ marker }) => [markerKey(marker), marker])).values()];
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

// 5. One verdict comment per (experiment, trained head, attempt).
function doubledVerdictComments(markers: { pr: number; marker: VerdictMarker }[]): string[] {
  const problems: string[] = [];
  const counts = countBy(markers, (m) => `${m.pr}|${markerKey(m.marker)}`);
  for (const [key, count] of counts) {
    if (count < 2) continue;
    const [pr, n, sha, attempt] = key.split("|");
    problems.push(
      `#${pr} has ${count} verdict comments for experiment ${n}, head ${sha.slice(0, 7)}, attempt ${attempt}`,
    );
  }
  return problems;
}

// 6. The verdict check and the verdict comment are posted together: no more checks on a head than verdicts on it.
function doubledVerdictChecks(
  sandbox: SandboxHandle,
  markers: { marker: VerdictMarker }[],
): string[] {
  const verdicts = countBy(distinctVerdicts(markers), (m) => m.head_sha);
  const checks = sandbox.state
    .checkRuns()
    .filter((c) => c.name === VERDICT_CHECK && c.app.slug === sandbox.appIdentity.slug);
  const problems: string[] = [];
  for (const [sha, count] of countBy(checks, (c) => c.head_sha)) {
    const allowed = verdicts.get(sha) ?? 0;
    if (count <= allowed) continue;
    const conclusions = checks.filter((c) => c.head_sha === sha).map((c) => c.conclusion);
    problems.push(
      `head ${sha.slice(0, 7)} has ${count} "${VERDICT_CHECK}" check runs (${conclusions.join(", ")}) for ${allowed} verdict(s)`,
    );
  }
  return problems;
}

// 7. One workflow run per dispatch the state counts: none doubled, none imagined.
function dispatchMismatches(sandbox: SandboxHandle, experiments: Experiment[]): string[] {
  const runs = countBy(
    sandbox.state.runs().filter((r) => r.inputs.pr !== undefined),
    (r) => r.inputs.pr,
  );
  return experiments.flatMap(({ pr, state }) => {
    const count = runs.get(String(pr.number)) ?? 0;
    return count === state.attempts
      ? []
      : [`#${pr.number} has ${count} workflow runs for ${state.attempts} recorded attempts`];
  });
}

// 8. One chat digest per verdict (re-measurements send none).
function doubledDigests(
  sandbox: SandboxHandle,
  tag: string,
  markers: { marker: VerdictMarker }[],
): string[] {
  const prefix = `[${tag}] Experiment #`;
  const digests = sandbox.notifications.flatMap((n) => {
    const content = (n.body as { content?: unknown } | null)?.content;
    return typeof content === "string" && content.startsWith(prefix) ? [content] : [];
  });
  const verdicts = countBy(distinctVerdicts(markers), (m) => String(m.n));
  const problems: string[] = [];
  for (const [n, count] of countBy(digests, (d) => d.slice(prefix.length).split(":")[0])) {
    const allowed = verdicts.get(n) ?? 0;
    if (count > allowed)
      problems.push(`experiment ${n} sent ${count} chat digests for ${allowed} verdict(s)`);
  }
  return problems;
}

// 9. Every merge is of the head a training run of that PR measured: the run the state names.
function untestedMerges(sandbox: SandboxHandle, merged: Experiment[]): string[] {
  return merged.flatMap(({ pr, state }) => {
    const where = `#${pr.number} was merged`;
    const run = state.run_id ? sandbox.world.runs.get(state.run_id) : undefined;
    if (!run) return [`${where} but its state names no workflow run (run_id ${state.run_id})`];
    const problems: string[] = [];
    if (run.inputs.pr !== String(pr.number))
      problems.push(`${where} on run ${run.id}, which trained PR ${run.inputs.pr}`);
    if (run.head_sha !== state.head_sha || pr.pull_request?.head.sha !== state.head_sha)
      problems.push(
        `${where} at ${pr.pull_request?.head.sha.slice(0, 7)}, recorded ${state.head_sha.slice(0, 7)}, trained ${run.head_sha.slice(0, 7)} (run ${run.id})`,
      );
    if (run.conclusion !== "success")
      problems.push(`${where} on run ${run.id}, which ended ${run.conclusion}`);
    if (state.result?.run_id !== String(run.id))
      problems.push(`${where} on the result of run ${state.result?.run_id}, not run ${run.id}`);
    return problems;
  });
}

// 3b. Each decided experiment is one row of the ledger, with its commit and verdict.
function ledgerMismatches(decided: Experiment[], rows: { commit: string; status: string }[]) {
  const expected = countBy(
    decided.filter((e) => e.state.verdict?.status !== "remeasure"),
    ({ state }) => {
      const sha = state.result?.head_sha;
      const commit = sha && sha !== "unknown" ? sha : state.head_sha;
      return `${commit.slice(0, 7)} ${state.verdict?.status}`;
    },
  );
  const actual = countBy(rows, (r) => `${r.commit} ${r.status}`);
  const problems: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key) ?? 0;
    const have = actual.get(key) ?? 0;
    if (want !== have)
      problems.push(`results.tsv has ${have} row(s) "${key}" for ${want} decided experiment(s)`);
  }
  return problems;
}

/** The ledger as a user finds it: the gist's results.tsv, or the dashboard's section without a gist. */
export function readLedger(sandbox: SandboxHandle, tag: string): string {
  const dashboard = sandbox.state.issues().find((i) => readRunBlock(i.body)?.tag === tag);
  const run = readRunBlock(dashboard?.body);
  const gist = run?.gist_id ? sandbox.state.gists().find((g) => g.id === run.gist_id) : undefined;
  return gist?.files["results.tsv"] ?? readLedgerSection(dashboard?.body) ?? "";
}
