import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { checkNight } from "../../sandbox/invariants.js";
import { type Night, startNight, TINY_DIR } from "../../sandbox/night.js";
import { readStateBlock } from "../../src/core/state-block.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** examples/tiny with `proposer: agent` and the example propose workflow driving a scripted agent. */
function seedWithAgent(): string {
  const seed = mkdtempSync(join(tmpdir(), "agent-night-"));
  cpSync(TINY_DIR, seed, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  const config = parse(readFileSync(join(seed, ".github/autoresearch.yml"), "utf8"));
  writeFileSync(
    join(seed, ".github/autoresearch.yml"),
    stringify({ ...config, proposer: "agent", queueDepth: 1 }),
  );
  const workflow = parse(
    readFileSync(join(ROOT, "examples/workflows/autoresearch-propose.yml"), "utf8"),
  );
  const job = workflow.jobs.propose;
  job["runs-on"] = ["self-hosted"];
  // The example installs a real agent CLI; this night uses a scripted one.
  job.steps = job.steps.filter((step: { run?: string }) => step.run === undefined);
  const action = job.steps.find((step: { uses?: string }) =>
    step.uses?.startsWith("autoresearch-bot/"),
  );
  action.with["agent-command"] = `python3 ${join(ROOT, "test/fixtures/agents/night-agent.py")}`;
  writeFileSync(join(seed, ".github/workflows/autoresearch-propose.yml"), stringify(workflow));
  return seed;
}

let night: Night | undefined;
afterAll(async () => night?.stop());

it("runs a night on the agent proposer: its proposals become PRs, are trained and decided", async () => {
  night = await startNight({
    runners: 2,
    budgetSeconds: 0.5,
    sandbox: { seedDir: seedWithAgent() },
  });
  const { sandbox } = night;
  const issue = await sandbox.human.openIssue("Let an agent research");
  await night.say(issue, "/autoresearch start agents");
  await night.waitForDecided(4, 240_000);
  await night.stopRun(240_000);

  const report = await checkNight(sandbox, "agents");
  expect(report.problems).toEqual([]);
  const sources = sandbox.state.pulls().map((p) => readStateBlock(p.body)?.source);
  expect(sources.filter((s) => s === "agent").length).toBeGreaterThanOrEqual(3);
  expect(sources).not.toContain("sweep");
  const proposeRuns = sandbox.state
    .runs()
    .filter((r) => r.workflow.path.endsWith("autoresearch-propose.yml"));
  expect(proposeRuns.length).toBeGreaterThanOrEqual(3);
  sandbox.assertNoViolations();
}, 400_000);
