// GPU duty cycle of a simulated night: the fraction of runner time spent training, with a short
// fixed training (the fake train.py sleeps 2 s, then prints its summary), for 1 runner
// (concurrency 1) and 4 runners (concurrency 4). Everything else in a runner's time is the job
// (checkout, action start, result comment) or waiting for the app to decide and dispatch.
// Run with `npm run bench -- duty-cycle`.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkNight } from "../sandbox/invariants.js";
import { startNight, TINY_DIR } from "../sandbox/night.js";
import type { Benchmark } from "./index.js";
import { fakeTraining, printTable, recordTimeline } from "./night-metrics.js";

const TRAINING_SECONDS = 2;
const SETUPS = [
  { runners: 1, experiments: 8 },
  { runners: 4, experiments: 16 },
];
/** The seed's loop: 5 min of training, ~26 s of startup, a `sleep 60` poll for the summary. */
const SEED = { trainingS: 300, startupS: 26, pollS: 60 };
const TAG = "duty";

interface Interval {
  start: number;
  end: number;
}

interface Measured {
  runners: number;
  decided: number;
  wallS: number;
  trainingS: number;
  jobS: number;
  /** The same after the baseline, which always trains alone. */
  steady: { wallS: number; trainingS: number; jobS: number };
}

/** Seconds of the intervals that fall inside [from, to]. */
function overlap(intervals: Interval[], from: number, to: number): number {
  return intervals.reduce(
    (sum, i) => sum + Math.max(0, Math.min(i.end, to) - Math.max(i.start, from)),
    0,
  );
}

function seedWithConcurrency(concurrency: number): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-duty-seed-"));
  cpSync(TINY_DIR, dir, { recursive: true });
  writeFileSync(
    join(dir, ".github/autoresearch.yml"),
    `workflow: autoresearch.yml\nallowedPaths: [train.py]\nconcurrency: ${concurrency}\nqueueDepth: 1\ntimeoutMinutes: 2\nproposer: sweep\n`,
  );
  return dir;
}

async function measure(runners: number, experiments: number): Promise<Measured> {
  const seedDir = seedWithConcurrency(runners);
  const marksFile = join(seedDir, "training-marks.txt");
  const fake = fakeTraining(TRAINING_SECONDS, marksFile);
  const night = await startNight({
    runners,
    sandbox: { seedDir, runners: { commandWrapper: () => fake.command } },
  });
  const marks = recordTimeline(night);
  try {
    const issue = await night.sandbox.human.openIssue("Measure the duty cycle");
    await night.say(issue, `/autoresearch start ${TAG}`);
    await night.waitForDecided(experiments, 600_000);
    const end = Date.now() / 1000;
    const decided = night.decided();

    // Marks use performance.now(); trainings are in epoch seconds: convert the marks.
    const toEpoch = (at: number) => (performance.timeOrigin + at) / 1000;
    const trainings: Interval[] = readFileSync(marksFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(" ").map(Number))
      .map(([start, stop]) => ({ start, end: stop }));
    const started = new Map<number, number>();
    const jobs: Interval[] = [];
    for (const m of marks.filter((mark) => mark.event === "workflow_run")) {
      if (m.action === "in_progress" && m.runId !== null) started.set(m.runId, toEpoch(m.at));
      if (m.action === "completed" && m.runId !== null && started.has(m.runId))
        jobs.push({ start: started.get(m.runId)!, end: toEpoch(m.at) });
    }
    const first = Math.min(...jobs.map((j) => j.start), ...trainings.map((t) => t.start));
    const baselineDone = jobs.length > 0 ? jobs[0].end : first;
    const stats = (from: number) => ({
      wallS: end - from,
      trainingS: overlap(trainings, from, end),
      jobS: overlap(jobs, from, end),
    });

    await night.stopRun(600_000);
    const problems = (await checkNight(night.sandbox, TAG)).problems;
    if (problems.length > 0)
      console.warn(`invariants broken (numbers below are suspect):\n- ${problems.join("\n- ")}`);
    return { runners, decided, ...stats(first), steady: stats(baselineDone) };
  } finally {
    await night.stop();
    fake.cleanup();
    rmSync(seedDir, { recursive: true, force: true });
  }
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

async function run(): Promise<void> {
  const rows: Measured[] = [];
  for (const { runners, experiments } of SETUPS) {
    console.log(`${runners} runner(s), concurrency ${runners}: ${experiments} experiments…`);
    rows.push(await measure(runners, experiments));
  }
  console.log();
  printTable(
    [
      "runners = concurrency",
      "decided",
      "wall s",
      "training s",
      "duty cycle (training)",
      "in a job",
      "duty after baseline",
      "s per experiment",
    ],
    rows.map((r) => [
      String(r.runners),
      String(r.decided),
      r.wallS.toFixed(1),
      r.trainingS.toFixed(1),
      pct(r.trainingS, r.runners * r.wallS),
      pct(r.jobS, r.runners * r.wallS),
      pct(r.steady.trainingS, r.runners * r.steady.wallS),
      (r.wallS / r.decided).toFixed(2),
    ]),
  );

  // What a runner loses per experiment, besides training, and what that means at 5 minutes.
  const one = rows.find((r) => r.runners === 1);
  if (!one) return;
  const lostS = (one.runners * one.wallS - one.trainingS) / one.decided;
  const seedMean = SEED.trainingS / (SEED.trainingS + SEED.startupS + SEED.pollS / 2);
  const seedWorst = SEED.trainingS / (SEED.trainingS + SEED.startupS + SEED.pollS);
  const ours = SEED.trainingS / (SEED.trainingS + SEED.startupS + lostS);
  console.log(`
Note: with one runner, each experiment here costs ${lostS.toFixed(1)} s of runner time besides
training (job setup + the app's decide/merge/propose/dispatch). The seed's loop polls run.log
every ${SEED.pollS} s, so it notices a finished run ${SEED.pollS / 2} s late on average (${SEED.pollS} s at worst),
before the agent even starts thinking. For a ${SEED.trainingS} s training with ~${SEED.startupS} s of startup:
  seed polling loop: ${pct(seedMean, 1)} of GPU time training on average, ${pct(seedWorst, 1)} at worst
  this app:          ${pct(ours, 1)} (the overhead measured above, which does not grow with training time)
Runner time here is sandbox time on a shared machine; the per-experiment overhead is the number
to compare, not the percentages at a 2 s training.`);
  const many = rows.find((r) => r.runners > 1);
  if (!many) return;
  // After the baseline every runner may train: what limits the night is one decision at a time.
  const perDecision = many.steady.wallS / Math.max(1, many.decided - 1);
  console.log(`With ${many.runners} runners the run decided one experiment every ${perDecision.toFixed(1)} s after the baseline
(passes for one run are serialized), so ${many.runners} runners could not stay busy on ${TRAINING_SECONDS} s trainings;
at ${SEED.trainingS} s trainings that rate would keep about ${Math.floor((SEED.trainingS + SEED.startupS) / perDecision)} runners busy per run.`);
}

export const dutyCycleBenchmark: Benchmark = { name: "duty-cycle", run };
