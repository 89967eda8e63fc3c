import { describe, expect, it } from "vitest";
import {
  type AgentExit,
  agentFailure,
  branchOfExperiment,
  compareRecordedVariant,
  compileError,
  compileFailure,
  duplicateOf,
  emptyChange,
  type FileKind,
  irregularFile,
  pathViolation,
  pythonToCompile,
  sameVariant,
} from "../../src/core/propose-validation.js";
import { variantId } from "../../src/core/variant-id.js";

const clean: AgentExit = { exitCode: 0, signal: null, timedOut: false, cancelled: false };

describe("agentFailure", () => {
  it.each<[string, Partial<AgentExit>, RegExp | null]>([
    ["a clean exit", {}, null],
    [
      "a timeout (killed by us, so also a signal)",
      { timedOut: true, signal: "SIGTERM", exitCode: null },
      /ran longer than agent-timeout-minutes \(15 min\) and was stopped with its whole process tree/,
    ],
    ["a cancelled job", { cancelled: true, signal: "SIGTERM" }, /job was cancelled/],
    ["a signal", { signal: "SIGKILL", exitCode: null }, /killed by SIGKILL/],
    ["a failing exit", { exitCode: 2 }, /agent-command exited with code 2/],
  ])("%s", (_, exit, reason) => {
    const failure = agentFailure({ ...clean, ...exit }, 15);
    if (reason === null) expect(failure).toBeNull();
    else expect(failure).toEqual({ status: "agent-failed", reason: expect.stringMatching(reason) });
  });
});

describe("emptyChange and pathViolation", () => {
  it("refuses a proposal that changes nothing", () => {
    expect(emptyChange([])).toEqual({
      status: "invalid",
      reason: expect.stringMatching(/^the agent left the working directory unchanged/),
    });
    expect(emptyChange(["train.py"])).toBeNull();
  });

  it.each<[string[], string[], string | null]>([
    [["train.py"], ["train.py"], null],
    [["model.py", "train.py"], ["train.py", "model.py"], null],
    [
      ["prepare.py", "train.py"],
      ["train.py"],
      "the agent changed prepare.py: only train.py may change (input allowed-paths)",
    ],
    [
      ["notes.md", "uv.lock"],
      ["train.py", "model.py"],
      "the agent changed notes.md, uv.lock: only train.py, model.py may change (input allowed-paths)",
    ],
    [
      ["train.py", ...Array.from({ length: 8 }, (_, i) => `.venv/lib/m${i}.py`)],
      ["train.py"],
      "the agent changed .venv/lib/m0.py, .venv/lib/m1.py, .venv/lib/m2.py, .venv/lib/m3.py, .venv/lib/m4.py and 3 more: only train.py may change (input allowed-paths)",
    ],
    // Exact paths, as the app's guard: a directory or a look-alike is not train.py.
    [
      ["src/train.py"],
      ["train.py"],
      "the agent changed src/train.py: only train.py may change (input allowed-paths)",
    ],
  ])("%j with allowed %j", (changed, allowed, reason) => {
    const violation = pathViolation(changed, allowed);
    expect(violation).toEqual(reason === null ? null : { status: "invalid", reason });
  });
});

describe("irregularFile and pythonToCompile", () => {
  const files = (...kinds: [string, FileKind][]) => kinds.map(([path, kind]) => ({ path, kind }));

  it.each<[string, ReturnType<typeof files>, string | null]>([
    ["files", files(["train.py", "file"], ["old.py", "missing"]), null],
    [
      "a symlink",
      files(["train.py", "symlink"]),
      "train.py is a symbolic link: an experiment changes file contents only",
    ],
    [
      "a fifo or a directory",
      files(["train.py", "other"]),
      "train.py is not a regular file: an experiment changes file contents only",
    ],
  ])("%s", (_, given, reason) => {
    expect(irregularFile(given)).toEqual(reason === null ? null : { status: "invalid", reason });
  });

  it("compiles the Python files that exist", () => {
    expect(
      pythonToCompile(files(["train.py", "file"], ["gone.py", "missing"], ["notes.txt", "file"])),
    ).toEqual(["train.py"]);
  });
});

