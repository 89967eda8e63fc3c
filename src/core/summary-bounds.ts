import * as z from "zod";

/** An accepted interval; `exclusive` leaves out both ends. */
export interface NumberRange {
  min: number;
  max: number;
  exclusive?: boolean;
}

/**
 * What a number in train.py's summary may be. The bounds are sanity, not
 * expectations: each sits orders of magnitude beyond any real run, so a
 * value outside one is a broken or forged summary (a sign flip, an overflow,
 * `inf`), never a result to keep or chart. The runner's summary reader and
 * the app's result-marker reader both use these, so neither can accept a
 * number the other refuses.
 *
 * - val_bpb in (0, 100): bits per byte; 8 is a uniform guess, and train.py
 *   itself stops (FAIL) once the loss exceeds 100.
 * - training_seconds, total_seconds in [0, 1e6]: 11.5 days; the budget is 300 s.
 * - peak_vram_mb in [0, 1e7]: 10 TB; one GPU holds well under 1 TB.
 * - mfu_percent in [0, 1000]: above 100 is possible when train.py's peak
 *   FLOPs constant is for an older GPU than the runner's.
 * - total_tokens_M in [0, 1e9]: 10^15 tokens.
 * - num_steps in [0, 1e9].
 * - num_params_M in [0, 1e7]: 10^13 parameters.
 * - depth in [0, 1e4] layers.
 */
export const SUMMARY_RANGES = {
  val_bpb: { min: 0, max: 100, exclusive: true },
  training_seconds: { min: 0, max: 1e6 },
  total_seconds: { min: 0, max: 1e6 },
  peak_vram_mb: { min: 0, max: 1e7 },
  mfu_percent: { min: 0, max: 1000 },
  total_tokens_M: { min: 0, max: 1e9 },
  num_steps: { min: 0, max: 1e9 },
  num_params_M: { min: 0, max: 1e7 },
  depth: { min: 0, max: 1e4 },
} as const satisfies Record<string, NumberRange>;

export type SummaryField = keyof typeof SUMMARY_RANGES;

/** results.tsv's memory_gb is peak_vram_mb / 1024, so it shares that bound. */
export const MEMORY_GB_RANGE: NumberRange = { min: 0, max: SUMMARY_RANGES.peak_vram_mb.max / 1024 };

/** `(0, 100)` or `[0, 1000000]`: the interval as a reader of the error sees it. */
export function rangeText(range: NumberRange): string {
  const [open, close] = range.exclusive ? ["(", ")"] : ["[", "]"];
  return `${open}${range.min}, ${range.max}${close}`;
}

/** NaN and ±Infinity are never in range. */
export function inRange(value: number, range: NumberRange): boolean {
  if (!Number.isFinite(value)) return false;
  return range.exclusive
    ? value > range.min && value < range.max
    : value >= range.min && value <= range.max;
}

/** A zod number limited to the range, whose error names it. */
export function numberIn(range: NumberRange): z.ZodNumber {
  const message = `must be a number in ${rangeText(range)}`;
  const number = z.number({ error: message });
  return range.exclusive
    ? number.gt(range.min, message).lt(range.max, message)
    : number.min(range.min, message).max(range.max, message);
}
