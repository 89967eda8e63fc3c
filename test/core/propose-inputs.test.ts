import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { INPUT_NAMES, InputError } from "../../src/core/action-inputs.js";
import {
  dispatchInputs,
  PROPOSE_INPUT_NAMES,
  PROPOSE_ONLY_INPUTS,
  parseMode,
  parseProposeInputs,
  type RawProposeInputs,
} from "../../src/core/propose-inputs.js";

const manifest = parse(readFileSync(new URL("../../action.yml", import.meta.url), "utf8")) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
};

/** A workflow's `with: { mode: propose, agent-command: … }` on top of action.yml's defaults. */
function raw(patch: Partial<RawProposeInputs> = {}): RawProposeInputs {
  const defaults = Object.fromEntries(
    Object.entries(PROPOSE_INPUT_NAMES).map(([key, name]) => [
      key,
      manifest.inputs[name]?.default ?? "",
    ]),
  ) as RawProposeInputs;
  return {
    ...defaults,
    githubToken: "ghs_workflow_token",
    agentCommand: 'claude -p "$(cat "$AUTORESEARCH_PROMPT")"',
    ...patch,
  };
}

const dispatch = (inputs: Record<string, unknown>) => ({ inputs, ref: "refs/heads/main" });

function problem(patch: Partial<RawProposeInputs>, event: unknown = null): string {
  try {
    parseProposeInputs(raw(patch), event);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(patch)}`);
}

describe("action.yml", () => {
  it("declares every input of both modes and nothing else", () => {
    const declared = new Set([
      ...Object.values(INPUT_NAMES),
      ...Object.values(PROPOSE_INPUT_NAMES),
      ...PROPOSE_ONLY_INPUTS,
    ]);
    expect([...declared].sort()).toEqual(Object.keys(manifest.inputs).sort());
  });

  it("defaults mode to train and agent-timeout-minutes to 15", () => {
    expect(manifest.inputs.mode.default).toBe("train");
    expect(manifest.inputs["agent-timeout-minutes"].default).toBe("15");
  });
});

describe("parseMode", () => {
  it.each([
    ["", "train"],
    ["train", "train"],
    ["propose", "propose"],
    [" propose\n", "propose"],
    ["app", "app"],
  ])("%j → %s", (input, mode) => {
    expect(parseMode(input)).toBe(mode);
  });

  it("names the modes that exist", () => {
    expect(() => parseMode("suggest")).toThrow(
      /input 'mode': "suggest" is not a mode: use check, train \(default\), report, propose or app/,
    );
  });
});

describe("parseProposeInputs", () => {
  it("reads the workflow's inputs", () => {
    expect(parseProposeInputs(raw({ tag: "nov26", experiment: "12" }), null)).toEqual({
      tag: "nov26",
      experiment: 12,
      agentCommand: 'claude -p "$(cat "$AUTORESEARCH_PROMPT")"',
      agentTimeoutMinutes: 15,
      killGraceSeconds: 15,
      allowedPaths: ["train.py"],
      workingDirectory: ".",
      githubToken: "ghs_workflow_token",
    });
  });

  it("falls back to the workflow_dispatch inputs for tag and experiment", () => {
    const inputs = parseProposeInputs(raw(), dispatch({ tag: "nov26", experiment: "4" }));
    expect(inputs).toMatchObject({ tag: "nov26", experiment: 4 });
  });

  it("prefers the explicit inputs over the event's", () => {
    const inputs = parseProposeInputs(
      raw({ tag: "dec01", experiment: "9" }),
      dispatch({ tag: "nov26", experiment: "4" }),
    );
    expect(inputs).toMatchObject({ tag: "dec01", experiment: 9 });
  });

  it.each<[string, Partial<RawProposeInputs>, RegExp]>([
    [
      "no agent",
      { tag: "t", experiment: "1", agentCommand: " " },
      /input 'agent-command': .*required in propose mode/,
    ],
    [
      "no token",
      { tag: "t", experiment: "1", githubToken: "" },
      /input 'github-token': .*required in propose mode/,
    ],
    ["no tag", { experiment: "1" }, /input 'tag': the run tag is empty/],
    ["a tag with a slash", { tag: "a/b", experiment: "1" }, /input 'tag': the run tag "a\/b"/],
    ["no experiment", { tag: "t" }, /input 'experiment': experiment must be the experiment number/],
    ["a negative experiment", { tag: "t", experiment: "-1" }, /input 'experiment'/],
    [
      "a zero timeout",
      { tag: "t", experiment: "1", agentTimeoutMinutes: "0" },
      /input 'agent-timeout-minutes': .*positive/,
    ],
    [
      "no allowed paths",
      { tag: "t", experiment: "1", allowedPaths: " , " },
      /input 'allowed-paths'/,
    ],
  ])("refuses %s, naming the input", (_, patch, message) => {
    expect(problem(patch)).toMatch(message);
  });

  it("accepts fractional timeouts (tests and impatient users)", () => {
    const inputs = parseProposeInputs(
      raw({ tag: "t", experiment: "0", agentTimeoutMinutes: "0.5" }),
      null,
    );
    expect(inputs.agentTimeoutMinutes).toBe(0.5);
  });
});

describe("dispatchInputs", () => {
  it.each<[unknown, { tag: string; experiment: string }]>([
    [null, { tag: "", experiment: "" }],
    ["text", { tag: "", experiment: "" }],
    [{ inputs: { pr: "3" } }, { tag: "", experiment: "" }],
    [{ inputs: { tag: "nov26", experiment: "7" } }, { tag: "nov26", experiment: "7" }],
    [{ inputs: { tag: "nov26", experiment: 7 } }, { tag: "nov26", experiment: "7" }],
    [{ inputs: { tag: ["x"], experiment: null } }, { tag: "", experiment: "" }],
  ])("%j → %j", (event, expected) => {
    expect(dispatchInputs(event)).toEqual(expected);
  });
});
