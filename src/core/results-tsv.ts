import { MEMORY_GB_RANGE, SUMMARY_RANGES } from "./summary-bounds.js";

/**
 * results.tsv, exactly as the autoresearch loop writes it: a header and one
 * tab-separated row per experiment. The writer never emits a cell its own
 * parser refuses, whatever the row holds: a ledger that cannot be read back
 * would stop every later pass.
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

/** A description is "short plain text"; a PR title can be 256 characters, a commit subject more. */
export const MAX_LEDGER_DESCRIPTION = 200;
/** Written when a row's commit is not a hash at all, so the row still parses (never in practice). */
export const UNKNOWN_COMMIT = "0000000";

// Control characters (C0, DEL, C1: \x85 is a line break to some readers) and bidi overrides that reorder what is shown.
const CONTROL_RE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Tabs, newlines and other control characters would break the format or what
 * readers see: fold them, and runs of spaces, to one space. A broken UTF-16
 * half becomes U+FFFD, as it would on its way to the gist anyway.
 */
export function cleanDescription(text: string): string {
  return text
    .replace(LONE_SURROGATE_RE, "\ufffd")
    .replace(CONTROL_RE, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * One line of the file. Values the parser would refuse are clamped rather than
 * written: the commit to 7 lowercase hex digits, val_bpb and memory_gb into
 * their summary ranges (NaN to 0), a crash to its fixed zeros, the
 * description cleaned and cut to MAX_LEDGER_DESCRIPTION characters.
 */
export function formatRow(row: LedgerRow): string {
  const crashed = row.status === "crash";
  return [
    ledgerCommit(row.commit),
    (crashed ? 0 : clamp(row.valBpb, 0, SUMMARY_RANGES.val_bpb.max)).toFixed(6),
    (crashed ? 0 : clamp(row.memoryGb, 0, MEMORY_GB_RANGE.max)).toFixed(1),
    row.status,
    cut(cleanDescription(row.description), MAX_LEDGER_DESCRIPTION),
  ].join("\t");
}

function ledgerCommit(sha: string): string {
  const commit = sha.slice(0, 7).toLowerCase();
  return /^[0-9a-f]{7}$/.test(commit) ? commit : UNKNOWN_COMMIT;
}

/** NaN is 0: a measurement that is not a number is no measurement. */
function clamp(value: number, min: number, max: number): number {
  return Number.isNaN(value) ? min : Math.min(max, Math.max(min, value));
}

/** At most `max` characters, counting code points so an emoji is never halved. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
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
