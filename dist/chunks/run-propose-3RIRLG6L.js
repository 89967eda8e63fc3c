import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  PROPOSE_INPUT_NAMES,
  parseProposeInputs
} from "./chunk-CFLCWWBJ.js";
import {
  execa,
  readTail,
  runTraining,
  trainingEnv
} from "./chunk-ZC3AKYSR.js";
import {
  ACTION_LOG
} from "./chunk-QZBVA7OT.js";
import {
  readRunContext
} from "./chunk-NCH3SKGW.js";
import "./chunk-DS6XRQEE.js";
import {
  bestKept,
  branchSha,
  cleanDescription,
  compileTemplate,
  containsCommit,
  decidedInOrder,
  fencedBlock,
  formatBpb,
  inlineCode,
  ledgerRows,
  listRunPulls,
  noiseFloor,
  pathsOutside,
  repoOf,
  serializeResults,
  tableCell,
  variantId,
  variantPaths
} from "./chunk-ERRBA2WW.js";
import {
  readPullFacts
} from "./chunk-YTXSDDUB.js";
import {
  experimentBranch,
  parseExperimentBranch,
  runBranch
} from "./chunk-G4P45L52.js";
import {
  createGitHubClient,
  isStatus
} from "./chunk-W66Z6FAG.js";
import "./chunk-OZOE3J7Y.js";
import {
  debug,
  endGroup,
  getInput,
  info,
  setFailed,
  setOutput,
  startGroup,
  summary
} from "./chunk-LBXT2ELO.js";

// src/action/propose/run-propose.ts
import { join as join3 } from "node:path";

// src/core/propose-prompt.ts
var MAX_PATCH_CHARS = 8e3;
function decidedOf(trail) {
  return trail.flatMap((p) => p.state ? [{ n: p.state.n, pr: p.pr, state: p.state }] : []);
}
function diffTargets(trail) {
  const decided = decidedInOrder(decidedOf(trail));
  const last = (status) => decided.filter((e) => e.state.verdict.status === status).at(-1);
  return { kept: last("keep") ?? null, discarded: last("discard") ?? null };
}
function buildPromptData(input) {
  const decided = decidedOf(input.trail);
  const rows = ledgerRows(decided);
  const best = bestKept(decided);
  const targets = diffTargets(input.trail);
  const noise = noiseFloor(decided);
  const count = (status) => rows.filter((r) => r.status === status).length;
  return {
    tag: input.tag,
    n: input.n,
    runBranch: runBranch(input.tag),
    baseSha7: input.baseSha.slice(0, 7),
    program: input.program?.trim() ? input.program.trimEnd() : null,
    allowedPaths: input.allowedPaths.join(", "),
    descriptionPath: input.descriptionPath,
    best: best?.state.result != null ? {
      valBpb: formatBpb(best.state.result.val_bpb),
      description: cleanDescription(best.state.description),
      pr: best.pr
    } : null,
    counts: {
      decided: rows.length,
      kept: count("keep"),
      discarded: count("discard"),
      crashed: count("crash")
    },
    noise: noise === null ? null : formatBpb(noise.mad),
    history: rows.length > 0 ? serializeResults(rows).trimEnd() : null,
    inFlight: input.trail.filter((p) => p.open && p.state?.phase !== "decided" && p.state?.phase !== "rejected").filter((p) => p.state?.source !== "remeasure").map((p) => ({ pr: p.pr, description: cleanDescription(p.state?.description ?? p.title) })),
    lastKept: promptDiff(targets.kept, input.patches),
    lastDiscarded: promptDiff(targets.discarded, input.patches)
  };
}
function promptDiff(target, patches) {
  if (!target) return null;
  const { state } = target;
  const crashed = state.verdict?.status === "crash" || !state.result;
  return {
    pr: target.pr,
    description: cleanDescription(state.description),
    valBpb: crashed ? "crash" : formatBpb(state.result.val_bpb),
    patch: cutPatch(patches.get(target.pr) ?? "", target.pr)
  };
}
function patchText(files) {
  return files.map(
    (f) => [
      `--- a/${f.filename}`,
      `+++ b/${f.filename}`,
      f.patch ?? "(no textual diff: binary or too large)"
    ].join("\n")
  ).join("\n");
}
function cutPatch(patch, pr) {
  if (patch.length <= MAX_PATCH_CHARS) return patch;
  const cut = patch.slice(0, patch.lastIndexOf("\n", MAX_PATCH_CHARS) + 1 || MAX_PATCH_CHARS);
  return `${cut}\u2026 (diff cut at ${MAX_PATCH_CHARS} characters: the whole change is PR #${pr})`;
}

