import { describe, expect, it } from "vitest";
import {
  type Expected,
  isWorkflowPath,
  judgeMarker,
  runMismatch,
} from "../../src/core/result-binding.js";
import { renderResultMarker } from "../../src/core/result-marker.js";
import { HEAD_SHA, okResult } from "../support/fixtures.js";

const EXPECTED: Expected = {
  runId: 4242,
  headSha: HEAD_SHA,
  workflow: "autoresearch.yml",
  repository: "acme/research",
  authors: ["github-actions[bot]"],
};
const RUN = {
  id: 4242,
  path: ".github/workflows/autoresearch.yml",
  event: "workflow_dispatch",
  headSha: HEAD_SHA,
};

describe("runMismatch", () => {
  it.each([
    ["the dispatched run", RUN, null],
    ["another run id", { ...RUN, id: 7 }, "not the run 4242"],
    ["another workflow file", { ...RUN, path: ".github/workflows/evil.yml" }, "evil.yml"],
    ["a push-triggered run", { ...RUN, event: "push" }, "push"],
    ["a run on another head", { ...RUN, headSha: "f".repeat(40) }, "fffffff"],
  ])("%s", (_name, run, problem) => {
    const found = runMismatch(run, EXPECTED);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });
});

describe("isWorkflowPath", () => {
  it.each([
    [".github/workflows/autoresearch.yml", true],
    [".github/workflows/autoresearch.yml@refs/heads/main", true],
    ["acme/research/.github/workflows/autoresearch.yml@main", true],
    ["mallory/research/.github/workflows/autoresearch.yml@main", false],
    [".github/workflows/autoresearch.yml.evil", false],
    ["x/.github/workflows/autoresearch.yml", false],
  ])("%s → %s", (path, ok) => {
    expect(isWorkflowPath(path, "acme/research", "autoresearch.yml")).toBe(ok);
  });
});

describe("judgeMarker", () => {
  const marker = (over = {}) => `Result\n\n${renderResultMarker(okResult({ ...over }))}`;
  it.each([
    ["the workflow bot's marker for the run and head", "github-actions[bot]", marker(), "accepted"],
    ["a comment without a marker", "github-actions[bot]", "hello", "none"],
    ["a marker pasted by a human", "octocat", marker(), "rejected"],
    [
      "the bot's marker of an earlier attempt",
      "github-actions[bot]",
      marker({ run_id: "41" }),
      "none",
    ],
    [
      "the bot's marker for this run naming another head",
      "github-actions[bot]",
      marker({ head_sha: "f".repeat(40) }),
      "rejected",
    ],
    [
      "an unreadable marker by the bot",
      "github-actions[bot]",
      "<!-- autoresearch:result {nope} -->",
      "rejected",
    ],
  ])("%s → %s", (_name, author, body, kind) => {
    expect(judgeMarker({ author, body }, EXPECTED).kind).toBe(kind);
  });
});
