/**
 * The bundled action in propose mode, run the way GitHub runs it: the example workflow
 * (examples/workflows/autoresearch-propose.yml) is dispatched in the sandbox GitHub, whose
 * runner checks out the run branch and starts dist/index.js with that workflow's inputs and
 * GITHUB_TOKEN permissions. Scripted fake agents stand in for the coding agent.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { fastProbotOctokit, type SandboxHandle, startSandbox } from "../../sandbox/harness.js";
import type { TrainResult } from "../../src/core/result-marker.js";
import {
  type ExperimentState,
  renderStateBlock,
  type VerdictStatus,
} from "../../src/core/state-block.js";
import { gitBlobSha, variantId } from "../../src/core/variant-id.js";

const ROOT = resolve(import.meta.dirname, "../..");
const AGENTS = join(ROOT, "test/fixtures/agents");
const TINY = join(ROOT, "examples/tiny");
const EXAMPLE = join(ROOT, "examples/workflows/autoresearch-propose.yml");
const scratch = mkdtempSync(join(tmpdir(), "propose-e2e-"));
const ORIGINAL_TRAIN = readFileSync(join(TINY, "train.py"), "utf8");
/** What lower-lr.py makes of train.py. */
const LOWER_LR_TRAIN = ORIGINAL_TRAIN.replace(/^LEARNING_RATE = [0-9.]+/m, "LEARNING_RATE = 6.0");

/** One workflow per fake agent, each the example with only the agent and its limits changed. */
const AGENT_COMMANDS: Record<string, string> = {
  "lower-lr": `python3 ${AGENTS}/lower-lr.py ${scratch}/lower-lr-report.json`,
  "edit-prepare": `python3 ${AGENTS}/edit-prepare.py`,
  "syntax-error": `sh ${AGENTS}/syntax-error.sh`,
  hang: `bash ${AGENTS}/hang.sh ${scratch}/hang-pids`,
  "no-change": `sh ${AGENTS}/no-change.sh`,
  fails: `sh ${AGENTS}/fails.sh`,
  commits: `sh ${AGENTS}/commits.sh`,
};

interface ExampleWorkflow {
  name: string;
  permissions: Record<string, string>;
  jobs: {
    propose: {
      "runs-on": string;
      steps: {
        uses?: string;
        run?: string;
        env?: Record<string, string>;
        with?: Record<string, unknown>;
      }[];
    };
  };
}

function workflowFor(agent: string): string {
  const workflow = parse(readFileSync(EXAMPLE, "utf8")) as ExampleWorkflow;
  workflow.name = `propose with ${agent}`;
  const job = workflow.jobs.propose;
  // The example installs a real agent CLI; the sandbox runner would really run that step.
  job.steps = job.steps.filter((s) => s.run === undefined);
  const action = job.steps.find((s) => s.uses?.startsWith("autoresearch-bot/autoresearch-bot@"))!;
  action.env = { ...action.env, AGENT_API_KEY: "sk-user-key-for-the-agent" };
  action.with = {
    ...action.with,
    "agent-command": AGENT_COMMANDS[agent],
    "agent-timeout-minutes": agent === "hang" ? "0.03" : "2",
    "kill-grace-seconds": "1",
  };
  return stringify(workflow);
}

function seedRepo(): string {
  const seed = join(scratch, "seed");
  cpSync(TINY, seed, { recursive: true, filter: (src) => !src.includes(`${TINY}/data`) });
  mkdirSync(join(seed, ".github/workflows"), { recursive: true });
  for (const agent of Object.keys(AGENT_COMMANDS)) {
    writeFileSync(join(seed, `.github/workflows/propose-${agent}.yml`), workflowFor(agent));
  }
  return seed;
}

let sb: SandboxHandle;
const repo = { owner: "acme", repo: "research" };

beforeAll(async () => {
  const example = parse(readFileSync(EXAMPLE, "utf8")) as ExampleWorkflow;
  sb = await startSandbox({
    seedDir: seedRepo(),
    app: () => {},
    probotOctokit: fastProbotOctokit(),
    // A runner that answers to the example's runs-on, as a GitHub-hosted one would.
    runners: { count: 1, labels: [example.jobs.propose["runs-on"]] },
  });
});

afterAll(async () => {
  try {
    sb?.assertNoViolations();
  } finally {
    await sb?.stop();
  }
});

