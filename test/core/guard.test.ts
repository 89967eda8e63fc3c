import { describe, expect, it } from "vitest";
import { type GuardInput, guardExperiment } from "../../src/core/guard.js";

const EXPERIMENT_REF = "refs/heads/autoresearch/nov26--3-lr";

/** A same-repo experiment PR that changes only train.py: the one thing a runner trains. */
const GOOD: GuardInput = {
  ref: EXPERIMENT_REF,
  repository: "acme/research",
  headRepository: "acme/research",
  changedFiles: ["train.py"],
  allowedPaths: ["train.py"],
};

describe("guardExperiment: which ref may train", () => {
  it.each([
    ["an experiment branch", EXPERIMENT_REF],
    ["the baseline experiment", "refs/heads/autoresearch/nov26--0-baseline"],
    ["a nested experiment name", "refs/heads/autoresearch/nov26--agent/4-rope"],
  ])("trains %s", (_name, ref) => {
    expect(guardExperiment({ ...GOOD, ref })).toEqual({ ok: true });
  });

  it.each([
    ["the default branch", "refs/heads/main"],
    ["a PR merge ref", "refs/pull/1/merge"],
    ["the run branch itself", "refs/heads/autoresearch/nov26"],
    ["a bare autoresearch branch", "refs/heads/autoresearch"],
    ["a tag shaped like an experiment", "refs/tags/autoresearch/nov26--3-lr"],
    ["a branch name without refs/heads/", "autoresearch/nov26--3-lr"],
    ["autoresearch deeper in the name", "refs/heads/feature/autoresearch/nov26--3-lr"],
    ["an empty ref", ""],
  ])("refuses %s as bad-ref", (_name, ref) => {
    const verdict = guardExperiment({ ...GOOD, ref });
    expect(verdict).toMatchObject({ ok: false, reason: "bad-ref" });
    if (verdict.ok) throw new Error("expected a refusal");
    expect(verdict.message).toBe(
      `refusing to train ${ref}: only experiment branches autoresearch/<tag>--<name> run on this runner`,
    );
  });

  it("refuses a PR from a fork even on an experiment branch name", () => {
    const verdict = guardExperiment({ ...GOOD, headRepository: "mallory/research" });
    expect(verdict).toEqual({
      ok: false,
      reason: "bad-ref",
      message:
        "refusing to train a PR from mallory/research: experiments from forks never reach a runner",
    });
  });

  it("refuses a fork before looking at its files", () => {
    const verdict = guardExperiment({
      ...GOOD,
      headRepository: "mallory/research",
      changedFiles: ["prepare.py"],
    });
    expect(verdict).toMatchObject({ ok: false, reason: "bad-ref" });
  });
});

describe("guardExperiment: which files may change", () => {
  it.each([
    ["only train.py", ["train.py"], ["train.py"]],
    ["no files (the baseline's empty commit)", [], ["train.py"]],
    ["two allowed files", ["train.py", "model.py"], ["train.py", "model.py"]],
  ])("trains a PR changing %s", (_name, changedFiles, allowedPaths) => {
    expect(guardExperiment({ ...GOOD, changedFiles, allowedPaths })).toEqual({ ok: true });
  });

  it("names prepare.py and pyproject.toml in the path violation", () => {
    const verdict = guardExperiment({
      ...GOOD,
      changedFiles: ["train.py", "prepare.py", "pyproject.toml"],
    });
    expect(verdict).toEqual({
      ok: false,
      reason: "path-violation",
      paths: ["prepare.py", "pyproject.toml"],
      message:
        "this PR changes prepare.py, pyproject.toml: only train.py may change (input allowed-paths)",
    });
  });

  it.each([
    ["a file in a subdirectory with the same name", ["src/train.py"], ["src/train.py"]],
    ["a file whose name only starts like train.py", ["train.py.bak"], ["train.py.bak"]],
    ["results.tsv", ["train.py", "results.tsv"], ["results.tsv"]],
  ])("refuses %s", (_name, changedFiles, outside) => {
    expect(guardExperiment({ ...GOOD, changedFiles })).toMatchObject({
      ok: false,
      reason: "path-violation",
      paths: outside,
    });
  });
});

describe("guardExperiment without PR information", () => {
  const noPr = { headRepository: null, changedFiles: null };

  it.each([
    [EXPERIMENT_REF, { ok: true }],
    ["refs/heads/main", { ok: false, reason: "bad-ref" }],
    ["refs/heads/autoresearch/nov26", { ok: false, reason: "bad-ref" }],
  ])("checks only the ref %s", (ref, expected) => {
    expect(guardExperiment({ ...GOOD, ...noPr, ref })).toMatchObject(expected);
  });

  it("does not call an unknown head repository a fork", () => {
    expect(guardExperiment({ ...GOOD, headRepository: null })).toEqual({ ok: true });
  });
});
