import { describe, expect, it } from "vitest";
import {
  cleanDescription,
  formatRow,
  type LedgerRow,
  ledgerRow,
  parseResults,
  ResultsFormatError,
  serializeResults,
} from "../../src/core/results-tsv.js";

/** The example from the autoresearch program, character for character. */
const EXAMPLE = [
  "commit\tval_bpb\tmemory_gb\tstatus\tdescription",
  "a1b2c3d\t0.997900\t44.0\tkeep\tbaseline",
  "b2c3d4e\t0.993200\t44.2\tkeep\tincrease LR to 0.04",
  "c3d4e5f\t1.005000\t44.0\tdiscard\tswitch to GeLU activation",
  "d4e5f6a\t0.000000\t0.0\tcrash\tdouble model width (OOM)",
  "",
].join("\n");

const EXAMPLE_ROWS: LedgerRow[] = [
  { commit: "a1b2c3d", valBpb: 0.9979, memoryGb: 44, status: "keep", description: "baseline" },
  {
    commit: "b2c3d4e",
    valBpb: 0.9932,
    memoryGb: 44.2,
    status: "keep",
    description: "increase LR to 0.04",
  },
  {
    commit: "c3d4e5f",
    valBpb: 1.005,
    memoryGb: 44,
    status: "discard",
    description: "switch to GeLU activation",
  },
  {
    commit: "d4e5f6a",
    valBpb: 0,
    memoryGb: 0,
    status: "crash",
    description: "double model width (OOM)",
  },
];

const HEADER = "commit\tval_bpb\tmemory_gb\tstatus\tdescription";
const GOOD_ROW = "a1b2c3d\t0.997900\t44.0\tkeep\tbaseline";
const file = (...lines: string[]) => `${lines.join("\n")}\n`;

/** The error parseResults throws, so a table can check its line and wording. */
function parseFailure(text: string): ResultsFormatError {
  try {
    parseResults(text);
  } catch (error) {
    if (error instanceof ResultsFormatError) return error;
    throw error;
  }
  throw new Error("parseResults accepted the file");
}

describe("the results.tsv example from the autoresearch program", () => {
  it("parses into its four rows", () => {
    expect(parseResults(EXAMPLE)).toEqual(EXAMPLE_ROWS);
  });

  it("serializes back byte for byte", () => {
    expect(serializeResults(parseResults(EXAMPLE))).toBe(EXAMPLE);
    expect(serializeResults(EXAMPLE_ROWS)).toBe(EXAMPLE);
  });

  it.each([
    ["Windows line endings", EXAMPLE.replaceAll("\n", "\r\n")],
    ["no final newline", EXAMPLE.slice(0, -1)],
  ])("reads the same rows with %s", (_name, text) => {
    expect(parseResults(text)).toEqual(EXAMPLE_ROWS);
  });

  it("writes a header-only file for a run without experiments", () => {
    expect(serializeResults([])).toBe(`${HEADER}\n`);
    expect(parseResults(`${HEADER}\n`)).toEqual([]);
  });
});

describe("ledgerRow", () => {
  const measured = { sha: "a1b2c3d4e5f60718", valBpb: 0.99790049, peakVramMb: 45060.2 };

  it.each([
    ["keep", "a1b2c3d\t0.997900\t44.0\tkeep\tlr up"],
    ["discard", "a1b2c3d\t0.997900\t44.0\tdiscard\tlr up"],
    // a crash is written with the fixed zeros even if something was measured
    ["crash", "a1b2c3d\t0.000000\t0.0\tcrash\tlr up"],
  ] as const)("writes a %s row as %j", (status, line) => {
    expect(formatRow(ledgerRow({ ...measured, status, description: "lr up" }))).toBe(line);
  });

  it.each([
    [45060.2, "44.0"],
    [45260.8, "44.2"],
    [1024, "1.0"],
    [81920, "80.0"],
    [46182.4, "45.1"],
    [null, "0.0"],
  ])("turns peak_vram_mb %j into memory_gb %s", (peakVramMb, memoryGb) => {
    const row = ledgerRow({
      sha: "a1b2c3d",
      status: "keep",
      valBpb: 1,
      peakVramMb,
      description: "x",
    });
    expect(formatRow(row).split("\t")[2]).toBe(memoryGb);
  });

  it("keeps the 7-char commit of a full sha", () => {
    const sha = "b2c3d4e5f60718293a4b5c6d7e8f901234567890";
    const row = ledgerRow({ sha, status: "keep", valBpb: 1, peakVramMb: 1, description: "x" });
    expect(row.commit).toBe("b2c3d4e");
  });

  it.each([
    ["a tab", "use\tGeLU", "use GeLU"],
    ["a newline", "use GeLU\nand RoPE", "use GeLU and RoPE"],
    ["CRLF and spaces", "  use GeLU \r\n\r\n and   RoPE  ", "use GeLU and RoPE"],
    ["nothing to fold", "increase LR to 0.04", "increase LR to 0.04"],
  ])("folds a description with %s onto one line", (_name, description, folded) => {
    expect(cleanDescription(description)).toBe(folded);
    const row = ledgerRow({
      sha: "a1b2c3d",
      status: "keep",
      valBpb: 1,
      peakVramMb: 1,
      description,
    });
    const line = formatRow(row);
    expect(line.split("\t")).toHaveLength(5);
    expect(line.split("\t")[4]).toBe(folded);
    expect(parseResults(file(HEADER, line))[0].description).toBe(folded);
  });
});

