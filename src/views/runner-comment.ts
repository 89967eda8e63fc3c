import Handlebars from "handlebars";
import { renderResultMarker, type TrainResult } from "../core/result-marker.js";
import template from "../templates/runner-comment.hbs";

/** Finds the action's sticky comment on a PR again, run after run. */
export const RUNNER_MARKER = "<!-- autoresearch:runner -->";

const render = Handlebars.create().compile(template, { noEscape: false, strict: false });

export interface StartedView {
  sha: string;
  timeoutMinutes: number;
  runUrl: string | null;
}

/** Posted by `mode: check` before training: the train step holds no token to update it. */
export function renderStartedComment(view: StartedView): string {
  return render({
    started: true,
    sha7: view.sha.slice(0, 7),
    timeoutMinutes: view.timeoutMinutes,
    runUrl: view.runUrl,
    markers: RUNNER_MARKER,
  });
}

export interface FinalView {
  result: TrainResult;
  logTail: string | null;
  logFile: string;
  runUrl: string | null;
  /** The job summary has no use for the hidden markers. */
  withMarkers: boolean;
}

const HEADLINES: Record<TrainResult["status"], [string, string]> = {
  ok: ["✅", "val_bpb"],
  crash: ["💥", "crash"],
  infra: ["⚠️", "not trained"],
  rejected: ["🚫", "rejected"],
};

export function renderFinalComment(view: FinalView): string {
  const { result } = view;
  const [icon, word] = HEADLINES[result.status];
  const headline =
    result.status === "ok"
      ? `${word} ${result.val_bpb.toFixed(6)}${result.anomalous ? " (anomalous)" : ""}`
      : `${word} (${result.crash_reason})`;
  const tail = inert(view.logTail?.trimEnd() ?? "");
  return render({
    icon,
    headline,
    sha7: result.head_sha.slice(0, 7),
    message: result.message,
    rows: metricRows(result),
    logTail: tail === "" ? null : tail,
    logLines: tail.split("\n").length,
    logFile: view.logFile,
    fence: fenceFor(tail),
    runUrl: view.runUrl,
    attempt: result.run_attempt,
    markers: view.withMarkers ? `${RUNNER_MARKER}\n${renderResultMarker(result)}` : "",
  });
}

function metricRows(result: TrainResult): [string, string][] {
  const rows: [string, string | number | null][] = [
    ["status", result.status],
    ["val_bpb", result.val_bpb.toFixed(6)],
    ["memory_gb", result.memory_gb.toFixed(1)],
    ["peak_vram_mb", result.peak_vram_mb],
    ["training_seconds", result.training_seconds],
    ["total_seconds", result.total_seconds],
    ["mfu_percent", result.mfu_percent],
    ["total_tokens_M", result.total_tokens_M],
    ["num_steps", result.num_steps],
    ["num_params_M", result.num_params_M],
    ["depth", result.depth],
  ];
  return rows.filter(([, v]) => v !== null).map(([k, v]) => [k, String(v)]);
}

/**
 * Training output is untrusted: a log line like `<!-- autoresearch:result {...} -->`
 * must never read as a marker. A zero-width space after `<` keeps it visible but inert.
 */
export function inert(text: string): string {
  return text.replaceAll("<!--", "<\u200b!--").replaceAll("-->", "-\u200b->");
}

/** A code fence longer than any backtick run in the log, so a log can never close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(longest + 1);
}
