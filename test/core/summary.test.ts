import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  classifyRun,
  logTail,
  type Outcome,
  parseProgress,
  parseSummary,
  type RunExit,
} from "../../src/core/summary.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/logs/${name}.log`, import.meta.url), "utf8");

const EXAMPLE_PIECE =
  "\rstep 00953 (100.0%) | loss: 3.123456 | lrm: 0.10 | dt: 312ms | tok/sec: 1,234,567 | mfu: 39.8% | epoch: 1 | remaining: 0s    ";
const EXAMPLE_SUMMARY = `---
val_bpb:          0.997900
training_seconds: 300.1
total_seconds:    325.9
peak_vram_mb:     45060.2
mfu_percent:      39.80
total_tokens_M:   499.6
num_steps:        953
num_params_M:     50.3
depth:            8
`;
const EXAMPLE_VALUES = {
  val_bpb: 0.9979,
  training_seconds: 300.1,
  total_seconds: 325.9,
  peak_vram_mb: 45060.2,
  mfu_percent: 39.8,
  total_tokens_M: 499.6,
  num_steps: 953,
  num_params_M: 50.3,
  depth: 8,
};

/** The whole training phase as train.py writes it: one line of `\r` pieces, ~100 KB. */
function progressLine(bytes: number): string {
  const pieces: string[] = [];
  let size = 0;
  for (let step = 0; size < bytes; step++) {
    const piece = `\rstep ${String(step).padStart(5, "0")} (50.0%) | loss: 4.000000 | lrm: 1.00 | dt: 312ms | tok/sec: 1,000,000 | mfu: 40.0% | epoch: 1 | remaining: 150s    `;
    pieces.push(piece);
    size += piece.length;
  }
  return pieces.join("");
}

/** What readTail hands over: the last 64 KiB, cut wherever that falls. */
const lastKiB = (text: string, kib = 64) => text.slice(-kib * 1024);

const exited = (exitCode: number): RunExit => ({ exitCode, signal: null, timedOut: false });
const signalled = (signal: string): RunExit => ({ exitCode: null, signal, timedOut: false });
const TIMED_OUT: RunExit = { exitCode: null, signal: "SIGKILL", timedOut: true };
const ANOMALY_SECONDS = 360;

const reasonOf = (outcome: Outcome) => (outcome.status === "ok" ? "ok" : outcome.reason);

