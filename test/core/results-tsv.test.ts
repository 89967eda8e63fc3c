import { describe, expect, it } from "vitest";
import {
  cleanDescription,
  formatRow,
  LEDGER_STATUSES,
  type LedgerRow,
  ledgerRow,
  MAX_LEDGER_DESCRIPTION,
  parseResults,
  ResultsFormatError,
  serializeResults,
  UNKNOWN_COMMIT,
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

describe("the writer never writes what the parser refuses", () => {
  const row = (patch: Partial<LedgerRow>): LedgerRow => ({
    commit: "a1b2c3d",
    valBpb: 0.9979,
    memoryGb: 44,
    status: "keep",
    description: "lr up",
    ...patch,
  });

  it.each([
    ["val_bpb NaN", { valBpb: Number.NaN }, "a1b2c3d\t0.000000\t44.0\tkeep\tlr up"],
    ["val_bpb Infinity", { valBpb: Infinity }, "a1b2c3d\t100.000000\t44.0\tkeep\tlr up"],
    [
      "val_bpb 1e21 (toFixed writes 1e+21)",
      { valBpb: 1e21 },
      "a1b2c3d\t100.000000\t44.0\tkeep\tlr up",
    ],
    ["val_bpb just below 0", { valBpb: -1e-9 }, "a1b2c3d\t0.000000\t44.0\tkeep\tlr up"],
    ["negative memory", { memoryGb: -5 }, "a1b2c3d\t0.997900\t0.0\tkeep\tlr up"],
    ["memory -Infinity", { memoryGb: -Infinity }, "a1b2c3d\t0.997900\t0.0\tkeep\tlr up"],
    ["absurd memory", { memoryGb: 1e12 }, "a1b2c3d\t0.997900\t9765.6\tkeep\tlr up"],
    [
      "a crash with numbers",
      { status: "crash", valBpb: 0.9 },
      "a1b2c3d\t0.000000\t0.0\tcrash\tlr up",
    ],
    ["an upper-case sha", { commit: "A1B2C3D4E5" }, "a1b2c3d\t0.997900\t44.0\tkeep\tlr up"],
    ["a short sha", { commit: "a1b2" }, `${UNKNOWN_COMMIT}\t0.997900\t44.0\tkeep\tlr up`],
    [
      "a commit that is not hex",
      { commit: "main" },
      `${UNKNOWN_COMMIT}\t0.997900\t44.0\tkeep\tlr up`,
    ],
    ["an empty description", { description: "" }, "a1b2c3d\t0.997900\t44.0\tkeep\t"],
  ] as const)("%s", (_name, patch, line) => {
    const written = formatRow(row(patch));
    expect(written).toBe(line);
    expect(parseResults(file(HEADER, written))).toHaveLength(1);
  });

  it.each([
    ["NUL and ESC", "lr\u0000 up\u001b[31m", "lr up [31m"],
    ["NEL and the Unicode line separators", "lr\u0085up\u2028to\u20290.04", "lr up to 0.04"],
    ["a vertical tab and form feed", "lr\vup\fnow", "lr up now"],
    ["a bidi override", "lr \u202egnp.exe\u202c up", "lr gnp.exe up"],
    ["a lone surrogate", "lr \ud83d up", "lr \ufffd up"],
    ["an emoji (kept)", "lr 🚀 up", "lr 🚀 up"],
  ])("cleans a description with %s", (_name, description, cleaned) => {
    expect(cleanDescription(description)).toBe(cleaned);
  });

  it("cuts a long description to MAX_LEDGER_DESCRIPTION characters without halving an emoji", () => {
    const description = "🚀".repeat(MAX_LEDGER_DESCRIPTION + 50);
    const [parsed] = parseResults(file(HEADER, formatRow(row({ description }))));
    expect(Array.from(parsed.description)).toHaveLength(MAX_LEDGER_DESCRIPTION);
    expect(parsed.description).toBe(`${"🚀".repeat(MAX_LEDGER_DESCRIPTION - 1)}…`);
  });

  /** mulberry32: the same hostile rows on every run, so a failure can be replayed. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it("parses back 2,000 generated hostile rows", () => {
    const next = random(20241126);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const numbers = [
      Number.NaN,
      Infinity,
      -Infinity,
      -0,
      0,
      -1e-9,
      5e-7,
      0.9979,
      99.9999995,
      100,
      1e20,
      1e21,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
      9765.66,
    ];
    const number = () => (next() < 0.5 ? pick(numbers) : (next() - 0.3) * 10 ** (next() * 30));
    const pieces = [
      "a",
      "lr",
      " ",
      "\t",
      "\n",
      "\r",
      "\r\n",
      "\u0000",
      "\u001b",
      "\u007f",
      "\u0085",
      "\u00a0",
      "\u2028",
      "\u202e",
      "\u2066",
      "\ufeff",
      "\ud83d",
      "\ude80",
      "🚀",
      "é",
      ",",
      '"',
      "<!channel>",
      "commit\tval_bpb",
      "-->",
      "0.000000",
    ];
    const text = (max: number) =>
      Array.from({ length: Math.floor(next() * max) }, () => pick(pieces)).join("");
    const commits = ["a1b2c3d", "A1B2C3D", "a1b2c3d4e5f6", "", "xyz", "a1b2c3", "ⓐ1b2c3d4", "\t\n"];
    const commit = () =>
      next() < 0.5
        ? pick(commits)
        : Math.floor(next() * 2 ** 52).toString(16 + Math.floor(next() * 20));

    const rows: LedgerRow[] = Array.from({ length: 2000 }, () => ({
      commit: commit(),
      valBpb: number(),
      memoryGb: number(),
      status: pick(LEDGER_STATUSES),
      description: text(next() < 0.05 ? 400 : 12),
    }));
    const parsed = parseResults(serializeResults(rows));

    expect(parsed).toHaveLength(rows.length);
    parsed.forEach((read, i) => {
      expect(read.status).toBe(rows[i].status);
      expect(read.description).toBe(formatRow(rows[i]).split("\t")[4]);
      expect(Array.from(read.description).length).toBeLessThanOrEqual(MAX_LEDGER_DESCRIPTION);
      expect(read.description).not.toMatch(/[\p{Cc}\u2028\u2029\u202e]/u);
    });
  });
});
