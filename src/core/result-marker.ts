import * as z from "zod";
import {
  inRange,
  MEMORY_GB_RANGE,
  numberIn,
  rangeText,
  SUMMARY_RANGES,
  type SummaryField,
} from "./summary-bounds.js";

/** Why a training run produced no usable val_bpb. */
export const CRASH_REASONS = [
  "nan",
  "oom",
  "traceback",
  "timeout",
  "no-summary",
  "invalid-summary",
  "killed",
  "escaped-process",
] as const;
/** Why the runner never trained, or could not. */
export const INFRA_REASONS = ["missing-data", "runner-error"] as const;
/** Why the action refused the PR before running anything. */
export const REJECT_REASONS = ["path-violation", "bad-ref"] as const;

export const TrainStatus = z.enum(["ok", "crash", "infra", "rejected"]);
export type TrainStatus = z.infer<typeof TrainStatus>;

/** A summary number as the runner may report it: within SUMMARY_RANGES, or null when not printed. */
const num = (field: SummaryField) => numberIn(SUMMARY_RANGES[field]).nullable();

/**
 * What the runner action measured for one PR head: the contract between the
 * action (writer) and the app (reader). Written as a hidden HTML comment in the
 * action's sticky PR comment.
 */
export const TrainResultSchema = z.object({
  v: z.literal(1),
  status: TrainStatus,
  crash_reason: z.enum([...CRASH_REASONS, ...INFRA_REASONS, ...REJECT_REASONS]).nullable(),
  /** One human sentence: what happened and what to do. */
  message: z.string(),
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
  anomalous: z.boolean(),
  pr: z.number().int().positive().nullable(),
  head_sha: z.string(),
  run_id: z.string(),
  run_attempt: z.number().int().nonnegative(),
  started_at: z.string(),
  finished_at: z.string(),
});
export type TrainResult = z.infer<typeof TrainResultSchema>;
export type CrashReason = NonNullable<TrainResult["crash_reason"]>;

const MARKER = "autoresearch:result";
const MARKER_RE = /<!-- autoresearch:result (\{.*?\}) -->/s;

export function renderResultMarker(result: TrainResult): string {
  // "--" may not appear inside an HTML comment; JSON never needs a literal "-->".
  const json = JSON.stringify(result).replaceAll("--", "-\\u002d");
  return `<!-- ${MARKER} ${json} -->`;
}

export type MarkerRead =
  | { found: false }
  | { found: true; ok: true; result: TrainResult }
  | { found: true; ok: false; error: string };

/** Finds and validates the result marker in a comment body. */
export function readResultMarker(body: string): MarkerRead {
  const match = MARKER_RE.exec(body);
  if (!match) return { found: false };
  let raw: unknown;
  try {
    raw = JSON.parse(match[1]);
  } catch (cause) {
    return { found: true, ok: false, error: `result marker is not JSON: ${String(cause)}` };
  }
  const parsed = TrainResultSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(root)"}: ${i.message}`,
    );
    return { found: true, ok: false, error: `result marker is invalid: ${problems.join("; ")}` };
  }
  // 0 stands for "no result"; an ok result is a val_bpb the runner could have read.
  if (parsed.data.status === "ok" && !inRange(parsed.data.val_bpb, SUMMARY_RANGES.val_bpb)) {
    const range = rangeText(SUMMARY_RANGES.val_bpb);
    return {
      found: true,
      ok: false,
      error: `result marker is invalid: val_bpb: must be a number in ${range} when status is ok`,
    };
  }
  return { found: true, ok: true, result: parsed.data };
}