async function startRun(tag: string): Promise<string> {
  const main = (await sb.git.sha("main"))!;
  await sb
    .octokit()
    .rest.git.createRef({ ...repo, ref: `refs/heads/autoresearch/${tag}`, sha: main });
  return main;
}

function trainResult(sha: string, valBpb: number): TrainResult {
  return {
    v: 1,
    status: "ok",
    crash_reason: null,
    message: "ok",
    val_bpb: valBpb,
    memory_gb: 0,
    peak_vram_mb: 12.5,
    training_seconds: 1,
    total_seconds: 1.2,
    mfu_percent: null,
    total_tokens_M: null,
    num_steps: 10,
    num_params_M: null,
    depth: null,
    anomalous: false,
    pr: null,
    head_sha: sha,
    run_id: "1",
    run_attempt: 1,
    started_at: "2025-11-26T01:00:00Z",
    finished_at: "2025-11-26T01:01:00Z",
  };
}

/** An experiment PR as the app leaves it: a branch, a PR into the run branch with its state block. */
async function experimentPull(
  tag: string,
  n: number,
  description: string,
  files: Record<string, string>,
  decided: { status: VerdictStatus; valBpb: number } | null,
  /** Record the variant (train.py's blob sha) in the state block, as the app now does. */
  recordVariant = false,
): Promise<number> {
  const base = (await sb.git.sha(`autoresearch/${tag}`))!;
  const head = `autoresearch/${tag}--${n}-${description.replace(/\W+/g, "-")}`;
  const sha = await sb.human.push(head, files, description);
  const state: ExperimentState = {
    v: 1,
    tag,
    n,
    description,
    source: n === 0 ? "baseline" : "sweep",
    base_sha: base,
    head_sha: sha,
    phase: decided ? "decided" : "training",
    attempts: 1,
    infra_failures: 0,
    dispatched_at: "2025-11-26T01:00:00Z",
    result: decided ? trainResult(sha, decided.valBpb) : null,
    verdict: decided
      ? { status: decided.status, reason: "test", delta: null, best: null, flags: [] }
      : null,
    decided_at: decided ? `2025-11-26T01:0${n}:00Z` : null,
    ...(recordVariant
      ? {
          variant: variantId({ "train.py": gitBlobSha(files["train.py"] ?? ORIGINAL_TRAIN) }, [
            "train.py",
          ]),
        }
      : {}),
  };
  // The app opens experiment PRs: the propose job believes only bot-authored ones.
  const app = await sb.installationOctokit();
  const { data: pr } = await app.rest.pulls.create({
    ...repo,
    head,
    base: `autoresearch/${tag}`,
    title: description,
    body: `${description}\n\n${renderStateBlock(state, null)}`,
  });
  if (decided) await app.rest.pulls.update({ ...repo, pull_number: pr.number, state: "closed" });
  return pr.number;
}

/** Dispatches the agent's workflow on the run branch as the app would, and waits for the job. */
async function propose(agent: string, tag: string, experiment: number) {
  const before = sb.state.runs().length;
  await sb.octokit().rest.actions.createWorkflowDispatch({
    ...repo,
    workflow_id: `propose-${agent}.yml`,
    ref: `autoresearch/${tag}`,
    inputs: { tag, experiment: String(experiment) },
  });
  await sb.settle({ timeoutMs: 60_000 });
  const runs = sb.state.runs();
  expect(runs).toHaveLength(before + 1);
  const run = runs.at(-1)!;
  return {
    conclusion: run.conclusion,
    outputs: run.outputs as Record<string, string>,
    summary: run.summary,
    log: run.log,
  };
}

async function experimentBranches(tag: string): Promise<string[]> {
  const prefix = `refs/heads/autoresearch/${tag}--`;
  return (await sb.state.refs("refs/heads/autoresearch/"))
    .map((r) => r.ref)
    .filter((ref) => ref.startsWith(prefix));
}

