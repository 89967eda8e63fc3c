import { describe, expect, it } from "vitest";
import {
  CheckFileSchema,
  handoffPaths,
  ResultFileSchema,
  readHandoff,
} from "../../src/core/step-handoff.js";

const JOB = { runId: "4242", runAttempt: 1 };
const CHECK = {
  v: 1,
  run_id: "4242",
  run_attempt: 1,
  pr: 7,
  head_sha: "a1b2c3d",
  verdict: { ok: false, reason: "path-violation", message: "this PR changes prepare.py" },
};

describe("handoffPaths", () => {
  it("puts both files in one folder of RUNNER_TEMP", () => {
    expect(handoffPaths("/r/_work/_temp/")).toEqual({
      dir: "/r/_work/_temp/autoresearch",
      check: "/r/_work/_temp/autoresearch/check.json",
      result: "/r/_work/_temp/autoresearch/result.json",
    });
  });
});

describe("readHandoff", () => {
  it("reads this job's file", () => {
    expect(readHandoff(CheckFileSchema, JSON.stringify(CHECK), JOB)).toEqual({
      found: true,
      ok: true,
      value: CHECK,
    });
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["the wrong shape", JSON.stringify({ ...CHECK, verdict: { ok: "yes" } }), /verdict/],
    [
      "another run's file",
      JSON.stringify({ ...CHECK, run_id: "1" }),
      /run 1 attempt 1, not this job/,
    ],
    [
      "another attempt's file",
      JSON.stringify({ ...CHECK, run_attempt: 2 }),
      /attempt 2, not this job/,
    ],
  ])("refuses %s", (_label, text, error) => {
    const read = readHandoff(CheckFileSchema, text, JOB);
    expect(read).toMatchObject({ found: true, ok: false });
    if (read.found && !read.ok) expect(read.error).toMatch(error);
  });

  it("says when there is no file", () => {
    expect(readHandoff(ResultFileSchema, null, JOB)).toEqual({ found: false });
  });
});
