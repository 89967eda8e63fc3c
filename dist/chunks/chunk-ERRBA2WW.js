import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  runBranch
} from "./chunk-G4P45L52.js";
import {
  Lru,
  isStatus,
  require_lib
} from "./chunk-W66Z6FAG.js";
import {
  MEMORY_GB_RANGE,
  SUMMARY_RANGES,
  TrainResultSchema
} from "./chunk-OZOE3J7Y.js";
import {
  __toESM,
  _enum,
  array,
  literal,
  number,
  object,
  string
} from "./chunk-LBXT2ELO.js";

// src/core/block-seal.ts
import { createHmac, timingSafeEqual } from "node:crypto";
function sealKeys(env) {
  const derived = env.WEBHOOK_SECRET ? createHmac("sha256", env.WEBHOOK_SECRET).update("autoresearch-bot state v1").digest("hex") : null;
  const current = env.STATE_SECRET || derived;
  if (!current) return null;
  return { current, previous: env.STATE_SECRET_PREVIOUS || null };
}
function createSealer(keys) {
  const mac = (key, scope, payload) => createHmac("sha256", key).update(`${scope}
${canonicalJson(payload)}`).digest("hex");
  const same = (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    seal: (scope, payload) => mac(keys.current, scope, payload),
    check(scope, payload, given) {
      if (!given) return "missing";
      if (same(given, mac(keys.current, scope, payload))) return "current";
      if (keys.previous && same(given, mac(keys.previous, scope, payload))) return "previous";
      return "invalid";
    }
  };
}
var experimentScope = (repository, headRef) => `experiment ${repository.toLowerCase()} ${headRef}`;
var runScope = (repository, tag) => `run ${repository.toLowerCase()} ${tag}`;
function canonicalJson(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== void 0).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

// src/core/hidden-block.ts
function hiddenBlock(name, schema) {
  const re = new RegExp(`<!-- autoresearch:${name} (\\{.*?\\}) -->`, "s");
  const render = (value, mac) => {
    const json = JSON.stringify(mac === null ? value : { ...value, mac });
    return `<!-- autoresearch:${name} ${json.replaceAll("--", "-\\u002d")} -->`;
  };
  return {
    render,
    read(body) {
      const match = body ? re.exec(body) : null;
      if (!match) return null;
      let json;
      try {
        json = JSON.parse(match[1]);
      } catch {
        return null;
      }
      if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
      const { mac, ...payload } = json;
      const parsed = schema.safeParse(payload);
      if (!parsed.success) return null;
      return { value: parsed.data, payload, mac: typeof mac === "string" ? mac : null };
    },
    replace(body, value, mac) {
      const block = render(value, mac);
      return re.test(body) ? body.replace(re, () => block) : `${body.trimEnd()}

${block}
`;
    }
  };
}

