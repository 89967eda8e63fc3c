import { describe, expect, it } from "vitest";
import {
  buildDashboard,
  type DashboardInput,
  type ExperimentSummary,
  fitDashboard,
  ISSUE_BODY_LIMIT,
  keepNewestRows,
  LEDGER_IN_ISSUE_NOTE,
} from "../../src/core/dashboard.js";
import type { RunState } from "../../src/core/run-state.js";

const run: RunState = {
  v: 1,
  tag: "nov26",
  status: "running",
  branch: "autoresearch/nov26",
  base_branch: "main",
  gist_id: "g1",
  ledger: "gist",
  next_n: 6,
  started_at: "2025-11-26T10:00:00Z",
  started_by: "alice",
  proposer_failures: 0,
  notes: [],
};

const exp = (
  n: number,
  status: ExperimentSummary["status"],
  valBpb: number | null = null,
  over: Partial<ExperimentSummary> = {},
): ExperimentSummary => ({
  n,
  pr: n + 10,
  description: `experiment ${n}`,
  status,
  valBpb,
  delta: null,
  sha: `${`${n}`.repeat(7)}abcdef`,
  dispatchedAt: null,
  ...over,
});

const input = (over: Partial<DashboardInput> = {}): DashboardInput => ({
  run,
  experiments: [],
  now: "2025-11-26T12:00:00Z",
  chartUrl: null,
  ledgerUrl: "https://gist.github.com/alice/g1",
  ledgerTsv: null,
  alerts: [],
  ...over,
});

describe("buildDashboard", () => {
  const experiments = [
    exp(0, "keep", 0.9979),
    exp(1, "discard", 1.005, { delta: 0.0071 }),
    exp(2, "keep", 0.9932, { delta: -0.0047 }),
    exp(3, "crash"),
    exp(4, "keep", 0.9932, { delta: 0 }),
    exp(5, "rejected"),
    exp(6, "training", null, { dispatchedAt: "2025-11-26T11:48:30Z" }),
    exp(7, "queued", null, { dispatchedAt: "2025-11-26T11:59:59Z" }),
    exp(8, "queued"),
  ];
  const data = buildDashboard(input({ experiments: [...experiments].reverse() }));

  it("is the same an hour later when nothing happened (a pass writes it only when it changed)", () => {
    const later = buildDashboard(
      input({ experiments: [...experiments].reverse(), now: "2025-11-26T13:00:00Z" }),
    );
    expect(later).toEqual(data);
  });

  it("counts decided experiments and the keep rate", () => {
    expect(data.counts).toEqual({ decided: 5, kept: 3, discarded: 1, crashed: 1, keepRate: "60%" });
  });

  it("takes the lowest kept val_bpb as best, the later keep on a tie", () => {
    expect(data.best).toEqual({
      valBpb: "0.993200",
      description: "experiment 4",
      pr: 14,
      sha7: "4444444",
    });
  });

  it("lists in-flight experiments with when they were dispatched (a clock time: no rewrite every minute), and queued ones", () => {
    expect(data.inFlight).toEqual([
      { n: 6, pr: 16, description: "experiment 6", phase: "training", dispatched: "11:48 UTC" },
      {
        n: 7,
        pr: 17,
        description: "experiment 7",
        phase: "dispatched, waiting for a runner",
        dispatched: "11:59 UTC",
      },
    ]);
    expect(data.queued).toEqual([{ n: 8, pr: 18, description: "experiment 8" }]);
  });

  it("lists finished experiments newest first with formatted numbers", () => {
    expect(data.recent.map((r) => [r.n, r.valBpb, r.delta, r.status])).toEqual([
      [5, "—", "—", "rejected"],
      [4, "0.993200", "±0.000000", "keep"],
      [3, "crash", "—", "crash"],
      [2, "0.993200", "-0.004700", "keep"],
      [1, "1.005000", "+0.007100", "discard"],
      [0, "0.997900", "—", "keep"],
    ]);
  });

  it("keeps only the last 20 experiments", () => {
    const many = Array.from({ length: 50 }, (_, n) => exp(n, "discard", 1));
    const recent = buildDashboard(input({ experiments: many })).recent;
    expect(recent.map((r) => r.n)).toEqual(Array.from({ length: 20 }, (_, i) => 49 - i));
  });

  it("has no best and a dash for keep rate before anything is decided", () => {
    const empty = buildDashboard(input());
    expect(empty.best).toBeNull();
    expect(empty.counts.keepRate).toBe("—");
  });

  it.each([
    ["gist", "https://gist.github.com/alice/g1", null, null],
    ["issue", null, LEDGER_IN_ISSUE_NOTE, { tsv: "commit\n", omittedRows: 0 }],
  ] as const)("with the ledger in a %s", (ledger, ledgerUrl, ledgerNote, section) => {
    const built = buildDashboard(input({ run: { ...run, ledger }, ledgerTsv: "commit\n" }));
    expect([built.ledgerUrl, built.ledgerNote, built.ledger]).toEqual([
      ledgerUrl,
      ledgerNote,
      section,
    ]);
  });

  it("adds an alert for proposer failures after the caller's alerts", () => {
    const built = buildDashboard(
      input({ run: { ...run, proposer_failures: 3 }, alerts: ["#17 waited 45 min for a runner"] }),
    );
    expect(built.alerts).toEqual([
      "#17 waited 45 min for a runner",
      "the proposer produced nothing 3 times in a row: check its workflow runs, or push an experiment branch",
    ]);
  });

  it("caps long descriptions and long alert lists", () => {
    const built = buildDashboard(
      input({
        experiments: [exp(0, "discard", 1, { description: "x".repeat(500) })],
        alerts: Array.from({ length: 25 }, (_, i) => `alert ${i}`),
      }),
    );
    expect(built.recent[0].description).toHaveLength(100);
    expect(built.alerts).toHaveLength(21);
    expect(built.alerts.at(-1)).toBe("and 5 more");
  });
});

