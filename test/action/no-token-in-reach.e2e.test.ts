/**
 * "No token in reach of training code", shown the way GitHub runs it: the example workflow
 * (examples/workflows/autoresearch.yml: check → train → report) is dispatched in the sandbox
 * GitHub, whose runner runs the real bundled action. The training command is hostile: it reads
 * every /proc/<pid>/environ and cmdline it can, looking for tokens, and leaves a daemon behind
 * to try again while the report step holds the token.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { fastProbotOctokit, type SandboxHandle, startSandbox } from "../../sandbox/harness.js";
import { readResultMarker } from "../../src/core/result-marker.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TINY = join(ROOT, "examples/tiny");
const EXAMPLE = join(ROOT, "examples/workflows/autoresearch.yml");
const HOSTILE = join(ROOT, "test/fixtures/train/hostile_scan.py");
const scratch = mkdtempSync(join(tmpdir(), "no-token-"));
const FINDINGS = join(scratch, "findings.jsonl");
const repo = { owner: "acme", repo: "research" };

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

/** The example workflow, with only the training command changed. */
function hostileWorkflow(): string {
  const workflow = parse(readFileSync(EXAMPLE, "utf8"));
  const steps = workflow.jobs.train.steps as Step[];
  const train = steps.find((s) => s.with?.mode === "train")!;
  train.with = { ...train.with, command: `python3 ${HOSTILE}` };
  return stringify(workflow);
}

let sb: SandboxHandle;

beforeAll(async () => {
  const seed = join(scratch, "seed");
  cpSync(TINY, seed, { recursive: true, filter: (src) => !src.includes(`${TINY}/data`) });
  mkdirSync(join(seed, ".github/workflows"), { recursive: true });
  writeFileSync(join(seed, ".github/workflows/autoresearch.yml"), hostileWorkflow());
  sb = await startSandbox({
    seedDir: seed,
    app: () => {},
    probotOctokit: fastProbotOctokit(),
    runners: { count: 1, labels: ["self-hosted", "gpu"], env: { HOSTILE_OUT: FINDINGS } },
  });
});

afterAll(async () => {
  try {
    sb?.assertNoViolations();
  } finally {
    await sb?.stop();
  }
});

it("training finds no token in any process it can read, and the result still reaches the PR", async () => {
  const branch = "autoresearch/nov26--1-hostile";
  await sb.human.push(branch, { "train.py": "# hostile experiment\n" }, "hostile");
  const { data: pull } = await sb
    .octokit()
    .rest.pulls.create({ ...repo, head: branch, base: "main", title: "hostile" });
  await sb.octokit().rest.actions.createWorkflowDispatch({
    ...repo,
    workflow_id: "autoresearch.yml",
    ref: branch,
    inputs: { pr: String(pull.number) },
  });
  await sb.settle({ timeoutMs: 180_000 });

  // The scan really ran, and really read the action's own process (its INPUT_* variables)…
  const seen = readFileSync(`${FINDINGS}.seen`, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(seen.some((s) => s.by === "trainer" && s.saw_action_env)).toBe(true);
  expect(seen.some((s) => s.by === "daemon")).toBe(true);
  // …yet found no token in any process of this test's world (this process's descendants: the
  // job's steps, the sandbox runner's and GitHub's). Not counted: the sandbox GitHub's git store,
  // which stands for github.com's servers and inherits the GIST_TOKEN the harness gives the app
  // in this process. Other processes on the machine (other test runs) are not this job's.
  const findings = existsSync(FINDINGS)
    ? readFileSync(FINDINGS, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((f) => f.ancestry.includes(process.pid) && f.pid !== process.pid)
        .filter((f) => !(f.cmd === "git" && f.cwd.endsWith("/repo.git")))
    : [];
  expect(findings).toEqual([]);

  // The job still did its work: one result on the PR, from the report step's token.
  const [run] = sb.state.runs();
  expect(run.conclusion).toBe("success");
  const marked = sb.state
    .comments(pull.number)
    .filter((c) => c.body.includes("autoresearch:result"));
  expect(marked).toHaveLength(1);
  const read = readResultMarker(marked[0].body);
  expect(read).toMatchObject({ found: true, ok: true, result: { status: "ok", pr: pull.number } });
  expect(run.log).toMatch(/train step: killed 1 process\(es\) training left behind/);
});