describe("parseResults rejects a file it cannot trust, naming the line", () => {
  it.each([
    ["an empty file", "", 1, "header row is missing"],
    [
      "a comma-separated file",
      file("commit,val_bpb,memory_gb,status,description", "a1b2c3d,0.997900,44.0,keep,baseline"),
      1,
      "commas found: results.tsv is tab-separated",
    ],
    ["a wrong header", file("commit\tval_bpb\tmemory\tstatus\tdescription", GOOD_ROW), 1, "header"],
    ["a missing header", file(GOOD_ROW), 1, "header"],
    [
      "a row with 4 columns",
      file(HEADER, GOOD_ROW, "b2c3d4e\t0.993200\t44.2\tkeep"),
      3,
      "expected 5 tab-separated columns, found 4",
    ],
    [
      "a row with 6 columns",
      file(HEADER, "b2c3d4e\t0.993200\t44.2\tkeep\tlr\textra"),
      2,
      "expected 5 tab-separated columns, found 6",
    ],
    ["a short commit", file(HEADER, "a1b2c3\t0.997900\t44.0\tkeep\tx"), 2, 'commit "a1b2c3"'],
    ["a non-hex commit", file(HEADER, "a1b2c3z\t0.997900\t44.0\tkeep\tx"), 2, 'commit "a1b2c3z"'],
    [
      "a full-length commit",
      file(HEADER, "a1b2c3d4e5f6\t0.997900\t44.0\tkeep\tx"),
      2,
      "is not a 7-char hex hash",
    ],
    [
      "val_bpb with 3 decimals",
      file(HEADER, "a1b2c3d\t0.998\t44.0\tkeep\tx"),
      2,
      'val_bpb "0.998" is not a number with 6 decimals',
    ],
    [
      "memory_gb with 2 decimals",
      file(HEADER, "a1b2c3d\t0.997900\t44.00\tkeep\tx"),
      2,
      'memory_gb "44.00" is not a number with 1 decimal',
    ],
    [
      'status "kept"',
      file(HEADER, GOOD_ROW, "b2c3d4e\t0.993200\t44.2\tkept\tlr"),
      3,
      'status "kept" is not keep, discard or crash',
    ],
    [
      "a crash row with a val_bpb",
      file(HEADER, "d4e5f6a\t0.997900\t0.0\tcrash\toom"),
      2,
      "a crash row must have val_bpb 0.000000 and memory_gb 0.0",
    ],
    [
      "a crash row with a memory_gb",
      file(HEADER, "d4e5f6a\t0.000000\t44.0\tcrash\toom"),
      2,
      "a crash row must have val_bpb 0.000000 and memory_gb 0.0",
    ],
    ["a blank line between rows", file(HEADER, GOOD_ROW, "", GOOD_ROW), 3, "found 1"],
  ])("%s", (_name, text, line, fragment) => {
    const error = parseFailure(text);
    expect(error.line).toBe(line);
    expect(error.message).toContain(`results.tsv line ${line}: `);
    expect(error.message).toContain(fragment);
  });

  it("rejects the whole file when only line 5 is bad", () => {
    const text = file(
      ...EXAMPLE.trimEnd().split("\n").slice(0, 4),
      "d4e5f6a\t0.000000\t0.0\tcrashed\tdouble model width (OOM)",
    );
    expect(() => parseResults(text)).toThrow(ResultsFormatError);
    expect(parseFailure(text).line).toBe(5);
  });
});
