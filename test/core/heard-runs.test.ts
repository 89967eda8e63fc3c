import { describe, expect, it } from "vitest";
import { HEARD_FRESH_MS, type HeardRun, hear, takeHeard } from "../../src/core/heard-runs.js";

const T = Date.parse("2026-12-01T03:00:00Z");
const at = (s: number) => new Date(T + s * 1000).toISOString();
const run = (status: string, updatedS: number) => ({ id: 7, status, updatedAt: at(updatedS) });
type Run = ReturnType<typeof run>;
const heard = (status: string, updatedS: number, heardAt = T): HeardRun<Run> =>
  hear(undefined, run(status, updatedS), heardAt);
const taken = (updatedS: number): HeardRun<Run> =>
  takeHeard(heard("completed", updatedS), T).keep as HeardRun<Run>;

describe("hear", () => {
  it.each([
    ["nothing known", undefined, run("queued", 0), "queued"],
    ["a later change", heard("queued", 0), run("in_progress", 5), "in_progress"],
    ["an older description, late", heard("completed", 9), run("in_progress", 5), "completed"],
    ["the same second, a later stage", heard("in_progress", 5), run("completed", 5), "completed"],
    [
      "the same second, an earlier stage",
      heard("completed", 5),
      run("in_progress", 5),
      "completed",
    ],
    ["a late in_progress after the completed run was taken", taken(9), run("in_progress", 5), null],
    ["a re-run after it was taken", taken(9), run("queued", 60), "queued"],
  ])("%s → %s", (_name, known, facts, status) => {
    const after = hear(known, facts, T);
    expect(after.facts?.status ?? null).toBe(status);
  });
});

describe("takeHeard", () => {
  it.each([
    ["nothing heard", undefined, 0, null, "forgotten"],
    ["a completed run", heard("completed", 0), 600, "completed", "taken"],
    ["a completed run already taken", taken(0), 0, null, "taken"],
    ["a run in progress, heard just now", heard("in_progress", 0), 1, "in_progress", "kept"],
    [
      "a queued run heard as long ago as still believed",
      heard("queued", 0),
      HEARD_FRESH_MS / 1000,
      "queued",
      "kept",
    ],
    ["a run in progress heard longer ago: read it", heard("in_progress", 0), 61, null, "forgotten"],
  ])("%s → use %s, %s", (_name, known, afterS, use, keep) => {
    const out = takeHeard(known, T + afterS * 1000);
    expect(out.use?.status ?? null).toBe(use);
    const kept = out.keep === undefined ? "forgotten" : out.keep.facts === null ? "taken" : "kept";
    expect(kept).toBe(keep);
  });
});
