import { describe, expect, it } from "vitest";
import {
  changedLines,
  diffStats,
  isSeedOnly,
  linesEditedInPlace,
  pathsOutside,
} from "../../src/core/diff-stats.js";

describe("diffStats", () => {
  it.each([
    ["no files", [], { added: 0, removed: 0, files: [] }],
    [
      "one file",
      [{ filename: "train.py", additions: 3, deletions: 1, patch: "@@ -1 +1 @@" }],
      { added: 3, removed: 1, files: ["train.py"] },
    ],
    [
      "several files, a binary one without a patch",
      [
        { filename: "train.py", additions: 10, deletions: 4 },
        { filename: "prepare.py", additions: 1, deletions: 0 },
        { filename: "assets/plot.png", additions: 0, deletions: 0 },
      ],
      { added: 11, removed: 4, files: ["train.py", "prepare.py", "assets/plot.png"] },
    ],
  ])("sums %s", (_label, files, expected) => {
    expect(diffStats(files)).toEqual(expected);
  });
});

describe("pathsOutside", () => {
  it.each([
    [["train.py"], ["train.py"], []],
    [["train.py", "prepare.py"], ["train.py"], ["prepare.py"]],
    [["src/train.py"], ["train.py"], ["src/train.py"]],
    [["train.py", "pyproject.toml", "README.md"], ["train.py", "README.md"], ["pyproject.toml"]],
    [["./train.py"], ["train.py"], ["./train.py"]],
    [["Train.py"], ["train.py"], ["Train.py"]],
    [[], ["train.py"], []],
    [["train.py"], [], ["train.py"]],
  ])("%j allowing %j → %j", (files, allowed, expected) => {
    expect(pathsOutside(files, allowed)).toEqual(expected);
  });
});

const hunk = (...lines: string[]) => {
  const old = lines.filter((l) => !l.startsWith("+")).length;
  const neu = lines.filter((l) => !l.startsWith("-")).length;
  return [`@@ -10,${old} +10,${neu} @@ def main():`, ...lines].join("\n");
};

describe("isSeedOnly", () => {
  it.each([
    ["a seed constant", hunk("-SEED = 42", "+SEED = 1337"), true],
    ["a seed constant with comments", hunk("-SEED = 42  # fixed", "+SEED = 7   # luckier?"), true],
    [
      "torch.manual_seed",
      hunk("     t0 = time.time()", "-    torch.manual_seed(42)", "+    torch.manual_seed(1337)"),
      true,
    ],
    [
      "random and numpy seeds",
      hunk("-random.seed(0)", "-np.random.seed(0)", "+random.seed(1)", "+np.random.seed(1)"),
      true,
    ],
    [
      "torch.cuda.manual_seed_all",
      hunk("-torch.cuda.manual_seed_all(0)", "+torch.cuda.manual_seed_all(3)"),
      true,
    ],
    ["an annotated seed", hunk("-data_seed: int = 1", "+data_seed: int = 2"), true],
    ["an attribute seed", hunk("-cfg.seed = 1", "+cfg.seed = 2"), true],
    [
      "a seed plus a blank line and a comment",
      hunk("-SEED = 42", "+SEED = 43", "+", "+# try another seed"),
      true,
    ],
    ["a learning rate", hunk("-MATRIX_LR = 0.04", "+MATRIX_LR = 0.056"), false],
    [
      "a seed and a learning rate",
      hunk("-SEED = 42", "+SEED = 1", "-MATRIX_LR = 0.04", "+MATRIX_LR = 0.05"),
      false,
    ],
    ["a second statement behind a seed", hunk("-SEED = 42", "+SEED = 1; MATRIX_LR = 0.05"), false],
    [
      "a generator seeded inside another assignment",
      hunk("-g = torch.Generator().manual_seed(1)", "+g = torch.Generator().manual_seed(2)"),
      false,
    ],
    ["a comparison with a seed", hunk("-if SEED == 1:", "+if SEED == 2:"), false],
    ["only a comment", hunk("-# seed 42", "+# seed 1337"), false],
    ["only context", hunk(" SEED = 42"), false],
    ["an empty patch", "", false],
  ])("%s → %s", (_label, patch, expected) => {
    expect(isSeedOnly(patch)).toBe(expected);
  });

  it("walks several hunks and files by their counts, so file headers are not changes", () => {
    const patch = [
      "diff --git a/train.py b/train.py",
      "--- a/train.py",
      "+++ b/train.py",
      "@@ -1,2 +1,2 @@",
      "-SEED = 1",
      "+SEED = 2",
      " import torch",
      "@@ -40 +40 @@",
      "-    torch.manual_seed(1)",
      "+    torch.manual_seed(2)",
      "\\ No newline at end of file",
      "--- a/notes.py",
      "+++ b/notes.py",
      "@@ -1 +1 @@",
      "-random.seed(1)",
      "+random.seed(2)",
    ].join("\n");
    expect(changedLines(patch)).toEqual([
      "SEED = 1",
      "SEED = 2",
      "    torch.manual_seed(1)",
      "    torch.manual_seed(2)",
      "random.seed(1)",
      "random.seed(2)",
    ]);
    expect(isSeedOnly(patch)).toBe(true);
  });

  it("reads a removed line that starts with dashes as a change, not as a header", () => {
    const patch = hunk("--- a comment in a docstring", "+SEED = 2");
    expect(changedLines(patch)).toEqual(["-- a comment in a docstring", "SEED = 2"]);
    expect(isSeedOnly(patch)).toBe(false);
  });
});

describe("linesEditedInPlace", () => {
  it.each([
    { before: "A = 1\nB = 2\n", after: "A = 1\nB = 2\n", lines: 0 },
    { before: "A = 1\nB = 2\n", after: "A = 3\nB = 2\n", lines: 1 },
    { before: "A = 1\nB = 2\n", after: "A = 3\nB = 4\n", lines: 2 },
    { before: "A = 1\n", after: "A = 1\nB = 2\n", lines: null },
  ])("$before → $after: $lines", ({ before, after, lines }) => {
    expect(linesEditedInPlace(before, after)).toBe(lines);
  });
});
