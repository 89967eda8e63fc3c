/**
 * results.tsv, exactly as the autoresearch loop writes it: a header and one
 * tab-separated row per experiment.
 */
export const RESULTS_HEADER = ["commit", "val_bpb", "memory_gb", "status", "description"] as const;
export const LEDGER_STATUSES = ["keep", "discard", "crash"] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

export interface LedgerRow {
  /** 7-char hash of the commit that was trained. */
  commit: string;
  /** 0 for crashes. */
  valBpb: number;
  /** peak_vram_mb / 1024; 0 for crashes. */
  memoryGb: number;
  status: LedgerStatus;
  description: string;
}

export class ResultsFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`results.tsv line ${line}: ${message}`);
    this.name = "ResultsFormatError";
  }
}

/** Builds a row from what was measured; crashes get the fixed zeros. */
export function ledgerRow(input: {
  sha: string;
  status: LedgerStatus;
  valBpb: number | null;
  peakVramMb: number | null;
  description: string;
}): LedgerRow {
  const crashed = input.status === "crash";
  return {
    commit: input.sha.slice(0, 7),
    valBpb: crashed ? 0 : (input.valBpb ?? 0),
    memoryGb: crashed ? 0 : (input.peakVramMb ?? 0) / 1024,
    status: input.status,
    description: cleanDescription(input.description),
  };
}

/** Tabs and newlines would break the format: fold them, and runs of spaces, to one space. */
export function cleanDescription(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function formatRow(row: LedgerRow): string {
  return [
    row.commit.slice(0, 7),
    row.valBpb.toFixed(6),
    row.memoryGb.toFixed(1),
    row.status,
    cleanDescription(row.description),
  ].join("\t");
}

export function serializeResults(rows: readonly LedgerRow[]): string {
  return `${[RESULTS_HEADER.join("\t"), ...rows.map(formatRow)].join("\n")}\n`;
}

/** Parses a whole file or throws ResultsFormatError naming the first bad line: never half-read. */
export function parseResults(text: string): LedgerRow[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (lines.length === 0) throw new ResultsFormatError(1, "empty file: the header row is missing");
  if (lines[0] !== RESULTS_HEADER.join("\t")) {
    const hint = lines[0].includes(",") ? " (commas found: results.tsv is tab-separated)" : "";
    throw new ResultsFormatError(1, `expected header "${RESULTS_HEADER.join("\\t")}"${hint}`);
  }
  return lines.slice(1).map((line, i) => parseRow(line, i + 2));
}

function parseRow(line: string, lineNo: number): LedgerRow {
  const cells = line.split("\t");
  if (cells.length !== 5) {
    throw new ResultsFormatError(lineNo, `expected 5 tab-separated columns, found ${cells.length}`);
  }
  const [commit, valBpb, memoryGb, status, description] = cells;
  if (!/^[0-9a-f]{7}$/.test(commit)) {
    throw new ResultsFormatError(lineNo, `commit "${commit}" is not a 7-char hex hash`);
  }
  if (!/^\d+\.\d{6}$/.test(valBpb)) {
    throw new ResultsFormatError(lineNo, `val_bpb "${valBpb}" is not a number with 6 decimals`);
  }
  if (!/^\d+\.\d$/.test(memoryGb)) {
    throw new ResultsFormatError(lineNo, `memory_gb "${memoryGb}" is not a number with 1 decimal`);
  }
  if (!(LEDGER_STATUSES as readonly string[]).includes(status)) {
    throw new ResultsFormatError(lineNo, `status "${status}" is not keep, discard or crash`);
  }
  if (status === "crash" && (valBpb !== "0.000000" || memoryGb !== "0.0")) {
    throw new ResultsFormatError(
      lineNo,
      "a crash row must have val_bpb 0.000000 and memory_gb 0.0",
    );
  }
  return {
    commit,
    valBpb: Number(valBpb),
    memoryGb: Number(memoryGb),
    status: status as LedgerStatus,
    description,
  };
}