// src/core/propose-validation.ts
function agentFailure(exit, timeoutMinutes) {
  const failed = (reason) => ({ status: "agent-failed", reason });
  if (exit.timedOut) {
    return failed(
      `the agent ran longer than agent-timeout-minutes (${timeoutMinutes} min) and was stopped with its whole process tree: give it a smaller task or more time`
    );
  }
  if (exit.cancelled) return failed("the job was cancelled while the agent ran");
  if (exit.signal !== null) {
    return failed(`agent-command was killed by ${exit.signal}: see the agent output`);
  }
  if (exit.exitCode !== 0) {
    return failed(`agent-command exited with code ${exit.exitCode}: see the agent output`);
  }
  return null;
}
function emptyChange(changed) {
  return changed.length === 0 ? {
    status: "invalid",
    reason: "the agent left the working directory unchanged: an experiment needs an edit to the allowed paths"
  } : null;
}
function pathViolation(changed, allowed) {
  const outside = pathsOutside(changed, allowed);
  if (outside.length === 0) return null;
  return {
    status: "invalid",
    reason: `the agent changed ${listSome(outside)}: only ${allowed.join(", ")} may change (input allowed-paths)`
  };
}
function listSome(paths, max = 5) {
  const named = paths.slice(0, max).join(", ");
  return paths.length > max ? `${named} and ${paths.length - max} more` : named;
}
function irregularFile(files) {
  const odd = files.find((f) => f.kind === "symlink" || f.kind === "other");
  if (!odd) return null;
  const what = odd.kind === "symlink" ? "a symbolic link" : "not a regular file";
  return {
    status: "invalid",
    reason: `${odd.path} is ${what}: an experiment changes file contents only`
  };
}
function pythonToCompile(files) {
  return files.filter((f) => f.kind === "file" && f.path.endsWith(".py")).map((f) => f.path);
}
function compileFailure(failures) {
  const [first] = failures;
  if (!first) return null;
  return {
    status: "invalid",
    reason: `${first.path} does not compile (${compileError(first.stderr)}): the agent must leave valid Python`
  };
}
function compileError(stderr) {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const error = (lines.at(-1) ?? "python3 -m py_compile failed without a message").replace(
    /^Sorry: /,
    ""
  );
  const line = /\bline (\d+)/.exec(stderr)?.[1];
  const text = line && !error.includes(`line ${line}`) ? `${error} (line ${line})` : error;
  return text.length > 200 ? `${text.slice(0, 199)}\u2026` : text;
}
function sameVariant(a, b, paths) {
  return paths.every((p) => (a[p] ?? null) === (b[p] ?? null));
}
function compareRecordedVariant(recorded, mine, paths) {
  if (!recorded) return "unknown";
  const named = variantPaths(recorded);
  const allowed = [...paths].sort();
  if (named.length !== allowed.length || named.some((p, i) => p !== allowed[i])) return "unknown";
  return recorded === variantId(mine, paths) ? "same" : "different";
}
function duplicateOf(mine, tried, paths) {
  const twin = tried.find((t) => sameVariant(mine, t.fingerprint, paths));
  if (!twin) return null;
  return {
    status: "invalid",
    reason: `${paths.join(", ")} ${paths.length === 1 ? "is" : "are"} identical to PR #${twin.pr} ("${twin.description}"), already tried in this run: propose a different idea`
  };
}
function branchOfExperiment(branches, tag, n) {
  return branches.find((b) => {
    const parsed = parseExperimentBranch(b);
    return parsed?.tag === tag && parsed.n === n;
  }) ?? null;
}

