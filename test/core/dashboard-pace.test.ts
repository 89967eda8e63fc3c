import { describe, expect, it } from "vitest";
import { buildDashboard } from "../../src/core/dashboard.js";
import { type DashboardStep, dashboardStep, urgentPart } from "../../src/core/dashboard-pace.js";
import type { RunState } from "../../src/core/run-state.js";

const T = Date.parse("2026-12-01T03:00:00Z");
const last = (agoS: number, urgent = "u") => ({ at: T - agoS * 1000, urgent });

describe("dashboardStep", () => {
  it.each<[string, Partial<Parameters<typeof dashboardStep>[0]>, DashboardStep]>([
    ["nothing changed", { changed: false, last: undefined }, "none"],
    ["nothing changed, long ago", { changed: false, last: last(600) }, "none"],
    ["tables changed 10 s after the last write, trainings in flight", {}, "wait"],
    ["tables changed 59 s after", { last: last(59) }, "wait"],
    ["tables changed 60 s after", { last: last(60) }, "write"],
    ["a new best, a warning or the run block (urgent part) changed", { urgent: "v" }, "write"],
    ["nothing in flight: no later pass is sure to come", { inFlight: 0 }, "write"],
    ["this instance never wrote it (a restart, zero-server mode)", { last: undefined }, "write"],
    ["dashboardEverySeconds 0: every pass", { everySeconds: 0 }, "write"],
  ])("%s → %s", (_name, input, step) => {
    expect(
      dashboardStep({
        changed: true,
        urgent: "u",
        last: last(10),
        inFlight: 2,
        now: T,
        everySeconds: 60,
        ...input,
      }),
    ).toBe(step);
  });
});

describe("urgentPart", () => {
  const run: RunState = {
    v: 1,
    tag: "t",
    status: "running",
    branch: "autoresearch/t",
    base_branch: "main",
    gist_id: null,
    ledger: "issue",
    next_n: 4,
    started_at: "2026-12-01T00:00:00Z",
    started_by: "octocat",
    proposer_failures: 0,
    notes: [],
  };
  const exp = (n: number, status: "keep" | "discard" | "training", valBpb: number | null) => ({
    n,
    pr: n + 1,
    description: `change ${n}`,
    status,
    valBpb,
    delta: null,
    sha: "a".repeat(40),
    dispatchedAt: status === "training" ? "2026-12-01T02:59:00Z" : null,
  });
  const data = (over: Partial<Parameters<typeof buildDashboard>[0]> = {}) =>
    buildDashboard({
      run,
      experiments: [exp(1, "keep", 1.0), exp(2, "discard", 1.1), exp(3, "training", null)],
      now: "2026-12-01T03:00:00Z",
      chartUrl: null,
      ledgerUrl: null,
      ledgerTsv: null,
      alerts: [],
      ...over,
    });

  it("ignores what only the tables show: a discard, a dispatch, the next number", () => {
    const more = data({
      run: { ...run, next_n: 6 },
      experiments: [
        exp(1, "keep", 1.0),
        exp(2, "discard", 1.1),
        exp(3, "discard", 1.2),
        exp(4, "training", null),
        exp(5, "training", null),
      ],
    });
    expect(urgentPart(more)).toBe(urgentPart(data()));
  });

  it.each([
    ["a new best", { experiments: [exp(1, "keep", 1.0), exp(2, "keep", 0.9)] }],
    ["a warning", { alerts: ["#3 has waited 30 min for a runner"] }],
    ["a status change", { run: { ...run, status: "paused" as const } }],
    ["a note", { run: { ...run, notes: ["the config was fixed"] } }],
  ])("changes with %s", (_name, over) => {
    expect(urgentPart(data(over))).not.toBe(urgentPart(data()));
  });
});
