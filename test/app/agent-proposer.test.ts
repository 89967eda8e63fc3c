import { describe, expect, it } from "vitest";
import { leadingFailures } from "../../src/app/agent-proposer.js";

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
