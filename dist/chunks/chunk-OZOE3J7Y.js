import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  _enum,
  boolean,
  literal,
  number,
  object,
  string
} from "./chunk-LBXT2ELO.js";

// src/core/summary-bounds.ts
var SUMMARY_RANGES = {
  val_bpb: { min: 0, max: 100, exclusive: true },
  training_seconds: { min: 0, max: 1e6 },
  total_seconds: { min: 0, max: 1e6 },
  peak_vram_mb: { min: 0, max: 1e7 },
  mfu_percent: { min: 0, max: 1e3 },
  total_tokens_M: { min: 0, max: 1e9 },
  num_steps: { min: 0, max: 1e9 },
  num_params_M: { min: 0, max: 1e7 },
  depth: { min: 0, max: 1e4 }
};
var MEMORY_GB_RANGE = { min: 0, max: SUMMARY_RANGES.peak_vram_mb.max / 1024 };
function rangeText(range) {
  const [open, close] = range.exclusive ? ["(", ")"] : ["[", "]"];
  return `${open}${range.min}, ${range.max}${close}`;
}
function inRange(value, range) {
  if (!Number.isFinite(value)) return false;
  return range.exclusive ? value > range.min && value < range.max : value >= range.min && value <= range.max;
}
function numberIn(range) {
  const message = `must be a number in ${rangeText(range)}`;
  const number2 = number({ error: message });
  return range.exclusive ? number2.gt(range.min, message).lt(range.max, message) : number2.min(range.min, message).max(range.max, message);
}

// src/core/result-marker.ts
var CRASH_REASONS = [
  "nan",
  "oom",
  "traceback",
  "timeout",
  "no-summary",
  "invalid-summary",
  "killed",
  "escaped-process"
];
var INFRA_REASONS = ["missing-data", "runner-error"];
var REJECT_REASONS = ["path-violation", "bad-ref"];
var TrainStatus = _enum(["ok", "crash", "infra", "rejected"]);
var num = (field) => numberIn(SUMMARY_RANGES[field]).nullable();
var TrainResultSchema = object({
  v: literal(1),
  status: TrainStatus,
  crash_reason: _enum([...CRASH_REASONS, ...INFRA_REASONS, ...REJECT_REASONS]).nullable(),
  /** One human sentence: what happened and what to do. */
  message: string(),
  /** 0 when there is no result (crash, infra, rejected). */
  val_bpb: numberIn({ ...SUMMARY_RANGES.val_bpb, exclusive: false }),
  memory_gb: numberIn(MEMORY_GB_RANGE),
  peak_vram_mb: num("peak_vram_mb"),
  training_seconds: num("training_seconds"),
  total_seconds: num("total_seconds"),
  mfu_percent: num("mfu_percent"),
  total_tokens_M: num("total_tokens_M"),
  num_steps: num("num_steps"),
  num_params_M: num("num_params_M"),
  depth: num("depth"),
  anomalous: boolean(),
  pr: number().int().positive().nullable(),
  head_sha: string(),
  run_id: string(),
  run_attempt: number().int().nonnegative(),
  started_at: string(),
  finished_at: string()
});
var MARKER = "autoresearch:result";
var MARKER_RE = /<!-- autoresearch:result (\{.*?\}) -->/s;
function renderResultMarker(result) {
  const json = JSON.stringify(result).replaceAll("--", "-\\u002d");
  return `<!-- ${MARKER} ${json} -->`;
}
function readResultMarker(body) {
  const match = MARKER_RE.exec(body);
  if (!match) return { found: false };
  let raw;
  try {
    raw = JSON.parse(match[1]);
  } catch (cause) {
    return { found: true, ok: false, error: `result marker is not JSON: ${String(cause)}` };
  }
  const parsed = TrainResultSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(root)"}: ${i.message}`
    );
    return { found: true, ok: false, error: `result marker is invalid: ${problems.join("; ")}` };
  }
  if (parsed.data.status === "ok" && !inRange(parsed.data.val_bpb, SUMMARY_RANGES.val_bpb)) {
    const range = rangeText(SUMMARY_RANGES.val_bpb);
    return {
      found: true,
      ok: false,
      error: `result marker is invalid: val_bpb: must be a number in ${range} when status is ok`
    };
  }
  return { found: true, ok: true, result: parsed.data };
}

export {
  SUMMARY_RANGES,
  MEMORY_GB_RANGE,
  rangeText,
  numberIn,
  TrainResultSchema,
  renderResultMarker,
  readResultMarker
};