function isAlive(pid: number): boolean {
  try {
    // A zombie (killed, not yet reaped by its new parent) is dead for our purpose.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("propose mode", () => {
  it("commits a good proposal as the experiment branch, made from the run branch head", async () => {
    const runHead = await startRun("good");
    const baseline = await experimentPull(
      "good",
      0,
      "baseline",
      { "README.md": readFileSync(join(TINY, "README.md"), "utf8") },
      { status: "keep", valBpb: 2.5 },
    );
    const discarded = await experimentPull(
      "good",
      1,
      "raise LEARNING_RATE to 12.0",
      { "train.py": ORIGINAL_TRAIN.replace(/^LEARNING_RATE = [0-9.]+/m, "LEARNING_RATE = 12.0") },
      { status: "discard", valBpb: 2.6 },
    );

    const run = await propose("lower-lr", "good", 2);

    expect(run.conclusion).toBe("success");
    const branch = "autoresearch/good--2-lower-learning-rate-to-6-0";
    expect(run.outputs).toMatchObject({
      status: "proposed",
      branch,
      description: "lower LEARNING_RATE to 6.0",
      reason: expect.stringContaining(`created ${branch}`),
    });
    expect(await experimentBranches("good")).toContain(`refs/heads/${branch}`);
    const [commit] = await sb.git.log(branch);
    expect(commit.parents).toEqual([runHead]);
    expect(commit.message).toMatch(
      /^lower LEARNING_RATE to 6\.0\n\nProposed by the agent for experiment #2 of run good\./,
    );
    expect(await sb.git.readFile(branch, "train.py")).toBe(LOWER_LR_TRAIN);
    expect(await sb.git.readFile(branch, "prepare.py")).toBe(
      readFileSync(join(TINY, "prepare.py"), "utf8"),
    );
    expect(run.summary).toContain("| status | **proposed** |");

    // What the agent saw: the prompt, its own key, and no GitHub credential.
    const report = JSON.parse(readFileSync(join(scratch, "lower-lr-report.json"), "utf8"));
    expect(report).toMatchObject({
      tag: "good",
      experiment: "2",
      user_key: "sk-user-key-for-the-agent",
    });
    expect(
      report.env_names.filter((n: string) => /^(INPUT_|GITHUB_TOKEN$|ACTIONS_RUNTIME)/.test(n)),
    ).toEqual([]);
    expect(report.description_file.startsWith(report.cwd)).toBe(false);
    const prompt: string = report.prompt;
    expect(prompt).toContain("# Autoresearch: propose experiment #2 of run `good`");
    expect(prompt).toContain(readFileSync(join(TINY, "program.md"), "utf8").trim().split("\n")[0]);
    expect(prompt).toContain(`Best \`val_bpb\` so far: **2.500000** from PR #${baseline}`);
    expect(prompt).toMatch(
      /\tkeep\tbaseline\n[0-9a-f]{7}\t2\.600000\t0\.0\tdiscard\traise LEARNING_RATE to 12\.0/,
    );
    expect(prompt).toContain(`## The last discarded change: PR #${discarded}`);
    expect(prompt).toContain("+LEARNING_RATE = 12.0");
    expect(prompt).toContain(report.description_file);
  });

  it("refuses a change outside the allowed paths, and creates no branch", async () => {
    await startRun("cheat");
    const run = await propose("edit-prepare", "cheat", 1);
    expect(run.conclusion).toBe("failure");
    expect(run.outputs).toMatchObject({
      status: "invalid",
      branch: "",
      reason: "the agent changed prepare.py: only train.py may change (input allowed-paths)",
    });
    expect(run.summary).toContain("| status | **invalid** |");
    expect(await experimentBranches("cheat")).toEqual([]);
  });

  it("refuses a train.py that does not compile", async () => {
    await startRun("syntax");
    const run = await propose("syntax-error", "syntax", 1);
    expect(run.conclusion).toBe("failure");
    expect(run.outputs.status).toBe("invalid");
    expect(run.outputs.reason).toMatch(
      /^train\.py does not compile \(SyntaxError: invalid syntax \(line \d+\)\)/,
    );
    expect(await experimentBranches("syntax")).toHaveLength(0);
  });

  it("refuses a variant the run already tried, and an experiment number already used", async () => {
    await startRun("dup");
    const tried = await experimentPull("dup", 1, "lower LR", { "train.py": LOWER_LR_TRAIN }, null);
    const before = sb.state.requests.length;
    const run = await propose("lower-lr", "dup", 2);
    // A block without a recorded variant (an older run): its head is read.
    expect(
      sb.state.requests.slice(before).filter((r) => r.operationId === "repos/get-content").length,
    ).toBeGreaterThan(0);
    expect(run.conclusion).toBe("failure");
    expect(run.outputs).toMatchObject({
      status: "invalid",
      reason: `train.py is identical to PR #${tried} ("lower LR"), already tried in this run: propose a different idea`,
    });
    expect(await experimentBranches("dup")).toEqual(["refs/heads/autoresearch/dup--1-lower-LR"]);

    // Experiment #1 itself again (a re-run job): refused before the agent spends anything.
    const again = await propose("no-change", "dup", 1);
    expect(again.outputs).toMatchObject({
      status: "invalid",
      reason: expect.stringMatching(
        /^experiment #1 already has the branch autoresearch\/dup--1-lower-LR/,
      ),
    });
    expect(again.log).not.toContain("found nothing worth trying");
  });

  it("finds a tried variant from recorded variants without reading any PR's files", async () => {
    await startRun("known");
    const others = [];
    for (let n = 1; n <= 4; n++) {
      others.push(
        await experimentPull(
          "known",
          n,
          `LEARNING_RATE ${n}`,
          {
            "train.py": ORIGINAL_TRAIN.replace(
              /^LEARNING_RATE = [0-9.]+/m,
              `LEARNING_RATE = ${n}.5`,
            ),
          },
          { status: "discard", valBpb: 2.6 },
          true,
        ),
      );
    }
    const tried = await experimentPull(
      "known",
      5,
      "lower LR",
      { "train.py": LOWER_LR_TRAIN },
      null,
      true,
    );
    const before = sb.state.requests.length;
    const run = await propose("lower-lr", "known", 6);
    const reads = sb.state.requests
      .slice(before)
      .filter((r) => r.operationId === "repos/get-content");
    expect(run.outputs).toMatchObject({
      status: "invalid",
      reason: `train.py is identical to PR #${tried} ("lower LR"), already tried in this run: propose a different idea`,
    });
    expect(others).toHaveLength(4);
    expect(reads).toEqual([]);
  });

  it("stops an agent that hangs past its timeout, with its whole process tree", async () => {
    await startRun("hang");
    const run = await propose("hang", "hang", 1);
    expect(run.conclusion).toBe("failure");
    expect(run.outputs.status).toBe("agent-failed");
    expect(run.outputs.reason).toMatch(/ran longer than agent-timeout-minutes \(0\.03 min\)/);
    const pids = readFileSync(join(scratch, "hang-pids"), "utf8").trim().split(" ").map(Number);
    expect(pids).toHaveLength(2);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(run.summary).toContain("thinking very hard");
    expect(await experimentBranches("hang")).toHaveLength(0);
  });

  it("refuses a proposal that changes nothing", async () => {
    await startRun("idle");
    const run = await propose("no-change", "idle", 1);
    expect(run.conclusion).toBe("failure");
    expect(run.outputs.status).toBe("invalid");
    expect(run.outputs.reason).toMatch(/^the agent left the working directory unchanged/);
    expect(await experimentBranches("idle")).toHaveLength(0);
  });

  it("reports an agent that fails, even when it edited train.py", async () => {
    await startRun("fails");
    const run = await propose("fails", "fails", 1);
    expect(run.conclusion).toBe("failure");
    expect(run.outputs).toMatchObject({
      status: "agent-failed",
      reason: "agent-command exited with code 3: see the agent output",
    });
    expect(run.summary).toContain("error: 529 overloaded");
    expect(await experimentBranches("fails")).toHaveLength(0);
  });

  it("folds an agent's own commits into one proposal on the run branch head", async () => {
    const runHead = await startRun("commits");
    const run = await propose("commits", "commits", 3);
    expect(run.outputs).toMatchObject({
      status: "proposed",
      description: "halve BATCH_SIZE and lengthen CONTEXT",
      branch: "autoresearch/commits--3-halve-batch-size-and-lengthen-context",
    });
    const [commit] = await sb.git.log(run.outputs.branch);
    expect(commit.parents).toEqual([runHead]);
    const train = (await sb.git.readFile(run.outputs.branch, "train.py"))!;
    expect(train).toMatch(/^BATCH_SIZE = 16 /m);
    expect(train).toMatch(/^CONTEXT = 4 /m);
  });
});
