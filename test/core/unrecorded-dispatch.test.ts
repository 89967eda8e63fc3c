import { describe, expect, it } from "vitest";
import { ExperimentStateSchema } from "../../src/core/state-block.js";
import { type BranchRuns, recordUnrecordedRuns } from "../../src/core/unrecorded-dispatch.js";
import { experimentState } from "../support/fixtures.js";

const HEAD = "a".repeat(40);
const OLD_HEAD = "b".repeat(40);
const AT = "2026-12-02T10:00:00.000Z";

const queued = (attempts: number) =>
  experimentState({ phase: "queued", head_sha: HEAD, attempts, run_id: null, dispatched_at: null });
const runs = (total: number, headSha = HEAD): BranchRuns => ({
  total,
  newest: total === 0 ? null : { id: 9000 + total, headSha, createdAt: AT },
});

describe("recordUnrecordedRuns", () => {
  const cases: {
    name: string;
    state: ReturnType<typeof queued>;
    runs: BranchRuns;
    expected: { phase: string; attempts: number; run_id: number | null } | null;
  }[] = [
    { name: "a new experiment with no run", state: queued(0), runs: runs(0), expected: null },
    { name: "a rerun: every run counted", state: queued(2), runs: runs(2), expected: null },
    {
      name: "a first dispatch whose state write was lost: adopted",
      state: queued(0),
      runs: runs(1),
      expected: { phase: "training", attempts: 1, run_id: 9001 },
    },
    {
      name: "a rerun's dispatch whose state write was lost: adopted",
      state: queued(1),
      runs: runs(2),
      expected: { phase: "training", attempts: 2, run_id: 9002 },
    },
    {
      name: "two lost writes: both runs counted, the newest adopted",
      state: queued(0),
      runs: runs(2),
      expected: { phase: "training", attempts: 2, run_id: 9002 },
    },
    {
      name: "the lost run trained an older head (remade since): counted, still queued",
      state: queued(0),
      runs: runs(1, OLD_HEAD),
      expected: { phase: "queued", attempts: 1, run_id: null },
    },
    {
      name: "a listing lagging behind the state (fewer runs than attempts)",
      state: queued(3),
      runs: runs(1),
      expected: null,
    },
    {
      name: "not queued: nothing to decide here",
      state: { ...queued(0), phase: "training" as const },
      runs: runs(1),
      expected: null,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const next = recordUnrecordedRuns(c.state, c.runs);
      if (c.expected === null) {
        expect(next).toBeNull();
        return;
      }
      expect(next).not.toBeNull();
      expect(ExperimentStateSchema.parse(next)).toMatchObject(c.expected);
      if (next?.phase === "training") expect(next.dispatched_at).toBe(AT);
    });
  }
});
