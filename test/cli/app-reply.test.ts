import { describe, expect, it } from "vitest";
import { findReply, noReplyMessage } from "../../src/cli/app-reply.js";

const bot = { type: "Bot" };
const human = { type: "User" };

describe("findReply", () => {
  it.each([
    [
      "the app's reply, without its marker",
      [{ body: "▶️ Resumed `nov26`.\n\n<!-- autoresearch:reply-to 42 -->", user: bot }],
      "▶️ Resumed `nov26`.",
    ],
    [
      "a reply to another comment",
      [{ body: "Paused.\n\n<!-- autoresearch:reply-to 41 -->", user: bot }],
      null,
    ],
    [
      "a human quoting the marker",
      [{ body: "Paused.\n\n<!-- autoresearch:reply-to 42 -->", user: human }],
      null,
    ],
    [
      "the marker in the middle of a comment",
      [{ body: "<!-- autoresearch:reply-to 42 --> and more", user: bot }],
      null,
    ],
    ["no comments", [], null],
    ["a deleted user", [{ body: "x\n\n<!-- autoresearch:reply-to 42 -->", user: null }], null],
    [
      "the first of several",
      [
        { body: "unrelated", user: bot },
        { body: "first\n\n<!-- autoresearch:reply-to 42 -->", user: bot },
        { body: "second\n\n<!-- autoresearch:reply-to 42 -->", user: bot },
      ],
      "first",
    ],
  ])("%s", (_name, comments, expected) => {
    expect(findReply(comments, 42)).toBe(expected);
  });
});

it("says what to check when the app does not answer", () => {
  expect(
    noReplyMessage("acme/research", "https://github.com/acme/research/issues/7", 60),
  ).toMatchInlineSnapshot(
    `"no answer from the autoresearch app within 60s on https://github.com/acme/research/issues/7: the app may not be installed on acme/research (with the issue_comment event), or not running. Check its installation and logs; the comment stays there, so if the app is only slow its answer appears on that issue later (or wait longer with --wait)."`,
  );
});
