import { experimentScope, type Sealer } from "../core/block-seal.js";
import { Lru } from "../core/lru.js";
import { type ExperimentState, stateBlock, withStateBlock } from "../core/state-block.js";
import { type TrustRoot, trustExperimentPull } from "../core/trust.js";
import { type RepoClient, repoOf } from "./repo.js";
import { isStatus } from "./sticky-comment.js";

/** GitHub's facts about one PR of the run, as a listing gives them. */
interface PullFacts {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  merged: boolean;
  headRef: string;
  headSha: string;
  headRepository: string | null;
  baseSha: string;
  labels: string[];
  author: string;
}

/** One PR of the run as the app sees it: GitHub's facts plus its state block. */
export interface ExperimentPull extends PullFacts {
  /** null for a PR without a trusted state block: a pushed branch to adopt, or someone's claim. */
  experiment: ExperimentState | null;
  /** Why a state block in the body was not believed (a fork, a hand-edited block); null if none was. */
  distrust: string | null;
  /** The block was sealed with the previous secret: seal it again with the current one. */
  reseal: boolean;
}

/** What is kept of a listed PR between passes: its facts, and what trust and paging need. */
interface ListedPull extends PullFacts {
  authorType: string;
  updatedAt: string;
}

interface RunPulls {
  pulls: Map<number, ListedPull>;
  /** The newest updated_at seen: a later listing reads back only to a little before it. */
  watermark: string;
}

/**
 * The PRs of each run as last listed, so a pass reads only what changed since (one page,
 * newest updates first) instead of the whole history. One per app instance. Bounded: at most
 * 64 runs and 50,000 PRs in all; a run that does not fit is listed in full each time.
 */
export type RunPullsCache = Lru<string, RunPulls>;

export function runPullsCache(): RunPullsCache {
  return new Lru<string, RunPulls>({
    maxEntries: 64,
    maxWeight: 50_000,
    weigh: (run) => run.pulls.size,
  });
}

/** Updates within this long before the watermark are read again (timestamps are to the second). */
const WATERMARK_MARGIN_MS = 120_000;
const PAGE = 100;

type PullListItem = Awaited<
  ReturnType<RepoClient["octokit"]["rest"]["pulls"]["list"]>
>["data"][number];

function listed(p: PullListItem): ListedPull {
  return {
    number: p.number,
    title: p.title,
    body: p.body ?? "",
    state: p.state === "open" ? "open" : "closed",
    merged: p.merged_at !== null,
    headRef: p.head.ref,
    headSha: p.head.sha,
    headRepository: p.head.repo?.full_name ?? null,
    baseSha: p.base.sha,
    labels: p.labels.map((l) => l.name),
    author: p.user?.login ?? "",
    authorType: p.user?.type ?? "",
    updatedAt: p.updated_at,
  };
}

/**
 * Every PR into the run branch, open and closed, oldest first; state blocks only where the app
 * wrote them. The first listing of a run reads every page; later ones read the most recently
 * updated PRs until they reach what was already seen, usually one request.
 */
export async function listRunPulls(
  gh: RepoClient,
  runBranch: string,
  root: TrustRoot,
  cache?: RunPullsCache,
): Promise<ExperimentPull[]> {
  const key = `${gh.owner}/${gh.repo}#${runBranch}`.toLowerCase();
  const known = cache?.get(key);
  const run: RunPulls = known ?? { pulls: new Map(), watermark: "" };
  if (!known) {
    const all = await gh.octokit.paginate(gh.octokit.rest.pulls.list, {
      ...repoOf(gh),
      base: runBranch,
      state: "all",
      sort: "created",
      direction: "asc",
      per_page: PAGE,
    });
    for (const p of all) run.pulls.set(p.number, listed(p));
  } else {
    const since = Date.parse(run.watermark) - WATERMARK_MARGIN_MS;
    for (let page = 1; ; page++) {
      const { data } = await gh.octokit.rest.pulls.list({
        ...repoOf(gh),
        base: runBranch,
        state: "all",
        sort: "updated",
        direction: "desc",
        per_page: PAGE,
        page,
      });
      for (const p of data) run.pulls.set(p.number, listed(p));
      const oldest = data.at(-1);
      if (data.length < PAGE || !oldest || Date.parse(oldest.updated_at) < since) break;
    }
  }
  for (const p of run.pulls.values()) if (p.updatedAt > run.watermark) run.watermark = p.updatedAt;
  cache?.set(key, run);
  return [...run.pulls.values()].sort((a, b) => a.number - b.number).map((p) => believe(root, p));
}