// src/templates/agent-prompt.hbs
var agent_prompt_default = '# Autoresearch: propose experiment #{{n}} of run `{{tag}}`\n\nYou are the researcher of an autoresearch run. Make ONE change to the code in the current\ndirectory that you expect to lower `val_bpb`, then stop. You do not train, commit or push:\nautoresearch-bot commits your change as experiment #{{n}}, trains it on a GPU for the fixed\ntime budget, and keeps it only if its `val_bpb` beats the best so far.\n\n{{#if program}}\n## The research program (program.md)\n\n{{program}}\n\n{{/if}}\n## Rules for this step\n\nThese rules win wherever program.md says otherwise (it may describe the whole loop; here you\nmake a single proposal and the bot runs the loop).\n\n- Change only {{allowedPaths}}. Any change to another file rejects the proposal without training.\n- Add no dependencies: use only what the code already imports.\n- One idea per experiment: a small, self-contained change whose effect can be told apart.\n- Simpler is better: equal results with less code is a win; a tiny gain that adds many lines\n  of tricks is not kept.\n- Do not repeat an experiment from the history below: a proposal identical to one already tried\n  is rejected.\n- Leave valid Python: every changed `.py` file is compiled before it is accepted.\n- Leave the change in the working tree: do not commit, push or create branches.\n- Write a one-line description of your change (what it does, e.g. "lower LEARNING_RATE to 0.04")\n  to the file named by `$AUTORESEARCH_DESCRIPTION` ({{descriptionPath}}). It becomes the\n  experiment\'s title and its row in results.tsv.\n\n## Where the run stands\n\nRun branch `{{runBranch}}` at `{{baseSha7}}`: your change is made on top of it.\n{{#if best}}\nBest `val_bpb` so far: **{{best.valBpb}}** from PR #{{best.pr}} ({{best.description}}).\n{{else}}\nNo experiment has been kept yet: the baseline is still being measured.\n{{/if}}\nDecided so far: {{counts.decided}} ({{counts.kept}} kept, {{counts.discarded}} discarded, {{counts.crashed}} crashed). Lower `val_bpb` is better.\n{{#if noise}}\nNoise floor: training the unchanged run head again moves `val_bpb` by about {{noise}} (median\nabsolute deviation). A gain much smaller than that is luck, not progress: aim higher.\n{{/if}}\n\n## History (results.tsv)\n\n{{#if history}}\n{{fence history "tsv"}}\n{{else}}\nNo experiment has been decided yet.\n{{/if}}\n{{#if inFlight.length}}\n\n## Being trained now (do not propose these again)\n\n{{#each inFlight}}\n- PR #{{pr}}: {{description}}\n{{/each}}\n{{/if}}\n{{#if lastKept}}\n\n## The last kept change: PR #{{lastKept.pr}}, {{lastKept.description}} (val_bpb {{lastKept.valBpb}})\n\n{{#if lastKept.patch}}\n{{fence lastKept.patch "diff"}}\n{{else}}\nNo files changed: it measured the code as it was.\n{{/if}}\n{{/if}}\n{{#if lastDiscarded}}\n\n## The last discarded change: PR #{{lastDiscarded.pr}}, {{lastDiscarded.description}} (val_bpb {{lastDiscarded.valBpb}})\n\n{{#if lastDiscarded.patch}}\n{{fence lastDiscarded.patch "diff"}}\n{{else}}\nNo files changed.\n{{/if}}\n{{/if}}\n';

// src/views/agent-prompt.ts
var render = compileTemplate(agent_prompt_default);
function renderAgentPrompt(data) {
  return `${render(data).trimEnd()}
`;
}

