// A night with the noise gate on (policy.confirm): every would-be keep after the baseline is
// trained once more and decided on the mean of its two runs, and a human's seed-only change is
// discarded as noise whatever its val_bpb. The real app, the real bundled action, examples/tiny.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkNight, type NightReport, readLedger } from "../../sandbox/invariants.js";
import { type Night, startNight, tinyWithConfig } from "../../sandbox/night.js";
import { parseResults } from "../../src/core/results-tsv.js";

const TAG = "confirm";
const RUN_BRANCH = `autoresearch/${TAG}`;
const SEED_BRANCH = `${RUN_BRANCH}--seed`;
const WAIT_MS = 90_000;
const NIGHT_MS = 150_000;
/** A verdict reached on two trainings names both: "mean of 2 runs (0.812345, 0.813456): …". */
const MEAN_OF_TWO = /^mean of 2 runs \((\d+\.\d{6}), (\d+\.\d{6})\): /;

describe("a night with policy.confirm", () => {
  let seedDir: string;
  let night: Night;
  let report: NightReport;
  let dashboardBody = "";

  beforeAll(async () => {
    seedDir = tinyWithConfig({ policy: { minImprovement: 0, confirm: { below: 1.0, runs: 1 } } });
    // Seed 5's sweep leaves WEIGHT_DECAY alone for its first experiments: a kept WEIGHT_DECAY
    // change (the line above SEED) would make the seed PR conflict when its branch is brought up
    // to date, and the app would close it untrained.
    night = await startNight({ seed: 5, budgetSeconds: 0.5, sandbox: { seedDir } });
    const { sandbox } = night;
    const issue = await sandbox.human.openIssue("Research the tiny model, but beware of noise");
    await night.say(issue, `/autoresearch start ${TAG}`);
    await night.waitForDecided(1, WAIT_MS);

    // A human's idea of progress: another random seed, nothing else. human.push branches from
    // main, which is still the run branch head (the baseline is never merged, nothing kept yet).
    // Creating the branch at the run head first instead races: the app opens the PR on the first
    // push event, titled after that event's head commit ("Initial commit").
    expect(await sandbox.git.sha(RUN_BRANCH)).toBe(await sandbox.git.sha("main"));
    const trainPy = (await sandbox.git.readFile("main", "train.py"))!;
    expect(trainPy).toContain("\nSEED = 1337\n");
    await sandbox.human.push(
      SEED_BRANCH,
      { "train.py": trainPy.replace("\nSEED = 1337\n", "\nSEED = 4242\n") },
      "autoresearch: a luckier seed",
      "octocat",
    );
    await night.waitFor(
      "the seed-only PR to be decided and a confirmed verdict",
      TAG,
      () => {
        const all = night.experiments(TAG);
        const seed = all.find((e) => e.ref === SEED_BRANCH);
        const confirmed = all.some((e) => MEAN_OF_TWO.test(e.state.verdict?.reason ?? ""));
        return seed?.state.phase === "decided" && confirmed && night.decided() >= 4;
      },
      WAIT_MS,
    );
    await night.stopRun(WAIT_MS);
    report = await checkNight(sandbox, TAG);
    dashboardBody = sandbox.state.issue(night.dashboardNumber()!).body ?? "";
    console.log(`--- final dashboard issue #${night.dashboardNumber()} ---\n${dashboardBody}`);
    console.log(`--- trail ---\n${night.trail(TAG)}`);
  }, NIGHT_MS);

  afterAll(async () => {
    await night?.stop();
    if (seedDir) rmSync(seedDir, { recursive: true, force: true });
  });

  it("ends with every invariant holding and no contract violation", () => {
    expect(report.problems, night.trail(TAG)).toEqual([]);
    night.sandbox.assertNoViolations();
    expect(night.decided()).toBeGreaterThanOrEqual(4);
  });

  it("decides a small gain on the mean of two trainings, and records that mean", () => {
    const confirmed = night
      .experiments(TAG)
      .filter((e) => MEAN_OF_TWO.test(e.state.verdict?.reason ?? ""));
    expect(confirmed.length, night.trail(TAG)).toBeGreaterThanOrEqual(1);
    const rows = parseResults(readLedger(night.sandbox, TAG));
    for (const { number, state } of confirmed) {
      expect(state.attempts, `#${number}`).toBeGreaterThanOrEqual(2);
      const [, first, second] = MEAN_OF_TWO.exec(state.verdict!.reason)!;
      const mean = Math.round(((Number(first) + Number(second)) / 2) * 1e6) / 1e6;
      expect(state.result?.val_bpb, `#${number}`).toBeCloseTo(mean, 6);
      const commit = state.result!.head_sha.slice(0, 7);
      const mine = rows.filter((r) => r.commit === commit);
      expect(mine, `#${number} in the ledger`).toHaveLength(1);
      expect(mine[0]!.valBpb).toBeCloseTo(mean, 6);
      expect(mine[0]!.status).toBe(state.verdict!.status);
      // Both runs are kept with the verdict: they are two measurements of the same code.
      expect(state.runs, `#${number}`).toEqual([Number(first), Number(second)]);
    }
  });

  it("measures the noise floor from the confirmation runs, with no re-measurement of the head", () => {
    const confirmed = night.experiments(TAG).filter((e) => (e.state.runs?.length ?? 0) > 1);
    // examples/tiny is bit-reproducible: both runs of a change agree, so the floor is exactly 0.
    const changes =
      confirmed.length === 1 ? "1 confirmed change" : `${confirmed.length} confirmed changes`;
    expect(dashboardBody).toContain(
      `**Noise floor:** val_bpb of unchanged code moves by 0.000000 (median absolute deviation, from the repeated runs of ${changes}; re-measuring is off): repeated trainings agree exactly, so no Δ is stated in multiples of it.`,
    );
    expect(night.experiments(TAG).some((e) => e.state.source === "remeasure")).toBe(false);
  });

  it("discards the seed-only change as noise, on one training", () => {
    const seed = night.experiments(TAG).find((e) => e.ref === SEED_BRANCH);
    expect(seed, night.trail(TAG)).toBeDefined();
    const { state } = seed!;
    expect(state.verdict?.status).toBe("discard");
    expect(state.verdict?.flags).toContain("seed-only");
    expect(state.verdict?.reason).toMatch(/only a random seed changed/);
    // Not confirmed: a seed change is never a would-be keep, whatever it measured.
    expect(state.verdict?.reason).not.toMatch(/^mean of/);
    expect(state.attempts).toBe(1);
    expect(state.source).toBe("push");
    expect(state.description).toBe("a luckier seed");
  });

  it("keeps exactly one ledger row per decided experiment", () => {
    const decided = night.experiments(TAG).filter((e) => e.state.phase === "decided");
    const rows = parseResults(readLedger(night.sandbox, TAG));
    expect(rows).toHaveLength(decided.length);
    for (const { number, state } of decided) {
      const commit = (state.result?.head_sha ?? state.head_sha).slice(0, 7);
      expect(
        rows.filter((r) => r.commit === commit),
        `#${number}`,
      ).toHaveLength(1);
    }
  });
});