// src/core/state-block.ts
var Phase = _enum(["queued", "training", "decided", "rejected"]);
var VerdictStatus = _enum(["keep", "discard", "crash", "remeasure"]);
var SweepStage = _enum(["neighbourhood", "pattern", "combine", "perturb"]);
var VerdictSchema = object({
  status: VerdictStatus,
  /** One sentence a reviewer understands: the numbers and the rule applied. */
  reason: string(),
  /** val_bpb minus the best it was compared against; null for crashes and the first experiment. */
  delta: number().nullable(),
  /** The best val_bpb it was compared against, null for the first experiment. */
  best: number().nullable(),
  /** Notes such as "anomalous", "seed-only", "infra". */
  flags: array(string()),
  /** The run's noise floor (median absolute deviation of val_bpb) when it was decided, if measured. */
  noise: number().nullish()
});
var ExperimentStateSchema = object({
  v: literal(1),
  tag: string(),
  n: number().int().nonnegative(),
  description: string(),
  /** remeasure: the run head trained again unchanged (policy.baselineEvery), never merged. */
  source: _enum(["baseline", "sweep", "agent", "push", "remeasure"]),
  /** Run-branch head the experiment was made on. */
  base_sha: string(),
  /** Head sha that was (or will be) trained. */
  head_sha: string(),
  phase: Phase,
  /** Training dispatches so far (reruns and infra retries included). */
  attempts: number().int().nonnegative(),
  /** Consecutive dispatches that ended without a result marker. */
  infra_failures: number().int().nonnegative(),
  /** ISO time of the last dispatch, for the heartbeat. */
  dispatched_at: string().nullable(),
  /** The workflow run the app's last dispatch started: only its result counts. */
  run_id: number().int().nullish(),
  result: TrainResultSchema.nullable(),
  verdict: VerdictSchema.nullable(),
  /** The proposer's identity of this variant (sweep: `NAME=value`), so it is never proposed twice. */
  key: string().nullish(),
  /**
   * What training sees: the git blob sha of each allowed file at the head (core/variant-id.ts),
   * recorded when the app makes the head, so "already tried?" needs no read per PR. Absent in
   * older blocks and where the app does not know every allowed file's blob.
   */
  variant: string().nullish(),
  /** The sweep stage that proposed it (sweep experiments only). */
  stage: SweepStage.nullish(),
  /**
   * Lines the app's own change adds and removes, for the head it made (`head_sha`): judging
   * it then needs no read of the PR's files. Any other head is judged from GitHub's diff.
   */
  diff: object({
    head_sha: string(),
    added: number().int().min(0),
    removed: number().int().min(0)
  }).nullish(),
  /** When the verdict was recorded: orders the ledger as decisions happened. */
  decided_at: string().nullish(),
  /** val_bpb of earlier runs of this head that policy.confirm asked for, oldest first. */
  confirmations: array(number()).nullish(),
  /** Every val_bpb of the head it was decided on, oldest first, when policy.confirm trained it more than once. */
  runs: array(number()).nullish(),
  /** Why it never trained (rejected) or was closed without a verdict (superseded, stopped). */
  note: string().nullish()
});
function newExperiment(fields) {
  return {
    v: 1,
    tag: fields.tag,
    n: fields.n,
    description: fields.description,
    source: fields.source,
    base_sha: fields.baseSha,
    head_sha: fields.headSha,
    phase: "queued",
    attempts: 0,
    infra_failures: 0,
    dispatched_at: null,
    result: null,
    verdict: null,
    key: fields.key,
    ...fields.variant ? { variant: fields.variant } : {},
    ...fields.stage ? { stage: fields.stage } : {},
    ...fields.diff ? { diff: { head_sha: fields.headSha, ...fields.diff } } : {}
  };
}
var stateBlock = hiddenBlock("state", ExperimentStateSchema);
function withStateBlock(body, state, mac) {
  return stateBlock.replace(body, state, mac);
}

// src/core/trust.ts
function trustExperimentPull(root, pull, block) {
  if (!block) return { kind: "none" };
  if (!sameRepository(pull.headRepository, root.repository)) {
    return {
      kind: "untrusted",
      reason: `#${pull.number} comes from ${pull.headRepository ?? "a deleted fork"}: its state block is ignored`
    };
  }
  const authorship = authoredByApp(root, pull);
  if (authorship) return { kind: "untrusted", reason: `#${pull.number} ${authorship}` };
  return sealed(root, experimentScope(root.repository, pull.headRef), block, `#${pull.number}`);
}
function trustDashboard(root, issue, block) {
  if (!block) return { kind: "none" };
  const authorship = authoredByApp(root, issue);
  if (authorship) return { kind: "untrusted", reason: `issue #${issue.number} ${authorship}` };
  if (block.value.branch !== runBranch(block.value.tag)) {
    return {
      kind: "untrusted",
      reason: `issue #${issue.number} names the branch ${block.value.branch} for run ${block.value.tag}: a run's branch is ${runBranch(block.value.tag)}`
    };
  }
  return sealed(root, runScope(root.repository, block.value.tag), block, `issue #${issue.number}`);
}
function sealed(root, scope, block, what) {
  if (!root.sealer) return { kind: "trusted", value: block.value, reseal: false };
  const check = root.sealer.check(scope, block.payload, block.mac);
  if (check === "current" || check === "previous") {
    return { kind: "trusted", value: block.value, reseal: check === "previous" };
  }
  return {
    kind: "untrusted",
    reason: check === "missing" ? `${what} carries a state block without the app's signature: it is ignored` : `${what} carries a state block the app did not sign (edited by hand, or copied from elsewhere): it is ignored`
  };
}
function authoredByApp(root, item) {
  if (root.appLogin === null) {
    return item.authorType === "Bot" ? null : `was opened by @${item.author}, not by the app`;
  }
  return item.author === root.appLogin ? null : `was opened by @${item.author}, not by the app`;
}
function sameRepository(a, b) {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}
function pickDashboards(dashboards) {
  const byTag = /* @__PURE__ */ new Map();
  const duplicates = [];
  for (const d of [...dashboards].sort((a, b) => a.number - b.number)) {
    const kept = byTag.get(d.run.tag);
    if (kept) duplicates.push({ number: d.number, tag: d.run.tag, kept: kept.number });
    else byTag.set(d.run.tag, d);
  }
  return { runs: [...byTag.values()], duplicates };
}

