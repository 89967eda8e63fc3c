import { describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/core/config.js";
import { experimentLabels } from "../../src/core/labels.js";
import type { Verdict } from "../../src/core/state-block.js";

const labels = ConfigSchema.parse({}).labels;
const verdict = (status: Verdict["status"]): Verdict => ({
  status,
  reason: "",
  delta: null,
  best: null,
  flags: [],
});

describe("experimentLabels", () => {
  it.each([
    {
      why: "a new PR gets the experiment label",
      current: [],
      phase: "queued",
      status: null,
      want: ["autoresearch"],
    },
    {
      why: "nothing to change",
      current: ["autoresearch"],
      phase: "training",
      status: null,
      want: null,
    },
    {
      why: "a keep adds its label",
      current: ["autoresearch"],
      phase: "decided",
      status: "keep",
      want: ["autoresearch", "autoresearch:keep"],
    },
    {
      why: "a decided PR already labelled",
      current: ["autoresearch", "autoresearch:discard"],
      phase: "decided",
      status: "discard",
      want: null,
    },
    {
      why: "a verdict replaces an older verdict's label",
      current: ["autoresearch", "autoresearch:keep"],
      phase: "decided",
      status: "crash",
      want: ["autoresearch", "autoresearch:crash"],
    },
    {
      why: "a requeued PR loses its verdict label",
      current: ["autoresearch", "autoresearch:discard"],
      phase: "queued",
      status: null,
      want: ["autoresearch"],
    },
    {
      why: "people's labels stay",
      current: ["interesting", "autoresearch:rerun"],
      phase: "decided",
      status: "remeasure",
      want: ["interesting", "autoresearch:rerun", "autoresearch", "autoresearch:remeasure"],
    },
    {
      why: "case does not matter",
      current: ["AutoResearch", "AUTORESEARCH:KEEP"],
      phase: "decided",
      status: "keep",
      want: null,
    },
  ] as const)("$why", (row) => {
    const state = { phase: row.phase, verdict: row.status ? verdict(row.status) : null };
    expect(experimentLabels(row.current, labels, state)).toEqual(row.want);
  });
});
