import { describe, expect, it } from "vitest";
import { changedPaths, parseStatus, StatusFormatError } from "../../src/core/propose-changes.js";

const z = (...entries: string[]) => entries.map((e) => `${e}\0`).join("");

describe("parseStatus", () => {
  it("reads each entry's code and path, spaces and quotes kept as they are", () => {
    expect(parseStatus(z(" M train.py", "?? notes/my idea.txt", 'D  "odd".py'))).toEqual([
      { code: " M", path: "train.py" },
      { code: "??", path: "notes/my idea.txt" },
      { code: "D ", path: '"odd".py' },
    ]);
  });

  it("refuses output in another format rather than guess", () => {
    expect(() => parseStatus("M train.py\n")).toThrow(StatusFormatError);
    expect(() => parseStatus(z(" M train.py", "x"))).toThrow(/unexpected git status entry "x"/);
  });
});

describe("changedPaths", () => {
  it.each<[string, string, string[]]>([
    ["a clean tree", "", []],
    ["an edit", z(" M train.py"), ["train.py"]],
    ["an edit, staged and then edited again", z("MM train.py"), ["train.py"]],
    ["a new file", z("?? helper.py"), ["helper.py"]],
    ["a deletion", z(" D prepare.py"), ["prepare.py"]],
    ["a rename without rename detection", z("D  old.py", "A  new.py"), ["new.py", "old.py"]],
    [
      "several, sorted",
      z(" M train.py", "?? a.txt", " M prepare.py"),
      ["a.txt", "prepare.py", "train.py"],
    ],
  ])("%s", (_, status, paths) => {
    expect(changedPaths(status)).toEqual(paths);
  });
});