// src/github/repo.ts
var repoOf = (gh) => ({ owner: gh.owner, repo: gh.repo });
async function branchSha(gh, branch) {
  try {
    const { data } = await gh.octokit.rest.git.getRef({ ...repoOf(gh), ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}
async function createBranch(gh, branch, sha) {
  await gh.octokit.rest.git.createRef({ ...repoOf(gh), ref: `refs/heads/${branch}`, sha });
}
async function deleteBranch(gh, branch) {
  try {
    await gh.octokit.rest.git.deleteRef({ ...repoOf(gh), ref: `heads/${branch}` });
  } catch (error) {
    if (!isStatus(error, 422) && !isStatus(error, 404)) throw error;
  }
}
async function defaultBranch(gh) {
  const { data } = await gh.octokit.rest.repos.get(repoOf(gh));
  return data.default_branch;
}
var textAtCommit = new Lru({
  maxEntries: 256,
  maxWeight: 16 * 1024 * 1024,
  weigh: (text) => text?.length ?? 0
});
var COMMIT_SHA = /^[0-9a-f]{40}$/;
async function readTextFile(gh, path, ref) {
  const key = ref && COMMIT_SHA.test(ref) ? `${gh.owner}/${gh.repo}@${ref}:${path}` : null;
  if (key !== null && textAtCommit.has(key)) return textAtCommit.get(key) ?? null;
  const file = await readRepoText(gh, path, ref);
  const text = file === null ? null : "text" in file ? file.text : "";
  if (key !== null) textAtCommit.set(key, text);
  return text;
}
async function readRepoText(gh, path, ref) {
  try {
    const { data } = await gh.octokit.rest.repos.getContent({ ...repoOf(gh), path, ref });
    if (Array.isArray(data) || data.type !== "file") return null;
    if (data.encoding === "none") return { tooLargeBytes: data.size, sha: data.sha };
    return { text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}
async function commitFiles(gh, parentSha, files, message) {
  let tree = treeOfCommit.get(parentSha);
  if (tree === void 0) {
    const { data: parent } = await gh.octokit.rest.git.getCommit({
      ...repoOf(gh),
      commit_sha: parentSha
    });
    tree = parent.tree.sha;
    treeOfCommit.set(parentSha, tree);
  }
  const entries = Object.entries(files);
  if (entries.length > 0) {
    const { data } = await gh.octokit.rest.git.createTree({
      ...repoOf(gh),
      base_tree: tree,
      tree: entries.map(([path, content]) => ({ path, mode: "100644", type: "blob", content }))
    });
    tree = data.sha;
  }
  const { data: commit } = await gh.octokit.rest.git.createCommit({
    ...repoOf(gh),
    message,
    tree,
    parents: [parentSha]
  });
  rememberAncestry(gh, parentSha, commit.sha);
  return commit.sha;
}
async function putFileOnBranch(gh, input) {
  const { data } = await gh.octokit.rest.repos.createOrUpdateFileContents({
    ...repoOf(gh),
    path: input.path,
    branch: input.branch,
    message: input.message,
    content: Buffer.from(input.content, "utf8").toString("base64"),
    sha: input.blobSha
  });
  const sha = data.commit.sha;
  if (!sha) throw new Error(`GitHub's answer to PUT contents/${input.path} names no commit`);
  const parents = (data.commit.parents ?? []).flatMap((p) => p.sha ? [p.sha] : []);
  if (parents.length === 1 && parents[0] === input.parentSha)
    rememberAncestry(gh, input.parentSha, sha);
  return { sha, parents };
}
async function canWrite(gh, username) {
  try {
    const { data } = await gh.octokit.rest.repos.getCollaboratorPermissionLevel({
      ...repoOf(gh),
      username
    });
    return data.permission === "admin" || data.permission === "write";
  } catch (error) {
    if (isStatus(error, 404)) return false;
    throw error;
  }
}
var ancestry = new Lru({ maxEntries: 4096 });
var treeOfCommit = new Lru({ maxEntries: 1024 });
var ancestryKey = (gh, base, head) => `${gh.owner}/${gh.repo}:${base}...${head}`;
function rememberAncestry(gh, base, head) {
  ancestry.set(ancestryKey(gh, base, head), true);
}
async function containsCommit(gh, base, head) {
  if (base === head) return true;
  const key = ancestryKey(gh, base, head);
  const known = ancestry.get(key);
  if (known !== void 0) return known;
  const { data } = await gh.octokit.rest.repos.compareCommitsWithBasehead({
    ...repoOf(gh),
    basehead: `${base}...${head}`,
    per_page: 1
  });
  const contains = data.behind_by === 0;
  ancestry.set(key, contains);
  return contains;
}

// src/github/experiment-pulls.ts
function runPullsCache() {
  return new Lru({
    maxEntries: 64,
    maxWeight: 5e4,
    weigh: (run) => run.pulls.size
  });
}
var WATERMARK_MARGIN_MS = 12e4;
var PAGE = 100;
function listed(p) {
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
    updatedAt: p.updated_at
  };
}
async function listRunPulls(gh, runBranch2, root, cache) {
  const key = `${gh.owner}/${gh.repo}#${runBranch2}`.toLowerCase();
  const known = cache?.get(key);
  const run = known ?? { pulls: /* @__PURE__ */ new Map(), watermark: "" };
  if (!known) {
    const all = await gh.octokit.paginate(gh.octokit.rest.pulls.list, {
      ...repoOf(gh),
      base: runBranch2,
      state: "all",
      sort: "created",
      direction: "asc",
      per_page: PAGE
    });
    for (const p of all) run.pulls.set(p.number, listed(p));
  } else {
    const since = Date.parse(run.watermark) - WATERMARK_MARGIN_MS;
    for (let page = 1; ; page++) {
      const { data } = await gh.octokit.rest.pulls.list({
        ...repoOf(gh),
        base: runBranch2,
        state: "all",
        sort: "updated",
        direction: "desc",
        per_page: PAGE,
        page
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
function believe(root, p) {
  const trust = trustExperimentPull(
    root,
    {
      number: p.number,
      author: p.author,
      authorType: p.authorType,
      headRef: p.headRef,
      headRepository: p.headRepository
    },
    stateBlock.read(p.body)
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
    reseal: trust.kind === "trusted" && trust.reseal
  };
}
function sealedBody(gh, sealer, pull, state) {
  const mac = sealer.seal(experimentScope(`${gh.owner}/${gh.repo}`, pull.headRef), state);
  return withStateBlock(pull.body, state, mac);
}
async function openExperimentPull(gh, pull) {
  const { data } = await gh.octokit.rest.pulls.create({
    ...repoOf(gh),
    head: pull.head,
    base: pull.base,
    title: pull.title,
    body: pull.body,
    maintainer_can_modify: false
  });
  return data.number;
}
async function findOpenPull(gh, headBranch) {
  const { data } = await gh.octokit.rest.pulls.list({
    ...repoOf(gh),
    head: `${gh.owner}:${headBranch}`,
    state: "open",
    per_page: 1
  });
  return data[0]?.number ?? null;
}
async function findPullByHead(gh, headBranch) {
  const { data } = await gh.octokit.rest.pulls.list({
    ...repoOf(gh),
    head: `${gh.owner}:${headBranch}`,
    state: "all",
    per_page: 1
  });
  return data[0]?.number ?? null;
}
async function saveExperimentState(gh, sealer, pull, state, extra = {}) {
  const body = sealedBody(gh, sealer, pull, state);
  await gh.octokit.rest.issues.update({
    ...repoOf(gh),
    issue_number: pull.number,
    body,
    ...extra.state ? { state: extra.state } : {},
    ...extra.labels ? { labels: extra.labels } : {},
    ...extra.title ? { title: extra.title } : {}
  });
  return body;
}
async function mergeTestedHead(gh, pull, sha, method) {
  try {
    const { data } = await gh.octokit.rest.pulls.merge({
      ...repoOf(gh),
      pull_number: pull.number,
      sha,
      merge_method: method,
      commit_title: `${pull.title} (#${pull.number})`
    });
    return { merged: true, sha: data.sha };
  } catch (error) {
    if (isStatus(error, 409)) return { merged: false, headMoved: true, message: messageOf(error) };
    if (isStatus(error, 405)) return { merged: false, headMoved: false, message: messageOf(error) };
    throw error;
  }
}
async function mergeRunHeadInto(gh, branch, runHeadSha) {
  try {
    const response = await gh.octokit.rest.repos.merge({
      ...repoOf(gh),
      base: branch,
      head: runHeadSha,
      commit_message: `Merge the run head ${runHeadSha.slice(0, 7)} into ${branch}`
    });
    return { updated: true, sha: response.status === 201 ? response.data.sha : null };
  } catch (error) {
    if (isStatus(error, 409)) return { updated: false, message: messageOf(error) };
    throw error;
  }
}
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

// src/core/results-tsv.ts
var RESULTS_HEADER = ["commit", "val_bpb", "memory_gb", "status", "description"];
function ledgerRow(input) {
  const crashed = input.status === "crash";
  return {
    commit: input.sha.slice(0, 7),
    valBpb: crashed ? 0 : input.valBpb ?? 0,
    memoryGb: crashed ? 0 : (input.peakVramMb ?? 0) / 1024,
    status: input.status,
    description: cleanDescription(input.description)
  };
}
var MAX_LEDGER_DESCRIPTION = 200;
var UNKNOWN_COMMIT = "0000000";
var CONTROL_RE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;
var LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function cleanDescription(text) {
  return text.replace(LONE_SURROGATE_RE, "\uFFFD").replace(CONTROL_RE, " ").replace(/\s+/g, " ").trim();
}
function formatRow(row) {
  const crashed = row.status === "crash";
  return [
    ledgerCommit(row.commit),
    (crashed ? 0 : clamp(row.valBpb, 0, SUMMARY_RANGES.val_bpb.max)).toFixed(6),
    (crashed ? 0 : clamp(row.memoryGb, 0, MEMORY_GB_RANGE.max)).toFixed(1),
    row.status,
    cut(cleanDescription(row.description), MAX_LEDGER_DESCRIPTION)
  ].join("	");
}
function ledgerCommit(sha) {
  const commit = sha.slice(0, 7).toLowerCase();
  return /^[0-9a-f]{7}$/.test(commit) ? commit : UNKNOWN_COMMIT;
}
function clamp(value, min, max) {
  return Number.isNaN(value) ? min : Math.min(max, Math.max(min, value));
}
function cut(text, max) {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}\u2026`;
}
function serializeResults(rows) {
  return `${[RESULTS_HEADER.join("	"), ...rows.map(formatRow)].join("\n")}
`;
}

// src/core/digest.ts
function formatBpb(value) {
  return value.toFixed(6);
}
function formatDelta(delta) {
  const micro = Math.round(delta * 1e6);
  if (micro === 0) return "\xB10.000000";
  return `${micro > 0 ? "+" : "-"}${(Math.abs(micro) / 1e6).toFixed(6)}`;
}
function digestLines(input) {
  const before = input.best === null ? "\u2014" : formatBpb(input.best);
  return [
    `Experiment #${input.n}: ${cleanDescription(input.description)}`,
    `val_bpb: ${before} \u2192 ${outcome(input)}`,
    `Status: ${input.status}`
  ].join("\n");
}
function outcome(input) {
  if (input.status === "crash" || input.valBpb === null) {
    return `crash (${input.crashReason?.trim() || "no val_bpb"})`;
  }
  if (input.best === null) return formatBpb(input.valBpb);
  return `${formatBpb(input.valBpb)} (${formatDelta(input.valBpb - input.best)})`;
}
var CHAT_LIMIT = 2e3;
function chatPayload(text) {
  const fitted = shorten(text, CHAT_LIMIT);
  return { text: escapeSlack(fitted), content: fitted, allowed_mentions: { parse: [] } };
}
function escapeSlack(text) {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
function shorten(text, max) {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  return `${/[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head}\u2026`;
}

// src/core/schedule.ts
var TIMEOUT_MARGIN_MINUTES = 5;
function experimentStep(input) {
  const { experiment: exp, pull, training } = input;
  if (exp.phase === "decided" || exp.phase === "rejected") {
    const settled = pull.state === "closed" || exp.phase === "rejected";
    return exp.phase === "decided" && !settled ? { kind: "apply" } : { kind: "idle" };
  }
  if (pull.state === "closed") return { kind: "idle" };
  if (pull.headSha !== exp.head_sha) return { kind: "head-moved", headSha: pull.headSha };
  if (exp.phase === "queued") return { kind: "ready" };
  const waited = minutesBetween(exp.dispatched_at, input.now);
  if (!training || training.runsTotal < exp.attempts || !training.latest) {
    return waited !== null && waited >= input.queuedAlertMinutes ? { kind: "stuck", waitingMinutes: waited } : { kind: "training", waitingMinutes: waited };
  }
  const run = training.latest;
  if (run.status !== "completed" && run.status !== "in_progress") {
    return waited !== null && waited >= input.queuedAlertMinutes ? { kind: "stuck", waitingMinutes: waited } : { kind: "training", waitingMinutes: waited };
  }
  if (run.status === "in_progress") {
    const working = minutesBetween(workStartedAt(run), input.now);
    if (working !== null && working > input.timeoutMinutes + TIMEOUT_MARGIN_MINUTES) {
      return { kind: "timed-out", runId: run.id, minutes: working };
    }
    return { kind: "training", waitingMinutes: waited };
  }
  if (training.result && training.result.run_id === String(run.id)) {
    return { kind: "result", result: training.result };
  }
  return { kind: "no-result", runId: run.id, conclusion: run.conclusion };
}
function dispatchLimit(input) {
  if (!input.baselineMeasured) return 1;
  return input.preDispatch ? input.concurrency * 2 : input.concurrency;
}
function refillPlan(input) {
  if (input.status !== "running") return { dispatch: 0, propose: 0 };
  const free = Math.max(0, input.concurrency - input.inFlight);
  const dispatch = Math.min(free, input.ready);
  const readyAfter = input.ready - dispatch;
  const wanted = free - dispatch + input.queueDepth;
  return { dispatch, propose: Math.max(0, wanted - readyAfter) };
}
function ledgerRows(experiments) {
  return decidedInOrder(experiments).flatMap(({ state }) => {
    const status = state.verdict.status;
    if (state.source === "remeasure" || status === "remeasure") return [];
    return ledgerRow({
      sha: state.result?.head_sha && state.result.head_sha !== "unknown" ? state.result.head_sha : state.head_sha,
      status,
      valBpb: state.result?.val_bpb ?? null,
      peakVramMb: state.result?.peak_vram_mb ?? null,
      description: state.description
    });
  });
}
function decidedInOrder(experiments) {
  return experiments.filter((e) => e.state.phase === "decided" && e.state.verdict !== null).sort(
    (a, b) => (a.state.decided_at ?? "").localeCompare(b.state.decided_at ?? "") || a.n - b.n
  );
}
function bestKept(experiments) {
  const kept = decidedInOrder(experiments).filter((e) => e.state.verdict.status === "keep");
  return kept.at(-1) ?? null;
}
function workStartedAt(run) {
  const times = [run.startedAt, run.updatedAt].filter((t) => !!t);
  if (times.length === 0) return null;
  return times.reduce((a, b) => Date.parse(b) > Date.parse(a) ? b : a);
}
function minutesBetween(from, to) {
  if (!from) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.floor(ms / 6e4) : null;
}

// src/core/noise.ts
var isRemeasure = (state) => state.source === "remeasure";
function noiseFloor(trail) {
  const heads = /* @__PURE__ */ new Map();
  const groups = [];
  let remeasures = 0;
  let confirmed = 0;
  for (const { state } of decidedInOrder(trail)) {
    if (!isRemeasure(state)) {
      if ((state.runs?.length ?? 0) > 1) {
        groups.push(state.runs);
        confirmed++;
      }
      continue;
    }
    const recorded = state.verdict.best;
    if (state.verdict.status !== "remeasure" || recorded === null) continue;
    if (state.result?.status !== "ok") continue;
    const group = heads.get(recorded) ?? [recorded];
    group.push(state.result.val_bpb);
    heads.set(recorded, group);
    remeasures++;
  }
  if (remeasures + confirmed === 0) return null;
  const deviations = [...heads.values(), ...groups].flatMap((values) => {
    const center = median(values);
    return values.map((v) => Math.abs(v - center));
  });
  return { mad: roundBpb(median(deviations)), remeasures, confirmed };
}
function remeasureDue(trail, every) {
  if (every <= 0) return false;
  const pending = trail.some(
    ({ state }) => isRemeasure(state) && state.phase !== "decided" && state.phase !== "rejected"
  );
  if (pending) return false;
  const decided = decidedInOrder(trail);
  if (!decided.some(({ state }) => state.verdict.status === "keep")) return false;
  const lastRemeasure = decided.findLastIndex(({ state }) => isRemeasure(state));
  const since = decided.slice(lastRemeasure + 1).filter(({ state }) => !isRemeasure(state));
  return since.length >= every;
}
function recordedValueAt(trail, dispatchedAt) {
  const kept = decidedInOrder(trail).filter(
    ({ state }) => !isRemeasure(state) && state.verdict.status === "keep" && (dispatchedAt === null || (state.decided_at ?? "") <= dispatchedAt)
  );
  return kept.at(-1)?.state.result?.val_bpb ?? null;
}
function noiseFloorText(noise) {
  return `val_bpb MAD ${formatBpb(noise.mad)} from ${noiseSources(noise)}`;
}
function noiseSources(noise) {
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const remeasured = noise.remeasures > 0 ? plural(
    noise.remeasures,
    "re-measurement of the run head",
    "re-measurements of the run head"
  ) : null;
  const confirmed = noise.confirmed > 0 ? `the repeated runs of ${plural(noise.confirmed, "confirmed change", "confirmed changes")}` : null;
  return [remeasured, confirmed].filter((part) => part !== null).join(" and ");
}
function noiseMultipleText(delta, noise) {
  const floor = `MAD ${formatBpb(noise)}`;
  if (noise <= 0) {
    return `repeated trainings of unchanged code have matched exactly so far (noise floor ${floor})`;
  }
  const multiple = `${formatMultiple(Math.abs(delta) / noise)} the noise floor (${floor})`;
  if (delta < 0) return `the gain is ${multiple}`;
  if (delta > 0) return `the loss is ${multiple}`;
  return `no change, against a noise floor of ${floor}`;
}
function noiseMultiple(delta, noise) {
  if (delta === null || noise === null || noise === void 0 || noise <= 0) return null;
  return formatMultiple(Math.abs(delta) / noise);
}
function formatMultiple(value) {
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}\xD7`;
}
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function roundBpb(value) {
  return Math.round(value * 1e6) / 1e6;
}

// src/core/diff-stats.ts
function diffStats(files) {
  return {
    added: files.reduce((sum, f) => sum + f.additions, 0),
    removed: files.reduce((sum, f) => sum + f.deletions, 0),
    files: files.map((f) => f.filename)
  };
}
function linesEditedInPlace(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) return null;
  return a.filter((line, i) => line !== b[i]).length;
}
function pathsOutside(files, allowed) {
  const ok = new Set(allowed);
  return files.filter((path) => !ok.has(path));
}
var SEED_ASSIGNMENT = /^(?:[A-Za-z_][\w.]*)?seed\w*\s*(?::[^=]+)?(?:[-+*/%]|\/\/)?=(?!=)/i;
var SEED_CALL = /^[\w.]*seed\w*\s*\(.*\)$/i;
var HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;
function isSeedOnly(patch) {
  const changed = changedLines(patch).map(stripComment).filter((line) => line !== "");
  return changed.length > 0 && changed.every((line) => isSeedLine(line));
}
function isSeedLine(line) {
  if (line.includes(";")) return false;
  return SEED_ASSIGNMENT.test(line) || SEED_CALL.test(line);
}
function changedLines(patch) {
  const lines = [];
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of patch.replace(/\r\n/g, "\n").split("\n")) {
    if (oldLeft > 0 || newLeft > 0) {
      if (line.startsWith("+")) newLeft--;
      else if (line.startsWith("-")) oldLeft--;
      else if (!line.startsWith("\\")) {
        oldLeft--;
        newLeft--;
      }
      if (line.startsWith("+") || line.startsWith("-")) lines.push(line.slice(1));
      continue;
    }
    const header = HUNK_HEADER.exec(line);
    if (header) {
      oldLeft = header[1] === void 0 ? 1 : Number(header[1]);
      newLeft = header[2] === void 0 ? 1 : Number(header[2]);
    }
  }
  return lines;
}
function stripComment(line) {
  return line.replace(/#[^'"]*$/, "").trim();
}

// src/core/variant-id.ts
import { createHash } from "node:crypto";
function gitBlobSha(content) {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
function variantId(blobs, paths) {
  return [...paths].sort().map((p) => `${encodeURIComponent(p)}:${blobs[p] ?? "-"}`).join(" ");
}
function blobInVariant(variant, path) {
  for (const part of variant.split(" ")) {
    const colon = part.lastIndexOf(":");
    if (colon > 0 && part.slice(0, colon) === encodeURIComponent(path)) {
      const sha = part.slice(colon + 1);
      return sha === "-" ? null : sha;
    }
  }
  return null;
}
function variantPaths(variant) {
  return variant.split(" ").map((part) => part.slice(0, part.lastIndexOf(":"))).map((encoded) => {
    try {
      return decodeURIComponent(encoded);
    } catch {
      return encoded;
    }
  }).sort();
}

// src/views/compile-template.ts
var import_handlebars = __toESM(require_lib(), 1);
function compileTemplate(source) {
  const env = import_handlebars.default.create();
  env.registerHelper("text", (value) => inlineText(String(value ?? "")));
  env.registerHelper("cell", (value) => tableCell(String(value ?? "")));
  env.registerHelper("code", (value) => inlineCode(String(value ?? "")));
  env.registerHelper(
    "fence",
    (value, lang) => fencedBlock(String(value ?? ""), typeof lang === "string" ? lang : "")
  );
  const template = env.compile(source, { noEscape: true, strict: true });
  return (data) => template(data);
}
function inlineText(text) {
  return escapeHtml(text.replace(/\s+/g, " ").trim());
}
function tableCell(text) {
  return inlineText(text).replaceAll("|", "\\|");
}
function inlineCode(text) {
  return `<code>${tableCell(text)}</code>`;
}
function fencedBlock(text, lang = "") {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${lang}
${text.replace(/\n+$/, "")}
${fence}`;
}
function escapeHtml(text) {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

export {
  RESULTS_HEADER,
  cleanDescription,
  serializeResults,
  formatBpb,
  formatDelta,
  digestLines,
  chatPayload,
  escapeSlack,
  experimentStep,
  dispatchLimit,
  refillPlan,
  ledgerRows,
  decidedInOrder,
  bestKept,
  isRemeasure,
  noiseFloor,
  remeasureDue,
  recordedValueAt,
  noiseFloorText,
  noiseSources,
  noiseMultipleText,
  noiseMultiple,
  diffStats,
  linesEditedInPlace,
  pathsOutside,
  isSeedOnly,
  gitBlobSha,
  variantId,
  blobInVariant,
  variantPaths,
  sealKeys,
  createSealer,
  runScope,
  hiddenBlock,
  newExperiment,
  stateBlock,
  withStateBlock,
  trustExperimentPull,
  trustDashboard,
  pickDashboards,
  repoOf,
  branchSha,
  createBranch,
  deleteBranch,
  defaultBranch,
  readTextFile,
  readRepoText,
  commitFiles,
  putFileOnBranch,
  canWrite,
  containsCommit,
  runPullsCache,
  listRunPulls,
  sealedBody,
  openExperimentPull,
  findOpenPull,
  findPullByHead,
  saveExperimentState,
  mergeTestedHead,
  mergeRunHeadInto,
  compileTemplate,
  tableCell,
  inlineCode,
  fencedBlock
};