function believe(root: TrustRoot, p: ListedPull): ExperimentPull {
  const trust = trustExperimentPull(
    root,
    {
      number: p.number,
      author: p.author,
      authorType: p.authorType,
      headRef: p.headRef,
      headRepository: p.headRepository,
    },
    stateBlock.read(p.body),
  );
  return {
    number: p.number,
    title: p.title,
    body: p.body,
    state: p.state,
    merged: p.merged,
    headRef: p.headRef,
    headSha: p.headSha,
    headRepository: p.headRepository,
    baseSha: p.baseSha,
    labels: [...p.labels],
    author: p.author,
    experiment: trust.kind === "trusted" ? trust.value : null,
    distrust: trust.kind === "untrusted" ? trust.reason : null,
    reseal: trust.kind === "trusted" && trust.reseal,
  };
}

/** The body with the state block sealed for this PR's head branch. */
export function sealedBody(
  gh: RepoClient,
  sealer: Sealer,
  pull: { body: string; headRef: string },
  state: ExperimentState,
): string {
  const mac = sealer.seal(experimentScope(`${gh.owner}/${gh.repo}`, pull.headRef), state);
  return withStateBlock(pull.body, state, mac);
}

/** Opens an experiment PR; its labels come with its first state write (one request fewer). */
export async function openExperimentPull(
  gh: RepoClient,
  pull: { head: string; base: string; title: string; body: string },
): Promise<number> {
  const { data } = await gh.octokit.rest.pulls.create({
    ...repoOf(gh),
    head: pull.head,
    base: pull.base,
    title: pull.title,
    body: pull.body,
    maintainer_can_modify: false,
  });
  return data.number;
}

/** The open PR for a head branch, if any (a redelivered event must not open a second one). */
export async function findOpenPull(gh: RepoClient, headBranch: string): Promise<number | null> {
  const { data } = await gh.octokit.rest.pulls.list({
    ...repoOf(gh),
    head: `${gh.owner}:${headBranch}`,
    state: "open",
    per_page: 1,
  });
  return data[0]?.number ?? null;
}

/** The newest PR (open or closed) whose head is `headBranch`. */
export async function findPullByHead(gh: RepoClient, headBranch: string): Promise<number | null> {
  const { data } = await gh.octokit.rest.pulls.list({
    ...repoOf(gh),
    head: `${gh.owner}:${headBranch}`,
    state: "all",
    per_page: 1,
  });
  return data[0]?.number ?? null;
}

/**
 * Writes the state block, and with it (one request) the labels, the open/closed state and the
 * title when they change: an experiment's body, labels and state move together or not at all.
 */
export async function saveExperimentState(
  gh: RepoClient,
  sealer: Sealer,
  pull: Pick<ExperimentPull, "number" | "body" | "headRef">,
  state: ExperimentState,
  extra: { state?: "open" | "closed"; labels?: string[]; title?: string } = {},
): Promise<string> {
  const body = sealedBody(gh, sealer, pull, state);
  await gh.octokit.rest.issues.update({
    ...repoOf(gh),
    issue_number: pull.number,
    body,
    ...(extra.state ? { state: extra.state } : {}),
    ...(extra.labels ? { labels: extra.labels } : {}),
    ...(extra.title ? { title: extra.title } : {}),
  });
  return body;
}

export type MergeOutcome =
  | { merged: true; sha: string }
  | { merged: false; headMoved: boolean; message: string };

/** Merges only the head that was trained: GitHub answers 409 when the head moved since. */
export async function mergeTestedHead(
  gh: RepoClient,
  pull: { number: number; title: string },
  sha: string,
  method: "squash" | "merge" | "rebase",
): Promise<MergeOutcome> {
  try {
    const { data } = await gh.octokit.rest.pulls.merge({
      ...repoOf(gh),
      pull_number: pull.number,
      sha,
      merge_method: method,
      commit_title: `${pull.title} (#${pull.number})`,
    });
    return { merged: true, sha: data.sha };
  } catch (error) {
    if (isStatus(error, 409)) return { merged: false, headMoved: true, message: messageOf(error) };
    if (isStatus(error, 405)) return { merged: false, headMoved: false, message: messageOf(error) };
    throw error;
  }
}

/**
 * Brings the run branch's new head into an experiment branch (a merge commit), so
 * it can be trained on top of it. Uses the merges API: `update-branch` is not
 * available to GitHub App installation tokens.
 */
export async function mergeRunHeadInto(
  gh: RepoClient,
  branch: string,
  runHeadSha: string,
): Promise<{ updated: true; sha: string | null } | { updated: false; message: string }> {
  try {
    const response = await gh.octokit.rest.repos.merge({
      ...repoOf(gh),
      base: branch,
      head: runHeadSha,
      commit_message: `Merge the run head ${runHeadSha.slice(0, 7)} into ${branch}`,
    });
    // 204: the branch already contains the run head.
    return { updated: true, sha: response.status === 201 ? response.data.sha : null };
  } catch (error) {
    if (isStatus(error, 409)) return { updated: false, message: messageOf(error) };
    throw error;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