describe("classifyRun", () => {
  it.each([
    ["ok", exited(0), "ok"],
    ["anomalous", exited(0), "ok"],
    // torch prints OOMs and tracebacks it recovered from; the run still measured val_bpb
    ["recovered-oom", exited(0), "ok"],
    ["ok", TIMED_OUT, "timeout"],
    ["killed", TIMED_OUT, "timeout"],
    ["nan", exited(1), "nan"],
    ["oom", exited(1), "oom"],
    ["traceback", exited(1), "traceback"],
    ["traceback-chained", exited(1), "traceback"],
    ["killed", signalled("SIGKILL"), "killed"],
    ["killed", signalled("SIGTERM"), "killed"],
    ["invalid-summary", exited(0), "invalid-summary"],
    ["no-summary", exited(0), "no-summary"],
    ["no-summary", exited(2), "no-summary"],
    // a valid summary only counts with exit 0: then the other rules decide
    ["recovered-oom", exited(1), "oom"],
    ["ok", exited(1), "traceback"],
    ["ok", signalled("SIGTERM"), "killed"],
  ])("%s.log with %o is %s", (name, exit, expected) => {
    expect(reasonOf(classifyRun(fixture(name), exit, ANOMALY_SECONDS))).toBe(expected);
  });

  it.each([
    // timeout beats FAIL
    [`${fixture("nan")}`, TIMED_OUT, "timeout"],
    // FAIL beats an OOM text
    [`${fixture("oom")}${fixture("nan")}`, exited(1), "nan"],
    // OOM beats the traceback that carries it (oom.log has both)
    [fixture("oom"), exited(1), "oom"],
    // a traceback beats the signal that followed it
    [fixture("traceback"), signalled("SIGTERM"), "traceback"],
    // a signal beats a broken summary
    [fixture("invalid-summary"), signalled("SIGTERM"), "killed"],
    // a broken summary beats the exit code
    [fixture("invalid-summary"), exited(1), "invalid-summary"],
    // nothing at all, e.g. `uv` not installed
    ["", exited(127), "no-summary"],
  ])("applies the rules in order (case %#)", (tail, exit, expected) => {
    expect(reasonOf(classifyRun(tail, exit, ANOMALY_SECONDS))).toBe(expected);
  });

  it("reads the example summary after a 100 KB progress line, from a 64 KiB tail", () => {
    const log = `Time budget: 300s\n${progressLine(100_000)}${EXAMPLE_PIECE}\n${EXAMPLE_SUMMARY}`;
    const tail = lastKiB(log);
    expect(tail.startsWith("Time budget")).toBe(false);
    expect(classifyRun(tail, exited(0), ANOMALY_SECONDS)).toEqual({
      status: "ok",
      summary: EXAMPLE_VALUES,
      anomalous: false,
      message: "val_bpb 0.997900 after 300.1 s of training.",
    });
  });

  it("reads a tail that starts inside a line and a broken character", () => {
    const tail = `\uFFFDrs | remaining: 1s    ${EXAMPLE_PIECE}\n${EXAMPLE_SUMMARY}`;
    const outcome = classifyRun(tail, exited(0), ANOMALY_SECONDS);
    expect(outcome.status === "ok" && outcome.summary).toEqual(EXAMPLE_VALUES);
  });

  it.each([
    [300.1, 360, false],
    [412.7, 360, true],
    [412.7, 500, false],
    [360, 360, false],
  ])("training_seconds %d with threshold %d is anomalous: %s", (seconds, threshold, anomalous) => {
    const tail = EXAMPLE_SUMMARY.replace("300.1", String(seconds));
    const outcome = classifyRun(tail, exited(0), threshold);
    expect(outcome.status === "ok" && outcome.anomalous).toBe(anomalous);
  });

  it("is not anomalous when training_seconds is missing", () => {
    const outcome = classifyRun("---\nval_bpb: 1.01\n", exited(0), 0);
    expect(outcome).toMatchObject({ status: "ok", anomalous: false, message: "val_bpb 1.010000." });
  });

  it("keeps the summary on crashes that printed one, and only those", () => {
    const summaryOf = (tail: string, exit: RunExit) => {
      const outcome = classifyRun(tail, exit, ANOMALY_SECONDS);
      return outcome.status === "crash" ? outcome.summary : "not a crash";
    };
    expect(summaryOf(fixture("ok"), TIMED_OUT)).toEqual(EXAMPLE_VALUES);
    expect(summaryOf(fixture("ok"), exited(1))).toEqual(EXAMPLE_VALUES);
    expect(summaryOf(fixture("invalid-summary"), exited(0))).toBeNull();
    expect(summaryOf(fixture("oom"), exited(1))).toBeNull();
  });

  it("names the last exception of a chained traceback, not stderr noise", () => {
    const outcome = classifyRun(fixture("traceback-chained"), exited(1), ANOMALY_SECONDS);
    expect(outcome.message).toContain("ValueError: unsupported window (1024, 0)");
    expect(outcome.message).not.toContain("KeyError");
    expect(outcome.message).not.toContain("W1126");
  });

  it("says what happened and what to do, in one sentence each", () => {
    const messages = (
      [
        ["ok", exited(0)],
        ["anomalous", exited(0)],
        ["killed", TIMED_OUT],
        ["nan", exited(1)],
        ["oom", exited(1)],
        ["traceback", exited(1)],
        ["killed", signalled("SIGKILL")],
        ["invalid-summary", exited(0)],
        ["no-summary", exited(0)],
        ["no-summary", exited(2)],
        ["ok", exited(1)],
      ] as const
    ).map(([name, exit]) => {
      const outcome = classifyRun(fixture(name), exit, ANOMALY_SECONDS);
      return `${reasonOf(outcome)}: ${outcome.message}`;
    });
    expect(messages).toMatchInlineSnapshot(`
      [
        "ok: val_bpb 0.997900 after 300.1 s of training.",
        "ok: val_bpb 0.997900, but training took 412.7 s (over 360 s): the result counts, yet check why this run was slow.",
        "timeout: Training was killed at the timeout: look in the log tail for a hang or a change that made steps much slower.",
        "nan: The loss became NaN or exceeded 100 and train.py stopped (FAIL): lower the learning rate or undo the change that destabilised training.",
        "oom: CUDA ran out of memory: reduce DEVICE_BATCH_SIZE or the model size.",
        "traceback: train.py crashed (RuntimeError: shape mismatch: value tensor of shape [8192, 768] cannot be broadcast to indexing result of shape [8192, 512]): fix the error shown in the log tail.",
        "killed: Training was killed by SIGKILL from outside the action (not the timeout): check the runner for the kernel OOM killer or a cancelled job, then re-run.",
        "invalid-summary: train.py printed a summary but val_bpb is "nan", not a number in (0, 100): look for numerical problems (NaN, overflow) in the change.",
        "no-summary: train.py exited successfully without printing a val_bpb summary: check the log tail and keep the final summary block in train.py.",
        "no-summary: train.py exited with code 2 without printing a val_bpb summary: check the log tail and keep the final summary block in train.py.",
        "traceback: train.py printed its summary but exited with code 1: check the end of the log for the error.",
      ]
    `);
  });
});

