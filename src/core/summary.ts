import * as z from "zod";
import { numberIn, rangeText, SUMMARY_RANGES } from "./summary-bounds.js";

/**
 * Reading train.py's run.log: the live progress line, the final summary block,
 * and what a finished run amounts to. Works on the log's tail only, which may
 * begin in the middle of a line.
 */

/** A measurement train.py may leave out (forks print fewer keys). */
const measured = (range: (typeof SUMMARY_RANGES)[keyof typeof SUMMARY_RANGES]) =>
  numberIn(range).nullable();

/**
 * The block train.py prints after its last `---` line, each number within
 * SUMMARY_RANGES (NaN and ±Infinity never are).
 */
export const SummarySchema = z.object({
  val_bpb: numberIn(SUMMARY_RANGES.val_bpb),
  training_seconds: measured(SUMMARY_RANGES.training_seconds),
  total_seconds: measured(SUMMARY_RANGES.total_seconds),
  peak_vram_mb: measured(SUMMARY_RANGES.peak_vram_mb),
  mfu_percent: measured(SUMMARY_RANGES.mfu_percent),
  total_tokens_M: measured(SUMMARY_RANGES.total_tokens_M),
  num_steps: measured(SUMMARY_RANGES.num_steps),
  num_params_M: measured(SUMMARY_RANGES.num_params_M),
  depth: measured(SUMMARY_RANGES.depth),
});
export type Summary = z.infer<typeof SummarySchema>;

const SUMMARY_KEYS = Object.keys(SummarySchema.shape) as (keyof Summary)[];

export interface Progress {
  step: number;
  percent: number;
  loss: number | null;
  tokPerSec: number | null;
  mfu: number | null;
  remainingSeconds: number | null;
  /** The progress piece as printed, trimmed. */
  line: string;
}

export type SummaryRead =
  | { ok: true; summary: Summary }
  | { ok: false; reason: "no-summary" | "invalid-summary"; detail: string };

export type RunExit = { exitCode: number | null; signal: string | null; timedOut: boolean };

export type Outcome =
  | { status: "ok"; summary: Summary; anomalous: boolean; message: string }
  | {
      status: "crash";
      reason: "nan" | "oom" | "traceback" | "timeout" | "no-summary" | "invalid-summary" | "killed";
      message: string;
      summary: Summary | null;
    };
type Crash = Extract<Outcome, { status: "crash" }>;

/**
 * What a terminal would show: each line is the last of its `\r`-separated
 * pieces (train.py rewrites its progress line in place). A CRLF ending is not
 * a rewrite, so trailing `\r`s are dropped first.
 */
function visibleLines(tail: string): string[] {
  return tail.split("\n").map((line) => line.replace(/\r+$/, "").split("\r").at(-1)!);
}

// ---------------------------------------------------------------- progress

const STEP_RE = /^step (\d+) \((\d+(?:\.\d+)?)%\)/;

export function parseProgress(tail: string): Progress | null {
  const pieces = tail.split(/[\r\n]/);
  for (let i = pieces.length - 1; i >= 0; i--) {
    const progress = progressOf(pieces[i].trim());
    if (progress) return progress;
  }
  return null;
}

function progressOf(line: string): Progress | null {
  const step = STEP_RE.exec(line);
  if (!step) return null;
  return {
    step: Number(step[1]),
    percent: Number(step[2]),
    loss: fieldOf(line, /\| loss: (\S+)/),
    tokPerSec: fieldOf(line, /\| tok\/sec: ([\d,]+)/),
    mfu: fieldOf(line, /\| mfu: (\S+?)%/),
    remainingSeconds: fieldOf(line, /\| remaining: (\S+?)s\b/),
    line,
  };
}

function fieldOf(line: string, re: RegExp): number | null {
  const match = re.exec(line);
  if (!match) return null;
  const value = pythonNumber(match[1].replaceAll(",", ""));
  return value !== null && Number.isFinite(value) ? value : null;
}

/** Python's float formatting: digits, or nan / inf / -inf. Anything else (hex, text, empty) is null. */
function pythonNumber(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
  if (/^[+-]?inf(inity)?$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return Number.NaN;
  return null;
}

// ----------------------------------------------------------------- summary

const KEY_VALUE_RE = /^\s*([A-Za-z_]\w*)\s*:\s*(.*?)\s*$/;

export function parseSummary(tail: string): SummaryRead {
  const lines = visibleLines(tail);
  const start = lines.findLastIndex((line) => line.trim() === "---");
  if (start === -1) {
    return { ok: false, reason: "no-summary", detail: "no `---` line before the summary" };
  }
  const raw = keyValues(lines.slice(start + 1));
  if (raw.val_bpb === undefined) {
    return { ok: false, reason: "no-summary", detail: "no `val_bpb:` line after the last `---`" };
  }
  const input = Object.fromEntries(SUMMARY_KEYS.map((key) => [key, summaryValue(key, raw[key])]));
  const parsed = SummarySchema.safeParse(input);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path[0] as keyof Summary))];
    const detail = fields
      .map((key) => `${key} is "${raw[key]}", not a number in ${rangeText(SUMMARY_RANGES[key])}`)
      .join("; ");
    return { ok: false, reason: "invalid-summary", detail };
  }
  return { ok: true, summary: parsed.data };
}