// src/action/propose/commit-proposal.ts
async function commitProposal(gh, worktree, proposal) {
  const { data: parent } = await gh.octokit.rest.git.getCommit({
    ...repoOf(gh),
    commit_sha: proposal.parentSha
  });
  const tree = [];
  for (const file of proposal.files) {
    tree.push(
      file.kind === "missing" ? { path: file.path, mode: "100644", type: "blob", sha: null } : await uploadBlob(gh, worktree, file.path)
    );
  }
  const { data: newTree } = await gh.octokit.rest.git.createTree({
    ...repoOf(gh),
    base_tree: parent.tree.sha,
    tree
  });
  const { data: commit } = await gh.octokit.rest.git.createCommit({
    ...repoOf(gh),
    message: proposal.message,
    tree: newTree.sha,
    parents: [proposal.parentSha]
  });
  try {
    await gh.octokit.rest.git.createRef({
      ...repoOf(gh),
      ref: `refs/heads/${proposal.branch}`,
      sha: commit.sha
    });
  } catch (error) {
    if (isStatus(error, 422)) return { created: false, sha: commit.sha };
    throw error;
  }
  return { created: true, sha: commit.sha };
}
async function uploadBlob(gh, worktree, path) {
  const [content, expected, executable] = await Promise.all([
    worktree.read(path),
    worktree.hashObject(path),
    worktree.executable(path)
  ]);
  const { data: blob } = await gh.octokit.rest.git.createBlob({
    ...repoOf(gh),
    content: content.toString("base64"),
    encoding: "base64"
  });
  if (blob.sha !== expected) {
    throw new Error(
      `${path}: GitHub stored blob ${blob.sha} but the checkout hashes to ${expected}; the file changed while it was committed: run the job again`
    );
  }
  return {
    path,
    mode: executable ? "100755" : "100644",
    type: "blob",
    sha: blob.sha
  };
}

// src/action/propose/find-run-trail.ts
async function findProposalBase(gh, tag, checkoutSha) {
  const branch = runBranch(tag);
  const runHeadSha = await branchSha(gh, branch);
  if (runHeadSha === null) {
    throw new Error(
      `the run branch ${branch} does not exist: start the run first (/autoresearch start ${tag}) or fix input tag`
    );
  }
  if (checkoutSha !== runHeadSha && !await containsCommit(gh, checkoutSha, runHeadSha)) {
    throw new Error(
      `working-directory is at ${checkoutSha.slice(0, 7)}, which is not on ${branch}: check out ref ${branch} (actions/checkout with ref: ${branch})`
    );
  }
  return { baseSha: checkoutSha, runHeadSha };
}
async function findExperimentBranch(gh, pulls, tag, n) {
  const withPull = branchOfExperiment(
    pulls.map((p) => p.headRef),
    tag,
    n
  );
  if (withPull !== null) return withPull;
  const prefix = `heads/${runBranch(tag)}--${n}-`;
  const { data } = await gh.octokit.rest.git.listMatchingRefs({ ...repoOf(gh), ref: prefix });
  return branchOfExperiment(
    data.map((r) => r.ref),
    tag,
    n
  );
}
function trailOf(pulls) {
  return pulls.map((p) => ({
    pr: p.number,
    title: p.title,
    open: p.state === "open",
    state: p.experiment
  }));
}
async function findPatches(gh, targets) {
  const patches = /* @__PURE__ */ new Map();
  for (const target of targets) {
    if (!target || patches.has(target.pr)) continue;
    const facts = await readPullFacts(gh.octokit, repoOf(gh), target.pr);
    patches.set(target.pr, patchText(facts.files));
  }
  return patches;
}
async function findTriedVariant(gh, pulls, mine, paths) {
  const unrecorded = [];
  for (const pull of pulls) {
    const recorded = compareRecordedVariant(pull.experiment?.variant, mine, paths);
    if (recorded === "same") {
      return {
        pr: pull.number,
        description: pull.experiment?.description ?? pull.title,
        fingerprint: mine
      };
    }
    if (recorded === "unknown") unrecorded.push(pull);
  }
  const seen = /* @__PURE__ */ new Set();
  for (const pull of unrecorded) {
    if (seen.has(pull.headSha)) continue;
    seen.add(pull.headSha);
    const theirs = {};
    for (const path of paths) {
      theirs[path] = await blobShaAt(gh, pull.headSha, path);
      if (theirs[path] !== (mine[path] ?? null)) break;
    }
    if (sameVariant(mine, theirs, paths)) {
      return {
        pr: pull.number,
        description: pull.experiment?.description ?? pull.title,
        fingerprint: theirs
      };
    }
  }
  return null;
}
async function blobShaAt(gh, ref, path) {
  try {
    const { data } = await gh.octokit.rest.repos.getContent({ ...repoOf(gh), path, ref });
    return !Array.isArray(data) && data.type === "file" ? data.sha : null;
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}

// src/action/propose/propose-job.ts
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as join2, resolve } from "node:path";

