import { describe, expect, it } from "vitest";
import {
  drainSeconds,
  healthReport,
  type PassRecord,
  recordPass,
  type ShutdownEvent,
  type ShutdownState,
  shutdownStep,
} from "../../src/core/server-health.js";

const T1 = "2026-12-01T03:00:00.000Z";
const T2 = "2026-12-01T03:05:00.000Z";

describe("recordPass", () => {
  it.each<[string, PassRecord | undefined, Parameters<typeof recordPass>[1], PassRecord]>([
    [
      "a first pass that goes through",
      undefined,
      { ok: true, at: T1 },
      { lastPassAt: T1, lastOkAt: T1, lastError: null, consecutiveFailures: 0 },
    ],
    [
      "a first pass that fails",
      undefined,
      { ok: false, at: T1, error: "502" },
      { lastPassAt: T1, lastOkAt: null, lastError: "502", consecutiveFailures: 1 },
    ],
    [
      "a failure after a failure counts up and keeps the last good time",
      {
        lastPassAt: T1,
        lastOkAt: "2026-12-01T02:00:00.000Z",
        lastError: "502",
        consecutiveFailures: 2,
      },
      { ok: false, at: T2, error: "timeout" },
      {
        lastPassAt: T2,
        lastOkAt: "2026-12-01T02:00:00.000Z",
        lastError: "timeout",
        consecutiveFailures: 3,
      },
    ],
    [
      "a pass that goes through resets the count and keeps the last error to read",
      { lastPassAt: T1, lastOkAt: null, lastError: "502", consecutiveFailures: 4 },
      { ok: true, at: T2 },
      { lastPassAt: T2, lastOkAt: T2, lastError: "502", consecutiveFailures: 0 },
    ],
  ])("%s", (_name, previous, outcome, expected) => {
    expect(recordPass(previous, outcome)).toEqual(expected);
  });
});

describe("healthReport", () => {
  const server = {
    version: "0.1.0",
    startedAt: new Date(T1),
    now: new Date(T2),
  };
  const failing = (n: number): PassRecord => ({
    lastPassAt: T2,
    lastOkAt: null,
    lastError: "boom",
    consecutiveFailures: n,
  });

  it.each<[string, [string, PassRecord][], 200 | 503, string[]]>([
    ["no run seen yet", [], 200, []],
    ["every run fine", [["a/b#x", failing(0)]], 200, []],
    ["two failures in a row are still retried", [["a/b#x", failing(2)]], 200, []],
    ["three failures in a row", [["a/b#x", failing(3)]], 503, ["a/b#x"]],
    [
      "one failing run among fine ones",
      [
        ["a/b#y", failing(7)],
        ["a/b#x", failing(0)],
      ],
      503,
      ["a/b#y"],
    ],
  ])("%s → %i", (_name, entries, status, failingRuns) => {
    const report = healthReport(new Map(entries), server);
    expect(report.status).toBe(status);
    expect(report.body.ok).toBe(status === 200);
    expect(report.body.failing).toEqual(failingRuns);
    expect(Object.keys(report.body.runs)).toEqual(entries.map(([k]) => k).sort());
  });

  it("carries the version and the uptime in whole seconds", () => {
    const report = healthReport(new Map(), { ...server, now: new Date(Date.parse(T1) + 61_900) });
    expect(report.body).toMatchObject({ version: "0.1.0", uptimeSeconds: 61 });
  });

  it("takes another failure threshold", () => {
    expect(healthReport(new Map([["a/b#x", failing(1)]]), server, 1).status).toBe(503);
  });
});

describe("drainSeconds", () => {
  it.each<[string | undefined, number]>([
    [undefined, 30],
    ["", 30],
    ["5", 5],
    [" 0.5 ", 0.5],
    ["0", 0],
  ])("%j → %d", (value, seconds) => {
    expect(drainSeconds({ AUTORESEARCH_DRAIN_SECONDS: value })).toBe(seconds);
  });

  it.each(["-1", "thirty", "NaN", "Infinity"])("refuses %j and says what to set", (value) => {
    expect(() => drainSeconds({ AUTORESEARCH_DRAIN_SECONDS: value })).toThrow(
      /AUTORESEARCH_DRAIN_SECONDS is ".*": set it to how many seconds .* ≥ 0, default 30/,
    );
  });
});

describe("shutdownStep", () => {
  it.each<[ShutdownState, ShutdownEvent, ShutdownState, string]>([
    ["running", "signal", "draining", "drain"],
    ["running", "idle", "running", "none"],
    ["running", "deadline", "running", "none"],
    ["draining", "idle", "exited", "exit 0"],
    ["draining", "signal", "exited", "exit 1"],
    ["draining", "deadline", "exited", "exit 1"],
    ["exited", "signal", "exited", "none"],
    ["exited", "idle", "exited", "none"],
  ])("%s + %s → %s (%s)", (state, event, next, action) => {
    const step = shutdownStep(state, event);
    expect(step.state).toBe(next);
    const said = step.action.kind === "exit" ? `exit ${step.action.code}` : step.action.kind;
    expect(said).toBe(action);
  });
});
