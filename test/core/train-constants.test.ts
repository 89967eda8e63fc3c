import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readConstants, setConstant } from "../../src/core/train-constants.js";

const fixture = readFileSync(new URL("../fixtures/train.py", import.meta.url), "utf8");

describe("readConstants", () => {
  it("reads the numeric hyperparameters of train.py in source order", () => {
    const constants = readConstants(fixture);
    expect(constants.map((c) => c.name)).toEqual([
      "ASPECT_RATIO",
      "HEAD_DIM",
      "TOTAL_BATCH_SIZE",
      "EMBEDDING_LR",
      "UNEMBEDDING_LR",
      "MATRIX_LR",
      "SCALAR_LR",
      "WEIGHT_DECAY",
      "WARMUP_RATIO",
      "WARMDOWN_RATIO",
      "FINAL_LR_FRAC",
      "DEPTH",
      "DEVICE_BATCH_SIZE",
      "SEED",
    ]);
    expect(constants.find((c) => c.name === "TOTAL_BATCH_SIZE")).toEqual({
      name: "TOTAL_BATCH_SIZE",
      line: 24,
      raw: "2**19",
      value: 524288,
      kind: "pow2",
      comment: "~524K tokens per optimizer step",
    });
    expect(fixture.split("\n")[23]).toMatch(/^TOTAL_BATCH_SIZE = 2\*\*19/);
  });

  it.each([
    ["LR = 3e-4", { raw: "3e-4", value: 3e-4, kind: "float" }],
    ["LR = 3E-04", { raw: "3E-04", value: 3e-4, kind: "float" }],
    ["STEPS = 1_000", { raw: "1_000", value: 1000, kind: "int" }],
    ["TOKENS = 1_048_576", { raw: "1_048_576", value: 1048576, kind: "pow2" }],
    ["X = .5", { raw: ".5", value: 0.5, kind: "float" }],
    ["X = 1.", { raw: "1.", value: 1, kind: "float" }],
    ["X = 1e3", { raw: "1e3", value: 1000, kind: "float" }],
    ["X = 2 ** 10", { raw: "2 ** 10", value: 1024, kind: "pow2" }],
    ["X=2**3", { raw: "2**3", value: 8, kind: "pow2" }],
    ["X = 6", { raw: "6", value: 6, kind: "int" }],
    ["X = 1", { raw: "1", value: 1, kind: "int" }],
    ["X = 0", { raw: "0", value: 0, kind: "int" }],
    ["X = 2", { raw: "2", value: 2, kind: "pow2" }],
    ["X = 64.0", { raw: "64.0", value: 64, kind: "float" }],
  ])("parses %j", (line, expected) => {
    const name = line.split("=")[0].trim();
    expect(readConstants(line)).toEqual([{ name, line: 1, comment: null, ...expected }]);
  });

  it.each([
    ["lowercase name", "depth = 8"],
    ["indented (inside a function)", "    DEPTH = 8"],
    ["a string", 'WINDOW_PATTERN = "SSSL"'],
    ["a tuple", "ADAM_BETAS = (0.8, 0.95)"],
    ["an expression", "DIM = 64 * 2"],
    ["a power of something other than 2", "N = 3**4"],
    ["a negative number", "OFFSET = -1"],
    ["a comparison", "DEPTH == 8"],
    ["a name", "DEPTH = BASE_DEPTH"],
    ["a bad underscore", "N = 1__000"],
  ])("skips %s", (_label, line) => {
    expect(readConstants(line)).toEqual([]);
  });

  it("keeps the trailing comment and the 1-based line, also with CRLF line ends", () => {
    expect(readConstants("# header\r\nDEPTH = 8   # layers \r\n")).toEqual([
      { name: "DEPTH", line: 2, raw: "8", value: 8, kind: "pow2", comment: "layers" },
    ]);
  });
});

describe("setConstant", () => {
  it("rewrites only the value text, leaving the comment, spacing and every other line alone", () => {
    const out = setConstant(fixture, "MATRIX_LR", "0.056");
    const before = fixture.split("\n");
    const after = out.split("\n");
    const changed = after.flatMap((line, i) => (line === before[i] ? [] : [[before[i], line]]));
    expect(changed).toEqual([
      [
        "MATRIX_LR = 0.04        # matrix parameter learning rate (Muon)",
        "MATRIX_LR = 0.056        # matrix parameter learning rate (Muon)",
      ],
    ]);
  });

  it("rewrites a power written with spaces", () => {
    expect(setConstant("N = 2 ** 19  # tokens\n", "N", "2 ** 20")).toBe("N = 2 ** 20  # tokens\n");
  });

  it("keeps CRLF line ends", () => {
    expect(setConstant("A = 1\r\nB = 2\r\n", "B", "3")).toBe("A = 1\r\nB = 3\r\n");
  });

  it("rewrites the last assignment of a name, the one in force after the module loads", () => {
    expect(setConstant("DEPTH = 8\nDEPTH = 12\n", "DEPTH", "13")).toBe("DEPTH = 8\nDEPTH = 13\n");
  });

  it.each([
    ["an unknown name", "NOPE", "1", /no top-level numeric constant NOPE/],
    ["a non-numeric value", "DEPTH", "eight", /not a number train.py can hold/],
    ["a value smuggling a comment", "DEPTH", "9 # and more", /not a number/],
    ["a value with a newline", "DEPTH", "9\nimport os", /not a number/],
  ])("refuses %s", (_label, name, raw, message) => {
    expect(() => setConstant(fixture, name, raw)).toThrow(message);
  });
});
