import { describe, expect, it } from "vitest";
import { formatRow, RESULTS_HEADER } from "../../src/core/results-tsv.js";
import {
  ledgerSection,
  type RunState,
  readLedgerSection,
  readRunBlock,
  renderRunBlock,
  withRunBlock,
} from "../../src/core/run-state.js";

const run: RunState = {
  v: 1,
  tag: "nov26",
  status: "running",
  branch: "autoresearch/nov26",
  base_branch: "main",
  gist_id: null,
  ledger: "issue",
  next_n: 7,
  started_at: "2025-11-26T10:00:00Z",
  started_by: "alice",
  proposer_failures: 0,
  notes: ["paused by bob --> resumed"],
};

describe("run block", () => {
  it("round-trips through an issue body", () => {
    const body = withRunBlock("# dashboard\n\ntext", run, null);
    expect(readRunBlock(body)).toEqual(run);
  });

  it("never closes its HTML comment early", () => {
    const block = renderRunBlock(run, null);
    expect(block.indexOf("-->")).toBe(block.length - 3);
    expect(block).toMatchInlineSnapshot(
      `"<!-- autoresearch:run {"v":1,"tag":"nov26","status":"running","branch":"autoresearch/nov26","base_branch":"main","gist_id":null,"ledger":"issue","next_n":7,"started_at":"2025-11-26T10:00:00Z","started_by":"alice","proposer_failures":0,"notes":["paused by bob -\\u002d> resumed"]} -->"`,
    );
  });

  it("replaces the block in place, keeping the rest", () => {
    const body = `before\n${renderRunBlock(run, null)}\nafter`;
    const next = withRunBlock(body, { ...run, status: "paused" }, null);
    expect(next.startsWith("before\n")).toBe(true);
    expect(next.endsWith("\nafter")).toBe(true);
    expect(readRunBlock(next)?.status).toBe("paused");
  });

  it.each([
    ["no body", null],
    ["no block", "just text"],
    ["broken JSON", "<!-- autoresearch:run {nope} -->"],
    ["wrong shape", '<!-- autoresearch:run {"v":1,"tag":"x"} -->'],
    ["unknown status", renderRunBlock({ ...run, status: "done" as RunState["status"] }, null)],
  ])("reads %s as null", (_name, body) => {
    expect(readRunBlock(body)).toBeNull();
  });
});

describe("ledger section", () => {
  const tsv = [
    RESULTS_HEADER.join("\t"),
    formatRow({
      commit: "a1b2c3d",
      valBpb: 0.9979,
      memoryGb: 44,
      status: "keep",
      description: "baseline",
    }),
    formatRow({
      commit: "b2c3d4e",
      valBpb: 0.9932,
      memoryGb: 44.2,
      status: "keep",
      description: "use ```code``` <!-- /autoresearch:ledger --> in description",
    }),
    "",
  ].join("\n");

  it("renders the TSV in a fenced block between markers", () => {
    expect(ledgerSection("commit\tval_bpb\n")).toBe(
      "<!-- autoresearch:ledger -->\n```tsv\ncommit\tval_bpb\n```\n<!-- /autoresearch:ledger -->",
    );
  });

  it("round-trips text that holds backticks and the end marker", () => {
    const section = ledgerSection(tsv);
    expect(section).toContain("````tsv\n");
    expect(readLedgerSection(`# run\n\n${section}\n\nfooter`)).toBe(tsv);
  });

  it("survives GitHub's CRLF line endings", () => {
    const body = `x\r\n${ledgerSection(tsv).replaceAll("\n", "\r\n")}\r\n`;
    expect(readLedgerSection(body)).toBe(tsv);
  });

  it("adds the final newline a TSV file ends with", () => {
    expect(readLedgerSection(ledgerSection("commit\tval_bpb"))).toBe("commit\tval_bpb\n");
  });

  it.each([
    ["no body", undefined],
    ["no section", "# dashboard"],
    ["no fence", "<!-- autoresearch:ledger -->\ncommit\n<!-- /autoresearch:ledger -->"],
    ["unclosed fence", "<!-- autoresearch:ledger -->\n```tsv\ncommit\n"],
  ])("reads %s as null", (_name, body) => {
    expect(readLedgerSection(body)).toBeNull();
  });
});