describe("compileError", () => {
  it.each([
    [
      "a syntax error",
      '  File "/w/train.py", line 2\n    def broken(:\n               ^\nSyntaxError: invalid syntax\n',
      "SyntaxError: invalid syntax (line 2)",
    ],
    [
      "an unclosed bracket",
      "  File \"/w/train.py\", line 1\n    x = (1,\n        ^\nSyntaxError: '(' was never closed\n",
      "SyntaxError: '(' was never closed (line 1)",
    ],
    [
      "py_compile's one-line form",
      "Sorry: IndentationError: expected an indented block after function definition on line 1 (train.py, line 2)\n",
      "IndentationError: expected an indented block after function definition on line 1 (train.py, line 2)",
    ],
    ["nothing said", "", "python3 -m py_compile failed without a message"],
  ])("%s", (_, stderr, error) => {
    expect(compileError(stderr)).toBe(error);
  });

  it("reports the first file that does not compile", () => {
    expect(
      compileFailure([
        { path: "train.py", stderr: "SyntaxError: invalid syntax (train.py, line 9)" },
        { path: "model.py", stderr: "SyntaxError: x" },
      ]),
    ).toEqual({
      status: "invalid",
      reason:
        "train.py does not compile (SyntaxError: invalid syntax (train.py, line 9)): the agent must leave valid Python",
    });
    expect(compileFailure([])).toBeNull();
  });
});

describe("duplicates", () => {
  const paths = ["train.py"];

  it.each<
    [string, Record<string, string | null>, Record<string, string | null>, string[], boolean]
  >([
    ["the same blob", { "train.py": "aaa" }, { "train.py": "aaa" }, paths, true],
    ["another blob", { "train.py": "aaa" }, { "train.py": "bbb" }, paths, false],
    ["both without the file", { "train.py": null }, {}, paths, true],
    [
      "one path differs",
      { "a.py": "1", "b.py": "2" },
      { "a.py": "1", "b.py": "3" },
      ["a.py", "b.py"],
      false,
    ],
    // Only the allowed paths are what an experiment is: the rest of the tree never differs.
    [
      "other paths ignored",
      { "train.py": "aaa", x: "1" },
      { "train.py": "aaa", x: "2" },
      paths,
      true,
    ],
  ])("sameVariant: %s", (_, a, b, on, same) => {
    expect(sameVariant(a, b, on)).toBe(same);
  });

  it.each<[string, string | null | undefined, string]>([
    ["same blob", variantId({ "train.py": "aaa" }, ["train.py"]), "same"],
    ["another blob", variantId({ "train.py": "bbb" }, ["train.py"]), "different"],
    ["no variant recorded (older block)", undefined, "unknown"],
    ["variant null", null, "unknown"],
    // Recorded for other allowed paths: only reading that PR's head can tell.
    ["other paths", variantId({ "train.py": "aaa", "m.py": "1" }, ["train.py", "m.py"]), "unknown"],
    ["another path", variantId({ "model.py": "aaa" }, ["model.py"]), "unknown"],
  ])("compareRecordedVariant: %s → %s", (_, recorded, expected) => {
    expect(compareRecordedVariant(recorded, { "train.py": "aaa" }, paths)).toBe(expected);
  });

  it("compares a recorded variant of several paths whatever their order", () => {
    const mine = { "train.py": "aaa", "model.py": null };
    const recorded = variantId({ "model.py": null, "train.py": "aaa" }, ["train.py", "model.py"]);
    expect(compareRecordedVariant(recorded, mine, ["model.py", "train.py"])).toBe("same");
  });

  it("names the PR that already tried the variant", () => {
    const tried = [
      { pr: 3, description: "lower LR", fingerprint: { "train.py": "bbb" } },
      { pr: 5, description: "wider hash", fingerprint: { "train.py": "aaa" } },
    ];
    expect(duplicateOf({ "train.py": "aaa" }, tried, paths)).toEqual({
      status: "invalid",
      reason:
        'train.py is identical to PR #5 ("wider hash"), already tried in this run: propose a different idea',
    });
    expect(duplicateOf({ "train.py": "ccc" }, tried, paths)).toBeNull();
  });
});

describe("branchOfExperiment", () => {
  const branches = [
    "autoresearch/nov26",
    "autoresearch/nov26--1-baseline",
    "autoresearch/nov26--10-wider-hash",
    "autoresearch/dec01--2-lower-lr",
    "refs/heads/autoresearch/nov26--3-gelu",
    "autoresearch/nov26--my-idea",
  ];

  it.each<[string, number, string | null]>([
    ["nov26", 1, "autoresearch/nov26--1-baseline"],
    ["nov26", 10, "autoresearch/nov26--10-wider-hash"],
    ["nov26", 3, "refs/heads/autoresearch/nov26--3-gelu"],
    ["nov26", 2, null],
    ["dec01", 2, "autoresearch/dec01--2-lower-lr"],
    ["nov2", 1, null],
  ])("run %s, experiment %i → %s", (tag, n, branch) => {
    expect(branchOfExperiment(branches, tag, n)).toBe(branch);
  });
});
