import { expect, it } from "vitest";
import { formatLedger } from "../../src/cli/ledger-source.js";
import { parseResults } from "../../src/core/results-tsv.js";

const TSV = [
  "commit\tval_bpb\tmemory_gb\tstatus\tdescription",
  "a1b2c3d\t0.997900\t44.0\tkeep\tbaseline",
  "c3d4e5f\t1.005000\t44.2\tdiscard\tswitch to GeLU activation",
  "d4e5f6a\t0.000000\t0.0\tcrash\tdouble model width (OOM)",
  "",
].join("\n");

it("prints results.tsv exactly as stored", () => {
  expect(formatLedger(parseResults(TSV), "tsv")).toBe(TSV);
});

it("prints JSON rows named like the TSV's columns", () => {
  expect(JSON.parse(formatLedger(parseResults(TSV), "json"))).toEqual([
    { commit: "a1b2c3d", val_bpb: 0.9979, memory_gb: 44, status: "keep", description: "baseline" },
    {
      commit: "c3d4e5f",
      val_bpb: 1.005,
      memory_gb: 44.2,
      status: "discard",
      description: "switch to GeLU activation",
    },
    {
      commit: "d4e5f6a",
      val_bpb: 0,
      memory_gb: 0,
      status: "crash",
      description: "double model width (OOM)",
    },
  ]);
});

it("prints an empty ledger as its header, or []", () => {
  expect(formatLedger([], "tsv")).toBe("commit\tval_bpb\tmemory_gb\tstatus\tdescription\n");
  expect(formatLedger([], "json")).toBe("[]\n");
});