describe("buildDashboard: the noise floor (policy.baselineEvery)", () => {
  const trail = [
    exp(0, "keep", 0.9979),
    exp(1, "remeasure", 0.9991, { delta: 0.0012, remeasure: true }),
    exp(2, "keep", 0.9932, { delta: -0.0047, noise: 0.0006 }),
    exp(3, "discard", 0.9935, { delta: 0.0003, noise: 0.0006 }),
    exp(4, "crash", null, { remeasure: true }),
  ];

  it("never counts re-measurements as experiments, crashed ones included", () => {
    expect(buildDashboard(input({ experiments: trail })).counts).toEqual({
      decided: 3,
      kept: 2,
      discarded: 1,
      crashed: 0,
      keepRate: "67%",
    });
  });

  it("lists them with the deviation from the recorded value, and multiples for verdicts", () => {
    const { recent } = buildDashboard(input({ experiments: trail }));
    expect(recent.map((r) => [r.n, r.delta, r.status])).toEqual([
      [4, "—", "crash"],
      [3, "+0.000300 (0.5×)", "discard"],
      [2, "-0.004700 (7.8×)", "keep"],
      [1, "+0.001200", "remeasure"],
      [0, "—", "keep"],
    ]);
  });

  it.each<[string, Partial<DashboardInput>, string | null]>([
    ["off and never measured: no line", {}, null],
    [
      "on, not measured yet",
      { baselineEvery: 5 },
      "not measured yet: the run head is re-measured every 5 experiments",
    ],
    [
      "measured",
      { baselineEvery: 5, noise: { mad: 0.0006, remeasures: 1, confirmed: 0 } },
      "val_bpb of unchanged code moves by 0.000600 (median absolute deviation, from 1 re-measurement of the run head; the run head is re-measured every 5 experiments). A Δ's (n×) is that change in multiples of it",
    ],
    [
      "measured as exactly 0: no multiples to read",
      { baselineEvery: 5, noise: { mad: 0, remeasures: 2, confirmed: 1 } },
      "val_bpb of unchanged code moves by 0.000000 (median absolute deviation, from 2 re-measurements of the run head and the repeated runs of 1 confirmed change; the run head is re-measured every 5 experiments): repeated trainings agree exactly, so no Δ is stated in multiples of it",
    ],
    [
      "measured, then turned off",
      { baselineEvery: 0, noise: { mad: 0.0006, remeasures: 3, confirmed: 0 } },
      "val_bpb of unchanged code moves by 0.000600 (median absolute deviation, from 3 re-measurements of the run head; re-measuring is off). A Δ's (n×) is that change in multiples of it",
    ],
  ])("%s", (_name, over, expected) => {
    expect(buildDashboard(input(over)).noiseNote).toBe(expected);
  });
});

describe("sweep stage line", () => {
  it.each([
    ["neighbourhood", "neighbourhood stage (one-constant changes around the current best)"],
    ["pattern", "pattern stage (bigger steps after a kept change, smaller ones after failures)"],
    ["combine", "combine stage (pairs, then triples of near-misses)"],
    [
      "perturb",
      "perturb stage (seeded changes of 2-4 constants at once, shrinking; never runs dry)",
    ],
    [null, null],
    [undefined, null],
  ] as const)("%s → %s", (stage, note) => {
    expect(buildDashboard(input({ sweepStage: stage })).sweepNote).toBe(note);
  });
});

describe("keepNewestRows", () => {
  const tsv = "header\nrow-1\nrow-2\nrow-3\n";
  it.each([
    [100, "header\nrow-1\nrow-2\nrow-3\n", 0],
    [tsv.length - 1, "header\nrow-2\nrow-3\n", 1],
    [18, "header\nrow-3\n", 2],
    [3, "header\n", 3],
  ])("within %d chars", (max, expected, omitted) => {
    expect(keepNewestRows(tsv, max)).toEqual({ tsv: expected, omitted });
  });
});

describe("fitDashboard", () => {
  const render = (d: ReturnType<typeof buildDashboard>) =>
    `${d.recent.map((r) => r.description).join("\n")}\n${d.ledger?.tsv ?? ""}omitted ${d.ledger?.omittedRows}`;

  it("returns the body unchanged when it fits", () => {
    const data = buildDashboard(input({ experiments: [exp(0, "keep", 1)] }));
    expect(fitDashboard(data, render)).toBe(render(data));
  });

  it("drops the oldest ledger rows first, then the oldest recent rows", () => {
    const data = buildDashboard(
      input({
        run: { ...run, ledger: "issue" },
        experiments: [exp(0, "keep", 1), exp(1, "keep", 1)],
        ledgerTsv: "h\nr1\nr2\nr3\n",
      }),
    );
    expect(fitDashboard(data, render, 40)).toBe("experiment 1\nexperiment 0\nh\nomitted 3");
    expect(fitDashboard(data, render, 30)).toBe("experiment 1\nh\nomitted 3");
  });

  it("says what to do when even the fixed part is too long", () => {
    const data = buildDashboard(input());
    expect(() => fitDashboard(data, () => "x".repeat(ISSUE_BODY_LIMIT + 1))).toThrow(
      /shorten the run's notes or alerts/,
    );
  });
});
