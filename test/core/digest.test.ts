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
  it("sends the text as Slack's text and Discord's content, pinging no one on Discord", () => {
    expect(chatPayload("Experiment #1: x")).toEqual({
      text: "Experiment #1: x",
      content: "Experiment #1: x",
      allowed_mentions: { parse: [] },
    });
  });

  it.each([
    ["a channel ping", "<!channel> lr up", "&lt;!channel&gt; lr up"],
    ["a here ping", "lr <!here|here> up", "lr &lt;!here|here&gt; up"],
    ["a user mention", "ask <@U123ABC>", "ask &lt;@U123ABC&gt;"],
    ["a user group", "<!subteam^S123|@team>", "&lt;!subteam^S123|@team&gt;"],
    ["a disguised link", "<http://evil.example|lr up>", "&lt;http://evil.example|lr up&gt;"],
    ["an ampersand", "Q&A: K&V cache", "Q&amp;A: K&amp;V cache"],
    ["an entity already written", "a &lt; b", "a &amp;lt; b"],
    ["a → in the digest", "val_bpb: 0.997900 → 0.993200", "val_bpb: 0.997900 → 0.993200"],
    [
      "Discord mentions (plain text to Slack)",
      "@everyone @here <@&123>",
      "@everyone @here &lt;@&amp;123&gt;",
    ],
  ])("escapes %s for Slack and keeps it verbatim for Discord", (_name, text, slack) => {
    const payload = chatPayload(text);
    expect(payload.text).toBe(slack);
    expect(payload.content).toBe(text);
    expect(payload.allowed_mentions).toEqual({ parse: [] });
  });

  it("fits Discord's 2,000-character message limit", () => {
    const payload = chatPayload("x".repeat(5000));
    expect(payload.content).toHaveLength(2000);
    expect(payload.content.endsWith("…")).toBe(true);
  });

  it("cuts before escaping, so Slack never gets half an entity, and never halves an emoji", () => {
    expect(chatPayload(`${"x".repeat(1998)}<<<`).text).toBe(`${"x".repeat(1998)}&lt;…`);
    const emoji = chatPayload(`${"x".repeat(1998)}🚀🚀`).content;
    expect(emoji).toBe(`${"x".repeat(1998)}…`);
  });
});
