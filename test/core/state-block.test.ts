import { describe, expect, it } from "vitest";
import {
  type ExperimentState,
  readStateBlock,
  renderStateBlock,
  withStateBlock,
} from "../../src/core/state-block.js";
import { experimentState, okResult } from "../support/fixtures.js";

const QUEUED = experimentState({ n: 3, description: "increase LR to 0.04" });

const RESULT = okResult({
  message: "val_bpb 0.993200 after 300.1 s of training.",
  pr: 3,
  head_sha: QUEUED.head_sha,
  started_at: "2025-11-26T10:00:00.000Z",
  finished_at: "2025-11-26T10:05:26.000Z",
});

const DECIDED: ExperimentState = {
  ...QUEUED,
  phase: "decided",
  attempts: 2,
  infra_failures: 1,
  dispatched_at: "2025-11-26T09:59:58.000Z",
  result: RESULT,
  verdict: {
    status: "keep",
    reason: "0.993200 beats the best 0.997900 by 0.004700",
    delta: -0.0047,
    best: 0.9979,
    flags: [],
  },
};

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("renderStateBlock → readStateBlock", () => {
  it.each([
    ["a queued experiment", QUEUED],
    ["a decided experiment with its result and verdict", DECIDED],
    ["a description with --> in it", { ...QUEUED, description: "try x --> y -- z } -->" }],
    ["a multi-line description", { ...QUEUED, description: "line one\nline two" }],
  ])("reads back %s unchanged", (_name, state) => {
    const block = renderStateBlock(state, null);
    expect(block).toMatch(/^<!-- autoresearch:state \{.*\} -->$/);
    expect(block.slice("<!--".length, -"-->".length)).not.toContain("--");
    expect(readStateBlock(`## Experiment #3\n\n${block}\n\nfooter -->`)).toEqual(state);
  });
});

describe("withStateBlock", () => {
  const before = "## Experiment #3: increase LR to 0.04\n\nCompared against `a1b2c3d`.";
  const after = "\n\n---\n_managed by autoresearch-bot_\n";

  it("replaces the block in place, keeping the text around it", () => {
    const body = `${before}\n\n${renderStateBlock(QUEUED, null)}${after}`;
    const updated = withStateBlock(body, DECIDED, null);
    expect(updated).toBe(`${before}\n\n${renderStateBlock(DECIDED, null)}${after}`);
    expect(count(updated, "<!-- autoresearch:state")).toBe(1);
    expect(readStateBlock(updated)).toEqual(DECIDED);
  });

  it("appends a block to a body that has none", () => {
    const updated = withStateBlock(`${before}\n\n`, QUEUED, null);
    expect(updated).toBe(`${before}\n\n${renderStateBlock(QUEUED, null)}\n`);
    expect(readStateBlock(updated)).toEqual(QUEUED);
  });

  it("adds a block to an empty body", () => {
    expect(readStateBlock(withStateBlock("", QUEUED, null))).toEqual(QUEUED);
  });

  it("changes nothing when written twice (a redelivered webhook)", () => {
    const once = withStateBlock(before, DECIDED, null);
    expect(withStateBlock(once, DECIDED, null)).toBe(once);
  });

  it("repairs a corrupt block instead of adding a second one", () => {
    const body = `${before}\n\n<!-- autoresearch:state {"v":1,"tag":"nov26"} -->${after}`;
    const updated = withStateBlock(body, QUEUED, null);
    expect(count(updated, "<!-- autoresearch:state")).toBe(1);
    expect(readStateBlock(updated)).toEqual(QUEUED);
  });

  it("treats a $ in the state as text, not a replacement pattern", () => {
    const state = { ...QUEUED, description: "cost $& and $1 and $$" };
    const updated = withStateBlock(withStateBlock(before, QUEUED, null), state, null);
    expect(readStateBlock(updated)).toEqual(state);
  });
});

describe("readStateBlock on bodies without a valid block", () => {
  const valid = JSON.stringify(QUEUED);
  it.each([
    ["a null body", null],
    ["an undefined body", undefined],
    ["an empty body", ""],
    ["a body without a block", "## Experiment #3\n\nno state here"],
    ["broken JSON", '<!-- autoresearch:state {"v":1,"tag":} -->'],
    ["a future version", `<!-- autoresearch:state ${valid.replace('"v":1', '"v":2')} -->`],
    [
      "an unknown phase",
      `<!-- autoresearch:state ${valid.replace('"phase":"queued"', '"phase":"flying"')} -->`,
    ],
    ["a missing field", `<!-- autoresearch:state ${valid.replace('"n":3,', "")} -->`],
    [
      "negative attempts",
      `<!-- autoresearch:state ${valid.replace('"attempts":0', '"attempts":-1')} -->`,
    ],
  ])("reads %s as null", (_name, body) => {
    expect(readStateBlock(body)).toBeNull();
  });
});
