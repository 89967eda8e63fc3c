import { describe, expect, it } from "vitest";
import { chatPayload, digestLines, formatDelta } from "../../src/core/digest.js";

describe("digestLines", () => {
  it.each([
    [
      "a kept improvement",
      { n: 2, description: "increase LR to 0.04", best: 0.9979, valBpb: 0.9932, status: "keep" },
      "Experiment #2: increase LR to 0.04\nval_bpb: 0.997900 → 0.993200 (-0.004700)\nStatus: keep",
    ],
    [
      "a discarded regression",
      { n: 3, description: "switch to GeLU", best: 0.9932, valBpb: 1.005, status: "discard" },
      "Experiment #3: switch to GeLU\nval_bpb: 0.993200 → 1.005000 (+0.011800)\nStatus: discard",
    ],
    [
      "a tie",
      { n: 4, description: "same", best: 0.9932, valBpb: 0.9932, status: "discard" },
      "Experiment #4: same\nval_bpb: 0.993200 → 0.993200 (±0.000000)\nStatus: discard",
    ],
    [
      "the first experiment",
      { n: 0, description: "baseline", best: null, valBpb: 0.9979, status: "keep" },
      "Experiment #0: baseline\nval_bpb: — → 0.997900\nStatus: keep",
    ],
    [
      "a crash",
      {
        n: 5,
        description: "double model width",
        best: 0.9932,
        valBpb: null,
        status: "crash",
        crashReason: "oom",
      },
      "Experiment #5: double model width\nval_bpb: 0.993200 → crash (oom)\nStatus: crash",
    ],
    [
      "a crash of the baseline, reason unknown, multi-line description",
      { n: 0, description: "base\n\tline", best: null, valBpb: 0, status: "crash" },
      "Experiment #0: base line\nval_bpb: — → crash (no val_bpb)\nStatus: crash",
    ],
  ] as const)("%s", (_name, input, expected) => {
    expect(digestLines(input)).toBe(expected);
  });
});

describe("formatDelta", () => {
  it.each([
    [-0.0047000000000000375, "-0.004700"],
    [0.0118, "+0.011800"],
    [0, "±0.000000"],
    [-0.0000004, "±0.000000"],
    [0.0000006, "+0.000001"],
  ])("%d → %s", (delta, expected) => {
    expect(formatDelta(delta)).toBe(expected);
  });
});

describe("chatPayload", () => {
  it("sends the same text as Slack's text and Discord's content", () => {
    expect(chatPayload("Experiment #1: x")).toEqual({
      text: "Experiment #1: x",
      content: "Experiment #1: x",
    });
  });

  it("fits Discord's 2,000-character message limit", () => {
    const payload = chatPayload("x".repeat(5000));
    expect(payload.content).toHaveLength(2000);
    expect(payload.content.endsWith("…")).toBe(true);
  });
});
