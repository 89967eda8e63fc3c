import { experimentScope, runScope, type Sealer } from "./block-seal.js";
import { runBranch } from "./experiment-branch.js";
import type { ReadBlock } from "./hidden-block.js";
import type { RunState } from "./run-state.js";
import type { ExperimentState } from "./state-block.js";

/**
 * Who the app is, for telling its own state from anyone else's. `appLogin` null (the CLI, the
 * propose job: they do not know the app's name or secret) accepts any bot as author; `sealer`
 * null skips the MAC, which only the app can check.
 */
export interface TrustRoot {
  repository: string;
  appLogin: string | null;
  sealer: Sealer | null;
}

export interface Authored {
  number: number;
  author: string;
  authorType: string;
}

/** What a reader may believe of a block: nothing (with why), or the value (and whether to reseal it). */
export type Trusted<T> =
  | { kind: "none" }
  | { kind: "untrusted"; reason: string }
  | { kind: "trusted"; value: T; reseal: boolean };

/**
 * An experiment PR's state counts only when the app opened the PR, from this repository, and the
 * block carries the app's MAC for this head branch. Anything else is someone's claim, not state.
 */
export function trustExperimentPull(
  root: TrustRoot,
  pull: Authored & { headRef: string; headRepository: string | null },
  block: ReadBlock<ExperimentState> | null,
): Trusted<ExperimentState> {
  if (!block) return { kind: "none" };
  if (!sameRepository(pull.headRepository, root.repository)) {
    return {
      kind: "untrusted",
      reason: `#${pull.number} comes from ${pull.headRepository ?? "a deleted fork"}: its state block is ignored`,
    };
  }
  const authorship = authoredByApp(root, pull);
  if (authorship) return { kind: "untrusted", reason: `#${pull.number} ${authorship}` };
  return sealed(root, experimentScope(root.repository, pull.headRef), block, `#${pull.number}`);
}

/**
 * A dashboard counts only when the app opened the issue, its run block is sealed for this tag,
 * and it names the tag's own run branch.
 */
export function trustDashboard(
  root: TrustRoot,
  issue: Authored,
  block: ReadBlock<RunState> | null,
): Trusted<RunState> {
  if (!block) return { kind: "none" };
  const authorship = authoredByApp(root, issue);
  if (authorship) return { kind: "untrusted", reason: `issue #${issue.number} ${authorship}` };
  if (block.value.branch !== runBranch(block.value.tag)) {
    return {
      kind: "untrusted",
      reason: `issue #${issue.number} names the branch ${block.value.branch} for run ${block.value.tag}: a run's branch is ${runBranch(block.value.tag)}`,
    };
  }
  return sealed(root, runScope(root.repository, block.value.tag), block, `issue #${issue.number}`);
}

function sealed<T>(root: TrustRoot, scope: string, block: ReadBlock<T>, what: string): Trusted<T> {
  if (!root.sealer) return { kind: "trusted", value: block.value, reseal: false };
  const check = root.sealer.check(scope, block.payload, block.mac);
  if (check === "current" || check === "previous") {
    return { kind: "trusted", value: block.value, reseal: check === "previous" };
  }
  return {
    kind: "untrusted",
    reason:
      check === "missing"
        ? `${what} carries a state block without the app's signature: it is ignored`
        : `${what} carries a state block the app did not sign (edited by hand, or copied from elsewhere): it is ignored`,
  };
}

function authoredByApp(root: TrustRoot, item: Authored): string | null {
  if (root.appLogin === null) {
    return item.authorType === "Bot" ? null : `was opened by @${item.author}, not by the app`;
  }
  return item.author === root.appLogin ? null : `was opened by @${item.author}, not by the app`;
}

function sameRepository(a: string | null, b: string): boolean {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}

/**
 * One dashboard per tag: the oldest trusted one. Any later one (a copy of a signed block) is
 * ignored and reported.
 */
export function pickDashboards<D extends { number: number; run: RunState }>(
  dashboards: readonly D[],
): { runs: D[]; duplicates: { number: number; tag: string; kept: number }[] } {
  const byTag = new Map<string, D>();
  const duplicates: { number: number; tag: string; kept: number }[] = [];
  for (const d of [...dashboards].sort((a, b) => a.number - b.number)) {
    const kept = byTag.get(d.run.tag);
    if (kept) duplicates.push({ number: d.number, tag: d.run.tag, kept: kept.number });
    else byTag.set(d.run.tag, d);
  }
  return { runs: [...byTag.values()], duplicates };
}
