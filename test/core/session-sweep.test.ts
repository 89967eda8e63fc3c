import { describe, expect, it } from "vitest";
import { belongsToSession, parseEnviron, sweepVerdict } from "../../src/core/session-sweep.js";

const environ = (vars: Record<string, string>) =>
  `${Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join("\0")}\0`;

describe("parseEnviron", () => {
  it("reads NUL-separated NAME=value entries, values may hold '='", () => {
    expect(parseEnviron(environ({ A: "1", B: "x=y" }))).toEqual(
      new Map([
        ["A", "1"],
        ["B", "x=y"],
      ]),
    );
  });
});

describe("belongsToSession", () => {
  it.each([
    [{ AUTORESEARCH_SESSION: "abc123" }, true],
    [{ AUTORESEARCH_SESSION: "abc1234" }, false],
    [{ OTHER: "AUTORESEARCH_SESSION=abc123" }, false],
    [{}, false],
  ])("%j → %s", (vars, expected) => {
    expect(belongsToSession(environ(vars), "abc123")).toBe(expected);
  });

  it("an unreadable or empty environ (a zombie) belongs to nobody", () => {
    expect(belongsToSession("", "abc123")).toBe(false);
  });
});

describe("sweepVerdict", () => {
  it("is clean when every survivor died", () => {
    expect(sweepVerdict([10, 11], [])).toEqual({ clean: true, killed: [10, 11] });
  });

  it("names the process that outlived SIGKILL and makes the run untrustworthy", () => {
    const verdict = sweepVerdict([10, 11], [11]);
    expect(verdict).toMatchObject({ clean: false, killed: [10], escaped: [11] });
    if (verdict.clean) throw new Error("expected escaped");
    expect(verdict.message).toMatch(/process 11 .* survived SIGKILL/);
  });
});