describe("parseSummary", () => {
  it("reads the example block", () => {
    expect(parseSummary(EXAMPLE_SUMMARY)).toEqual({ ok: true, summary: EXAMPLE_VALUES });
  });

  it.each([
    ["extra keys", `${EXAMPLE_SUMMARY}peak_memory_mb: 1.0\nmemory_tier: high\n`],
    ["any spacing", EXAMPLE_SUMMARY.replaceAll(/:\s+/g, ":").replaceAll("\n", "  \n")],
    ["CRLF line ends", EXAMPLE_SUMMARY.replaceAll("\n", "\r\n")],
    ["an earlier block", `---\nval_bpb: 1.5\nnum_steps: 7\n${EXAMPLE_SUMMARY}`],
    ["stderr noise after it", `${EXAMPLE_SUMMARY}Exception ignored in: <function Pool.__del__>\n`],
  ])("reads the block after the last --- despite %s", (_label, tail) => {
    expect(parseSummary(tail)).toEqual({ ok: true, summary: EXAMPLE_VALUES });
  });

  it("sets missing or unreadable optional keys to null", () => {
    const read = parseSummary("---\nval_bpb: 1.25\ndepth: 8\nmfu_percent: n/a\n");
    expect(read).toEqual({
      ok: true,
      summary: {
        val_bpb: 1.25,
        training_seconds: null,
        total_seconds: null,
        peak_vram_mb: null,
        mfu_percent: null,
        total_tokens_M: null,
        num_steps: null,
        num_params_M: null,
        depth: 8,
      },
    });
  });

  it.each(["nan", "inf", "-inf", "-0.5", "0", "0.000000", "abc", "", "0.99x"])(
    "rejects val_bpb %j as invalid-summary",
    (value) => {
      const read = parseSummary(`---\nval_bpb: ${value}\ntraining_seconds: 300.1\n`);
      expect(read).toMatchObject({ ok: false, reason: "invalid-summary" });
      expect(!read.ok && read.detail).toContain(`"${value}"`);
    },
  );

  it.each([
    ["val_bpb", "1e21", "(0, 100)"],
    ["val_bpb", "100", "(0, 100)"],
    ["val_bpb", "1e-400", "(0, 100)"],
    ["val_bpb", "0x1.0p-1", "(0, 100)"],
    ["val_bpb", "   ", "(0, 100)"],
    ["peak_vram_mb", "-5", "[0, 10000000]"],
    ["peak_vram_mb", "1e12", "[0, 10000000]"],
    ["peak_vram_mb", "inf", "[0, 10000000]"],
    ["peak_vram_mb", "nan", "[0, 10000000]"],
    ["training_seconds", "-0.1", "[0, 1000000]"],
    ["total_seconds", "2e6", "[0, 1000000]"],
    ["mfu_percent", "1001", "[0, 1000]"],
    ["total_tokens_M", "1e10", "[0, 1000000000]"],
    ["num_steps", "-1", "[0, 1000000000]"],
    ["num_params_M", "1e8", "[0, 10000000]"],
    ["depth", "-inf", "[0, 10000]"],
  ])("rejects %s %j as invalid-summary, naming the range %s", (key, value, range) => {
    const tail = EXAMPLE_SUMMARY.replace(new RegExp(`^${key}:.*$`, "m"), `${key}: ${value}`);
    expect(parseSummary(tail)).toEqual({
      ok: false,
      reason: "invalid-summary",
      detail: `${key} is "${value.trim()}", not a number in ${range}`,
    });
  });

  it.each([
    ["val_bpb", "99.999", 99.999],
    ["val_bpb", "1e-9", 1e-9],
    ["peak_vram_mb", "0", 0],
    ["peak_vram_mb", "10000000", 1e7],
    ["training_seconds", "1e6", 1e6],
    // train.py's peak-FLOPs constant is an H100's: newer GPUs can show more than 100%
    ["mfu_percent", "180.5", 180.5],
    ["num_params_M", "1e-400", 0],
  ])("accepts %s %j at the edge of its range", (key, value, expected) => {
    const tail = EXAMPLE_SUMMARY.replace(new RegExp(`^${key}:.*$`, "m"), `${key}: ${value}`);
    const read = parseSummary(tail);
    expect(read.ok && read.summary[key as keyof typeof EXAMPLE_VALUES]).toBe(expected);
  });

  it("names every field out of range, and says so in the crash message", () => {
    const tail = EXAMPLE_SUMMARY.replace("45060.2", "-5").replace("953", "1e12");
    expect(classifyRun(tail, exited(0), ANOMALY_SECONDS)).toEqual({
      status: "crash",
      reason: "invalid-summary",
      message:
        'train.py printed a summary but peak_vram_mb is "-5", not a number in [0, 10000000]; num_steps is "1e12", not a number in [0, 1000000000]: look for numerical problems (NaN, overflow) in the change.',
      summary: null,
    });
  });

  it.each([
    ["an empty tail", ""],
    ["no --- line", "val_bpb: 0.99\n"],
    ["no val_bpb after the last ---", `${EXAMPLE_SUMMARY}---\ntraining_seconds: 1\n`],
    ["a bare ---", "Traceback (most recent call last):\n---\n"],
  ])("reports no-summary for %s", (_label, tail) => {
    expect(parseSummary(tail)).toMatchObject({ ok: false, reason: "no-summary" });
  });
});

