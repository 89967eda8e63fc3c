import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config.js";
import {
  CONFIG_TEXT_LIMITS,
  configTooLarge,
  nestingDepth,
  parseConfigText,
} from "../../src/core/config-text.js";

/** Nine times more list items per level: 9^depth strings once aliases are expanded. */
function aliasBomb(depth: number): string {
  const lines = [`l0: &l0 [${Array(9).fill('"lol"').join(", ")}]`];
  for (let i = 1; i <= depth; i++) {
    lines.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(", ")}]`,
    );
  }
  return lines.join("\n");
}

describe("parseConfigText: readable files", () => {
  it.each([
    ["no file", null],
    ["an empty file", ""],
    ["only comments", "# settings for autoresearch-bot\n"],
  ])("%s → all defaults", (_name, text) => {
    expect(parseConfigText(text)).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  it("resolves a few aliases, as YAML allows", () => {
    const parsed = parseConfigText("concurrency: &n 2\nqueueDepth: *n\n");
    expect(parsed.ok && [parsed.config.concurrency, parsed.config.queueDepth]).toEqual([2, 2]);
  });

  it("passes the parsed mapping on to the schema", () => {
    expect(parseConfigText("concurrency: two\n")).toEqual({
      ok: false,
      problems: [
        { path: "concurrency", message: "Invalid input: expected number, received string" },
      ],
    });
  });
});

describe("parseConfigText: unreadable files are problems on the file, never errors", () => {
  it.each([
    [
      "a syntax error",
      "concurrency: [1, 2\nqueueDepth: 1\n",
      /^not valid YAML at line 2, column 1: Flow sequence/,
    ],
    [
      "a duplicate key",
      "concurrency: 1\nconcurrency: 2\n",
      /^not valid YAML at line 2, column 1: Map keys must be unique$/,
    ],
    [
      "a duplicate key in a flow map",
      "policy: {seedOnly: allow, seedOnly: discard}\n",
      /Map keys must be unique/,
    ],
    [
      "two documents",
      "concurrency: 1\n---\nconcurrency: 2\n",
      /at line 2, column 1: Source contains multiple documents/,
    ],
    [
      "a tab as indentation",
      "policy:\n\tminImprovement: 0.01\n",
      /line 2, column 1: Tabs are not allowed/,
    ],
    ["an unknown tag", "workflow: !!js/function 'x'\n", /line 1, column 11: Unresolved tag/],
    ["an alias to no anchor", "concurrency: *gpus\n", /^not readable as YAML: Unresolved alias/],
    ["an alias bomb", aliasBomb(9), /expands YAML aliases more than 100 times \(an alias bomb\?\)/],
    ["a small alias bomb", aliasBomb(3), /alias bomb/],
    [
      "deep flow nesting",
      `${"[".repeat(30_000)}${"]".repeat(30_000)}`,
      /nests more than 32 levels/,
    ],
    ["deep block nesting on one line", `${"- ".repeat(30_000)}x`, /nests more than 32 levels/],
    ["deep complex keys", `${"? ".repeat(20_000)}x`, /nests more than 32 levels/],
  ])("%s", (_name, text, message) => {
    const parsed = parseConfigText(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.length).toBeGreaterThan(0);
    expect(parsed.problems[0]).toEqual({ path: "", message: expect.stringMatching(message) });
    // One line each: the issue lists them as markdown bullets.
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0].message).not.toContain("\n");
  });

  it("refuses a file over the size limit before parsing it", () => {
    const text = `# ${"x".repeat(CONFIG_TEXT_LIMITS.maxBytes)}\nconcurrency: 2\n`;
    expect(parseConfigText(text)).toEqual({
      ok: false,
      problems: [
        {
          path: "",
          message: "the file is 65 KiB, over the 64 KiB limit: keep only the keys you change",
        },
      ],
    });
  });

  it("counts the limit in bytes, not characters", () => {
    const text = `# ${"é".repeat(CONFIG_TEXT_LIMITS.maxBytes / 2)}\n`;
    expect(parseConfigText(text).ok).toBe(false);
    expect(parseConfigText(text.slice(0, CONFIG_TEXT_LIMITS.maxBytes / 4)).ok).toBe(true);
  });

  it("says the same for a file GitHub would not send (over 1 MB)", () => {
    expect(configTooLarge(2_000_000)).toEqual({
      ok: false,
      problems: [
        {
          path: "",
          message: "the file is 1954 KiB, over the 64 KiB limit: keep only the keys you change",
        },
      ],
    });
  });
});

describe("nestingDepth", () => {
  it.each([
    ["", 0],
    ["just text", 0],
    ["concurrency: 2", 1],
    ["policy:\n  confirm:\n    runs: 3\n", 3],
    ["allowedPaths: [train.py, model.py]", 2],
    ["a: [1, {b: [2]}]", 4],
    ["- - - x", 3],
    ["[".repeat(40) + "]".repeat(40), 40],
  ])("%j → %i", (text, depth) => {
    expect(nestingDepth(text)).toBe(depth);
  });
});
