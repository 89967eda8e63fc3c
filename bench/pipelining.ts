// Does pipelining keep the GPU busy when the proposer is a (slow) coding agent? Two nights with
// `proposer: agent` and the example propose workflow driving a scripted agent that thinks for
// AGENT_SECONDS, training made a fixed TRAINING_SECONDS sleep: one with `queueDepth: 0` (propose
// only once the GPU is free) and one with `queueDepth: 1` (propose the next idea while the
// current one trains). Two runners, concurrency 1: one training at a time, the other runner is
// free for the agent. Prints how busy the training runner was and how long it sat idle between
// consecutive trainings. Run with `npm run bench -- pipelining`.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { checkNight } from "../sandbox/invariants.js";
import { startNight, TINY_DIR } from "../sandbox/night.js";
import type { Benchmark } from "./index.js";
import { fakeTraining, type Mark, printTable, recordTimeline } from "./night-metrics.js";

const ROOT = resolve(import.meta.dirname, "..");
const AGENT_SECONDS = 3;
const TRAINING_SECONDS = 2;
const EXPERIMENTS = 6;
const RUNNERS = 2;
const QUEUE_DEPTHS = [0, 1];
const TAG = "pipe";

interface Interval {
  start: number;
  end: number;
}

interface Measured {
  queueDepth: number;
  decided: number;
  wallS: number;
  trainingBusyS: number;
  trainings: number;
  gapsS: number[];
  proposeS: number[];
}

/** examples/tiny on the agent proposer, set up as test/e2e/agent-night.test.ts does, with a slow agent. */
function seedWithSlowAgent(queueDepth: number): string {
  const seed = mkdtempSync(join(tmpdir(), "bench-pipelining-seed-"));
  cpSync(TINY_DIR, seed, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  const config = parse(readFileSync(join(seed, ".github/autoresearch.yml"), "utf8"));
  writeFileSync(
    join(seed, ".github/autoresearch.yml"),
    stringify({ ...config, proposer: "agent", concurrency: 1, queueDepth }),
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
  const agent = join(ROOT, "test/fixtures/agents/slow-agent.py");
  action.with["agent-command"] = `python3 ${agent} ${AGENT_SECONDS}`;
  writeFileSync(join(seed, ".github/workflows/autoresearch-propose.yml"), stringify(workflow));
  return seed;
}

/**
 * Each workflow run's job interval (in_progress → completed, performance.now() ms) from the
 * timeline; runs still going at `end` are cut there.
 */
function jobIntervals(marks: Mark[], runIds: Set<number>, end: number): Interval[] {
  const started = new Map<number, number>();
  const done = new Map<number, number>();
  for (const m of marks) {
    if (m.event !== "workflow_run" || m.runId === null || !runIds.has(m.runId)) continue;
    if (m.action === "in_progress" && !started.has(m.runId)) started.set(m.runId, m.at);
    if (m.action === "completed") done.set(m.runId, m.at);
  }
  return [...started]
    .map(([id, start]) => ({ start, end: Math.min(done.get(id) ?? end, end) }))
    .filter((i) => i.start < end)
    .sort((a, b) => a.start - b.start);
}

/** Seconds of the intervals inside [from, to]. */
function overlapS(intervals: Interval[], from: number, to: number): number {
  const ms = intervals.reduce(
    (total, i) => total + Math.max(0, Math.min(i.end, to) - Math.max(i.start, from)),
    0,
  );
  return ms / 1000;
}

async function measure(queueDepth: number): Promise<Measured> {
  const seedDir = seedWithSlowAgent(queueDepth);
  const fake = fakeTraining(TRAINING_SECONDS);
  const night = await startNight({
    runners: RUNNERS,
    sandbox: { seedDir, runners: { commandWrapper: () => fake.command } },
  });
  const marks = recordTimeline(night);
  const { sandbox } = night;
  try {
    const issue = await sandbox.human.openIssue("Measure pipelining on the agent proposer");
    const started = performance.now();
    await night.say(issue, `/autoresearch start ${TAG}`);
    await night.waitForDecided(EXPERIMENTS, 600_000);
    const end = performance.now();
    const decided = night.decided();

    // The sandbox's run records say which workflow each run belongs to.
    const runs = sandbox.state.runs();
    const ids = (file: string) =>
      new Set(runs.filter((r) => r.workflow.path.endsWith(`/${file}`)).map((r) => r.id));
    const trainings = jobIntervals(marks, ids("autoresearch.yml"), end);
    const proposals = jobIntervals(marks, ids("autoresearch-propose.yml"), end);
    // The GPU's idle time: one training's end to the next one's start (concurrency 1).
    const gapsS = trainings
      .slice(1)
      .map((t, i) => (t.start - trainings[i].end) / 1000)
      .filter((gap) => gap >= 0);

    await night.stopRun(600_000);
    const problems = (await checkNight(sandbox, TAG)).problems;
    if (problems.length > 0)
      console.warn(`invariants broken (numbers below are suspect):\n- ${problems.join("\n- ")}`);
    return {
      queueDepth,
      decided,
      wallS: (end - started) / 1000,
      trainingBusyS: overlapS(trainings, started, end),
      trainings: trainings.length,
      gapsS,
      proposeS: proposals.filter((p) => p.end < end).map((p) => (p.end - p.start) / 1000),
    };
  } finally {
    await night.stop();
    fake.cleanup();
    rmSync(seedDir, { recursive: true, force: true });
  }
}

const mean = (values: number[]) =>
  values.length === 0 ? "-" : (values.reduce((t, v) => t + v, 0) / values.length).toFixed(2);

async function run(): Promise<void> {
  const rows: Measured[] = [];
  for (const queueDepth of QUEUE_DEPTHS) {
    console.log(
      `queueDepth ${queueDepth}: ${EXPERIMENTS} experiments, ${RUNNERS} runners, concurrency 1, agent ${AGENT_SECONDS} s, training ${TRAINING_SECONDS} s…`,
    );
    rows.push(await measure(queueDepth));
  }
  console.log();
  printTable(
    [
      "queueDepth",
      "decided",
      "wall s",
      "GPU (training-workflow) runner busy %",
      "mean idle s between trainings",
      "max idle s",
      "trainings",
      "mean propose job s",
    ],
    rows.map((r) => [
      String(r.queueDepth),
      String(r.decided),
      r.wallS.toFixed(1),
      `${((100 * r.trainingBusyS) / r.wallS).toFixed(1)}%`,
      mean(r.gapsS),
      r.gapsS.length ? Math.max(...r.gapsS).toFixed(2) : "-",
      String(r.trainings),
      mean(r.proposeS),
    ]),
  );
  for (const r of rows)
    console.log(
      `queueDepth ${r.queueDepth}: idle s between trainings, in order: ${r.gapsS.map((g) => g.toFixed(1)).join(", ")}`,
    );
  console.log(`
Busy % is the time a training-workflow job (autoresearch.yml) was in progress, over the wall
time from \`/autoresearch start\` to the ${EXPERIMENTS}th decision; idle is the time from one training
job's completion to the next one's start. Sandbox time on a shared machine: compare the rows.`);
}

export const pipeliningBenchmark: Benchmark = { name: "pipelining", run };
