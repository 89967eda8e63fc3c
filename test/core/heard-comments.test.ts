import { describe, expect, it } from "vitest";
import {
  forgetComment,
  HEARD_COMMENTS_PER_PR,
  type HeardComment,
  hearComment,
  markersOf,
} from "../../src/core/heard-comments.js";

const RESULT = '<!-- autoresearch:result {"run_id":"7","val_bpb":1.2} -->';
const VERDICT = '<!-- autoresearch:verdict {"n":3,"attempt":1} -->';
const at = (s: number) => new Date(Date.parse("2026-12-01T03:00:00Z") + s * 1000).toISOString();
const c = (id: number, markers: string, updatedS = 0): HeardComment => ({
  id,
  author: "github-actions[bot]",
  markers,
  updatedAt: at(updatedS),
});

describe("markersOf", () => {
  it.each([
    ["no body", null, ""],
    ["a body without markers", "Training on the gpu runner…", ""],
    ["a result among text", `## Result\n${RESULT}\nlogs…`, RESULT],
    ["both, the result first", `${VERDICT}\ntext ${RESULT}`, `${RESULT}\n${VERDICT}`],
    [
      "only the first result (the one the judge reads)",
      `${RESULT}\n${RESULT.replace('"7"', '"8"')}`,
      RESULT,
    ],
  ])("%s", (_name, body, markers) => {
    expect(markersOf(body)).toBe(markers);
  });
});

describe("hearComment", () => {
  it.each([
    ["a new marker comment", [], c(5, RESULT), [5]],
    ["a comment without markers it never knew: not kept", [], c(5, ""), []],
    ["an edit that added the result", [c(5, "", 0)], c(5, RESULT, 9), [5]],
    ["in GitHub's order, by id", [c(9, RESULT)], c(5, VERDICT), [5, 9]],
  ])("%s", (_name, known, comment, ids) => {
    expect(hearComment(known, comment).map((x) => x.id)).toEqual(ids);
  });

  it("keeps the newer description when webhooks come out of order", () => {
    const edited = hearComment([], c(5, RESULT, 9));
    // The created webhook (no result yet) arrives after the edit that added it.
    expect(hearComment(edited, c(5, "", 0))[0].markers).toBe(RESULT);
    // An edit that removed the result is remembered, not undone by the older description.
    const removed = hearComment(edited, c(5, "", 12));
    expect(removed[0].markers).toBe("");
    expect(hearComment(removed, c(5, RESULT, 9))[0].markers).toBe("");
  });

  it(`keeps the newest ${HEARD_COMMENTS_PER_PR} of a PR`, () => {
    let known: HeardComment[] = [];
    for (let id = 1; id <= HEARD_COMMENTS_PER_PR + 3; id++)
      known = hearComment(known, c(id, RESULT));
    expect(known.map((x) => x.id)).toEqual(
      Array.from({ length: HEARD_COMMENTS_PER_PR }, (_, i) => i + 4),
    );
  });
});

describe("forgetComment", () => {
  it("forgets a deleted comment, and nothing else", () => {
    expect(forgetComment([c(5, RESULT), c(6, VERDICT)], 5).map((x) => x.id)).toEqual([6]);
    expect(forgetComment(undefined, 5)).toEqual([]);
  });
});
