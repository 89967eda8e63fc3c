import { describe, expect, it } from "vitest";
import { type Command, parseCommand } from "../../src/core/commands.js";

const USAGE_HINT = "`/autoresearch start <tag>`";

describe("parseCommand: valid commands", () => {
  it.each<[string, string, Command]>([
    ["start with a tag", "/autoresearch start nov26", { kind: "start", tag: "nov26" }],
    [
      "start with extra spaces",
      "  /autoresearch   start   nov26  ",
      { kind: "start", tag: "nov26" },
    ],
    ["pause", "/autoresearch pause", { kind: "pause" }],
    ["resume", "/autoresearch resume", { kind: "resume" }],
    ["stop", "/autoresearch stop", { kind: "stop" }],
    ["status", "/autoresearch status", { kind: "status" }],
    ["rebuild", "/autoresearch rebuild", { kind: "rebuild" }],
    [
      "a command on the 3rd line of a comment",
      "Looks good so far.\nLet's try a longer run.\n/autoresearch start dec01\nthanks!",
      { kind: "start", tag: "dec01" },
    ],
    [
      "CRLF line endings (tag has no trailing \\r)",
      "Hi bot\r\n\r\n/autoresearch start nov26\r\nbye\r\n",
      { kind: "start", tag: "nov26" },
    ],
    ["CRLF run verb", "note\r\n/autoresearch pause\r\n", { kind: "pause" }],
    [
      "only the first command line counts",
      "/autoresearch pause\n/autoresearch stop",
      { kind: "pause" },
    ],
  ])("%s", (_name, body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });
});

describe("parseCommand: invalid commands say what to type", () => {
  it.each<[string, string, string]>([
    ["start without a tag", "/autoresearch start", "start needs exactly one tag"],
    ["start with two tags", "/autoresearch start nov26 dec01", "start needs exactly one tag"],
    ["unknown verb", "/autoresearch launch", "unknown command `/autoresearch launch`"],
    ["run verb with an argument", "/autoresearch pause nov26", "unknown command"],
    ["verb in capitals", "/autoresearch STOP", "unknown command"],
    ["no verb", "/autoresearch", "usage:"],
    ["no verb, trailing spaces", "/autoresearch   ", "usage:"],
  ])("%s", (_name, body, hint) => {
    const command = parseCommand(body);
    expect(command?.kind).toBe("invalid");
    const message = command?.kind === "invalid" ? command.message : "";
    expect(message).toContain(hint);
    expect(message).toContain(USAGE_HINT);
  });
});

describe("parseCommand: not a command", () => {
  it.each<[string, string]>([
    ["empty body", ""],
    ["plain text", "Nice result, let's keep going."],
    ["a longer word that starts the same", "/autoresearchx start nov26"],
    ["the app's name with a dash", "/autoresearch-bot start nov26"],
    ["the command mid-sentence", "please run /autoresearch start nov26"],
    ["a quoted reply", "> /autoresearch stop\nWhy was this stopped?"],
    ["another slash command", "/assign @me"],
  ])("%s → null", (_name, body) => {
    expect(parseCommand(body)).toBeNull();
  });
});
