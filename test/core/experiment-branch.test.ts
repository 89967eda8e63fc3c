import { describe, expect, it } from "vitest";
import {
  experimentBranch,
  parseExperimentBranch,
  parseRunBranch,
  runBranch,
  slugify,
  validateTag,
} from "../../src/core/experiment-branch.js";

describe("runBranch", () => {
  it("puts the run under autoresearch/", () => {
    expect(runBranch("nov26")).toBe("autoresearch/nov26");
  });
});

describe("validateTag", () => {
  it.each(["nov26", "a", "mar-5", "v1.2", "gpu_x8", "2026.03.05", "a".repeat(40)])(
    "accepts %j",
    (tag) => {
      expect(validateTag(tag)).toBeNull();
    },
  );

  it.each([
    ["", /empty/],
    ["a".repeat(41), /41 characters long: use at most 40/],
    ["Nov26", /characters a branch name cannot carry/],
    ["nov 26", /characters a branch name cannot carry/],
    ["nov/26", /characters a branch name cannot carry/],
    ["növ26", /characters a branch name cannot carry/],
    ["-nov26", /starts with "-"/],
    [".nov26", /starts with "\."/],
    ["nov..26", /contains "\.\."/],
    ["nov26.", /ends with "\."/],
    ["nov26.lock", /ends with "\.lock"/],
    ["a--b", /contains "--"/],
    ["nov26-", /ends with "-"/],
  ])("refuses %j, saying why", (tag, message) => {
    const error = validateTag(tag);
    expect(error).toMatch(message);
    expect(error).toMatch(/nov26|at most|start it|git refuses/);
  });
});

describe("slugify", () => {
  it.each([
    ["increase LR to 0.04", "increase-lr-to-0-04"],
    ["MATRIX_LR 0.04 → 0.056", "matrix-lr-0-04-0-056"],
    ["  Switch to GeLU activation!  ", "switch-to-gelu-activation"],
    ["Café déjà vu", "cafe-deja-vu"],
    ["double model width (OOM)", "double-model-width-oom"],
    ["baseline", "baseline"],
    ["", "experiment"],
    ["→ ← !!", "experiment"],
    ["日本語", "experiment"],
    [
      "replace the relu squared MLP with a gated SwiGLU of the same width",
      "replace-the-relu-squared-mlp-with-a",
    ],
    ["a".repeat(50), "a".repeat(40)],
  ])("%j → %j", (description, expected) => {
    const slug = slugify(description);
    expect(slug).toBe(expected);
    expect(slug.length).toBeLessThanOrEqual(40);
  });
});

describe("experimentBranch", () => {
  it.each([
    ["nov26", 0, "baseline", "autoresearch/nov26--0-baseline"],
    ["nov26", 12, "MATRIX_LR 0.04 → 0.056", "autoresearch/nov26--12-matrix-lr-0-04-0-056"],
    ["nov26", 3, "", "autoresearch/nov26--3-experiment"],
  ])("%s #%d %j → %s", (tag, n, description, expected) => {
    expect(experimentBranch(tag, n, description)).toBe(expected);
  });

  it.each([-1, 1.5, Number.NaN])("refuses experiment number %d", (n) => {
    expect(() => experimentBranch("nov26", n, "x")).toThrow(/not a whole number/);
  });

  it("round-trips through parseExperimentBranch", () => {
    const ref = experimentBranch("nov26", 7, "DEPTH 8 → 9");
    expect(parseExperimentBranch(ref)).toEqual({ tag: "nov26", n: 7, slug: "depth-8-9" });
  });
});

describe("parseExperimentBranch", () => {
  it.each([
    ["autoresearch/nov26--12-matrix-lr", { tag: "nov26", n: 12, slug: "matrix-lr" }],
    ["refs/heads/autoresearch/nov26--12-matrix-lr", { tag: "nov26", n: 12, slug: "matrix-lr" }],
    ["autoresearch/nov26--007-x-y", { tag: "nov26", n: 7, slug: "x-y" }],
    ["autoresearch/nov26--3", { tag: "nov26", n: 3, slug: "" }],
    ["autoresearch/nov26--try-gelu", { tag: "nov26", n: null, slug: "try-gelu" }],
    ["autoresearch/nov26--alice/try-gelu", { tag: "nov26", n: null, slug: "alice/try-gelu" }],
    ["autoresearch/nov26--12abc", { tag: "nov26", n: null, slug: "12abc" }],
    [
      "autoresearch/nov26--99999999999999999999-x",
      { tag: "nov26", n: null, slug: "99999999999999999999-x" },
    ],
  ])("%s → %j", (ref, expected) => {
    expect(parseExperimentBranch(ref)).toEqual(expected);
  });

  it.each([
    "autoresearch/nov26",
    "refs/heads/autoresearch/nov26",
    "autoresearch/nov26--",
    "autoresearch//1-x",
    "autoresearch/Nov26--1-x",
    "refs/tags/autoresearch/nov26--1-x",
    "refs/pull/5/head",
    "main",
    "feature/autoresearch/nov26--1-x",
  ])("%s is not an experiment", (ref) => {
    expect(parseExperimentBranch(ref)).toBeNull();
  });
});

describe("parseRunBranch", () => {
  it.each([
    ["autoresearch/nov26", "nov26"],
    ["refs/heads/autoresearch/nov26", "nov26"],
    ["autoresearch/v1.2", "v1.2"],
    ["autoresearch/nov26--1-x", null],
    ["autoresearch/", null],
    ["autoresearch/-x", null],
    ["refs/tags/autoresearch/nov26", null],
    ["main", null],
  ])("%s → %j", (ref, expected) => {
    expect(parseRunBranch(ref)).toBe(expected);
  });
});
