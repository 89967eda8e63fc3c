import { describe, expect, it } from "vitest";
import {
  DEFAULT_DESCRIPTION,
  MAX_DESCRIPTION,
  pickDescription,
} from "../../src/core/propose-description.js";

describe("pickDescription", () => {
  it.each<[string, string | null, string, { text: string; from: string }]>([
    [
      "the description file",
      "lower LEARNING_RATE to 6.0\n",
      "noise",
      { text: "lower LEARNING_RATE to 6.0", from: "file" },
    ],
    [
      "its first non-empty line",
      "\n\n  wider hash table \nbecause…",
      "",
      { text: "wider hash table", from: "file" },
    ],
    ["tabs folded (results.tsv is tab-separated)", "a\tb", "", { text: "a b", from: "file" }],
    [
      "markdown stripped",
      "## **Halve BATCH_SIZE**",
      "",
      { text: "Halve BATCH_SIZE", from: "file" },
    ],
    ["a bullet stripped", "- `CONTEXT = 4`", "", { text: "CONTEXT = 4", from: "file" }],
    [
      "an empty file → the output",
      "  \n",
      "Lowered the LR to 6.0.\nDone.\n",
      { text: "Lowered the LR to 6.0.", from: "output" },
    ],
    [
      "no file → the output",
      null,
      "Lowered the LR to 6.0.",
      { text: "Lowered the LR to 6.0.", from: "output" },
    ],
    ["CRLF output", null, "\r\nUse cosine decay\r\n", { text: "Use cosine decay", from: "output" }],
    ["nothing at all", null, "\n \n", { text: DEFAULT_DESCRIPTION, from: "default" }],
  ])("%s", (_, file, output, expected) => {
    expect(pickDescription(file, output)).toEqual(expected);
  });

  it("reads the end of a long output, where agents summarise", () => {
    const chatter = Array.from({ length: 100 }, (_, i) => `thinking step ${i}`).join("\n");
    const output = `${chatter}\n${"\n".repeat(10)}Switch to a cosine schedule\n`;
    // The last 20 lines: the 9 last chatter lines come first.
    expect(pickDescription(null, output).text).toBe("thinking step 91");
    expect(pickDescription(null, `${"\n".repeat(25)}Switch to a cosine schedule\n`).text).toBe(
      "Switch to a cosine schedule",
    );
  });

  it("shortens a long line at a word boundary", () => {
    const long = `${"word ".repeat(40)}end`;
    const { text } = pickDescription(long, "");
    expect(text.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
    expect(text).toMatch(/^word( word)+…$/);
  });
});
