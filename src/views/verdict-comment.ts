import * as z from "zod";
import { formatBpb, formatDelta } from "../core/digest.js";
import { noiseMultiple } from "../core/noise.js";
import type { TrainResult } from "../core/result-marker.js";
import type { Verdict } from "../core/state-block.js";
import template from "../templates/verdict-comment.hbs";
import { compileTemplate } from "./compile-template.js";

export interface VerdictCommentInput {
  n: number;
  description: string;
  verdict: Verdict;
  result: TrainResult;
  /** From digestLines. */
  digest: string;
  /** The experiment's dispatch count (state.attempts) this verdict is for. */
  attempt: number;
}

/** Identifies a posted verdict, so a redelivered webhook does not post it twice. */
export const VerdictMarkerSchema = z.object({
  n: z.number().int().nonnegative(),
  head_sha: z.string(),
  attempt: z.number().int().nonnegative(),
});
export type VerdictMarker = z.infer<typeof VerdictMarkerSchema>;

interface VerdictView {
  marker: string;
  icon: string;
  status: Verdict["status"];
  n: number;
  description: string;
  reason: string;
  flags: string[];
  digest: string;
  numbers: { label: string; value: string }[];
}

const ICONS: Record<Verdict["status"], string> = {
  keep: "✅",
  discard: "⚪",
  crash: "💥",
  remeasure: "📏",
};

const render = compileTemplate<VerdictView>(template);

export function renderVerdictComment(input: VerdictCommentInput): string {
  const { verdict, result } = input;
  return render({
    marker: renderVerdictMarker({
      n: input.n,
      head_sha: result.head_sha,
      attempt: input.attempt,
    }),
    icon: ICONS[verdict.status],
    status: verdict.status,
    n: input.n,
    description: input.description,
    reason: verdict.reason,
    flags: verdict.flags,
    digest: input.digest,
    numbers: resultNumbers(verdict, result),
  });
}

function resultNumbers(verdict: Verdict, result: TrainResult): VerdictView["numbers"] {
  const measured = result.status === "ok";
  const rows: [string, string | null][] = [
    ["val_bpb", measured ? formatBpb(result.val_bpb) : `crash (${result.crash_reason ?? "?"})`],
    ["compared against", verdict.best === null ? null : formatBpb(verdict.best)],
    ["delta", verdict.delta === null ? null : formatDelta(verdict.delta)],
    ["noise floor (MAD)", verdict.noise == null ? null : formatBpb(verdict.noise)],
    ["delta / noise floor", noiseMultiple(verdict.delta, verdict.noise)],
    ["peak memory", measured ? `${result.memory_gb.toFixed(1)} GB` : null],
    ["training time", withUnit(result.training_seconds, 1, " s")],
    ["total time", withUnit(result.total_seconds, 1, " s")],
    ["MFU", withUnit(result.mfu_percent, 2, "%")],
    ["tokens", withUnit(result.total_tokens_M, 1, "M")],
    ["steps", withUnit(result.num_steps, 0, "")],
    ["parameters", withUnit(result.num_params_M, 1, "M")],
    ["depth", withUnit(result.depth, 0, "")],
    ["commit", result.head_sha.slice(0, 7)],
  ];
  return rows.flatMap(([label, value]) => (value === null ? [] : [{ label, value }]));
}

function withUnit(value: number | null, decimals: number, unit: string): string | null {
  return value === null ? null : `${value.toFixed(decimals)}${unit}`;
}

export function renderVerdictMarker(marker: VerdictMarker): string {
  return `<!-- autoresearch:verdict ${JSON.stringify(marker).replaceAll("--", "-\\u002d")} -->`;
}

const MARKER_RE = /<!-- autoresearch:verdict (\{.*?\}) -->/s;

/** The verdict marker of a comment the app posted, or null. */
export function readVerdictMarker(body: string | null | undefined): VerdictMarker | null {
  const match = body ? MARKER_RE.exec(body) : null;
  if (!match) return null;
  try {
    const parsed = VerdictMarkerSchema.safeParse(JSON.parse(match[1]));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
