import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type ActionInputs,
  expandHome,
  INPUT_NAMES,
  InputError,
  parseActionInputs,
} from "../../src/core/action-inputs.js";
import { PROPOSE_ONLY_INPUTS } from "../../src/core/propose-inputs.js";

type RawInputs = Record<keyof ActionInputs, string>;

const manifest = parse(readFileSync(new URL("../../action.yml", import.meta.url), "utf8")) as {
  inputs: Record<string, { default?: string }>;
};

/** The inputs a workflow gets with an empty `with:`: action.yml's defaults, token substituted. */
function defaults(): RawInputs {
  const raw = Object.fromEntries(
    Object.entries(INPUT_NAMES).map(([key, name]) => [key, manifest.inputs[name]?.default ?? ""]),
  ) as RawInputs;
  return { ...raw, githubToken: "ghs_workflow_token" };
}

function inputError(patch: Partial<RawInputs>): string {
  try {
    parseActionInputs({ ...defaults(), ...patch });
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(patch)}`);
}

describe("parseActionInputs", () => {
  it("names exactly the inputs action.yml declares (train mode's plus propose mode's own)", () => {
    const names = new Set([...Object.values(INPUT_NAMES), ...PROPOSE_ONLY_INPUTS]);
    expect([...names].sort()).toEqual(Object.keys(manifest.inputs).sort());
  });

  it("accepts action.yml's defaults", () => {
    expect(parseActionInputs(defaults())).toEqual({
      command: "uv run train.py",
      workingDirectory: ".",
      timeoutMinutes: 10,
      killGraceSeconds: 15,
      anomalySeconds: 360,
      allowedPaths: ["train.py"],
      requiredPaths: ["~/.cache/autoresearch"],
      logFile: "run.log",
      pullRequest: null,
      progressInterval: 60,
      githubToken: "ghs_workflow_token",
      isolation: "none",
      isolationNetwork: false,
      redact: [],
    });
  });

  it.each([
    ["timeoutMinutes", " 0.5 ", 0.5],
    ["timeoutMinutes", "30", 30],
    ["killGraceSeconds", "2", 2],
    ["progressInterval", "1e1", 10],
    ["pullRequest", "12", 12],
    ["pullRequest", " 7 ", 7],
    ["pullRequest", "", null],
    ["githubToken", "", ""],
    ["command", "  python3 train.py --fast  ", "python3 train.py --fast"],
    ["isolation", " bubblewrap ", "bubblewrap"],
    ["isolation", "", "none"],
    ["isolationNetwork", "TRUE", true],
    ["isolationNetwork", "", false],
    ["redact", "hunter22\n\n  s3cr3t-value \n", ["hunter22", "s3cr3t-value"]],
  ] as const)("reads %s %j as %j", (key, value, expected) => {
    expect(parseActionInputs({ ...defaults(), [key]: value })[key]).toEqual(expected);
  });

  it.each([
    ["timeoutMinutes", "0", "timeout-minutes must be a positive number"],
    ["timeoutMinutes", "-5", "timeout-minutes must be a positive number"],
    ["timeoutMinutes", "ten", "timeout-minutes must be a positive number"],
    ["timeoutMinutes", "", "timeout-minutes must be a positive number"],
    ["timeoutMinutes", "Infinity", "timeout-minutes must be a positive number"],
    ["killGraceSeconds", "15s", "kill-grace-seconds must be a positive number"],
    ["anomalySeconds", "0", "anomaly-seconds must be a positive number"],
    ["progressInterval", "NaN", "progress-interval must be a positive number"],
    ["command", "   ", "command must not be empty"],
    ["allowedPaths", " , \n ", "allowed-paths must name at least one path"],
    ["pullRequest", "#12", "pull-request must be a PR number"],
    ["pullRequest", "0", "pull-request must be a PR number"],
    ["pullRequest", "1.5", "pull-request must be a PR number"],
    ["pullRequest", "012", "pull-request must be a PR number"],
    ["workingDirectory", "", ""],
    ["logFile", " ", ""],
    ["isolation", "docker", "isolation must be none or bubblewrap"],
    ["isolationNetwork", "yes", "isolation-network must be true or false"],
  ] as const)("rejects %s %j, naming the input", (key, value, detail) => {
    const message = inputError({ [key]: value });
    expect(message).toContain("fix the workflow's `with:`");
    expect(message).toContain(`input '${INPUT_NAMES[key]}': ${detail}`);
  });

  it("names every bad input at once", () => {
    const message = inputError({ timeoutMinutes: "0", pullRequest: "abc" });
    expect(message).toContain("input 'timeout-minutes': ");
    expect(message).toContain("input 'pull-request': ");
  });

  it.each([
    ["comma separated", "train.py,model.py", ["train.py", "model.py"]],
    ["newline separated", "train.py\nmodel.py\n", ["train.py", "model.py"]],
    ["a YAML block with CRLF", "train.py\r\nmodel.py\r\n", ["train.py", "model.py"]],
    ["mixed, with blanks", " train.py , \n\n model.py ,,", ["train.py", "model.py"]],
    ["a single path", "train.py", ["train.py"]],
  ])("splits allowed-paths %s", (_name, value, paths) => {
    expect(parseActionInputs({ ...defaults(), allowedPaths: value }).allowedPaths).toEqual(paths);
  });

  it("allows an empty required-paths (nothing to check)", () => {
    expect(parseActionInputs({ ...defaults(), requiredPaths: "" }).requiredPaths).toEqual([]);
  });

  it("splits required-paths like allowed-paths", () => {
    const parsed = parseActionInputs({
      ...defaults(),
      requiredPaths: "~/.cache/autoresearch/data\n~/.cache/autoresearch/tokenizer",
    });
    expect(parsed.requiredPaths).toEqual([
      "~/.cache/autoresearch/data",
      "~/.cache/autoresearch/tokenizer",
    ]);
  });
});

describe("expandHome", () => {
  const home = "/home/runner";
  it.each([
    ["~", "/home/runner"],
    ["~/.cache/autoresearch", "/home/runner/.cache/autoresearch"],
    ["~other/.cache", "~other/.cache"],
    ["/data/~/cache", "/data/~/cache"],
    ["data/cache", "data/cache"],
    ["", ""],
  ])("expands %j to %j", (path, expanded) => {
    expect(expandHome(path, home)).toBe(expanded);
  });
});