// src/action/propose/git-worktree.ts
import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
var SAFE_GIT = [
  "-c",
  "core.fsmonitor=false",
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "core.untrackedCache=false"
];
async function openWorktree(dir, env, pycacheDir) {
  const exec = async (file, args, cwd) => {
    const result = await execa(file, args, { cwd, env, extendEnv: false, reject: false });
    if (result.failed && result.exitCode === void 0) {
      throw new Error(
        `could not run ${file} in ${cwd} (${result.shortMessage}): is ${file} installed on this runner?`,
        {
          cause: result
        }
      );
    }
    return result;
  };
  const git = async (args, cwd) => {
    const result = await exec("git", [...SAFE_GIT, ...args], cwd);
    if (result.exitCode !== 0) {
      throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${String(result.stderr).trim()}`);
    }
    return String(result.stdout);
  };
  const root = (await git(["rev-parse", "--show-toplevel"], dir).catch((cause) => {
    throw new Error(
      `working-directory ${dir} is not a git checkout: check out autoresearch/<tag> first (actions/checkout)`,
      { cause }
    );
  })).trim();
  const at = (path) => join(root, path);
  return {
    root,
    head: async () => (await git(["rev-parse", "--verify", "HEAD"], root)).trim(),
    status: () => git(["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all"], root),
    uncommitTo: async (sha) => {
      await git(["reset", "--quiet", "--soft", sha], root);
    },
    hashObject: async (path) => (await git(["hash-object", "--no-filters", "--", path], root)).trim(),
    kind: async (path) => {
      try {
        const stat = await lstat(at(path));
        if (stat.isSymbolicLink()) return "symlink";
        return stat.isFile() ? "file" : "other";
      } catch (error) {
        if (error.code === "ENOENT") return "missing";
        throw error;
      }
    },
    executable: async (path) => ((await lstat(at(path))).mode & 73) !== 0,
    read: (path) => readFile(at(path)),
    compilePython: async (path) => {
      const args = ["-I", "-X", `pycache_prefix=${pycacheDir}`, "-m", "py_compile", path];
      const result = await exec("python3", args, root);
      return result.exitCode === 0 ? null : `${String(result.stderr)}${String(result.stdout)}`;
    }
  };
}

// src/action/propose/read-propose-inputs.ts
import { readFileSync } from "node:fs";
function readProposeInputs(env) {
  const raw = Object.fromEntries(
    Object.entries(PROPOSE_INPUT_NAMES).map(([key, name]) => [key, getInput(name)])
  );
  return parseProposeInputs(raw, readEvent(env.GITHUB_EVENT_PATH));
}
function readEvent(path) {
  if (!path) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

// src/action/propose/propose-job.ts
async function openJob(env) {
  const inputs = readProposeInputs(env);
  const ctx = readRunContext(env);
  const files = jobFiles(env.RUNNER_TEMP);
  const scrubbed = trainingEnv(env);
  const cwd = resolve(inputs.workingDirectory);
  return {
    inputs,
    ctx,
    gh: {
      octokit: createGitHubClient({
        auth: inputs.githubToken,
        baseUrl: ctx.apiUrl,
        userAgent: "autoresearch-bot-action",
        log: ACTION_LOG
      }),
      owner: ctx.owner,
      repo: ctx.repo
    },
    files,
    scrubbed,
    cwd,
    worktree: await openWorktree(cwd, scrubbed, files.pycache),
    log: (message) => info(`[propose ${inputs.tag} #${inputs.experiment}] ${message}`)
  };
}
function jobFiles(runnerTemp) {
  const dir = runnerTemp || mkdtempSync(join2(tmpdir(), "autoresearch-propose-"));
  mkdirSync(dir, { recursive: true });
  return {
    prompt: join2(dir, "autoresearch-prompt.md"),
    description: join2(dir, "autoresearch-description.txt"),
    agentLog: join2(dir, "autoresearch-agent.log"),
    pycache: join2(dir, "autoresearch-pycache")
  };
}

// src/action/propose/read-small-text.ts
import { closeSync, lstatSync, openSync, readSync } from "node:fs";
function readSmallText(path, maxBytes) {
  try {
    if (!lstatSync(path).isFile()) return null;
    const fd = openSync(path, "r");
    try {
      const buffer = Buffer.alloc(maxBytes);
      const read = readSync(fd, buffer, 0, maxBytes, 0);
      return buffer.toString("utf8", 0, read);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

// src/core/propose-outputs.ts
function proposeOutputs(outcome) {
  return {
    status: outcome.status,
    reason: outcome.reason,
    branch: outcome.branch,
    description: outcome.description
  };
}

// src/action/propose/report-proposal.ts
var SUMMARY_OUTPUT_LINES = 40;
async function reportProposal(outcome) {
  for (const [name, value] of Object.entries(proposeOutputs(outcome))) setOutput(name, value);
  await summary.addRaw(proposalSummary(outcome)).write();
  const line = `[propose ${outcome.tag} #${outcome.n}] ${outcome.status}: ${outcome.reason}`;
  if (outcome.status === "proposed") info(line);
  else setFailed(line);
}
function proposalSummary(outcome) {
  const rows = [
    ["status", `**${outcome.status}**`],
    ["reason", tableCell(outcome.reason)],
    ["description", tableCell(outcome.description) || "\u2014"],
    ["branch", outcome.branch ? inlineCode(outcome.branch) : "\u2014"],
    ["changed", outcome.changed.map(inlineCode).join(", ") || "\u2014"]
  ];
  const output = outcome.agentOutput.trimEnd().split("\n").slice(-SUMMARY_OUTPUT_LINES).join("\n");
  return [
    `### autoresearch: proposal for experiment #${outcome.n} of run ${inlineCode(outcome.tag)}`,
    "",
    "| | |",
    "| --- | --- |",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    "",
    ...output ? [
      `<details><summary>The agent's output (last ${SUMMARY_OUTPUT_LINES} lines)</summary>`,
      "",
      fencedBlock(output),
      "",
      "</details>",
      ""
    ] : []
  ].join("\n");
}

// src/action/propose/run-agent.ts
import { writeFileSync } from "node:fs";
var TICK_MS = 6e4;
var DESCRIPTION_MAX_BYTES = 4096;
async function runAgent(job, prompt) {
  const { inputs, files } = job;
  writeFileSync(files.prompt, prompt);
  writeFileSync(files.description, "");
  startGroup(`Prompt (${files.prompt})`);
  info(prompt);
  endGroup();
  job.log(`agent: ${inputs.agentCommand} (timeout ${inputs.agentTimeoutMinutes} min)`);
  const run = await runTraining({
    command: inputs.agentCommand,
    cwd: job.cwd,
    logPath: files.agentLog,
    env: {
      ...job.scrubbed,
      AUTORESEARCH_PROMPT: files.prompt,
      AUTORESEARCH_DESCRIPTION: files.description,
      AUTORESEARCH_TAG: inputs.tag,
      AUTORESEARCH_EXPERIMENT: String(inputs.experiment),
      AUTORESEARCH_ALLOWED_PATHS: inputs.allowedPaths.join(",")
    },
    timeoutMs: inputs.agentTimeoutMinutes * 6e4,
    graceMs: inputs.killGraceSeconds * 1e3,
    tickMs: TICK_MS,
    onTick: async (ms) => job.log(`agent still running (${Math.round(ms / 6e4)} min)`)
  });
  const output = await readTail(files.agentLog);
  startGroup("Agent output");
  info(output);
  endGroup();
  return {
    exit: run,
    output,
    description: readSmallText(files.description, DESCRIPTION_MAX_BYTES)
  };
}

// src/core/propose-changes.ts
var StatusFormatError = class extends Error {
  name = "StatusFormatError";
};
function parseStatus(porcelainZ) {
  return porcelainZ.split("\0").filter((entry) => entry !== "").map((entry) => {
    if (entry.length < 4 || entry[2] !== " ") {
      throw new StatusFormatError(
        `unexpected git status entry ${JSON.stringify(entry)}: run git status --porcelain=v1 -z --no-renames`
      );
    }
    return { code: entry.slice(0, 2), path: entry.slice(3) };
  });
}
function changedPaths(porcelainZ) {
  return [...new Set(parseStatus(porcelainZ).map((e) => e.path))].sort();
}

// src/core/propose-description.ts
var DEFAULT_DESCRIPTION = "agent proposal";
var MAX_DESCRIPTION = 120;
var OUTPUT_TAIL_LINES = 20;
function pickDescription(fileText, outputTail) {
  const fromFile = firstLine(fileText ?? "");
  if (fromFile) return { text: fromFile, from: "file" };
  const lastLines = outputTail.replace(/\r\n?/g, "\n").trimEnd().split("\n").slice(-OUTPUT_TAIL_LINES);
  const fromOutput = firstLine(lastLines.join("\n"));
  if (fromOutput) return { text: fromOutput, from: "output" };
  return { text: DEFAULT_DESCRIPTION, from: "default" };
}
function firstLine(text) {
  for (const raw of text.split(/\r?\n|\r/)) {
    const line = shorten(cleanDescription(stripMarkdown(raw)));
    if (line !== "") return line;
  }
  return null;
}
function stripMarkdown(line) {
  return line.trim().replace(/^(?:#{1,6}\s+|[-*+>]\s+|\d+[.)]\s+)+/, "").replace(/^(\*\*|__|`|"|')(.*)\1$/, "$2");
}
function shorten(line) {
  if (line.length <= MAX_DESCRIPTION) return line;
  const cut = line.slice(0, MAX_DESCRIPTION - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > MAX_DESCRIPTION / 2 ? cut.slice(0, space) : cut}\u2026`;
}

// src/action/propose/validate-proposal.ts
async function validateProposal(input) {
  const { worktree, allowedPaths } = input;
  const failed = agentFailure(input.exit, input.timeoutMinutes);
  if (failed) return { ok: false, rejection: failed, changed: [] };
  if (await worktree.head() !== input.baseSha) {
    input.log("the agent made commits: they are folded into one proposal");
    await worktree.uncommitTo(input.baseSha);
  }
  const changed = changedPaths(await worktree.status());
  const reject = (rejection) => ({ ok: false, rejection, changed });
  const early = emptyChange(changed) ?? pathViolation(changed, allowedPaths);
  if (early) return reject(early);
  const files = await Promise.all(
    changed.map(async (path) => ({ path, kind: await worktree.kind(path) }))
  );
  const odd = irregularFile(files);
  if (odd) return reject(odd);
  const failures = [];
  for (const path of pythonToCompile(files)) {
    const stderr = await worktree.compilePython(path);
    if (stderr !== null) failures.push({ path, stderr });
  }
  const broken = compileFailure(failures);
  if (broken) return reject(broken);
  const mine = await fingerprint(worktree, allowedPaths);
  const twin = await findTriedVariant(input.gh, input.pulls, mine, allowedPaths);
  const duplicate = twin ? duplicateOf(mine, [twin], allowedPaths) : null;
  if (duplicate) return reject(duplicate);
  return {
    ok: true,
    changed,
    files,
    description: pickDescription(input.descriptionFile, input.outputTail)
  };
}
async function fingerprint(worktree, paths) {
  const entries = await Promise.all(
    paths.map(async (path) => {
      const kind = await worktree.kind(path);
      return [path, kind === "file" ? await worktree.hashObject(path) : null];
    })
  );
  return Object.fromEntries(entries);
}

// src/action/propose/run-propose.ts
var PROGRAM_MAX_BYTES = 1e6;
var DESCRIBED_BY = {
  file: "from $AUTORESEARCH_DESCRIPTION",
  output: "from the agent's output",
  default: "the agent gave none"
};
async function runPropose() {
  try {
    await reportProposal(await propose(await openJob(process.env)));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    setOutput("reason", message);
    setFailed(message);
    if (error instanceof Error && error.cause) debug(String(error.cause));
  }
}
async function propose(job) {
  const { inputs, gh, worktree } = job;
  const outcome = (o, more = {}) => ({
    ...o,
    tag: inputs.tag,
    n: inputs.experiment,
    branch: "",
    description: "",
    changed: [],
    agentOutput: "",
    ...more
  });
  const { baseSha, runHeadSha } = await findProposalBase(gh, inputs.tag, await worktree.head());
  await assertClean(job);
  const pulls = await listRunPulls(gh, runBranch(inputs.tag), {
    repository: `${gh.owner}/${gh.repo}`,
    appLogin: null,
    sealer: null
  });
  const taken = await findExperimentBranch(gh, pulls, inputs.tag, inputs.experiment);
  if (taken !== null) {
    return outcome({
      status: "invalid",
      reason: `experiment #${inputs.experiment} already has the branch ${taken}: the app dispatches each number once, so this job ran twice`
    });
  }
  job.log(`${pulls.length} PRs in the run; the agent works on ${baseSha.slice(0, 7)}`);
  if (runHeadSha !== baseSha) {
    job.log(
      `the run branch moved on to ${runHeadSha.slice(0, 7)}: the app updates stale experiments`
    );
  }
  const agent = await runAgent(job, await buildPrompt(job, baseSha, pulls));
  const checked = await validateProposal({
    gh,
    worktree,
    baseSha,
    allowedPaths: inputs.allowedPaths,
    timeoutMinutes: inputs.agentTimeoutMinutes,
    exit: agent.exit,
    descriptionFile: agent.description,
    outputTail: agent.output,
    pulls,
    log: job.log
  });
  if (!checked.ok) {
    return outcome(checked.rejection, { changed: checked.changed, agentOutput: agent.output });
  }
  const description = checked.description.text;
  const branch = experimentBranch(inputs.tag, inputs.experiment, description);
  const commit = await commitProposal(gh, worktree, {
    branch,
    parentSha: baseSha,
    files: checked.files,
    message: commitMessage(job, description)
  });
  const made = { description, changed: checked.changed, agentOutput: agent.output };
  if (!commit.created) {
    return outcome(
      {
        status: "invalid",
        reason: `the branch ${branch} appeared while the agent ran: experiment #${inputs.experiment} was proposed twice`
      },
      made
    );
  }
  return outcome(
    {
      status: "proposed",
      reason: `created ${branch} at ${commit.sha.slice(0, 7)} on ${baseSha.slice(0, 7)} (description ${DESCRIBED_BY[checked.description.from]}); the app opens and trains its PR`
    },
    { ...made, branch }
  );
}
async function assertClean(job) {
  const dirty = (await job.worktree.status()).split("\0").filter(Boolean);
  if (dirty.length === 0) return;
  throw new Error(
    `working-directory has changes before the agent ran (${listSome(dirty)}): propose mode needs a clean checkout of ${runBranch(job.inputs.tag)}; let setup steps write elsewhere or .gitignore their files`
  );
}
async function buildPrompt(job, baseSha, pulls) {
  const trail = trailOf(pulls);
  const targets = diffTargets(trail);
  return renderAgentPrompt(
    buildPromptData({
      tag: job.inputs.tag,
      n: job.inputs.experiment,
      baseSha,
      allowedPaths: job.inputs.allowedPaths,
      descriptionPath: job.files.description,
      program: readSmallText(join3(job.worktree.root, "program.md"), PROGRAM_MAX_BYTES),
      trail,
      patches: await findPatches(job.gh, [targets.kept, targets.discarded])
    })
  );
}
function commitMessage(job, description) {
  const { tag, experiment } = job.inputs;
  const run = job.ctx.runUrl ? `
Workflow run: ${job.ctx.runUrl}` : "";
  return `${description}

Proposed by the agent for experiment #${experiment} of run ${tag}.${run}
`;
}
export {
  runPropose
};
