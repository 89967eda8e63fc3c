import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { proposeOutputs } from "../../src/core/propose-outputs.js";
import {
  type CrashReason,
  TrainResultSchema,
  type TrainStatus,
} from "../../src/core/result-marker.js";
import { HANDOFF_OUTPUTS } from "../../src/core/step-handoff.js";
import type { Summary } from "../../src/core/summary.js";
import { buildTrainResult, type RunMeta, resultOutputs } from "../../src/core/train-result.js";
import { NO_METRICS } from "../support/fixtures.js";

/** The summary block from the autoresearch program, as parseSummary returns it. */
const SUMMARY: Summary = {
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

const META: RunMeta = {
  pr: 7,
  headSha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
  runId: "4242",
  runAttempt: 2,
  startedAt: "2025-11-26T10:00:00.000Z",
  finishedAt: "2025-11-26T10:05:26.000Z",
};

function build(
  status: TrainStatus,
  reason: CrashReason | null,
  summary: Summary | null,
  anomalous = false,
) {
  return buildTrainResult(
    { status, reason, message: `${status} message`, summary, anomalous },
    META,
  );
}

describe("buildTrainResult", () => {
  it("reports an ok run with its measurements and the run's identity", () => {
    expect(build("ok", null, SUMMARY)).toEqual({
      v: 1,
      status: "ok",
      crash_reason: null,
      message: "ok message",
      val_bpb: 0.9979,
      memory_gb: 44,
      peak_vram_mb: 45060.2,
      training_seconds: 300.1,
      total_seconds: 325.9,
      mfu_percent: 39.8,
      total_tokens_M: 499.6,
      num_steps: 953,
      num_params_M: 50.3,
      depth: 8,
      anomalous: false,
      pr: 7,
      head_sha: META.headSha,
      run_id: "4242",
      run_attempt: 2,
      started_at: META.startedAt,
      finished_at: META.finishedAt,
    });
  });

  it.each([
    ["crash", "traceback", SUMMARY],
    ["crash", "timeout", SUMMARY],
    ["crash", "oom", null],
    ["infra", "missing-data", null],
    ["rejected", "path-violation", null],
    ["rejected", "bad-ref", null],
  ] as const)("reports %s (%s) with val_bpb 0 and memory_gb 0", (status, reason, summary) => {
    const result = build(status, reason, summary);
    expect(result).toMatchObject({ status, crash_reason: reason, val_bpb: 0, memory_gb: 0 });
  });

  it("keeps a crash's partial measurements for the reader but never its val_bpb", () => {
    const result = build("crash", "traceback", SUMMARY);
    expect(result).toMatchObject({
      val_bpb: 0,
      memory_gb: 0,
      peak_vram_mb: 45060.2,
      num_steps: 953,
    });
  });

  it.each([
    ["infra", "missing-data"],
    ["rejected", "path-violation"],
  ] as const)("leaves every metric unknown for %s", (status, reason) => {
    expect(build(status, reason, null)).toMatchObject(NO_METRICS);
  });

  it.each([
    [{ val_bpb: 0.99790012 }, { val_bpb: 0.9979 }],
    [{ val_bpb: 1.0050004 }, { val_bpb: 1.005 }],
    [{ peak_vram_mb: 45260.8 }, { memory_gb: 44.2 }],
    [{ peak_vram_mb: 80000 }, { memory_gb: 78.1 }],
    [{ peak_vram_mb: null }, { memory_gb: 0, peak_vram_mb: null }],
  ])("rounds %j to %j", (patch, expected) => {
    expect(build("ok", null, { ...SUMMARY, ...patch })).toMatchObject(expected);
  });

  it("carries the anomalous flag", () => {
    expect(build("ok", null, { ...SUMMARY, training_seconds: 412.5 }, true).anomalous).toBe(true);
  });

  it.each([
    ["ok", null, SUMMARY],
    ["crash", "nan", SUMMARY],
    ["crash", "no-summary", null],
    ["infra", "runner-error", null],
    ["rejected", "bad-ref", null],
  ] as const)("writes a %s result the app's reader accepts", (status, reason, summary) => {
    const result = build(status, reason, summary);
    expect(TrainResultSchema.parse(result)).toEqual(result);
  });
});

describe("resultOutputs", () => {
  it("sets exactly the outputs action.yml declares", () => {
    const manifest = parse(readFileSync(new URL("../../action.yml", import.meta.url), "utf8")) as {
      outputs: Record<string, unknown>;
    };
    const propose = proposeOutputs({ status: "proposed", reason: "", branch: "", description: "" });
    const names = new Set([
      ...Object.keys(resultOutputs(build("ok", null, SUMMARY))),
      ...Object.keys(propose),
      ...Object.values(HANDOFF_OUTPUTS),
    ]);
    expect([...names].sort()).toEqual(Object.keys(manifest.outputs).sort());
  });

  it.each([
    [
      "ok",
      build("ok", null, SUMMARY),
      {
        status: "ok",
        "crash-reason": "",
        val_bpb: "0.997900",
        memory_gb: "44.0",
        peak_vram_mb: "45060.2",
        training_seconds: "300.1",
        total_seconds: "325.9",
        anomalous: "false",
      },
    ],
    [
      "ok with a round val_bpb and an unknown training time",
      build("ok", null, { ...SUMMARY, val_bpb: 1, training_seconds: null }, true),
      {
        status: "ok",
        "crash-reason": "",
        val_bpb: "1.000000",
        memory_gb: "44.0",
        peak_vram_mb: "45060.2",
        training_seconds: "",
        total_seconds: "325.9",
        anomalous: "true",
      },
    ],
    [
      "crash",
      build("crash", "oom", null),
      {
        status: "crash",
        "crash-reason": "oom",
        val_bpb: "0.000000",
        memory_gb: "0.0",
        peak_vram_mb: "",
        training_seconds: "",
        total_seconds: "",
        anomalous: "false",
      },
    ],
    [
      "rejected",
      build("rejected", "path-violation", null),
      {
        status: "rejected",
        "crash-reason": "path-violation",
        val_bpb: "0.000000",
        memory_gb: "0.0",
        peak_vram_mb: "",
        training_seconds: "",
        total_seconds: "",
        anomalous: "false",
      },
    ],
  ])("formats %s as results.tsv would", (_name, result, expected) => {
    const { "result-json": json, ...outputs } = resultOutputs(result);
    expect(outputs).toEqual(expected);
    expect(JSON.parse(json)).toEqual(result);
  });
});
