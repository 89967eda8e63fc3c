import { describe, expect, it } from "vitest";
import { leadingFailures, proposalsInTransit } from "../../src/app/agent-proposer.js";

const run = (status: string, conclusion: string | null = null) => ({ status, conclusion });

describe("leadingFailures", () => {
  it.each([
    [[], 0],
    [[run("completed", "success")], 0],
    [[run("completed", "failure"), run("completed", "success"), run("completed", "failure")], 1],
    [[run("in_progress"), run("completed", "failure"), run("completed", "cancelled")], 2],
    [[run("completed", "failure"), run("completed", "failure"), run("completed", "failure")], 3],
  ])("%j → %i", (runs, expected) => {
    expect(leadingFailures(runs)).toBe(expected);
  });
});

describe("proposalsInTransit", () => {
  const done = (conclusion: string, title: string) => ({
    status: "completed",
    conclusion,
    html_url: "",
    display_title: title,
  });
  it.each([
    ["nothing ran", [], 0],
    ["a run still going", [{ status: "in_progress", conclusion: null, html_url: "" }], 1],
    ["a success whose PR exists", [done("success", "autoresearch propose nov26 #4")], 0],
    ["a success whose PR is not open yet", [done("success", "autoresearch propose nov26 #5")], 1],
    ["a failure", [done("failure", "autoresearch propose nov26 #5")], 0],
    ["a custom run-name without a number", [done("success", "my proposals")], 0],
  ])("%s", (_name, runs, expected) => {
    expect(proposalsInTransit(runs, 5)).toBe(expected);
  });
});