describe("parseProgress", () => {
  it("reads the example progress piece", () => {
    expect(parseProgress(`Time budget: 300s\n${EXAMPLE_PIECE}`)).toEqual({
      step: 953,
      percent: 100,
      loss: 3.123456,
      tokPerSec: 1_234_567,
      mfu: 39.8,
      remainingSeconds: 0,
      line: EXAMPLE_PIECE.trim(),
    });
  });

  it.each([
    ["the last of many pieces", fixture("killed"), 119],
    ["the progress line of a finished run", fixture("ok"), 953],
    ["the piece before FAIL", fixture("nan"), 13],
    [
      "a 100 KB line from its 64 KiB tail",
      lastKiB(`${progressLine(100_000)}${EXAMPLE_PIECE}`),
      953,
    ],
  ])("finds %s", (_label, tail, step) => {
    expect(parseProgress(tail)?.step).toBe(step);
  });

  it("skips a piece cut at the start of the tail", () => {
    expect(parseProgress(`tep 00954 (100.0%) | loss: 1.0${EXAMPLE_PIECE}tep 00955 (1`)?.step).toBe(
      953,
    );
  });

  it("leaves fields a variant does not print as null", () => {
    const progress = parseProgress("\rstep 00012 (4.0%) | loss: nan | dt: 300ms");
    expect(progress).toMatchObject({
      step: 12,
      percent: 4,
      loss: null,
      tokPerSec: null,
      mfu: null,
      remainingSeconds: null,
    });
  });

  it.each([
    ["an empty tail", ""],
    ["setup output only", "Vocab size: 8,192\nTime budget: 300s\n"],
    ["a traceback", fixture("traceback")],
  ])("is null for %s", (_label, tail) => {
    expect(parseProgress(tail)).toBeNull();
  });
});

describe("logTail", () => {
  it("shows the progress line as its last piece, then the summary", () => {
    expect(logTail(fixture("no-summary"), 3)).toMatchInlineSnapshot(`
      "Time budget: 300s
      Gradient accumulation steps: 2
      step 00953 (100.0%) | loss: 3.100000 | lrm: 0.10 | dt: 312ms | tok/sec: 1,234,567 | mfu: 39.8% | epoch: 1 | remaining: 0s"
    `);
  });

  it("shows the last lines of a traceback", () => {
    expect(logTail(fixture("traceback"), 4)).toMatchInlineSnapshot(`
      "    model.init_weights()
        File "/home/runner/autoresearch/train.py", line 233, in init_weights
          self.transformer.wte.weight.copy_(init)
      RuntimeError: shape mismatch: value tensor of shape [8192, 768] cannot be broadcast to indexing result of shape [8192, 512]"
    `);
  });

  it("cuts long lines to 500 characters", () => {
    const lines = logTail(`${"x".repeat(2000)}\nshort\n`, 5).split("\n");
    expect(lines.map((line) => line.length)).toEqual([500, 5]);
    expect(lines[0].endsWith("…")).toBe(true);
  });

  it.each([
    ["a \\r line", "a\rb\rc\n", 5, "c"],
    ["trailing blank lines", "a\nb\n\n\n", 1, "b"],
    ["CRLF", "a\r\nb\r\n", 5, "a\nb"],
    ["zero lines", "a\nb\n", 0, ""],
    ["an empty tail", "", 3, ""],
  ])("handles %s", (_label, tail, lines, expected) => {
    expect(logTail(tail, lines)).toBe(expected);
  });
});