/** A key train.py left out is null, and so is an optional one printed as text (a fork's "n/a"). */
function summaryValue(key: keyof Summary, text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = pythonNumber(text);
  if (value === null) return key === "val_bpb" ? Number.NaN : null;
  return value;
}

/** First value of each `key: value` line; other lines (warnings, blank lines) are ignored. */
function keyValues(lines: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of lines) {
    const match = KEY_VALUE_RE.exec(line);
    if (match && !(match[1] in values)) values[match[1]] = match[2];
  }
  return values;
}

// -------------------------------------------------------------- classify

/**
 * Turns a finished run into ok or a crash with a reason. A valid summary with
 * exit 0 wins over anything else in the log except our timeout: torch prints
 * tracebacks and OOMs it recovered from (e.g. during autotuning), and those
 * runs still measured val_bpb.
 */
export function classifyRun(tail: string, exit: RunExit, anomalySeconds: number): Outcome {
  const read = parseSummary(tail);
  const summary = read.ok ? read.summary : null;
  if (exit.timedOut) {
    return crash(
      "timeout",
      "Training was killed at the timeout: look in the log tail for a hang or a change that made steps much slower.",
      summary,
    );
  }
  if (summary && exit.exitCode === 0) return ok(summary, anomalySeconds);

  const lines = visibleLines(tail);
  if (lines.some(isFailLine)) {
    return crash(
      "nan",
      "The loss became NaN or exceeded 100 and train.py stopped (FAIL): lower the learning rate or undo the change that destabilised training.",
      summary,
    );
  }
  if (tail.includes("CUDA out of memory") || tail.includes("OutOfMemoryError")) {
    return crash(
      "oom",
      "CUDA ran out of memory: reduce DEVICE_BATCH_SIZE or the model size.",
      summary,
    );
  }
  const traceback = tracebackOf(lines);
  if (traceback) return crash("traceback", traceback, summary);
  if (exit.signal) {
    return crash(
      "killed",
      `Training was killed by ${exit.signal} from outside the action (not the timeout): check the runner for the kernel OOM killer or a cancelled job, then re-run.`,
      summary,
    );
  }
  if (!read.ok && read.reason === "invalid-summary") {
    return crash(
      "invalid-summary",
      `train.py printed a summary but ${read.detail}: look for numerical problems (NaN, overflow) in the change.`,
      null,
    );
  }
  if (summary) {
    return crash(
      "traceback",
      `train.py printed its summary but ${exitText(exit)}: check the end of the log for the error.`,
      summary,
    );
  }
  const how = exit.exitCode === 0 ? "exited successfully" : exitText(exit);
  return crash(
    "no-summary",
    `train.py ${how} without printing a val_bpb summary: check the log tail and keep the final summary block in train.py.`,
    null,
  );
}

function ok(summary: Summary, anomalySeconds: number): Outcome {
  const seconds = summary.training_seconds;
  const bpb = summary.val_bpb.toFixed(6);
  if (seconds !== null && seconds > anomalySeconds) {
    return {
      status: "ok",
      summary,
      anomalous: true,
      message: `val_bpb ${bpb}, but training took ${seconds} s (over ${anomalySeconds} s): the result counts, yet check why this run was slow.`,
    };
  }
  const after = seconds === null ? "" : ` after ${seconds} s of training`;
  return { status: "ok", summary, anomalous: false, message: `val_bpb ${bpb}${after}.` };
}

function crash(reason: Crash["reason"], message: string, summary: Summary | null): Crash {
  return { status: "crash", reason, message, summary };
}

function exitText(exit: RunExit): string {
  if (exit.exitCode !== null) return `exited with code ${exit.exitCode}`;
  if (exit.signal) return `was stopped by ${exit.signal}`;
  return "ended without an exit code";
}

/** train.py prints FAIL right after the `\r` progress piece, without a newline first. */
function isFailLine(line: string): boolean {
  const text = line.trim();
  return text === "FAIL" || (STEP_RE.test(text) && /\sFAIL$/.test(text));
}

const TRACEBACK_HEAD = "Traceback (most recent call last):";
/** `RuntimeError: ...`, `torch._dynamo.exc.Unsupported: ...`, `KeyboardInterrupt`: no spaces before the colon. */
const EXCEPTION_RE = /^[A-Za-z_][\w.]*(:.*)?$/;
const MAX_EXCEPTION_CHARS = 300;

/** The crash message for the last traceback in the tail, or null when there is none. */
function tracebackOf(lines: string[]): string | null {
  const head = lines.findLastIndex((line) => line.startsWith(TRACEBACK_HEAD));
  if (head === -1) return null;
  const exception = lines.slice(head + 1).find((line) => EXCEPTION_RE.test(line.trimEnd()));
  if (!exception) {
    return "train.py crashed with a Python traceback: fix the error shown in the log tail.";
  }
  return `train.py crashed (${cut(exception.trim(), MAX_EXCEPTION_CHARS)}): fix the error shown in the log tail.`;
}

// --------------------------------------------------------------- log tail

const MAX_LINE_CHARS = 500;

/** The last `lines` lines as a terminal shows them, for a crash report. */
export function logTail(tail: string, lines: number): string {
  if (lines <= 0) return "";
  const visible = visibleLines(tail);
  while (visible.length > 0 && visible.at(-1)!.trim() === "") visible.pop();
  return visible
    .slice(-lines)
    .map((line) => cut(line.trimEnd(), MAX_LINE_CHARS))
    .join("\n");
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
